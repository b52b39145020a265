// bench_edge: the edge agent's figures, each next to a baseline run in this process.
//   buffer:  samples/s committed by EdgeBuffer in the agent's batches (5,000 a transaction,
//            WAL, synchronous=FULL) against plain QtSql inserts of the same rows in one
//            transaction; then laces-edge itself fed JSON lines on stdin (parse + commit),
//            with the CPU it used
//   upload:  rows/s laces-edge delivers from a full buffer to a local laces-server against
//            the server's own CSV ingest of the same rows posted directly
//   rss:     laces-edge at rest, and with a full 256 MB buffer under drop-oldest
//   control: sample arrival → command issued (the agent's own measure) for an MQTT rule,
//            and the round trip through the broker, against the broker's bare round trip
// Usage: bench_edge [--samples N] [--skip-rss]

#include "benchsupport.h"
#include "edgebuffer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <mosquitto.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>

using namespace Laces;
using namespace Laces::Bench;

namespace {

QList<Edge::Sample> makeSamples(int count, qint64 t0)
{
    QList<Edge::Sample> samples;
    samples.reserve(count);
    for (int i = 0; i < count; ++i) {
        Edge::Sample sample;
        sample.timeMs = t0 + i * 10;
        // temperature_c, vibration_x_g, pressure_bar, flow_lpm, as a pump reports them
        sample.values = {{2, 0.8 + 0.001 * (i % 97)}, {5, 60 + 0.01 * (i % 1000)}, {8, 4.2 + 0.0001 * (i % 503)},
                         {9, 120 + 0.01 * (i % 311)}};
        samples.append(sample);
    }
    return samples;
}

QByteArray jsonLines(const QList<Edge::Sample> &samples)
{
    QByteArray out;
    out.reserve(samples.size() * 110);
    for (const Edge::Sample &s : samples)
        out += "{\"time\":" + QByteArray::number(s.timeMs) + ",\"vibration_x_g\":" + QByteArray::number(s.values[0].second)
               + ",\"temperature_c\":" + QByteArray::number(s.values[1].second) + ",\"pressure_bar\":"
               + QByteArray::number(s.values[2].second) + ",\"flow_lpm\":" + QByteArray::number(s.values[3].second) + "}\n";
    return out;
}

qint64 statusNumber(const QString &buffer, const char *key)
{
    QProcess status;
    status.start(QStringLiteral(LACES_EDGE_BINARY), {QStringLiteral("status"), QStringLiteral("--buffer"), buffer});
    status.waitForFinished(20000);
    return QJsonDocument::fromJson(status.readAllStandardOutput()).object().value(QLatin1String(key)).toInteger(-1);
}

qint64 procField(qint64 pid, const char *field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(strlen(field))).trimmed().split(' ').first().toLongLong();  // kB
    }
    return -1;
}

double cpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

QStringList edgeArgs(quint16 serverPort, const QString &node, const QString &keyFile, const QString &buffer)
{
    return {QStringLiteral("run"),        QStringLiteral("--server"),  QStringLiteral("http://127.0.0.1:%1").arg(serverPort),
            QStringLiteral("--node"),     node,                        QStringLiteral("--key-file"),
            keyFile,                      QStringLiteral("--buffer"),  buffer,
            QStringLiteral("--model"),    QStringLiteral("false"),     QStringLiteral("--batch-s"),
            QStringLiteral("0.1"),        QStringLiteral("--max-batch-s"), QStringLiteral("1")};
}

struct Node
{
    QString id, keyFile;
};

Node createNode(ServerProcess &server, const QString &name, const QString &dir)
{
    Node node;
    node.id = server.call("POST", QStringLiteral("/nodes"),
                          {{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("pump")},
                           {QStringLiteral("latitude"), 48.1}, {QStringLiteral("longitude"), 11.6}})
                  .value(QStringLiteral("id")).toString();
    const QString key = server.call("POST", QStringLiteral("/nodes/%1/api-keys").arg(node.id), {{QStringLiteral("name"), QStringLiteral("bench")}})
                            .value(QStringLiteral("key")).toString();
    node.keyFile = dir + QLatin1Char('/') + name + QStringLiteral(".key");
    QFile file(node.keyFile);
    file.open(QIODevice::WriteOnly);
    file.write(key.toLatin1());
    return node;
}

