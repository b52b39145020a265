#include "server.h"
#include "testserver.h"
#include "wsframes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QScopeGuard>
#include <QTest>
#include <QTimer>
#include <QTcpSocket>
#include <QWebSocket>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Laces;

// Collaboration events across two server instances on one database (LISTEN/NOTIFY):
// presence, cursors, lock and version events reach subscribers on the other instance.
class tst_Collaboration : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cursorFromInstanceAReachesInstanceB();
    void restEventsReachSubscribers();
    void expiredLeaseAnnounced();
    void badMessagesAnswered();
    void otherOrganizationHearsNothing();
    void revokedSessionDisconnectedAtOnce();
    void silentClientDroppedAndLeaves();
    void presenceSnapshotAcrossInstances();
    void idleAndActiveAnnounced();
    void slowReceiverGetsEachSendersLatestCursor();

private:
    QJsonObject nextPresence(QSignalSpy &spy, const QString &event);
    // Connects and authenticates (closed unless welcomed); subscribes to the twin unless told not to.
    std::unique_ptr<QWebSocket> connectTo(quint16 port, const QByteArray &token, bool subscribe = true);
    QJsonObject next(QSignalSpy &spy, const QString &type);

    Tests::TestServer m_a;
    std::unique_ptr<Server::Server> m_b;
    QByteArray m_alice;
    QByteArray m_bob;
    QString m_twin;
};

void tst_Collaboration::initTestCase()
{
    QVERIFY2(m_a.start(), qPrintable(m_a.errorString()));
    QString error;
    m_b = m_a.startPeer([](Server::ServerConfig &config) {
        config.webSocketPingMs = 200;
        config.webSocketTimeoutMs = 1500;
        config.webSocketIdleMs = 800;
        config.leaseSweepMs = 300;
    }, &error);
    QVERIFY2(m_b, qPrintable(error));
    m_a.registerUser(QStringLiteral("alice"), QStringLiteral("alice-password"));
    m_alice = m_a.login(QStringLiteral("alice"), QStringLiteral("alice-password"));
    m_a.createUser(m_alice, QStringLiteral("bob"), QStringLiteral("engineer"), QStringLiteral("bob-password"));
    m_bob = m_a.login(QStringLiteral("bob"), QStringLiteral("bob-password"));
    m_twin = m_a.requestJson("POST", QStringLiteral("/twins"), m_alice, {{QStringLiteral("name"), QStringLiteral("Shared")}})
                 .json.value(QStringLiteral("id")).toString();
}

std::unique_ptr<QWebSocket> tst_Collaboration::connectTo(quint16 port, const QByteArray &token, bool subscribe)
{
    return Tests::openHubSocket(port, token, subscribe ? m_twin : QString());
}

QJsonObject tst_Collaboration::nextPresence(QSignalSpy &spy, const QString &event)
{
    for (int i = 0; i < 20; ++i) {
        const QJsonObject message = next(spy, QStringLiteral("presence"));
        if (message.isEmpty() || message.value(QStringLiteral("event")).toString() == event)
            return message;
    }
    return {};
}

QJsonObject tst_Collaboration::next(QSignalSpy &spy, const QString &type)
{
    return Tests::nextMessageOfType(spy, type);
}

void tst_Collaboration::cursorFromInstanceAReachesInstanceB()
{
    auto onA = connectTo(m_a.server().port(), m_alice);
    QSignalSpy heardOnA(onA.get(), &QWebSocket::textMessageReceived);
    auto onB = connectTo(m_b->port(), m_bob);
    QSignalSpy heardOnB(onB.get(), &QWebSocket::textMessageReceived);

    const QJsonObject joined = nextPresence(heardOnA, QStringLiteral("join"));
    QCOMPARE(joined.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
    QCOMPARE(joined.value(QStringLiteral("role")).toString(), QStringLiteral("engineer"));
    QVERIFY(!joined.contains(QStringLiteral("organization_id")));

    onA->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[1.5,-2,3],"component":"piston"})")
                             .arg(m_twin));
    const QJsonObject cursor = next(heardOnB, QStringLiteral("cursor_update"));
    QCOMPARE(cursor.value(QStringLiteral("user")).toString(), QStringLiteral("alice"));
    QCOMPARE(cursor.value(QStringLiteral("position")).toArray(), (QJsonArray{1.5, -2, 3}));
    QCOMPARE(cursor.value(QStringLiteral("component")).toString(), QStringLiteral("piston"));
    // The sender does not hear its own cursor.
    QTest::qWait(300);
    QVERIFY(next(heardOnA, QStringLiteral("cursor_update")).isEmpty());

    onB->close();
    const QJsonObject left = nextPresence(heardOnA, QStringLiteral("leave"));
    QCOMPARE(left.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
}

