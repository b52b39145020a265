#include "auth/authservice.h"
#include "auth/jwt.h"
#include "db/pgconnection.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTest>

using namespace Laces;
using Laces::Tests::Reply;

class tst_Auth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void registerLoginMeLogout();
    void registerValidation_data();
    void registerValidation();
    void duplicateUsernameConflicts();
    void wrongPasswordRefused();
    void refreshIssuesNewToken();
    void forgedTokens_data();
    void forgedTokens();
    void adminRevokesSession();
    void deactivatedUserLosesAccess();
    void loginRateLimitedPerAccount();
    void loginRateLimitedPerAddress();
    void forwardedAddressOnlyFromTrustedProxy();

private:
    QByteArray signingKey();
    QByteArray forge(const QJsonObject &header, const QJsonObject &claims, const QByteArray &key);

    Tests::TestServer m_server;
    QByteArray m_adminToken;
    QString m_adminId;
    QString m_adminSession;
};

void tst_Auth::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) { config.loginFailuresPerAccount = 3; }),
             qPrintable(m_server.errorString()));
    const QJsonObject admin = m_server.registerUser(QStringLiteral("alice"), QStringLiteral("alice-password-1"));
    QCOMPARE(admin.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    const Reply login = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                             {{QStringLiteral("username"), QStringLiteral("alice")},
                                              {QStringLiteral("password"), QStringLiteral("alice-password-1")}});
    QCOMPARE(login.status, 200);
    m_adminToken = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    m_adminId = login.json.value(QStringLiteral("user_id")).toString();
    m_adminSession = login.json.value(QStringLiteral("session_id")).toString();
    QVERIFY(!m_adminToken.isEmpty());
}

