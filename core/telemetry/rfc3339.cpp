#include "telemetry/rfc3339.h"

#include <QDateTime>

namespace Laces::Core {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(int year, int month, int day)
{
    year -= month <= 2;
    const qint64 era = (year >= 0 ? year : year - 399) / 400;
    const int yearOfEra = int(year - era * 400);
    const int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

bool digits(QByteArrayView text, qsizetype at, int count, int &out)
{
    if (at + count > text.size())
        return false;
    out = 0;
    for (int i = 0; i < count; ++i) {
        const char c = text.at(at + i);
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

} // namespace

std::optional<qint64> parseRfc3339Ms(QByteArrayView text)
{
    int year, month, day, hour, minute, second;
    if (text.size() < 20 || !digits(text, 0, 4, year) || text.at(4) != '-' || !digits(text, 5, 2, month)
        || text.at(7) != '-' || !digits(text, 8, 2, day) || !(text.at(10) == 'T' || text.at(10) == 't' || text.at(10) == ' ')
        || !digits(text, 11, 2, hour) || text.at(13) != ':' || !digits(text, 14, 2, minute) || text.at(16) != ':'
        || !digits(text, 17, 2, second))
        return std::nullopt;
    static const int monthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > monthDays[month - 1] || (month == 2 && day == 29 && !leap)
        || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    qsizetype at = 19;
    qint64 ms = 0;
    if (at < text.size() && text.at(at) == '.') {
        ++at;
        int count = 0;
        while (at < text.size() && text.at(at) >= '0' && text.at(at) <= '9') {
            if (count < 3)
                ms = ms * 10 + (text.at(at) - '0');
            ++count;
            ++at;
        }
        if (count == 0)
            return std::nullopt;
        for (int i = count; i < 3; ++i)
            ms *= 10;
    }
    qint64 offsetMinutes = 0;
    if (at < text.size() && (text.at(at) == 'Z' || text.at(at) == 'z')) {
        ++at;
    } else if (at < text.size() && (text.at(at) == '+' || text.at(at) == '-')) {
        int offsetHours, offsetMins;
        if (!digits(text, at + 1, 2, offsetHours) || at + 3 >= text.size() || text.at(at + 3) != ':'
            || !digits(text, at + 4, 2, offsetMins) || offsetHours > 23 || offsetMins > 59)
            return std::nullopt;
        offsetMinutes = (offsetHours * 60 + offsetMins) * (text.at(at) == '-' ? -1 : 1);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size())
        return std::nullopt;
    const qint64 seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + qMin(second, 59)
                           - offsetMinutes * 60;
    return seconds * 1000 + ms;
}

QString formatRfc3339Ms(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace Laces::Core
