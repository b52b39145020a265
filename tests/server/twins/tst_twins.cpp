#include "testserver.h"

#include <QJsonArray>
#include <QTest>

using namespace Laces;
using Laces::Tests::Reply;

class tst_Twins : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createGetPatchDelete();
    void listPagesSearchesAndSorts();
    void badInput_data();
    void badInput();
    void duplicateNameConflicts();
    void wrongMethodAnswers405();
    void oversizeBodyAnswers413AndServerKeepsServing();

private:
    Tests::TestServer m_server;
    QByteArray m_token;
    QString m_twinId;
};

void tst_Twins::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("designer"), QStringLiteral("designer-password"));
    m_token = m_server.login(QStringLiteral("designer"), QStringLiteral("designer-password"));
    QVERIFY(!m_token.isEmpty());
    const Reply created = m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                               {{QStringLiteral("name"), QStringLiteral("Fixture twin")}});
    QCOMPARE(created.status, 201);
    m_twinId = created.json.value(QStringLiteral("id")).toString();
}

void tst_Twins::createGetPatchDelete()
{
    const QJsonObject properties{{QStringLiteral("rated_rpm"), 3000},
                                 {QStringLiteral("bearing"), QJsonObject{{QStringLiteral("type"), QStringLiteral("SKF 6205")}}}};
    const Reply created = m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                               {{QStringLiteral("name"), QStringLiteral("Gearbox G-12")},
                                                {QStringLiteral("description"), QStringLiteral("Two-stage helical")},
                                                {QStringLiteral("properties"), properties}});
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(created.headers.value("location"), QByteArray("/twins/") + id.toLatin1());

    const Reply fetched = m_server.request("GET", QStringLiteral("/twins/") + id, m_token);
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.json.value(QStringLiteral("name")).toString(), QStringLiteral("Gearbox G-12"));
    QCOMPARE(fetched.json.value(QStringLiteral("description")).toString(), QStringLiteral("Two-stage helical"));
    QCOMPARE(fetched.json.value(QStringLiteral("properties")).toObject(), properties);

    const Reply patched = m_server.requestJson("PATCH", QStringLiteral("/twins/") + id, m_token,
                                               {{QStringLiteral("properties"), QJsonObject{{QStringLiteral("rated_rpm"), 3600}}}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json.value(QStringLiteral("properties")).toObject().value(QStringLiteral("rated_rpm")).toInt(), 3600);
    QCOMPARE(patched.json.value(QStringLiteral("name")).toString(), QStringLiteral("Gearbox G-12"));  // untouched
    QVERIFY(patched.json.value(QStringLiteral("updated_at")).toString() >= fetched.json.value(QStringLiteral("updated_at")).toString());

    QCOMPARE(m_server.request("DELETE", QStringLiteral("/twins/") + id, m_token).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/") + id, m_token).status, 404);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/twins/") + id, m_token).status, 404);
}

