// Collaboration benchmark against a real laces-server process (its own embedded PostgreSQL):
//  1. WebSocket fan-out: 1,000 connections, 100 subscribed to one twin, 10 of them sending a
//     cursor move every 50 ms. Prints delivered messages/s, send-to-receipt latency p50/p99,
//     loss beyond coalescing and server RSS per connection. Baseline, same load and clients:
//     a bare QWebSocketServer that only re-broadcasts (this program with --baseline-server).
//  2. Lock acquire/release round trips per second with 50 concurrent keep-alive clients.
//     Baseline: GET /health round trips with the same clients.
// Run: build/bench/bench_collaboration [seconds per phase, default 10]

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include "benchsupport.h"
#include "wsframes.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

namespace {

using namespace Laces::Bench;


qint64 rssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// The baseline: re-broadcasts cursor moves to every other subscriber, nothing else.
int runBaselineServer(quint16 port)
{
    // Connections are accepted as laces-server accepts them (TCP_NODELAY, then handed to
    // QWebSocketServer), so that only the work after the handshake differs.
    QWebSocketServer server(QStringLiteral("baseline"), QWebSocketServer::NonSecureMode);
    QTcpServer listener;
    if (!listener.listen(QHostAddress::LocalHost, port))
        return 1;
    QObject::connect(&listener, &QTcpServer::pendingConnectionAvailable, &server, [&] {
        while (QTcpSocket *socket = listener.nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            server.handleConnection(socket);
        }
    });
    QList<QWebSocket *> subscribers;
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [&, socket](const QString &text) {
                QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
                const QString type = message.value(QStringLiteral("type")).toString();
                if (type == QLatin1String("auth")) {
                    socket->sendTextMessage(QStringLiteral(R"({"type":"welcome"})"));
                } else if (type == QLatin1String("subscribe")) {
                    subscribers.append(socket);
                    socket->sendTextMessage(QStringLiteral(R"({"type":"subscribed"})"));
                } else if (type == QLatin1String("cursor_move")) {
                    message.insert(QStringLiteral("type"), QStringLiteral("cursor_update"));
                    const QString out = QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
                    for (QWebSocket *other : std::as_const(subscribers)) {
                        if (other != socket)
                            other->sendTextMessage(out);
                    }
                }
            });
            QObject::connect(socket, &QWebSocket::disconnected, socket, [&, socket] {
                subscribers.removeAll(socket);
                socket->deleteLater();
            });
        }
    });
    std::printf("READY\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

// A WebSocket client with no per-message overhead beyond finding the frame, so that the
// measuring side stays cheap next to the servers it measures.
class RawWebSocket : public QObject
{
public:
    std::function<void()> onOpen;
    std::function<void(const QByteArray &text)> onText;  // valid during the call only

    void open(quint16 port)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] {
            m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket.write(Laces::Tests::upgradeRequest());
        });
        connect(&m_socket, &QTcpSocket::readyRead, this, &RawWebSocket::process);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void sendText(const QByteArray &payload) { m_socket.write(Laces::Tests::clientFrame(payload)); }
    void abort() { m_socket.abort(); }

