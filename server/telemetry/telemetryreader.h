#pragma once

#include "result.h"
#include "telemetry/telemetrychunk.h"

#include <QList>
#include <QUuid>

#include <optional>

namespace Laces::Server {

class PgConnection;
class PgResult;

// Reads one node's telemetry back: raw samples from the row table and the compressed
// chunks together (a reader cannot tell where a sample lives), and rollup buckets.
namespace TelemetryReader {

// Where a page of raw samples ends: the next page starts after this sample.
struct Position
{
    qint64 timeMs = 0;
    qint64 bootEpoch = 0;
    qint64 seq = 0;

    bool operator<(const Position &other) const
    {
        return std::tie(timeMs, bootEpoch, seq) < std::tie(other.timeMs, other.bootEpoch, other.seq);
    }
};

// Samples with fromMs <= time < toMs (after `after`, if given), in (time, boot epoch, seq)
// order, at most `limit`; `more` tells whether others follow. The columns are `metrics`
// (TelemetryMetrics indexes), in that order.
struct RawPage
{
    Core::TelemetryColumns columns;
    bool more = false;
};
Core::Result<RawPage> readRaw(PgConnection &db, const QUuid &node, qint64 fromMs, qint64 toMs,
                              const QList<int> &metrics, std::optional<Position> after, int limit);

enum class Bucket { Minute, Hour, Day };
qint64 bucketMs(Bucket bucket);

struct Series
{
    QList<qint64> timesMs;
    QList<qint64> counts;
    QList<double> mins, maxes, sums, sumSquares;
};
// Buckets overlapping [fromMs, toMs), from the rollups (days from the hour rollup), if the
// node is the organization's (else empty series: one statement serves both).
Core::Result<QList<Series>> readBuckets(PgConnection &db, const QUuid &organization, const QUuid &node, qint64 fromMs, qint64 toMs,
                                        const QList<int> &metrics, Bucket bucket);

// "SELECT <time ms>, boot_epoch, seq, <metrics…>" over telemetry_data: the columns that
// columnsOf() reads.
QByteArray rawSelectSql(const QList<int> &metrics);

// The chunk columns for a raw-table result (as the compression job writes them).
Core::TelemetryColumns columnsOf(const PgResult &rows, const QList<int> &metrics);

} // namespace TelemetryReader

} // namespace Laces::Server
