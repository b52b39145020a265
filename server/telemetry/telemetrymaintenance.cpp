#include "telemetrymaintenance.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "telemetry/telemetrychunk.h"
#include "telemetrymetrics.h"
#include "telemetryreader.h"
#include "telemetrystore.h"
#include "telemetrytime.h"

#include <QDate>
#include <QLoggingCategory>

#include <algorithm>
#include <numeric>

Q_LOGGING_CATEGORY(lcTelemetry, "laces.server.telemetry")

namespace Laces::Server {

using Core::Error;
using Core::TelemetryColumns;

namespace {

using TelemetryTime::dayOf;
using TelemetryTime::kDayMs;
using TelemetryTime::kHourMs;

QByteArray at(qint64 ms)
{
    return TelemetryTime::sqlTime(ms);
}

// Days that have a partition, from the catalog.
Core::Result<QList<qint64>> partitionDays(PgConnection &db)
{
    auto rows = db.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = 'telemetry_data'::regclass AND c.relname ~ '^telemetry_data_p[0-9]{8}$'");
    if (!rows)
        return rows.error();
    QList<qint64> days;
    for (int row = 0; row < rows->rowCount(); ++row) {
        const QDate date = QDate::fromString(rows->text(row, 0).mid(16), QStringLiteral("yyyyMMdd"));
        if (date.isValid())
            days.append(QDate(1970, 1, 1).daysTo(date));
    }
    std::sort(days.begin(), days.end());
    return days;
}

// Rows of both, in (time, boot epoch, seq) order.
TelemetryColumns merged(const TelemetryColumns &a, const TelemetryColumns &b)
{
    QList<QPair<int, int>> rows;  // (source, row)
    for (int i = 0; i < a.rowCount(); ++i)
        rows.append({0, i});
    for (int i = 0; i < b.rowCount(); ++i)
        rows.append({1, i});
    const auto key = [&](const QPair<int, int> &r) {
        const TelemetryColumns &c = r.first == 0 ? a : b;
        return std::tuple(c.timesMs.at(r.second), c.bootEpochs.at(r.second), c.seqs.at(r.second));
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const auto &x, const auto &y) { return key(x) < key(y); });
    TelemetryColumns out;
    QStringList names;
    for (const auto *source : {&a, &b}) {
        for (const auto &metric : source->metrics) {
            if (!names.contains(metric.name))
                names.append(metric.name);
        }
    }
    for (const QString &name : std::as_const(names))
        out.metrics.append({name, {}, {}});
    for (const auto &r : std::as_const(rows)) {
        const TelemetryColumns &c = r.first == 0 ? a : b;
        out.timesMs.append(c.timesMs.at(r.second));
        out.bootEpochs.append(c.bootEpochs.at(r.second));
        out.seqs.append(c.seqs.at(r.second));
        for (int m = 0; m < names.size(); ++m) {
            auto it = std::find_if(c.metrics.begin(), c.metrics.end(), [&](const auto &x) { return x.name == names.at(m); });
            const bool present = it != c.metrics.end() && it->present.at(r.second);
            out.metrics[m].present.append(present);
            out.metrics[m].values.append(present ? it->values.at(r.second) : 0.0);
        }
    }
    return out;
}

// Only the metrics an hour actually has go into its chunk.
void dropEmptyMetrics(TelemetryColumns &columns)
{
    columns.metrics.erase(std::remove_if(columns.metrics.begin(), columns.metrics.end(),
                                         [](const TelemetryColumns::Metric &m) { return !m.present.contains(true); }),
                          columns.metrics.end());
}

} // namespace

QString TelemetryMaintenanceReport::summary() const
{
    return QStringLiteral("partitions created %1, dropped %2; days compressed %3 (%4 rows, %5 bytes to %6); "
                          "chunks deleted %7; rollup rows deleted %8; nodes marked offline %9")
        .arg(partitionsCreated)
        .arg(partitionsDropped)
        .arg(daysCompressed)
        .arg(rowsCompressed)
        .arg(rawBytesCompressed)
        .arg(chunkBytesWritten)
        .arg(chunksDeleted)
        .arg(rollupRowsDeleted)
        .arg(nodesMarkedOffline);
}

