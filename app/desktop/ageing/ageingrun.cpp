#include "ageingrun.h"

#include "ageing/ageingunits.h"
#include "ageing/simulationjson.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace Laces::App {

using Core::Error;
namespace Ageing = Core::Ageing;

namespace {

double numberOr(const QJsonValue &value, double fallback)
{
    return value.isDouble() ? value.toDouble() : fallback;
}

std::vector<double> seriesOf(const QJsonValue &value)
{
    const QJsonArray array = value.toArray();
    std::vector<double> series;
    series.reserve(size_t(array.size()));
    for (const QJsonValue &item : array)
        series.push_back(numberOr(item, qQNaN()));
    return series;
}

QJsonValue nullIfNan(double value)
{
    return std::isnan(value) ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

} // namespace

bool AgeingRun::Future::operator==(const Future &other) const
{
    return kind == other.kind && rpm == other.rpm && load == other.load && temperatureC == other.temperatureC;
}

QJsonObject AgeingRun::Future::toProfileJson() const
{
    const QJsonObject point{{QStringLiteral("rpm"), rpm}, {QStringLiteral("load"), load},
                            {QStringLiteral("temperature_c"), temperatureC}};
    switch (kind) {
    case Kind::AsMeasured: return {};
    case Kind::Scaled: return {{QStringLiteral("scaled"), point}};
    case Kind::Constant: return point;
    }
    return {};
}

Core::Result<AgeingRun> AgeingRun::fromJson(const QJsonObject &run)
{
    AgeingRun result;
    result.m_source = run;
    const QJsonArray components = run.value(QStringLiteral("components")).toArray();
    if (components.isEmpty())
        return Error::invalid(QStringLiteral("the run has no components"), QStringLiteral("components"));
    result.m_years = seriesOf(components.first().toObject().value(QStringLiteral("series")).toObject().value(QStringLiteral("t_years")));
    if (result.m_years.empty())
        return Error::invalid(QStringLiteral("the run has no series"), QStringLiteral("series"));
    for (size_t i = 0; i < result.m_years.size(); ++i) {
        if (result.m_years[i] == 0.0)
            result.m_startIndex = int(i);
    }
    const QDateTime start = QDateTime::fromString(run.value(QStringLiteral("start")).toString(), Qt::ISODateWithMs);
    result.m_startMs = start.isValid() ? start.toMSecsSinceEpoch() : 0;
    const QJsonObject timeline = run.value(QStringLiteral("timeline")).toObject();
    result.m_stepH = numberOr(timeline.value(QStringLiteral("step_hours")), 24);
    result.m_horizonH = numberOr(timeline.value(QStringLiteral("horizon_years")), 5) * Ageing::kHoursPerYear;

    const QJsonObject measured = run.value(QStringLiteral("measured")).toObject();
    result.m_measured = !measured.isEmpty();
    if (result.m_measured) {
        const QJsonObject equivalent = measured.value(QStringLiteral("equivalent")).toObject();
        result.m_equivalent = Ageing::spectrumFromJson(equivalent.value(QStringLiteral("spectrum")).toArray());
        result.m_meanRpm = equivalent.value(QStringLiteral("mean_rpm")).toDouble();
        result.m_meanLoad = equivalent.value(QStringLiteral("mean_load")).toDouble();
        result.m_measuredTemperatureC = numberOr(equivalent.value(QStringLiteral("temperature_c")), 20);
        result.m_nodeName = measured.value(QStringLiteral("node_name")).toString();
    }
    // What the run's future is, as its inputs say.
    const QJsonObject profile = run.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("profile")).toObject();
    const QJsonObject future = result.m_measured ? profile.value(QStringLiteral("future")).toObject() : profile;
    const QJsonObject point = future.contains(QStringLiteral("scaled")) ? future.value(QStringLiteral("scaled")).toObject() : future;
    if (result.m_measured && future.isEmpty()) {
        result.m_future = {Future::Kind::AsMeasured, result.m_meanRpm, result.m_meanLoad, result.m_measuredTemperatureC};
    } else {
        result.m_future.kind = future.contains(QStringLiteral("scaled")) ? Future::Kind::Scaled : Future::Kind::Constant;
        result.m_future.rpm = numberOr(point.value(QStringLiteral("rpm")), result.m_meanRpm);
        result.m_future.load = numberOr(point.value(QStringLiteral("load")), result.m_meanLoad);
        result.m_future.temperatureC = numberOr(point.value(QStringLiteral("temperature_c")), result.m_measuredTemperatureC);
    }