void tst_Collaboration::restEventsReachSubscribers()
{
    auto onB = connectTo(m_b->port(), m_bob);
    QSignalSpy heard(onB.get(), &QWebSocket::textMessageReceived);
    // A lock taken through instance A is announced on instance B.
    const Tests::Reply lock = m_a.requestJson("POST", QStringLiteral("/locks/acquire"), m_alice,
                                              {{QStringLiteral("twin_id"), m_twin},
                                               {QStringLiteral("components"), QJsonArray{QStringLiteral("rod")}},
                                               {QStringLiteral("lock_type"), QStringLiteral("exclusive")}});
    QCOMPARE(lock.status, 201);
    const QJsonObject acquired = next(heard, QStringLiteral("lock_acquired"));
    QCOMPARE(acquired.value(QStringLiteral("lock_id")), lock.json.value(QStringLiteral("lock_id")));
    QCOMPARE(acquired.value(QStringLiteral("holder")).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
    QCOMPARE(m_a.request("DELETE", QStringLiteral("/locks/") + lock.json.value(QStringLiteral("lock_id")).toString(), m_alice).status,
             204);
    QCOMPARE(next(heard, QStringLiteral("lock_released")).value(QStringLiteral("lock_id")), lock.json.value(QStringLiteral("lock_id")));

    const Tests::Reply version = m_a.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), m_alice,
                                                 {{QStringLiteral("parents"), QJsonArray()},
                                                  {QStringLiteral("message"), QStringLiteral("first")},
                                                  {QStringLiteral("properties"), QJsonObject{{QStringLiteral("a"), 1}}}});
    QCOMPARE(version.status, 201);
    QCOMPARE(next(heard, QStringLiteral("version_created")).value(QStringLiteral("version_id")),
             version.json.value(QStringLiteral("id")));
}

void tst_Collaboration::expiredLeaseAnnounced()
{
    // A lease nobody renews ends on its own: instance B's sweeper announces it, and a
    // subscriber on instance A hears it.
    auto onA = connectTo(m_a.server().port(), m_bob);
    QSignalSpy heard(onA.get(), &QWebSocket::textMessageReceived);
    const Tests::Reply lock = m_a.requestJson("POST", QStringLiteral("/locks/acquire"), m_alice,
                                              {{QStringLiteral("twin_id"), m_twin},
                                               {QStringLiteral("components"), QJsonArray{QStringLiteral("crank")}},
                                               {QStringLiteral("lock_type"), QStringLiteral("exclusive")},
                                               {QStringLiteral("ttl_s"), 1}});
    QCOMPARE(lock.status, 201);
    const QJsonObject expired = next(heard, QStringLiteral("lock_expired"));
    QCOMPARE(expired.value(QStringLiteral("lock_id")), lock.json.value(QStringLiteral("lock_id")));
    QCOMPARE(expired.value(QStringLiteral("components")).toArray(), QJsonArray{QStringLiteral("crank")});
    QCOMPARE(expired.value(QStringLiteral("holder")).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
    QVERIFY(!expired.contains(QStringLiteral("organization_id")));
    // Ended as expired: the holder is told it is lost.
    QCOMPARE(m_a.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(lock.json.value(QStringLiteral("lock_id")).toString()),
                         m_alice).status, 410);
}

void tst_Collaboration::badMessagesAnswered()
{
    auto socket = connectTo(m_a.server().port(), m_alice);
    QSignalSpy heard(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[1,2]})").arg(m_twin));
    QCOMPARE(next(heard, QStringLiteral("error")).value(QStringLiteral("code")).toString(), QStringLiteral("invalid"));
    socket->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[1,2,3]})")
                                .arg(QUuid::createUuid().toString(QUuid::WithoutBraces)));
    QCOMPARE(next(heard, QStringLiteral("error")).value(QStringLiteral("code")).toString(), QStringLiteral("not_subscribed"));
    socket->sendTextMessage(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(QUuid::createUuid().toString()));
    QCOMPARE(next(heard, QStringLiteral("error")).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping"})"));
    QVERIFY(!next(heard, QStringLiteral("pong")).isEmpty());
}

void tst_Collaboration::otherOrganizationHearsNothing()
{
    m_a.registerUser(QStringLiteral("eve"), QStringLiteral("eve-password"));
    const QByteArray eve = m_a.login(QStringLiteral("eve"), QStringLiteral("eve-password"));
    auto socket = connectTo(m_b->port(), eve, false);
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QSignalSpy heard(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(m_twin));
    QCOMPARE(next(heard, QStringLiteral("error")).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    auto alice = connectTo(m_a.server().port(), m_alice);
    alice->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[0,0,0]})").arg(m_twin));
    QTest::qWait(500);
    QVERIFY(next(heard, QStringLiteral("cursor_update")).isEmpty());
}

