// laces-edge against the real thing: a laces-server with its embedded PostgreSQL, the
// laces-edge binary as a process (killed with SIGKILL), a real mosquitto broker, real files.
// What is checked is what an operator relies on: every sample the agent acknowledged to its
// input reaches the server exactly once, whatever happens in between.

#include "testserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <libpq-fe.h>
#include <mosquitto.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <optional>

using namespace Laces;
using namespace Laces::Tests;

using Laces::Tests::eventually;

namespace {

// Waits for a process to exit while the event loop runs (the server under test lives in
// this process: a blocking wait would stall it).
bool exited(QProcess *process, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (process->state() != QProcess::NotRunning && clock.elapsed() < timeoutMs)
        QTest::qWait(20);
    return process->state() == QProcess::NotRunning;
}


quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// A TCP relay in front of the server: the edge keeps one URL while the server behind it
// stops and starts, and the relay can lose answers: the request reaches the server, which
// commits and answers, and the answer never reaches the edge (as when the server dies
// right after COMMIT, or the link drops on the way back).
// With a TLS configuration it terminates TLS (as nginx would in front of the server).
class Relay : public QObject
{
public:
    explicit Relay(quint16 upstreamPort, const std::optional<QSslConfiguration> &tls = std::nullopt) : m_upstream(upstreamPort)
    {
        if (tls) {
            auto *server = new QSslServer(this);
            server->setSslConfiguration(*tls);
            m_server = server;
        } else {
            m_server = new QTcpServer(this);
        }
        m_server->listen(QHostAddress::LocalHost, 0);
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *client = m_server->nextPendingConnection()) {
                ++m_accepted;
                auto *upstream = new QTcpSocket(client);
                upstream->connectToHost(QHostAddress::LocalHost, m_upstream);
                connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
                connect(upstream, &QTcpSocket::connected, upstream, [client, upstream] { upstream->write(client->readAll()); });
                connect(upstream, &QTcpSocket::readyRead, client, [this, client, upstream] {
                    const QByteArray answer = upstream->readAll();
                    if (m_loseAnswers > 0 && answer.startsWith("HTTP/1.1 200")) {
                        --m_loseAnswers;
                        ++m_lost;
                        client->abort();
                        client->deleteLater();
                        return;
                    }
                    client->write(answer);
                });
                connect(upstream, &QTcpSocket::errorOccurred, client, [client] { client->abort(); client->deleteLater(); });
                connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server->serverPort(); }
    void loseAnswers(int count) { m_loseAnswers = count; }
    int lost() const { return m_lost; }
    int accepted() const { return m_accepted; }

private:
    QTcpServer *m_server = nullptr;
    int m_accepted = 0;
    quint16 m_upstream;
    int m_loseAnswers = 0;
    int m_lost = 0;
};

// A mosquitto broker on a free loopback port, for as long as the object lives.
class Broker
{
public:
    bool start(const QString &dir)
    {
        m_port = freePort();
        QFile conf(dir + QStringLiteral("/mosquitto.conf"));
        if (!conf.open(QIODevice::WriteOnly))
            return false;
        conf.write(QStringLiteral("listener %1 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                  "max_queued_messages 0\nmax_inflight_messages 20\nlog_dest stderr\nlog_type error\n")
                       .arg(m_port).toUtf8());
        conf.close();
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral(LACES_MOSQUITTO_BINARY), {QStringLiteral("-c"), conf.fileName()});
        if (!m_process.waitForStarted(5000))
            return false;
        for (int i = 0; i < 100; ++i) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(100))
                return true;
            QTest::qWait(50);
        }
        return false;
    }
    ~Broker()
    {
        m_process.terminate();
        m_process.waitForFinished(3000);
    }
    quint16 port() const { return m_port; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

// A libmosquitto client of the test's own (threaded), publishing QoS 1 and counting what
// the broker acknowledged, or collecting what arrives on a subscription.
class MqttPeer
{
public:
    explicit MqttPeer(quint16 port, const QByteArray &subscribe = {}) : m_subscription(subscribe)
    {
        mosquitto_lib_init();
        m_mosq = mosquitto_new(nullptr, true, this);
        mosquitto_publish_callback_set(m_mosq, [](mosquitto *, void *self, int) { ++static_cast<MqttPeer *>(self)->acked; });
        mosquitto_connect_callback_set(m_mosq, [](mosquitto *m, void *self, int) {
            auto *peer = static_cast<MqttPeer *>(self);
            if (!peer->m_subscription.isEmpty())
                mosquitto_subscribe(m, nullptr, peer->m_subscription.constData(), 1);
            peer->connected = true;
        });
        mosquitto_message_callback_set(m_mosq, [](mosquitto *, void *self, const mosquitto_message *message) {
            auto *peer = static_cast<MqttPeer *>(self);
            QMutexLocker locker(&peer->mutex);
            peer->received.append(QByteArray(static_cast<const char *>(message->payload), message->payloadlen));
        });
        mosquitto_connect(m_mosq, "127.0.0.1", port, 30);
        mosquitto_loop_start(m_mosq);
    }
    ~MqttPeer()
    {
        mosquitto_disconnect(m_mosq);
        mosquitto_loop_stop(m_mosq, true);
        mosquitto_destroy(m_mosq);
    }
    bool publish(const QByteArray &topic, const QByteArray &payload)
    {
        return mosquitto_publish(m_mosq, nullptr, topic.constData(), int(payload.size()), payload.constData(), 1, false)
               == MOSQ_ERR_SUCCESS;
    }
    QList<QByteArray> messages()
    {
        QMutexLocker locker(&mutex);
        return received;
    }

    std::atomic<int> acked{0};
    std::atomic<bool> connected{false};
    QMutex mutex;
    QList<QByteArray> received;

private:
    mosquitto *m_mosq = nullptr;
    QByteArray m_subscription;
};

} // namespace

