#pragma once

#include <QDateTime>
#include <QList>

namespace Laces::Server {

// Which backups a rotation keeps: the newest of each of the last `daily` days, `weekly`
// ISO weeks and `monthly` months that have a backup (all in UTC), as restic's
// `forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12` counts them. The product
// brief's policy is 7 / 4 / 12.
struct BackupRetention
{
    int daily = 7;
    int weekly = 4;
    int monthly = 12;

    // The times to keep, newest first; every other one may be deleted.
    QList<QDateTime> keep(QList<QDateTime> backups) const;
};

} // namespace Laces::Server