Core::Status compressTelemetryDay(PgConnection &db, TelemetryPartitions &partitions, qint64 day,
                                  TelemetryMaintenanceReport *report)
{
    const QByteArray table = TelemetryPartitions::tableName(day);
    const qint64 dayStartMs = day * kDayMs;
    QList<int> allMetrics(TelemetryMetrics::count());
    std::iota(allMetrics.begin(), allMetrics.end(), 0);
    const QByteArray select = TelemetryReader::rawSelectSql(allMetrics);

    Transaction transaction(db);
    if (auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))"); !locked)
        return locked.error();
    // Writers of this day wait until the day is compressed (an ingest waiting for the
    // partition then fails and is retried, storing into a new partition): a sample stored
    // while the day is read would otherwise be dropped with the partition.
    auto exists = db.exec("SELECT to_regclass($1) IS NOT NULL", {table});
    if (!exists)
        return exists.error();
    const QByteArray lockTables = exists->boolean(0, 0) ? table + ", telemetry_data_default" : "telemetry_data_default";
    if (auto locked = db.exec("LOCK TABLE " + lockTables + " IN EXCLUSIVE MODE"); !locked)
        return locked.error();
    auto size = db.exec("SELECT CASE WHEN to_regclass($1) IS NULL THEN 0 ELSE pg_total_relation_size($1) END",
                        {table});
    if (!size)
        return size.error();
    auto nodes = db.exec("SELECT DISTINCT node_id FROM telemetry_data WHERE time >= " + at(dayStartMs)
                         + " AND time < " + at(dayStartMs + kDayMs));
    if (!nodes)
        return nodes.error();
    qint64 rows = 0, chunkBytes = 0;
    for (int n = 0; n < nodes->rowCount(); ++n) {
        const QByteArray node = nodes->bytes(n, 0);
        for (qint64 hour = dayStartMs; hour < dayStartMs + kDayMs; hour += kHourMs) {
            auto raw = db.exec(select + " FROM telemetry_data WHERE node_id = $1 AND time >= " + at(hour)
                                   + " AND time < " + at(hour + kHourMs) + " ORDER BY time, boot_epoch, seq",
                               {node});
            if (!raw)
                return raw.error();
            if (raw->rowCount() == 0)
                continue;
            TelemetryColumns hourColumns = TelemetryReader::columnsOf(*raw, allMetrics);
            rows += hourColumns.rowCount();
            auto existing = db.exec("SELECT payload FROM telemetry_chunks WHERE node_id = $1 AND hour = " + at(hour),
                                    {node});
            if (!existing)
                return existing.error();
            if (existing->rowCount() > 0) {
                const auto before = Core::TelemetryChunk::decode(QByteArray::fromHex(existing->bytes(0, 0).mid(2)));
                if (!before)
                    return Error::internal(QStringLiteral("a compressed telemetry chunk is damaged; not merging into it"));
                hourColumns = merged(*before, hourColumns);
            }
            dropEmptyMetrics(hourColumns);
            const QByteArray chunk = Core::TelemetryChunk::encode(hourColumns);
            chunkBytes += chunk.size();
            auto stored = db.exec(
                "INSERT INTO telemetry_chunks (node_id, hour, row_count, first_time, last_time, codec_version, payload) "
                "VALUES ($1, " + at(hour) + ", $2, " + at(hourColumns.timesMs.first()) + ", "
                    + at(hourColumns.timesMs.last()) + ", $3, decode($4, 'hex')) "
                "ON CONFLICT (node_id, hour) DO UPDATE SET row_count = excluded.row_count, "
                "first_time = excluded.first_time, last_time = excluded.last_time, "
                "codec_version = excluded.codec_version, payload = excluded.payload",
                {node, QByteArray::number(hourColumns.rowCount()), QByteArray::number(Core::TelemetryChunk::kVersion),
                 chunk.toHex()});
            if (!stored)
                return stored.error();
        }
    }
    // Emptied, not dropped: dropping also locks the parent table, which writers of other
    // days hold while they wait for this partition (a deadlock). It goes below.
    if (exists->boolean(0, 0)) {
        if (auto emptied = db.exec("TRUNCATE " + table); !emptied)
            return emptied.error();
    }
    if (auto cleared = db.exec("DELETE FROM telemetry_data_default WHERE time >= " + at(dayStartMs) + " AND time < "
                               + at(dayStartMs + kDayMs));
        !cleared)
        return cleared.error();
    if (auto recorded = db.exec(
            "INSERT INTO telemetry_compressed_days (day, rows, raw_bytes, chunk_bytes) "
            "VALUES (date '1970-01-01' + $1::int, $2, $3, $4) ON CONFLICT (day) DO UPDATE SET "
            "compressed_at = now(), rows = telemetry_compressed_days.rows + excluded.rows, "
            "raw_bytes = telemetry_compressed_days.raw_bytes + excluded.raw_bytes, chunk_bytes = excluded.chunk_bytes",
            {QByteArray::number(day), QByteArray::number(rows), size->bytes(0, 0), QByteArray::number(chunkBytes)});
        !recorded)
        return recorded.error();
    if (auto committed = transaction.commit(); !committed)
        return committed;
    if (exists->boolean(0, 0)) {
        // The parent first (as every writer locks it), then the partition, if nothing
        // arrived for the day meanwhile (that waits for the next run).
        Transaction dropping(db);
        const QByteArray steps[] = {"SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))",
                                    "LOCK TABLE telemetry_data IN SHARE ROW EXCLUSIVE MODE"};
        for (const QByteArray &step : steps) {
            if (auto done = db.exec(step); !done)
                return done.error();
        }
        auto empty = db.exec("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")");
        if (!empty)
            return empty.error();
        if (empty->boolean(0, 0)) {
            if (auto dropped = db.exec("DROP TABLE " + table); !dropped)
                return dropped.error();
        }
        if (auto committed = dropping.commit(); !committed)
            return committed;
        if (empty->boolean(0, 0))
            partitions.forget(day);
    }
    if (report) {
        ++report->daysCompressed;
        report->rowsCompressed += rows;
        report->rawBytesCompressed += size->integer(0, 0);
        report->chunkBytesWritten += chunkBytes;
    }
    return Core::Ok{};
}

