#pragma once

#include "loadspectrum.h"

#include <QList>

#include <limits>
#include <memory>
#include <vector>

namespace Laces::Core::Ageing {

// How a machine runs: speed, load (a fraction of rated load, 0–2) and temperature.
struct OperatingPoint
{
    double rpm = 0;
    double load = 0;
    double temperatureC = 20;
};

// A what-if: from `fromYears` on (the run's start is 0), the machine runs at `point`.
struct ProfileSegment
{
    double fromYears = 0;
    OperatingPoint point;
};

// A stretch of the run's timeline (hours from its start; negative in the measured past)
// with one load spectrum and temperature. The last interval of a duty lasts forever
// (toH = +∞): the future goes on as it ends.
struct DutyInterval
{
    double fromH = 0;
    double toH = std::numeric_limits<double>::infinity();
    std::shared_ptr<const LoadSpectrum> spectrum;
    double temperatureC = 20;
};

// One per-revolution bin: a cycle of range `load` each revolution, rpm·60 an hour.
std::shared_ptr<const LoadSpectrum> spectrumOf(const OperatingPoint &point);

// The intervals of a list of segments (ascending, the first from 0), from `fromH` on.
std::vector<DutyInterval> segmentDuty(const QList<ProfileSegment> &segments, double fromH = 0);

} // namespace Laces::Core::Ageing
