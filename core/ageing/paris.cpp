#include "paris.h"

#include <cmath>
#include <limits>

namespace Laces::Core::Ageing {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
// |1 − m/2| below this is treated as m = 2, whose solution is exponential.
constexpr double kExponentTwoTolerance = 1e-9;
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
    if (std::abs(q) < kExponentTwoTolerance)
        return std::log(toM / fromM) / perCycle;
    return (std::pow(toM, q) - std::pow(fromM, q)) / (perCycle * q);
}

double parisCrackAfter(double fromM, double cycles, double parisC, double parisM, double geometryY,
                       double rangeMPa)
{
    const double perCycle = parisC * std::pow(geometryY * rangeMPa * std::sqrt(M_PI), parisM);
    if (!(perCycle > 0) || cycles <= 0)
        return fromM;
    const double q = 1.0 - parisM / 2.0;
    if (std::abs(q) < kExponentTwoTolerance)
        return fromM * std::exp(perCycle * cycles);
    const double u = std::pow(fromM, q) + q * perCycle * cycles;
    if (q < 0 && u <= 0)
        return kInfinity;
    return std::pow(u, 1.0 / q);
}

} // namespace Laces::Core::Ageing
