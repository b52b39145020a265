#include "telemetrybucket.h"

namespace Laces::Core {

QString bucketForRange(qint64 rangeMs)
{
    constexpr qint64 kMinuteMs = 60000;
    constexpr qint64 kHourMs = 60 * kMinuteMs;
    constexpr qint64 kDayMs = 24 * kHourMs;
    if (rangeMs <= 20 * kMinuteMs)
        return QStringLiteral("raw");
    if (rangeMs <= 16 * kHourMs)
        return QStringLiteral("1m");
    if (rangeMs <= 40 * kDayMs)
        return QStringLiteral("1h");
    return QStringLiteral("1d");
}

} // namespace Laces::Core
