#include "rawhttp.h"
#include "testserver.h"

#include <QTest>

using namespace Laces;
using Tests::RawHttp;

// The HTTP layer's own limits and framing, over plain sockets.
class tst_Http : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void contentLengthOverLimitAnswers413();
    void chunkedBodyOverLimitAnswers413();
    void chunkedBodyAccepted();
    void expectContinueAnswered();
    void pipelinedRequestsAnsweredInOrder();
    void keepAliveReusesConnection();
    void connectionCloseHonoured();
    void idleConnectionClosed();
    void slowRequestTimesOut();
    void malformedRequests_data();
    void malformedRequests();
    void headRequestHasNoBody();
    void requestIdEchoed();
    void metricsCountResponses();

private:
    Tests::TestServer m_server;
    quint16 m_port = 0;
};

void tst_Http::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) {
        config.maxBodyBytes = 64 * 1024;
        config.idleTimeoutS = 1;
    }),
             qPrintable(m_server.errorString()));
    m_port = m_server.server().port();
}

void tst_Http::contentLengthOverLimitAnswers413()
{
    RawHttp client(m_port);
    QVERIFY(client.isConnected());
    client.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 10000000\r\n\r\n" + QByteArray(100000, 'a'));
    const QByteArray response = client.readResponse();
    QCOMPARE(RawHttp::statusOf(response), 413);
    QVERIFY(response.contains("payload_too_large"));
    QVERIFY(client.waitForClose(5000));
    // The server keeps serving.
    RawHttp next(m_port);
    next.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(RawHttp::statusOf(next.readResponse()), 200);
}

void tst_Http::chunkedBodyOverLimitAnswers413()
{
    RawHttp client(m_port);
    QByteArray request = "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 40; ++i)
        request += "1000\r\n" + QByteArray(0x1000, 'b') + "\r\n";
    client.send(request);
    QCOMPARE(RawHttp::statusOf(client.readResponse()), 413);
}

void tst_Http::chunkedBodyAccepted()
{
    RawHttp client(m_port);
    client.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
                "5\r\n{\"use\r\n"
                "1a;ext=1\r\nrname\":\"x\",\"password\":\"y\"}\r\n"
                "0\r\n\r\n");
    const QByteArray response = client.readResponse();
    // The body arrived whole: a well-formed login attempt for an unknown user.
    QCOMPARE(RawHttp::statusOf(response), 401);
}

void tst_Http::expectContinueAnswered()
{
    RawHttp client(m_port);
    client.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 37\r\nExpect: 100-continue\r\n\r\n");
    const QByteArray interim = client.readResponse(2000);
    QCOMPARE(RawHttp::statusOf(interim), 100);
    client.send(R"({"username":"x","password":"y-y-y-y"})");
    QCOMPARE(RawHttp::statusOf(client.readResponse()), 401);
}

void tst_Http::pipelinedRequestsAnsweredInOrder()
{
    RawHttp client(m_port);
    client.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(RawHttp::statusOf(client.readResponse()), 200);
    QCOMPARE(RawHttp::statusOf(client.readResponse()), 404);
    const QByteArray third = client.readResponse();
    QCOMPARE(RawHttp::statusOf(third), 200);
    QVERIFY(third.contains("\"database\":\"ok\""));
}

void tst_Http::keepAliveReusesConnection()
{
    RawHttp client(m_port);
    for (int i = 0; i < 5; ++i) {
        client.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray response = client.readResponse();
        QCOMPARE(RawHttp::statusOf(response), 200);
        QVERIFY(response.contains("Connection: keep-alive"));
    }
}

