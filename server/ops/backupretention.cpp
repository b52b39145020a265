#include "backupretention.h"

#include <QSet>

#include <algorithm>
#include <functional>

namespace Laces::Server {

QList<QDateTime> BackupRetention::keep(QList<QDateTime> backups) const
{
    std::sort(backups.begin(), backups.end(), std::greater<>());
    QSet<qsizetype> kept;
    // Newest first: the first backup seen in a bucket (day, week, month) is that bucket's,
    // until `count` buckets have one.
    const auto select = [&](int count, const std::function<qint64(const QDate &)> &bucketOf) {
        qint64 last = 0;
        bool any = false;
        int buckets = 0;
        for (qsizetype i = 0; i < backups.size() && buckets < count; ++i) {
            const qint64 bucket = bucketOf(backups[i].toUTC().date());
            if (any && bucket == last)
                continue;
            kept.insert(i);
            last = bucket;
            any = true;
            ++buckets;
        }
    };
    select(daily, [](const QDate &day) { return day.toJulianDay(); });
    select(weekly, [](const QDate &day) {
        int year = 0;
        const int week = day.weekNumber(&year);
        return qint64(year) * 100 + week;
    });
    select(monthly, [](const QDate &day) { return qint64(day.year()) * 100 + day.month(); });
    QList<QDateTime> result;
    for (qsizetype i = 0; i < backups.size(); ++i)
        if (kept.contains(i))
            result.append(backups[i]);
    return result;
}

} // namespace Laces::Server
