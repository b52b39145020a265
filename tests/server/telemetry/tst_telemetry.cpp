#include "db/pgconnection.h"
#include "telemetry/telemetrymaintenance.h"
#include "testdata.h"
#include "testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace Laces;
using Tests::Reply;

namespace {

constexpr qint64 kDayMs = 86400000;

QString rfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject sample(const QString &node, qint64 timeMs, qint64 seq, const QJsonObject &metrics)
{
    return {{QStringLiteral("node_id"), node}, {QStringLiteral("time"), rfc3339(timeMs)},
            {QStringLiteral("seq"), seq}, {QStringLiteral("metrics"), metrics}};
}

QJsonObject batch(const QJsonArray &samples, qint64 bootEpoch = 1)
{
    return {{QStringLiteral("boot_epoch"), bootEpoch}, {QStringLiteral("samples"), samples}};
}

} // namespace

// The telemetry pipeline over real HTTP, WebSocket and PostgreSQL: machine nodes and their
// keys, exactly-once ingest, partitions, rollups, compression and queries.
class tst_Telemetry : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void nodesAreManagedAndChecked();
    void apiKeysIngestForTheirNodeOnly();
    void retriedBatchesAreStoredOnce();
    void concurrentRetriesAndRestartStoreOnce();
    void badSampleStoresNothing();
    void csvBatches();
    void partitionsAcrossDayBoundaryAndDefault();
    void lateDataUpdatesRollups();
    void compressedStorageReadsTheSame();
    void lateSamplesDuringCompressionAreKept();
    void retentionDropsOldData();
    void fleetSummaryShowsHealth();
    void liveTelemetryIsDownsampled();
    void demoFleetReports();

private:
    QString createNode(const QString &name, const QJsonArray &sensors = {});
    Reply post(const QJsonObject &body, const QByteArray &token = {});
    Reply read(const QString &node, const QString &query);
    // Every raw sample of the node in [from, to), following next_after pages of `limit`.
    QJsonObject readAllRaw(const QString &node, qint64 fromMs, qint64 toMs, int limit);
    qint64 scalar(const QByteArray &sql);

    Tests::TestServer m_server;
    QByteArray m_admin;
    QByteArray m_operator;
    QByteArray m_viewer;
    QByteArray m_engineer;
    QByteArray m_stranger;
    std::unique_ptr<Server::PgConnection> m_db;
};

void tst_Telemetry::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) {
        config.telemetry.maxBatchSamples = 5000;
        config.telemetry.compressAfterDays = 7;
    }), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_admin = m_server.login(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_server.createUser(m_admin, QStringLiteral("otto"), QStringLiteral("operator"), QStringLiteral("otto-password"));
    m_server.createUser(m_admin, QStringLiteral("vic"), QStringLiteral("viewer"), QStringLiteral("vic-password"));
    m_server.createUser(m_admin, QStringLiteral("eve"), QStringLiteral("engineer"), QStringLiteral("eve-password"));
    m_operator = m_server.login(QStringLiteral("otto"), QStringLiteral("otto-password"));
    m_viewer = m_server.login(QStringLiteral("vic"), QStringLiteral("vic-password"));
    m_engineer = m_server.login(QStringLiteral("eve"), QStringLiteral("eve-password"));
    m_server.registerUser(QStringLiteral("rival"), QStringLiteral("rival-password"));
    m_stranger = m_server.login(QStringLiteral("rival"), QStringLiteral("rival-password"));
    m_db = std::make_unique<Server::PgConnection>(m_server.server().conninfo());
    QVERIFY(m_db->open());
}

QString tst_Telemetry::createNode(const QString &name, const QJsonArray &sensors)
{
    const Reply created = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin,
                                               {{QStringLiteral("name"), name},
                                                {QStringLiteral("type"), QStringLiteral("pump")},
                                                {QStringLiteral("latitude"), 52.52},
                                                {QStringLiteral("longitude"), 13.40},
                                                {QStringLiteral("sensors"), sensors}});
    return created.status == 201 ? created.json.value(QStringLiteral("id")).toString() : QString();
}

Reply tst_Telemetry::post(const QJsonObject &body, const QByteArray &token)
{
    return m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), token.isEmpty() ? m_operator : token, body);
}

Reply tst_Telemetry::read(const QString &node, const QString &query)
{
    return m_server.request("GET", QStringLiteral("/telemetry/%1?%2").arg(node, query), m_viewer);
}

QJsonObject tst_Telemetry::readAllRaw(const QString &node, qint64 fromMs, qint64 toMs, int limit)
{
    QJsonArray times;
    QJsonObject values;
    QString after;
    for (int page = 0; page < 10000; ++page) {
        const Reply reply = read(node, QStringLiteral("bucket=raw&from=%1&to=%2&limit=%3%4")
                                           .arg(fromMs).arg(toMs).arg(limit)
                                           .arg(after.isEmpty() ? QString() : QStringLiteral("&after=") + after));
        if (reply.status != 200)
            return {{QStringLiteral("status"), reply.status}};
        for (const QJsonValue &time : reply.json.value(QStringLiteral("time")).toArray())
            times.append(time);
        const QJsonObject pageValues = reply.json.value(QStringLiteral("values")).toObject();
        for (auto it = pageValues.begin(); it != pageValues.end(); ++it) {
            QJsonArray all = values.value(it.key()).toArray();
            for (const QJsonValue &value : it.value().toArray())
                all.append(value);
            values.insert(it.key(), all);
        }
        after = reply.json.value(QStringLiteral("next_after")).toString();
        if (after.isEmpty())
            break;
    }
    return {{QStringLiteral("time"), times}, {QStringLiteral("values"), values}};
}

qint64 tst_Telemetry::scalar(const QByteArray &sql)
{
    auto result = m_db->exec(sql);
    return result && result->rowCount() == 1 ? result->integer(0, 0) : -1;
}

