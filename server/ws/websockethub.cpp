#include "websockethub.h"

#include "http/requestcontext.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcWs, "laces.server.ws")

namespace Laces::Server {

WebSocketHub::WebSocketHub(Authenticator authenticator, QObject *parent)
    : QObject(parent)
    , m_authenticator(std::move(authenticator))
    , m_server(new QWebSocketServer(QStringLiteral("laces-server"), QWebSocketServer::NonSecureMode, this))
{
    m_server->setMaxPendingConnections(1000);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::onNewConnection);
}

WebSocketHub::~WebSocketHub()
{
    const auto sockets = m_clients.keys();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->abort();
        delete socket;
    }
}

bool WebSocketHub::isWebSocketPath(const QString &path)
{
    if (path == QLatin1String("/ws"))
        return true;
    return path.startsWith(QLatin1String("/ws/")) && path.count(QLatin1Char('/')) == 2;
}

void WebSocketHub::takeOver(QTcpSocket *socket)
{
    m_server->handleConnection(socket);
    // The handshake bytes are already buffered in the socket, so no new readyRead will
    // announce them: announce them once more ourselves.
    QMetaObject::invokeMethod(socket, "readyRead", Qt::QueuedConnection);
}

void WebSocketHub::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
        const QString origin = socket->origin();
        if (!origin.isEmpty() && !m_allowedOrigins.contains(origin)) {
            qCInfo(lcWs).noquote() << "refused a WebSocket from origin" << origin;
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("origin not allowed"));
            socket->deleteLater();
            continue;
        }
        Client client;
        const QString path = socket->requestUrl().path();
        if (path.startsWith(QLatin1String("/ws/"))) {
            client.sessionId = QUuid::fromString(path.mid(4));
            if (client.sessionId.isNull()) {
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("bad session id"));
                socket->deleteLater();
                continue;
            }
        }
        m_clients.insert(socket, client);
        ++m_count;
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &message) { onTextMessage(socket, message); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            sendError(socket, QStringLiteral("unsupported"), QStringLiteral("binary messages are not accepted"));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            if (m_clients.remove(socket))
                --m_count;
            socket->deleteLater();
        });
        QPointer<QWebSocket> guard(socket);
        QTimer::singleShot(10000, this, [this, guard] {
            if (guard && !m_clients.value(guard).authenticated)
                guard->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("authentication timeout"));
        });
    }
}

void WebSocketHub::sendJson(QWebSocket *socket, const QJsonObject &object)
{
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

void WebSocketHub::sendError(QWebSocket *socket, const QString &code, const QString &message)
{
    sendJson(socket, {{QStringLiteral("type"), QStringLiteral("error")},
                      {QStringLiteral("code"), code},
                      {QStringLiteral("message"), message}});
}

void WebSocketHub::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto client = m_clients.find(socket);
    if (client == m_clients.end())
        return;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        sendError(socket, QStringLiteral("invalid_json"), QStringLiteral("messages must be JSON objects"));
        return;
    }
    const QJsonObject message = document.object();
    const QString type = message.value(QStringLiteral("type")).toString();

    if (!client->authenticated) {
        if (type != QLatin1String("auth") || !message.value(QStringLiteral("token")).isString()) {
            sendError(socket, QStringLiteral("unauthenticated"),
                      QStringLiteral("the first message must be {\"type\": \"auth\", \"token\": …}"));
            return;
        }
        if (client->authenticating)
            return;
        client->authenticating = true;
        QPointer<QWebSocket> guard(socket);
        m_authenticator(message.value(QStringLiteral("token")).toString().toLatin1(),
                        [this, guard](const Principal *principal, const QString &error) {
                            if (!guard || !m_clients.contains(guard))
                                return;
                            Client &state = m_clients[guard];
                            state.authenticating = false;
                            if (!principal
                                || (!state.sessionId.isNull() && state.sessionId != principal->sessionId)) {
                                guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                             principal ? QStringLiteral("token of another session") : error.left(120));
                                return;
                            }
                            state.authenticated = true;
                            state.sessionId = principal->sessionId;
                            state.userId = principal->userId;
                            state.username = principal->username;
                            sendJson(guard, {{QStringLiteral("type"), QStringLiteral("welcome")},
                                             {QStringLiteral("user"), principal->username},
                                             {QStringLiteral("role"), principal->role},
                                             {QStringLiteral("session_id"),
                                              principal->sessionId.toString(QUuid::WithoutBraces)}});
                        });
        return;
    }

    if (type == QLatin1String("ping")) {
        sendJson(socket, {{QStringLiteral("type"), QStringLiteral("pong")}});
        return;
    }
    sendError(socket, QStringLiteral("unknown_type"), QStringLiteral("unknown message type '%1'").arg(type.left(64)));
}

} // namespace Laces::Server
