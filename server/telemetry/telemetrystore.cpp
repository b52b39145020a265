#include "telemetrystore.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "samplebatch.h"
#include "telemetrymetrics.h"
#include "telemetrytime.h"
#include "ws/eventbus.h"

#include <QDate>
#include <QHash>
#include <QMutexLocker>
#include <QtEndian>

#include <algorithm>
#include <map>

namespace Laces::Server {

using Core::Error;

namespace {

constexpr qint64 kPostgresEpochMs = 946684800000;  // 2000-01-01T00:00:00Z

// Binary COPY (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4).
class CopyWriter
{
public:
    explicit CopyWriter(qsizetype rows)
    {
        m_data.reserve(19 + rows * (2 + 16 * 4 + 16 + 3 * 8 + TelemetryMetrics::count() * 8) + 2);
        m_data.append("PGCOPY\n\377\r\n\0", 11);
        int32(0);  // flags
        int32(0);  // header extension
    }
    void beginRow(int fields) { int16(qint16(fields)); }
    // A uuid field: its 16 bytes (QUuid::toRfc4122()).
    void uuid(const QByteArray &rfc4122)
    {
        int32(16);
        m_data.append(rfc4122);
    }
    void int64(qint64 value)
    {
        int32(8);
        raw64(quint64(value));
    }
    void float64(double value)
    {
        quint64 bits;
        std::memcpy(&bits, &value, sizeof bits);
        int32(8);
        raw64(bits);
    }
    void null() { int32(-1); }
    QByteArray finish()
    {
        int16(-1);
        return std::move(m_data);
    }

private:
    void int16(qint16 value)
    {
        const qint16 big = qToBigEndian(value);
        m_data.append(reinterpret_cast<const char *>(&big), 2);
    }
    void int32(qint32 value)
    {
        const qint32 big = qToBigEndian(value);
        m_data.append(reinterpret_cast<const char *>(&big), 4);
    }
    void raw64(quint64 value)
    {
        const quint64 big = qToBigEndian(value);
        m_data.append(reinterpret_cast<const char *>(&big), 8);
    }

    QByteArray m_data;
};

// "{[1,101),[150,201)}" → runs [first, last], in order.
QList<QPair<qint64, qint64>> parseMultirange(const QByteArray &text)
{
    QList<QPair<qint64, qint64>> runs;
    qsizetype at = 0;
    while ((at = text.indexOf('[', at)) >= 0) {
        const qsizetype comma = text.indexOf(',', at);
        const qsizetype close = text.indexOf(')', comma);
        if (comma < 0 || close < 0)
            break;
        runs.append({text.mid(at + 1, comma - at - 1).toLongLong(), text.mid(comma + 1, close - comma - 1).toLongLong() - 1});
        at = close;
    }
    return runs;
}

bool inRuns(const QList<QPair<qint64, qint64>> &runs, qint64 seq)
{
    auto it = std::upper_bound(runs.begin(), runs.end(), seq,
                               [](qint64 value, const QPair<qint64, qint64> &run) { return value < run.first; });
    return it != runs.begin() && std::prev(it)->second >= seq;
}

struct Aggregate
{
    qint64 count = 0;
    double min = 0, max = 0, sum = 0, sumSquares = 0;

