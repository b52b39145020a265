#pragma once

#include "result.h"

#include <QList>

#include <optional>

namespace Laces::Core::Anomaly {

// A robust straight-line trend value(t) = intercept + slopePerHour·t, t in hours.
struct TrendFit
{
    double slopePerHour = 0; // Theil–Sen: the median of the pairwise slopes
    double intercept = 0; // median(value − slope·t), value at t = 0
    double slopeLow = 0; // Sen (1968) confidence interval of the slope
    double slopeHigh = 0;
    int points = 0;
    double residualMad = 0; // median |r − median r| of the residuals (unscaled)
    double confidence = 0.95; // of [slopeLow, slopeHigh]
    double lastTimeHours = 0; // the latest t
    double medianTimeHours = 0; // the line's pivot for the slope bounds
};

// Theil–Sen slope over the pairs with distinct times; the interval uses Var(S) of Kendall's
// S with ties in values and in times subtracted (Gilbert 1987 §16.4–16.5), ranks
// (N ∓ z·√Var S)/2 rounded to nearest as scipy.stats.theilslopes does. Up to 2,000 points
// every pair is used; beyond, 2,000,000 pairs drawn with a fixed seed (deterministic), the
// interval's ranks taken as the same fractions of the sample. Refused (Error::invalid)
// for different lengths, non-finite numbers, fewer than 3 distinct times, or a confidence
// outside (0, 1).
Core::Result<TrendFit> fitTheilSen(
    const QList<double> &tHours, const QList<double> &values, double confidence = 0.95);

enum class LimitSide {
    Above, // failure when the value rises to the limit or beyond
    Below, // failure when it falls to the limit or below
};

// When the fitted line reaches a critical limit, counted from the latest time.
struct TimeToThreshold
{
    std::optional<double> hours; // the fitted line; 0 if already there; nullopt: never
    std::optional<double> hoursLow; // the slope bound that gets there soonest
    std::optional<double> hoursHigh; // the other bound; nullopt: it never gets there

    // P(value at t_last + horizonHours is at or beyond the limit) under a normal model
    // centred on the line, σ² = (1.4826·MAD)² + ((t − t_median)·σ_slope)², σ_slope the
    // slope interval's half-width over z. horizonHours < 0 is taken as 0.
    double probabilityWithin(double horizonHours) const;

    double limit = 0;
    LimitSide side = LimitSide::Above;
    double slopePerHour = 0;
    double valueAtMedianTime = 0;
    double medianTimeHours = 0;
    double lastTimeHours = 0;
    double residualSigma = 0;
    double slopeSigma = 0;
};

// The bounds pivot on the line's value at the median time: a slope b reaches the limit
// at t_median + (limit − value(t_median))/b. For the fitted slope that is the closed form
// (limit − intercept − slope·t_last)/slope after t_last.
TimeToThreshold timeToThreshold(
    const TrendFit &fit, double limit, LimitSide side = LimitSide::Above);

// √(vx² + vy² + vz²) in the unit of the components (e.g. mm/s).
double vibrationMagnitude(double vx, double vy, double vz);

} // namespace Laces::Core::Anomaly
