#include "paris.h"

#include <cmath>
#include <limits>

namespace Laces::Core::Ageing {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
} // namespace

double stressIntensityRange(double geometryY, double rangeMPa, double crackM)
{
    return geometryY * rangeMPa * std::sqrt(M_PI * crackM);
}

double criticalCrackLength(double kIcMPaSqrtM, double geometryY, double maxStressMPa)
{
    if (maxStressMPa <= 0)
        return kInfinity;
    const double ratio = kIcMPaSqrtM / (geometryY * maxStressMPa);
    return ratio * ratio / M_PI;
}

double thresholdCrackLength(double deltaKThMPaSqrtM, double geometryY, double rangeMPa)
{
    return criticalCrackLength(deltaKThMPaSqrtM, geometryY, rangeMPa);
}

double parisCycles(double fromM, double toM, double parisC, double parisM, double geometryY, double rangeMPa)
{
    if (toM <= fromM)
        return 0;
    const double perCycle = parisC * std::pow(geometryY * rangeMPa * std::sqrt(M_PI), parisM);
    if (!(perCycle > 0))
        return kInfinity;
    const double q = 1.0 - parisM / 2.0;
    if (std::abs(q) < kParisExponentTwoTolerance)
        return std::log(toM / fromM) / perCycle;
    return (std::pow(toM, q) - std::pow(fromM, q)) / (perCycle * q);
}

double parisCrackAfter(double fromM, double cycles, double parisC, double parisM, double geometryY,
                       double rangeMPa)
{
    const double perCycle = parisC * std::pow(geometryY * rangeMPa * std::sqrt(M_PI), parisM);
    return parisGrowthAfter(fromM, perCycle, cycles, 1.0 - parisM / 2.0);
}

double parisGrowthAfter(double fromM, double rate, double amount, double q)
{
    if (!(rate > 0) || amount <= 0)
        return fromM;
    if (std::abs(q) < kParisExponentTwoTolerance)
        return fromM * std::exp(rate * amount);
    const double u = std::pow(fromM, q) + q * rate * amount;
    if (q < 0 && u <= 0)
        return kInfinity;
    return std::pow(u, 1.0 / q);
}

} // namespace Laces::Core::Ageing