void tst_Telemetry::nodesAreManagedAndChecked()
{
    const QJsonArray sensors{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                         {QStringLiteral("min"), -20}, {QStringLiteral("max"), 120},
                                         {QStringLiteral("warn_above"), 90}},
                             QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")}, {QStringLiteral("unit"), QStringLiteral("1/min")}}};
    const QString id = createNode(QStringLiteral("Pump 7"), sensors);
    QVERIFY(!id.isEmpty());
    const Reply got = m_server.request("GET", QStringLiteral("/nodes/") + id, m_viewer);
    QCOMPARE(got.status, 200);
    QCOMPARE(got.json.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
    const QJsonArray stored = got.json.value(QStringLiteral("sensors")).toArray();
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored.at(0).toObject().value(QStringLiteral("unit")).toString(), QStringLiteral("1/min"));
    QCOMPARE(stored.at(1).toObject().value(QStringLiteral("unit")).toString(), QStringLiteral("°C"));  // the default
    QCOMPARE(stored.at(1).toObject().value(QStringLiteral("warn_above")).toDouble(), 90.0);

    // Listed for the organization only; others see 404.
    QVERIFY(m_server.request("GET", QStringLiteral("/nodes?search=pump%207"), m_engineer).json.value(QStringLiteral("total")).toInt() == 1);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + id, m_stranger).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes"), m_stranger).json.value(QStringLiteral("total")).toInt(), 0);

    // Only nodes.manage changes nodes.
    const QJsonObject rename{{QStringLiteral("name"), QStringLiteral("Pump 7b")}};
    QCOMPARE(m_server.requestJson("PATCH", QStringLiteral("/nodes/") + id, m_operator, rename).status, 403);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/nodes"), m_viewer, rename).status, 403);
    const Reply patched = m_server.requestJson("PATCH", QStringLiteral("/nodes/") + id, m_admin,
                                               {{QStringLiteral("status"), QStringLiteral("maintenance")},
                                                {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("pressure_bar")}}}}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json.value(QStringLiteral("status")).toString(), QStringLiteral("maintenance"));
    QCOMPARE(patched.json.value(QStringLiteral("sensors")).toArray().size(), 1);
    QCOMPARE(patched.json.value(QStringLiteral("name")).toString(), QStringLiteral("Pump 7"));

    // Bad input names its field.
    const auto refused = [&](const QJsonObject &body, const QString &field) {
        const Reply reply = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin, body);
        return reply.status == 400 && reply.errorField() == field;
    };
    const QJsonObject good{{QStringLiteral("name"), QStringLiteral("X")}, {QStringLiteral("type"), QStringLiteral("pump")},
                           {QStringLiteral("latitude"), 1}, {QStringLiteral("longitude"), 2}};
    QJsonObject body = good;
    body.insert(QStringLiteral("latitude"), 91);
    QVERIFY(refused(body, QStringLiteral("latitude")));
    body = good;
    body.insert(QStringLiteral("status"), QStringLiteral("exploded"));
    QVERIFY(refused(body, QStringLiteral("status")));
    body = good;
    body.insert(QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("warp_factor")}}});
    QVERIFY(refused(body, QStringLiteral("sensors[0].metric")));
    body.insert(QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")},
                                                                  {QStringLiteral("min"), 10}, {QStringLiteral("max"), 5}}});
    QVERIFY(refused(body, QStringLiteral("sensors[0].min")));
    body = good;
    body.insert(QStringLiteral("twin_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    QVERIFY(refused(body, QStringLiteral("twin_id")));
    body = good;
    body.insert(QStringLiteral("name"), QStringLiteral("pump 7"));  // names are unique, ignoring case
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin, body).status, 409);

    QCOMPARE(m_server.request("DELETE", QStringLiteral("/nodes/") + id, m_admin).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + id, m_admin).status, 404);
}

void tst_Telemetry::apiKeysIngestForTheirNodeOnly()
{
    const QString mine = createNode(QStringLiteral("Edge pump"));
    const QString other = createNode(QStringLiteral("Other pump"));
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(mine), m_operator,
                                  {{QStringLiteral("name"), QStringLiteral("edge")}}).status, 403);
    const Reply created = m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(mine), m_admin,
                                               {{QStringLiteral("name"), QStringLiteral("edge box 1")}});
    QCOMPARE(created.status, 201);
    const QByteArray key = created.json.value(QStringLiteral("key")).toString().toLatin1();
    QVERIFY(key.startsWith("lk_"));
    // Shown once: the list has the prefix, never the key, and the database only its hash.
    const Reply listed = m_server.request("GET", QStringLiteral("/nodes/%1/api-keys").arg(mine), m_admin);
    QCOMPARE(listed.json.value(QStringLiteral("items")).toArray().size(), 1);
    QVERIFY(!listed.body.contains(key));
    QVERIFY(key.contains(listed.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("prefix")).toString().toLatin1()));
    QCOMPARE(scalar("SELECT count(*) FROM api_keys WHERE key_hash = sha256('" + key + "'::bytea)"), 1);

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QJsonObject reading{{QStringLiteral("temperature_c"), 40.5}};
    // An edge client that sends Idempotency-Key headers out of habit is served all the same.
    const Reply one = m_server.request("POST", QStringLiteral("/telemetry"), key,
                                       QJsonDocument(sample(mine, now, 1, reading)).toJson(),
                                       {{"Content-Type", "application/json"}, {"Idempotency-Key", "edge-1"}});
    QCOMPARE(one.status, 201);
    QCOMPARE(one.json.value(QStringLiteral("stored")).toInt(), 1);
    const Reply foreign = post(batch({sample(mine, now, 2, reading), sample(other, now, 1, reading)}), key);
    QCOMPARE(foreign.status, 403);
    QVERIFY(foreign.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("samples[1]")));
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins"), key).status, 403);      // a key only ingests
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + mine, key).status, 403);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes"), "lk_0123456789_forged").status, 401);

    const QString keyId = created.json.value(QStringLiteral("id")).toString();
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/nodes/%1/api-keys/%2").arg(mine, keyId), m_admin).status, 204);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry"), key, sample(mine, now, 3, reading)).status, 401);
    // Viewers cannot ingest; the stored sample is readable.
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry"), m_viewer, sample(mine, now, 4, reading)).status, 403);
    QCOMPARE(read(mine, QStringLiteral("bucket=raw")).json.value(QStringLiteral("time")).toArray().size(), 1);
}

