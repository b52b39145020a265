#pragma once

#include "http/router.h"
#include "samplebatch.h"
#include "telemetrystore.h"

namespace Laces::Server {

class Metrics;

// Telemetry in and out:
//   POST /telemetry          one JSON sample                           (telemetry.ingest)
//   POST /telemetry/batch    JSON {"boot_epoch", "samples"} or text/csv (telemetry.ingest)
//   GET  /telemetry/{node}?from&to&metrics&bucket=auto|raw|1m|1h|1d&limit&after  (twins.view)
//   GET  /fleet/summary      every node's latest values and health      (twins.view)
//   POST /telemetry/maintenance  partitions, compression and retention now (nodes.manage)
// Users with telemetry.ingest and edge API keys (for their own node) may ingest. The wire
// formats are in docs/telemetry.md.
class TelemetryApi
{
public:
    TelemetryApi(TelemetrySettings settings, TelemetryPartitions *partitions, Metrics *metrics);

    void registerRoutes(Router &router);

    static constexpr qint64 kMaxBatchBodyBytes = 64 * 1024 * 1024;
    static constexpr int kDefaultRawLimit = 10000;
    static constexpr int kMaxRawLimit = 100000;
    static constexpr int kMaxBuckets = 20000;  // per metric and request

private:
    // Samples now acceptable: up to 5 minutes ahead, back to the raw retention.
    SampleBatch::Limits limitsNow(int maxSamples) const;
    HttpResponse ingestOne(RequestContext &context);
    HttpResponse ingestBatch(RequestContext &context);
    HttpResponse store(RequestContext &context, Core::Result<SampleBatch> batch, bool single);
    HttpResponse query(RequestContext &context);
    HttpResponse fleetSummary(RequestContext &context);
    HttpResponse maintain(RequestContext &context);

    TelemetrySettings m_settings;
    TelemetryPartitions *m_partitions;
    Metrics *m_metrics;
    TelemetryIngest m_ingest;
};

} // namespace Laces::Server
