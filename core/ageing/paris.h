#pragma once

namespace Laces::Core::Ageing {

// |1 − m/2| below this is treated as m = 2, whose solution is exponential.
constexpr double kParisExponentTwoTolerance = 1e-9;

// Paris-law crack growth, da/dN = C·ΔK^m with ΔK = Y·Δσ·√(π·a): crack lengths in m,
// stresses in MPa, ΔK and K in MPa·√m, C in m/cycle.

// ΔK of a crack of length `crackM` under the stress range `rangeMPa`.
double stressIntensityRange(double geometryY, double rangeMPa, double crackM);

// The crack length at which K_max = K_IC: a_c = (1/π)·(K_IC/(Y·σ_max))²; +∞ without load.
double criticalCrackLength(double kIcMPaSqrtM, double geometryY, double maxStressMPa);

// The crack length below which ΔK < ΔK_th under `rangeMPa` (no growth there):
// (1/π)·(ΔK_th/(Y·Δσ))²; +∞ without load.
double thresholdCrackLength(double deltaKThMPaSqrtM, double geometryY, double rangeMPa);

// Constant-amplitude cycles to grow from `fromM` to `toM` (the closed form; m = 2 has
// its own): N = (a_to^(1−m/2) − a_from^(1−m/2)) / (C·(Y·Δσ·√π)^m·(1 − m/2)). Ignores
// the threshold; 0 when toM <= fromM; +∞ without load.
double parisCycles(double fromM, double toM, double parisC, double parisM, double geometryY, double rangeMPa);

// The crack after `cycles` constant-amplitude cycles from `fromM` (the inverse of
// parisCycles; +∞ past the point where the closed form diverges).
double parisCrackAfter(double fromM, double cycles, double parisC, double parisM, double geometryY,
                       double rangeMPa);

// The closed form behind parisCrackAfter for growth in any measure t (cycles, hours):
// da/dt = rate·a^(m/2) with q = 1 − m/2 gives a(t) = (a₀^q + q·rate·t)^(1/q), and
// a₀·e^(rate·t) for m = 2; +∞ where it diverges; `fromM` when rate or t is not positive.
double parisGrowthAfter(double fromM, double rate, double amount, double q);

} // namespace Laces::Core::Ageing