void tst_Telemetry::retriedBatchesAreStoredOnce()
{
    const QString node = createNode(QStringLiteral("Retry pump"));
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 600000;
    QJsonArray first, second;
    for (int seq = 1; seq <= 200; ++seq) {
        const QJsonObject s = sample(node, start + seq * 100, seq, {{QStringLiteral("rpm"), 1500 + seq % 7},
                                                                    {QStringLiteral("vibration_x_g"), seq * 0.001}});
        (seq <= 100 ? first : second).append(s);
    }
    // The later batch lands first: stored, but nothing is acknowledged before seq 1 is.
    const Reply later = post(batch(second));
    QCOMPARE(later.status, 200);
    QCOMPARE(later.json.value(QStringLiteral("stored")).toInt(), 100);
    QCOMPARE(later.json.value(QStringLiteral("acked")).toObject().value(node).toInt(), 0);
    const Reply earlier = post(batch(first));
    QCOMPARE(earlier.json.value(QStringLiteral("acked")).toObject().value(node).toInt(), 200);

    // Five retries, each shuffled, and one mixing both halves: nothing more is stored.
    QRandomGenerator random(5);
    for (int retry = 0; retry < 5; ++retry) {
        QJsonArray shuffled;
        QList<QJsonValue> all;
        for (const QJsonValue &v : retry % 2 ? first : second)
            all.append(v);
        if (retry == 4) {
            for (const QJsonValue &v : first)
                all.append(v);
        }
        std::shuffle(all.begin(), all.end(), std::mt19937(random.generate()));
        for (const QJsonValue &v : all)
            shuffled.append(v);
        const Reply again = post(batch(shuffled));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json.value(QStringLiteral("stored")).toInt(), 0);
        QCOMPARE(again.json.value(QStringLiteral("duplicates")).toInt(), int(all.size()));
        QCOMPARE(again.json.value(QStringLiteral("acked")).toObject().value(node).toInt(), 200);
    }
    // A batch repeating a seq inside itself keeps the first.
    const Reply inner = post(batch({sample(node, start + 30000, 201, {{QStringLiteral("rpm"), 1.0}}),
                                    sample(node, start + 30001, 201, {{QStringLiteral("rpm"), 2.0}})}));
    QCOMPARE(inner.json.value(QStringLiteral("stored")).toInt(), 1);
    QCOMPARE(inner.json.value(QStringLiteral("duplicates")).toInt(), 1);
    // Another boot epoch starts its own sequence.
    const Reply rebooted = post(batch({sample(node, start + 40000, 1, {{QStringLiteral("rpm"), 3.0}})}, 2));
    QCOMPARE(rebooted.json.value(QStringLiteral("stored")).toInt(), 1);

    const QJsonObject all = readAllRaw(node, start, start + 60000, 1000);
    QCOMPARE(all.value(QStringLiteral("time")).toArray().size(), 202);
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id = '" + node.toLatin1() + "'"), 202);
    const QJsonArray rpm = all.value(QStringLiteral("values")).toObject().value(QStringLiteral("rpm")).toArray();
    QCOMPARE(rpm.at(200).toDouble(), 1.0);  // seq 201's first sample
    // Operators see the retries in the metrics.
    const QByteArray metrics = m_server.request("GET", QStringLiteral("/metrics")).body;
    const qsizetype at = metrics.indexOf("\nlaces_telemetry_samples_duplicate_total ");
    QVERIFY(at >= 0);
    QVERIFY(metrics.mid(at + 41, metrics.indexOf('\n', at + 1) - at - 41).toLongLong() >= 601);
}

void tst_Telemetry::concurrentRetriesAndRestartStoreOnce()
{
    // Two nodes in one batch, five copies of it in flight at once (overlapping halves too).
    const QString a = createNode(QStringLiteral("Burst pump A"));
    const QString b = createNode(QStringLiteral("Burst pump B"));
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 300000;
    QJsonArray samples;
    for (int seq = 1; seq <= 150; ++seq) {
        samples.append(sample(a, start + seq * 1000, seq, {{QStringLiteral("rpm"), double(seq)}}));
        samples.append(sample(b, start + seq * 1000, seq, {{QStringLiteral("rpm"), double(-seq)}}));
    }
    QJsonArray firstHalf, secondHalf;
    for (int i = 0; i < samples.size(); ++i)
        (i < 200 ? firstHalf : secondHalf).append(samples.at(i));
    const QList<QJsonArray> bodies{samples, secondHalf, samples, firstHalf, samples};
    QNetworkAccessManager network;
    QList<QNetworkReply *> replies;
    for (const QJsonArray &body : bodies) {
        QNetworkRequest request(QUrl(m_server.url().toString() + QStringLiteral("/telemetry/batch")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + m_operator);
        replies.append(network.post(request, QJsonDocument(batch(body, 4)).toJson(QJsonDocument::Compact)));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(), [](QNetworkReply *r) { return r->isFinished(); }),
                             30000);
    qint64 stored = 0, duplicates = 0;
    for (QNetworkReply *reply : std::as_const(replies)) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        stored += answer.value(QStringLiteral("stored")).toInteger();
        duplicates += answer.value(QStringLiteral("duplicates")).toInteger();
        reply->deleteLater();
    }
    QCOMPARE(stored, 300);
    QCOMPARE(duplicates, 300 * 3 + 200 + 100 - 300);  // everything posted, less what was stored
    const QByteArray nodes = "'" + a.toLatin1() + "', '" + b.toLatin1() + "'";
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id IN (" + nodes + ")"), 300);
    QCOMPARE(scalar("SELECT sum(count) FROM telemetry_rollup_1m WHERE node_id IN (" + nodes + ")"), 300);

    // What is stored survives a restart: a retry afterwards stores nothing.
    QVERIFY(m_server.restart());
    m_db = std::make_unique<Server::PgConnection>(m_server.server().conninfo());
    QVERIFY(m_db->open());
    const Reply again = post(batch(samples, 4));
    QCOMPARE(again.json.value(QStringLiteral("stored")).toInt(), 0);
    QCOMPARE(again.json.value(QStringLiteral("acked")).toObject().value(a).toInt(), 150);
    QCOMPARE(again.json.value(QStringLiteral("acked")).toObject().value(b).toInt(), 150);
}

