// Telemetry benchmark against a real laces-server process (its own embedded PostgreSQL):
//  1. Storage: every SKAB recording (../shared/data/telemetry/skab) replayed as telemetry of
//     its own node, twelve days ago; the day partitions' heap + indexes against the bytes of
//     the compressed chunks the maintenance writes for them.
//  2. Ingest rows/s through POST /telemetry/batch (CSV, 10,000 rows a batch, 4 concurrent
//     clients), against psql \copy of the same rows into a plain indexed table in the same
//     PostgreSQL, in the same run.
//  3. Query latency, p50/p99 over keep-alive HTTP: the 1-hour and the 1-day aggregate of one
//     node (all metrics), with the total number of raw rows stored given on the command line
//     (default 10 million; the first phase's rows count). Baseline: GET /health, same client.
// Run: build/bench/bench_telemetry [total rows, default 10000000] [rows for phase 2, default 2000000]

#include "benchsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>

#include <atomic>

#include <cstdio>

using namespace Laces::Bench;

namespace {

constexpr int kNodes = 100;
constexpr int kBatchRows = 10000;
const char *kMetricColumns = "vibration_x_g,vibration_y_g,current_a,pressure_bar,temperature_c,thermocouple_c,voltage_v,flow_lpm";

QByteArray rfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

// SKAB rows as "v1,v2,…,v8" (their own decimal text).
QList<QByteArray> skabValues(const QString &path, QList<qint64> *timesMs = nullptr)
{
    QList<QByteArray> rows;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    file.readLine();
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(';');
        if (fields.size() < 9)
            continue;
        if (timesMs)
            timesMs->append(QDateTime::fromString(QString::fromLatin1(fields[0]), QStringLiteral("yyyy-MM-dd HH:mm:ss")).toMSecsSinceEpoch());
        rows.append(fields.mid(1, 8).join(','));
    }
    return rows;
}

struct Psql
{
    QString conninfo;
    QString run(const QString &command, double *seconds = nullptr) const
    {
        QProcess psql;
        QElapsedTimer timer;
        timer.start();
        psql.start(QStringLiteral("psql"), {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("-A"),
                                             QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), conninfo,
                                             QStringLiteral("-c"), command});
        psql.waitForFinished(-1);
        if (seconds)
            *seconds = double(timer.nsecsElapsed()) / 1e9;
        if (psql.exitCode() != 0)
            std::printf("psql failed: %s\n", psql.readAllStandardError().constData());
        return QString::fromUtf8(psql.readAllStandardOutput()).trimmed();
    }
    qint64 number(const QString &sql) const { return run(sql).toLongLong(); }
};

QStringList createNodes(ServerProcess &server, const QString &prefix, int count)
{
    QStringList ids;
    for (int n = 0; n < count; ++n)
        ids.append(server.call("POST", QStringLiteral("/nodes"),
                               {{QStringLiteral("name"), QStringLiteral("%1 %2").arg(prefix).arg(n)},
                                {QStringLiteral("type"), QStringLiteral("pump")},
                                {QStringLiteral("latitude"), 50.0 + n * 0.01},
                                {QStringLiteral("longitude"), 8.0 + n * 0.01}})
                       .value(QStringLiteral("id")).toString());
    return ids;
}

// The dataset: every node samples once a second, the newest sample a minute ago; batch k is
// node k % kNodes, seconds [k / kNodes * kBatchRows, +kBatchRows) of its series.
struct Dataset
{
    QStringList nodes;
    QList<QByteArray> values;  // SKAB rows, cycled
    qint64 startMs = 0;
    qint64 perNode = 0;