void tst_Auth::registerLoginMeLogout()
{
    const Reply registered = m_server.requestJson(
        "POST", QStringLiteral("/auth/register"), {},
        {{QStringLiteral("username"), QStringLiteral("Bob.Builder")},
         {QStringLiteral("email"), QStringLiteral("bob@example.org")},
         {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
    QCOMPARE(registered.status, 201);
    QCOMPARE(registered.json.value(QStringLiteral("username")).toString(), QStringLiteral("bob.builder"));
    QVERIFY(!registered.json.contains(QStringLiteral("password_hash")));
    QVERIFY(!registered.body.contains("argon2"));

    // The stored hash is Argon2id, never the password.
    Server::PgConnection db(m_server.server().conninfo());
    QVERIFY(db.open());
    auto hash = db.exec("SELECT password_hash FROM users WHERE username = 'bob.builder'");
    QVERIFY(hash);
    QVERIFY(hash->text(0, 0).startsWith(QLatin1String("$argon2id$")));

    const Reply login = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                             {{QStringLiteral("username"), QStringLiteral("bob.builder")},
                                              {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
    QCOMPARE(login.status, 200);
    const QByteArray token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    QCOMPARE(login.json.value(QStringLiteral("user_id")).toString(),
             registered.json.value(QStringLiteral("id")).toString());
    const QDateTime expiresAt = QDateTime::fromString(login.json.value(QStringLiteral("expires_at")).toString(),
                                                      Qt::ISODate);
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(expiresAt) - 3600) < 60);
    QCOMPARE(token.count('.'), 2);

    const Reply me = m_server.request("GET", QStringLiteral("/auth/me"), token);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("username")).toString(), QStringLiteral("bob.builder"));
    QCOMPARE(me.json.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    QCOMPARE(me.json.value(QStringLiteral("session_id")).toString(),
             login.json.value(QStringLiteral("session_id")).toString());

    QCOMPARE(m_server.request("POST", QStringLiteral("/auth/logout"), token).status, 204);
    const Reply after = m_server.request("GET", QStringLiteral("/auth/me"), token);
    QCOMPARE(after.status, 401);
    QCOMPARE(after.errorCode(), QStringLiteral("unauthenticated"));
    QVERIFY(after.headers.value("www-authenticate").startsWith("Bearer"));
}

void tst_Auth::registerValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    QTest::newRow("missing username") << QByteArray(R"({"email":"x@example.org","password":"long-enough-1"})")
                                      << 400 << "username";
    QTest::newRow("username wrong type") << QByteArray(R"({"username":7,"email":"x@example.org","password":"long-enough-1"})")
                                         << 400 << "username";
    QTest::newRow("username bad characters") << QByteArray(R"({"username":"a b","email":"x@example.org","password":"long-enough-1"})")
                                             << 400 << "username";
    QTest::newRow("bad email") << QByteArray(R"({"username":"carol","email":"carol","password":"long-enough-1"})")
                               << 400 << "email";
    QTest::newRow("short password") << QByteArray(R"({"username":"carol","email":"c@example.org","password":"short"})")
                                    << 400 << "password";
    QTest::newRow("unknown field") << QByteArray(R"({"username":"carol","email":"c@example.org","password":"long-enough-1","role":"admin"})")
                                   << 400 << "role";
    QTest::newRow("not JSON") << QByteArray("{username") << 400 << "body";
    QTest::newRow("array body") << QByteArray("[]") << 400 << "body";
}

void tst_Auth::registerValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    const Reply reply = m_server.request("POST", QStringLiteral("/auth/register"), {}, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorField(), field);
    QVERIFY(!reply.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
}

void tst_Auth::duplicateUsernameConflicts()
{
    const Reply again = m_server.requestJson("POST", QStringLiteral("/auth/register"), {},
                                             {{QStringLiteral("username"), QStringLiteral("ALICE")},
                                              {QStringLiteral("email"), QStringLiteral("other@example.org")},
                                              {QStringLiteral("password"), QStringLiteral("another-password")}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorField(), QStringLiteral("username"));
}

void tst_Auth::wrongPasswordRefused()
{
    const Reply wrong = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                             {{QStringLiteral("username"), QStringLiteral("alice")},
                                              {QStringLiteral("password"), QStringLiteral("not-her-password")}});
    QCOMPARE(wrong.status, 401);
    QVERIFY(!wrong.json.contains(QStringLiteral("access_token")));
    const Reply unknown = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                               {{QStringLiteral("username"), QStringLiteral("nobody-here")},
                                                {QStringLiteral("password"), QStringLiteral("whatever-password")}});
    QCOMPARE(unknown.status, 401);
    // Same answer for an unknown user and a wrong password: no user enumeration.
    QCOMPARE(unknown.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")),
             wrong.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")));
    // A successful login clears alice's failure count.
    QVERIFY(!m_server.login(QStringLiteral("alice"), QStringLiteral("alice-password-1")).isEmpty());
}

void tst_Auth::refreshIssuesNewToken()
{
    const QByteArray token = m_server.login(QStringLiteral("alice"), QStringLiteral("alice-password-1"));
    const Reply refreshed = m_server.request("POST", QStringLiteral("/auth/refresh"), token);
    QCOMPARE(refreshed.status, 200);
    const QByteArray fresh = refreshed.json.value(QStringLiteral("access_token")).toString().toLatin1();
    QVERIFY(fresh != token);
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), fresh).status, 200);
    // Both tokens belong to one session: logging out ends both.
    QCOMPARE(m_server.request("POST", QStringLiteral("/auth/logout"), fresh).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), token).status, 401);
    QCOMPARE(m_server.request("POST", QStringLiteral("/auth/refresh"), fresh).status, 401);
}

QByteArray tst_Auth::signingKey()
{
    Server::PgConnection db(m_server.server().conninfo());
    if (!db.open())
        return {};
    auto key = db.exec("SELECT encode(value, 'hex') FROM server_settings WHERE key = 'jwt_hs256_key'");
    return key ? QByteArray::fromHex(key->bytes(0, 0)) : QByteArray();
}

QByteArray tst_Auth::forge(const QJsonObject &header, const QJsonObject &claims, const QByteArray &key)
{
    const QByteArray input = Server::Jwt::base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                             + Server::Jwt::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    if (key.isEmpty())
        return input + '.';
    Server::Jwt signer(key, QString(), QString());
    return input + '.' + Server::Jwt::base64Url(signer.signature(input));
}

void tst_Auth::forgedTokens_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("alg none") << "none";
    QTest::newRow("alg HS512 label") << "hs512";
    QTest::newRow("tampered payload") << "tampered";
    QTest::newRow("wrong key") << "wrongkey";
    QTest::newRow("expired") << "expired";
    QTest::newRow("wrong audience") << "audience";
    QTest::newRow("wrong issuer") << "issuer";
    QTest::newRow("no expiry") << "noexp";
    QTest::newRow("unknown session") << "session";
    QTest::newRow("garbage") << "garbage";
}