void tst_Telemetry::badSampleStoresNothing()
{
    const QString node = createNode(QStringLiteral("Strict pump"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto samples = [&] {
        QJsonArray list;
        for (int i = 0; i < 10; ++i)
            list.append(sample(node, now - 10000 + i * 100, i + 1, {{QStringLiteral("rpm"), 1000 + i}}));
        return list;
    };
    struct Case
    {
        const char *name;
        std::function<void(QJsonArray &)> spoil;
        int status;
        QString field;
    };
    const QList<Case> cases{
        {"unknown node", [](QJsonArray &s) { QJsonObject o = s[7].toObject(); o[QStringLiteral("node_id")] = QUuid::createUuid().toString(QUuid::WithoutBraces); s[7] = o; },
         400, QStringLiteral("samples[7].node_id")},
        {"far future", [&](QJsonArray &s) { QJsonObject o = s[2].toObject(); o[QStringLiteral("time")] = rfc3339(now + 3600000); s[2] = o; },
         400, QStringLiteral("samples[2].time")},
        {"wrong type", [](QJsonArray &s) { QJsonObject o = s[5].toObject(); o[QStringLiteral("metrics")] = QJsonObject{{QStringLiteral("rpm"), QStringLiteral("fast")}}; s[5] = o; },
         400, QStringLiteral("samples[5].metrics.rpm")},
        {"unknown metric", [](QJsonArray &s) { QJsonObject o = s[1].toObject(); o[QStringLiteral("metrics")] = QJsonObject{{QStringLiteral("warp"), 1}}; s[1] = o; },
         400, QStringLiteral("samples[1].metrics.warp")},
        {"bad time", [](QJsonArray &s) { QJsonObject o = s[9].toObject(); o[QStringLiteral("time")] = QStringLiteral("yesterday"); s[9] = o; },
         400, QStringLiteral("samples[9].time")},
        {"fractional seq", [](QJsonArray &s) { QJsonObject o = s[4].toObject(); o[QStringLiteral("seq")] = 4.5; s[4] = o; },
         400, QStringLiteral("samples[4].seq")},
    };
    for (const Case &c : cases) {
        QJsonArray list = samples();
        c.spoil(list);
        const Reply reply = post(batch(list));
        QVERIFY2(reply.status == c.status, c.name);
        QVERIFY2(reply.errorField() == c.field, qPrintable(QStringLiteral("%1: %2").arg(QString::fromLatin1(c.name), reply.errorField())));
    }
    // A number beyond a double is not JSON we accept (CSV's "nan" and "inf" are tested below).
    QByteArray text = QJsonDocument(batch(samples())).toJson(QJsonDocument::Compact);
    text.replace("\"rpm\":1003", "\"rpm\":1e999");
    const Reply infinite = m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, text,
                                            {{"Content-Type", "application/json"}});
    QCOMPARE(infinite.status, 400);
    // A metric given twice in one sample: which value was measured? Refused, named.
    text = QJsonDocument(batch(samples())).toJson(QJsonDocument::Compact);
    text.replace("\"rpm\":1006", "\"rpm\":1006,\"rpm\":6");
    const Reply repeated = m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, text,
                                            {{"Content-Type", "application/json"}});
    QCOMPARE(repeated.status, 400);
    QCOMPARE(repeated.errorField(), QStringLiteral("samples[6].metrics.rpm"));
    // Over the batch limit: 413.
    QJsonArray many;
    for (int i = 0; i < 5001; ++i)
        many.append(sample(node, now - 60000 + i, i + 1, {{QStringLiteral("rpm"), 1}}));
    QCOMPARE(post(batch(many)).status, 413);

    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id = '" + node.toLatin1() + "'"), 0);
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_rollup_1m WHERE node_id = '" + node.toLatin1() + "'"), 0);
    QCOMPARE(post(batch(samples())).json.value(QStringLiteral("stored")).toInt(), 10);  // and the good batch goes in
}

