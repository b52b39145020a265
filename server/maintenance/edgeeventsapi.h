#pragma once

#include "http/router.h"
#include "ticketstore.h"

namespace Laces::Server {

// What an edge agent noticed on its own, uploaded when its link allows:
//   POST /nodes/{id}/events {"boot_epoch", "events": [{"seq", "time", "kind": "anomaly"|"limit",
//        "metric", "value", "limit", "direction", "score", "threshold", "message", "drivers": [{"metric",
//        "share"}], "window": {"from", "to"}}]}
//        (telemetry.ingest: the node's own edge API key, or a user who may ingest)
// Each new (node, boot_epoch, seq) is stored in edge_events and becomes an occurrence of the
// node's edge_anomaly ticket (opened on the first, with the usual deduplication); a repeated
// one is counted as a duplicate and changes nothing, so an agent may retry freely.
// Answers {"stored", "duplicates", "tickets": [ids]}.
class EdgeEventsApi
{
public:
    explicit EdgeEventsApi(AlertPolicy policy) : m_policy(policy) {}

    void registerRoutes(Router &router);

    static constexpr int kMaxEventsPerRequest = 1000;

private:
    HttpResponse post(RequestContext &context);

    AlertPolicy m_policy;
};

} // namespace Laces::Server
