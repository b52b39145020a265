#include "telemetryapi.h"

#include "telemetry/telemetrybucket.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "ops/metrics.h"
#include "samplebatch.h"
#include "telemetrymaintenance.h"
#include "telemetrymetrics.h"
#include "telemetryreader.h"
#include "telemetrytime.h"

#include <QDateTime>

#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

QJsonArray numbers(const QList<qint64> &values)
{
    QJsonArray array;
    for (qint64 value : values)
        array.append(double(value));
    return array;
}

QJsonArray numbers(const QList<double> &values)
{
    QJsonArray array;
    for (double value : values)
        array.append(value);
    return array;
}

Core::Result<qint64> timeQuery(const QUrlQuery &query, const QString &name, qint64 fallback)
{
    const QString text = query.queryItemValue(name, QUrl::FullyDecoded);
    if (text.isEmpty())
        return fallback;
    bool isNumber = false;
    qint64 ms = text.toLongLong(&isNumber);
    if (!isNumber) {
        const auto parsed = parseRfc3339Ms(text.toLatin1());
        isNumber = parsed.has_value();
        ms = parsed.value_or(0);
    }
    // Years 1970 to 9999, so that range arithmetic never overflows.
    if (isNumber && ms >= 0 && ms <= 253402300799999)
        return ms;
    return Error::invalid(QStringLiteral("'%1' must be an RFC 3339 time (2026-11-27T10:00:00Z) or milliseconds since "
                                         "the epoch, from 1970 to 9999").arg(name), name);
}

Core::Result<QList<int>> metricsQuery(const QUrlQuery &query)
{
    const QString text = query.queryItemValue(QStringLiteral("metrics"), QUrl::FullyDecoded);
    QList<int> metrics;
    if (text.isEmpty()) {
        for (int m = 0; m < TelemetryMetrics::count(); ++m)
            metrics.append(m);
        return metrics;
    }
    for (const QString &name : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int metric = TelemetryMetrics::indexOf(name.trimmed());
        if (metric < 0)
            return Error::invalid(QStringLiteral("unknown metric '%1'; known: %2").arg(name, TelemetryMetrics::names()),
                                  QStringLiteral("metrics"));
        if (!metrics.contains(metric))
            metrics.append(metric);
    }
    return metrics;
}


} // namespace

TelemetryApi::TelemetryApi(TelemetrySettings settings, TelemetryPartitions *partitions, Metrics *metrics)
    : m_settings(settings)
    , m_partitions(partitions)
    , m_metrics(metrics)
    , m_ingest(partitions)
{
}

void TelemetryApi::registerRoutes(Router &router)
{
    const Access ingest = Access::needs(QStringLiteral("telemetry.ingest"));
    const Access view = Access::needs(QStringLiteral("twins.view"));
    router.add("POST", QStringLiteral("/telemetry"), ingest, [this](RequestContext &c) { return ingestOne(c); });
    RouteOptions batchOptions;
    batchOptions.maxBodyBytes = kMaxBatchBodyBytes;
    router.add("POST", QStringLiteral("/telemetry/batch"), ingest, [this](RequestContext &c) { return ingestBatch(c); },
               batchOptions);
    router.add("GET", QStringLiteral("/telemetry/{node:uuid}"), view, [this](RequestContext &c) { return query(c); });
    router.add("GET", QStringLiteral("/fleet/summary"), view, [this](RequestContext &c) { return fleetSummary(c); });
    router.add("POST", QStringLiteral("/telemetry/maintenance"), Access::needs(QStringLiteral("nodes.manage")),
               [this](RequestContext &c) { return maintain(c); });
}

SampleBatch::Limits TelemetryApi::limitsNow(int maxSamples) const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return {now, 5 * TelemetryTime::kMinuteMs, now - qint64(m_settings.rawRetentionDays) * TelemetryTime::kDayMs,
            maxSamples};
}

HttpResponse TelemetryApi::ingestOne(RequestContext &context)
{
    const QByteArray contentType = context.request().header("content-type").toLower();
    if (!contentType.isEmpty() && !contentType.startsWith("application/json"))
        return HttpResponse::fromError(Error{Error::Code::UnsupportedMediaType,
                                             QStringLiteral("a sample is JSON (Content-Type: application/json)"),
                                             QStringLiteral("body")});
    return store(context, SampleBatch::fromJsonSample(context.request().body, limitsNow(1)), true);
}