    for (const QJsonValue &value : components) {
        const QJsonObject object = value.toObject();
        Component component;
        component.name = object.value(QStringLiteral("name")).toString();
        component.part = object.value(QStringLiteral("part")).toString();
        QJsonObject material = object.value(QStringLiteral("material")).toObject();
        component.preset = material.value(QStringLiteral("preset")).toString();
        component.grey = QColor(material.value(QStringLiteral("grey")).toString());
        material.remove(QStringLiteral("grey"));
        const auto base = Ageing::materialPreset(component.preset);
        if (!base)
            return Error::invalid(QStringLiteral("component %1 names no known material").arg(component.name),
                                  QStringLiteral("material"));
        auto resolved = Ageing::withOverrides(*base, material, QStringLiteral("material"));
        if (!resolved)
            return resolved.error();
        component.spec.name = component.name;
        component.spec.label = component.part;
        component.spec.material = *resolved;
        component.spec.ratedStressRangeMPa = object.value(QStringLiteral("rated_stress_range_mpa")).toDouble();
        component.spec.cyclesPerRev = numberOr(object.value(QStringLiteral("cycles_per_rev")), 1);
        component.spec.temperatureOffsetC = object.value(QStringLiteral("temperature_offset_c")).toDouble();
        component.spec.lifeStartH = numberOr(object.value(QStringLiteral("installed_years")), 0) * Ageing::kHoursPerYear;
        const QJsonObject state = object.value(QStringLiteral("state_at_start")).toObject();
        if (!state.isEmpty())
            component.start = Ageing::ComponentSpec::State{0.0, state.value(QStringLiteral("crack_m")).toDouble(),
                                                          state.value(QStringLiteral("miner_damage")).toDouble()};
        component.p50Years = numberOr(object.value(QStringLiteral("p50_failure_years")), qQNaN());
        component.b10Years = numberOr(object.value(QStringLiteral("b10_failure_years")), qQNaN());
        component.crackCriticalYears = numberOr(object.value(QStringLiteral("crack_critical_years")), qQNaN());
        component.p50Date = object.value(QStringLiteral("p50_failure_date")).toString();
        component.b10Date = object.value(QStringLiteral("b10_failure_date")).toString();
        const QJsonObject series = object.value(QStringLiteral("series")).toObject();
        component.crackM = seriesOf(series.value(QStringLiteral("crack_m")));
        component.damage = seriesOf(series.value(QStringLiteral("damage")));
        component.probability = seriesOf(series.value(QStringLiteral("failure_probability")));
        if (component.damage.size() != result.m_years.size())
            return Error::invalid(QStringLiteral("component %1's series do not match the timeline").arg(component.name),
                                  QStringLiteral("series"));
        const QJsonObject bands = object.value(QStringLiteral("monte_carlo")).toObject().value(QStringLiteral("bands")).toObject();
        component.crackP10M = seriesOf(bands.value(QStringLiteral("crack_p10_m")));
        component.crackP90M = seriesOf(bands.value(QStringLiteral("crack_p90_m")));
        component.failedFraction = seriesOf(bands.value(QStringLiteral("failed_fraction")));
        result.m_components.append(component);
    }
    return result;
}

AgeingRun AgeingRun::withFuture(const Future &future) const
{
    AgeingRun run = *this;
    run.m_future = future;
    run.m_recomputed = true;
    Ageing::SimulationInputs inputs;
    for (const Component &component : m_components) {
        Ageing::ComponentSpec spec = component.spec;
        spec.resumeFrom = component.start;
        inputs.components.append(spec);
    }
    Ageing::DutyInterval interval;
    interval.fromH = 0;
    switch (future.kind) {
    case Future::Kind::AsMeasured:
        interval.spectrum = m_equivalent;
        interval.temperatureC = m_measuredTemperatureC;
        break;
    case Future::Kind::Scaled:
        interval.spectrum = m_equivalent && m_meanRpm > 0 && m_meanLoad > 0
                                ? m_equivalent->scaled(future.rpm / m_meanRpm, future.load / m_meanLoad)
                                : Ageing::spectrumOf({future.rpm, future.load, future.temperatureC});
        interval.temperatureC = future.temperatureC;
        break;
    case Future::Kind::Constant:
        interval.spectrum = Ageing::spectrumOf({future.rpm, future.load, future.temperatureC});
        interval.temperatureC = future.temperatureC;
        break;
    }
    inputs.duty = {interval};
    inputs.timeline.startH = 0;
    inputs.timeline.stepH = m_stepH;
    inputs.timeline.horizonH = m_horizonH;
    const Ageing::SimulationResult result = Ageing::AgeingSimulator::run(inputs);
    const size_t offset = size_t(m_startIndex);
    const size_t points = std::min(result.timesH.size(), m_years.size() - offset);
    for (qsizetype i = 0; i < run.m_components.size(); ++i) {
        Component &component = run.m_components[i];
        const Ageing::ComponentResult &computed = result.components[size_t(i)];
        if (!component.start)
            continue;  // not in service at the start: nothing to go on from
        for (size_t k = 0; k < points; ++k) {
            component.crackM[offset + k] = computed.crackM[k];
            component.damage[offset + k] = computed.damage[k];
            component.probability[offset + k] = computed.failureProbability[k];
        }
        const auto years = [](double hours) { return std::isfinite(hours) ? hours / Ageing::kHoursPerYear : qQNaN(); };
        const auto date = [&](double hours) { return Ageing::dateValue(m_startMs, hours).toString(); };
        component.p50Years = years(computed.failureH);
        component.b10Years = years(computed.b10H);
        component.crackCriticalYears = years(computed.crackCriticalH);
        component.p50Date = date(computed.failureH);
        component.b10Date = date(computed.b10H);
        component.crackP10M.clear();  // the bands were for the server's future
        component.crackP90M.clear();
        component.failedFraction.clear();
    }
    return run;
}