void tst_Telemetry::csvBatches()
{
    const QString node = createNode(QStringLiteral("CSV pump"));
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 120000;
    QByteArray csv = "node_id,time,seq,temperature_c,pressure_bar\n";
    for (int i = 1; i <= 50; ++i)
        csv += node.toLatin1() + ',' + (i % 2 ? QByteArray::number(start + i * 1000) : rfc3339(start + i * 1000).toLatin1())
               + ',' + QByteArray::number(i) + ',' + QByteArray::number(20 + i * 0.25) + ','
               + (i % 5 ? QByteArray::number(1.5) : QByteArray()) + "\r\n";
    const QList<QPair<QByteArray, QByteArray>> type{{"Content-Type", "text/csv"}};
    const Reply stored = m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=3"), m_operator, csv, type);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json.value(QStringLiteral("stored")).toInt(), 50);
    QCOMPARE(stored.json.value(QStringLiteral("acked")).toObject().value(node).toInt(), 50);
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=3"), m_operator, csv, type)
                 .json.value(QStringLiteral("duplicates")).toInt(), 50);
    const QJsonObject all = readAllRaw(node, start, start + 60000, 20);
    const QJsonObject values = all.value(QStringLiteral("values")).toObject();
    QCOMPARE(values.value(QStringLiteral("temperature_c")).toArray().at(3).toDouble(), 21.0);
    QVERIFY(values.value(QStringLiteral("pressure_bar")).toArray().at(4).isNull());  // line 6 left it empty
    QCOMPARE(values.value(QStringLiteral("pressure_bar")).toArray().at(3).toDouble(), 1.5);

    const auto refusedAt = [&](const QByteArray &body, const QString &field) {
        const Reply reply = m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, body, type);
        return reply.status == 400 && reply.errorField() == field;
    };
    const QByteArray row = node.toLatin1() + ',' + QByteArray::number(start) + ",99,1\n";
    QVERIFY(refusedAt("node_id,time,seq,warp\n" + row, QStringLiteral("line 1")));
    QVERIFY(refusedAt("node_id,time,rpm\n", QStringLiteral("line 1")));
    QVERIFY(refusedAt("node_id,time,seq,rpm\n" + row + node.toLatin1() + ",later,100,1\n", QStringLiteral("line 3.time")));
    QVERIFY(refusedAt("node_id,time,seq,rpm\n" + row + node.toLatin1() + ',' + QByteArray::number(start) + ",100,nan\n",
                      QStringLiteral("line 3.rpm")));
    QVERIFY(refusedAt("node_id,time,seq,rpm\n" + row + node.toLatin1() + ',' + QByteArray::number(start) + ",100,inf\n",
                      QStringLiteral("line 3.rpm")));
    QVERIFY(refusedAt("node_id,time,seq,rpm\n" + row + "1,2\n", QStringLiteral("line 3")));
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, "<xml/>", {{"Content-Type", "application/xml"}}).status, 415);
}