private:
    void process()
    {
        m_buffer += m_socket.readAll();
        if (!m_upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_upgraded = m_buffer.startsWith("HTTP/1.1 101");
            m_buffer.remove(0, end + 4);
            if (!m_upgraded)
                return;
            if (onOpen)
                onOpen();
        }
        for (const Laces::Tests::ServerFrame &frame : Laces::Tests::takeServerFrames(m_buffer)) {
            if (frame.opcode == 0x1 && onText)
                onText(frame.payload);
            else if (frame.opcode == 0x9)
                m_socket.write(Laces::Tests::clientFrame(frame.payload, 0xA));  // pong
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_upgraded = false;
};

struct FanOutResult
{
    double messagesPerS = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    qint64 sent = 0;
    qint64 expected = 0;
    qint64 received = 0;
    double rssPerConnectionKb = 0;
    bool ok = false;
};

FanOutResult runFanOut(quint16 port, const QByteArray &token, const QString &twin, qint64 serverPid, int seconds)
{
    constexpr int kConnections = 1000;
    constexpr int kSubscribers = 100;
    constexpr int kSenders = 10;
    FanOutResult result;
    const qint64 rssBefore = rssKb(serverPid);
    std::vector<std::unique_ptr<RawWebSocket>> sockets;
    std::vector<double> latencies;
    latencies.reserve(size_t(seconds) * 20 * kSenders * kSubscribers);
    int welcomed = 0;
    int subscribed = 0;
    bool measuring = false;
    qint64 received = 0;
    const QByteArray auth = QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(token)).toUtf8();
    const QByteArray subscribe = QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(twin).toUtf8();
    for (int i = 0; i < kConnections; ++i) {
        auto socket = std::make_unique<RawWebSocket>();
        RawWebSocket *raw = socket.get();
        raw->onOpen = [raw, &auth] { raw->sendText(auth); };
        raw->onText = [&, raw, i](const QByteArray &text) {
            if (text.contains("\"cursor_update\"")) {
                if (!measuring)
                    return;
                // The send time is the first coordinate.
                const double receivedUs = nowUs();
                const qsizetype at = text.indexOf("\"position\":[") + 12;
                const qsizetype end = text.indexOf(',', at);
                latencies.push_back((receivedUs - text.mid(at, end - at).toDouble()) / 1000.0);
                ++received;
            } else if (text.contains("\"welcome\"")) {
                ++welcomed;
                if (i < kSubscribers)
                    raw->sendText(subscribe);
            } else if (text.contains("\"subscribed\"")) {
                ++subscribed;
            }
        };
        raw->open(port);
        sockets.push_back(std::move(socket));
        if (i % 50 == 49)
            spin(20);  // do not overrun the listen backlog
    }
    if (!spinUntil([&] { return welcomed == kConnections && subscribed == kSubscribers; }, 60000)) {
        std::printf("  only %d of %d connections authenticated, %d of %d subscribed\n", welcomed, kConnections,
                    subscribed, kSubscribers);
        return result;
    }
    spin(500);
    result.rssPerConnectionKb = double(rssKb(serverPid) - rssBefore) / kConnections;

    measuring = true;
    qint64 sent = 0;
    std::vector<std::unique_ptr<QTimer>> timers;
    for (int s = 0; s < kSenders; ++s) {
        auto timer = std::make_unique<QTimer>();
        timer->setTimerType(Qt::PreciseTimer);
        RawWebSocket *sender = sockets[size_t(s)].get();
        QObject::connect(timer.get(), &QTimer::timeout, sender, [&, sender, s] {
            sender->sendText(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[%2,%3,0]})")
                                 .arg(twin).arg(nowUs(), 0, 'f', 1).arg(s).toUtf8());
            ++sent;
        });
        QTimer::singleShot(s * 5, timer.get(), [t = timer.get()] { t->start(50); });
        timers.push_back(std::move(timer));
    }
    QElapsedTimer window;
    window.start();
    spin(seconds * 1000);
    for (auto &timer : timers)
        timer->stop();
    const double elapsedS = double(window.elapsed()) / 1000.0;
    spin(1000);  // stragglers
    measuring = false;
    result.sent = sent;
    result.expected = sent * (kSubscribers - 1);
    result.received = received;
    result.messagesPerS = double(received) / elapsedS;
    result.p50Ms = percentile(latencies, 0.50);
    result.p99Ms = percentile(latencies, 0.99);
    result.ok = true;
    for (auto &socket : sockets)
        socket->abort();
    spin(200);
    return result;
}


