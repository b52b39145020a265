#include "simulationjson.h"

#include "ageingunits.h"

#include <QDateTime>

#include <cmath>

namespace Laces::Core::Ageing {

QJsonValue yearsValue(double hours)
{
    if (!std::isfinite(hours))
        return QJsonValue::Null;
    return hours / kHoursPerYear;
}

QJsonValue dateValue(qint64 startMs, double hours)
{
    if (!std::isfinite(hours))
        return QJsonValue::Null;
    const double ms = double(startMs) + hours * 3600000.0;
    if (ms > 253402300799999.0 || ms < -62135596800000.0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(ms)), Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonArray seriesArray(const std::vector<double> &values, double scale)
{
    QJsonArray array;
    for (const double value : values)
        array.append(std::isnan(value) ? QJsonValue(QJsonValue::Null) : QJsonValue(value * scale));
    return array;
}

QJsonArray componentsToJson(const SimulationInputs &inputs, const SimulationResult &result, qint64 startMs,
                            bool withSeries)
{
    QJsonArray components;
    QJsonArray years;
    if (withSeries)
        years = seriesArray(result.timesH, 1.0 / kHoursPerYear);
    for (size_t i = 0; i < result.components.size(); ++i) {
        const ComponentSpec &spec = inputs.components[qsizetype(i)];
        const ComponentResult &component = result.components[i];
        QJsonObject object{
            {QStringLiteral("name"), spec.name},
            {QStringLiteral("material"), spec.material.toJson()},
            {QStringLiteral("rated_stress_range_mpa"), spec.ratedStressRangeMPa},
            {QStringLiteral("cycles_per_rev"), spec.cyclesPerRev},
            {QStringLiteral("temperature_offset_c"), spec.temperatureOffsetC},
            {QStringLiteral("installed_years"), yearsValue(component.lifeStartH)},
            {QStringLiteral("stress_range_mpa"), component.stressRangeMPa},
            {QStringLiteral("cycles_per_hour"), component.cyclesPerHour},
            {QStringLiteral("c_effective"), component.cEffective},
            {QStringLiteral("ac_m"), std::isfinite(component.criticalCrackM) ? QJsonValue(component.criticalCrackM)
                                                                             : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("crack_critical_years"), yearsValue(component.crackCriticalH)},
            {QStringLiteral("p50_failure_years"), yearsValue(component.failureH)},
            {QStringLiteral("b10_failure_years"), yearsValue(component.b10H)},
            {QStringLiteral("p50_failure_date"), dateValue(startMs, component.failureH)},
            {QStringLiteral("b10_failure_date"), dateValue(startMs, component.b10H)},
        };
        if (component.hasMonteCarlo) {
            object.insert(QStringLiteral("p10_p90_failure_years"),
                          QJsonArray{yearsValue(component.p10H), yearsValue(component.p90H)});
            object.insert(QStringLiteral("monte_carlo"),
                          QJsonObject{{QStringLiteral("samples"), inputs.monteCarloSamples},
                                      {QStringLiteral("p10_years"), yearsValue(component.p10H)},
                                      {QStringLiteral("p50_years"), yearsValue(component.p50H)},
                                      {QStringLiteral("p90_years"), yearsValue(component.p90H)},
                                      {QStringLiteral("p10_date"), dateValue(startMs, component.p10H)},
                                      {QStringLiteral("p50_date"), dateValue(startMs, component.p50H)},
                                      {QStringLiteral("p90_date"), dateValue(startMs, component.p90H)}});
        }
        if (!spec.label.isEmpty())
            object.insert(QStringLiteral("part"), spec.label);
        if (component.stateAtStart)
            object.insert(QStringLiteral("state_at_start"),
                          QJsonObject{{QStringLiteral("crack_m"), component.stateAtStart->crackM},
                                      {QStringLiteral("miner_damage"), component.stateAtStart->minerDamage}});
        const auto last = [](const std::vector<double> &values) {
            return values.empty() || std::isnan(values.back()) ? QJsonValue(QJsonValue::Null) : QJsonValue(values.back());
        };
        object.insert(QStringLiteral("final"), QJsonObject{{QStringLiteral("crack_m"), last(component.crackM)},
                                                           {QStringLiteral("damage"), last(component.damage)},
                                                           {QStringLiteral("failure_probability"),
                                                            last(component.failureProbability)}});
        if (withSeries)
            object.insert(QStringLiteral("series"),
                          QJsonObject{{QStringLiteral("t_years"), years},
                                      {QStringLiteral("crack_m"), seriesArray(component.crackM)},
                                      {QStringLiteral("damage"), seriesArray(component.damage)},
                                      {QStringLiteral("failure_probability"), seriesArray(component.failureProbability)}});
        components.append(object);
    }
    return components;
}

QJsonArray spectrumToJson(const LoadSpectrum &spectrum)
{
    QJsonArray bins;
    for (const LoadSpectrum::Bin &bin : spectrum.bins())
        bins.append(QJsonArray{bin.loadRange, bin.perRevolutionPerHour, bin.signalPerHour});
    return bins;
}

std::shared_ptr<LoadSpectrum> spectrumFromJson(const QJsonArray &bins)
{
    auto spectrum = std::make_shared<LoadSpectrum>();
    for (const QJsonValue &value : bins) {
        const QJsonArray bin = value.toArray();
        spectrum->add(bin.at(0).toDouble(), bin.at(1).toDouble(), true);
        spectrum->add(bin.at(0).toDouble(), bin.at(2).toDouble(), false);
    }
    spectrum->finalize();
    return spectrum;
}

QJsonValue worstToJson(const SimulationInputs &inputs, const SimulationResult &result, qint64 startMs)
{
    qsizetype worst = -1;
    for (size_t i = 0; i < result.components.size(); ++i) {
        if (std::isfinite(result.components[i].failureH)
            && (worst < 0 || result.components[i].failureH < result.components[size_t(worst)].failureH))
            worst = qsizetype(i);
    }
    if (worst < 0)
        return QJsonValue::Null;
    const double failure = result.components[size_t(worst)].failureH;
    return QJsonObject{{QStringLiteral("component"), inputs.components[worst].name},
                       {QStringLiteral("p50_failure_years"), yearsValue(failure)},
                       {QStringLiteral("p50_failure_date"), dateValue(startMs, failure)}};
}

} // namespace Laces::Core::Ageing