void tst_Telemetry::partitionsAcrossDayBoundaryAndDefault()
{
    const QString node = createNode(QStringLiteral("Midnight pump"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 midnight = now - now % kDayMs;
    QJsonArray samples;
    for (int i = 0; i < 20; ++i)
        samples.append(sample(node, midnight - 10000 + i * 1000, i + 1, {{QStringLiteral("rpm"), i}}));
    QCOMPARE(post(batch(samples)).json.value(QStringLiteral("stored")).toInt(), 20);
    const auto table = [](qint64 ms) {
        return "telemetry_data_p" + QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyyMMdd")).toLatin1();
    };
    QCOMPARE(scalar("SELECT count(*) FROM " + table(midnight - 1) + " WHERE node_id = '" + node.toLatin1() + "'"), 10);
    QCOMPARE(scalar("SELECT count(*) FROM " + table(midnight) + " WHERE node_id = '" + node.toLatin1() + "'"), 10);

    // A row that went to DEFAULT (its day had no partition) moves when the day gets one.
    const qint64 old = midnight - 4 * kDayMs + 3600000;
    QCOMPARE(scalar("SELECT count(*) FROM pg_class WHERE relname = '" + table(old) + "'"), 0);
    QVERIFY(m_db->exec("INSERT INTO telemetry_data (node_id, time, boot_epoch, seq, rpm) VALUES ('" + node.toLatin1()
                       + "', timestamptz 'epoch' + " + QByteArray::number(old) + " * interval '1 ms', 9, 1, 5)"));
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data_default"), 1);
    QCOMPARE(post(batch({sample(node, old + 1000, 21, {{QStringLiteral("rpm"), 6}})})).status, 200);
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data_default"), 0);
    QCOMPARE(scalar("SELECT count(*) FROM " + table(old)), 2);
    // Maintenance keeps partitions ready ahead of time.
    QVERIFY(m_server.server().runTelemetryMaintenance(now));
    QCOMPARE(scalar("SELECT count(*) FROM pg_class WHERE relname = '" + table(now + 2 * kDayMs) + "'"), 1);
}

void tst_Telemetry::lateDataUpdatesRollups()
{
    const QString node = createNode(QStringLiteral("Rollup pump"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 minute = now - now % 60000 - 10 * 60000;
    QJsonArray samples;
    for (int i = 0; i < 6; ++i)
        samples.append(sample(node, minute + i * 10000, i + 1, {{QStringLiteral("temperature_c"), 40.0 + i}}));
    samples.append(sample(node, minute + 60000, 7, {{QStringLiteral("temperature_c"), 80.0}}));
    QCOMPARE(post(batch(samples)).json.value(QStringLiteral("stored")).toInt(), 7);
    const auto bucketOf = [&](const QString &size) {
        const Reply reply = read(node, QStringLiteral("bucket=%1&metrics=temperature_c&from=%2&to=%3").arg(size).arg(minute).arg(minute + 120000));
        return reply.json.value(QStringLiteral("series")).toObject().value(QStringLiteral("temperature_c")).toObject();
    };
    QJsonObject m = bucketOf(QStringLiteral("1m"));
    QCOMPARE(m.value(QStringLiteral("time")).toArray().size(), 2);
    QCOMPARE(m.value(QStringLiteral("time")).toArray().at(0).toDouble(), double(minute));
    QCOMPARE(m.value(QStringLiteral("count")).toArray().at(0).toInt(), 6);
    QCOMPARE(m.value(QStringLiteral("mean")).toArray().at(0).toDouble(), 42.5);
    QCOMPARE(m.value(QStringLiteral("min")).toArray().at(0).toDouble(), 40.0);
    QVERIFY(std::abs(m.value(QStringLiteral("stddev")).toArray().at(0).toDouble() - std::sqrt(17.5 / 6)) < 1e-9);

    // A late sample for the first minute, in a later batch.
    QCOMPARE(post(batch({sample(node, minute + 5000, 8, {{QStringLiteral("temperature_c"), 10.0}})})).json.value(QStringLiteral("stored")).toInt(), 1);
    m = bucketOf(QStringLiteral("1m"));
    QCOMPARE(m.value(QStringLiteral("count")).toArray().at(0).toInt(), 7);
    QCOMPARE(m.value(QStringLiteral("min")).toArray().at(0).toDouble(), 10.0);
    QCOMPARE(m.value(QStringLiteral("max")).toArray().at(1).toDouble(), 80.0);
    const QJsonObject h = bucketOf(QStringLiteral("1h"));
    QCOMPARE(h.value(QStringLiteral("count")).toArray().at(0).toInt() + (h.value(QStringLiteral("count")).toArray().size() > 1
                 ? h.value(QStringLiteral("count")).toArray().at(1).toInt() : 0), 8);
    const QJsonObject d = bucketOf(QStringLiteral("1d"));
    int dayCount = 0;
    for (const QJsonValue &c : d.value(QStringLiteral("count")).toArray())
        dayCount += c.toInt();
    QCOMPARE(dayCount, 8);
    // The rollups agree with the raw rows.
    QCOMPARE(scalar("SELECT sum(count) FROM telemetry_rollup_1m WHERE node_id = '" + node.toLatin1() + "'"), 8);
    QCOMPARE(read(node, QStringLiteral("bucket=1m&from=0&to=%1").arg(now)).status, 400);  // too many buckets
    QCOMPARE(read(node, QStringLiteral("bucket=5m")).errorField(), QStringLiteral("bucket"));
    QCOMPARE(read(node, QStringLiteral("from=soon")).errorField(), QStringLiteral("from"));
    QCOMPARE(read(node, QStringLiteral("from=-9223372036854775807&to=9223372036854775807")).status, 400);
    QCOMPARE(read(node, QStringLiteral("metrics=rpm,warp")).errorField(), QStringLiteral("metrics"));
    QCOMPARE(read(QUuid::createUuid().toString(QUuid::WithoutBraces), QString()).status, 404);
}

void tst_Telemetry::compressedStorageReadsTheSame()
{
    // Three hours of a real pump (SKAB), nine days ago, with a gap and a missing metric.
    const QString node = createNode(QStringLiteral("SKAB pump"));
    QFile file(QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab/anomaly-free/anomaly-free.csv"));
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    file.readLine();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = now - now % 3600000 - 9 * kDayMs + 1800000;
    const char *names[] = {"vibration_x_g", "vibration_y_g", "current_a", "pressure_bar", "temperature_c",
                           "thermocouple_c", "voltage_v", "flow_lpm"};
    QList<QJsonArray> batches(4);
    int sent = 0;
    for (int seq = 1; seq <= 3 * 3600 && !file.atEnd(); ++seq) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(';');
        if (seq > 4000 && seq < 4100)
            continue;  // the device was off for a while
        QJsonObject metrics;
        for (int c = 0; c < 8; ++c) {
            if (!(c == 3 && seq % 10 == 0))
                metrics.insert(QString::fromLatin1(names[c]), fields.at(c + 1).toDouble());
        }
        batches[seq % 4].append(sample(node, start + seq * 1000, seq, metrics));
        ++sent;
    }
    QVERIFY(sent > 9000);
    for (const QJsonArray &part : std::as_const(batches)) {
        for (int from = 0; from < part.size(); from += 2500) {
            QJsonArray slice;
            for (int i = from; i < std::min<int>(from + 2500, part.size()); ++i)
                slice.append(part.at(i));
            QCOMPARE(post(batch(slice)).status, 200);
        }
    }
    const qint64 end = start + 4 * 3600000;
    const QJsonObject rawBefore = readAllRaw(node, start, end, 3000);
    QCOMPARE(rawBefore.value(QStringLiteral("time")).toArray().size(), sent);
    const QJsonObject middleBefore = readAllRaw(node, start + 1234567, start + 2345678, 777);
    const QByteArray hoursBefore = read(node, QStringLiteral("bucket=1h&from=%1&to=%2").arg(start).arg(end)).body;

    auto report = m_server.server().runTelemetryMaintenance(now);
    QVERIFY(report);
    QVERIFY(report->daysCompressed >= 1);
    QVERIFY(report->rowsCompressed >= sent);
    const QByteArray nodeId = node.toLatin1();
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id = '" + nodeId + "'"), 0);
    QVERIFY(scalar("SELECT count(*) FROM telemetry_chunks WHERE node_id = '" + nodeId + "'") >= 3);
    const double ratio = double(report->rawBytesCompressed) / double(report->chunkBytesWritten);
    qInfo("compressed %lld rows: %lld bytes of partition to %lld bytes of chunks (%.1f:1)", report->rowsCompressed,
          report->rawBytesCompressed, report->chunkBytesWritten, ratio);

    // Reading gives the same samples, whatever the page size and range.
    QCOMPARE(readAllRaw(node, start, end, 3000), rawBefore);
    QCOMPARE(readAllRaw(node, start + 1234567, start + 2345678, 777), middleBefore);
    QCOMPARE(read(node, QStringLiteral("bucket=1h&from=%1&to=%2").arg(start).arg(end)).body.mid(0), hoursBefore);

    // Late samples for the compressed day: readable at once, merged into the chunks later.
    QJsonArray late;
    for (int seq = 4001; seq < 4100; ++seq)
        late.append(sample(node, start + seq * 1000, seq, {{QStringLiteral("current_a"), 1.25}}));
    QCOMPARE(post(batch(late)).json.value(QStringLiteral("stored")).toInt(), 99);
    const QJsonObject withLate = readAllRaw(node, start, end, 5000);
    QCOMPARE(withLate.value(QStringLiteral("time")).toArray().size(), sent + 99);
    QVERIFY(m_server.server().runTelemetryMaintenance(now));
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id = '" + nodeId + "'"), 0);
    QCOMPARE(readAllRaw(node, start, end, 5000), withLate);
    QCOMPARE(scalar("SELECT sum(row_count) FROM telemetry_chunks WHERE node_id = '" + nodeId + "'"), sent + 99);
}

void tst_Telemetry::lateSamplesDuringCompressionAreKept()
{
    // A day nine days ago with 20,000 samples is compressed while an edge device keeps
    // uploading a backlog for that same day. Every sample it was told is stored must be
    // there afterwards, once. (A refused batch is retried, as the edge does.)
    const QString node = createNode(QStringLiteral("Backlog pump"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 day = now - now % kDayMs - 9 * kDayMs;
    for (int batch = 0; batch < 4; ++batch) {  // the test server takes 5,000 a batch
        QByteArray csv = "node_id,time,seq,rpm\n";
        for (int i = batch * 5000; i < (batch + 1) * 5000; ++i)
            csv += node.toLatin1() + ',' + QByteArray::number(day + i * 1000) + ',' + QByteArray::number(i + 1) + ",1\n";
        QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, csv, {{"Content-Type", "text/csv"}})
                     .json.value(QStringLiteral("stored")).toInt(), 5000);
    }
    std::atomic<bool> done{false};
    bool compressed = false;
    std::thread maintenance([&] {
        compressed = m_server.server().runTelemetryMaintenance(now).ok();
        done = true;
    });
    int seq = 20001, refused = 0;
    while (!done || seq < 20101) {
        QByteArray late = "node_id,time,seq,rpm\n";
        for (int i = 0; i < 10; ++i, ++seq)
            late += node.toLatin1() + ',' + QByteArray::number(day + 40000000 + seq) + ',' + QByteArray::number(seq) + ",2\n";
        for (int attempt = 0; attempt < 20; ++attempt) {
            const Reply reply = m_server.request("POST", QStringLiteral("/telemetry/batch"), m_operator, late,
                                                 {{"Content-Type", "text/csv"}});
            if (reply.status == 200)
                break;
            ++refused;
            QTest::qWait(50);
        }
    }
    maintenance.join();
    QVERIFY(compressed);
    qInfo("%d late samples sent during compression, %d batch(es) refused and retried", seq - 20001, refused);
    const QJsonObject all = readAllRaw(node, day, day + kDayMs, 20000);
    QCOMPARE(all.value(QStringLiteral("time")).toArray().size(), seq - 1);
    QVERIFY(m_server.server().runTelemetryMaintenance(now));  // the late ones into chunks too
    const QJsonObject after = readAllRaw(node, day, day + kDayMs, 20000);
    QCOMPARE(after, all);
    QCOMPARE(scalar("SELECT sum(row_count) FROM telemetry_chunks WHERE node_id = '" + node.toLatin1() + "'"), seq - 1);
}

void tst_Telemetry::retentionDropsOldData()
{
    const QString node = createNode(QStringLiteral("Old pump"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 old = now - 3 * kDayMs;
    QCOMPARE(post(batch({sample(node, old, 1, {{QStringLiteral("rpm"), 1.0}}), sample(node, now - 1000, 2, {{QStringLiteral("rpm"), 2.0}})})).json
                 .value(QStringLiteral("stored")).toInt(), 2);
    // Older than the raw retention (30 days) is refused at the door.
    QCOMPARE(post(batch({sample(node, now - 31 * kDayMs, 3, {{QStringLiteral("rpm"), 1.0}})})).errorField(), QStringLiteral("samples[0].time"));

    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + node, m_admin).json.value(QStringLiteral("status")).toString(),
             QStringLiteral("online"));  // it reported
    // 28 days on, the old sample's day is past the retention; the recent one is not.
    auto report = m_server.server().runTelemetryMaintenance(now + 28 * kDayMs);
    QVERIFY(report);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + node, m_admin).json.value(QStringLiteral("status")).toString(),
             QStringLiteral("offline"));  // and has been silent since
    QVERIFY(report->partitionsDropped + report->chunksDeleted > 0);
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_data WHERE node_id = '" + node.toLatin1() + "' AND time < now() - interval '2 days'"), 0);
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_chunks WHERE node_id = '" + node.toLatin1() + "' AND hour < now() - interval '2 days'"), 0);
    const QJsonObject left = readAllRaw(node, old - 1000, now, 100);
    QCOMPARE(left.value(QStringLiteral("time")).toArray().size(), 1);
    // Minute rollups (90 days) outlive raw rows; a hundred days on they are gone too, hours stay.
    QVERIFY(scalar("SELECT count(*) FROM telemetry_rollup_1m WHERE node_id = '" + node.toLatin1() + "'") == 2);
    QVERIFY(m_server.server().runTelemetryMaintenance(now + 100 * kDayMs));
    QCOMPARE(scalar("SELECT count(*) FROM telemetry_rollup_1m WHERE node_id = '" + node.toLatin1() + "'"), 0);
    QCOMPARE(scalar("SELECT sum(count) FROM telemetry_rollup_1h WHERE node_id = '" + node.toLatin1() + "'"), 2);
}

void tst_Telemetry::fleetSummaryShowsHealth()
{
    const QJsonArray limits{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                        {QStringLiteral("max"), 100}, {QStringLiteral("warn_above"), 80}}};
    const QString hot = createNode(QStringLiteral("Hot pump"), limits);
    const QString warm = createNode(QStringLiteral("Warm pump"), limits);
    const QString cool = createNode(QStringLiteral("Cool pump"), limits);
    const QString silent = createNode(QStringLiteral("Silent pump"), limits);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(post(batch({sample(hot, now - 5000, 1, {{QStringLiteral("temperature_c"), 50.0}}),
                         sample(hot, now - 1000, 2, {{QStringLiteral("temperature_c"), 120.5}}),
                         sample(warm, now - 1000, 1, {{QStringLiteral("temperature_c"), 85.0}}),
                         sample(cool, now - 1000, 1, {{QStringLiteral("temperature_c"), 30.0}, {QStringLiteral("rpm"), 900.0}})})).status, 200);
    const Reply summary = m_server.request("GET", QStringLiteral("/fleet/summary"), m_viewer);
    QCOMPARE(summary.status, 200);
    QHash<QString, QJsonObject> byId;
    for (const QJsonValue &node : summary.json.value(QStringLiteral("nodes")).toArray())
        byId.insert(node.toObject().value(QStringLiteral("id")).toString(), node.toObject());
    QCOMPARE(byId.value(hot).value(QStringLiteral("health")).toString(), QStringLiteral("critical"));
    QCOMPARE(byId.value(hot).value(QStringLiteral("latest")).toObject().value(QStringLiteral("metrics")).toObject()
                 .value(QStringLiteral("temperature_c")).toDouble(), 120.5);  // the newest sample
    QCOMPARE(byId.value(hot).value(QStringLiteral("problems")).toArray().at(0).toObject().value(QStringLiteral("limit")).toString(), QStringLiteral("max"));
    QCOMPARE(byId.value(warm).value(QStringLiteral("health")).toString(), QStringLiteral("warning"));
    QCOMPARE(byId.value(cool).value(QStringLiteral("health")).toString(), QStringLiteral("ok"));
    QCOMPARE(byId.value(cool).value(QStringLiteral("status")).toString(), QStringLiteral("online"));  // it reported
    QCOMPARE(byId.value(silent).value(QStringLiteral("health")).toString(), QStringLiteral("no_data"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/fleet/summary"), m_stranger).json.value(QStringLiteral("nodes")).toArray().size(), 0);
}

void tst_Telemetry::liveTelemetryIsDownsampled()
{
    const QString node = createNode(QStringLiteral("Live pump"));
    const auto hub = Tests::openHubSocket(m_server.server().port(), m_viewer);
    QWebSocket &socket = *hub;
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    QSignalSpy messages(&socket, &QWebSocket::textMessageReceived);
    socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe_telemetry","node_id":"%1","metrics":["rpm"]})").arg(node));
    QCOMPARE(Tests::nextMessageOfType(messages, QStringLiteral("telemetry_subscribed")).value(QStringLiteral("node_id")).toString(), node);
    // A node of another organization is not found.
    const QString foreign = m_server.requestJson("POST", QStringLiteral("/nodes"), m_stranger,
                                                 {{QStringLiteral("name"), QStringLiteral("Theirs")}, {QStringLiteral("type"), QStringLiteral("pump")},
                                                  {QStringLiteral("latitude"), 0}, {QStringLiteral("longitude"), 0}}).json.value(QStringLiteral("id")).toString();
    socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe_telemetry","node_id":"%1"})").arg(foreign));
    QCOMPARE(Tests::nextMessageOfType(messages, QStringLiteral("error")).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));

    // 60 single samples as fast as they go: the subscriber gets at most 10 messages a
    // second, the last one carrying the newest sample, and only the metric it asked for.
    QElapsedTimer timer;
    timer.start();
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 1000;
    for (int seq = 1; seq <= 60; ++seq)
        QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry"), m_operator,
                                      sample(node, start + seq, seq, {{QStringLiteral("rpm"), double(seq)}, {QStringLiteral("torque_nm"), 5.0}})).status, 201);
    QJsonObject last;
    int received = 0;
    while (true) {
        const QJsonObject message = Tests::nextMessageOfType(messages, QStringLiteral("telemetry"), 600);
        if (message.isEmpty())
            break;
        ++received;
        last = message.value(QStringLiteral("samples")).toArray().last().toObject();
    }
    const double seconds = double(timer.elapsed()) / 1000;
    qInfo("%d telemetry messages in %.2f s for 60 samples", received, seconds);
    QVERIFY(received >= 1);
    QVERIFY(received <= int(seconds * 10) + 1);
    QCOMPARE(last.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("rpm")).toDouble(), 60.0);
    QVERIFY(!last.value(QStringLiteral("metrics")).toObject().contains(QStringLiteral("torque_nm")));
}

