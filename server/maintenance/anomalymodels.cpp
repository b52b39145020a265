#include "anomalymodels.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"
#include "telemetry/telemetryreader.h"

#include "anomaly/featurescreen.h"
#include "anomaly/isolationforest.h"
#include "anomaly/zscoredetector.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>

#include <QMap>

#include <cmath>
#include <limits>
#include <vector>

namespace Laces::Server {

using Core::Error;
namespace A = Core::Anomaly;

QByteArray AnomalyModels::modelJsonSql()
{
    return "json_build_object('id', m.id, 'node_id', m.node_id, 'kind', m.kind, 'metrics', m.metrics, "
           "'parameters', m.parameters, 'sha256', m.sha256, 'size_bytes', octet_length(m.model), "
           "'trained_from', m.trained_from, 'trained_to', m.trained_to, 'training_rows', m.training_rows, "
           "'created_at', m.created_at, 'is_active', m.is_active)";
}

Core::Result<QJsonObject> AnomalyModels::train(PgConnection &db, const QUuid &organizationId, const QUuid &nodeId,
                                               const TrainingRequest &request)
{
    auto node = db.exec("SELECT coalesce((SELECT array_to_string(array_agg(s.metric ORDER BY s.metric), ',') "
                        "FROM node_sensors s WHERE s.node_id = n.id), '') FROM machine_nodes n "
                        "WHERE n.id = $1 AND n.organization_id = $2",
                        {uuidParam(nodeId), uuidParam(organizationId)});
    if (!node)
        return node.error();
    if (node->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such node"));
    QStringList candidates = request.metrics;
    if (candidates.isEmpty())
        candidates = node->text(0, 0).split(QLatin1Char(','), Qt::SkipEmptyParts);
    QList<int> metrics;
    if (candidates.isEmpty()) {
        for (int i = 0; i < TelemetryMetrics::count(); ++i)
            metrics.append(i);
    } else {
        for (const QString &name : std::as_const(candidates)) {
            const int index = TelemetryMetrics::indexOf(name);
            if (index < 0)
                return Error::invalid(QStringLiteral("unknown metric '%1'").arg(name), QStringLiteral("metrics"));
            metrics.append(index);
        }
    }
    // One row per minute: each metric's mean over the minute, from the minute rollups.
    // The agent scores the same minute means, so training and scoring see one cadence
    // whatever the sensors' sample rates (a 100 Hz vibration channel and a 1 Hz
    // temperature alike), and the smoothing spans minutes, not samples.
    auto series = TelemetryReader::readBuckets(db, organizationId, nodeId, request.fromMs, request.toMs, metrics,
                                               TelemetryReader::Bucket::Minute);
    if (!series)
        return series.error();
    QMap<qint64, int> minuteIndex;
    for (const TelemetryReader::Series &one : std::as_const(*series))
        for (qint64 time : one.timesMs)
            minuteIndex.insert(time, 0);
    int next = 0;
    for (auto it = minuteIndex.begin(); it != minuteIndex.end(); ++it)
        it.value() = next++;
    const int minutes = int(minuteIndex.size());
    // Metrics the node reports in nearly every minute (a model needs all of its features).
    QList<int> used;
    QStringList names;
    for (int m = 0; m < series->size(); ++m) {
        if (minutes > 0 && series->at(m).timesMs.size() >= 0.95 * minutes) {
            used.append(m);
            names.append(QString::fromLatin1(TelemetryMetrics::all().at(metrics.at(m)).name));
        }
    }
    if (used.isEmpty())
        return Error::invalid(QStringLiteral("the node reported no metric in 95 % of the minutes of that window "
                                             "(%1 minutes with data)").arg(minutes),
                              QStringLiteral("from"));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> grid(size_t(minutes) * size_t(used.size()), nan);
    for (int c = 0; c < used.size(); ++c) {
        const TelemetryReader::Series &one = series->at(used.at(c));
        for (int i = 0; i < one.timesMs.size(); ++i)
            if (one.counts.at(i) > 0)
                grid[size_t(minuteIndex.value(one.timesMs.at(i))) * size_t(used.size()) + size_t(c)] =
                    one.sums.at(i) / double(one.counts.at(i));
    }
    QList<int> complete;
    for (int r = 0; r < minutes; ++r) {
        bool all = true;
        for (int c = 0; c < used.size(); ++c)
            all = all && std::isfinite(grid[size_t(r) * size_t(used.size()) + size_t(c)]);
        if (all)
            complete.append(r);
    }
    if (complete.size() > kMaxTrainingRows)
        complete = complete.mid(complete.size() - kMaxTrainingRows);
    const QList<qint64> minuteTimes = minuteIndex.keys();
    const int minimum = std::max(50, request.smoothingRows + 2);
    if (complete.size() < minimum)
        return Error::invalid(QStringLiteral("training needs at least %1 minutes with every metric; the window has %2")
                                  .arg(minimum)
                                  .arg(complete.size()),
                              QStringLiteral("from"));
    Eigen::MatrixXd train(complete.size(), used.size());
    for (int r = 0; r < complete.size(); ++r)
        for (int c = 0; c < used.size(); ++c)
            train(r, c) = grid[size_t(complete.at(r)) * size_t(used.size()) + size_t(c)];

    // Channels that drift within healthy data would raise false alarms: screened out
    // (with enough minutes for eight chunks of an hour each).
    QJsonArray screening;
    if (request.screen && complete.size() >= 8 * 60 && names.size() > 1) {
        A::FeatureScreenOptions screenOptions;
        screenOptions.fitRows = std::min(400, int(complete.size() / 8 * 0.35));
        auto screened = A::screenFeatures(train, names, screenOptions);
        if (!screened)
            return screened.error();
        for (const A::FeatureRate &rate : std::as_const(screened->rates))
            screening.append(QJsonObject{{QStringLiteral("metric"), rate.feature},
                                         {QStringLiteral("false_alarm_rate"), rate.falseAlarmRate},
                                         {QStringLiteral("kept"), rate.kept}});
        if (screened->kept.size() < names.size()) {
            Eigen::MatrixXd kept(train.rows(), screened->kept.size());
            for (int c = 0; c < screened->kept.size(); ++c)
                kept.col(c) = train.col(names.indexOf(screened->kept.at(c)));
            train = kept;
            names = screened->kept;
        }
    }

    QByteArray bytes;
    QJsonObject parameters{{QStringLiteral("detector"), request.detector},
                           {QStringLiteral("rows"), QStringLiteral("minute_means")},
                           {QStringLiteral("smoothing_rows"), request.smoothingRows},
                           {QStringLiteral("screening"), screening}};
    if (request.contamination)
        parameters.insert(QStringLiteral("contamination"), *request.contamination);
    if (request.threshold)
        parameters.insert(QStringLiteral("threshold"), *request.threshold);
    if (request.detector == QLatin1String("isolation_forest")) {
        A::IsolationForestOptions options;
        options.trees = request.trees;
        options.sampleSize = request.sampleSize;
        options.seed = request.seed;
        options.contamination = request.contamination;
        options.threshold = request.threshold;
        options.smoothingRows = request.smoothingRows;
        if (!options.contamination && !options.threshold)
            options.contamination = 0.01;
        auto forest = A::IsolationForest::fit(train, names, options);
        if (!forest)
            return forest.error();
        bytes = forest->serialize();
        parameters.insert(QStringLiteral("trees"), request.trees);
        parameters.insert(QStringLiteral("sample_size"), request.sampleSize);
        parameters.insert(QStringLiteral("seed"), QString::number(request.seed));
        parameters.insert(QStringLiteral("threshold_value"), forest->threshold());
    } else {
        A::ZScoreOptions options;
        options.smoothingRows = request.smoothingRows;
        options.contamination = request.contamination;
        options.threshold = request.threshold;
        options.minimumThreshold = request.minimumThreshold;
        auto detector = A::ZScoreDetector::fit(train, names, options);
        if (!detector)
            return detector.error();
        bytes = detector->serialize();
        parameters.insert(QStringLiteral("quantile"), detector->options().quantile);
        parameters.insert(QStringLiteral("minimum_threshold"), request.minimumThreshold);
        parameters.insert(QStringLiteral("threshold_value"), detector->threshold());
    }
    const qint64 firstMs = minuteTimes.at(complete.first());
    const qint64 lastMs = minuteTimes.at(complete.last());
    Transaction transaction(db);
    if (auto retired = db.exec("UPDATE anomaly_models SET is_active = false WHERE node_id = $1 AND is_active",
                               {uuidParam(nodeId)});
        !retired)
        return retired.error();
    auto stored = db.exec("INSERT INTO anomaly_models AS m (organization_id, node_id, kind, metrics, parameters, model, "
                          "sha256, trained_from, trained_to, training_rows) "
                          "VALUES ($1, $2, $3, $4, $5::jsonb, $6::bytea, $7, $8, $9, $10) RETURNING " + modelJsonSql(),
                          {uuidParam(organizationId), uuidParam(nodeId), request.detector.toUtf8(), textArrayParam(names),
                           jsonParam(parameters), "\\x" + bytes.toHex(),
                           QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex(),
                           formatRfc3339Ms(firstMs).toUtf8(), formatRfc3339Ms(lastMs).toUtf8(),
                           QByteArray::number(complete.size())});
    if (!stored)
        return stored.error();
    // Scoring starts after the training window's end (older samples are the model's).
    if (auto reset = db.exec("INSERT INTO node_health (node_id, score, status, scored_until) VALUES ($1, 100, 'unknown', $2) "
                             "ON CONFLICT (node_id) DO UPDATE SET scored_until = greatest(node_health.scored_until, "
                             "excluded.scored_until), anomaly = NULL",
                             {uuidParam(nodeId), formatRfc3339Ms(lastMs).toUtf8()});
        !reset)
        return reset.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return jsonObjectAt(*stored, 0);
}

std::shared_ptr<const A::Detector> DetectorCache::find(const QUuid &modelId) const
{
    QMutexLocker locker(&m_mutex);
    return m_detectors.value(modelId);
}

void DetectorCache::insert(const QUuid &modelId, std::shared_ptr<const A::Detector> detector)
{
    QMutexLocker locker(&m_mutex);
    if (m_detectors.size() > 100000)
        m_detectors.clear();
    m_detectors.insert(modelId, std::move(detector));
}

void AnomalyModelsApi::registerRoutes(Router &router)
{
    const Access manage = Access::needs(QStringLiteral("nodes.manage"));
    router.add("POST", QStringLiteral("/nodes/{id:uuid}/anomaly-model"), manage, [this](RequestContext &c) { return train(c); });
    router.add("GET", QStringLiteral("/nodes/{id:uuid}/anomaly-model"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return get(c); });
    router.add("GET", QStringLiteral("/nodes/{id:uuid}/anomaly-model/file"), Access::needs(QStringLiteral("telemetry.ingest")),
               [this](RequestContext &c) { return file(c); });
    router.add("DELETE", QStringLiteral("/nodes/{id:uuid}/anomaly-model"), manage, [this](RequestContext &c) { return remove(c); });
}

HttpResponse AnomalyModelsApi::train(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    static const QList<FieldSpec> fields{{QStringLiteral("detector"), FieldSpec::Type::String},
                                         {QStringLiteral("from"), FieldSpec::Type::String},
                                         {QStringLiteral("to"), FieldSpec::Type::String},
                                         {QStringLiteral("metrics"), FieldSpec::Type::Array},
                                         {QStringLiteral("screen"), FieldSpec::Type::Bool},
                                         {QStringLiteral("smoothing_rows"), FieldSpec::Type::Integer},
                                         {QStringLiteral("contamination"), FieldSpec::Type::Number},
                                         {QStringLiteral("threshold"), FieldSpec::Type::Number},
                                         {QStringLiteral("seed"), FieldSpec::Type::Integer},
                                         {QStringLiteral("trees"), FieldSpec::Type::Integer},
                                         {QStringLiteral("sample_size"), FieldSpec::Type::Integer}};
    if (auto valid = validateObject(*body, fields); !valid)
        return HttpResponse::fromError(valid.error());
    TrainingRequest request;
    request.detector = body->value(QStringLiteral("detector")).toString(request.detector);
    if (request.detector != QLatin1String("zscore_max") && request.detector != QLatin1String("isolation_forest"))
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'detector' must be zscore_max or isolation_forest"),
                                                      QStringLiteral("detector")));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    request.toMs = now;
    for (const QString &field : {QStringLiteral("from"), QStringLiteral("to")}) {
        if (!body->contains(field))
            continue;
        const auto ms = parseRfc3339Ms(body->value(field).toString().toUtf8());
        if (!ms)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'%1' must be an RFC 3339 time").arg(field), field));
        (field == QLatin1String("from") ? request.fromMs : request.toMs) = *ms;
    }
    if (!body->contains(QStringLiteral("from")))
        request.fromMs = request.toMs - 24 * 3600000LL;
    if (request.fromMs >= request.toMs)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'from' must be before 'to'"), QStringLiteral("from")));
    for (const QJsonValue &metric : body->value(QStringLiteral("metrics")).toArray()) {
        if (!metric.isString() || TelemetryMetrics::indexOf(metric.toString()) < 0)
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("'metrics' must name known metrics: %1").arg(TelemetryMetrics::names()), QStringLiteral("metrics")));
        request.metrics.append(metric.toString());
    }
    request.screen = body->value(QStringLiteral("screen")).toBool(true);
    request.smoothingRows = body->value(QStringLiteral("smoothing_rows")).toInt(30);
    if (request.smoothingRows < 1 || request.smoothingRows > 3600)
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'smoothing_rows' must be from 1 to 3600"), QStringLiteral("smoothing_rows")));
    if (body->contains(QStringLiteral("contamination")) && body->contains(QStringLiteral("threshold")))
        return HttpResponse::fromError(Error::invalid(QStringLiteral("give 'contamination' or 'threshold', not both"),
                                                      QStringLiteral("threshold")));
    if (body->contains(QStringLiteral("contamination")))
        request.contamination = body->value(QStringLiteral("contamination")).toDouble();
    if (body->contains(QStringLiteral("threshold")))
        request.threshold = body->value(QStringLiteral("threshold")).toDouble();
    request.seed = quint64(std::max<qint64>(0, body->value(QStringLiteral("seed")).toInteger(0)));
    request.trees = body->value(QStringLiteral("trees")).toInt(100);
    request.sampleSize = body->value(QStringLiteral("sample_size")).toInt(256);
    auto model = AnomalyModels::train(context.db(), context.principal().organizationId,
                                      context.uuidParam(QStringLiteral("id")), request);
    if (!model)
        return HttpResponse::fromError(model.error());
    if (auto audited = recordAudit(context.db(), context, QStringLiteral("anomaly_model.train"),
                                   QStringLiteral("node"), context.param(QStringLiteral("id")),
                                   {{QStringLiteral("model_id"), model->value(QStringLiteral("id"))}});
        !audited)
        return HttpResponse::fromError(audited.error());
    return HttpResponse::json(201, *model);
}

