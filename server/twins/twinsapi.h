#pragma once

#include "http/router.h"

namespace Laces::Server {

// Digital twins of the caller's organization:
//   GET /twins?search=&page=&per_page=&sort=name|created_at|updated_at&order=asc|desc
//   POST /twins, GET/PATCH/DELETE /twins/{id}
// A twin of another organization answers 404, exactly like one that does not exist.
class TwinsApi
{
public:
    void registerRoutes(Router &router);

    // The public view of a twin, built by the database.
    static const char *twinJsonSql();

private:
    HttpResponse list(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse update(RequestContext &context);
    HttpResponse remove(RequestContext &context);
};

} // namespace Laces::Server
