#pragma once

#include "http/router.h"

namespace Laces::Server {

// Maintenance tickets of the caller's organization:
//   GET /maintenance/tickets?status=&severity=&node_id=&twin_id=&component=&site=&cause=&number=
//       &sort=priority|opened_at&page=&per_page=                       (maintenance.view)
//   GET /maintenance/tickets/{id}            the ticket and its events  (maintenance.view)
//   POST /maintenance/tickets                a manual ticket            (maintenance.work)
//   PATCH /maintenance/tickets/{id}          {status, assignee_id, severity, comment,
//                                             resolution: {code, component, notes}} (maintenance.work)
// Status moves open → acknowledged → in_progress → resolved → closed, any unfinished one
// to cancelled, and resolved back to open; anything else answers 409. Resolving needs a
// resolution code (failure, no_fault, preventive).
class TicketsApi
{
public:
    void registerRoutes(Router &router);

    // Whether a ticket may move from `from` to `to`.
    static bool allowed(const QString &from, const QString &to);

private:
    HttpResponse list(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse update(RequestContext &context);
};

} // namespace Laces::Server