class TestEdge : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void commandLine();
    void stdinBadLinesAndExactlyOnce();
    void killedWhileTailingAFile();
    void mqttQos1SurvivesKills();
    void serverOutageAndLostAnswers();
    void bufferFullPolicies();
    void revokedKeyKeepsBuffering();
    void tlsWithPrivateCaAndClientCertificate();
    void simulatorFeedsTheServer();
    void modelAlertsAndControlWhileOffline();

private:
    struct Node
    {
        QString id;
        QString keyId;
        QString keyFile;
    };
    Node createNode(const QString &name);
    QStringList baseArgs(const Node &node, const QString &buffer, quint16 port) const;
    QProcess *startEdge(const QStringList &args, const QByteArray &stdinData = {}, bool closeStdin = false);
    QJsonObject status(const QString &buffer);
    // (rows, distinct values of temperature_c) the server holds for the node
    QPair<qint64, qint64> stored(const QString &node);
    qint64 sqlNumber(const QByteArray &query);
    QString edgeLog() const;

    TestServer m_server;
    quint16 m_port = 0;
    QByteArray m_admin;
    QTemporaryDir m_dir;
    QList<QProcess *> m_processes;
    int m_logs = 0;
};

void TestEdge::initTestCase()
{
    QVERIFY(QFileInfo::exists(QStringLiteral(LACES_EDGE_BINARY)));
    m_port = freePort();
    QVERIFY2(m_server.start([port = m_port](Server::ServerConfig &config) {
        config.port = port;
        config.agent.intervalS = 0;  // tickets here come from edge events only
    }), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("edge-admin"), QStringLiteral("a long edge passphrase"));
    m_admin = m_server.login(QStringLiteral("edge-admin"), QStringLiteral("a long edge passphrase"));
    QVERIFY(!m_admin.isEmpty());
}

void TestEdge::cleanup()
{
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(3000);
        }
        delete process;
    }
    m_processes.clear();
}

TestEdge::Node TestEdge::createNode(const QString &name)
{
    Node node;
    const Reply created = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin,
                                               {{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("pump")},
                                                {QStringLiteral("latitude"), 52.52}, {QStringLiteral("longitude"), 13.40}});
    if (created.status != 201)
        qWarning() << created.body;
    node.id = created.json.value(QStringLiteral("id")).toString();
    const Reply key = m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(node.id), m_admin,
                                           {{QStringLiteral("name"), QStringLiteral("edge")}});
    node.keyId = key.json.value(QStringLiteral("id")).toString();
    node.keyFile = m_dir.filePath(name + QStringLiteral(".key"));
    QFile file(node.keyFile);
    file.open(QIODevice::WriteOnly);
    file.write(key.json.value(QStringLiteral("key")).toString().toLatin1() + '\n');
    return node;
}

QStringList TestEdge::baseArgs(const Node &node, const QString &buffer, quint16 port) const
{
    return {QStringLiteral("run"),      QStringLiteral("--server"),   QStringLiteral("http://127.0.0.1:%1").arg(port),
            QStringLiteral("--node"),   node.id,                      QStringLiteral("--key-file"),
            node.keyFile,               QStringLiteral("--buffer"),   buffer,
            QStringLiteral("--batch-s"), QStringLiteral("0.2"),       QStringLiteral("--max-batch-s"),
            QStringLiteral("1"),        QStringLiteral("--model"),    QStringLiteral("false")};
}

QProcess *TestEdge::startEdge(const QStringList &args, const QByteArray &stdinData, bool closeStdin)
{
    auto *process = new QProcess;
    m_processes.append(process);
    process->setStandardErrorFile(m_dir.filePath(QStringLiteral("edge.log")), QIODevice::Append);
    process->start(QStringLiteral(LACES_EDGE_BINARY), args);
    process->waitForStarted(5000);
    if (!stdinData.isEmpty())
        process->write(stdinData);
    if (closeStdin)
        process->closeWriteChannel();
    return process;
}

