#include "metrics.h"

#include "version.h"

#include <QDateTime>
#include <QStorageInfo>

#include <algorithm>

namespace Laces::Server {

namespace {
QByteArray labelValue(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 12);
}
} // namespace

Metrics::Metrics()
    : m_startedAtS(QDateTime::currentSecsSinceEpoch())
{
}

void Metrics::observeRequest(const QByteArray &method, const QString &route, int status, double seconds)
{
    QMutexLocker locker(&m_mutex);
    Histogram &histogram = m_durations[{method, route}];
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i])
            ++histogram.counts[i];
    }
    ++histogram.count;
    histogram.sum += seconds;
    ++m_responses[{method, route}][status];
    ++m_byStatus[status];
}

void Metrics::setGaugeSource(std::function<int()> dbInUse, std::function<int()> dbIdle,
                             std::function<int()> httpConnections, std::function<int()> webSockets)
{
    QMutexLocker locker(&m_mutex);
    m_dbInUse = std::move(dbInUse);
    m_dbIdle = std::move(dbIdle);
    m_httpConnections = std::move(httpConnections);
    m_webSockets = std::move(webSockets);
}

void Metrics::countRateLimited()
{
    QMutexLocker locker(&m_mutex);
    ++m_rateLimited;
}

void Metrics::setDatabaseProbe(bool up, double seconds)
{
    QMutexLocker locker(&m_mutex);
    m_databaseUp = up;
    m_databaseProbeS = seconds;
    m_databaseProbedAtS = QDateTime::currentSecsSinceEpoch();
}

