#pragma once

#include <QByteArray>

// Telemetry time is milliseconds since the epoch (UTC), bucketed by minute, hour and day.
namespace Laces::Server::TelemetryTime {

constexpr qint64 kMinuteMs = 60000;
constexpr qint64 kHourMs = 3600000;
constexpr qint64 kDayMs = 86400000;

// The start of the minute, hour or day holding `ms` (before 1970 too).
constexpr qint64 floorTo(qint64 ms, qint64 unitMs)
{
    return ms - ((ms % unitMs) + unitMs) % unitMs;
}

// Days since 1970-01-01 of the day holding `ms`.
constexpr qint64 dayOf(qint64 ms)
{
    return floorTo(ms, kDayMs) / kDayMs;
}

// SQL for the timestamptz `milliseconds` (a number or a bigint parameter such as
// "$2::bigint") after the epoch; exact, unlike to_timestamp(double).
inline QByteArray sqlTime(const QByteArray &milliseconds)
{
    return "(timestamptz 'epoch' + " + milliseconds + " * interval '1 millisecond')";
}

inline QByteArray sqlTime(qint64 milliseconds)
{
    return sqlTime(QByteArray::number(milliseconds));
}

} // namespace Laces::Server::TelemetryTime
