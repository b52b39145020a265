// Rate limits: a token bucket per user (and per edge API key) kept in PostgreSQL, so that
// it holds across instances on one database; 429 with Retry-After and the RateLimit
// headers; /health and /metrics exempt; registrations limited per address; and the API
// client waiting and sending again instead of failing.

#include "apiclient.h"
#include "testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace Laces;
using Laces::Tests::Reply;

using Laces::Tests::eventually;

class tst_RateLimit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void userBucketRefusesTheHundredAndFirst();
    void healthAndMetricsAreExempt();
    void bucketIsSharedAcrossInstances();
    void edgeKeysHaveTheirOwnLimit();
    void registrationIsLimitedPerAddress();
    void clientWaitsAndSendsAgain();

private:
    QByteArray userToken(const QString &name);

    Tests::TestServer m_server;
    QByteArray m_admin;
    int m_users = 0;
};

void tst_RateLimit::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) {
        config.rateLimitPerMin = 100;          // the product's default
        config.edgeRateLimitPerMin = 20;
        config.registrationsPerHourPerAddress = 0;   // on in its own test
    }),
             qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("limits-admin"), QStringLiteral("correct horse battery"));
    m_admin = m_server.login(QStringLiteral("limits-admin"), QStringLiteral("correct horse battery"));
    QVERIFY(!m_admin.isEmpty());
}

QByteArray tst_RateLimit::userToken(const QString &name)
{
    const QString username = name + QString::number(++m_users);
    m_server.createUser(m_admin, username, QStringLiteral("engineer"), QStringLiteral("correct horse battery"));
    return m_server.login(username, QStringLiteral("correct horse battery"));
}

void tst_RateLimit::userBucketRefusesTheHundredAndFirst()
{
    const QByteArray token = userToken(QStringLiteral("busy"));
    QVERIFY(!token.isEmpty());
    int lastRemaining = 101;
    for (int i = 0; i < 100; ++i) {
        const Reply reply = m_server.request("GET", QStringLiteral("/auth/me"), token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.headers.value("ratelimit-limit"), QByteArray("100"));
        QCOMPARE(reply.headers.value("ratelimit-policy"), QByteArray("100;w=60"));
        const int remaining = reply.headers.value("ratelimit-remaining").toInt();
        // Counts down (a token comes back every 0.6 s, so now and then it stays).
        QVERIFY2(remaining <= lastRemaining, qPrintable(QStringLiteral("%1 after %2").arg(remaining).arg(lastRemaining)));
        lastRemaining = remaining;
    }
    QVERIFY(lastRemaining <= 5);
    // Drain what refilled meanwhile, then the next is refused.
    Reply refused;
    for (int i = 0; i < 20 && refused.status != 429; ++i)
        refused = m_server.request("GET", QStringLiteral("/auth/me"), token);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), QStringLiteral("rate_limited"));
    const int retryAfter = refused.headers.value("retry-after").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 1, refused.headers.value("retry-after").constData());  // 0.6 s, rounded up
    QCOMPARE(refused.headers.value("ratelimit-remaining"), QByteArray("0"));
    QVERIFY(refused.headers.value("ratelimit-reset").toInt() >= 59);
    // Another user is not affected.
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), userToken(QStringLiteral("calm"))).status, 200);
    // After Retry-After, the same user is served again.
    QTest::qWait(retryAfter * 1000 + 50);
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), token).status, 200);
    const Reply metrics = m_server.request("GET", QStringLiteral("/metrics"));
    QVERIFY(!metrics.body.contains("laces_http_rate_limited_total 0\n"));
}

void tst_RateLimit::healthAndMetricsAreExempt()
{
    for (int i = 0; i < 150; ++i) {
        QCOMPARE(m_server.request("GET", QStringLiteral("/health")).status, 200);
        QCOMPARE(m_server.request("GET", QStringLiteral("/metrics")).status, 200);
    }
}