QJsonObject AgeingRun::toJson() const
{
    if (!m_recomputed)
        return m_source;
    QJsonObject json = m_source;
    json.remove(QStringLiteral("id"));
    json.insert(QStringLiteral("computed_by"), QStringLiteral("laces desktop (what-if, not stored)"));
    QJsonObject inputs = json.value(QStringLiteral("inputs")).toObject();
    QJsonObject profile = inputs.value(QStringLiteral("profile")).toObject();
    if (m_measured) {
        if (m_future.kind == Future::Kind::AsMeasured)
            profile.remove(QStringLiteral("future"));
        else
            profile.insert(QStringLiteral("future"), m_future.toProfileJson());
    } else {
        profile = m_future.toProfileJson();
        profile.insert(QStringLiteral("kind"), QStringLiteral("constant"));
    }
    inputs.insert(QStringLiteral("profile"), profile);
    json.insert(QStringLiteral("inputs"), inputs);
    QJsonArray components = json.value(QStringLiteral("components")).toArray();
    for (qsizetype i = 0; i < components.size() && i < m_components.size(); ++i) {
        const Component &component = m_components[i];
        QJsonObject object = components[i].toObject();
        object.insert(QStringLiteral("p50_failure_years"), nullIfNan(component.p50Years));
        object.insert(QStringLiteral("b10_failure_years"), nullIfNan(component.b10Years));
        object.insert(QStringLiteral("crack_critical_years"), nullIfNan(component.crackCriticalYears));
        object.insert(QStringLiteral("p50_failure_date"), component.p50Date.isEmpty() ? QJsonValue() : QJsonValue(component.p50Date));
        object.insert(QStringLiteral("b10_failure_date"), component.b10Date.isEmpty() ? QJsonValue() : QJsonValue(component.b10Date));
        object.remove(QStringLiteral("monte_carlo"));
        object.remove(QStringLiteral("p10_p90_failure_years"));
        QJsonObject series = object.value(QStringLiteral("series")).toObject();
        series.insert(QStringLiteral("crack_m"), Ageing::seriesArray(component.crackM));
        series.insert(QStringLiteral("damage"), Ageing::seriesArray(component.damage));
        series.insert(QStringLiteral("failure_probability"), Ageing::seriesArray(component.probability));
        object.insert(QStringLiteral("series"), series);
        object.insert(QStringLiteral("final"), QJsonObject{{QStringLiteral("crack_m"), nullIfNan(component.crackM.back())},
                                                           {QStringLiteral("damage"), nullIfNan(component.damage.back())},
                                                           {QStringLiteral("failure_probability"),
                                                            nullIfNan(component.probability.back())}});
        components[i] = object;
    }
    json.insert(QStringLiteral("components"), components);
    const int worstIndex = worst();
    json.insert(QStringLiteral("worst"), worstIndex < 0 ? QJsonValue(QJsonValue::Null)
                                                        : QJsonValue(QJsonObject{
                                                              {QStringLiteral("component"), m_components[worstIndex].name},
                                                              {QStringLiteral("p50_failure_years"), m_components[worstIndex].p50Years},
                                                              {QStringLiteral("p50_failure_date"), m_components[worstIndex].p50Date}}));
    return json;
}

int AgeingRun::indexOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_components.size(); ++i) {
        if (m_components[i].name == name)
            return int(i);
    }
    return -1;
}

int AgeingRun::worst() const
{
    int worstIndex = -1;
    for (qsizetype i = 0; i < m_components.size(); ++i) {
        const double years = m_components[i].p50Years;
        if (!std::isnan(years) && (worstIndex < 0 || years < m_components[worstIndex].p50Years))
            worstIndex = int(i);
    }
    return worstIndex;
}

int AgeingRun::mostDamagedAt(int index) const
{
    // The most damaged; of parts already failed, the one that failed first.
    int most = -1;
    double highest = 0;
    for (qsizetype i = 0; i < m_components.size(); ++i) {
        const double damage = m_components[i].damage[size_t(index)];
        if (std::isnan(damage) || damage <= 0)
            continue;
        const bool failedEarlier = damage >= 1 && highest >= 1 && m_components[i].p50Years < m_components[most].p50Years;
        if (damage > highest || failedEarlier) {
            highest = damage;
            most = int(i);
        }
    }
    return most;
}

} // namespace Laces::App