Core::Result<TelemetryMaintenanceReport> runTelemetryMaintenance(PgConnection &db, TelemetryPartitions &partitions,
                                                                 const TelemetrySettings &settings, qint64 nowMs)
{
    TelemetryMaintenanceReport report;
    const qint64 today = dayOf(nowMs);
    const qint64 oldestRawDay = dayOf(nowMs - qint64(settings.rawRetentionDays) * kDayMs);

    auto before = partitionDays(db);
    if (!before)
        return before.error();
    QSet<qint64> ahead;
    for (qint64 day = std::max(today - 1, oldestRawDay); day <= today + 2; ++day)
        ahead.insert(day);
    if (auto ensured = partitions.ensureDays(db, ahead); !ensured)
        return ensured.error();
    auto after = partitionDays(db);
    if (!after)
        return after.error();
    report.partitionsCreated = int(after->size() - before->size());

    if (settings.compressAfterDays > 0) {
        const qint64 lastToCompress = today - settings.compressAfterDays - 1;
        QSet<qint64> days;
        for (qint64 day : std::as_const(*after)) {
            if (day <= lastToCompress && day >= oldestRawDay)
                days.insert(day);
        }
        auto stray = db.exec("SELECT DISTINCT (extract(epoch FROM time) * 1000)::bigint / " + QByteArray::number(kDayMs) + " FROM telemetry_data_default "
                             "WHERE time < " + at((lastToCompress + 1) * kDayMs) + " AND time >= " + at(oldestRawDay * kDayMs));
        if (!stray)
            return stray.error();
        for (int row = 0; row < stray->rowCount(); ++row)
            days.insert(stray->integer(row, 0));
        QList<qint64> ordered(days.begin(), days.end());
        std::sort(ordered.begin(), ordered.end());
        for (qint64 day : std::as_const(ordered)) {
            if (auto compressed = compressTelemetryDay(db, partitions, day, &report); !compressed)
                return compressed.error();
        }
    }

    // Retention: partitions are dropped in a short transaction of their own (dropping locks
    // the whole table), the rest is deleted in another.
    {
        Transaction dropping(db);
        if (auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))"); !locked)
            return locked.error();
        auto current = partitionDays(db);
        if (!current)
            return current.error();
        QList<qint64> dropped;
        for (qint64 day : std::as_const(*current)) {
            if (day >= oldestRawDay)
                continue;
            if (auto gone = db.exec("DROP TABLE " + TelemetryPartitions::tableName(day)); !gone)
                return gone.error();
            dropped.append(day);
        }
        if (auto committed = dropping.commit(); !committed)
            return committed.error();
        for (qint64 day : std::as_const(dropped))
            partitions.forget(day);
        report.partitionsDropped = int(dropped.size());
    }
    Transaction transaction(db);
    if (auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))"); !locked)
        return locked.error();
    const QByteArray rawCutoff = at(oldestRawDay * kDayMs);
    if (auto cleared = db.exec("DELETE FROM telemetry_data_default WHERE time < " + rawCutoff); !cleared)
        return cleared.error();
    auto chunks = db.exec("DELETE FROM telemetry_chunks WHERE hour < " + rawCutoff);
    if (!chunks)
        return chunks.error();
    report.chunksDeleted = chunks->affectedRows();
    if (auto days = db.exec("DELETE FROM telemetry_compressed_days WHERE day < date '1970-01-01' + $1::int",
                            {QByteArray::number(oldestRawDay)});
        !days)
        return days.error();
    const QPair<const char *, int> rollups[] = {{"telemetry_rollup_1m", settings.minuteRollupRetentionDays},
                                                {"telemetry_rollup_1h", settings.hourRollupRetentionDays}};
    for (const auto &[table, days] : rollups) {
        auto deleted = db.exec("DELETE FROM " + QByteArray(table) + " WHERE bucket < "
                               + at(dayOf(nowMs - qint64(days) * kDayMs) * kDayMs));
        if (!deleted)
            return deleted.error();
        report.rollupRowsDeleted += deleted->affectedRows();
    }
    // Nodes that reported and went quiet; one that never reported keeps the status it was given.
    auto offline = db.exec("UPDATE machine_nodes SET status = 'offline' WHERE status = 'online' "
                           "AND last_seen_at < " + at(nowMs - 5 * 60000));
    if (!offline)
        return offline.error();
    report.nodesMarkedOffline = int(offline->affectedRows());
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    qCInfo(lcTelemetry).noquote() << "telemetry maintenance:" << report.summary();
    return report;
}

} // namespace Laces::Server