    QByteArray batchRows(qint64 batch) const
    {
        const int node = int(batch % kNodes);
        const qint64 first = batch / kNodes * kBatchRows;
        QByteArray rows;
        rows.reserve(kBatchRows * 110);
        const QByteArray id = nodes.at(node).toLatin1();
        for (qint64 s = first; s < first + kBatchRows; ++s) {
            rows += id;
            rows += ',';
            rows += rfc3339(startMs + s * 1000);
            rows += ',';
            rows += QByteArray::number(s + 1);
            rows += ',';
            rows += values.at((s + node * 97) % values.size());
            rows += '\n';
        }
        return rows;
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const qint64 totalRows = arguments.size() >= 2 ? arguments.at(1).toLongLong() : 10'000'000;
    const qint64 ingestRows = std::min(totalRows, arguments.size() >= 3 ? arguments.at(2).toLongLong() : 2'000'000);
    const QString skabDir = QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab");

    ServerProcess server;
    if (!server.start(QStringLiteral(LACES_SERVER_BINARY), {QStringLiteral("--workers"), QStringLiteral("8")})) {
        std::printf("laces-server did not start\n");
        return 1;
    }
    const Psql psql{QStringLiteral("host=%1/postgres dbname=laces user=laces").arg(server.dataDir())};
    const QByteArray csvHeader = QByteArray("node_id,time,seq,") + kMetricColumns + '\n';
    const auto postCsv = [&](const QByteArray &rows) {
        return httpRequest("POST", "/telemetry/batch?boot_epoch=1", server.token(), csvHeader + rows, "text/csv");
    };

    // 1. Storage ---------------------------------------------------------------------------
    QStringList recordings;
    for (const QString &dir : QDir(skabDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        for (const QString &file : QDir(skabDir + QLatin1Char('/') + dir).entryList({QStringLiteral("*.csv")}))
            recordings.append(dir + QLatin1Char('/') + file);
    }
    const QStringList skabNodes = createNodes(server, QStringLiteral("SKAB"), int(recordings.size()));
    const qint64 dayMs = 86400000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 twelveDaysAgo = now - now % dayMs - 12 * dayMs + 3600000;
    qint64 skabRows = 0;
    QList<QByteArray> requests;
    for (int r = 0; r < recordings.size(); ++r) {
        QList<qint64> times;
        const QList<QByteArray> rows = skabValues(skabDir + QLatin1Char('/') + recordings.at(r), &times);
        QByteArray body;
        // Each recording keeps its own timing, moved to start a few hours apart.
        for (int i = 0; i < rows.size(); ++i)
            body += skabNodes.at(r).toLatin1() + ',' + rfc3339(twelveDaysAgo + r * 2 * 3600000LL + times.at(i) - times.first()) + ','
                    + QByteArray::number(i + 1) + ',' + rows.at(i) + '\n';
        skabRows += rows.size();
        requests.append(postCsv(body));
    }
    runRoundTrips(server.port(), 1, 600, [&](int, qint64 n) { return n < requests.size() ? requests.at(n) : QByteArray(); },
                  [](int, qint64, int status, const QByteArray &body) {
                      if (status != 200)
                          std::printf("SKAB batch refused: %d %s\n", status, body.constData());
                      return status == 200;
                  });
    // The raw partitions older than eight days against what compressing them adds to the
    // chunk table.
    const auto compressAndReport = [&](const QString &title, qint64 rows) {
        psql.run(QStringLiteral("VACUUM ANALYZE telemetry_data"));
        const QString older = QStringLiteral("FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                             "WHERE i.inhparent = 'telemetry_data'::regclass AND c.relname < 'telemetry_data_p%1'")
                                  .arg(QDateTime::fromMSecsSinceEpoch(now - 8 * dayMs, Qt::UTC).toString(QStringLiteral("yyyyMMdd")));
        const qint64 partitionBytes = psql.number(QStringLiteral("SELECT sum(pg_total_relation_size(c.oid)) ") + older);
        const qint64 heapBytes = psql.number(QStringLiteral("SELECT sum(pg_relation_size(c.oid)) ") + older);
        const qint64 chunksBefore = psql.number(QStringLiteral("SELECT pg_total_relation_size('telemetry_chunks')"));
        QElapsedTimer timer;
        timer.start();
        const QJsonObject report = server.call("POST", QStringLiteral("/telemetry/maintenance"));
        const double seconds = double(timer.elapsed()) / 1000;
        const qint64 chunksAfter = psql.number(QStringLiteral("SELECT pg_total_relation_size('telemetry_chunks')"));
        const qint64 payload = qint64(report.value(QStringLiteral("chunk_bytes_written")).toDouble());
        const qint64 values = rows * 8;
        std::printf("%s\n", qPrintable(title));
        std::printf("  row table (heap %lld + indexes %lld)  %11lld bytes  %6.2f bytes/value\n", heapBytes,
                    partitionBytes - heapBytes, partitionBytes, double(partitionBytes) / double(values));
        std::printf("  chunk payloads                      %11lld bytes  %6.2f bytes/value  ratio %.1f:1\n", payload,
                    double(payload) / double(values), double(partitionBytes) / double(std::max<qint64>(1, payload)));
        std::printf("  chunk table on disk (+TOAST, index)  %11lld bytes  %6.2f bytes/value  ratio %.1f:1   (goal >= 10:1, aim 12:1)\n",
                    chunksAfter - chunksBefore, double(chunksAfter - chunksBefore) / double(values),
                    double(partitionBytes) / double(std::max<qint64>(1, chunksAfter - chunksBefore)));
        std::printf("  compressed %lld rows in %d day(s), %.1f s\n", qint64(report.value(QStringLiteral("rows_compressed")).toDouble()),
                    report.value(QStringLiteral("days_compressed")).toInt(), seconds);
        std::fflush(stdout);
    };
    compressAndReport(QStringLiteral("Storage: %1 SKAB recordings, %2 rows of 8 metrics, replayed twelve days ago, then compressed")
                          .arg(recordings.size()).arg(skabRows),
                      skabRows);

    // The same signals at a fleet's scale: ten pumps for a whole day (nine days ago), once a
    // second, each replaying the anomaly-free recording from its own offset.
    {
        const QStringList pumps = createNodes(server, QStringLiteral("Day pump"), 10);
        const QList<QByteArray> rows = skabValues(skabDir + QStringLiteral("/anomaly-free/anomaly-free.csv"));
        const qint64 dayStart = now - now % dayMs - 9 * dayMs;
        QList<QByteArray> bodies;
        for (int p = 0; p < pumps.size(); ++p) {
            for (qint64 from = 0; from < 86400; from += kBatchRows) {
                QByteArray body;
                for (qint64 s = from; s < std::min<qint64>(86400, from + kBatchRows); ++s)
                    body += pumps.at(p).toLatin1() + ',' + rfc3339(dayStart + s * 1000) + ',' + QByteArray::number(s + 1) + ','
                            + rows.at((s + p * 941) % rows.size()) + '\n';
                bodies.append(postCsv(body));
            }
        }
        qint64 next = 0;
        runRoundTrips(server.port(), 4, 600, [&](int, qint64) { return next < bodies.size() ? bodies.at(next++) : QByteArray(); },
                      [](int, qint64, int status, const QByteArray &) { return status == 200; });
        compressAndReport(QStringLiteral("Storage at scale: 10 pumps, one day at 1 Hz (%1 rows of 8 metrics), SKAB values")
                              .arg(10 * 86400),
                          10 * 86400);
    }
    // 2. Ingest ----------------------------------------------------------------------------
    Dataset data;
    data.nodes = createNodes(server, QStringLiteral("Pump"), kNodes);
    data.values = skabValues(skabDir + QStringLiteral("/anomaly-free/anomaly-free.csv"));
    data.perNode = (totalRows + kNodes - 1) / kNodes;
    data.perNode = (data.perNode + kBatchRows - 1) / kBatchRows * kBatchRows;
    data.startMs = (now - 60000 - data.perNode * 1000) / 1000 * 1000;
    const qint64 ingestBatches = std::max<qint64>(1, ingestRows / kBatchRows);
    const qint64 totalBatches = data.perNode / kBatchRows * kNodes;
    if (data.perNode * 1000 > 29 * dayMs) {
        std::printf("%lld rows at one per second and node reach past the 30-day raw retention\n", totalRows);
        return 1;
    }

    std::printf("Ingest: %lld rows of 11 columns (node, time, seq, 8 metrics), %d-row CSV batches\n",
                ingestBatches * kBatchRows, kBatchRows);
    // The baseline first: the same rows with psql \copy into a plain table with the same
    // (node_id, time) index, in the same PostgreSQL.
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("rows.csv")));
        file.open(QIODevice::WriteOnly);
        for (qint64 b = 0; b < ingestBatches; ++b)
            file.write(data.batchRows(b));
        file.close();
        QByteArray columns;
        for (const QByteArray &name : QByteArray(kMetricColumns).split(','))
            columns += ", " + name + " double precision";
        psql.run(QStringLiteral("CREATE TABLE bench_copy (node_id uuid NOT NULL, time timestamptz NOT NULL, seq bigint NOT NULL%1); "
                                "CREATE INDEX ON bench_copy (node_id, time)").arg(QString::fromLatin1(columns)));
        double seconds = 0;
        psql.run(QStringLiteral("\\copy bench_copy FROM '%1' WITH (FORMAT csv)").arg(file.fileName()), &seconds);
        const qint64 copied = psql.number(QStringLiteral("SELECT count(*) FROM bench_copy"));
        const double copyRate = double(copied) / seconds;
        psql.run(QStringLiteral("DROP TABLE bench_copy"));

        for (int clients : {1, 4}) {
            // One client's run stores the first half, the other the rest: never the same rows.
            const qint64 from = clients == 1 ? 0 : ingestBatches / 4;
            const qint64 to = clients == 1 ? ingestBatches / 4 : ingestBatches;
            std::vector<QByteArray> bodies;
            for (qint64 b = from; b < to; ++b)
                bodies.push_back(postCsv(data.batchRows(b)));
            std::atomic<qint64> next{0};
            qint64 stored = 0;
            const RoundTrips run = runRoundTrips(server.port(), clients, 3600,
                [&](int, qint64) {
                    const qint64 b = next++;
                    return b < qint64(bodies.size()) ? bodies[size_t(b)] : QByteArray();
                },
                [&](int, qint64, int status, const QByteArray &body) {
                    stored += QJsonDocument::fromJson(body).object().value(QStringLiteral("stored")).toInteger();
                    if (status != 200)
                        std::printf("batch refused: %d %s\n", status, body.left(300).constData());
                    return status == 200;
                });
            std::printf("  laces-server, %d client%s  %9.0f rows/s  (%lld rows in %.2f s, %lld failed batches)\n", clients,
                        clients == 1 ? " " : "s", double(stored) / run.elapsedS, stored, run.elapsedS, run.failed);
            if (clients == 4) {
                std::printf("  psql \\copy, plain table   %9.0f rows/s  (%lld rows in %.2f s)\n", copyRate, copied, seconds);
                std::printf("  ratio laces/\\copy: %.2f   (goal >= 0.7, stretch 1.0)\n", double(stored) / run.elapsedS / copyRate);
            }
        }
    }
    std::fflush(stdout);

