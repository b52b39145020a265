#include "simulationsapi.h"

#include "ageing/ageingunits.h"
#include "ageing/simulationjson.h"
#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "maintenance/reliabilityapi.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "simulationrequest.h"
#include "simulationstore.h"
#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"
#include "twins/twinlookup.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <cmath>

Q_LOGGING_CATEGORY(lcSimulations, "laces.server.simulations")

namespace Laces::Server {

using Core::Error;
namespace Ageing = Core::Ageing;

namespace {

constexpr double kMsPerHour = 3600000.0;

struct StoredComponent
{
    QString name;
    QJsonObject properties;
    qint64 installedMs = 0;   // when its version added it; 0 for the twin's first version
};

struct VersionData
{
    QUuid id;
    int number = 0;
    QJsonObject properties;   // the version's, over the twin's
    QList<StoredComponent> components;
};

Core::Result<VersionData> loadVersion(PgConnection &db, const QUuid &twinId, const QUuid &versionId)
{
    auto version = db.exec("SELECT v.number, t.properties || v.properties FROM twin_versions v JOIN digital_twins t "
                           "ON t.id = v.twin_id WHERE v.id = $1 AND v.twin_id = $2",
                           {uuidParam(versionId), uuidParam(twinId)});
    if (!version)
        return version.error();
    if (version->rowCount() == 0)
        return Error::invalid(QStringLiteral("'version_id' is not a version of this twin"), QStringLiteral("version_id"));
    VersionData data;
    data.id = versionId;
    data.number = int(version->integer(0, 0));
    data.properties = jsonObjectAt(*version, 0, 1);
    // A component first seen in a later version entered service when that version was
    // made; those of the twin's first version were there before the twin was recorded.
    auto components = db.exec(
        "SELECT c.name, c.properties, "
        "       (SELECT CASE WHEN min(v2.number) = 1 THEN 0 "
        "                    ELSE (extract(epoch FROM min(v2.created_at)) * 1000)::bigint END "
        "        FROM twin_components c2 JOIN twin_versions v2 ON v2.id = c2.version_id "
        "        WHERE v2.twin_id = $2 AND c2.name = c.name AND v2.number <= $3) "
        "FROM twin_components c WHERE c.version_id = $1 ORDER BY c.ordinal, c.name",
        {uuidParam(versionId), uuidParam(twinId), pgParam(qint64(data.number))});
    if (!components)
        return components.error();
    for (int row = 0; row < components->rowCount(); ++row)
        data.components.append({components->text(row, 0), jsonObjectAt(*components, row, 1), components->integer(row, 2)});
    return data;
}

QJsonObject pointJson(const Ageing::OperatingPoint &point)
{
    return {{QStringLiteral("rpm"), point.rpm}, {QStringLiteral("load"), point.load},
            {QStringLiteral("temperature_c"), point.temperatureC}};
}

QJsonValue whatIfJson(const QList<Ageing::ProfileSegment> &segments)
{
    if (segments.size() == 1)
        return pointJson(segments.first().point);
    QJsonArray list;
    for (const Ageing::ProfileSegment &segment : segments) {
        QJsonObject object = pointJson(segment.point);
        object.insert(QStringLiteral("from_years"), segment.fromYears);
        list.append(object);
    }
    return QJsonObject{{QStringLiteral("segments"), list}};
}

HttpResponse tooLarge(const QString &what, qint64 requested, qint64 limit, const QString &field)
{
    return HttpResponse::error(413, QStringLiteral("too_large"),
                               QStringLiteral("this run would need %1 %2; the limit is %3 (fewer components, a longer "
                                              "step or a shorter horizon)")
                                   .arg(requested)
                                   .arg(what)
                                   .arg(limit),
                               field, {{QStringLiteral("limit"), double(limit)}, {QStringLiteral("requested"), double(requested)}});
}

const char *runSummarySql()
{
    return "json_build_object('id', r.id, 'twin_id', r.twin_id, 'version_id', r.version_id, 'created_by', r.user_id, "
           "'created_by_name', (SELECT u.username FROM users u WHERE u.id = r.user_id), 'created_at', r.created_at, "
           "'start', r.start_at, 'inputs_sha256', encode(r.inputs_sha256, 'hex'), 'component_count', r.component_count, "
           "'horizon_years', r.parameters->'horizon_years', 'step', r.parameters->'step', "
           "'profile', r.parameters->'profile', 'worst', r.results->'worst')";
}

} // namespace

SimulationsApi::SimulationsApi(Settings settings)
    : m_settings(settings)
    , m_slots(std::max(1, settings.concurrentRuns))
{
}

void SimulationsApi::registerRoutes(Router &router)
{
    router.add("POST", QStringLiteral("/twins/{id:uuid}/simulations"), Access::needs(QStringLiteral("simulations.run")),
               [this](RequestContext &c) { return run(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/simulations"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return list(c); });
    router.add("GET", QStringLiteral("/simulations/{id:uuid}"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return get(c, false); });
    router.add("GET", QStringLiteral("/simulations/{id:uuid}/export"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return get(c, true); });
    router.add("DELETE", QStringLiteral("/simulations/{id:uuid}"), Access::authenticated(),
               [this](RequestContext &c) { return remove(c); });
}

HttpResponse SimulationsApi::run(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    auto parsed = SimulationRequest::fromJson(*body);
    if (!parsed)
        return HttpResponse::fromError(parsed.error());
    const SimulationRequest &request = *parsed;
    PgConnection &db = context.db();
    const QUuid organization = context.principal().organizationId;
    const QUuid twinId = context.uuidParam(QStringLiteral("id"));
    auto latest = latestVersionOf(db, organization, twinId);
    if (!latest)
        return HttpResponse::fromError(latest.error());
    const QUuid versionId = request.versionId.value_or(*latest);
    if (versionId.isNull())
        return HttpResponse::fromError(Error{Error::Code::Unprocessable,
                                             QStringLiteral("this twin has no version yet: import a model first"), {}});
    auto version = loadVersion(db, twinId, versionId);
    if (!version)
        return HttpResponse::fromError(version.error());

    // The components, from their properties and the run's overrides.
    QList<StoredComponent> chosen;
    for (qsizetype i = 0; i < request.components.size(); ++i) {
        const auto found = std::find_if(version->components.begin(), version->components.end(),
                                        [&](const StoredComponent &c) { return c.name == request.components[i]; });
        if (found == version->components.end())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("version %1 has no component named '%2'")
                                                              .arg(version->number)
                                                              .arg(request.components[i]),
                                                          QStringLiteral("components[%1]").arg(i)));
        chosen.append(*found);
    }
    if (request.components.isEmpty())
        chosen = version->components;
    if (chosen.isEmpty())
        return HttpResponse::fromError(Error{Error::Code::Unprocessable,
                                             QStringLiteral("version %1 has no components to age").arg(version->number), {}});
    for (auto it = request.materials.constBegin(); it != request.materials.constEnd(); ++it) {
        if (std::none_of(chosen.begin(), chosen.end(), [&](const StoredComponent &c) { return c.name == it.key(); }))
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("'materials.%1' names no component of this run").arg(it.key()), QStringLiteral("materials.") + it.key()));
    }
    Ageing::SimulationInputs inputs;
    for (const StoredComponent &stored : std::as_const(chosen)) {
        auto spec = Ageing::componentFromProperties(stored.name, stored.properties);
        if (!spec)
            return HttpResponse::fromError(Error{Error::Code::Unprocessable,
                                                 QStringLiteral("component '%1' has a property that cannot be used: %2")
                                                     .arg(stored.name, spec.error().message),
                                                 QStringLiteral("components.%1.properties.%2").arg(stored.name, spec.error().field)});
        if (request.materials.contains(stored.name)) {
            spec = Ageing::withRunOverrides(*spec, request.materials.value(stored.name).toObject(),
                                            QStringLiteral("materials.") + stored.name);
            if (!spec)
                return HttpResponse::fromError(spec.error());
        }
        inputs.components.append(*spec);
    }
    // The fleet's own failure record, where it has one (and the run does not set β itself).
    QJsonObject fleet;
    if (request.fleetReliability) {
        for (Ageing::ComponentSpec &spec : inputs.components) {
            if (request.materials.value(spec.name).toObject().contains(QStringLiteral("beta")))
                continue;
            auto fitted = ReliabilityApi::fit(db, context.principal().organizationId, spec.name);
            if (!fitted || fitted->value(QStringLiteral("failures")).toInt() < 2)
                continue;
            const double beta = fitted->value(QStringLiteral("beta")).toDouble();
            if (!(beta >= 0.1 && beta <= 50))
                continue;
            spec.material.weibullBeta = beta;
            fleet.insert(spec.name, QJsonObject{{QStringLiteral("beta"), beta},
                                                {QStringLiteral("failures"), fitted->value(QStringLiteral("failures"))},
                                                {QStringLiteral("suspensions"), fitted->value(QStringLiteral("suspensions"))}});
        }
    }

