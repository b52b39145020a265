#pragma once

namespace Laces::Core::Ageing {

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

} // namespace Laces::Core::Ageing
