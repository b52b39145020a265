#include "db/pgconnection.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace Laces;
using Tests::Reply;

// Idempotency-Key on creating requests, over real HTTP and PostgreSQL.
class tst_Idempotency : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void retryReturnsFirstAnswer();
    void tenConcurrentCreateOnce();
    void differentBodyRefused();
    void keysArePerUser();
    void badKeyRefused();

private:
    Reply post(const QByteArray &token, const QByteArray &key, const QString &name);
    qint64 twinsNamed(const QString &name);

    Tests::TestServer m_server;
    QByteArray m_token;
    QByteArray m_other;
};

void tst_Idempotency::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("ida"), QStringLiteral("ida-password"));
    m_token = m_server.login(QStringLiteral("ida"), QStringLiteral("ida-password"));
    m_server.createUser(m_token, QStringLiteral("ole"), QStringLiteral("engineer"), QStringLiteral("ole-password"));
    m_other = m_server.login(QStringLiteral("ole"), QStringLiteral("ole-password"));
}

Reply tst_Idempotency::post(const QByteArray &token, const QByteArray &key, const QString &name)
{
    return m_server.request("POST", QStringLiteral("/twins"), token,
                            QJsonDocument(QJsonObject{{QStringLiteral("name"), name}}).toJson(QJsonDocument::Compact),
                            {{"Idempotency-Key", key}});
}

qint64 tst_Idempotency::twinsNamed(const QString &name)
{
    Server::PgConnection db(m_server.server().conninfo());
    if (!db.open())
        return -1;
    auto count = db.exec("SELECT count(*) FROM digital_twins WHERE name = $1", {name.toUtf8()});
    return count ? count->integer(0, 0) : -1;
}

void tst_Idempotency::retryReturnsFirstAnswer()
{
    const Reply first = post(m_token, "key-1", QStringLiteral("Mixer"));
    QCOMPARE(first.status, 201);
    QVERIFY(!first.headers.contains("idempotent-replayed"));
    const Reply again = post(m_token, "key-1", QStringLiteral("Mixer"));
    QCOMPARE(again.status, 201);
    QCOMPARE(again.headers.value("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(again.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QCOMPARE(twinsNamed(QStringLiteral("Mixer")), 1);
    // Without the key, the same request is a new request (and here a duplicate name).
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/twins"), m_token, {{QStringLiteral("name"), QStringLiteral("Mixer")}}).status,
             409);
}

void tst_Idempotency::tenConcurrentCreateOnce()
{
    QNetworkAccessManager network;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 10; ++i) {
        QNetworkRequest request(QUrl(m_server.url().toString() + QStringLiteral("/twins")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + m_token);
        request.setRawHeader("Idempotency-Key", "burst");
        replies.append(network.post(request, R"({"name":"Burst"})"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(), [](QNetworkReply *r) { return r->isFinished(); }),
                             30000);
    QSet<QString> ids;
    for (QNetworkReply *reply : std::as_const(replies)) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        ids.insert(QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("id")).toString());
        reply->deleteLater();
    }
    QCOMPARE(ids.size(), 1);
    QCOMPARE(twinsNamed(QStringLiteral("Burst")), 1);
}

void tst_Idempotency::differentBodyRefused()
{
    QCOMPARE(post(m_token, "key-2", QStringLiteral("Pump A")).status, 201);
    const Reply changed = post(m_token, "key-2", QStringLiteral("Pump B"));
    QCOMPARE(changed.status, 422);
    QCOMPARE(changed.errorField(), QStringLiteral("Idempotency-Key"));
    QCOMPARE(twinsNamed(QStringLiteral("Pump B")), 0);
}

void tst_Idempotency::keysArePerUser()
{
    QCOMPARE(post(m_token, "shared-key", QStringLiteral("Fan 1")).status, 201);
    QCOMPARE(post(m_other, "shared-key", QStringLiteral("Fan 2")).status, 201);
    QCOMPARE(twinsNamed(QStringLiteral("Fan 2")), 1);
}

void tst_Idempotency::badKeyRefused()
{
    const Reply bad = post(m_token, QByteArray(300, 'k'), QStringLiteral("Long"));
    QCOMPARE(bad.status, 400);
    QCOMPARE(twinsNamed(QStringLiteral("Long")), 0);
}

QTEST_GUILESS_MAIN(tst_Idempotency)
#include "tst_idempotency.moc"