HttpResponse TelemetryApi::ingestBatch(RequestContext &context)
{
    const QByteArray contentType = context.request().header("content-type").toLower();
    const SampleBatch::Limits limits = limitsNow(m_settings.maxBatchSamples);
    if (contentType.startsWith("text/csv")) {
        const QString epochText = context.request().query.queryItemValue(QStringLiteral("boot_epoch"));
        bool ok = true;
        const qint64 bootEpoch = epochText.isEmpty() ? 0 : epochText.toLongLong(&ok);
        if (!ok)
            return HttpResponse::fromError(
                Error::invalid(QStringLiteral("'boot_epoch' must be an integer"), QStringLiteral("boot_epoch")));
        return store(context, SampleBatch::fromCsv(context.request().body, bootEpoch, limits), false);
    }
    if (!contentType.isEmpty() && !contentType.startsWith("application/json"))
        return HttpResponse::fromError(Error{Error::Code::UnsupportedMediaType,
                                             QStringLiteral("a batch is JSON (application/json) or CSV (text/csv)"),
                                             QStringLiteral("body")});
    return store(context, SampleBatch::fromJsonBatch(context.request().body, limits), false);
}

HttpResponse TelemetryApi::store(RequestContext &context, Core::Result<SampleBatch> batch, bool single)
{
    if (!batch)
        return HttpResponse::fromError(batch.error());
    auto outcome = m_ingest.ingest(context.db(), context.principal(), *batch);
    if (!outcome)
        return HttpResponse::fromError(outcome.error());
    m_metrics->countTelemetry(outcome->stored, outcome->duplicates);
    if (!batch->timesMs.isEmpty()) {
        const qint64 newestMs = *std::max_element(batch->timesMs.cbegin(), batch->timesMs.cend());
        m_metrics->noteIngest(double(QDateTime::currentMSecsSinceEpoch() - newestMs) / 1000.0);
    }
    QJsonObject acked;
    for (const auto &[node, seq] : std::as_const(outcome->acked))
        acked.insert(node.toString(QUuid::WithoutBraces), double(seq));
    return HttpResponse::json(single && outcome->stored > 0 ? 201 : 200,
                              QJsonObject{{QStringLiteral("stored"), double(outcome->stored)},
                                          {QStringLiteral("duplicates"), double(outcome->duplicates)},
                                          {QStringLiteral("acked"), acked}});
}