void Metrics::noteIngest(double lagS)
{
    QMutexLocker locker(&m_mutex);
    m_ingestLagS = std::max(0.0, lagS);
    m_lastIngestS = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

void Metrics::setAgentInterval(int intervalS)
{
    QMutexLocker locker(&m_mutex);
    m_agentIntervalS = intervalS;
}

void Metrics::noteAgentCycle()
{
    QMutexLocker locker(&m_mutex);
    m_lastAgentCycleS = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

void Metrics::setFleet(const QHash<QString, qint64> &nodesByStatus)
{
    QMutexLocker locker(&m_mutex);
    m_fleet = nodesByStatus;
}

void Metrics::setOpenTickets(const QHash<QString, qint64> &ticketsBySeverity)
{
    QMutexLocker locker(&m_mutex);
    m_openTickets = ticketsBySeverity;
}

void Metrics::setCertificateExpiry(qint64 expiresAtS)
{
    QMutexLocker locker(&m_mutex);
    m_certificateExpiryS = expiresAtS;
}

void Metrics::setDataDir(const QString &dataDir)
{
    QMutexLocker locker(&m_mutex);
    m_dataDir = dataDir;
}

void Metrics::setWebSocketDisconnectSource(std::function<QHash<QByteArray, quint64>()> source)
{
    QMutexLocker locker(&m_mutex);
    m_webSocketDisconnects = std::move(source);
}

void Metrics::countTelemetry(qint64 stored, qint64 duplicates)
{
    QMutexLocker locker(&m_mutex);
    m_telemetryStored += quint64(stored);
    m_telemetryDuplicates += quint64(duplicates);
}

QByteArray Metrics::exposition() const
{
    QMutexLocker locker(&m_mutex);
    QByteArray out;
    out += "# HELP laces_build_info Build information.\n# TYPE laces_build_info gauge\n";
    out += "laces_build_info{version=\"" + labelValue(Core::productVersion()) + "\"} 1\n";
    out += "# HELP process_start_time_seconds Start time of the process since the epoch.\n"
           "# TYPE process_start_time_seconds gauge\n";
    out += "process_start_time_seconds " + QByteArray::number(m_startedAtS) + "\n";
    out += "# HELP laces_telemetry_samples_stored_total Telemetry samples stored.\n"
           "# TYPE laces_telemetry_samples_stored_total counter\n"
           "laces_telemetry_samples_stored_total " + QByteArray::number(m_telemetryStored) + "\n";
    out += "# HELP laces_telemetry_samples_duplicate_total Telemetry samples not stored again (retries).\n"
           "# TYPE laces_telemetry_samples_duplicate_total counter\n"
           "laces_telemetry_samples_duplicate_total " + QByteArray::number(m_telemetryDuplicates) + "\n";

    out += "# HELP laces_http_request_duration_seconds Time from a request's last byte to its answer.\n"
           "# TYPE laces_http_request_duration_seconds histogram\n";
    for (auto it = m_durations.begin(); it != m_durations.end(); ++it) {
        const QByteArray labels = "method=\"" + it.key().first + "\",route=\"" + labelValue(it.key().second) + "\"";
        for (size_t i = 0; i < kBuckets.size(); ++i)
            out += "laces_http_request_duration_seconds_bucket{" + labels + ",le=\"" + number(kBuckets[i])
                   + "\"} " + QByteArray::number(it->counts[i]) + "\n";
        out += "laces_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} "
               + QByteArray::number(it->count) + "\n";
        out += "laces_http_request_duration_seconds_sum{" + labels + "} " + number(it->sum) + "\n";
        out += "laces_http_request_duration_seconds_count{" + labels + "} " + QByteArray::number(it->count) + "\n";
    }

    out += "# HELP laces_http_responses_total Responses sent, by status code.\n"
           "# TYPE laces_http_responses_total counter\n";
    for (auto it = m_byStatus.begin(); it != m_byStatus.end(); ++it)
        out += "laces_http_responses_total{status=\"" + QByteArray::number(it.key()) + "\"} "
               + QByteArray::number(it.value()) + "\n";
    out += "# HELP laces_http_route_responses_total Responses sent, by route and status code.\n"
           "# TYPE laces_http_route_responses_total counter\n";
    for (auto it = m_responses.begin(); it != m_responses.end(); ++it) {
        for (auto status = it->begin(); status != it->end(); ++status)
            out += "laces_http_route_responses_total{method=\"" + it.key().first + "\",route=\""
                   + labelValue(it.key().second) + "\",status=\"" + QByteArray::number(status.key())
                   + "\"} " + QByteArray::number(status.value()) + "\n";
    }

    out += "# HELP laces_db_pool_connections Database pool connections by state.\n"
           "# TYPE laces_db_pool_connections gauge\n";
    out += "laces_db_pool_connections{state=\"in_use\"} " + QByteArray::number(m_dbInUse ? m_dbInUse() : 0) + "\n";
    out += "laces_db_pool_connections{state=\"idle\"} " + QByteArray::number(m_dbIdle ? m_dbIdle() : 0) + "\n";
    out += "# HELP laces_http_connections Open HTTP connections.\n# TYPE laces_http_connections gauge\n";
    out += "laces_http_connections " + QByteArray::number(m_httpConnections ? m_httpConnections() : 0) + "\n";
    out += "# HELP laces_websocket_connections Open WebSocket connections.\n"
           "# TYPE laces_websocket_connections gauge\n";
    out += "laces_websocket_connections " + QByteArray::number(m_webSockets ? m_webSockets() : 0) + "\n";
    out += "# HELP laces_websocket_disconnects_total WebSocket connections ended, by who ended them.\n"
           "# TYPE laces_websocket_disconnects_total counter\n";
    const QHash<QByteArray, quint64> disconnects = m_webSocketDisconnects ? m_webSocketDisconnects()
                                                                          : QHash<QByteArray, quint64>{};
    for (const char *reason : {"client", "timeout", "server"})
        out += "laces_websocket_disconnects_total{reason=\"" + QByteArray(reason) + "\"} "
               + QByteArray::number(disconnects.value(reason)) + "\n";

    out += "# HELP laces_http_rate_limited_total Requests refused with 429 by a rate limit.\n"
           "# TYPE laces_http_rate_limited_total counter\n"
           "laces_http_rate_limited_total " + QByteArray::number(m_rateLimited) + "\n";
    // A probe that has not come back for 15 s (a connect hanging on an unreachable host)
    // counts as down, not as the last answer it gave.
    const bool databaseUp = m_databaseUp && QDateTime::currentSecsSinceEpoch() - m_databaseProbedAtS < 15;
    out += "# HELP laces_database_up Whether the last database probe (every 5 s) succeeded.\n"
           "# TYPE laces_database_up gauge\n"
           "laces_database_up " + QByteArray(databaseUp ? "1" : "0") + "\n";
    out += "# HELP laces_database_probe_duration_seconds How long the last database probe took.\n"
           "# TYPE laces_database_probe_duration_seconds gauge\n"
           "laces_database_probe_duration_seconds " + number(m_databaseProbeS) + "\n";
    out += "# HELP laces_telemetry_ingest_lag_seconds Age of the newest sample of the last stored batch.\n"
           "# TYPE laces_telemetry_ingest_lag_seconds gauge\n"
           "laces_telemetry_ingest_lag_seconds " + number(m_ingestLagS) + "\n";
    out += "# HELP laces_telemetry_last_ingest_timestamp_seconds When this instance last stored a batch.\n"
           "# TYPE laces_telemetry_last_ingest_timestamp_seconds gauge\n"
           "laces_telemetry_last_ingest_timestamp_seconds " + number(m_lastIngestS) + "\n";
    out += "# HELP laces_agent_interval_seconds Seconds between maintenance agent cycles, 0 when off.\n"
           "# TYPE laces_agent_interval_seconds gauge\n"
           "laces_agent_interval_seconds " + QByteArray::number(m_agentIntervalS) + "\n";
    out += "# HELP laces_agent_last_cycle_timestamp_seconds When this instance last ran an agent cycle.\n"
           "# TYPE laces_agent_last_cycle_timestamp_seconds gauge\n"
           "laces_agent_last_cycle_timestamp_seconds " + number(m_lastAgentCycleS) + "\n";
    out += "# HELP laces_fleet_nodes Machine nodes by status (all organizations).\n"
           "# TYPE laces_fleet_nodes gauge\n";
    for (const char *status : {"online", "offline", "maintenance"})
        out += "laces_fleet_nodes{status=\"" + QByteArray(status) + "\"} "
               + QByteArray::number(m_fleet.value(QLatin1String(status))) + "\n";
    out += "# HELP laces_maintenance_tickets_open Tickets open, acknowledged or in progress, by severity.\n"
           "# TYPE laces_maintenance_tickets_open gauge\n";
    for (const char *severity : {"LOW", "MEDIUM", "HIGH", "CRITICAL"})
        out += "laces_maintenance_tickets_open{severity=\"" + QByteArray(severity) + "\"} "
               + QByteArray::number(m_openTickets.value(QLatin1String(severity))) + "\n";
    if (!m_dataDir.isEmpty()) {
        const QStorageInfo storage(m_dataDir);
        if (storage.isValid()) {
            out += "# HELP laces_data_dir_free_bytes Bytes available to the server on the data directory's file system.\n"
                   "# TYPE laces_data_dir_free_bytes gauge\n"
                   "laces_data_dir_free_bytes " + QByteArray::number(storage.bytesAvailable()) + "\n";
            out += "# HELP laces_data_dir_size_bytes Size of the data directory's file system.\n"
                   "# TYPE laces_data_dir_size_bytes gauge\n"
                   "laces_data_dir_size_bytes " + QByteArray::number(storage.bytesTotal()) + "\n";
        }
    }
    if (m_certificateExpiryS > 0)
        out += "# HELP laces_tls_certificate_expiry_timestamp_seconds When the served TLS certificate expires.\n"
               "# TYPE laces_tls_certificate_expiry_timestamp_seconds gauge\n"
               "laces_tls_certificate_expiry_timestamp_seconds " + QByteArray::number(m_certificateExpiryS) + "\n";
    return out;
}

} // namespace Laces::Server