void tst_Http::connectionCloseHonoured()
{
    RawHttp client(m_port);
    client.send("GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QVERIFY(client.readResponse().contains("Connection: close"));
    QVERIFY(client.waitForClose(2000));
}

void tst_Http::idleConnectionClosed()
{
    RawHttp client(m_port);
    client.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(RawHttp::statusOf(client.readResponse()), 200);
    // idle timeout is 1 s in this suite
    QVERIFY(client.waitForClose(4000));
}

void tst_Http::slowRequestTimesOut()
{
    RawHttp client(m_port);
    client.send("GET /version HTTP/1.1\r\nHost: x\r\n");  // head never finished
    const QByteArray response = client.readResponse(4000);
    QCOMPARE(RawHttp::statusOf(response), 408);
    QVERIFY(client.waitForClose(3000));
}

void tst_Http::malformedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::newRow("bad version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("relative target") << QByteArray("GET health HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("bad content length") << QByteArray("POST /auth/login HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n") << 400;
    QTest::newRow("both framings") << QByteArray("POST /auth/login HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::newRow("unknown coding") << QByteArray("POST /auth/login HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
    QTest::newRow("bad header name") << QByteArray("GET /health HTTP/1.1\r\nBad Header: x\r\n\r\n") << 400;
    QTest::newRow("head too large") << QByteArray("GET /health HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'h') + "\r\n\r\n") << 431;
    QTest::newRow("odd expectation") << QByteArray("GET /health HTTP/1.1\r\nExpect: teapot\r\n\r\n") << 417;
}

void tst_Http::malformedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    RawHttp client(m_port);
    client.send(request);
    const QByteArray response = client.readResponse();
    QCOMPARE(RawHttp::statusOf(response), status);
    QVERIFY(response.contains("\"error\""));
    RawHttp next(m_port);
    next.send("GET /health HTTP/1.1\r\n\r\n");
    QCOMPARE(RawHttp::statusOf(next.readResponse()), 200);
}

void tst_Http::headRequestHasNoBody()
{
    RawHttp client(m_port);
    client.send("HEAD /version HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\n");
    // The HEAD answer announces the GET body's length but carries none: the next bytes
    // are the GET's status line.
    QDeadlineTimer deadline(3000);
    QByteArray all;
    while (!deadline.hasExpired() && all.count("HTTP/1.1 200") < 2) {
        all += client.readResponse(200);
    }
    const qsizetype second = all.indexOf("HTTP/1.1 200", 1);
    QVERIFY(second > 0);
    const QByteArray head = all.left(second);
    QVERIFY(head.contains("Content-Length: "));
    QVERIFY(head.endsWith("\r\n\r\n"));
}

void tst_Http::requestIdEchoed()
{
    const Tests::Reply given = m_server.request("GET", QStringLiteral("/version"), {}, {}, {{"X-Request-Id", "trace-42"}});
    QCOMPARE(given.headers.value("x-request-id"), QByteArray("trace-42"));
    const Tests::Reply made = m_server.request("GET", QStringLiteral("/version"), {}, {}, {{"X-Request-Id", "bad id with spaces"}});
    QVERIFY(!QUuid::fromString(QString::fromLatin1(made.headers.value("x-request-id"))).isNull());
}

void tst_Http::metricsCountResponses()
{
    m_server.request("GET", QStringLiteral("/twins"));
    const Tests::Reply metrics = m_server.request("GET", QStringLiteral("/metrics"));
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.headers.value("content-type").startsWith("text/plain"));
    QVERIFY(metrics.body.contains("laces_http_request_duration_seconds_bucket{method=\"GET\",route=\"/twins\",le=\"0.005\"}"));
    QVERIFY(metrics.body.contains("laces_http_responses_total{status=\"401\"}"));
    QVERIFY(metrics.body.contains("laces_http_responses_total{status=\"413\"}"));
    QVERIFY(metrics.body.contains("laces_db_pool_connections{state=\"idle\"}"));
    QVERIFY(metrics.body.contains("laces_db_pool_connections{state=\"in_use\"}"));
    QVERIFY(metrics.body.contains("laces_websocket_connections 0"));
}

QTEST_GUILESS_MAIN(tst_Http)
#include "tst_http.moc"
