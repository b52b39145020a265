#pragma once

#include "result.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QUuid>

#include <functional>

namespace Laces::Server {

class PgConnection;
struct Principal;
struct SampleBatch;

// How long telemetry is kept, and when raw days are compressed.
struct TelemetrySettings
{
    int rawRetentionDays = 30;            // raw rows and compressed chunks
    int minuteRollupRetentionDays = 90;
    int hourRollupRetentionDays = 1825;   // five years
    int compressAfterDays = 7;            // 0: never compress
    int maxBatchSamples = 100000;
};

// The daily range partitions of telemetry_data ("telemetry_data_pYYYYMMDD", UTC days).
// Creating one moves any rows the DEFAULT partition holds for its day into it. Which
// days exist is cached, so ingest asks the database only about new days. Thread-safe.
class TelemetryPartitions
{
public:
    // Makes sure the partitions of these days (days since 1970-01-01) exist.
    Core::Status ensureDays(PgConnection &db, const QSet<qint64> &days);
    void forget(qint64 day);
    static QByteArray tableName(qint64 day);
    static QByteArray dayStart(qint64 day);  // '2026-11-27 00:00:00+00'

private:
    Core::Status create(PgConnection &db, qint64 day);

    QMutex m_mutex;
    QSet<qint64> m_known;
};

// Stores a checked batch exactly once: in one transaction it takes the batch's (node,
// boot epoch) rows of telemetry_ingest_state FOR UPDATE, drops samples whose sequence
// numbers are already stored (or repeated in the batch), COPYs the rest in binary into
// telemetry_data, adds them to the minute and hour rollups, records their sequence numbers
// and, after COMMIT, answers per node the highest N such that every seq from 1 to N is
// stored (0 while seq 1 is not): an edge may forget everything up to it.
class TelemetryIngest
{
public:
    struct Outcome
    {
        qint64 stored = 0;
        qint64 duplicates = 0;
        QList<QPair<QUuid, qint64>> acked;  // node → highest N with 1..N all stored
    };

    explicit TelemetryIngest(TelemetryPartitions *partitions) : m_partitions(partitions) {}

    // Errors name the first offending sample (unknown node, a node the key may not write).
    Core::Result<Outcome> ingest(PgConnection &db, const Principal &principal, const SampleBatch &batch);

private:
    TelemetryPartitions *m_partitions;
};

} // namespace Laces::Server