    // The profile, and with it the run's start.
    const bool measured = request.kind == SimulationRequest::ProfileKind::Measured;
    qint64 startMs = request.startMs.value_or(QDateTime::currentMSecsSinceEpoch());
    QJsonObject profile;
    MeasuredWindow window;
    QString nodeName;
    if (measured) {
        if (request.startMs && request.toMs && *request.startMs != *request.toMs)
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("a measured run starts where its history ends: give 'start' or 'profile.to', or both equal"),
                QStringLiteral("profile.to")));
        window.toMs = request.toMs.value_or(startMs);
        startMs = window.toMs;
        window.fromMs = request.fromMs.value_or(window.toMs - qint64(m_settings.rawRetentionDays) * 86400000LL);
        if (window.fromMs >= window.toMs)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'profile.from' must be before the run's start"),
                                                          QStringLiteral("profile.from")));
        auto node = request.nodeId
                        ? db.exec("SELECT id, name FROM machine_nodes WHERE id = $1 AND organization_id = $2",
                                  {uuidParam(*request.nodeId), uuidParam(organization)})
                        : db.exec("SELECT id, name FROM machine_nodes WHERE twin_id = $1 AND organization_id = $2 "
                                  "AND last_seen_at IS NOT NULL ORDER BY lower(name), id LIMIT 1",
                                  {uuidParam(twinId), uuidParam(organization)});
        if (!node)
            return HttpResponse::fromError(node.error());
        if (node->rowCount() == 0) {
            if (request.nodeId)
                return HttpResponse::fromError(Error::notFound(QStringLiteral("no such node")));
            return HttpResponse::fromError(Error::invalid(
                request.profileGiven ? QStringLiteral("this twin has no linked node that has reported telemetry: give "
                                                      "'profile.from_node', or a constant profile")
                                     : QStringLiteral("'profile' is required: this twin has no linked node with telemetry"),
                request.profileGiven ? QStringLiteral("profile.from_node") : QStringLiteral("profile")));
        }
        window.nodeId = QUuid::fromString(node->text(0, 0));
        nodeName = node->text(0, 1);
        window.metric = request.metric;
        // The signal at rated load: the twin's rated_<metric> (rated_torque_nm), else the
        // node's sensor maximum.
        const QString ratedKey = QStringLiteral("rated_") + request.metric;
        QString referenceFrom;
        if (version->properties.value(ratedKey).toDouble() > 0) {
            window.reference = version->properties.value(ratedKey).toDouble();
            referenceFrom = QStringLiteral("twin property ") + ratedKey;
        } else {
            auto sensor = db.exec("SELECT max_value FROM node_sensors WHERE node_id = $1 AND metric = $2",
                                  {uuidParam(window.nodeId), pgParam(request.metric)});
            if (!sensor)
                return HttpResponse::fromError(sensor.error());
            if (sensor->rowCount() == 0 || sensor->isNull(0, 0) || !(sensor->real(0, 0) > 0))
                return HttpResponse::fromError(Error::invalid(
                    QStringLiteral("the signal %1 of node '%2' has no rated value: set the twin property %3, or a "
                                   "maximum on the node's sensor")
                        .arg(request.metric, nodeName, ratedKey),
                    QStringLiteral("profile.metric")));
            window.reference = sensor->real(0, 0);
            referenceFrom = QStringLiteral("sensor maximum");
        }
        const double windowH = double(window.toMs - window.fromMs) / kMsPerHour;
        window.stepH = windowH / request.stepH >= 50 ? request.stepH : 1.0;
        const qint64 pastPoints = qint64(std::ceil(windowH / window.stepH)) + 1;
        const qint64 futurePoints = qint64(std::ceil(request.horizonYears * Ageing::kHoursPerYear / request.stepH)) + 1;
        if (qint64(inputs.components.size()) * (pastPoints + futurePoints) > m_settings.maxSeriesPoints)
            return tooLarge(QStringLiteral("series points (components × points)"),
                            qint64(inputs.components.size()) * (pastPoints + futurePoints), m_settings.maxSeriesPoints,
                            QStringLiteral("step"));
        profile = {{QStringLiteral("kind"), QStringLiteral("measured")},
                   {QStringLiteral("from_node"), window.nodeId.toString(QUuid::WithoutBraces)},
                   {QStringLiteral("metric"), request.metric},
                   {QStringLiteral("from"), formatRfc3339Ms(window.fromMs)},
                   {QStringLiteral("to"), formatRfc3339Ms(window.toMs)},
                   {QStringLiteral("reference"), window.reference}};
        if (!request.future.isEmpty())
            profile.insert(QStringLiteral("future"), whatIfJson(request.future));
        if (request.scaledFuture) {
            QJsonObject scaled = pointJson(*request.scaledFuture);
            if (std::isnan(request.scaledFuture->temperatureC))
                scaled.remove(QStringLiteral("temperature_c"));
            profile.insert(QStringLiteral("future"), QJsonObject{{QStringLiteral("scaled"), scaled}});
        }
        profile.insert(QStringLiteral("reference_from"), referenceFrom);
    } else {
        profile = whatIfJson(request.segments).toObject();
        profile.insert(QStringLiteral("kind"), request.kind == SimulationRequest::ProfileKind::Segments
                                                   ? QStringLiteral("segments")
                                                   : QStringLiteral("constant"));
    }

    inputs.timeline.stepH = request.stepH;
    inputs.timeline.horizonH = request.horizonYears * Ageing::kHoursPerYear;
    inputs.monteCarloSamples = request.monteCarloSamples;
    inputs.seed = request.seed;
    if (!measured) {
        const qint64 points = qint64(inputs.timeline.times().size());
        if (qint64(inputs.components.size()) * points > m_settings.maxSeriesPoints)
            return tooLarge(QStringLiteral("series points (components × points)"),
                            qint64(inputs.components.size()) * points, m_settings.maxSeriesPoints, QStringLiteral("step"));
    }
    if (qint64(inputs.components.size()) * request.monteCarloSamples > m_settings.maxMonteCarloWork)
        return tooLarge(QStringLiteral("Monte Carlo trajectories (components × samples)"),
                        qint64(inputs.components.size()) * request.monteCarloSamples, m_settings.maxMonteCarloWork,
                        QStringLiteral("monte_carlo.samples"));

    // Heavy work from here: at most `slots` runs at once.
    if (!m_slots.tryAcquire()) {
        HttpResponse busy = HttpResponse::error(503, QStringLiteral("busy"),
                                                QStringLiteral("every simulation slot is busy; try again shortly"));
        busy.setHeader("Retry-After", "2");
        return busy;
    }
    QSemaphoreReleaser release(m_slots);

    QJsonObject measuredJson;
    if (measured) {
        auto data = loadMeasuredHistory(db, window);
        if (!data)
            return HttpResponse::fromError(data.error());
        const Ageing::MeasuredHistory &history = data->history;
        if (history.samples == 0)
            return HttpResponse::fromError(Error{Error::Code::Unprocessable,
                                                 QStringLiteral("node '%1' reported no %2 between %3 and %4")
                                                     .arg(nodeName, request.metric, formatRfc3339Ms(window.fromMs),
                                                          formatRfc3339Ms(window.toMs)),
                                                 QStringLiteral("profile.from")});
        inputs.duty = history.past;
        if (request.scaledFuture) {
            const Ageing::OperatingPoint &point = *request.scaledFuture;
            if (!(history.meanRpm > 0) || !(history.meanLoad > 0))
                return HttpResponse::fromError(Error::invalid(
                    QStringLiteral("node '%1' reported no speed or no load in the window, so its duty cannot be scaled; "
                                   "give a constant future instead")
                        .arg(nodeName),
                    QStringLiteral("profile.future.scaled")));
            inputs.duty.push_back({0, std::numeric_limits<double>::infinity(),
                                   history.equivalent->scaled(point.rpm / history.meanRpm, point.load / history.meanLoad),
                                   std::isnan(point.temperatureC) ? history.equivalentTemperatureC : point.temperatureC});
        } else if (request.future.isEmpty()) {
            inputs.duty.push_back({0, std::numeric_limits<double>::infinity(), history.equivalent,
                                   history.equivalentTemperatureC});
        } else {
            for (const Ageing::DutyInterval &interval : Ageing::segmentDuty(request.future))
                inputs.duty.push_back(interval);
        }
        inputs.timeline.startH = history.startH;
        inputs.timeline.pastStepH = window.stepH;
        profile.insert(QStringLiteral("samples_sha256"), QString::fromLatin1(data->sha256.toHex()));
        QJsonArray cycles;
        for (const auto &[range, count] : history.cycles)
            cycles.append(QJsonArray{range, count});
        measuredJson = {{QStringLiteral("node_id"), window.nodeId.toString(QUuid::WithoutBraces)},
                        {QStringLiteral("node_name"), nodeName},
                        {QStringLiteral("metric"), request.metric},
                        {QStringLiteral("reference"), window.reference},
                        {QStringLiteral("from"), formatRfc3339Ms(history.firstMs)},
                        {QStringLiteral("to"), formatRfc3339Ms(history.lastMs)},
                        {QStringLiteral("samples"), double(history.samples)},
                        {QStringLiteral("cycles"), cycles},
                        {QStringLiteral("cycles_exact"), history.cyclesExact},
                        {QStringLiteral("equivalent"),
                         QJsonObject{{QStringLiteral("signal_cycles_per_hour"), history.signalCyclesPerHour},
                                     {QStringLiteral("revolutions_per_hour"), history.revolutionsPerHour},
                                     {QStringLiteral("mean_rpm"), history.meanRpm},
                                     {QStringLiteral("mean_load"), history.meanLoad},
                                     {QStringLiteral("spectrum"), Ageing::spectrumToJson(*history.equivalent)},
                                     {QStringLiteral("temperature_c"), history.equivalentTemperatureC}}}};
    } else {
        inputs.duty = Ageing::segmentDuty(request.segments);
    }
    for (qsizetype i = 0; i < chosen.size(); ++i) {
        if (chosen[i].installedMs > 0)
            inputs.components[i].lifeStartH = double(chosen[i].installedMs - startMs) / kMsPerHour;
    }

    QJsonObject normalized{{QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces)},
                           {QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces)},
                           {QStringLiteral("start"), formatRfc3339Ms(startMs)},
                           {QStringLiteral("horizon_years"), request.horizonYears},
                           {QStringLiteral("step"), request.step},
                           {QStringLiteral("profile"), profile}};
    QJsonArray names;
    for (const Ageing::ComponentSpec &spec : std::as_const(inputs.components))
        names.append(spec.name);
    normalized.insert(QStringLiteral("components"), names);
    if (!request.materials.isEmpty())
        normalized.insert(QStringLiteral("materials"), request.materials);
    if (request.fleetReliability)
        normalized.insert(QStringLiteral("fleet_reliability"), fleet);
    if (request.monteCarloSamples > 0) {
        QJsonObject monteCarlo{{QStringLiteral("samples"), request.monteCarloSamples},
                               {QStringLiteral("seed"), double(request.seed)}};
        if (!request.monteCarloBands.isEmpty())
            monteCarlo.insert(QStringLiteral("bands"), QJsonArray::fromStringList(request.monteCarloBands));
        normalized.insert(QStringLiteral("monte_carlo"), monteCarlo);
    }
    const QByteArray inputsSha256 =
        QCryptographicHash::hash(QJsonDocument(normalized).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256);

    QElapsedTimer timer;
    timer.start();
    const Ageing::SimulationResult result = Ageing::AgeingSimulator::run(inputs);
    const qint64 computeMs = timer.elapsed();

    // Monte Carlo bands of the components asked for: P10/P50/P90 crack length and the share
    // of samples failed, at every point of the timeline.
    QHash<QString, QJsonObject> bands;
    for (qsizetype i = 0; i < request.monteCarloBands.size(); ++i) {
        const QString &name = request.monteCarloBands[i];
        const auto found = std::find_if(inputs.components.begin(), inputs.components.end(),
                                        [&](const Ageing::ComponentSpec &spec) { return spec.name == name; });
        if (found == inputs.components.end())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'%1' is not a component of this run").arg(name),
                                                          QStringLiteral("monte_carlo.bands[%1]").arg(i)));
        const Ageing::MonteCarloBands band = Ageing::AgeingSimulator::monteCarloBands(
            inputs, int(found - inputs.components.begin()), request.monteCarloSamples, request.seed);
        bands.insert(name, {{QStringLiteral("crack_p10_m"), Ageing::seriesArray(band.crackP10M)},
                            {QStringLiteral("crack_p50_m"), Ageing::seriesArray(band.crackP50M)},
                            {QStringLiteral("crack_p90_m"), Ageing::seriesArray(band.crackP90M)},
                            {QStringLiteral("failed_fraction"), Ageing::seriesArray(band.failedFraction)}});
    }
    const auto withBands = [&bands](QJsonArray list) {
        for (qsizetype i = 0; i < list.size() && !bands.isEmpty(); ++i) {
            QJsonObject component = list[i].toObject();
            const QString name = component.value(QStringLiteral("name")).toString();
            if (!bands.contains(name))
                continue;
            QJsonObject monteCarlo = component.value(QStringLiteral("monte_carlo")).toObject();
            monteCarlo.insert(QStringLiteral("bands"), bands.value(name));
            component.insert(QStringLiteral("monte_carlo"), monteCarlo);
            list[i] = component;
        }
        return list;
    };

    QJsonArray components = withBands(Ageing::componentsToJson(inputs, result, startMs, false));
    if (measured) {
        // What the measured window did: the damage each part had taken by its end (t = 0).
        const auto zero = std::find(result.timesH.begin(), result.timesH.end(), 0.0);
        const size_t at = size_t(zero - result.timesH.begin());
        double worstDamage = 0;
        QString worstName;
        for (size_t i = 0; i < result.components.size() && zero != result.timesH.end(); ++i) {
            const double damage = result.components[i].damage[at];
            if (!std::isnan(damage) && (worstName.isEmpty() || damage > worstDamage)) {
                worstDamage = damage;
                worstName = inputs.components[qsizetype(i)].name;
            }
        }
        measuredJson.insert(QStringLiteral("damage"), worstDamage);
        measuredJson.insert(QStringLiteral("damage_component"), worstName);
    }
    QJsonObject summary{{QStringLiteral("worst"), Ageing::worstToJson(inputs, result, startMs)},
                        {QStringLiteral("timeline"),
                         QJsonObject{{QStringLiteral("start_years"), inputs.timeline.startH / Ageing::kHoursPerYear},
                                     {QStringLiteral("past_step_hours"), inputs.timeline.pastStepH},
                                     {QStringLiteral("step_hours"), inputs.timeline.stepH},
                                     {QStringLiteral("horizon_years"), request.horizonYears},
                                     {QStringLiteral("points"), double(result.timesH.size())}}},
                        {QStringLiteral("components"), components}};
    if (measured)
        summary.insert(QStringLiteral("measured"), measuredJson);
    const QByteArray inputsHex = inputsSha256.toHex();
    if (!request.store) {
        QJsonObject answer = summary;
        answer.insert(QStringLiteral("components"), withBands(Ageing::componentsToJson(inputs, result, startMs, true)));
        answer.insert(QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces));
        answer.insert(QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces));
        answer.insert(QStringLiteral("inputs"), normalized);
        answer.insert(QStringLiteral("inputs_sha256"), QString::fromLatin1(inputsHex));
        answer.insert(QStringLiteral("start"), formatRfc3339Ms(startMs));
        answer.insert(QStringLiteral("stored"), false);
        return HttpResponse::json(200, answer);
    }
    const QByteArray series = SimulationStore::encodeSeries(result);
    const QJsonValue worst = summary.value(QStringLiteral("worst"));

    Transaction transaction(db);
    auto stored = db.exec(
        "INSERT INTO simulation_runs (organization_id, twin_id, version_id, user_id, parameters, results, "
        "predicted_failure_at, inputs_sha256, start_at, series, component_count, worst_component) "
        "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamptz, decode($8, 'hex'), "
        "timestamptz 'epoch' + $9::bigint * interval '1 millisecond', $10::bytea, $11, $12) "
        "RETURNING id, created_at",
        {uuidParam(organization), uuidParam(twinId), uuidParam(versionId), uuidParam(context.principal().userId),
         jsonParam(normalized), jsonParam(summary),
         worst.isObject() && worst.toObject().value(QStringLiteral("p50_failure_date")).isString()
             ? pgParam(worst.toObject().value(QStringLiteral("p50_failure_date")).toString())
             : pgNull(),
         inputsSha256.toHex(), pgParam(startMs), "\\x" + series.toHex(), pgParam(qint64(inputs.components.size())),
         worst.isObject() ? pgParam(worst.toObject().value(QStringLiteral("component")).toString()) : pgNull()});
    if (!stored)
        return HttpResponse::fromError(stored.error());
    const QString runId = stored->text(0, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("simulation.run"), QStringLiteral("simulation"), runId,
                                   {{QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces)},
                                    {QStringLiteral("components"), double(inputs.components.size())}});
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    qCInfo(lcSimulations).noquote() << "run" << runId << "of" << inputs.components.size() << "components,"
                                    << result.timesH.size() << "points, computed in" << computeMs << "ms";

    QJsonObject answer = summary;
    answer.insert(QStringLiteral("components"), withBands(Ageing::componentsToJson(inputs, result, startMs, true)));
    answer.insert(QStringLiteral("id"), runId);
    answer.insert(QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces));
    answer.insert(QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces));
    answer.insert(QStringLiteral("inputs"), normalized);
    answer.insert(QStringLiteral("inputs_sha256"), QString::fromLatin1(inputsSha256.toHex()));
    answer.insert(QStringLiteral("created_by"), context.principal().userId.toString(QUuid::WithoutBraces));
    answer.insert(QStringLiteral("created_at"), QDateTime::fromString(stored->text(0, 1), Qt::ISODateWithMs)
                                                    .toUTC()
                                                    .toString(Qt::ISODateWithMs));
    answer.insert(QStringLiteral("start"), formatRfc3339Ms(startMs));
    HttpResponse response = HttpResponse::json(201, answer);
    response.setHeader("Location", "/simulations/" + runId.toLatin1());
    return response;
}