void tst_RateLimit::bucketIsSharedAcrossInstances()
{
    // Two instances on one database, the calls alternating between them for 12 s: what gets
    // through is one bucket's worth, 120 at once plus 2 a second, not two buckets' worth.
    QString error;
    auto peer = m_server.startPeer([](Server::ServerConfig &config) {
        config.rateLimitPerMin = 120;
        config.accessLog = Server::AccessLog::Off;
    }, &error);
    QVERIFY2(peer, qPrintable(error));
    auto second = m_server.startPeer([](Server::ServerConfig &config) {
        config.rateLimitPerMin = 120;
        config.accessLog = Server::AccessLog::Off;
    }, &error);
    QVERIFY2(second, qPrintable(error));
    const QByteArray token = userToken(QStringLiteral("spread"));
    QNetworkAccessManager network;
    const QList<QUrl> instances{peer->url(), second->url()};
    int allowed = 0;
    int refused = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; clock.elapsed() < 12000; ++i) {
        const Reply reply = Tests::requestAt(network, instances[i % 2], "GET", QStringLiteral("/auth/me"), token);
        QVERIFY2(reply.status == 200 || reply.status == 429, reply.body.constData());
        (reply.status == 200 ? allowed : refused) += 1;
        QTest::qWait(2);
    }
    const double expected = 120 + double(clock.elapsed()) / 1000.0 * 2.0;
    qInfo("allowed %d of %d over %.1f s across two instances; one bucket allows %.0f",
          allowed, allowed + refused, double(clock.elapsed()) / 1000.0, expected);
    QVERIFY(refused > 0);
    QVERIFY2(qAbs(allowed - expected) <= 0.1 * expected, qPrintable(QString::number(allowed)));

    // A burst of 300 calls at once, spread over both instances and their workers: never more
    // than the bucket holds (120, plus what refills during the burst), and at most the
    // instances' unspent leases (6 tokens each) fewer.
    const QByteArray burstToken = userToken(QStringLiteral("burst"));
    int answered = 0;
    int served = 0;
    QElapsedTimer burst;
    burst.start();
    for (int i = 0; i < 300; ++i) {
        QNetworkRequest request(QUrl(instances[i % 2].toString() + QStringLiteral("/auth/me")));
        request.setRawHeader("Authorization", "Bearer " + burstToken);
        QNetworkReply *reply = network.get(request);
        connect(reply, &QNetworkReply::finished, this, [&, reply] {
            reply->deleteLater();
            ++answered;
            served += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
        });
    }
    QVERIFY(eventually([&] { return answered == 300; }, 30000));
    const double refilled = double(burst.elapsed()) / 1000.0 * 2.0;
    qInfo("burst: %d of 300 served in %.2f s (bucket 120, %.1f refilled meanwhile)", served,
          double(burst.elapsed()) / 1000.0, refilled);
    QVERIFY2(served <= 120 + int(std::ceil(refilled)), qPrintable(QString::number(served)));
    QVERIFY2(served >= 120 - 2 * 6, qPrintable(QString::number(served)));
}

void tst_RateLimit::edgeKeysHaveTheirOwnLimit()
{
    const Reply node = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin,
                                            {{QStringLiteral("name"), QStringLiteral("limited-pump")},
                                             {QStringLiteral("type"), QStringLiteral("pump")},
                                             {QStringLiteral("latitude"), 48.1},
                                             {QStringLiteral("longitude"), 11.6}});
    QCOMPARE(node.status, 201);
    const QString nodeId = node.json.value(QStringLiteral("id")).toString();
    const Reply key = m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(nodeId), m_admin,
                                           {{QStringLiteral("name"), QStringLiteral("edge")}});
    const QByteArray apiKey = key.json.value(QStringLiteral("key")).toString().toLatin1();
    QVERIFY(!apiKey.isEmpty());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int stored = 0;
    Reply last;
    for (int seq = 1; seq <= 30 && last.status != 429; ++seq) {
        const QJsonObject sample{{QStringLiteral("node_id"), nodeId},
                                 {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(now - 60000 + seq, Qt::UTC)
                                                              .toString(Qt::ISODateWithMs)},
                                 {QStringLiteral("seq"), seq},
                                 {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), 40.0 + seq}}}};
        last = m_server.requestJson("POST", QStringLiteral("/telemetry"), apiKey, sample);
        stored += last.status == 201;
    }
    // The edge limit here is 20 a minute (its own bucket, keyed by the node).
    QCOMPARE(last.status, 429);
    QVERIFY2(stored >= 20 && stored <= 21, qPrintable(QString::number(stored)));
    QCOMPARE(last.headers.value("ratelimit-limit"), QByteArray("20"));
    // The admin who made the node is not slowed by it.
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + nodeId, m_admin).status, 200);
}