void tst_Telemetry::demoFleetReports()
{
    Tests::TestServer demo;
    QVERIFY2(demo.start([](Server::ServerConfig &config) { config.demo = true; }), qPrintable(demo.errorString()));
    const QByteArray token = demo.login(QStringLiteral("viewer"), QStringLiteral("demo-viewer"));
    QVERIFY(!token.isEmpty());
    // Six hours of history at once, then a sample a second from every online node.
    QString pump;
    const auto reporting = [&] {
        int count = 0;
        const QJsonObject summary = demo.request("GET", QStringLiteral("/fleet/summary"), token).json;
        for (const QJsonValue &value : summary.value(QStringLiteral("nodes")).toArray()) {
            const QJsonObject node = value.toObject();
            if (node.value(QStringLiteral("latest")).isObject())
                ++count;
            if (node.value(QStringLiteral("name")).toString() == QLatin1String("Cooling pump STU-02"))
                pump = node.value(QStringLiteral("id")).toString();
        }
        return count;
    };
    QTRY_COMPARE_WITH_TIMEOUT(reporting(), 18, 15000);  // the online ones
    const auto samplesOf = [&] {
        return demo.request("GET", QStringLiteral("/telemetry/%1?bucket=1h&metrics=temperature_c&from=%2")
                                       .arg(pump).arg(QDateTime::currentMSecsSinceEpoch() - 7 * 3600000LL), token)
            .json.value(QStringLiteral("series")).toObject().value(QStringLiteral("temperature_c")).toObject();
    };
    QJsonObject hours = samplesOf();
    qint64 before = 0;
    for (const QJsonValue &count : hours.value(QStringLiteral("count")).toArray())
        before += count.toInteger();
    QVERIFY(before >= 6 * 360);
    // The warming pump: the last hour's mean is above the first's.
    const QJsonArray means = hours.value(QStringLiteral("mean")).toArray();
    QVERIFY(means.last().toDouble() > means.first().toDouble() + 5);
    QTest::qWait(2500);
    qint64 after = 0;
    for (const QJsonValue &count : samplesOf().value(QStringLiteral("count")).toArray())
        after += count.toInteger();
    QVERIFY(after >= before + 2);
}

QTEST_GUILESS_MAIN(tst_Telemetry)
#include "tst_telemetry.moc"