void tst_Auth::forgedTokens()
{
    QFETCH(QString, kind);
    const QByteArray key = signingKey();
    QCOMPARE(key.size(), 32);
    const QByteArray valid = m_server.login(QStringLiteral("alice"), QStringLiteral("alice-password-1"));
    const QList<QByteArray> parts = valid.split('.');
    QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding)).object();
    QVERIFY(claims.contains(QStringLiteral("sid")));
    const QJsonObject hs256{{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};

    // Sanity: a token we sign ourselves with the real key and unchanged claims is accepted,
    // so each refusal below is caused by the one thing the row changes.
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), forge(hs256, claims, key)).status, 200);

    QByteArray token;
    if (kind == QLatin1String("none")) {
        token = forge({{QStringLiteral("alg"), QStringLiteral("none")}}, claims, {});
    } else if (kind == QLatin1String("hs512")) {
        token = forge({{QStringLiteral("alg"), QStringLiteral("HS512")}}, claims, key);
    } else if (kind == QLatin1String("tampered")) {
        QJsonObject changed = claims;
        changed.insert(QStringLiteral("sub"), QStringLiteral("00000000-0000-0000-0000-000000000001"));
        token = parts[0] + '.' + Server::Jwt::base64Url(QJsonDocument(changed).toJson(QJsonDocument::Compact)) + '.'
                + parts[2];
    } else if (kind == QLatin1String("wrongkey")) {
        token = forge(hs256, claims, QByteArray(32, 'k'));
    } else if (kind == QLatin1String("expired")) {
        claims.insert(QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() - 10));
        token = forge(hs256, claims, key);
    } else if (kind == QLatin1String("audience")) {
        claims.insert(QStringLiteral("aud"), QStringLiteral("some-other-api"));
        token = forge(hs256, claims, key);
    } else if (kind == QLatin1String("issuer")) {
        claims.insert(QStringLiteral("iss"), QStringLiteral("someone-else"));
        token = forge(hs256, claims, key);
    } else if (kind == QLatin1String("noexp")) {
        claims.remove(QStringLiteral("exp"));
        token = forge(hs256, claims, key);
    } else if (kind == QLatin1String("session")) {
        claims.insert(QStringLiteral("sid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        token = forge(hs256, claims, key);
    } else {
        token = "not.a.token";
    }
    const Reply reply = m_server.request("GET", QStringLiteral("/auth/me"), token);
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.errorCode(), QStringLiteral("unauthenticated"));
    QVERIFY(!reply.json.contains(QStringLiteral("username")));
}

void tst_Auth::adminRevokesSession()
{
    const QJsonObject engineer = m_server.createUser(m_adminToken, QStringLiteral("erin"), QStringLiteral("engineer"),
                                                     QStringLiteral("erin-password-1"));
    QVERIFY(engineer.contains(QStringLiteral("id")));
    const Reply login = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                             {{QStringLiteral("username"), QStringLiteral("erin")},
                                              {QStringLiteral("password"), QStringLiteral("erin-password-1")}});
    const QByteArray token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    const QString session = login.json.value(QStringLiteral("session_id")).toString();
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), token).status, 200);

    // The admin sees erin's session and revokes it; erin's very next request is refused.
    const Reply sessions = m_server.request(
        "GET", QStringLiteral("/sessions?user_id=") + engineer.value(QStringLiteral("id")).toString(), m_adminToken);
    QCOMPARE(sessions.status, 200);
    QCOMPARE(sessions.json.value(QStringLiteral("items")).toArray().size(), 1);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/sessions/") + session, m_adminToken).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), token).status, 401);

    // Erin cannot look at or revoke the admin's sessions.
    const QByteArray again = m_server.login(QStringLiteral("erin"), QStringLiteral("erin-password-1"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/sessions?user_id=") + m_adminId, again).status, 403);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/sessions/") + m_adminSession, again).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/auth/me"), m_adminToken).status, 200);
}