QJsonObject TestEdge::status(const QString &buffer)
{
    QProcess process;
    process.start(QStringLiteral(LACES_EDGE_BINARY), {QStringLiteral("status"), QStringLiteral("--buffer"), buffer});
    process.waitForFinished(10000);
    if (process.exitCode() != 0)
        qWarning() << "laces-edge status failed:" << process.readAllStandardError();
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

qint64 TestEdge::sqlNumber(const QByteArray &query)
{
    PGconn *db = PQconnectdb(m_server.server().conninfo().constData());
    PGresult *result = PQexec(db, query.constData());
    qint64 value = -1;
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
        value = QByteArray(PQgetvalue(result, 0, 0)).toLongLong();
    else
        qWarning() << PQerrorMessage(db);
    PQclear(result);
    PQfinish(db);
    return value;
}

QPair<qint64, qint64> TestEdge::stored(const QString &node)
{
    const QByteArray where = "FROM telemetry_data WHERE node_id = '" + node.toLatin1() + "'";
    return {sqlNumber("SELECT count(*) " + where), sqlNumber("SELECT count(DISTINCT temperature_c) " + where)};
}

QString TestEdge::edgeLog() const
{
    QFile file(m_dir.filePath(QStringLiteral("edge.log")));
    file.open(QIODevice::ReadOnly);
    return QString::fromUtf8(file.readAll().right(4000));
}

static QByteArray jsonLine(qint64 timeMs, int i)
{
    return "{\"time\":" + QByteArray::number(timeMs) + ",\"metrics\":{\"temperature_c\":" + QByteArray::number(i)
           + ",\"pressure_bar\":4.5}}\n";
}

void TestEdge::commandLine()
{
    QProcess help;
    help.start(QStringLiteral(LACES_EDGE_BINARY), {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    const QString text = QString::fromUtf8(help.readAllStandardOutput());
    for (const char *option : {"--server", "--node", "--key-file", "--buffer", "--input", "--batch-s", "--max-batch-s",
                               "--max-buffer-mb", "--on-full", "--ca-file", "--cert", "--rule", "--limit", "--config"})
        QVERIFY2(text.contains(QLatin1String(option)), option);

    QProcess version;
    version.start(QStringLiteral(LACES_EDGE_BINARY), {QStringLiteral("--version")});
    QVERIFY(version.waitForFinished(10000));
    QVERIFY(version.readAllStandardOutput().contains(LACES_VERSION));

    const auto refused = [](const QStringList &args, const QString &says) {
        QProcess process;
        process.start(QStringLiteral(LACES_EDGE_BINARY), args);
        QVERIFY(process.waitForFinished(10000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(process.exitCode() != 0, qPrintable(err));
        QVERIFY2(err.contains(says), qPrintable(err));
    };
    refused({QStringLiteral("run")}, QStringLiteral("--server URL is needed"));
    refused({QStringLiteral("run"), QStringLiteral("--on-full"), QStringLiteral("sometimes")}, QStringLiteral("reject-new or drop-oldest"));
    refused({QStringLiteral("run"), QStringLiteral("--batch-s"), QStringLiteral("-3")}, QStringLiteral("batch-s must be a number"));
    refused({QStringLiteral("run"), QStringLiteral("--rule"), QStringLiteral("warp_factor>9 -> exec:/bin/true")},
            QStringLiteral("unknown metric 'warp_factor'"));
    refused({QStringLiteral("run"), QStringLiteral("--input"), QStringLiteral("carrier-pigeon")}, QStringLiteral("input must be"));
    refused({QStringLiteral("status"), QStringLiteral("--buffer"), m_dir.filePath(QStringLiteral("none.db"))},
            QStringLiteral("no buffer at"));
    refused({QStringLiteral("run"), QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--node"),
             QUuid::createUuid().toString(QUuid::WithoutBraces), QStringLiteral("--key-file"), m_dir.filePath(QStringLiteral("missing.key")),
             QStringLiteral("--buffer"), m_dir.filePath(QStringLiteral("k.db"))},
            QStringLiteral("cannot read the key file"));

    // A config file (INI, and JSON) gives the same keys; a bad line is named.
    QFile ini(m_dir.filePath(QStringLiteral("bad.conf")));
    ini.open(QIODevice::WriteOnly);
    ini.write("# comment\nserver = http://127.0.0.1:1\nmax-buffer-mb = lots\n");
    ini.close();
    refused({QStringLiteral("run"), QStringLiteral("--config"), ini.fileName()}, QStringLiteral("bad.conf line 3: max-buffer-mb must be a number"));
    QFile json(m_dir.filePath(QStringLiteral("bad.json")));
    json.open(QIODevice::WriteOnly);
    json.write(R"({"server": "http://127.0.0.1:1", "limit": ["temperature_c>95", "pressure_bar<"]})");
    json.close();
    refused({QStringLiteral("run"), QStringLiteral("--config"), json.fileName()}, QStringLiteral("pressure_bar<"));
}

void TestEdge::stdinBadLinesAndExactlyOnce()
{
    const Node node = createNode(QStringLiteral("stdin-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("stdin.db"));
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
    QByteArray input;
    int good = 0;
    // CSV in the server's convention, RFC 3339 and millisecond times, then JSON lines.
    input += "time,temperature_c,pressure_bar\n";
    for (int i = 0; i < 100; ++i, ++good)
        input += QDateTime::fromMSecsSinceEpoch(t0 + i * 100, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1() + ','
                 + QByteArray::number(good) + ",4.5\n";
    input += "not,a,row\n";                                           // 3 cells that are no numbers
    input += QByteArray::number(t0 + 20000) + ",hot,4.5\n";           // not a number
    input += QByteArray::number(t0 + 20100) + ",1,2,3\n";             // too many cells
    for (int i = 0; i < 100; ++i, ++good)
        input += QByteArray::number(t0 + 30000 + i * 100) + ',' + QByteArray::number(good) + ",4.5\n";
    input += "{\"time\": \"yesterday\", \"metrics\": {\"temperature_c\": 1}}\n";   // bad time
    input += "{\"metrics\": {\"warp_factor\": 9}}\n";                                // unknown metric
    input += "{\"time\": " + QByteArray::number(t0 + 40000) + ", \"metrics\": {\"temperature_c\": NaN}}\n";  // not JSON
    input += "{\"time\": " + QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 3600000) + ", \"temperature_c\": 5}\n";  // ahead
    for (int i = 0; i < 50; ++i, ++good)
        input += jsonLine(t0 + 50000 + i * 100, good);
    // Well-formed, but older than the server keeps raw samples: the server refuses it, the
    // agent records the refusal with its reason and delivers the rest.
    input += jsonLine(t0 - 400LL * 86400000, 999999);
    for (int i = 50; i < 100; ++i, ++good)
        input += jsonLine(t0 + 50000 + i * 100, good);
    const int bad = 7;

    QProcess *edge = startEdge(baseArgs(node, buffer, m_port) << QStringLiteral("--exit-when-drained"), input, true);
    QVERIFY2(exited(edge, 60000), qPrintable(edgeLog()));
    QCOMPARE(edge->exitCode(), 0);
    QCOMPARE(stored(node.id), qMakePair(qint64(good), qint64(good)));
    const QJsonObject state = status(buffer);
    QCOMPARE(state.value(QStringLiteral("depth")).toInt(), 0);
    QCOMPARE(state.value(QStringLiteral("bad_lines")).toInt(), bad);
    QCOMPARE(state.value(QStringLiteral("dropped")).toInt(), 0);
    QCOMPARE(state.value(QStringLiteral("rejected")).toInt(), 1);
    QVERIFY2(state.value(QStringLiteral("last_rejection")).toString().contains(QLatin1String("older than the raw retention")),
             qPrintable(state.value(QStringLiteral("last_rejection")).toString()));
    QCOMPARE(state.value(QStringLiteral("uplink_state")).toString(), QStringLiteral("online"));
    // The server's acked sequence number stops before the refused sample (seq 251): every
    // seq up to it is stored; the agent forgot the rest because the server answered for them.
    const QJsonObject acked = state.value(QStringLiteral("acked")).toObject();
    QCOMPARE(acked.value(QString::number(state.value(QStringLiteral("boot_epoch")).toInteger())).toInt(), 250);
    const QString log = edgeLog();
    QVERIFY2(log.contains(QLatin1String("line 102 skipped")) && log.contains(QLatin1String("'hot' is not a number")), qPrintable(log));
    QVERIFY2(log.contains(QLatin1String("unknown metric 'warp_factor'")), qPrintable(log));
    QVERIFY2(log.contains(QLatin1String("more than 5 minutes ahead")), qPrintable(log));

    // A second run: a new boot epoch, its sequence numbers from 1 again, nothing mixed up.
    QProcess *again = startEdge(baseArgs(node, buffer, m_port) << QStringLiteral("--exit-when-drained"),
                                jsonLine(t0 + 90000, good), true);
    QVERIFY2(exited(again, 60000), qPrintable(edgeLog()));
    QCOMPARE(stored(node.id), qMakePair(qint64(good + 1), qint64(good + 1)));
    QVERIFY(status(buffer).value(QStringLiteral("boot_epoch")).toInteger() > state.value(QStringLiteral("boot_epoch")).toInteger());
}

void TestEdge::killedWhileTailingAFile()
{
    const Node node = createNode(QStringLiteral("file-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("file.db"));
    const QString path = m_dir.filePath(QStringLiteral("pump.jsonl"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 3600000;
    const QStringList args = baseArgs(node, buffer, m_port)
                             << QStringLiteral("--input") << QStringLiteral("file:") + path << QStringLiteral("--upload-rows")
                             << QStringLiteral("150") << QStringLiteral("--flush-ms") << QStringLiteral("5");
    QProcess *edge = startEdge(args);
    QRandomGenerator random(12);
    int written = 0, kills = 0;
    bool rotated = false;
    // ~25 s: lines appended at about 240 a second, in bursts, while the agent is killed at
    // random moments (some land in a commit, some in an upload) and started again.
    QElapsedTimer clock;
    clock.start();
    qint64 nextKill = 300 + random.bounded(500);
    while (written < 6000) {
        const int burst = 1 + int(random.bounded(20));
        for (int i = 0; i < burst && written < 6000; ++i, ++written)
            out.write(jsonLine(t0 + qint64(written) * 100, written));
        out.flush();
        if (!rotated && written >= 3000) {
            // logrotate: the file moves to pump.jsonl.1 and a new one takes its name, while
            // the agent is down (so it must finish the old file after its restart).
            edge->kill();
            edge->waitForFinished(3000);
            ++kills;
            out.close();
            QVERIFY(QFile::rename(path, path + QStringLiteral(".1")));
            out.setFileName(path);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
            rotated = true;
            edge = startEdge(args);
        }
        QTest::qWait(int(random.bounded(60)));
        if (clock.elapsed() >= nextKill) {
            edge->kill();
            edge->waitForFinished(3000);
            ++kills;
            edge = startEdge(args);
            nextKill = clock.elapsed() + 300 + random.bounded(700);
        }
    }
    out.close();
    QVERIFY2(kills >= 20, qPrintable(QString::number(kills)));
    QVERIFY2(eventually([&] { return stored(node.id).first >= 6000; }, 60000), qPrintable(edgeLog()));
    QTest::qWait(1000);
    QCOMPARE(stored(node.id), qMakePair(qint64(6000), qint64(6000)));
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("depth")).toInt() == 0; }, 10000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("depth")).toInt(), 0);
    QCOMPARE(status(buffer).value(QStringLiteral("bad_lines")).toInt(), 0);
    qInfo("file input: %d samples, %d SIGKILLs, one rotation: each stored once", written, kills);
}

void TestEdge::mqttQos1SurvivesKills()
{
    Broker broker;
    QVERIFY(broker.start(m_dir.path()));
    const Node node = createNode(QStringLiteral("mqtt-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("mqtt.db"));
    const QStringList args = baseArgs(node, buffer, m_port)
                             << QStringLiteral("--input") << QStringLiteral("mqtt://127.0.0.1:%1/plant/pump/telemetry").arg(broker.port())
                             << QStringLiteral("--rule")
                             << QStringLiteral("pressure_bar>9 for 2 -> mqtt:plant/pump/command STOP");
    QProcess *edge = startEdge(args);
    // The persistent session exists once the agent subscribed.
    QVERIFY2(eventually([&] { return edgeLog().contains(QLatin1String("boot epoch")); }, 10000), qPrintable(edgeLog()));
    QTest::qWait(500);
    MqttPeer publisher(broker.port());
    MqttPeer listener(broker.port(), "plant/pump/command");
    QVERIFY2(eventually([&] { return publisher.connected && listener.connected; }, 5000), qPrintable(edgeLog()));
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 1800000;
    QRandomGenerator random(7);
    int sent = 0, kills = 0;
    QElapsedTimer clock;
    clock.start();
    qint64 nextKill = 300 + random.bounded(400);
    const int total = 4000;
    while (sent < total) {
        const int burst = 1 + int(random.bounded(10));
        for (int i = 0; i < burst && sent < total; ++i, ++sent) {
            // Two high pressures in a row every 500 messages: the rule fires each time.
            const double pressure = (sent % 500 == 10 || sent % 500 == 11) ? 9.5 : 4.5;
            QVERIFY(publisher.publish("plant/pump/telemetry",
                                      "{\"time\":" + QByteArray::number(t0 + qint64(sent) * 100) + ",\"metrics\":{\"temperature_c\":"
                                          + QByteArray::number(sent) + ",\"pressure_bar\":" + QByteArray::number(pressure) + "}}"));
        }
        QTest::qWait(10 + int(random.bounded(30)));
        if (clock.elapsed() >= nextKill && kills < 25) {
            edge->kill();
            edge->waitForFinished(3000);
            ++kills;
            edge = startEdge(args);
            nextKill = clock.elapsed() + 300 + random.bounded(500);
        }
    }
    QVERIFY2(eventually([&] { return publisher.acked.load() == total; }, 20000), qPrintable(edgeLog()));
    QCOMPARE(publisher.acked.load(), total);
    QVERIFY2(kills >= 20, qPrintable(QString::number(kills)));
    QVERIFY2(eventually([&] { return stored(node.id).first >= total; }, 60000), qPrintable(edgeLog()));
    QTest::qWait(1500);
    // Every message the broker acknowledged to the publisher is stored, once.
    QCOMPARE(stored(node.id), qMakePair(qint64(total), qint64(total)));
    QVERIFY2(!listener.messages().isEmpty() && listener.messages().first() == "STOP", qPrintable(edgeLog()));
    qInfo("mqtt input: %d QoS 1 messages, %d SIGKILLs: each stored once; %d STOP commands", total, kills,
          int(listener.messages().size()));
}

void TestEdge::serverOutageAndLostAnswers()
{
    const Node node = createNode(QStringLiteral("outage-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("outage.db"));
    Relay relay(m_port);
    const QString path = m_dir.filePath(QStringLiteral("outage.jsonl"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
    QProcess *edge = startEdge(baseArgs(node, buffer, relay.port()) << QStringLiteral("--input") << QStringLiteral("file:") + path
                               << QStringLiteral("--upload-rows") << QStringLiteral("100"));
    Q_UNUSED(edge);
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 1800000;
    int written = 0;
    const auto writeFor = [&](int ms) {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < ms) {
            for (int i = 0; i < 20; ++i, ++written)
                out.write(jsonLine(t0 + qint64(written) * 100, written));
            out.flush();
            QTest::qWait(50);
        }
    };
    writeFor(2000);
    QVERIFY2(eventually([&] { return stored(node.id).first > 0; }, 10000), qPrintable(edgeLog()));

    // Answers lost on the way back: the server stored those batches; the agent does not
    // know and sends them again; the server recognises every sample.
    relay.loseAnswers(3);
    writeFor(3000);
    QVERIFY2(eventually([&] { return relay.lost() == 3; }, 20000), qPrintable(edgeLog()));
    QCOMPARE(relay.lost(), 3);

    // The server stopped for a while under the same steady input: the buffer grows.
    m_server.stop();
    writeFor(4000);
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("uplink_state")).toString() != QLatin1String("online"); }, 10000), qPrintable(edgeLog()));
    const int depthWhileDown = status(buffer).value(QStringLiteral("depth")).toInt();
    QVERIFY2(depthWhileDown > 400, qPrintable(QString::number(depthWhileDown)));
    QVERIFY(!status(buffer).value(QStringLiteral("last_error")).toString().isEmpty());
    QVERIFY2(m_server.resume(), qPrintable(m_server.errorString()));
    writeFor(1000);
    out.close();
    // ... then drains: nothing lost, nothing twice.
    QVERIFY2(eventually([&] { return stored(node.id).first >= written; }, 60000), qPrintable(edgeLog()));
    QTest::qWait(1000);
    QCOMPARE(stored(node.id), qMakePair(qint64(written), qint64(written)));
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("depth")).toInt() == 0; }, 10000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("depth")).toInt(), 0);
    QCOMPARE(status(buffer).value(QStringLiteral("uplink_state")).toString(), QStringLiteral("online"));
    qInfo("outage: %d samples, %d answers lost, %d buffered while the server was down: each stored once", written,
          relay.lost(), depthWhileDown);
}

void TestEdge::bufferFullPolicies()
{
    // No server at this port: everything stays in a buffer of 0.01 MB (10,485 bytes).
    const quint16 nowhere = freePort();
    for (const QString &policy : {QStringLiteral("drop-oldest"), QStringLiteral("reject-new")}) {
        const Node node = createNode(QStringLiteral("full-") + policy);
        const QString buffer = m_dir.filePath(policy + QStringLiteral(".db"));
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
        QByteArray input;
        const int total = 1000;
        for (int i = 0; i < total; ++i)
            input += jsonLine(t0 + i * 100, i);
        QProcess *edge = startEdge(baseArgs(node, buffer, nowhere) << QStringLiteral("--max-buffer-mb") << QStringLiteral("0.01")
                                                                     << QStringLiteral("--on-full") << policy,
                                   input, true);
        QVERIFY2(eventually([&] { return edgeLog().contains(QLatin1String("the input ended after 1000 lines")); }, 20000), qPrintable(edgeLog()));
        QTest::qWait(300);
        const QJsonObject state = status(buffer);
        const int depth = state.value(QStringLiteral("depth")).toInt();
        const int dropped = state.value(QStringLiteral("dropped")).toInt();
        QVERIFY2(depth > 50 && depth < total, qPrintable(QString::number(depth)));
        QVERIFY(state.value(QStringLiteral("bytes")).toInteger() <= 10485);
        QCOMPARE(depth + dropped, total);  // each sample counted once: kept or dropped
        // Which ones survive: the newest (drop-oldest) or the first (reject-new).
        const qint64 oldestMs = t0 + (policy == QLatin1String("drop-oldest") ? (total - depth) * 100 : 0);
        QCOMPARE(state.value(QStringLiteral("oldest_sample")).toObject().value(QStringLiteral("time")).toString(),
                 QDateTime::fromMSecsSinceEpoch(oldestMs, Qt::UTC).toString(Qt::ISODateWithMs));
        edge->kill();
        edge->waitForFinished(3000);
        // Delivered when a server is there: exactly the kept ones.
        QProcess *drain = startEdge(baseArgs(node, buffer, m_port) << QStringLiteral("--exit-when-drained")
                                                                    << QStringLiteral("--max-buffer-mb") << QStringLiteral("0.01"),
                                    {}, true);
        QVERIFY2(exited(drain, 30000), qPrintable(edgeLog()));
        QCOMPARE(stored(node.id), qMakePair(qint64(depth), qint64(depth)));
        const qint64 low = sqlNumber("SELECT min(temperature_c) FROM telemetry_data WHERE node_id = '" + node.id.toLatin1() + "'");
        QCOMPARE(low, qint64(policy == QLatin1String("drop-oldest") ? total - depth : 0));
        QCOMPARE(status(buffer).value(QStringLiteral("dropped")).toInt(), dropped);
    }
}

void TestEdge::revokedKeyKeepsBuffering()
{
    const Node node = createNode(QStringLiteral("revoked-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("revoked.db"));
    const QString path = m_dir.filePath(QStringLiteral("revoked.jsonl"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
    const quint16 metricsPort = freePort();
    startEdge(baseArgs(node, buffer, m_port) << QStringLiteral("--input") << QStringLiteral("file:") + path
                                             << QStringLiteral("--metrics-listen") << QStringLiteral("127.0.0.1:%1").arg(metricsPort));
    const auto metric = [&](const QByteArray &name) {
        QNetworkAccessManager network;
        const Reply reply = requestAt(network, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(metricsPort)), "GET", QStringLiteral("/metrics"));
        for (const QByteArray &line : reply.body.split('\n')) {
            if (line.startsWith(name + ' '))
                return line.mid(name.size() + 1).toDouble();
        }
        return qQNaN();
    };
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
    int written = 0;
    for (; written < 100; ++written)
        out.write(jsonLine(t0 + written * 100, written));
    out.flush();
    QVERIFY2(eventually([&] { return stored(node.id).first == qint64(100); }, 10000), qPrintable(edgeLog()));
    QCOMPARE(stored(node.id).first, qint64(100));
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/nodes/%1/api-keys/%2").arg(node.id, node.keyId), m_admin).status, 204);
    for (; written < 300; ++written)
        out.write(jsonLine(t0 + written * 100, written));
    out.flush();
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("uplink_state")).toString() == QStringLiteral("unauthorized"); }, 10000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("uplink_state")).toString(), QStringLiteral("unauthorized"));
    const QJsonObject state = status(buffer);
    QVERIFY2(state.value(QStringLiteral("last_error")).toString().contains(QLatin1String("HTTP 401")),
             qPrintable(state.value(QStringLiteral("last_error")).toString()));
    QCOMPARE(state.value(QStringLiteral("depth")).toInt(), 200);   // kept, not dropped
    QCOMPARE(stored(node.id).first, qint64(100));
    // What Prometheus scrapes says the same.
    QCOMPARE(metric("laces_edge_buffer_depth_samples"), 200.0);
    QCOMPARE(metric("laces_edge_uplink_up"), 0.0);
    QCOMPARE(metric("laces_edge_samples_received_total"), 300.0);
    QCOMPARE(metric("laces_edge_uploaded_samples_total"), 100.0);
    // A new key in the key file: the agent picks it up and delivers the rest.
    const Reply key = m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(node.id), m_admin,
                                           {{QStringLiteral("name"), QStringLiteral("edge 2")}});
    QFile file(node.keyFile);
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write(key.json.value(QStringLiteral("key")).toString().toLatin1());
    file.close();
    QVERIFY2(eventually([&] { return stored(node.id) == qMakePair(qint64(300), qint64(300)); }, 20000), qPrintable(edgeLog()));
    QCOMPARE(stored(node.id), qMakePair(qint64(300), qint64(300)));
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("uplink_state")).toString() == QStringLiteral("online"); }, 5000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("uplink_state")).toString(), QStringLiteral("online"));
}

