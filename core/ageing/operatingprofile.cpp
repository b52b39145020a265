#include "operatingprofile.h"

#include "ageingunits.h"

namespace Laces::Core::Ageing {

std::shared_ptr<const LoadSpectrum> spectrumOf(const OperatingPoint &point)
{
    return LoadSpectrum::single(point.load, point.rpm * 60.0, true);
}

std::vector<DutyInterval> segmentDuty(const QList<ProfileSegment> &segments, double fromH)
{
    std::vector<DutyInterval> duty;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        DutyInterval interval;
        interval.fromH = i == 0 ? fromH : segments[i].fromYears * kHoursPerYear;
        interval.toH = i + 1 < segments.size() ? segments[i + 1].fromYears * kHoursPerYear
                                               : std::numeric_limits<double>::infinity();
        interval.spectrum = spectrumOf(segments[i].point);
        interval.temperatureC = segments[i].point.temperatureC;
        if (interval.toH > interval.fromH)
            duty.push_back(interval);
    }
    return duty;
}

} // namespace Laces::Core::Ageing