    void add(double value)
    {
        if (count == 0 || value < min)
            min = value;
        if (count == 0 || value > max)
            max = value;
        ++count;
        sum += value;
        sumSquares += value * value;
    }
};

// Rollup rows keyed by (node, metric, bucket start): ordered, so concurrent batches lock
// rollup rows in one order.
using RollupKey = std::tuple<QUuid, int, qint64>;

Core::Status upsertRollups(PgConnection &db, const char *table, const std::map<RollupKey, Aggregate> &rollups)
{
    if (rollups.empty())
        return Core::Ok{};
    QList<QUuid> nodes;
    QStringList metrics;
    QList<qint64> buckets, counts;
    QList<double> mins, maxes, sums, squares;
    for (const auto &[key, aggregate] : rollups) {
        nodes.append(std::get<0>(key));
        metrics.append(QString::fromLatin1(TelemetryMetrics::all().at(std::get<1>(key)).name));
        buckets.append(std::get<2>(key));
        counts.append(aggregate.count);
        mins.append(aggregate.min);
        maxes.append(aggregate.max);
        sums.append(aggregate.sum);
        squares.append(aggregate.sumSquares);
    }
    const QByteArray name(table);
    auto upserted = db.exec(
        "INSERT INTO " + name + " AS r (node_id, metric, bucket, count, min, max, sum, sum_squares) "
        "SELECT n, m, " + TelemetryTime::sqlTime("b") + ", c, lo, hi, s, sq "
        "FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], "
        "            $8::float8[]) AS u(n, m, b, c, lo, hi, s, sq) "
        "ON CONFLICT (node_id, metric, bucket) DO UPDATE SET count = r.count + excluded.count, "
        "min = least(r.min, excluded.min), max = greatest(r.max, excluded.max), sum = r.sum + excluded.sum, "
        "sum_squares = r.sum_squares + excluded.sum_squares",
        {uuidArrayParam(nodes), textArrayParam(metrics), integerArrayParam(buckets), integerArrayParam(counts),
         realArrayParam(mins), realArrayParam(maxes), realArrayParam(sums), realArrayParam(squares)});
    if (!upserted)
        return upserted.error();
    return Core::Ok{};
}

} // namespace

// Partitions ------------------------------------------------------------------------------

QByteArray TelemetryPartitions::tableName(qint64 day)
{
    return "telemetry_data_p" + QDate(1970, 1, 1).addDays(day).toString(QStringLiteral("yyyyMMdd")).toLatin1();
}

QByteArray TelemetryPartitions::dayStart(qint64 day)
{
    return QDate(1970, 1, 1).addDays(day).toString(Qt::ISODate).toLatin1() + " 00:00:00+00";
}

Core::Status TelemetryPartitions::ensureDays(PgConnection &db, const QSet<qint64> &days)
{
    QList<qint64> missing;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 day : days) {
            if (!m_known.contains(day))
                missing.append(day);
        }
    }
    std::sort(missing.begin(), missing.end());
    for (qint64 day : std::as_const(missing)) {
        if (auto created = create(db, day); !created)
            return created;
        QMutexLocker lock(&m_mutex);
        m_known.insert(day);
    }
    return Core::Ok{};
}

void TelemetryPartitions::forget(qint64 day)
{
    QMutexLocker lock(&m_mutex);
    m_known.remove(day);
}

Core::Status TelemetryPartitions::create(PgConnection &db, qint64 day)
{
    const QByteArray table = tableName(day);
    const QByteArray from = dayStart(day);
    const QByteArray to = dayStart(day + 1);
    Transaction transaction(db);
    // One creator at a time, across instances.
    if (auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))"); !locked)
        return locked.error();
    auto exists = db.exec("SELECT to_regclass($1) IS NOT NULL, "
                          "EXISTS (SELECT 1 FROM telemetry_data_default WHERE time >= $2 AND time < $3)",
                          {table, from, to});
    if (!exists)
        return exists.error();
    if (exists->boolean(0, 0))
        return Core::Ok{};
    const QByteArray bounds = " FOR VALUES FROM ('" + from + "') TO ('" + to + "')";
    if (!exists->boolean(0, 1)) {
        if (auto created = db.exec("CREATE TABLE " + table + " PARTITION OF telemetry_data" + bounds); !created)
            return created.error();
    } else {
        // Rows that arrived while the day had no partition move out of DEFAULT first:
        // attaching the day's partition would otherwise be refused.
        const QByteArray steps[] = {
            "CREATE TABLE " + table + " (LIKE telemetry_data INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
            "WITH moved AS (DELETE FROM telemetry_data_default WHERE time >= '" + from + "' AND time < '" + to
                + "' RETURNING *) INSERT INTO " + table + " SELECT * FROM moved",
            "ALTER TABLE telemetry_data ATTACH PARTITION " + table + bounds,
        };
        for (const QByteArray &step : steps) {
            if (auto done = db.exec(step); !done)
                return done.error();
        }
    }
    return transaction.commit();
}

// Ingest ----------------------------------------------------------------------------------