void printFanOut(const char *name, const FanOutResult &r)
{
    std::printf("  %-22s %8.0f msgs/s delivered   p50 %6.2f ms   p99 %6.2f ms   received %lld of %lld (%.2f%% missing)",
                name, r.messagesPerS, r.p50Ms, r.p99Ms, r.received, r.expected,
                r.expected ? 100.0 * double(r.expected - r.received) / double(r.expected) : 0.0);
    if (r.rssPerConnectionKb > 0)
        std::printf("   server RSS %.1f KB/connection", r.rssPerConnectionKb);
    std::printf("\n");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() >= 3 && arguments.at(1) == QLatin1String("--baseline-server"))
        return runBaselineServer(quint16(arguments.at(2).toUInt()));
    const int seconds = arguments.size() >= 2 ? std::max(2, arguments.at(1).toInt()) : 10;

    // The real server, as installed: its own process and embedded PostgreSQL.
    ServerProcess server;
    if (!server.start(QStringLiteral(LACES_SERVER_BINARY), {QStringLiteral("--workers"), QStringLiteral("8")})) {
        std::printf("laces-server did not start\n");
        return 1;
    }
    const quint16 port = server.port();
    const QByteArray token = server.token();
    const QString twin = server.call("POST", QStringLiteral("/twins"), {{QStringLiteral("name"), QStringLiteral("Bench")}})
                             .value(QStringLiteral("id")).toString();
    if (twin.isEmpty()) {
        std::printf("could not set up a twin\n");
        return 1;
    }

    std::printf("WebSocket fan-out: 1000 connections, 100 subscribed to one twin, 10 senders every 50 ms, %d s\n", seconds);
    QProcess baseline;
    const quint16 baselinePort = freePort();
    baseline.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--baseline-server"), QString::number(baselinePort)});
    baseline.waitForReadyRead(10000);
    const FanOutResult bare = runFanOut(baselinePort, token, twin, baseline.processId(), seconds);
    baseline.kill();
    baseline.waitForFinished();
    const FanOutResult laces = runFanOut(port, token, twin, server.pid(), seconds);
    if (!bare.ok || !laces.ok)
        return 1;
    printFanOut("bare QWebSocketServer", bare);
    printFanOut("laces-server", laces);
    std::printf("  ratio laces/bare: throughput %.2f, p99 latency %.2fx\n", laces.messagesPerS / bare.messagesPerS,
                bare.p99Ms > 0 ? laces.p99Ms / bare.p99Ms : 0.0);
    std::printf("  goals: p99 < 20 ms, no loss beyond coalescing, < 50 KB per connection\n");

    std::printf("Lock acquire/release round trips, 50 concurrent keep-alive clients, %d s\n", seconds);
    const RoundTrips health = runRoundTrips(port, 50, seconds,
        [](int, qint64) { return httpRequest("GET", "/health", {}); },
        [](int, qint64, int status, const QByteArray &) { return status == 200; });
    // Each client acquires and releases its own component: even n acquire, odd n release.
    std::vector<QByteArray> lockIds(50);
    const RoundTrips locks = runRoundTrips(port, 50, seconds,
        [&](int client, qint64 n) {
            if (n % 2 == 0)
                return httpRequest("POST", "/locks/acquire", token,
                                   QStringLiteral(R"({"twin_id":"%1","components":["part-%2"],"lock_type":"exclusive"})")
                                       .arg(twin).arg(client).toUtf8());
            return httpRequest("DELETE", "/locks/" + lockIds[size_t(client)], token);
        },
        [&](int client, qint64 n, int status, const QByteArray &body) {
            if (n % 2 == 0) {
                lockIds[size_t(client)] = QJsonDocument::fromJson(body).object().value(QStringLiteral("lock_id")).toString().toLatin1();
                return status == 201;
            }
            return status == 204;
        });
    std::printf("  GET /health (baseline)   %8.0f requests/s   (%lld failed)\n", double(health.completed) / seconds, health.failed);
    std::printf("  acquire + release        %8.0f requests/s = %.0f lock round trips/s   (%lld failed)\n",
                double(locks.completed) / seconds, double(locks.completed) / 2 / seconds, locks.failed);
    std::printf("  ratio locks/health: %.2f\n", double(locks.completed) / double(std::max<qint64>(1, health.completed)));
    return 0;
}