void benchBuffer(const QString &dir, int count)
{
    const QList<Edge::Sample> samples = makeSamples(count, QDateTime::currentMSecsSinceEpoch() - 3600000);
    // The agent's path: EdgeBuffer::append in its batches of 5,000, one fsync each.
    Edge::EdgeBuffer buffer;
    if (!buffer.open(dir + QStringLiteral("/buffer.db"))) {
        std::printf("buffer: cannot open\n");
        return;
    }
    (void)buffer.startEpoch(1);
    buffer.setLimit(qint64(4) << 30, true);
    QElapsedTimer timer;
    timer.start();
    for (int from = 0; from < count; from += 5000) {
        Edge::EdgeBuffer::Append append;
        append.samples = samples.mid(from, 5000);
        if (!buffer.append(append)) {
            std::printf("buffer: append failed\n");
            return;
        }
    }
    const double agentS = double(timer.nsecsElapsed()) / 1e9;

    // Baseline: the same rows in one transaction of plain prepared inserts.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("baseline"));
    db.setDatabaseName(dir + QStringLiteral("/plain.db"));
    db.open();
    QSqlQuery setup(db);
    setup.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    setup.exec(QStringLiteral("PRAGMA synchronous=FULL"));
    setup.exec(QStringLiteral("CREATE TABLE samples (id INTEGER PRIMARY KEY, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, "
                              "time_ms INTEGER NOT NULL, vals TEXT NOT NULL)"));
    timer.restart();
    db.transaction();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO samples (epoch, seq, time_ms, vals) VALUES (?, ?, ?, ?)"));
    for (int i = 0; i < count; ++i) {
        insert.bindValue(0, 1);
        insert.bindValue(1, i + 1);
        insert.bindValue(2, samples.at(i).timeMs);
        insert.bindValue(3, QString::fromLatin1(Edge::encodeValues(samples.at(i).values)));
        insert.exec();
    }
    db.commit();
    const double plainS = double(timer.nsecsElapsed()) / 1e9;
    std::printf("buffer: samples=%d agent_batches_per_s=%.0f plain_one_transaction_per_s=%.0f ratio=%.2f commits=%d goal_per_s=50000\n",
                count, count / agentS, count / plainS, plainS / agentS, (count + 4999) / 5000);
    std::fflush(stdout);
}

void benchAgentIntake(const QString &dir, int count, qint64 *idleRssKb)
{
    // laces-edge itself: JSON lines on stdin, parsed, checked, committed; no server there.
    QFile key(dir + QStringLiteral("/none.key"));
    key.open(QIODevice::WriteOnly);
    key.write("lk_none_none");
    key.close();
    const QString buffer = dir + QStringLiteral("/intake.db");
    // The lines come from a file on stdin, so the agent never waits for this process.
    QFile lines(dir + QStringLiteral("/intake.jsonl"));
    lines.open(QIODevice::WriteOnly);
    lines.write(jsonLines(makeSamples(count, QDateTime::currentMSecsSinceEpoch() - 3600000)));
    lines.close();
    const QString logPath = dir + QStringLiteral("/intake.log");
    // At rest first: an agent with nothing to read (its stdin at its end), after a second.
    {
        QProcess idle;
        idle.setStandardInputFile(QProcess::nullDevice());
        idle.setStandardErrorFile(QProcess::nullDevice());
        idle.start(QStringLiteral(LACES_EDGE_BINARY), edgeArgs(freePort(), QUuid::createUuid().toString(QUuid::WithoutBraces),
                                                               key.fileName(), dir + QStringLiteral("/idle.db")));
        idle.waitForStarted();
        spin(1500);
        *idleRssKb = procField(idle.processId(), "VmRSS:");
        idle.terminate();
        idle.waitForFinished(10000);
    }
    QProcess edge;
    edge.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    edge.setStandardErrorFile(logPath);
    edge.setStandardInputFile(lines.fileName());
    QElapsedTimer timer;
    timer.start();
    edge.start(QStringLiteral(LACES_EDGE_BINARY), edgeArgs(freePort(), QUuid::createUuid().toString(QUuid::WithoutBraces),
                                                           key.fileName(), buffer));
    edge.waitForStarted();
    const qint64 pid = edge.processId();
    // The agent logs the end of its input once the last batch is committed.
    spinUntil([&] {
        QFile log(logPath);
        log.open(QIODevice::ReadOnly);
        return log.readAll().contains("all committed");
    }, 600000);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (statusNumber(buffer, "depth") != count)
        std::printf("intake: the buffer holds %lld samples, not %d\n", statusNumber(buffer, "depth"), count);
    const double cpu = cpuSeconds(pid);
    std::printf("intake: laces-edge samples=%d per_s=%.0f (process start included) agent_cpu_s=%.2f per_cpu_s=%.0f rss_kb=%lld\n",
                count, count / seconds, cpu, count / cpu, procField(pid, "VmRSS:"));
    std::fflush(stdout);
    edge.terminate();
    edge.waitForFinished(10000);
}

