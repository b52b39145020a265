#pragma once

// What the benchmarks share: event-loop waits, a laces-server process on its own embedded
// PostgreSQL, JSON calls, and keep-alive HTTP clients issuing one request after another.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace Laces::Bench {

inline QElapsedTimer &clock()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer started;
        started.start();
        return started;
    }();
    return timer;
}

inline double nowUs()
{
    return double(clock().nsecsElapsed()) / 1000.0;
}

inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

template<typename Predicate>
bool spinUntil(Predicate done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        spin(5);
    }
    return true;
}

inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

inline double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

inline QJsonObject call(QNetworkAccessManager &network, quint16 port, const QByteArray &method, const QString &path,
                        const QByteArray &token, const QJsonObject &body)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = network.sendCustomRequest(request, method, QJsonDocument(body).toJson());
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

// laces-server as installed: its own process, data directory and embedded PostgreSQL,
// with a registered user (an organization admin) logged in.
class ServerProcess
{
public:
    bool start(const QString &binary, const QStringList &extraArguments = {})
    {
        m_port = freePort();
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // Benchmarks call as one user far more often than a person: no rate limits unless
        // the caller's arguments (which come later, and so win) set them.
        m_process.start(binary, QStringList{QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("--port"),
                                            QString::number(m_port), QStringLiteral("--rate-limit-per-min"),
                                            QStringLiteral("0"), QStringLiteral("--edge-rate-limit-per-min"),
                                            QStringLiteral("0")} + extraArguments);
        const bool up = spinUntil([&] {
            QNetworkReply *reply = m_network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(m_port))));
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            reply->deleteLater();
            return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
        }, 60000);
        if (!up)
            return false;
        Bench::call(m_network, m_port, "POST", QStringLiteral("/auth/register"), {},
             {{QStringLiteral("username"), QStringLiteral("bench")}, {QStringLiteral("email"), QStringLiteral("bench@example.org")},
              {QStringLiteral("password"), QStringLiteral("bench-password-1")}});
        m_token = Bench::call(m_network, m_port, "POST", QStringLiteral("/auth/login"), {},
                       {{QStringLiteral("username"), QStringLiteral("bench")},
                        {QStringLiteral("password"), QStringLiteral("bench-password-1")}})
                      .value(QStringLiteral("access_token")).toString().toLatin1();
        return !m_token.isEmpty();
    }

    ~ServerProcess()
    {
        m_process.terminate();
        m_process.waitForFinished(30000);
    }

    quint16 port() const { return m_port; }
    const QByteArray &token() const { return m_token; }
    qint64 pid() const { return m_process.processId(); }
    QString dataDir() const { return m_dir.path(); }
    QJsonObject call(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return Bench::call(m_network, m_port, method, path, m_token, body);
    }

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/laces-bench-XXXXXX")};
    QProcess m_process;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
    QByteArray m_token;
};

inline QByteArray httpRequest(const QByteArray &method, const QByteArray &path, const QByteArray &token,
                              const QByteArray &body = {}, const QByteArray &contentType = "application/json")
{
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        request += "Authorization: Bearer " + token + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return request + "\r\n" + body;
}

// Keep-alive HTTP clients issuing one request after another, for `seconds` or until every
// client's requestFor() answered an empty request (it is done).
struct RoundTrips
{
    qint64 completed = 0;
    qint64 failed = 0;
    double elapsedS = 0;
};

inline RoundTrips runRoundTrips(quint16 port, int clients, int seconds,
                                const std::function<QByteArray(int client, qint64 n)> &requestFor,
                                const std::function<bool(int client, qint64 n, int status, const QByteArray &body)> &check)
{
    RoundTrips totals;
    struct Client
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        qint64 n = 0;
        bool done = false;
    };
    std::vector<Client> all(static_cast<size_t>(clients));
    bool running = true;
    QElapsedTimer elapsed;
    elapsed.start();
    const auto sendNext = [&](int c) {
        Client &me = all[size_t(c)];
        const QByteArray request = running ? requestFor(c, me.n) : QByteArray();
        if (request.isEmpty())
            me.done = true;
        else
            me.socket->write(request);
    };
    for (int c = 0; c < clients; ++c) {
        Client &client = all[size_t(c)];
        client.socket = std::make_unique<QTcpSocket>();
        QTcpSocket *socket = client.socket.get();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [&, c, socket] {
            Client &me = all[size_t(c)];
            me.buffer += socket->readAll();
            for (;;) {
                const qsizetype headEnd = me.buffer.indexOf("\r\n\r\n");
                if (headEnd < 0)
                    return;
                const QByteArray head = me.buffer.left(headEnd).toLower();
                qsizetype length = 0;
                const qsizetype at = head.indexOf("content-length:");
                if (at >= 0)
                    length = head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
                if (me.buffer.size() < headEnd + 4 + length)
                    return;
                const int status = me.buffer.mid(9, 3).toInt();
                const QByteArray body = me.buffer.mid(headEnd + 4, length);
                me.buffer.remove(0, headEnd + 4 + length);
                if (check(c, me.n, status, body))
                    ++totals.completed;
                else
                    ++totals.failed;
                ++me.n;
                sendNext(c);
            }
        });
        QObject::connect(socket, &QTcpSocket::connected, socket, [&, c] { sendNext(c); });
        socket->connectToHost(QHostAddress::LocalHost, port);
    }
    spinUntil([&] { return std::all_of(all.begin(), all.end(), [](const Client &c) { return c.done; }); },
              seconds * 1000);
    totals.elapsedS = double(elapsed.nsecsElapsed()) / 1e9;
    running = false;
    spin(500);
    return totals;
}

} // namespace Laces::Bench