HttpResponse SimulationsApi::list(RequestContext &context)
{
    const auto page = context.intQuery(QStringLiteral("page"), 1, 1000000);
    if (!page)
        return HttpResponse::fromError(page.error());
    const auto perPage = context.intQuery(QStringLiteral("per_page"), 20, 200);
    if (!perPage)
        return HttpResponse::fromError(perPage.error());
    PgConnection &db = context.db();
    auto twin = latestVersionOf(db, context.principal().organizationId, context.uuidParam(QStringLiteral("id")));
    if (!twin)
        return HttpResponse::fromError(twin.error());
    auto rows = db.exec("SELECT " + QByteArray(runSummarySql()) + ", count(*) OVER () FROM simulation_runs r "
                        "WHERE r.twin_id = $1 ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3",
                        {uuidParam(context.uuidParam(QStringLiteral("id"))), pgParam(qint64(*perPage)),
                         pgParam(qint64(*page - 1) * *perPage)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)},
                                               {QStringLiteral("total"), rows->rowCount() > 0 ? double(rows->integer(0, 1)) : 0.0},
                                               {QStringLiteral("page"), *page},
                                               {QStringLiteral("per_page"), *perPage}});
}

HttpResponse SimulationsApi::get(RequestContext &context, bool download)
{
    auto row = context.db().exec(
        "SELECT r.id, r.twin_id, r.version_id, r.user_id, r.created_at, r.start_at, r.parameters, r.results, "
        "encode(r.inputs_sha256, 'hex'), r.series FROM simulation_runs r WHERE r.id = $1 AND r.organization_id = $2",
        {uuidParam(context.uuidParam(QStringLiteral("id"))), uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such simulation run")));
    QJsonObject answer = jsonObjectAt(*row, 0, 7);
    QJsonArray components = answer.value(QStringLiteral("components")).toArray();
    const QByteArray series = QByteArray::fromHex(row->bytes(0, 9).mid(2));
    if (!SimulationStore::mergeSeries(components, series))
        return HttpResponse::fromError(Error::internal(QStringLiteral("the run's stored series are damaged")));
    answer.insert(QStringLiteral("components"), components);
    const auto timestamp = [&](int column) {
        return QDateTime::fromString(row->text(0, column), Qt::ISODateWithMs).toUTC().toString(Qt::ISODateWithMs);
    };
    answer.insert(QStringLiteral("id"), row->text(0, 0));
    answer.insert(QStringLiteral("twin_id"), row->text(0, 1));
    answer.insert(QStringLiteral("version_id"), row->isNull(0, 2) ? QJsonValue() : QJsonValue(row->text(0, 2)));
    answer.insert(QStringLiteral("created_by"), row->isNull(0, 3) ? QJsonValue() : QJsonValue(row->text(0, 3)));
    answer.insert(QStringLiteral("created_at"), timestamp(4));
    answer.insert(QStringLiteral("start"), timestamp(5));
    answer.insert(QStringLiteral("inputs"), jsonObjectAt(*row, 0, 6));
    answer.insert(QStringLiteral("inputs_sha256"), row->text(0, 8));
    HttpResponse response = HttpResponse::json(200, answer);
    if (download)
        response.setHeader("Content-Disposition",
                           "attachment; filename=\"simulation-" + row->text(0, 0).toLatin1() + ".json\"");
    return response;
}

HttpResponse SimulationsApi::remove(RequestContext &context)
{
    PgConnection &db = context.db();
    const Principal &principal = context.principal();
    Transaction transaction(db);
    auto row = db.exec("SELECT user_id FROM simulation_runs WHERE id = $1 AND organization_id = $2 FOR UPDATE",
                       {uuidParam(context.uuidParam(QStringLiteral("id"))), uuidParam(principal.organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0 || !principal.can(QStringLiteral("twins.view")))
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such simulation run")));
    const bool author = !row->isNull(0, 0) && QUuid::fromString(row->text(0, 0)) == principal.userId;
    if (!author && principal.role != QLatin1String("admin"))
        return HttpResponse::fromError(Error::forbidden(QStringLiteral("only the run's author or an admin may delete it")));
    auto deleted = db.exec("DELETE FROM simulation_runs WHERE id = $1", {uuidParam(context.uuidParam(QStringLiteral("id")))});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (auto audited = recordAudit(db, context, QStringLiteral("simulation.delete"), QStringLiteral("simulation"),
                                   context.param(QStringLiteral("id")));
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

} // namespace Laces::Server
