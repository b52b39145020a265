#pragma once

#include "http/router.h"

namespace Laces::Server {

// Alert rules of the caller's organization (nodes.manage):
//   GET /alert-rules, POST /alert-rules, GET/PATCH/DELETE /alert-rules/{id}
// A rule is {name, node_id | node_type | neither (every node), metric, direction:
// above|below, level, clear_level, for_s, severity, enabled}. It fires when the metric
// has been beyond `level` for `for_s` seconds and clears only once it is back beyond
// `clear_level` (hysteresis). clear_level defaults to 5 % of |level| on the safe side.
// Every sensor's warn_above (MEDIUM) and max (HIGH) act as default rules with the same
// 5 % band and 60 s; explicit rules add to them.
class AlertRulesApi
{
public:
    void registerRoutes(Router &router);

private:
    HttpResponse list(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse update(RequestContext &context);
    HttpResponse remove(RequestContext &context);
};

} // namespace Laces::Server
