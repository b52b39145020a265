#pragma once

#include "http/router.h"

namespace Laces::Server {

// A twin's model files and its history, like commits:
//   POST /twins/{id}/models                       upload a model file (raw body), inspected and stored once per content
//   GET  /twins/{id}/versions                     the log, newest first, paginated
//   POST /twins/{id}/versions                     {parents, message, model_sha256?, properties?, component_properties?}
//   GET  /twins/{id}/versions/{vid}               one version with its components
//   GET  /twins/{id}/versions/{vid}/model         the model file (ETag, If-None-Match, Range)
//   GET  /twins/{id}/versions/{a}/diff/{b}        components, properties and model compared
//   POST /twins/{id}/versions/{vid}/restore       a new latest version equal to an old one
//   GET  /twins/{id}/tags, PUT/DELETE /twins/{id}/tags/{name} {version_id}
// A new version must name the current latest as its parent: otherwise 409 with the latest id.
class VersionsApi
{
public:
    explicit VersionsApi(qint64 maxModelBytes) : m_maxModelBytes(maxModelBytes) {}
    void registerRoutes(Router &router);

private:
    HttpResponse uploadModel(RequestContext &context);
    HttpResponse log(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse download(RequestContext &context);
    HttpResponse diff(RequestContext &context);
    HttpResponse restore(RequestContext &context);
    HttpResponse tags(RequestContext &context);
    HttpResponse setTag(RequestContext &context);
    HttpResponse deleteTag(RequestContext &context);

    qint64 m_maxModelBytes;
};

} // namespace Laces::Server
