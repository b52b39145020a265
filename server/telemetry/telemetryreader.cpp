#include "telemetryreader.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "telemetrymetrics.h"
#include "telemetrytime.h"

#include <algorithm>
#include <charconv>

namespace Laces::Server::TelemetryReader {

using Core::Error;
using Core::TelemetryColumns;

namespace {

QByteArray timeParam(qint64 ms)
{
    return QByteArray::number(ms);
}

// The time in bigint parameter $n.
QByteArray atMs(int param)
{
    return TelemetryTime::sqlTime("$" + QByteArray::number(param) + "::bigint");
}

double number(const QByteArray &text)
{
    double value = 0;
    std::from_chars(text.constData(), text.constData() + text.size(), value);
    return value;
}

// Row `row` of `columns`, appended to `out` (same metrics).
void appendRow(TelemetryColumns &out, const TelemetryColumns &columns, int row)
{
    out.timesMs.append(columns.timesMs.at(row));
    out.bootEpochs.append(columns.bootEpochs.at(row));
    out.seqs.append(columns.seqs.at(row));
    for (int m = 0; m < out.metrics.size(); ++m) {
        out.metrics[m].values.append(columns.metrics.at(m).values.at(row));
        out.metrics[m].present.append(columns.metrics.at(m).present.at(row));
    }
}

TelemetryColumns emptyColumns(const QList<int> &metrics)
{
    TelemetryColumns columns;
    for (int metric : metrics)
        columns.metrics.append({QString::fromLatin1(TelemetryMetrics::all().at(metric).name), {}, {}});
    return columns;
}

// A decoded chunk's columns, re-ordered as `metrics` (absent metrics all null).
TelemetryColumns project(const TelemetryColumns &chunk, const QList<int> &metrics)
{
    TelemetryColumns columns = emptyColumns(metrics);
    columns.timesMs = chunk.timesMs;
    columns.bootEpochs = chunk.bootEpochs;
    columns.seqs = chunk.seqs;
    for (TelemetryColumns::Metric &metric : columns.metrics) {
        auto it = std::find_if(chunk.metrics.begin(), chunk.metrics.end(),
                               [&](const TelemetryColumns::Metric &m) { return m.name == metric.name; });
        if (it != chunk.metrics.end()) {
            metric.values = it->values;
            metric.present = it->present;
        } else {
            metric.values.fill(0.0, chunk.rowCount());
            metric.present.fill(false, chunk.rowCount());
        }
    }
    return columns;
}

Position positionOf(const TelemetryColumns &columns, int row)
{
    return {columns.timesMs.at(row), columns.bootEpochs.at(row), columns.seqs.at(row)};
}

} // namespace

qint64 bucketMs(Bucket bucket)
{
    switch (bucket) {
    case Bucket::Minute: return TelemetryTime::kMinuteMs;
    case Bucket::Hour: return TelemetryTime::kHourMs;
    case Bucket::Day: return TelemetryTime::kDayMs;
    }
    return TelemetryTime::kMinuteMs;
}

QByteArray rawSelectSql(const QList<int> &metrics)
{
    QByteArray select = "SELECT (extract(epoch FROM time) * 1000)::bigint, boot_epoch, seq";
    for (int metric : metrics)
        select += ", " + QByteArray(TelemetryMetrics::all().at(metric).name);
    return select;
}

TelemetryColumns columnsOf(const PgResult &rows, const QList<int> &metrics)
{
    TelemetryColumns columns = emptyColumns(metrics);
    const int count = rows.rowCount();
    columns.timesMs.reserve(count);
    for (int row = 0; row < count; ++row) {
        columns.timesMs.append(rows.integer(row, 0));
        columns.bootEpochs.append(rows.integer(row, 1));
        columns.seqs.append(rows.integer(row, 2));
        for (int m = 0; m < metrics.size(); ++m) {
            const bool present = !rows.isNull(row, 3 + m);
            columns.metrics[m].present.append(present);
            columns.metrics[m].values.append(present ? number(rows.bytes(row, 3 + m)) : 0.0);
        }
    }
    return columns;
}

Core::Result<RawPage> readRaw(PgConnection &db, const QUuid &node, qint64 fromMs, qint64 toMs,
                              const QList<int> &metrics, std::optional<Position> after, int limit)
{
    const QByteArray select = rawSelectSql(metrics);
    const Position start = after.value_or(Position{fromMs - 1, std::numeric_limits<qint64>::max(),
                                                   std::numeric_limits<qint64>::max()});
    // Rows and chunks from one snapshot: a compression committing in between would
    // otherwise show its samples twice (or not at all).
    Transaction snapshot(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!snapshot.began())
        return snapshot.began().error();
    auto raw = db.exec(select + " FROM telemetry_data WHERE node_id = $1 AND time >= " + atMs(2) + " AND time < "
                           + atMs(3) + " AND (time, boot_epoch, seq) > (" + atMs(4) + ", $5, $6) "
                           "ORDER BY time, boot_epoch, seq LIMIT $7",
                       {uuidParam(node), timeParam(fromMs), timeParam(toMs), timeParam(start.timeMs),
                        QByteArray::number(start.bootEpoch), QByteArray::number(start.seq),
                        QByteArray::number(limit + 1)});
    if (!raw)
        return raw.error();
    const TelemetryColumns rawColumns = columnsOf(*raw, metrics);

    // Compressed hours, in order, until they alone fill the page.
    TelemetryColumns fromChunks = emptyColumns(metrics);
    qint64 hourFrom = std::max(fromMs, start.timeMs) - TelemetryTime::kHourMs;
    for (bool more = true; more;) {
        auto chunks = db.exec("SELECT (extract(epoch FROM hour) * 1000)::bigint, payload FROM telemetry_chunks "
                              "WHERE node_id = $1 AND hour > " + atMs(2) + " AND hour < " + atMs(3)
                                  + " ORDER BY hour LIMIT 24",
                              {uuidParam(node), timeParam(hourFrom), timeParam(toMs)});
        if (!chunks)
            return chunks.error();
        more = chunks->rowCount() == 24;
        for (int row = 0; row < chunks->rowCount(); ++row) {
            hourFrom = chunks->integer(row, 0);
            const QByteArray hex = chunks->bytes(row, 1);
            const auto decoded = Core::TelemetryChunk::decode(QByteArray::fromHex(hex.mid(2)));
            if (!decoded)
                return Error::internal(QStringLiteral("a compressed telemetry chunk of node %1 is damaged")
                                           .arg(node.toString(QUuid::WithoutBraces)));
            const TelemetryColumns chunk = project(*decoded, metrics);
            for (int i = 0; i < chunk.rowCount(); ++i) {
                const qint64 time = chunk.timesMs.at(i);
                if (time >= fromMs && time < toMs && start < positionOf(chunk, i))
                    appendRow(fromChunks, chunk, i);
            }
        }
        if (fromChunks.rowCount() > limit)
            more = false;
    }

    // Merge the two sorted sources.
    RawPage page;
    page.columns = emptyColumns(metrics);
    int a = 0, b = 0;
    while (page.columns.rowCount() <= limit && (a < rawColumns.rowCount() || b < fromChunks.rowCount())) {
        const bool takeRaw = b >= fromChunks.rowCount()
                             || (a < rawColumns.rowCount() && positionOf(rawColumns, a) < positionOf(fromChunks, b));
        if (takeRaw)
            appendRow(page.columns, rawColumns, a++);
        else
            appendRow(page.columns, fromChunks, b++);
    }
    if (page.columns.rowCount() > limit) {
        page.more = true;
        page.columns.timesMs.removeLast();
        page.columns.bootEpochs.removeLast();
        page.columns.seqs.removeLast();
        for (auto &metric : page.columns.metrics) {
            metric.values.removeLast();
            metric.present.removeLast();
        }
    }
    return page;
}

Core::Result<QList<Series>> readBuckets(PgConnection &db, const QUuid &organization, const QUuid &node, qint64 fromMs, qint64 toMs,
                                        const QList<int> &metrics, Bucket bucket)
{
    QStringList names;
    for (int metric : metrics)
        names.append(QString::fromLatin1(TelemetryMetrics::all().at(metric).name));
    const qint64 size = bucketMs(bucket);
    const qint64 alignedFrom = TelemetryTime::floorTo(fromMs, size);
    const QByteArray visible = " AND EXISTS (SELECT 1 FROM machine_nodes n WHERE n.id = $1 AND n.organization_id = $5)";
    const QByteArray sql =
        bucket == Bucket::Day
            ? "SELECT metric, (extract(epoch FROM date_trunc('day', bucket, 'UTC')) * 1000)::bigint AS day, "
              "sum(count), min(min), max(max), sum(sum), sum(sum_squares) FROM telemetry_rollup_1h "
              "WHERE node_id = $1 AND metric = ANY($2::text[]) AND bucket >= " + atMs(3) + " AND bucket < " + atMs(4)
                  + visible + " GROUP BY metric, day ORDER BY metric, day"
            : "SELECT metric, (extract(epoch FROM bucket) * 1000)::bigint, count, min, max, sum, sum_squares FROM "
                  + QByteArray(bucket == Bucket::Minute ? "telemetry_rollup_1m" : "telemetry_rollup_1h")
                  + " WHERE node_id = $1 AND metric = ANY($2::text[]) AND bucket >= " + atMs(3) + " AND bucket < "
                  + atMs(4) + visible + " ORDER BY metric, bucket";
    auto rows = db.exec(sql, {uuidParam(node), textArrayParam(names), timeParam(alignedFrom), timeParam(toMs),
                              uuidParam(organization)});
    if (!rows)
        return rows.error();
    QList<Series> series(metrics.size());
    for (int row = 0; row < rows->rowCount(); ++row) {
        Series &s = series[names.indexOf(rows->text(row, 0))];
        s.timesMs.append(rows->integer(row, 1));
        s.counts.append(rows->integer(row, 2));
        s.mins.append(number(rows->bytes(row, 3)));
        s.maxes.append(number(rows->bytes(row, 4)));
        s.sums.append(number(rows->bytes(row, 5)));
        s.sumSquares.append(number(rows->bytes(row, 6)));
    }
    return series;
}

} // namespace Laces::Server::TelemetryReader