void tst_RateLimit::registrationIsLimitedPerAddress()
{
    Tests::TestServer server;
    QVERIFY2(server.start([](Server::ServerConfig &config) { config.registrationsPerHourPerAddress = 3; }),
             qPrintable(server.errorString()));
    for (int i = 0; i < 3; ++i) {
        const Reply created = server.requestJson("POST", QStringLiteral("/auth/register"), {},
                                                 {{QStringLiteral("username"), QStringLiteral("newcomer%1").arg(i)},
                                                  {QStringLiteral("email"), QStringLiteral("n%1@example.org").arg(i)},
                                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        QCOMPARE(created.status, 201);
    }
    const Reply fourth = server.requestJson("POST", QStringLiteral("/auth/register"), {},
                                            {{QStringLiteral("username"), QStringLiteral("newcomer9")},
                                             {QStringLiteral("email"), QStringLiteral("n9@example.org")},
                                             {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
    QCOMPARE(fourth.status, 429);
    // One registration comes back every 20 minutes.
    const int retryAfter = fourth.headers.value("retry-after").toInt();
    QVERIFY2(retryAfter > 1100 && retryAfter <= 1200, fourth.headers.value("retry-after").constData());
    // Nobody was made by the refused call.
    QCOMPARE(server.login(QStringLiteral("newcomer9"), QStringLiteral("correct horse battery")), QByteArray());
}

void tst_RateLimit::clientWaitsAndSendsAgain()
{
    // 60 a minute: one token a second, so Retry-After is 1 s.
    Tests::TestServer server;
    QVERIFY2(server.start([](Server::ServerConfig &config) { config.rateLimitPerMin = 60; }),
             qPrintable(server.errorString()));
    server.registerUser(QStringLiteral("desk"), QStringLiteral("correct horse battery"));
    App::ApiClient client;
    client.setBaseUrl(server.url());
    QSignalSpy slowed(&client, &App::ApiClient::slowedDown);
    QSignalSpy restored(&client, &App::ApiClient::speedRestored);
    bool loggedIn = false;
    client.login(QStringLiteral("desk"), QStringLiteral("correct horse battery"), this,
                 [&](const QJsonObject &, const App::ApiError *error) { loggedIn = !error; });
    QVERIFY(eventually([&] { return loggedIn; }, 10000));
    // 63 calls at once (a desktop opening a busy dashboard): 60 are served from the bucket,
    // the other three wait and go again.
    int answered = 0;
    int failed = 0;
    for (int i = 0; i < 63; ++i)
        client.me(this, [&](const QJsonObject &, const App::ApiError *error) {
            ++answered;
            failed += error != nullptr;
        });
    QVERIFY(eventually([&] { return answered == 63; }, 60000));
    QCOMPARE(failed, 0);
    QVERIFY(!slowed.isEmpty());
    QCOMPARE(slowed.first().at(0).toInt(), 1);
    QVERIFY(eventually([&] { return !restored.isEmpty(); }, 5000));
}

QTEST_GUILESS_MAIN(tst_RateLimit)
#include "tst_ratelimit.moc"
