#include "simulationrequest.h"

#include "http/jsonschema.h"
#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"

#include <QJsonArray>

#include <cmath>

namespace Laces::Server {

using Core::Error;
using Core::Ageing::OperatingPoint;
using Core::Ageing::ProfileSegment;

namespace {

QString joined(const QString &prefix, const QString &name)
{
    return prefix.isEmpty() ? name : prefix + QLatin1Char('.') + name;
}

// validateObject() with the field names prefixed by where the object sits.
Core::Status checkObject(const QJsonObject &object, const QList<FieldSpec> &fields, const QString &prefix)
{
    Core::Status valid = validateObject(object, fields);
    if (!valid) {
        Error error = valid.error();
        error.message = error.message.replace(QLatin1Char('\'') + error.field + QLatin1Char('\''),
                                              QLatin1Char('\'') + joined(prefix, error.field) + QLatin1Char('\''));
        error.field = joined(prefix, error.field);
        return error;
    }
    return Core::Ok{};
}

Core::Result<double> numberIn(const QJsonObject &object, const QString &name, const QString &prefix, double min,
                              double max, std::optional<double> fallback)
{
    const QString field = joined(prefix, name);
    if (!object.contains(name)) {
        if (fallback)
            return *fallback;
        return Error::invalid(QStringLiteral("'%1' is required").arg(field), field);
    }
    const QJsonValue value = object.value(name);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return Error::invalid(QStringLiteral("'%1' must be a number").arg(field), field);
    const double number = value.toDouble();
    if (number < min || number > max)
        return Error::invalid(QStringLiteral("'%1' must be from %2 to %3, not %4").arg(field).arg(min).arg(max).arg(number),
                              field);
    return number;
}

Core::Result<OperatingPoint> pointIn(const QJsonObject &object, const QString &prefix)
{
    OperatingPoint point;
    auto rpm = numberIn(object, QStringLiteral("rpm"), prefix, 0, 100000, std::nullopt);
    if (!rpm)
        return rpm.error();
    auto load = numberIn(object, QStringLiteral("load"), prefix, 0, 2, std::nullopt);
    if (!load)
        return load.error();
    auto temperature = numberIn(object, QStringLiteral("temperature_c"), prefix, -100, 600, 20.0);
    if (!temperature)
        return temperature.error();
    point.rpm = *rpm;
    point.load = *load;
    point.temperatureC = *temperature;
    return point;
}

Core::Result<qint64> timeIn(const QJsonObject &object, const QString &name, const QString &prefix)
{
    const QString field = joined(prefix, name);
    const QJsonValue value = object.value(name);
    const auto ms = value.isString() ? parseRfc3339Ms(value.toString().toUtf8()) : std::nullopt;
    if (!ms || *ms < 0 || *ms > 253402300799999LL)
        return Error::invalid(QStringLiteral("'%1' must be an RFC 3339 time such as 2026-12-01T12:00:00Z, from 1970 to 9999")
                                  .arg(field),
                              field);
    return *ms;
}

const QList<FieldSpec> &pointFields()
{
    static const QList<FieldSpec> fields{{QStringLiteral("rpm"), FieldSpec::Type::Number},
                                         {QStringLiteral("load"), FieldSpec::Type::Number},
                                         {QStringLiteral("temperature_c"), FieldSpec::Type::Number}};
    return fields;
}

// {rpm, load, temperature_c?} or {segments: [{from_years, rpm, load, temperature_c?}, …]}.
Core::Result<QList<ProfileSegment>> whatIfIn(const QJsonObject &object, const QString &prefix, double horizonYears)
{
    if (!object.contains(QStringLiteral("segments"))) {
        if (auto valid = checkObject(object, pointFields(), prefix); !valid)
            return valid.error();
        auto point = pointIn(object, prefix);
        if (!point)
            return point.error();
        return QList<ProfileSegment>{{0, *point}};
    }
    if (auto valid = checkObject(object, {{QStringLiteral("segments"), FieldSpec::Type::Array, true}}, prefix); !valid)
        return valid.error();
    const QJsonArray list = object.value(QStringLiteral("segments")).toArray();
    const QString listField = joined(prefix, QStringLiteral("segments"));
    if (list.isEmpty() || list.size() > SimulationRequest::kMaxSegments)
        return Error::invalid(QStringLiteral("'%1' must hold 1 to %2 segments").arg(listField).arg(SimulationRequest::kMaxSegments),
                              listField);
    QList<ProfileSegment> segments;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(listField).arg(i);
        if (!list[i].isObject())
            return Error::invalid(QStringLiteral("'%1' must be an object").arg(at), at);
        const QJsonObject segment = list[i].toObject();
        QList<FieldSpec> fields = pointFields();
        fields.append({QStringLiteral("from_years"), FieldSpec::Type::Number, true});
        if (auto valid = checkObject(segment, fields, at); !valid)
            return valid.error();
        auto from = numberIn(segment, QStringLiteral("from_years"), at, 0, horizonYears, std::nullopt);
        if (!from)
            return from.error();
        if (i == 0 && *from != 0)
            return Error::invalid(QStringLiteral("'%1.from_years' must be 0: the first segment starts the run").arg(at),
                                  at + QStringLiteral(".from_years"));
        if (i > 0 && *from <= segments.last().fromYears)
            return Error::invalid(QStringLiteral("'%1.from_years' must be after the segment before it").arg(at),
                                  at + QStringLiteral(".from_years"));
        auto point = pointIn(segment, at);
        if (!point)
            return point.error();
        segments.append({*from, *point});
    }
    return segments;
}

} // namespace