void benchUpload(const QString &dir, int count)
{
    ServerProcess server;
    if (!server.start(QStringLiteral(LACES_SERVER_BINARY))) {
        std::printf("upload: the server did not start\n");
        return;
    }
    const Node viaEdge = createNode(server, QStringLiteral("bench-edge"), dir);
    const Node direct = createNode(server, QStringLiteral("bench-direct"), dir);
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 3600000;
    const QList<Edge::Sample> samples = makeSamples(count, t0);

    // Baseline: the server's own CSV ingest, the same rows in batches of 5,000, one at a time.
    QNetworkAccessManager network;
    QElapsedTimer timer;
    timer.start();
    for (int from = 0; from < count; from += 5000) {
        QByteArray csv = "node_id,time,seq,vibration_x_g,temperature_c,pressure_bar,flow_lpm\n";
        for (int i = from; i < std::min(count, from + 5000); ++i) {
            const Edge::Sample &s = samples.at(i);
            csv += direct.id.toLatin1() + ',' + QByteArray::number(s.timeMs) + ',' + QByteArray::number(i + 1);
            for (const auto &value : s.values)
                csv += ',' + QByteArray::number(value.second, 'g', 17);
            csv += '\n';
        }
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/telemetry/batch?boot_epoch=1").arg(server.port())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/csv"));
        request.setRawHeader("Authorization", "Bearer " + server.token());
        QNetworkReply *reply = network.post(request, csv);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
    }
    const double directS = double(timer.nsecsElapsed()) / 1e9;

    // The agent: a buffer holding the same rows, delivered by laces-edge until it is empty.
    const QString buffer = dir + QStringLiteral("/upload.db");
    {
        Edge::EdgeBuffer fill;
        (void)fill.open(buffer);
        (void)fill.startEpoch(QDateTime::currentSecsSinceEpoch() - 10);
        fill.setLimit(qint64(4) << 30, true);
        for (int from = 0; from < count; from += 5000) {
            Edge::EdgeBuffer::Append append;
            append.samples = samples.mid(from, 5000);
            (void)fill.append(append);
        }
    }
    QProcess edge;
    edge.setStandardErrorFile(dir + QStringLiteral("/upload.log"));
    timer.restart();
    edge.start(QStringLiteral(LACES_EDGE_BINARY), edgeArgs(server.port(), viaEdge.id, viaEdge.keyFile, buffer)
                                                       << QStringLiteral("--exit-when-drained"));
    edge.waitForStarted();
    edge.closeWriteChannel();
    spinUntil([&] { return edge.state() == QProcess::NotRunning; }, 600000);
    const double edgeS = double(timer.nsecsElapsed()) / 1e9;
    const QJsonObject stored = server.call("GET", QStringLiteral("/telemetry/%1?bucket=1h&from=%2&to=%3&metrics=temperature_c")
                                                      .arg(viaEdge.id)
                                                      .arg(QDateTime::fromMSecsSinceEpoch(t0 - 3600000, Qt::UTC).toString(Qt::ISODate))
                                                      .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
    qint64 rows = 0;
    for (const QJsonValue &count1h : stored.value(QStringLiteral("series")).toObject().value(QStringLiteral("temperature_c")).toObject()
                                             .value(QStringLiteral("count")).toArray())
        rows += count1h.toInteger();
    std::printf("upload: rows=%d edge_rows_per_s=%.0f (process start included) server_csv_ingest_rows_per_s=%.0f ratio=%.2f "
                "edge_exit=%d stored_per_rollups=%lld\n",
                count, count / edgeS, count / directS, directS / edgeS, edge.exitCode(), rows);
    std::fflush(stdout);
}

