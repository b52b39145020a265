#pragma once

// Constants of the ageing physics, pinned once: tests and code use the same digits (a
// rounded Boltzmann constant or 273 for 273.15 moves Arrhenius factors by ~0.5 %).
namespace Laces::Core::Ageing {

inline constexpr double kHoursPerYear = 8766.0;             // a Julian year, 365.25 days
inline constexpr double kBoltzmannEvPerK = 8.617333262e-5;  // CODATA 2018 (exact in the SI)
inline constexpr double kZeroCelsiusK = 273.15;

} // namespace Laces::Core::Ageing