HttpResponse TelemetryApi::query(RequestContext &context)
{
    const QUrlQuery &query = context.request().query;
    const QUuid node = context.uuidParam(QStringLiteral("node"));
    const auto visible = [&]() -> Core::Status {
        auto found = context.db().exec("SELECT 1 FROM machine_nodes WHERE id = $1 AND organization_id = $2",
                                       {uuidParam(node), uuidParam(context.principal().organizationId)});
        if (!found)
            return found.error();
        if (found->rowCount() == 0)
            return Error::notFound(QStringLiteral("no such node"));
        return Core::Ok{};
    };

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto to = timeQuery(query, QStringLiteral("to"), now);
    if (!to)
        return HttpResponse::fromError(to.error());
    const auto from = timeQuery(query, QStringLiteral("from"), *to - TelemetryTime::kHourMs);
    if (!from)
        return HttpResponse::fromError(from.error());
    if (*from >= *to)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'from' must be before 'to'"), QStringLiteral("from")));
    const auto metrics = metricsQuery(query);
    if (!metrics)
        return HttpResponse::fromError(metrics.error());
    QString bucket = query.queryItemValue(QStringLiteral("bucket"));
    if (bucket.isEmpty() || bucket == QLatin1String("auto"))
        bucket = Core::bucketForRange(*to - *from);
    QStringList metricNames;
    for (int metric : *metrics)
        metricNames.append(QString::fromLatin1(TelemetryMetrics::all().at(metric).name));
    QJsonObject answer{{QStringLiteral("node_id"), node.toString(QUuid::WithoutBraces)},
                       {QStringLiteral("bucket"), bucket},
                       {QStringLiteral("from"), formatRfc3339Ms(*from)},
                       {QStringLiteral("to"), formatRfc3339Ms(*to)},
                       {QStringLiteral("metrics"), QJsonArray::fromStringList(metricNames)}};

    if (bucket == QLatin1String("raw")) {
        const auto limit = context.intQuery(QStringLiteral("limit"), kDefaultRawLimit, kMaxRawLimit);
        if (!limit)
            return HttpResponse::fromError(limit.error());
        std::optional<TelemetryReader::Position> after;
        const QString afterText = query.queryItemValue(QStringLiteral("after"));
        if (!afterText.isEmpty()) {
            const QStringList parts = afterText.split(QLatin1Char(':'));
            bool ok[3] = {false, false, false};
            if (parts.size() == 3)
                after = TelemetryReader::Position{parts[0].toLongLong(&ok[0]), parts[1].toLongLong(&ok[1]),
                                                  parts[2].toLongLong(&ok[2])};
            if (!(ok[0] && ok[1] && ok[2]))
                return HttpResponse::fromError(Error::invalid(
                    QStringLiteral("'after' must be the 'next_after' of the previous page"), QStringLiteral("after")));
        }
        if (auto ok = visible(); !ok)
            return HttpResponse::fromError(ok.error());
        auto page = TelemetryReader::readRaw(context.db(), node, *from, *to, *metrics, after, *limit);
        if (!page)
            return HttpResponse::fromError(page.error());
        const Core::TelemetryColumns &columns = page->columns;
        QJsonObject values;
        for (const auto &metric : columns.metrics) {
            QJsonArray array;
            for (int row = 0; row < columns.rowCount(); ++row)
                array.append(metric.present.at(row) ? QJsonValue(metric.values.at(row)) : QJsonValue());
            values.insert(metric.name, array);
        }
        answer.insert(QStringLiteral("time"), numbers(columns.timesMs));
        answer.insert(QStringLiteral("seq"), numbers(columns.seqs));
        answer.insert(QStringLiteral("values"), values);
        const int last = columns.rowCount() - 1;
        answer.insert(QStringLiteral("next_after"),
                      page->more ? QJsonValue(QStringLiteral("%1:%2:%3")
                                                  .arg(columns.timesMs.at(last))
                                                  .arg(columns.bootEpochs.at(last))
                                                  .arg(columns.seqs.at(last)))
                                 : QJsonValue());
        return HttpResponse::json(200, answer);
    }

    TelemetryReader::Bucket size;
    if (bucket == QLatin1String("1m"))
        size = TelemetryReader::Bucket::Minute;
    else if (bucket == QLatin1String("1h"))
        size = TelemetryReader::Bucket::Hour;
    else if (bucket == QLatin1String("1d"))
        size = TelemetryReader::Bucket::Day;
    else
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'bucket' must be auto, raw, 1m, 1h or 1d"), QStringLiteral("bucket")));
    if ((*to - *from) / TelemetryReader::bucketMs(size) > kMaxBuckets)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("the range holds more than %1 buckets of %2; choose a larger bucket or 'auto'")
                .arg(kMaxBuckets)
                .arg(bucket),
            QStringLiteral("bucket")));
    auto series = TelemetryReader::readBuckets(context.db(), context.principal().organizationId, node, *from, *to,
                                               *metrics, size);
    if (!series)
        return HttpResponse::fromError(series.error());
    // Nothing came back: an empty range, or not a node of ours.
    if (std::all_of(series->begin(), series->end(), [](const auto &s) { return s.timesMs.isEmpty(); })) {
        if (auto ok = visible(); !ok)
            return HttpResponse::fromError(ok.error());
    }
    QJsonObject byMetric;
    for (int m = 0; m < metrics->size(); ++m) {
        const TelemetryReader::Series &s = series->at(m);
        QList<double> means, deviations;
        for (int i = 0; i < s.counts.size(); ++i) {
            const double mean = s.sums.at(i) / double(s.counts.at(i));
            means.append(mean);
            deviations.append(std::sqrt(std::max(0.0, s.sumSquares.at(i) / double(s.counts.at(i)) - mean * mean)));
        }
        byMetric.insert(metricNames.at(m), QJsonObject{{QStringLiteral("time"), numbers(s.timesMs)},
                                                       {QStringLiteral("count"), numbers(s.counts)},
                                                       {QStringLiteral("min"), numbers(s.mins)},
                                                       {QStringLiteral("max"), numbers(s.maxes)},
                                                       {QStringLiteral("mean"), numbers(means)},
                                                       {QStringLiteral("stddev"), numbers(deviations)}});
    }
    answer.insert(QStringLiteral("series"), byMetric);
    return HttpResponse::json(200, answer);
}