void TestEdge::tlsWithPrivateCaAndClientCertificate()
{
    // A private CA, a certificate for 127.0.0.1 and a client certificate, made by openssl.
    const QString dir = m_dir.filePath(QStringLiteral("tls"));
    QDir().mkpath(dir);
    const QString script = QStringLiteral(
        "set -e; cd '%1'; ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
        "openssl req -x509 $ec -days 2 -subj /CN=LACES-test-CA -keyout ca.key -out ca.pem;"
        "openssl req $ec -subj /CN=127.0.0.1 -keyout server.key -out server.csr;"
        "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext;"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem;"
        "openssl req $ec -subj /CN=edge-node -keyout client.key -out client.csr;"
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext;"
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.pem")
                               .arg(dir);
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    QVERIFY(openssl.waitForFinished(30000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate::fromPath(dir + QStringLiteral("/server.pem")).first());
    QFile serverKey(dir + QStringLiteral("/server.key"));
    QVERIFY(serverKey.open(QIODevice::ReadOnly));
    tls.setPrivateKey(QSslKey(&serverKey, QSsl::Ec));
    tls.setCaCertificates(QSslCertificate::fromPath(dir + QStringLiteral("/ca.pem")));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);   // mutual TLS: a client certificate is required
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    Relay relay(m_port, tls);

    const Node node = createNode(QStringLiteral("tls-pump"));
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
    QByteArray input;
    for (int i = 0; i < 50; ++i)
        input += jsonLine(t0 + i * 100, i);
    const auto args = [&](const QString &buffer) {
        QStringList list = baseArgs(node, buffer, relay.port());
        list[list.indexOf(QStringLiteral("--server")) + 1] = QStringLiteral("https://127.0.0.1:%1").arg(relay.port());
        return list;
    };
    // Without the private CA: the server's certificate is not trusted; nothing is lost.
    const QString untrusted = m_dir.filePath(QStringLiteral("tls-untrusted.db"));
    startEdge(args(untrusted), input);
    QVERIFY2(eventually([&] { return status(untrusted).value(QStringLiteral("uplink_state")).toString() == QLatin1String("offline"); }, 10000),
             qPrintable(edgeLog()));
    QCOMPARE(status(untrusted).value(QStringLiteral("depth")).toInt(), 50);
    QVERIFY2(status(untrusted).value(QStringLiteral("last_error")).toString().contains(QLatin1String("certificate"), Qt::CaseInsensitive),
             qPrintable(status(untrusted).value(QStringLiteral("last_error")).toString()));
    // Trusting the CA, without a client certificate: the server refuses the handshake.
    const QString noClientCert = m_dir.filePath(QStringLiteral("tls-nocert.db"));
    startEdge(args(noClientCert) << QStringLiteral("--ca-file") << dir + QStringLiteral("/ca.pem"), input);
    QVERIFY2(eventually([&] { return status(noClientCert).value(QStringLiteral("uplink_state")).toString() == QLatin1String("offline"); }, 10000),
             qPrintable(edgeLog()));
    QCOMPARE(stored(node.id).first, qint64(0));
    cleanup();
    // With both: delivered, once, over mutual TLS.
    const QString mutual = m_dir.filePath(QStringLiteral("tls-mutual.db"));
    QProcess *edge = startEdge(args(mutual) << QStringLiteral("--ca-file") << dir + QStringLiteral("/ca.pem") << QStringLiteral("--cert")
                                            << dir + QStringLiteral("/client.pem") << QStringLiteral("--key")
                                            << dir + QStringLiteral("/client.key") << QStringLiteral("--exit-when-drained"),
                               input, true);
    QVERIFY2(exited(edge, 20000), qPrintable(edgeLog()));
    QCOMPARE(edge->exitCode(), 0);
    QCOMPARE(stored(node.id), qMakePair(qint64(50), qint64(50)));
}

void TestEdge::simulatorFeedsTheServer()
{
    const Node node = createNode(QStringLiteral("simulated-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("simulated.db"));
    QProcess *edge = startEdge(baseArgs(node, buffer, m_port)
                               << QStringLiteral("--input") << QStringLiteral("simulate") << QStringLiteral("--simulate-hz")
                               << QStringLiteral("100") << QStringLiteral("--simulate-metrics")
                               << QStringLiteral("temperature_c,flow_lpm"));
    QTest::qWait(2000);
    // SIGTERM: what is pending commits before the agent exits.
    edge->terminate();
    QVERIFY2(exited(edge, 10000), qPrintable(edgeLog()));
    QCOMPARE(edge->exitCode(), 0);
    // What is left is delivered by a run on the same buffer with nothing more to read.
    QProcess *drain = startEdge(baseArgs(node, buffer, m_port) << QStringLiteral("--exit-when-drained"), {}, true);
    QVERIFY2(exited(drain, 20000), qPrintable(edgeLog()));
    const qint64 atStop = stored(node.id).first;
    QVERIFY2(atStop >= 150 && atStop <= 260, qPrintable(QString::number(atStop)));  // 100 a second for 2 s
    QCOMPARE(sqlNumber("SELECT count(DISTINCT time) FROM telemetry_data WHERE node_id = '" + node.id.toLatin1() + "'"), atStop);
    // The demo fleet's shape: around the nominal value, both metrics in every sample.
    QCOMPARE(sqlNumber("SELECT count(*) FROM telemetry_data WHERE node_id = '" + node.id.toLatin1()
                       + "' AND temperature_c BETWEEN 50 AND 75 AND flow_lpm BETWEEN 100 AND 140"),
             atStop);
}

void TestEdge::modelAlertsAndControlWhileOffline()
{
    const Node node = createNode(QStringLiteral("model-pump"));
    const QString buffer = m_dir.filePath(QStringLiteral("model.db"));
    // An hour of healthy history, then a model trained on it (minute means, no smoothing).
    QRandomGenerator random(3);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 trainFrom = now - 2 * 3600000 - now % 60000;
    QByteArray csv = "node_id,time,seq,vibration_z_g,temperature_c\n";
    for (int i = 0; i < 360; ++i)
        csv += node.id.toLatin1() + ',' + QByteArray::number(trainFrom + i * 10000) + ',' + QByteArray::number(i + 1) + ','
               + QByteArray::number(0.5 + 0.05 * (random.generateDouble() - 0.5)) + ','
               + QByteArray::number(60 + 0.5 * (random.generateDouble() - 0.5)) + '\n';
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=1"), m_admin, csv, {{"Content-Type", "text/csv"}}).status, 200);
    const QString modelPath = QStringLiteral("/nodes/%1/anomaly-model").arg(node.id);
    const Reply trained = m_server.requestJson("POST", modelPath, m_admin,
                                               {{QStringLiteral("detector"), QStringLiteral("zscore_max")},
                                                {QStringLiteral("from"), QDateTime::fromMSecsSinceEpoch(trainFrom, Qt::UTC).toString(Qt::ISODate)},
                                                {QStringLiteral("to"), QDateTime::fromMSecsSinceEpoch(trainFrom + 3600000, Qt::UTC).toString(Qt::ISODate)},
                                                {QStringLiteral("smoothing_rows"), 1}});
    QVERIFY2(trained.status == 201, trained.body.constData());

    const QString marker = m_dir.filePath(QStringLiteral("horn"));
    const QString path = m_dir.filePath(QStringLiteral("model.jsonl"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
    QStringList args = baseArgs(node, buffer, m_port);
    args.removeAt(args.indexOf(QStringLiteral("--model")) + 1);
    args.removeOne(QStringLiteral("--model"));
    args << QStringLiteral("--input") << QStringLiteral("file:") + path << QStringLiteral("--limit") << QStringLiteral("temperature_c>90 for 2")
         << QStringLiteral("--rule") << QStringLiteral("temperature_c>95 -> exec:/bin/sh -c \"echo $LACES_VALUE >> %1\"").arg(marker);
    startEdge(args);
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("model")).isObject(); }, 10000), qPrintable(edgeLog()));
    const QString version = status(buffer).value(QStringLiteral("model")).toObject().value(QStringLiteral("version")).toString();
    QVERIFY(version.startsWith(QLatin1Char('"')));

    // Offline: the server stops; the machine runs hot and shakes for five minutes.
    m_server.stop();
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("uplink_state")).toString() != QLatin1String("online"); }, 10000), qPrintable(edgeLog()));
    const qint64 faultFrom = now - 10 * 60000 - now % 60000;
    for (int i = 0; i < 36; ++i) {
        const double temperature = i < 30 ? 60.0 : 97.0;  // over the limit and the rule at the end
        out.write("{\"time\":" + QByteArray::number(faultFrom + i * 10000) + ",\"vibration_z_g\":"
                  + QByteArray::number(i < 6 ? 0.5 : 1.4) + ",\"temperature_c\":" + QByteArray::number(temperature) + "}\n");
    }
    out.write("{\"time\":" + QByteArray::number(faultFrom + 7 * 60000) + ",\"vibration_z_g\":0.5,\"temperature_c\":60}\n");
    out.close();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 10000);  // the rule ran its command
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("events_pending")).toInt() >= 2; }, 10000), qPrintable(edgeLog()));
    const QJsonObject offline = status(buffer);
    QVERIFY2(offline.value(QStringLiteral("local_alert")).toString().contains(QLatin1String("temperature_c")),
             qPrintable(offline.value(QStringLiteral("local_alert")).toString()));
    QVERIFY2(edgeLog().contains(QLatin1String("ALERT (anomaly)")), qPrintable(edgeLog()));

    // The link returns: the samples arrive, and the events become one edge_anomaly ticket.
    QVERIFY2(m_server.resume(), qPrintable(m_server.errorString()));
    QVERIFY2(eventually([&] { return status(buffer).value(QStringLiteral("events_pending")).toInt() == 0; }, 20000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("events_pending")).toInt(), 0);
    const Reply tickets = m_server.request("GET", QStringLiteral("/maintenance/tickets?node_id=%1").arg(node.id), m_admin);
    QCOMPARE(tickets.status, 200);
    const QJsonArray items = tickets.json.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 1);
    const QJsonObject ticket = items.first().toObject();
    QCOMPARE(ticket.value(QStringLiteral("cause")).toString(), QStringLiteral("edge_anomaly"));
    QVERIFY(ticket.value(QStringLiteral("occurrences")).toInt() >= 2);
    // The anomaly's evidence carries what the desktop charts: its drivers and time window.
    const Reply anomalyEvent = m_server.request("GET", QStringLiteral("/maintenance/tickets/%1").arg(ticket.value(QStringLiteral("id")).toString()), m_admin);
    QCOMPARE(anomalyEvent.status, 200);
    const qint64 withDrivers = sqlNumber("SELECT count(*) FROM edge_events WHERE node_id = '" + node.id.toLatin1()
                                         + "' AND kind = 'anomaly' AND detail->'drivers'->0->>'metric' = 'vibration_z_g' "
                                           "AND detail ? 'window'");
    QCOMPARE(withDrivers, qint64(1));
    const qint64 events = sqlNumber("SELECT count(*) FROM edge_events WHERE node_id = '" + node.id.toLatin1() + "'");
    QVERIFY(events >= 2);
    QCOMPARE(sqlNumber("SELECT count(DISTINCT kind) FROM edge_events WHERE node_id = '" + node.id.toLatin1() + "'"), qint64(2));

    // The same event sent again (a retry whose answer was lost) changes nothing; bad ones are named.
    const QString eventsPath = QStringLiteral("/nodes/%1/events").arg(node.id);
    const QJsonObject again{{QStringLiteral("boot_epoch"), status(buffer).value(QStringLiteral("boot_epoch"))},
                            {QStringLiteral("events"), QJsonArray{QJsonObject{{QStringLiteral("seq"), 1},
                                                                              {QStringLiteral("time"), QStringLiteral("2026-12-01T10:00:00Z")},
                                                                              {QStringLiteral("kind"), QStringLiteral("limit")},
                                                                              {QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                                              {QStringLiteral("value"), 97},
                                                                              {QStringLiteral("limit"), 90}}}}};
    const Reply repeated = m_server.requestJson("POST", eventsPath, m_admin, again);
    QCOMPARE(repeated.status, 200);
    QCOMPARE(repeated.json.value(QStringLiteral("duplicates")).toInt(), 1);
    QCOMPARE(sqlNumber("SELECT count(*) FROM edge_events WHERE node_id = '" + node.id.toLatin1() + "'"), events);
    QJsonObject badKind = again;
    badKind.insert(QStringLiteral("events"), QJsonArray{QJsonObject{{QStringLiteral("seq"), 99},
                                                                    {QStringLiteral("time"), QStringLiteral("2026-12-01T10:00:00Z")},
                                                                    {QStringLiteral("kind"), QStringLiteral("meltdown")}}});
    const Reply refused = m_server.requestJson("POST", eventsPath, m_admin, badKind);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorField(), QStringLiteral("events[0].kind"));

    // The model is kept across a restart while the server is unreachable.
    cleanup();
    m_server.stop();
    QProcess *restarted = startEdge(args);
    QVERIFY2(eventually([&] { return edgeLog().contains(QStringLiteral("anomaly model ") + version); }, 10000), qPrintable(edgeLog()));
    QCOMPARE(status(buffer).value(QStringLiteral("model")).toObject().value(QStringLiteral("version")).toString(), version);
    restarted->kill();
    restarted->waitForFinished(3000);
    QVERIFY2(m_server.resume(), qPrintable(m_server.errorString()));
}

QTEST_GUILESS_MAIN(TestEdge)
#include "tst_edge.moc"