Core::Result<TelemetryIngest::Outcome> TelemetryIngest::ingest(PgConnection &db, const Principal &principal,
                                                               const SampleBatch &batch)
{
    Outcome outcome;
    if (batch.size() == 0)
        return outcome;
    const int metricCount = TelemetryMetrics::count();

    // The nodes must be the organization's, and a key's own.
    for (int sample = 0; sample < batch.size(); ++sample) {
        if (!principal.nodeId.isNull() && batch.nodes.at(batch.nodeOf.at(sample)) != principal.nodeId)
            return Error::forbidden(QStringLiteral("%1: this API key may only ingest for node %2")
                                        .arg(batch.label(sample), principal.nodeId.toString(QUuid::WithoutBraces)));
    }
    QSet<qint64> days;
    for (qint64 time : batch.timesMs)
        days.insert(TelemetryTime::dayOf(time));
    if (auto ensured = m_partitions->ensureDays(db, days); !ensured)
        return ensured.error();

    QList<QUuid> nodes = batch.nodes;
    std::sort(nodes.begin(), nodes.end());
    Transaction transaction(db);
    if (!transaction.began())
        return transaction.began().error();
    // The nodes must be the organization's; their rows stay locked (in one order) so that
    // a node is not deleted under its samples, and last_seen_at can be set below.
    auto known = db.exec("SELECT id FROM machine_nodes WHERE organization_id = $1 AND id = ANY($2::uuid[]) "
                         "ORDER BY id FOR NO KEY UPDATE",
                         {uuidParam(principal.organizationId), uuidArrayParam(nodes)});
    if (!known)
        return known.error();
    QSet<QUuid> found;
    for (int row = 0; row < known->rowCount(); ++row)
        found.insert(QUuid::fromString(known->text(row, 0)));
    for (int sample = 0; sample < batch.size(); ++sample) {
        const QUuid &node = batch.nodes.at(batch.nodeOf.at(sample));
        if (!found.contains(node))
            return Error::invalid(QStringLiteral("%1: unknown node %2").arg(batch.label(sample), node.toString(QUuid::WithoutBraces)),
                                  batch.label(sample) + QStringLiteral(".node_id"));
    }
    const QByteArray epoch = pgParam(batch.bootEpoch);
    // Node order, so concurrent batches lock their state rows in one order.
    if (auto inserted = db.exec("INSERT INTO telemetry_ingest_state (node_id, boot_epoch, acked_seq) "
                                "SELECT n, $2, 0 FROM unnest($1::uuid[]) AS n ORDER BY n ON CONFLICT DO NOTHING",
                                {uuidArrayParam(nodes), epoch});
        !inserted)
        return inserted.error();
    auto state = db.exec("SELECT node_id, stored_seqs FROM telemetry_ingest_state "
                         "WHERE boot_epoch = $2 AND node_id = ANY($1::uuid[]) ORDER BY node_id FOR UPDATE",
                         {uuidArrayParam(nodes), epoch});
    if (!state)
        return state.error();
    QList<QList<QPair<qint64, qint64>>> stored(batch.nodes.size());
    for (int row = 0; row < state->rowCount(); ++row)
        stored[batch.nodes.indexOf(QUuid::fromString(state->text(row, 0)))] = parseMultirange(state->bytes(row, 1));

    // Keep each sequence number's first sample, unless it is stored already.
    QList<int> order(batch.size());
    for (int i = 0; i < batch.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return std::pair(batch.nodeOf.at(a), batch.seqs.at(a)) < std::pair(batch.nodeOf.at(b), batch.seqs.at(b));
    });
    QList<int> kept;
    kept.reserve(batch.size());
    QList<QList<QPair<qint64, qint64>>> newRuns(batch.nodes.size());
    for (int i = 0; i < order.size(); ++i) {
        const int sample = order.at(i);
        const int node = batch.nodeOf.at(sample);
        const qint64 seq = batch.seqs.at(sample);
        const bool repeated = i > 0 && batch.nodeOf.at(order.at(i - 1)) == node && batch.seqs.at(order.at(i - 1)) == seq;
        if (repeated || inRuns(stored.at(node), seq)) {
            ++outcome.duplicates;
            continue;
        }
        kept.append(sample);
        auto &runs = newRuns[node];
        if (!runs.isEmpty() && runs.last().second + 1 == seq)
            runs.last().second = seq;
        else
            runs.append({seq, seq});
    }
    std::sort(kept.begin(), kept.end());

    std::map<RollupKey, Aggregate> minutes, hours;
    QHash<int, int> latest;  // node → its latest kept sample
    if (!kept.isEmpty()) {
        CopyWriter copy(kept.size());
        QList<QByteArray> nodeBytes;
        for (const QUuid &id : batch.nodes)
            nodeBytes.append(id.toRfc4122());
        // Samples come in runs of one node and minute: each metric's current buckets are
        // kept at hand, and the maps are searched only when a run ends.
        struct Current
        {
            int node = -1;
            qint64 minute = 0, hour = 0;
            Aggregate *inMinute = nullptr, *inHour = nullptr;
        };
        QList<Current> current(metricCount);
        for (int sample : std::as_const(kept)) {
            const int node = batch.nodeOf.at(sample);
            const QUuid &nodeId = batch.nodes.at(node);
            const qint64 timeMs = batch.timesMs.at(sample);
            copy.beginRow(4 + metricCount);
            copy.uuid(nodeBytes.at(node));
            copy.int64((timeMs - kPostgresEpochMs) * 1000);
            copy.int64(batch.bootEpoch);
            copy.int64(batch.seqs.at(sample));
            const qint64 minute = TelemetryTime::floorTo(timeMs, TelemetryTime::kMinuteMs);
            const qint64 hour = TelemetryTime::floorTo(timeMs, TelemetryTime::kHourMs);
            for (int metric = 0; metric < metricCount; ++metric) {
                if (!batch.has(sample, metric)) {
                    copy.null();
                    continue;
                }
                const double value = batch.value(sample, metric);
                copy.float64(value);
                Current &at = current[metric];
                if (at.node != node || at.minute != minute) {
                    at.inMinute = &minutes[{nodeId, metric, minute}];
                    if (at.node != node || at.hour != hour)
                        at.inHour = &hours[{nodeId, metric, hour}];
                    at.node = node;
                    at.minute = minute;
                    at.hour = hour;
                }
                at.inMinute->add(value);
                at.inHour->add(value);
            }
            auto last = latest.find(node);
            if (last == latest.end() || batch.timesMs.at(*last) <= timeMs)
                latest.insert(node, sample);
        }
        QByteArray columns = "node_id, time, boot_epoch, seq";
        for (const TelemetryMetrics::Metric &metric : TelemetryMetrics::all())
            columns += ", " + QByteArray(metric.name);
        auto copied = db.copyIn("COPY telemetry_data (" + columns + ") FROM STDIN (FORMAT binary)", copy.finish());
        if (!copied)
            return copied.error();
        outcome.stored = *copied;
        if (auto ok = upsertRollups(db, "telemetry_rollup_1m", minutes); !ok)
            return ok.error();
        if (auto ok = upsertRollups(db, "telemetry_rollup_1h", hours); !ok)
            return ok.error();
    }

    for (const QUuid &nodeId : std::as_const(nodes)) {
        const int node = int(batch.nodes.indexOf(nodeId));
        const auto &runs = newRuns.at(node);
        if (runs.isEmpty()) {
            const auto &have = stored.at(node);
            outcome.acked.append({nodeId, !have.isEmpty() && have.first().first <= 1 ? have.first().second : 0});
            continue;
        }
        QByteArrayList ranges;
        for (const auto &run : runs)
            ranges.append("[" + QByteArray::number(run.first) + "," + QByteArray::number(run.second) + "]");
        auto updated = db.exec(
            "UPDATE telemetry_ingest_state s SET stored_seqs = s.stored_seqs + $3::int8multirange, "
            "acked_seq = (SELECT CASE WHEN lower(r) <= 1 THEN upper(r) - 1 ELSE 0 END "
            "             FROM unnest(s.stored_seqs + $3::int8multirange) AS r LIMIT 1), "
            "updated_at = now() WHERE node_id = $1 AND boot_epoch = $2 RETURNING acked_seq",
            {uuidParam(nodeId), epoch, "{" + ranges.join(',') + "}"});
        if (!updated)
            return updated.error();
        if (updated->rowCount() != 1)
            return Error::internal(QStringLiteral("the ingest state of node %1 went missing").arg(nodeId.toString(QUuid::WithoutBraces)));
        outcome.acked.append({nodeId, updated->integer(0, 0)});

        // The node's newest sample, for live dashboards on every instance.
        const int sample = latest.value(node);
        QJsonObject metrics;
        for (int metric = 0; metric < metricCount; ++metric) {
            if (batch.has(sample, metric))
                metrics.insert(QString::fromLatin1(TelemetryMetrics::all().at(metric).name), batch.value(sample, metric));
        }
        EventBus::publish(db, {{QStringLiteral("type"), QStringLiteral("telemetry")},
                               {QStringLiteral("organization_id"), principal.organizationId.toString(QUuid::WithoutBraces)},
                               {QStringLiteral("node_id"), nodeId.toString(QUuid::WithoutBraces)},
                               {QStringLiteral("time"), formatRfc3339Ms(batch.timesMs.at(sample))},
                               {QStringLiteral("metrics"), metrics}});
    }
    if (auto seen = db.exec("UPDATE machine_nodes SET last_seen_at = now(), "
                            "status = CASE WHEN status = 'offline' THEN 'online' ELSE status END "
                            "WHERE id = ANY($1::uuid[])",
                            {uuidArrayParam(nodes)});
        !seen)
        return seen.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return outcome;
}

} // namespace Laces::Server