void tst_Collaboration::revokedSessionDisconnectedAtOnce()
{
    const Tests::Reply login = m_a.requestJson("POST", QStringLiteral("/auth/login"), {},
                                               {{QStringLiteral("username"), QStringLiteral("bob")},
                                                {QStringLiteral("password"), QStringLiteral("bob-password")}});
    const QByteArray token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    auto onB = connectTo(m_b->port(), token);
    QCOMPARE(onB->state(), QAbstractSocket::ConnectedState);
    QSignalSpy closed(onB.get(), &QWebSocket::disconnected);
    QElapsedTimer timer;
    timer.start();
    // Logged out through instance A; the socket is on instance B.
    QCOMPARE(m_a.request("POST", QStringLiteral("/auth/logout"), token).status, 204);
    QVERIFY(!closed.isEmpty() || closed.wait(5000));  // it may close while the request still runs
    qInfo("revoked session's WebSocket closed after %lld ms", timer.elapsed());
    QCOMPARE(onB->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

namespace {
using Tests::clientFrame;
const QByteArray kUpgradeRequest = Tests::upgradeRequest();
} // namespace

void tst_Collaboration::silentClientDroppedAndLeaves()
{
    auto onA = connectTo(m_a.server().port(), m_alice);
    QSignalSpy heardOnA(onA.get(), &QWebSocket::textMessageReceived);

    // A client that joins and then falls silent: it never answers the server's pings.
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, m_b->port());
    QVERIFY(silent.waitForConnected(5000));
    silent.write(kUpgradeRequest);
    QTRY_VERIFY_WITH_TIMEOUT(silent.bytesAvailable() > 0 && silent.peek(4096).contains("\r\n\r\n"), 5000);
    QVERIFY(silent.readAll().startsWith("HTTP/1.1 101"));
    silent.write(clientFrame(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_bob)).toUtf8()));
    QTest::qWait(300);
    silent.write(clientFrame(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(m_twin).toUtf8()));
    QVERIFY(!nextPresence(heardOnA, QStringLiteral("join")).isEmpty());

    // Instance B pings every 200 ms and gives up after 1.5 s of silence.
    QElapsedTimer timer;
    timer.start();
    const QJsonObject left = nextPresence(heardOnA, QStringLiteral("leave"));
    QCOMPARE(left.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
    qInfo("silent client dropped after %lld ms", timer.elapsed());
    QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState || !silent.isValid(), 5000);
}

void tst_Collaboration::presenceSnapshotAcrossInstances()
{
    auto onA = connectTo(m_a.server().port(), m_alice);
    QCOMPARE(onA->state(), QAbstractSocket::ConnectedState);
    // Bob subscribes on instance B and is told who is already there on instance A.
    auto onB = connectTo(m_b->port(), m_bob, false);
    QCOMPARE(onB->state(), QAbstractSocket::ConnectedState);
    QSignalSpy heard(onB.get(), &QWebSocket::textMessageReceived);
    onB->sendTextMessage(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(m_twin));
    const QJsonObject snapshot = next(heard, QStringLiteral("presence_snapshot"));
    QCOMPARE(snapshot.value(QStringLiteral("twin_id")).toString(), m_twin);
    QStringList users;
    for (const QJsonValue &member : snapshot.value(QStringLiteral("members")).toArray())
        users.append(member.toObject().value(QStringLiteral("user")).toString());
    QVERIFY2(users.contains(QStringLiteral("alice")), qPrintable(users.join(u',')));
    QVERIFY(!users.contains(QStringLiteral("bob")));  // not yourself
    // Once alice leaves, the next subscriber no longer sees her.
    onA->close();
    QTest::qWait(300);
    auto late = connectTo(m_b->port(), m_bob);
    QSignalSpy lateHeard(late.get(), &QWebSocket::textMessageReceived);
    late->sendTextMessage(QStringLiteral(R"({"type":"unsubscribe","twin_id":"%1"})").arg(m_twin));
    late->sendTextMessage(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(m_twin));
    const QJsonObject again = next(lateHeard, QStringLiteral("presence_snapshot"));
    users.clear();
    for (const QJsonValue &member : again.value(QStringLiteral("members")).toArray())
        users.append(member.toObject().value(QStringLiteral("user")).toString());
    QVERIFY2(!users.contains(QStringLiteral("alice")), qPrintable(users.join(u',')));
    QVERIFY(users.contains(QStringLiteral("bob")));  // bob's first connection is still there
}