    // 3. Query latency ---------------------------------------------------------------------
    {
        std::vector<QByteArray> bodies;
        std::atomic<qint64> next{ingestBatches};
        QElapsedTimer fill;
        fill.start();
        runRoundTrips(server.port(), 4, 7200,
            [&](int, qint64) {
                const qint64 b = next++;
                return b < totalBatches ? postCsv(data.batchRows(b)) : QByteArray();
            },
            [&](int, qint64, int status, const QByteArray &) { return status == 200; });
        if (totalBatches > ingestBatches)
            std::printf("(filled to %lld rows in %.0f s)\n", totalBatches * kBatchRows, double(fill.elapsed()) / 1000);
    }
    // Let the writes settle (vacuum, checkpoint) so that they do not disturb the timings.
    psql.run(QStringLiteral("VACUUM ANALYZE"));
    psql.run(QStringLiteral("CHECKPOINT"));
    spin(2000);
    const qint64 stored = psql.number(QStringLiteral("SELECT sum(count) FROM telemetry_rollup_1h WHERE metric = 'current_a'"));
    std::printf("Query latency with %lld raw rows stored (%d nodes, %lld s each at 1 Hz), keep-alive HTTP, 1 client\n",
                stored, kNodes, data.perNode);
    // The three kinds of request take turns, so that whatever else the machine does
    // disturbs them alike.
    QRandomGenerator random(20261127);
    const qint64 hours = data.perNode / 3600;
    const std::function<QByteArray()> kinds[] = {
        [&] { return httpRequest("GET", "/health", {}); },
        [&] {
            const qint64 h = (data.startMs / 3600000 + 1 + random.bounded(std::max<qint64>(1, hours - 1))) * 3600000;
            return httpRequest("GET", QStringLiteral("/telemetry/%1?bucket=1h&from=%2&to=%3")
                                          .arg(data.nodes.at(random.bounded(kNodes))).arg(h).arg(h + 3600000).toLatin1(),
                               server.token());
        },
        [&] {
            const qint64 d = (data.startMs / dayMs + random.bounded(std::max<qint64>(1, data.perNode / 86400 + 1))) * dayMs;
            return httpRequest("GET", QStringLiteral("/telemetry/%1?bucket=1d&from=%2&to=%3")
                                          .arg(data.nodes.at(random.bounded(kNodes))).arg(d).arg(d + dayMs).toLatin1(),
                               server.token());
        },
    };
    const char *names[] = {"GET /health (baseline)", "1-hour aggregate, one node", "1-day aggregate, one node"};
    std::vector<double> latencies[3];
    double sentUs = 0;
    constexpr int kRounds = 1000, kWarmUp = 20;
    runRoundTrips(server.port(), 1, 600,
        [&](int, qint64 n) {
            if (n >= 3 * (kRounds + kWarmUp))
                return QByteArray();
            sentUs = nowUs();
            return kinds[n % 3]();
        },
        [&](int, qint64 n, int status, const QByteArray &body) {
            if (n >= 3 * kWarmUp)
                latencies[n % 3].push_back((nowUs() - sentUs) / 1000.0);
            if (status != 200)
                std::printf("%s failed: %d %s\n", names[n % 3], status, body.left(200).constData());
            return status == 200;
        });
    for (int kind = 0; kind < 3; ++kind)
        std::printf("  %-34s p50 %6.3f ms   p99 %6.3f ms\n", names[kind], percentile(latencies[kind], 0.5),
                    percentile(latencies[kind], 0.99));
    std::printf("  p50 ratios to /health: hour %.2f, day %.2f   (goal: 1-hour aggregate < 2 ms)\n",
                percentile(latencies[1], 0.5) / percentile(latencies[0], 0.5),
                percentile(latencies[2], 0.5) / percentile(latencies[0], 0.5));
    return 0;
}
