#include "testserver.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace Laces;

// WebSocket connections on the HTTP port: authentication by first message, limits, and the
// connection gauge in /metrics.
class tst_WebSocket : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void authenticatesAndAnswersPing();
    void refusesWithoutAuthentication();
    void refusesBadToken();
    void badMessagesGetErrorsAndHubKeepsServing();
    void oversizeMessageClosesConnection();
    void foreignOriginRefused();
    void sessionPathMustMatchToken();
    void gaugeCountsConnections();

private:
    std::unique_ptr<QWebSocket> open(const QString &path = QStringLiteral("/ws"), const QString &origin = {});
    QJsonObject nextMessage(QWebSocket &socket, QSignalSpy &spy);

    Tests::TestServer m_server;
    QByteArray m_token;
    QString m_sessionId;
};

void tst_WebSocket::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("wsuser"), QStringLiteral("ws-user-password"));
    const Tests::Reply login = m_server.requestJson("POST", QStringLiteral("/auth/login"), {},
                                                    {{QStringLiteral("username"), QStringLiteral("wsuser")},
                                                     {QStringLiteral("password"), QStringLiteral("ws-user-password")}});
    m_token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    m_sessionId = login.json.value(QStringLiteral("session_id")).toString();
    QVERIFY(!m_token.isEmpty());
}

std::unique_ptr<QWebSocket> tst_WebSocket::open(const QString &path, const QString &origin)
{
    auto socket = std::make_unique<QWebSocket>(origin);
    QSignalSpy connected(socket.get(), &QWebSocket::connected);
    socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_server.server().port()).arg(path)));
    connected.wait(5000);
    return socket;
}

QJsonObject tst_WebSocket::nextMessage(QWebSocket &, QSignalSpy &spy)
{
    if (spy.isEmpty() && !spy.wait(5000))
        return {};
    return QJsonDocument::fromJson(spy.takeFirst().at(0).toString().toUtf8()).object();
}

void tst_WebSocket::authenticatesAndAnswersPing()
{
    auto socket = open();
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_token)));
    const QJsonObject welcome = nextMessage(*socket, messages);
    QCOMPARE(welcome.value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
    QCOMPARE(welcome.value(QStringLiteral("user")).toString(), QStringLiteral("wsuser"));
    QCOMPARE(welcome.value(QStringLiteral("session_id")).toString(), m_sessionId);
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping"})"));
    QCOMPARE(nextMessage(*socket, messages).value(QStringLiteral("type")).toString(), QStringLiteral("pong"));
    // Plain HTTP keeps working on the same port.
    QCOMPARE(m_server.request("GET", QStringLiteral("/health")).status, 200);
}

void tst_WebSocket::refusesWithoutAuthentication()
{
    auto socket = open();
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping"})"));
    const QJsonObject error = nextMessage(*socket, messages);
    QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("unauthenticated"));
}

void tst_WebSocket::refusesBadToken()
{
    auto socket = open();
    QSignalSpy closed(socket.get(), &QWebSocket::disconnected);
    socket->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"a.b.c"})"));
    QVERIFY(closed.wait(5000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void tst_WebSocket::badMessagesGetErrorsAndHubKeepsServing()
{
    auto socket = open();
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_token)));
    QCOMPARE(nextMessage(*socket, messages).value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
    socket->sendTextMessage(QStringLiteral("{not json"));
    QCOMPARE(nextMessage(*socket, messages).value(QStringLiteral("code")).toString(), QStringLiteral("invalid_json"));
    // {"type": "subscribe", "type": "ping"}: which one was meant? Refused, naming it.
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping","type":"subscribe"})"));
    const QJsonObject repeated = nextMessage(*socket, messages);
    QCOMPARE(repeated.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_json"));
    QVERIFY(repeated.value(QStringLiteral("message")).toString().contains(QLatin1String("'type'")));
    socket->sendTextMessage(QStringLiteral(R"({"type":"teleport"})"));
    QCOMPARE(nextMessage(*socket, messages).value(QStringLiteral("code")).toString(), QStringLiteral("unknown_type"));
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping"})"));
    QCOMPARE(nextMessage(*socket, messages).value(QStringLiteral("type")).toString(), QStringLiteral("pong"));
}

void tst_WebSocket::oversizeMessageClosesConnection()
{
    auto socket = open();
    QSignalSpy closed(socket.get(), &QWebSocket::disconnected);
    socket->sendTextMessage(QString(100 * 1024, QLatin1Char('x')));
    QVERIFY(closed.wait(5000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    auto other = open();
    QCOMPARE(other->state(), QAbstractSocket::ConnectedState);
}

void tst_WebSocket::foreignOriginRefused()
{
    auto socket = open(QStringLiteral("/ws"), QStringLiteral("https://evil.example"));
    QSignalSpy closed(socket.get(), &QWebSocket::disconnected);
    if (socket->state() == QAbstractSocket::ConnectedState)
        QVERIFY(closed.wait(5000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void tst_WebSocket::sessionPathMustMatchToken()
{
    auto other = open(QStringLiteral("/ws/") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    QSignalSpy closed(other.get(), &QWebSocket::disconnected);
    other->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_token)));
    QVERIFY(closed.wait(5000));

    auto own = open(QStringLiteral("/ws/") + m_sessionId);
    QSignalSpy messages(own.get(), &QWebSocket::textMessageReceived);
    own->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_token)));
    QCOMPARE(nextMessage(*own, messages).value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
}

void tst_WebSocket::gaugeCountsConnections()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_server.request("GET", QStringLiteral("/metrics")).body.contains("laces_websocket_connections 0"),
                             5000);
    auto first = open();
    auto second = open();
    QTRY_VERIFY_WITH_TIMEOUT(m_server.request("GET", QStringLiteral("/metrics")).body.contains("laces_websocket_connections 2"),
                             5000);
    first->close();
    QTRY_VERIFY_WITH_TIMEOUT(m_server.request("GET", QStringLiteral("/metrics")).body.contains("laces_websocket_connections 1"),
                             5000);
}

QTEST_GUILESS_MAIN(tst_WebSocket)
#include "tst_websocket.moc"
