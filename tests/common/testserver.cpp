#include "testserver.h"

#include <QTest>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTimer>
#include <QWebSocket>

namespace Laces::Tests {

QString Reply::errorField() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString();
}

QString Reply::errorCode() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

TestServer::TestServer()
    : m_dir(QStringLiteral("/tmp/laces-test-XXXXXX"))
{
}

TestServer::~TestServer()
{
    if (m_server)
        m_server->stop();
}

bool TestServer::start(const std::function<void(Server::ServerConfig &)> &adjust)
{
    Server::ServerConfig config;
    config.dataDir = m_dir.path();
    config.port = 0;
    config.durableDatabase = false;
    config.workers = 4;
    config.loginFailuresPerAddress = 1000;  // tests log in a lot from one address
    // Suites make many requests as one user from one address; tst_ratelimit turns the
    // limits on again.
    config.rateLimitPerMin = 0;
    config.edgeRateLimitPerMin = 0;
    config.registrationsPerHourPerAddress = 0;
    if (adjust)
        adjust(config);
    m_adjust = adjust;
    m_server = std::make_unique<Server::Server>(config);
    const Core::Status started = m_server->start();
    if (!started) {
        m_error = started.error().message;
        return false;
    }
    return true;
}

void TestServer::stop()
{
    if (m_server)
        m_server->stop();
    m_server.reset();
}

bool TestServer::restart()
{
    m_server->stop();
    m_server.reset();
    return start(m_adjust);
}

std::unique_ptr<Server::Server> TestServer::startPeer(const std::function<void(Server::ServerConfig &)> &adjust,
                                                     QString *error)
{
    Server::ServerConfig config;
    config.databaseUrl = QString::fromUtf8(m_server->conninfo());
    config.port = 0;
    config.workers = 4;
    config.rateLimitPerMin = 0;
    config.edgeRateLimitPerMin = 0;
    config.registrationsPerHourPerAddress = 0;
    if (adjust)
        adjust(config);
    auto peer = std::make_unique<Server::Server>(config);
    if (const Core::Status started = peer->start(); !started) {
        *error = started.error().message;
        return nullptr;
    }
    return peer;
}

QUrl TestServer::url() const
{
    return m_server->url();
}

bool eventually(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QTest::qWait(25);
    }
    return true;
}

Reply requestAt(QNetworkAccessManager &network, const QUrl &base, const QByteArray &method, const QString &path,
                const QByteArray &token, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QUrl target = base;
    const qsizetype question = path.indexOf(QLatin1Char('?'));
    target.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        target.setQuery(path.mid(question + 1));
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    reply->deleteLater();
    return result;
}

QJsonObject nextMessageOfType(QSignalSpy &spy, const QString &type, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        while (!spy.isEmpty()) {
            const QJsonObject message = QJsonDocument::fromJson(spy.takeFirst().at(0).toString().toUtf8()).object();
            if (message.value(QStringLiteral("type")).toString() == type)
                return message;
        }
        spy.wait(200);
    }
    return {};
}

std::unique_ptr<QWebSocket> openHubSocket(quint16 port, const QByteArray &token, const QString &twinId)
{
    auto socket = std::make_unique<QWebSocket>();
    QSignalSpy connected(socket.get(), &QWebSocket::connected);
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
    if (!connected.wait(5000))
        return socket;
    socket->sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(token)));
    // The first answer is the welcome, or an error before the server closes.
    if ((messages.isEmpty() && !messages.wait(5000))
        || !messages.takeFirst().at(0).toString().contains(QLatin1String("\"welcome\""))) {
        socket->abort();
        return socket;
    }
    if (twinId.isEmpty())
        return socket;
    socket->sendTextMessage(QStringLiteral(R"({"type":"subscribe","twin_id":"%1"})").arg(twinId));
    if (nextMessageOfType(messages, QStringLiteral("subscribed"), 5000).isEmpty()
        || nextMessageOfType(messages, QStringLiteral("presence_snapshot"), 5000).isEmpty())
        socket->abort();
    return socket;
}

Reply TestServer::request(const QByteArray &method, const QString &path, const QByteArray &token,
                          const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return requestAt(m_network, url(), method, path, token, body, headers);
}

Reply TestServer::requestJson(const QByteArray &method, const QString &path, const QByteArray &token,
                              const QJsonObject &body)
{
    return request(method, path, token, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QByteArray TestServer::login(const QString &username, const QString &password)
{
    const Reply reply = requestJson("POST", QStringLiteral("/auth/login"), {},
                                    {{QStringLiteral("username"), username},
                                     {QStringLiteral("password"), password}});
    return reply.json.value(QStringLiteral("access_token")).toString().toLatin1();
}

QJsonObject TestServer::registerUser(const QString &username, const QString &password)
{
    return requestJson("POST", QStringLiteral("/auth/register"), {},
                       {{QStringLiteral("username"), username},
                        {QStringLiteral("email"), username + QStringLiteral("@example.org")},
                        {QStringLiteral("password"), password}})
        .json;
}

QJsonObject TestServer::createUser(const QByteArray &adminToken, const QString &username, const QString &role,
                                   const QString &password)
{
    return requestJson("POST", QStringLiteral("/users"), adminToken,
                       {{QStringLiteral("username"), username},
                        {QStringLiteral("email"), username + QStringLiteral("@example.org")},
                        {QStringLiteral("password"), password},
                        {QStringLiteral("role"), role}})
        .json;
}

} // namespace Laces::Tests
