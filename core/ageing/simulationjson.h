#pragma once

#include "ageingsimulator.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Laces::Core::Ageing {

// A run's results as the API, the CLI and the desktop's exports write them (README, "4D
// ageing"): times in years from the run's start, dates in UTC from `startMs`, +∞ as null.
// Each component:
//   {name, material, rated_stress_range_mpa, cycles_per_rev, temperature_offset_c,
//    installed_years, stress_range_mpa, cycles_per_hour, c_effective, ac_m,
//    crack_critical_years, p50_failure_years, b10_failure_years, p50_failure_date,
//    b10_failure_date, p10_p90_failure_years? [p10, p90], monte_carlo? {p10_years, p50_years,
//    p90_years}, state_at_start? {crack_m, miner_damage}, final: {crack_m, damage,
//    failure_probability},
//    series?: {t_years, crack_m, damage, failure_probability}}
QJsonArray componentsToJson(const SimulationInputs &inputs, const SimulationResult &result, qint64 startMs,
                            bool withSeries);
// {component, p50_failure_years, p50_failure_date} of the component that fails first, or
// null when none ever does.
QJsonValue worstToJson(const SimulationInputs &inputs, const SimulationResult &result, qint64 startMs);

// A duty's bins as [[load_range, revolution_cycles_per_hour, signal_cycles_per_hour], …]
// and back (the numbers read back as the same doubles, so a duty sent this way ages a
// component exactly as the original).
QJsonArray spectrumToJson(const LoadSpectrum &spectrum);
std::shared_ptr<LoadSpectrum> spectrumFromJson(const QJsonArray &bins);

// Hours on the run's clock as years (null for +∞), and as an RFC 3339 date (null for +∞ or
// past the year 9999).
QJsonValue yearsValue(double hours);
QJsonValue dateValue(qint64 startMs, double hours);
// A series as a JSON array, NaN (before a component was fitted) as null.
QJsonArray seriesArray(const std::vector<double> &values, double scale = 1.0);

} // namespace Laces::Core::Ageing