void tst_Twins::listPagesSearchesAndSorts()
{
    for (int i = 1; i <= 7; ++i)
        QCOMPARE(m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                      {{QStringLiteral("name"), QStringLiteral("Pump %1").arg(i)}})
                     .status,
                 201);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                  {{QStringLiteral("name"), QStringLiteral("100% duty fan")}})
                 .status,
             201);

    const Reply first = m_server.request("GET", QStringLiteral("/twins?search=pump&per_page=3&page=1"), m_token);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(QStringLiteral("total")).toInt(), 7);
    QCOMPARE(first.json.value(QStringLiteral("items")).toArray().size(), 3);
    QCOMPARE(first.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Pump 1"));
    const Reply last = m_server.request("GET", QStringLiteral("/twins?search=pump&per_page=3&page=3"), m_token);
    QCOMPARE(last.json.value(QStringLiteral("items")).toArray().size(), 1);
    const Reply beyond = m_server.request("GET", QStringLiteral("/twins?search=pump&per_page=3&page=9"), m_token);
    QCOMPARE(beyond.json.value(QStringLiteral("items")).toArray().size(), 0);
    QCOMPARE(beyond.json.value(QStringLiteral("total")).toInt(), 7);

    const Reply descending = m_server.request("GET", QStringLiteral("/twins?search=pump&sort=name&order=desc"), m_token);
    QCOMPARE(descending.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Pump 7"));

    // '%' is searched for literally, not as a wildcard.
    const Reply percent = m_server.request("GET", QStringLiteral("/twins?search=0%25"), m_token);
    QCOMPARE(percent.json.value(QStringLiteral("total")).toInt(), 1);
}

void tst_Twins::badInput_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");

    QTest::newRow("bad uuid") << QByteArray("GET") << "/twins/not-a-uuid" << QByteArray() << 400 << "id";
    QTest::newRow("bad uuid on patch") << QByteArray("PATCH") << "/twins/1234" << QByteArray(R"({"name":"x"})") << 400 << "id";
    QTest::newRow("unknown twin") << QByteArray("GET") << "/twins/6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10" << QByteArray() << 404 << "";
    QTest::newRow("missing name") << QByteArray("POST") << "/twins" << QByteArray(R"({"description":"x"})") << 400 << "name";
    QTest::newRow("empty name") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":"  "})") << 400 << "name";
    QTest::newRow("name wrong type") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":42})") << 400 << "name";
    QTest::newRow("name too long") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":")" + QByteArray(201, 'n') + "\"}") << 400 << "name";
    QTest::newRow("properties not object") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":"a","properties":[1]})") << 400 << "properties";
    QTest::newRow("unknown field") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":"a","colour":"red"})") << 400 << "colour";
    // A repeated name is ambiguous (a JSON parser keeps one of them silently): refused.
    QTest::newRow("repeated field") << QByteArray("POST") << "/twins" << QByteArray(R"({"name": "a", "name": "b"})") << 400 << "name";
    QTest::newRow("repeated nested field") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":"a","properties":{"rpm":1,"r\u0070m":2}})") << 400 << "properties.rpm";
    QTest::newRow("repeated field on patch") << QByteArray("PATCH") << "/twins/@fixture" << QByteArray(R"({"description":"x","description":"y"})") << 400 << "description";
    QTest::newRow("invalid json") << QByteArray("POST") << "/twins" << QByteArray(R"({"name":)") << 400 << "body";
    QTest::newRow("empty patch") << QByteArray("PATCH") << "/twins/@fixture" << QByteArray("{}") << 400 << "body";
    QTest::newRow("patch wrong type") << QByteArray("PATCH") << "/twins/@fixture" << QByteArray(R"({"description":false})") << 400 << "description";
    QTest::newRow("bad page") << QByteArray("GET") << "/twins?page=0" << QByteArray() << 400 << "page";
    QTest::newRow("bad per_page") << QByteArray("GET") << "/twins?per_page=5000" << QByteArray() << 400 << "per_page";
    QTest::newRow("bad sort") << QByteArray("GET") << "/twins?sort=password" << QByteArray() << 400 << "sort";
}

void tst_Twins::badInput()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    path.replace(QLatin1String("@fixture"), m_twinId);
    const Reply reply = m_server.request(method, path, m_token, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorField(), field);
    QVERIFY(reply.json.value(QStringLiteral("error")).toObject().contains(QStringLiteral("message")));
    // Nothing was written by a refused request.
    const Reply fixture = m_server.request("GET", QStringLiteral("/twins/") + m_twinId, m_token);
    QCOMPARE(fixture.json.value(QStringLiteral("name")).toString(), QStringLiteral("Fixture twin"));
}

void tst_Twins::duplicateNameConflicts()
{
    const Reply again = m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                             {{QStringLiteral("name"), QStringLiteral("FIXTURE TWIN")}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorField(), QStringLiteral("name"));
}

void tst_Twins::wrongMethodAnswers405()
{
    const Reply put = m_server.request("PUT", QStringLiteral("/twins/") + m_twinId, m_token, "{}");
    QCOMPARE(put.status, 405);
    const QByteArray allow = put.headers.value("allow");
    QVERIFY2(allow.contains("GET") && allow.contains("PATCH") && allow.contains("DELETE"), allow.constData());
    QCOMPARE(put.errorCode(), QStringLiteral("method_not_allowed"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/no-such-thing"), m_token).status, 404);
}

void tst_Twins::oversizeBodyAnswers413AndServerKeepsServing()
{
    const QByteArray huge = R"({"name":"big","description":")" + QByteArray(2 * 1024 * 1024, 'x') + "\"}";
    const Reply tooBig = m_server.request("POST", QStringLiteral("/twins"), m_token, huge);
    QCOMPARE(tooBig.status, 413);
    QCOMPARE(tooBig.errorCode(), QStringLiteral("payload_too_large"));
    const Reply list = m_server.request("GET", QStringLiteral("/twins?search=big"), m_token);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(m_server.request("GET", QStringLiteral("/health")).status, 200);
}

QTEST_GUILESS_MAIN(tst_Twins)
#include "tst_twins.moc"