HttpResponse TelemetryApi::fleetSummary(RequestContext &context)
{
    // One query: each node with its newest raw sample and its sensors' limits.
    QByteArray latest = "json_build_object('time', d.time";
    for (const TelemetryMetrics::Metric &metric : TelemetryMetrics::all())
        latest += ", '" + QByteArray(metric.name) + "', d." + metric.name;
    latest += ")";
    auto rows = context.db().exec(
        "SELECT json_build_object('id', n.id, 'name', n.name, 'type', n.node_type, 'latitude', n.latitude, "
        "'longitude', n.longitude, 'site', n.site, 'status', n.status, 'twin_id', n.twin_id, "
        "'last_seen_at', n.last_seen_at), "
        "CASE WHEN d.time IS NULL THEN NULL ELSE " + latest + " END, "
        "coalesce((SELECT json_agg(json_build_object('metric', s.metric, 'unit', s.unit, 'min', s.min_value, "
        "'max', s.max_value, 'warn_above', s.warn_above)) FROM node_sensors s WHERE s.node_id = n.id), '[]') "
        "FROM machine_nodes n LEFT JOIN LATERAL (SELECT * FROM telemetry_data t WHERE t.node_id = n.id "
        "ORDER BY t.time DESC LIMIT 1) d ON true WHERE n.organization_id = $1 ORDER BY lower(n.name)",
        {uuidParam(context.principal().organizationId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    QJsonArray nodes;
    QHash<QString, int> counts;
    for (int row = 0; row < rows->rowCount(); ++row) {
        QJsonObject node = jsonObjectAt(*rows, row, 0);
        const QJsonObject sample = rows->isNull(row, 1) ? QJsonObject() : jsonObjectAt(*rows, row, 1);
        const QJsonArray sensors = QJsonDocument::fromJson(rows->bytes(row, 2)).array();
        QJsonObject values;
        QJsonArray problems;
        QString health = sample.isEmpty() ? QStringLiteral("no_data") : QStringLiteral("ok");
        for (auto it = sample.begin(); it != sample.end(); ++it) {
            if (it.key() == QLatin1String("time") || it.value().isNull())
                continue;
            values.insert(it.key(), it.value());
            for (const QJsonValue &sensorValue : sensors) {
                const QJsonObject sensor = sensorValue.toObject();
                if (sensor.value(QStringLiteral("metric")).toString() != it.key())
                    continue;
                const double value = it.value().toDouble();
                const QJsonValue min = sensor.value(QStringLiteral("min"));
                const QJsonValue max = sensor.value(QStringLiteral("max"));
                const QJsonValue warn = sensor.value(QStringLiteral("warn_above"));
                QString level, limitName;
                double limit = 0;
                if (max.isDouble() && value > max.toDouble())
                    level = QStringLiteral("critical"), limitName = QStringLiteral("max"), limit = max.toDouble();
                else if (min.isDouble() && value < min.toDouble())
                    level = QStringLiteral("critical"), limitName = QStringLiteral("min"), limit = min.toDouble();
                else if (warn.isDouble() && value > warn.toDouble())
                    level = QStringLiteral("warning"), limitName = QStringLiteral("warn_above"), limit = warn.toDouble();
                if (level.isEmpty())
                    continue;
                problems.append(QJsonObject{{QStringLiteral("metric"), it.key()}, {QStringLiteral("value"), value},
                                            {QStringLiteral("limit"), limitName}, {QStringLiteral("threshold"), limit},
                                            {QStringLiteral("level"), level}});
                if (level == QLatin1String("critical") || health != QLatin1String("critical"))
                    health = level;
            }
        }
        const QString status = node.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("maintenance"))
            health = QStringLiteral("maintenance");
        else if (status == QLatin1String("offline") && health == QLatin1String("ok"))
            health = QStringLiteral("offline");
        node.insert(QStringLiteral("latest"), sample.isEmpty() ? QJsonValue()
                                                              : QJsonObject{{QStringLiteral("time"), sample.value(QStringLiteral("time"))},
                                                                            {QStringLiteral("metrics"), values}});
        node.insert(QStringLiteral("health"), health);
        node.insert(QStringLiteral("problems"), problems);
        counts[health] += 1;
        nodes.append(node);
    }
    QJsonObject totals;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        totals.insert(it.key(), it.value());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("nodes"), nodes}, {QStringLiteral("counts"), totals},
                                               {QStringLiteral("generated_at"),
                                                formatRfc3339Ms(QDateTime::currentMSecsSinceEpoch())}});
}

HttpResponse TelemetryApi::maintain(RequestContext &context)
{
    auto report = runTelemetryMaintenance(context.db(), *m_partitions, m_settings, QDateTime::currentMSecsSinceEpoch());
    if (!report)
        return HttpResponse::fromError(report.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("partitions_created"), report->partitionsCreated},
                                               {QStringLiteral("partitions_dropped"), report->partitionsDropped},
                                               {QStringLiteral("days_compressed"), report->daysCompressed},
                                               {QStringLiteral("rows_compressed"), double(report->rowsCompressed)},
                                               {QStringLiteral("raw_bytes_compressed"), double(report->rawBytesCompressed)},
                                               {QStringLiteral("chunk_bytes_written"), double(report->chunkBytesWritten)},
                                               {QStringLiteral("chunks_deleted"), double(report->chunksDeleted)},
                                               {QStringLiteral("rollup_rows_deleted"), double(report->rollupRowsDeleted)},
                                               {QStringLiteral("nodes_marked_offline"), report->nodesMarkedOffline}});
}

} // namespace Laces::Server