void tst_Collaboration::idleAndActiveAnnounced()
{
    auto onA = connectTo(m_a.server().port(), m_alice);
    QSignalSpy heardOnA(onA.get(), &QWebSocket::textMessageReceived);
    auto onB = connectTo(m_b->port(), m_bob);
    QVERIFY(!nextPresence(heardOnA, QStringLiteral("join")).isEmpty());
    // Bob's client answers pings but sends nothing: after 0.8 s (instance B's setting) he is idle.
    const QJsonObject idle = nextPresence(heardOnA, QStringLiteral("idle"));
    QCOMPARE(idle.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
    onB->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[0,1,0]})").arg(m_twin));
    const QJsonObject active = nextPresence(heardOnA, QStringLiteral("active"));
    QCOMPARE(active.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
}

namespace {
// Runs the event loop for `ms` without QTest::qWait's sleeps: the servers and the clients
// share this thread, and the test paces messages faster than qWait's 10 ms naps allow.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Complete text messages at the start of `buffer`, removed from it.
QList<QJsonObject> takeFrames(QByteArray &buffer)
{
    QList<QJsonObject> messages;
    for (const Tests::ServerFrame &frame : Tests::takeServerFrames(buffer)) {
        if (frame.opcode == 1)
            messages.append(QJsonDocument::fromJson(frame.payload).object());
    }
    return messages;
}
} // namespace

void tst_Collaboration::slowReceiverGetsEachSendersLatestCursor()
{
    // A receiver that stops reading: its socket backs up while ten senders move cursors.
    // A plain POSIX socket with a small receive buffer, so nothing reads behind our back.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_a.server().port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const auto send = [fd](const QByteArray &bytes) { return ::write(fd, bytes.constData(), bytes.size()) == bytes.size(); };
    QByteArray buffer;
    const auto receive = [fd, &buffer] {
        char chunk[65536];
        for (ssize_t got; (got = ::read(fd, chunk, sizeof chunk)) > 0;)
            buffer.append(chunk, got);
    };
    const auto await = [&](const QByteArray &marker) {
        QElapsedTimer timer;
        timer.start();
        while (!buffer.contains(marker) && timer.elapsed() < 5000) {
            spin(10);
            receive();
        }
        return buffer.contains(marker);
    };
    QVERIFY(send(kUpgradeRequest));
    QVERIFY(await("\r\n\r\n"));
    QVERIFY(buffer.startsWith("HTTP/1.1 101"));
    buffer.remove(0, buffer.indexOf("\r\n\r\n") + 4);
    QVERIFY(send(clientFrame(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(m_bob)).toUtf8())));
    QVERIFY(await("welcome"));
    QVERIFY(send(clientFrame(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(m_twin).toUtf8())));
    QVERIFY(await("presence_snapshot"));
    takeFrames(buffer);

    constexpr int kSenders = 10;
    constexpr int kMoves = 100;
    std::vector<std::unique_ptr<QWebSocket>> senders;
    for (int i = 0; i < kSenders; ++i)
        senders.push_back(connectTo(m_a.server().port(), m_alice));
    // Padding makes each update large, so the backlog builds quickly.
    const QString padding(300, QLatin1Char('p'));
    for (int move = 0; move < kMoves; ++move) {
        for (int i = 0; i < kSenders; ++i) {
            senders[i]->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[%2,%3,0],"component":"%4"})")
                                            .arg(m_twin).arg(i).arg(move).arg(padding));
        }
        spin(30);  // slower than the hub's 25 ms publishing interval: nothing coalesced at the sender
    }
    spin(500);

    // Now the receiver reads everything.
    QElapsedTimer timer;
    timer.start();
    QList<QJsonObject> messages;
    while (timer.elapsed() < 3000) {
        spin(20);  // the server runs in this thread: let it write
        receive();
        messages += takeFrames(buffer);
    }
    QHash<int, int> lastMove;   // sender → last move received
    int cursors = 0;
    for (const QJsonObject &message : std::as_const(messages)) {
        if (message.value(QStringLiteral("type")).toString() != QLatin1String("cursor_update"))
            continue;
        ++cursors;
        const QJsonArray position = message.value(QStringLiteral("position")).toArray();
        lastMove[position.at(0).toInt()] = position.at(1).toInt();
    }
    qInfo("slow receiver: %d cursor updates of %d sent", cursors, kSenders * kMoves);
    QVERIFY2(cursors < kSenders * kMoves, "the backed-up receiver was sent every update");
    QCOMPARE(lastMove.size(), kSenders);
    for (int i = 0; i < kSenders; ++i)
        QCOMPARE(lastMove.value(i), kMoves - 1);  // each sender's latest position arrived last
}

QTEST_GUILESS_MAIN(tst_Collaboration)
#include "tst_collaboration.moc"