Core::Result<SimulationRequest> SimulationRequest::fromJson(const QJsonObject &body)
{
    static const QList<FieldSpec> fields{{QStringLiteral("version_id"), FieldSpec::Type::String},
                                         {QStringLiteral("start"), FieldSpec::Type::String},
                                         {QStringLiteral("horizon_years"), FieldSpec::Type::Number},
                                         {QStringLiteral("step"), FieldSpec::Type::String},
                                         {QStringLiteral("profile"), FieldSpec::Type::Object},
                                         {QStringLiteral("components"), FieldSpec::Type::Array},
                                         {QStringLiteral("materials"), FieldSpec::Type::Object},
                                         {QStringLiteral("monte_carlo"), FieldSpec::Type::Object},
                                         {QStringLiteral("store"), FieldSpec::Type::Bool},
                                         {QStringLiteral("fleet_reliability"), FieldSpec::Type::Bool}};
    if (auto valid = validateObject(body, fields); !valid)
        return valid.error();
    SimulationRequest request;
    if (body.contains(QStringLiteral("version_id"))) {
        const QUuid id = QUuid::fromString(body.value(QStringLiteral("version_id")).toString());
        if (id.isNull())
            return Error::invalid(QStringLiteral("'version_id' must be a UUID"), QStringLiteral("version_id"));
        request.versionId = id;
    }
    if (body.contains(QStringLiteral("start"))) {
        auto start = timeIn(body, QStringLiteral("start"), {});
        if (!start)
            return start.error();
        request.startMs = *start;
    }
    if (body.contains(QStringLiteral("horizon_years"))) {
        const double horizon = body.value(QStringLiteral("horizon_years")).toDouble();
        if (!(horizon > 0 && horizon <= 30))
            return Error::invalid(QStringLiteral("'horizon_years' must be more than 0 and at most 30, not %1").arg(horizon),
                                  QStringLiteral("horizon_years"));
        request.horizonYears = horizon;
    }
    if (body.contains(QStringLiteral("step"))) {
        static const QHash<QString, double> steps{{QStringLiteral("hour"), 1}, {QStringLiteral("day"), 24},
                                                  {QStringLiteral("week"), 168}};
        request.step = body.value(QStringLiteral("step")).toString();
        if (!steps.contains(request.step))
            return Error::invalid(QStringLiteral("'step' must be hour, day or week"), QStringLiteral("step"));
        request.stepH = steps.value(request.step);
    }

    const QJsonObject profile = body.value(QStringLiteral("profile")).toObject();
    request.profileGiven = body.contains(QStringLiteral("profile"));
    if (profile.contains(QStringLiteral("from_node"))) {
        request.kind = ProfileKind::Measured;
        static const QList<FieldSpec> measured{{QStringLiteral("from_node"), FieldSpec::Type::StringOrNull},
                                               {QStringLiteral("from"), FieldSpec::Type::String},
                                               {QStringLiteral("to"), FieldSpec::Type::String},
                                               {QStringLiteral("metric"), FieldSpec::Type::String},
                                               {QStringLiteral("future"), FieldSpec::Type::Object}};
        if (auto valid = checkObject(profile, measured, QStringLiteral("profile")); !valid)
            return valid.error();
        const QJsonValue node = profile.value(QStringLiteral("from_node"));
        if (node.isString()) {
            const QUuid id = QUuid::fromString(node.toString());
            if (id.isNull())
                return Error::invalid(QStringLiteral("'profile.from_node' must be a node's UUID, or null for the "
                                                     "twin's linked node"),
                                      QStringLiteral("profile.from_node"));
            request.nodeId = id;
        }
        for (const char *name : {"from", "to"}) {
            if (!profile.contains(QLatin1String(name)))
                continue;
            auto time = timeIn(profile, QLatin1String(name), QStringLiteral("profile"));
            if (!time)
                return time.error();
            (QByteArrayView(name) == "from" ? request.fromMs : request.toMs) = *time;
        }
        if (request.fromMs && request.toMs && *request.fromMs >= *request.toMs)
            return Error::invalid(QStringLiteral("'profile.from' must be before 'profile.to'"), QStringLiteral("profile.from"));
        if (profile.contains(QStringLiteral("metric"))) {
            request.metric = profile.value(QStringLiteral("metric")).toString();
            if (TelemetryMetrics::indexOf(request.metric) < 0)
                return Error::invalid(QStringLiteral("'profile.metric' must be one of %1").arg(TelemetryMetrics::names()),
                                      QStringLiteral("profile.metric"));
        }
        const QJsonObject future = profile.value(QStringLiteral("future")).toObject();
        if (future.contains(QStringLiteral("scaled"))) {
            if (auto valid = checkObject(future, {{QStringLiteral("scaled"), FieldSpec::Type::Object, true}},
                                         QStringLiteral("profile.future"));
                !valid)
                return valid.error();
            const QJsonObject scaled = future.value(QStringLiteral("scaled")).toObject();
            const QString prefix = QStringLiteral("profile.future.scaled");
            if (auto valid = checkObject(scaled, pointFields(), prefix); !valid)
                return valid.error();
            auto point = pointIn(scaled, prefix);
            if (!point)
                return point.error();
            if (!scaled.contains(QStringLiteral("temperature_c")))
                point->temperatureC = std::nan("");
            request.scaledFuture = *point;
        } else if (profile.contains(QStringLiteral("future"))) {
            auto segments = whatIfIn(future, QStringLiteral("profile.future"), request.horizonYears);
            if (!segments)
                return segments.error();
            request.future = *segments;
        }
    } else if (request.profileGiven) {
        request.kind = profile.contains(QStringLiteral("segments")) ? ProfileKind::Segments : ProfileKind::Constant;
        auto segments = whatIfIn(profile, QStringLiteral("profile"), request.horizonYears);
        if (!segments)
            return segments.error();
        request.segments = *segments;
    }

    const QJsonArray components = body.value(QStringLiteral("components")).toArray();
    for (qsizetype i = 0; i < components.size(); ++i) {
        const QString field = QStringLiteral("components[%1]").arg(i);
        const QString name = components[i].toString();
        if (!components[i].isString() || name.isEmpty() || name.size() > 300)
            return Error::invalid(QStringLiteral("'%1' must be a component name").arg(field), field);
        if (request.components.contains(name))
            return Error::invalid(QStringLiteral("'%1' names %2 a second time").arg(field, name), field);
        request.components.append(name);
    }
    if (body.contains(QStringLiteral("components")) && request.components.isEmpty())
        return Error::invalid(QStringLiteral("'components' must name at least one component (or be left out)"),
                              QStringLiteral("components"));
    request.materials = body.value(QStringLiteral("materials")).toObject();
    for (auto it = request.materials.constBegin(); it != request.materials.constEnd(); ++it) {
        if (!it.value().isObject())
            return Error::invalid(QStringLiteral("'materials.%1' must be an object such as {\"preset\": \"aisi-4340\", "
                                                 "\"k_ic\": 55}").arg(it.key()),
                                  QStringLiteral("materials.") + it.key());
    }
    if (body.contains(QStringLiteral("monte_carlo"))) {
        const QJsonObject monteCarlo = body.value(QStringLiteral("monte_carlo")).toObject();
        static const QList<FieldSpec> monteCarloFields{{QStringLiteral("samples"), FieldSpec::Type::Integer, true},
                                                       {QStringLiteral("seed"), FieldSpec::Type::Integer},
                                                       {QStringLiteral("bands"), FieldSpec::Type::Array}};
        if (auto valid = checkObject(monteCarlo, monteCarloFields, QStringLiteral("monte_carlo")); !valid)
            return valid.error();
        const double samples = monteCarlo.value(QStringLiteral("samples")).toDouble();
        if (samples < 1 || samples > kMaxMonteCarloSamples)
            return Error::invalid(QStringLiteral("'monte_carlo.samples' must be from 1 to %1").arg(kMaxMonteCarloSamples),
                                  QStringLiteral("monte_carlo.samples"));
        const double seed = monteCarlo.value(QStringLiteral("seed")).toDouble(0);
        if (seed < 0)
            return Error::invalid(QStringLiteral("'monte_carlo.seed' must be 0 or more"), QStringLiteral("monte_carlo.seed"));
        request.monteCarloSamples = int(samples);
        request.seed = quint64(seed);
        const QJsonArray bands = monteCarlo.value(QStringLiteral("bands")).toArray();
        if (bands.size() > 10)
            return Error::invalid(QStringLiteral("'monte_carlo.bands' may name at most 10 components"),
                                  QStringLiteral("monte_carlo.bands"));
        for (qsizetype i = 0; i < bands.size(); ++i) {
            if (!bands[i].isString())
                return Error::invalid(QStringLiteral("'monte_carlo.bands[%1]' must be a component name").arg(i),
                                      QStringLiteral("monte_carlo.bands[%1]").arg(i));
            request.monteCarloBands.append(bands[i].toString());
        }
    }
    request.store = body.value(QStringLiteral("store")).toBool(true);
    request.fleetReliability = body.value(QStringLiteral("fleet_reliability")).toBool(false);
    return request;
}

} // namespace Laces::Server
