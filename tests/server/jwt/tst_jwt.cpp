#include "auth/jwt.h"

#include <QJsonDocument>
#include <QTest>

using Laces::Server::Jwt;

class tst_Jwt : public QObject
{
    Q_OBJECT

private slots:
    void rfc7515Signature();
    void roundTrip();
    void refusals_data();
    void refusals();
};

void tst_Jwt::rfc7515Signature()
{
    // RFC 7515, appendix A.1: the HS256 example's key, signing input and signature.
    const QByteArray key = QByteArray::fromBase64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
        QByteArray::Base64UrlEncoding);
    const QByteArray input = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                             "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    Jwt jwt(key, QStringLiteral("joe"), QString());
    QCOMPARE(Jwt::base64Url(jwt.signature(input)), QByteArray("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
}

void tst_Jwt::roundTrip()
{
    Jwt jwt(QByteArray(32, 's'), QStringLiteral("laces-server"), QStringLiteral("laces-api"));
    const QByteArray token = jwt.sign({{QStringLiteral("sub"), QStringLiteral("u1")}, {QStringLiteral("exp"), 2000.0}});
    const auto claims = jwt.verify(token, 1999);
    QVERIFY(claims);
    QCOMPARE(claims->value(QStringLiteral("sub")).toString(), QStringLiteral("u1"));
    QCOMPARE(claims->value(QStringLiteral("aud")).toString(), QStringLiteral("laces-api"));
    QVERIFY(!jwt.verify(token, 2000));  // exp is exclusive
}

void tst_Jwt::refusals_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("reason");
    const QByteArray good = R"({"alg":"HS256","typ":"JWT"})";
    const QByteArray claims = R"({"iss":"laces-server","aud":"laces-api","exp":5000})";
    const QByteArray key(32, 's');
    QTest::newRow("alg none") << QByteArray(R"({"alg":"none"})") << claims << QByteArray() << "algorithm";
    QTest::newRow("alg RS256") << QByteArray(R"({"alg":"RS256"})") << claims << key << "algorithm";
    QTest::newRow("crit header") << QByteArray(R"({"alg":"HS256","crit":["x"]})") << claims << key << "critical";
    QTest::newRow("wrong key") << good << claims << QByteArray(32, 'x') << "signature";
    QTest::newRow("expired") << good << QByteArray(R"({"iss":"laces-server","aud":"laces-api","exp":999})") << key << "expired";
    QTest::newRow("no exp") << good << QByteArray(R"({"iss":"laces-server","aud":"laces-api"})") << key << "expiry";
    QTest::newRow("audience") << good << QByteArray(R"({"iss":"laces-server","aud":"other","exp":5000})") << key << "audience";
    QTest::newRow("issuer") << good << QByteArray(R"({"iss":"other","aud":"laces-api","exp":5000})") << key << "issuer";
    QTest::newRow("payload not json") << good << QByteArray("not json") << key << "payload";
}

void tst_Jwt::refusals()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, key);
    QFETCH(QString, reason);
    Jwt jwt(QByteArray(32, 's'), QStringLiteral("laces-server"), QStringLiteral("laces-api"));
    const QByteArray input = Jwt::base64Url(header) + '.' + Jwt::base64Url(payload);
    const QByteArray signature = key.isEmpty() ? QByteArray() : Jwt::base64Url(Jwt(key, {}, {}).signature(input));
    const auto verified = jwt.verify(input + '.' + signature, 1000);
    QVERIFY(!verified);
    QVERIFY2(verified.error().message.contains(reason), qPrintable(verified.error().message));
}

QTEST_GUILESS_MAIN(tst_Jwt)
#include "tst_jwt.moc"