HttpResponse AnomalyModelsApi::get(RequestContext &context)
{
    auto row = context.db().exec("SELECT " + AnomalyModels::modelJsonSql() + " FROM anomaly_models m "
                                 "WHERE m.node_id = $1 AND m.organization_id = $2 AND m.is_active",
                                 {context.param(QStringLiteral("id")).toUtf8(), uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("the node has no anomaly model")));
    return HttpResponse::json(200, jsonObjectAt(*row, 0));
}

HttpResponse AnomalyModelsApi::file(RequestContext &context)
{
    const QUuid node = context.uuidParam(QStringLiteral("id"));
    // An edge device's key downloads its own node's model only.
    if (!context.principal().nodeId.isNull() && context.principal().nodeId != node)
        return HttpResponse::fromError(Error::forbidden(QStringLiteral("this API key belongs to another node")));
    auto row = context.db().exec("SELECT m.sha256, m.model, m.kind FROM anomaly_models m "
                                 "WHERE m.node_id = $1 AND m.organization_id = $2 AND m.is_active",
                                 {uuidParam(node), uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("the node has no anomaly model")));
    const QByteArray etag = '"' + row->bytes(0, 0) + '"';
    const QByteArray ifNoneMatch = context.request().header("if-none-match");
    if (!ifNoneMatch.isEmpty() && (ifNoneMatch.contains(etag) || ifNoneMatch.trimmed() == "*")) {
        HttpResponse notModified;
        notModified.status = 304;
        notModified.setHeader("ETag", etag);
        return notModified;
    }
    const QByteArray hex = row->bytes(0, 1);
    HttpResponse response = HttpResponse::text(200, QByteArray::fromHex(hex.startsWith("\\x") ? hex.mid(2) : hex),
                                               "application/octet-stream");
    response.setHeader("ETag", etag);
    response.setHeader("X-Laces-Model-Kind", row->bytes(0, 2));
    return response;
}

HttpResponse AnomalyModelsApi::remove(RequestContext &context)
{
    auto removed = context.db().exec("UPDATE anomaly_models SET is_active = false WHERE node_id = $1 "
                                     "AND organization_id = $2 AND is_active RETURNING id",
                                     {context.param(QStringLiteral("id")).toUtf8(), uuidParam(context.principal().organizationId)});
    if (!removed)
        return HttpResponse::fromError(removed.error());
    if (removed->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("the node has no anomaly model")));
    return HttpResponse::noContent();
}

} // namespace Laces::Server