void tst_Auth::deactivatedUserLosesAccess()
{
    const QJsonObject viewer = m_server.createUser(m_adminToken, QStringLiteral("vera"), QStringLiteral("viewer"),
                                                   QStringLiteral("vera-password-1"));
    const QByteArray token = m_server.login(QStringLiteral("vera"), QStringLiteral("vera-password-1"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins"), token).status, 200);
    const Reply patched = m_server.requestJson("PATCH", QStringLiteral("/users/") + viewer.value(QStringLiteral("id")).toString(),
                                               m_adminToken, {{QStringLiteral("is_active"), false}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins"), token).status, 401);
    QVERIFY(m_server.login(QStringLiteral("vera"), QStringLiteral("vera-password-1")).isEmpty());
}

void tst_Auth::loginRateLimitedPerAccount()
{
    m_server.createUser(m_adminToken, QStringLiteral("otto"), QStringLiteral("operator"),
                        QStringLiteral("otto-password-1"));
    for (int i = 0; i < 3; ++i) {
        const Reply wrong = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                                 {{QStringLiteral("username"), QStringLiteral("otto")},
                                                  {QStringLiteral("password"), QStringLiteral("guess-number-%1").arg(i)}});
        QCOMPARE(wrong.status, 401);
    }
    // Even the right password is refused while the account is cooling down.
    const Reply limited = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                               {{QStringLiteral("username"), QStringLiteral("otto")},
                                                {QStringLiteral("password"), QStringLiteral("otto-password-1")}});
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    const int retryAfter = limited.headers.value("retry-after").toInt();
    QVERIFY2(retryAfter > 0 && retryAfter <= 300, limited.headers.value("retry-after").constData());
    // Other accounts are not affected.
    QVERIFY(!m_server.login(QStringLiteral("alice"), QStringLiteral("alice-password-1")).isEmpty());
}

void tst_Auth::loginRateLimitedPerAddress()
{
    Tests::TestServer server;
    QVERIFY2(server.start([](Server::ServerConfig &config) { config.loginFailuresPerAddress = 4; }),
             qPrintable(server.errorString()));
    for (int i = 0; i < 4; ++i) {
        const Reply wrong = server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                               {{QStringLiteral("username"), QStringLiteral("spray-%1").arg(i)},
                                                {QStringLiteral("password"), QStringLiteral("password-%1").arg(i)}});
        QCOMPARE(wrong.status, 401);
    }
    const Reply limited = server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                             {{QStringLiteral("username"), QStringLiteral("spray-new")},
                                              {QStringLiteral("password"), QStringLiteral("password-new")}});
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.headers.value("retry-after").toInt() > 0);
}

void tst_Auth::forwardedAddressOnlyFromTrustedProxy()
{
    const auto attempt = [](Tests::TestServer &server, const QByteArray &clientAddress) {
        return server.request("POST", QStringLiteral("/auth/login"), {},
                              R"({"username":"nobody-at-all","password":"wrong-password"})",
                              {{"X-Real-IP", clientAddress}})
            .status;
    };
    // Behind a trusted proxy, each client address has its own budget.
    Tests::TestServer proxied;
    QVERIFY(proxied.start([](Server::ServerConfig &config) {
        config.loginFailuresPerAddress = 2;
        config.loginFailuresPerAccount = 100;
        config.trustedProxies = {QHostAddress(QHostAddress::LocalHost)};
    }));
    QCOMPARE(attempt(proxied, "203.0.113.7"), 401);
    QCOMPARE(attempt(proxied, "203.0.113.7"), 401);
    QCOMPARE(attempt(proxied, "203.0.113.7"), 429);
    QCOMPARE(attempt(proxied, "198.51.100.9"), 401);

    // From anyone else, X-Real-IP is ignored: a client cannot pick a fresh address per try.
    Tests::TestServer direct;
    QVERIFY(direct.start([](Server::ServerConfig &config) {
        config.loginFailuresPerAddress = 2;
        config.loginFailuresPerAccount = 100;
    }));
    QCOMPARE(attempt(direct, "203.0.113.1"), 401);
    QCOMPARE(attempt(direct, "203.0.113.2"), 401);
    QCOMPARE(attempt(direct, "203.0.113.3"), 429);
}

QTEST_GUILESS_MAIN(tst_Auth)
#include "tst_auth.moc"
