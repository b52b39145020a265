#include "metrics.h"

#include "version.h"

#include <QDateTime>

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
    return out;
}

} // namespace Laces::Server
