#pragma once

#include "result.h"

#include <QList>

namespace Laces::Core::Ageing {

// An S–N curve: Basquin σ_a = σ'_f·(2N_f)^b (amplitudes in MPa, N_f in cycles), with an
// optional Haibach knee at N_D cycles beyond which the slope is k' = 2k − 1 (k = −1/b; the
// FKM guideline's continuation, so that small amplitudes still do some damage) and an
// optional cut-off amplitude below which they do none.
struct SnCurve
{
    double sigmaFMPa = 0;
    double basquinB = 0;              // negative
    double kneeCycles = 0;            // 0: no knee
    double cutoffAmplitudeMPa = 0;    // 0: no cut-off

    // The amplitude at the knee (σ'_f·(2N_D)^b); 0 without a knee.
    double kneeAmplitudeMPa() const;
    // Cycles to failure at `amplitudeMPa` (+∞ at or below the cut-off, or for 0).
    double cyclesToFailure(double amplitudeMPa) const;
};

// Palmgren–Miner: the damage Σ n_i/N_i of blocks of `cycles` at `life` (any unit, the same
// within a block: cycles at cycles to failure, hours at hours to failure).
struct MinerBlock
{
    double applied = 0;
    double life = 0;
};
double minerSum(const QList<MinerBlock> &blocks);

// Least squares of log N on log σ_a over (σ_a MPa, N_f cycles) points, as Dowling's
// Example 9.1 fits: σ_a = A·N^B, and σ'_f = A·2^(−B). Needs two distinct amplitudes.
struct BasquinFit
{
    double coefficientMPa = 0;   // A
    double exponent = 0;         // B (= b)
    double sigmaFMPa = 0;        // σ'_f
};
struct SnPoint
{
    double amplitudeMPa = 0;
    double cycles = 0;
};
Core::Result<BasquinFit> fitBasquin(const QList<SnPoint> &points);

} // namespace Laces::Core::Ageing