void benchFullBuffer(const QString &dir)
{
    // Fill a 256 MB buffer, then run the agent on it under drop-oldest with more input.
    const QString buffer = dir + QStringLiteral("/full.db");
    const qint64 limit = qint64(256) << 20;
    qint64 samples = 0;
    {
        Edge::EdgeBuffer fill;
        (void)fill.open(buffer);
        (void)fill.startEpoch(1);
        fill.setLimit(limit, true);
        const QList<Edge::Sample> batch = makeSamples(20000, QDateTime::currentMSecsSinceEpoch() - 86400000);
        while (fill.bytes() < limit - 2 * 20000 * 80) {
            Edge::EdgeBuffer::Append append;
            append.samples = batch;
            (void)fill.append(append);
            samples += batch.size();
        }
    }
    QFile key(dir + QStringLiteral("/none.key"));
    QProcess edge;
    edge.setStandardErrorFile(dir + QStringLiteral("/full.log"));
    edge.start(QStringLiteral(LACES_EDGE_BINARY), edgeArgs(freePort(), QUuid::createUuid().toString(QUuid::WithoutBraces),
                                                           key.fileName(), buffer));
    edge.waitForStarted();
    const qint64 pid = edge.processId();
    edge.write(jsonLines(makeSamples(200000, QDateTime::currentMSecsSinceEpoch() - 600000)));
    spinUntil([&] { return statusNumber(buffer, "dropped") > 0; }, 300000);
    spin(3000);
    const qint64 depth = statusNumber(buffer, "depth");
    const qint64 bytes = statusNumber(buffer, "bytes");
    std::printf("rss_full: buffer_mb=%.1f depth=%lld dropped=%lld file_mb=%.1f rss_kb=%lld peak_rss_kb=%lld goal_kb=30720\n",
                double(bytes) / 1048576.0, depth, statusNumber(buffer, "dropped"),
                double(statusNumber(buffer, "file_bytes")) / 1048576.0, procField(pid, "VmRSS:"), procField(pid, "VmHWM:"));
    std::fflush(stdout);
    edge.terminate();
    edge.waitForFinished(10000);
}

struct Peer
{
    mosquitto *mosq = nullptr;
    QMutex mutex;
    std::vector<double> arrivals;  // µs on the bench clock
    std::atomic<bool> connected{false};
    QByteArray subscription;
};

