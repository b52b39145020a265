#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUuid>

#include <atomic>
#include <functional>

class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace Laces::Server {

class PgConnection;
struct Principal;

// WebSocket connections on the HTTP port (GET /ws or /ws/{session_id} with Upgrade). A
// connection must authenticate with its first message, {"type": "auth", "token": …},
// within 10 s (tokens never travel in the URL, so they stay out of logs); browsers must
// come from an allowed Origin; messages are limited to 64 KiB. After that it answers
// {"type": "ping"} with "pong". The collaboration messages build on this.
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    // Checks a bearer token on a worker thread and calls back on the hub's thread.
    using Authenticator = std::function<void(const QByteArray &token,
                                             std::function<void(const Principal *, const QString &error)>)>;
    // Runs database work on a worker thread (never on the hub's).
    using DatabaseRunner = std::function<void(std::function<void(PgConnection &)>)>;

    WebSocketHub(Authenticator authenticator, DatabaseRunner runner, QObject *parent = nullptr);
    ~WebSocketHub() override;

    static bool isWebSocketPath(const QString &path);
    // Takes over a socket whose unread bytes start with the upgrade request.
    void takeOver(QTcpSocket *socket);
    int connectionCount() const { return m_count.load(); }
    void setAllowedOrigins(const QStringList &origins) { m_allowedOrigins = origins; }
    // An event from the bus (any instance): sent to this instance's subscribers of its twin;
    // session_revoked / user_revoked events close the connections of that session or user.
    void deliver(const QJsonObject &event);
    // Pings every interval; a connection silent for `timeoutMs` is dropped (and leaves).
    void setHeartbeat(int intervalMs, int timeoutMs);

    static constexpr qint64 kMaxMessageBytes = 64 * 1024;

private:
    struct Client
    {
        QUuid sessionId;      // from the path, if given: the token must belong to it
        QUuid userId;
        QUuid organizationId;
        QUuid connectionId = QUuid::createUuid();
        QString username;
        QString role;
        QSet<QString> twins;  // subscribed twin ids
        qint64 lastSeenMs = 0;
        bool authenticated = false;
        bool authenticating = false;
    };

    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &message);
    void sendJson(QWebSocket *socket, const QJsonObject &object);
    void sendError(QWebSocket *socket, const QString &code, const QString &message);
    void handleMessage(QWebSocket *socket, Client &client, const QString &type, const QJsonObject &message);
    void publish(const Client &client, const QString &twinId, QJsonObject event);

    Authenticator m_authenticator;
    DatabaseRunner m_runDb;
    QWebSocketServer *m_server;
    QHash<QWebSocket *, Client> m_clients;
    QStringList m_allowedOrigins;
    QTimer *m_heartbeat;
    int m_timeoutMs = 45000;
    std::atomic<int> m_count{0};
};

} // namespace Laces::Server
