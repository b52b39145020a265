#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Laces;
using Laces::Tests::Reply;

// Every route against every role, checked against the product's permission table:
//   admin: everything; engineer: twins.create, twins.edit, twins.version, simulations.run,
//   maintenance.view (seeing twins is implied by editing them); operator: twins.view,
//   telemetry.ingest, maintenance.view; viewer: twins.view, analytics.view.
// And another organization's objects answer 404 with nothing of their data.
class tst_Rbac : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void routeByRole_data();
    void routeByRole();
    void unauthenticatedRefused_data();
    void unauthenticatedRefused();
    void otherOrganizationIsInvisible();

private:
    QString freshTwin();

    Tests::TestServer m_server;
    QHash<QString, QByteArray> m_tokens;
    QString m_userId;  // a viewer in the same organization, target of the /users/{id} routes
};

void tst_Rbac::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("root-admin"), QStringLiteral("root-admin-pass"));
    m_tokens.insert(QStringLiteral("admin"), m_server.login(QStringLiteral("root-admin"), QStringLiteral("root-admin-pass")));
    const QStringList roles{QStringLiteral("engineer"), QStringLiteral("operator"), QStringLiteral("viewer")};
    for (const QString &role : roles) {
        const QJsonObject user = m_server.createUser(m_tokens.value(QStringLiteral("admin")), QStringLiteral("the-") + role,
                                                     role, QStringLiteral("password-of-") + role);
        QCOMPARE(user.value(QStringLiteral("role")).toString(), role);
        if (role == QLatin1String("viewer"))
            m_userId = user.value(QStringLiteral("id")).toString();
        m_tokens.insert(role, m_server.login(QStringLiteral("the-") + role, QStringLiteral("password-of-") + role));
        QVERIFY(!m_tokens.value(role).isEmpty());
    }
}

QString tst_Rbac::freshTwin()
{
    const Reply created = m_server.requestJson("POST", QStringLiteral("/twins"), m_tokens.value(QStringLiteral("admin")),
                                               {{QStringLiteral("name"), QUuid::createUuid().toString()}});
    return created.json.value(QStringLiteral("id")).toString();
}

void tst_Rbac::routeByRole_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("allowedStatus");
    QTest::addColumn<bool>("allowed");

    struct Route
    {
        const char *method;
        const char *path;
        const char *body;
        int okStatus;
        QStringList roles;  // roles that may call it
    };
    const QStringList everyone{QStringLiteral("admin"), QStringLiteral("engineer"), QStringLiteral("operator"),
                               QStringLiteral("viewer")};
    const QList<Route> routes{
        {"GET", "/twins", "", 200, everyone},
        {"POST", "/twins", R"({"name":"@unique"})", 201, {QStringLiteral("admin"), QStringLiteral("engineer")}},
        {"GET", "/twins/@twin", "", 200, everyone},
        {"PATCH", "/twins/@twin", R"({"description":"changed"})", 200, {QStringLiteral("admin"), QStringLiteral("engineer")}},
        {"DELETE", "/twins/@twin", "", 204, {QStringLiteral("admin")}},
        {"GET", "/users", "", 200, {QStringLiteral("admin")}},
        {"POST", "/users", R"({"username":"@unique","email":"@unique@example.org","password":"a-long-password","role":"viewer"})",
         201, {QStringLiteral("admin")}},
        {"GET", "/users/@user", "", 200, {QStringLiteral("admin")}},
        {"PATCH", "/users/@user", R"({"display_name":"Renamed"})", 200, {QStringLiteral("admin")}},
        {"GET", "/auth/me", "", 200, everyone},
        {"GET", "/sessions", "", 200, everyone},
        {"POST", "/auth/refresh", "", 200, everyone},
    };
    for (const Route &route : routes) {
        for (const QString &role : everyone) {
            QTest::addRow("%s %s as %s", route.method, route.path, qPrintable(role))
                << role << QByteArray(route.method) << QString::fromLatin1(route.path) << QByteArray(route.body)
                << route.okStatus << route.roles.contains(role);
        }
    }
}

void tst_Rbac::routeByRole()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, allowedStatus);
    QFETCH(bool, allowed);

    if (path.contains(QLatin1String("@twin"))) {
        const QString twin = freshTwin();
        QVERIFY(!twin.isEmpty());
        path.replace(QLatin1String("@twin"), twin);
    }
    path.replace(QLatin1String("@user"), m_userId);
    body.replace("@unique", "u" + QUuid::createUuid().toByteArray(QUuid::Id128).left(12));

    const Reply reply = m_server.request(method, path, m_tokens.value(role), body);
    if (allowed) {
        QCOMPARE(reply.status, allowedStatus);
    } else {
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), QStringLiteral("forbidden"));
    }
}

void tst_Rbac::unauthenticatedRefused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    for (const auto &[method, path] : QList<QPair<const char *, const char *>>{
             {"GET", "/twins"}, {"POST", "/twins"}, {"GET", "/twins/6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10"},
             {"PATCH", "/twins/6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10"},
             {"DELETE", "/twins/6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10"}, {"GET", "/users"}, {"POST", "/users"},
             {"GET", "/auth/me"}, {"POST", "/auth/logout"}, {"GET", "/sessions"}})
        QTest::addRow("%s %s", method, path) << QByteArray(method) << QString::fromLatin1(path);
}

void tst_Rbac::unauthenticatedRefused()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const Reply reply = m_server.request(method, path, {}, method == "GET" || method == "DELETE" ? QByteArray() : "{}");
    QCOMPARE(reply.status, 401);
}

void tst_Rbac::otherOrganizationIsInvisible()
{
    const QString twin = freshTwin();
    const Reply original = m_server.request("GET", QStringLiteral("/twins/") + twin, m_tokens.value(QStringLiteral("admin")));
    QCOMPARE(original.status, 200);
    const QString twinName = original.json.value(QStringLiteral("name")).toString();

    // Mallory registers her own organization and is its admin: every permission, but only there.
    m_server.registerUser(QStringLiteral("mallory"), QStringLiteral("mallory-password"));
    const QByteArray mallory = m_server.login(QStringLiteral("mallory"), QStringLiteral("mallory-password"));
    QVERIFY(!mallory.isEmpty());

    for (const QByteArray &method : {QByteArray("GET"), QByteArray("PATCH"), QByteArray("DELETE")}) {
        const Reply reply = m_server.request(method, QStringLiteral("/twins/") + twin, mallory,
                                             method == "PATCH" ? QByteArray(R"({"name":"stolen"})") : QByteArray());
        QCOMPARE(reply.status, 404);
        QVERIFY(!reply.body.contains(twinName.toUtf8()));
    }
    const Reply list = m_server.request("GET", QStringLiteral("/twins?search=") + twinName.mid(1, 8), mallory);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(m_server.request("GET", QStringLiteral("/users/") + m_userId, mallory).status, 404);
    QCOMPARE(m_server.requestJson("PATCH", QStringLiteral("/users/") + m_userId, mallory,
                                  {{QStringLiteral("role"), QStringLiteral("admin")}})
                 .status,
             404);
    const Reply users = m_server.request("GET", QStringLiteral("/users"), mallory);
    QCOMPARE(users.json.value(QStringLiteral("items")).toArray().size(), 1);

    // Nothing changed for the owner.
    const Reply after = m_server.request("GET", QStringLiteral("/twins/") + twin, m_tokens.value(QStringLiteral("admin")));
    QCOMPARE(after.status, 200);
    QCOMPARE(after.json.value(QStringLiteral("name")).toString(), twinName);
}

QTEST_GUILESS_MAIN(tst_Rbac)
#include "tst_rbac.moc"