Peer *makePeer(quint16 port, const QByteArray &subscribe)
{
    auto *peer = new Peer;
    peer->subscription = subscribe;
    peer->mosq = mosquitto_new(nullptr, true, peer);
    mosquitto_int_option(peer->mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(peer->mosq, [](mosquitto *m, void *self, int) {
        auto *p = static_cast<Peer *>(self);
        if (!p->subscription.isEmpty())
            mosquitto_subscribe(m, nullptr, p->subscription.constData(), 1);
        p->connected = true;
    });
    mosquitto_message_callback_set(peer->mosq, [](mosquitto *, void *self, const mosquitto_message *) {
        auto *p = static_cast<Peer *>(self);
        QMutexLocker locker(&p->mutex);
        p->arrivals.push_back(nowUs());
    });
    mosquitto_connect(peer->mosq, "127.0.0.1", port, 30);
    mosquitto_loop_start(peer->mosq);
    return peer;
}

void benchControl(const QString &dir)
{
    mosquitto_lib_init();
    const quint16 port = freePort();
    QFile conf(dir + QStringLiteral("/mosquitto.conf"));
    conf.open(QIODevice::WriteOnly);
    conf.write(QStringLiteral("listener %1 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n").arg(port).toUtf8());
    conf.close();
    QProcess broker;
    broker.start(QStringLiteral(LACES_MOSQUITTO_BINARY), {QStringLiteral("-c"), conf.fileName()});
    broker.waitForStarted();
    spin(500);

    const auto roundTrips = [&](const QByteArray &publishTopic, const QByteArray &listenTopic, int messages, bool alternate) {
        Peer *listener = makePeer(port, listenTopic);
        Peer *publisher = makePeer(port, {});
        spinUntil([&] { return listener->connected && publisher->connected; }, 5000);
        spin(300);
        std::vector<double> sent;
        for (int i = 0; i < messages; ++i) {
            const bool high = !alternate || i % 2 == 0;
            const QByteArray payload = "{\"pressure_bar\":" + QByteArray(high ? "9.5" : "4.5") + "}";
            if (high)
                sent.push_back(nowUs());
            mosquitto_publish(publisher->mosq, nullptr, publishTopic.constData(), int(payload.size()), payload.constData(), 1, false);
            spin(5);  // 200 messages a second
        }
        spinUntil([&] { QMutexLocker l(&listener->mutex); return listener->arrivals.size() >= sent.size(); }, 10000);
        std::vector<double> latencies;
        {
            QMutexLocker locker(&listener->mutex);
            for (size_t i = 0; i < std::min(sent.size(), listener->arrivals.size()); ++i)
                latencies.push_back((listener->arrivals[i] - sent[i]) / 1000.0);
        }
        for (Peer *peer : {listener, publisher}) {
            mosquitto_disconnect(peer->mosq);
            mosquitto_loop_stop(peer->mosq, true);
            mosquitto_destroy(peer->mosq);
            delete peer;
        }
        return std::make_pair(latencies, sent.size());
    };

    // Baseline: the broker's own round trip, publisher to subscriber.
    const auto [bare, bareSent] = roundTrips("bench/direct", "bench/direct", 1000, false);

    QFile key(dir + QStringLiteral("/none.key"));
    const quint16 metricsPort = freePort();
    QProcess edge;
    edge.setStandardErrorFile(dir + QStringLiteral("/control.log"));
    edge.start(QStringLiteral(LACES_EDGE_BINARY),
               edgeArgs(freePort(), QUuid::createUuid().toString(QUuid::WithoutBraces), key.fileName(), dir + QStringLiteral("/control.db"))
                   << QStringLiteral("--input") << QStringLiteral("mqtt://127.0.0.1:%1/bench/telemetry").arg(port)
                   << QStringLiteral("--rule") << QStringLiteral("pressure_bar>9 -> mqtt:bench/command FIRE")
                   << QStringLiteral("--metrics-listen") << QStringLiteral("127.0.0.1:%1").arg(metricsPort));
    edge.waitForStarted();
    spin(1500);
    // Each high sample after a low one fires the rule: 1,000 commands.
    const auto [looped, loopSent] = roundTrips("bench/telemetry", "bench/command", 2000, true);
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(metricsPort))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray metrics = reply->readAll();
    reply->deleteLater();
    const auto quantile = [&](const QByteArray &q) {
        for (const QByteArray &line : metrics.split('\n')) {
            if (line.startsWith("laces_edge_control_latency_seconds{quantile=\"" + q + "\"}"))
                return line.mid(line.lastIndexOf(' ') + 1).toDouble() * 1000.0;
        }
        return -1.0;
    };
    std::printf("control: commands=%zu/%zu agent_arrival_to_command_ms p50=%.3f p99=%.3f p99.9=%.3f "
                "through_broker_ms p50=%.3f p99=%.3f bare_broker_round_trip_ms p50=%.3f p99=%.3f goal_p99_ms=10\n",
                looped.size(), loopSent, quantile("0.5"), quantile("0.99"), quantile("0.999"), percentile(looped, 0.5),
                percentile(looped, 0.99), percentile(bare, 0.5), percentile(bare, 0.99));
    Q_UNUSED(bareSent);
    std::fflush(stdout);
    edge.terminate();
    edge.waitForFinished(10000);
    broker.terminate();
    broker.waitForFinished(5000);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("samples"), QStringLiteral("Samples for the buffer and upload runs."), QStringLiteral("N"),
                      QStringLiteral("200000")});
    parser.addOption({QStringLiteral("skip-rss"), QStringLiteral("Leave out the 256 MB buffer run.")});
    parser.addHelpOption();
    parser.process(app);
    const int count = parser.value(QStringLiteral("samples")).toInt();
    QTemporaryDir dir(QStringLiteral("/tmp/laces-bench-edge-XXXXXX"));
    Bench::clock();
    benchBuffer(dir.path(), count);
    qint64 idleRss = 0;
    benchAgentIntake(dir.path(), count, &idleRss);
    std::printf("rss_rest: laces-edge idle rss_kb=%lld goal_kb=30720\n", idleRss);
    benchUpload(dir.path(), count);
    benchControl(dir.path());
    if (!parser.isSet(QStringLiteral("skip-rss")))
        benchFullBuffer(dir.path());
    return 0;
}
