#pragma once

#include <QHash>
#include <QJsonObject>
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
// {"type": "ping"} with "pong". The collaboration messages build on this, and so does
// live telemetry: {"type": "subscribe_telemetry", "node_id", "metrics": [...]} (metrics
// optional) is answered "telemetry_subscribed", then {"type": "telemetry", "samples":
// [{"node_id", "time", "metrics"}]} at most every kTelemetryIntervalMs.
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
    // Connections ended so far: "client", "timeout" (silent past the heartbeat), "server".
    QHash<QByteArray, quint64> disconnectCounts() const
    {
        return {{"client", m_closedByClient.load()}, {"timeout", m_timedOut.load()}, {"server", m_closedByServer.load()}};
    }
    // A subscriber with no messages (pings aside) for this long is announced as idle.
    void setIdleAfter(int idleMs) { m_idleMs = idleMs; }

    static constexpr qint64 kMaxMessageBytes = 64 * 1024;
    // A receiver with more than this unsent keeps only each sender's latest cursor.
    static constexpr qint64 kCursorBacklogBytes = 16 * 1024;
    static constexpr int kSocketSendBufferBytes = 64 * 1024;
    // A sender's cursor moves are published at most this often (the latest wins).
    static constexpr int kCursorIntervalMs = 25;
    // Live telemetry goes to each subscriber at most this often: the newest sample of each
    // node it follows since the last send, in one message (so at most 10 per second).
    static constexpr int kTelemetryIntervalMs = 100;

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
        qint64 lastActiveMs = 0;     // last message of its own (not a pong)
        bool idle = false;
        // Outgoing cursor moves not yet published: twin → event (latest wins).
        QHash<QString, QJsonObject> cursorOut;
        qint64 lastCursorOutMs = 0;
        bool cursorOutScheduled = false;
        // Incoming cursor updates held while the socket is backed up: sender → text.
        QHash<QString, QString> cursorIn;
        bool authenticated = false;
        bool authenticating = false;
        bool canViewTelemetry = false;
        bool canViewMaintenance = false;
        bool maintenance = false;   // subscribed to its organization's tickets
        // Followed nodes → the metrics wanted (empty: all); samples waiting to be sent.
        QHash<QString, QSet<QString>> telemetry;
        QHash<QString, QJsonObject> telemetryOut;
    };

    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &message);
    void sendJson(QWebSocket *socket, const QJsonObject &object);
    void sendError(QWebSocket *socket, const QString &code, const QString &message);
    void handleMessage(QWebSocket *socket, Client &client, const QString &type, const QJsonObject &message);
    void publish(const Client &client, const QString &twinId, QJsonObject event);
    // Ticket events go to the subscribers of maintenance in the ticket's organization.
    void deliverTicket(const QJsonObject &event);
    // Sends an event to this instance's subscribers of its twin (not to its sender).
    void deliverHere(const QJsonObject &event);
    void publishCursors(QWebSocket *socket);
    void flushCursors(QWebSocket *socket);
    void setIdle(Client &client, bool idle);
    void subscribeTelemetry(QWebSocket *socket, Client &client, const QJsonObject &message);
    void queueTelemetry(const QJsonObject &event);
    void flushTelemetry();
    // Records a subscription in collaboration_sessions and answers the twin's current
    // members (every instance) as a presence_snapshot.
    void join(QWebSocket *socket, const QString &twinId);
    void leave(const Client &client, const QString &twinId);
    // Marks the subscription's presence row as ended.
    void endPresence(const QUuid &connectionId, const QString &twinId);

    Authenticator m_authenticator;
    DatabaseRunner m_runDb;
    QWebSocketServer *m_server;
    QHash<QWebSocket *, Client> m_clients;
    QStringList m_allowedOrigins;
    QTimer *m_heartbeat;
    QTimer *m_telemetryFlush;
    int m_timeoutMs = 45000;
    int m_idleMs = 120000;
    QString m_instanceId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    std::atomic<int> m_count{0};
    // Ended connections by who ended them, for /metrics; the sockets this side closed.
    std::atomic<quint64> m_closedByClient{0};
    std::atomic<quint64> m_timedOut{0};
    std::atomic<quint64> m_closedByServer{0};
    QHash<QWebSocket *, char> m_endedHere;   // 't' timed out, 's' closed by the server
};

} // namespace Laces::Server
