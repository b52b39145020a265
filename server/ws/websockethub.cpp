#include "websockethub.h"

#include "db/pgconnection.h"
#include "eventbus.h"
#include "http/requestcontext.h"
#include "json/repeatedkeys.h"
#include "twins/twinlookup.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>
#include <utility>
#include <cmath>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcWs, "laces.server.ws")

namespace Laces::Server {

WebSocketHub::WebSocketHub(Authenticator authenticator, DatabaseRunner runner, QObject *parent)
    : QObject(parent)
    , m_authenticator(std::move(authenticator))
    , m_runDb(std::move(runner))
    , m_server(new QWebSocketServer(QStringLiteral("laces-server"), QWebSocketServer::NonSecureMode, this))
{
    m_server->setMaxPendingConnections(1000);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::onNewConnection);
    m_telemetryFlush = new QTimer(this);
    m_telemetryFlush->setSingleShot(true);
    m_telemetryFlush->setInterval(kTelemetryIntervalMs);
    connect(m_telemetryFlush, &QTimer::timeout, this, &WebSocketHub::flushTelemetry);
    m_heartbeat = new QTimer(this);
    connect(m_heartbeat, &QTimer::timeout, this, [this] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const auto sockets = m_clients.keys();
        for (QWebSocket *socket : sockets) {
            const auto it = m_clients.constFind(socket);
            if (it == m_clients.constEnd())
                continue;  // gone while we went through the list
            if (now - it->lastSeenMs > m_timeoutMs) {
                qCInfo(lcWs) << "dropping a silent WebSocket connection";
                m_endedHere.insert(socket, 't');
                socket->abort();  // disconnected() announces the leave
                continue;
            }
            if (it->authenticated && !it->idle && !it->twins.isEmpty() && now - it->lastActiveMs > m_idleMs)
                setIdle(m_clients[socket], true);
            socket->ping();
        }
        if (!m_clients.isEmpty()) {
            // Keeps this instance's presence rows alive for the other instances' snapshots.
            m_runDb([instance = m_instanceId](PgConnection &db) {
                db.exec("UPDATE collaboration_sessions SET last_seen_at = now() WHERE instance_id = $1 AND left_at IS NULL",
                        {instance.toUtf8()});
            });
        }
    });
    setHeartbeat(15000, 45000);
}

void WebSocketHub::setHeartbeat(int intervalMs, int timeoutMs)
{
    m_timeoutMs = timeoutMs;
    m_heartbeat->start(intervalMs);
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
    // A bounded kernel send buffer per connection (loopback autotuning would allow
    // megabytes): a client that does not read backs up into the hub, which then keeps
    // only the latest cursor per sender for it.
    socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, kSocketSendBufferBytes);
    // Small messages go out at once: with Nagle's algorithm a cursor update can wait for the
    // peer's delayed acknowledgement (40 ms on Linux).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
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
            ++m_closedByServer;  // before the disconnected() handler exists
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("origin not allowed"));
            socket->deleteLater();
            continue;
        }
        Client client;
        client.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
        client.lastActiveMs = client.lastSeenMs;
        const QString path = socket->requestUrl().path();
        if (path.startsWith(QLatin1String("/ws/"))) {
            client.sessionId = QUuid::fromString(path.mid(4));
            if (client.sessionId.isNull()) {
                ++m_closedByServer;
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("bad session id"));
                socket->deleteLater();
                continue;
            }
        }
        m_clients.insert(socket, client);
        ++m_count;
        connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &message) {
            if (auto it = m_clients.find(socket); it != m_clients.end()) {
                it->lastSeenMs = it->lastActiveMs = QDateTime::currentMSecsSinceEpoch();
                if (it->idle)
                    setIdle(*it, false);
            }
            onTextMessage(socket, message);
        });
        connect(socket, &QWebSocket::bytesWritten, this, [this, socket] { flushCursors(socket); });
        connect(socket, &QWebSocket::pong, this, [this, socket] {
            if (auto it = m_clients.find(socket); it != m_clients.end())
                it->lastSeenMs = QDateTime::currentMSecsSinceEpoch();
        });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            sendError(socket, QStringLiteral("unsupported"), QStringLiteral("binary messages are not accepted"));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            switch (m_endedHere.take(socket)) {
            case 't': ++m_timedOut; break;
            case 's': ++m_closedByServer; break;
            default: ++m_closedByClient; break;
            }
            const auto it = m_clients.constFind(socket);
            if (it != m_clients.constEnd()) {
                const Client gone = *it;
                for (const QString &twin : gone.twins)
                    leave(gone, twin);
                m_clients.remove(socket);
                --m_count;
            }
            socket->deleteLater();
        });
        QPointer<QWebSocket> guard(socket);
        QTimer::singleShot(10000, this, [this, guard] {
            if (guard && !m_clients.value(guard).authenticated) {
                m_endedHere.insert(guard.data(), 's');
                guard->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("authentication timeout"));
            }
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
    const QByteArray bytes = text.toUtf8();
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        sendError(socket, QStringLiteral("invalid_json"), QStringLiteral("messages must be JSON objects"));
        return;
    }
    if (const auto repeated = Core::firstRepeatedKey(bytes)) {
        sendError(socket, QStringLiteral("invalid_json"),
                  QStringLiteral("'%1' is given more than once; give each field once").arg(*repeated));
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
                                m_endedHere.insert(guard.data(), 's');
                                guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                             principal ? QStringLiteral("token of another session") : error.left(120));
                                return;
                            }
                            state.authenticated = true;
                            state.sessionId = principal->sessionId;
                            state.userId = principal->userId;
                            state.organizationId = principal->organizationId;
                            state.username = principal->username;
                            state.role = principal->role;
                            state.canViewTelemetry = principal->can(QStringLiteral("twins.view"));
                            state.canViewMaintenance = principal->can(QStringLiteral("maintenance.view"));
                            sendJson(guard, {{QStringLiteral("type"), QStringLiteral("welcome")},
                                             {QStringLiteral("user"), principal->username},
                                             {QStringLiteral("role"), principal->role},
                                             {QStringLiteral("session_id"),
                                              principal->sessionId.toString(QUuid::WithoutBraces)}});
                        });
        return;
    }

    handleMessage(socket, *client, type, message);
}

void WebSocketHub::handleMessage(QWebSocket *socket, Client &client, const QString &type, const QJsonObject &message)
{
    if (type == QLatin1String("ping")) {
        sendJson(socket, {{QStringLiteral("type"), QStringLiteral("pong")}});
        return;
    }
    if (type == QLatin1String("subscribe_telemetry")) {
        subscribeTelemetry(socket, client, message);
        return;
    }
    if (type == QLatin1String("subscribe_maintenance") || type == QLatin1String("unsubscribe_maintenance")) {
        const bool subscribe = type == QLatin1String("subscribe_maintenance");
        if (subscribe && !client.canViewMaintenance) {
            sendError(socket, QStringLiteral("forbidden"),
                      QStringLiteral("your role (%1) lacks the permission maintenance.view").arg(client.role));
            return;
        }
        client.maintenance = subscribe;
        if (subscribe)
            sendJson(socket, {{QStringLiteral("type"), QStringLiteral("maintenance_subscribed")}});
        return;
    }
    if (type == QLatin1String("unsubscribe_telemetry")) {
        const QString node = QUuid::fromString(message.value(QStringLiteral("node_id")).toString()).toString(QUuid::WithoutBraces);
        client.telemetry.remove(node);
        client.telemetryOut.remove(node);
        return;
    }
    const QUuid twin = QUuid::fromString(message.value(QStringLiteral("twin_id")).toString());
    const QString twinId = twin.toString(QUuid::WithoutBraces);
    if (type == QLatin1String("subscribe")) {
        if (twin.isNull()) {
            sendError(socket, QStringLiteral("invalid"), QStringLiteral("'twin_id' must be a UUID"));
            return;
        }
        if (client.twins.contains(twinId)) {
            sendJson(socket, {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("twin_id"), twinId}});
            return;
        }
        join(socket, twinId);
        return;
    }
    if (type == QLatin1String("unsubscribe")) {
        if (client.twins.remove(twinId)) {
            client.cursorOut.remove(twinId);
            leave(client, twinId);
        }
        return;
    }
    if (type == QLatin1String("cursor_move")) {
        if (!client.twins.contains(twinId)) {
            sendError(socket, QStringLiteral("not_subscribed"), QStringLiteral("subscribe to the twin first"));
            return;
        }
        const QJsonArray position = message.value(QStringLiteral("position")).toArray();
        const bool valid = position.size() == 3
                           && std::all_of(position.begin(), position.end(), [](const QJsonValue &v) {
                                  return v.isDouble() && std::isfinite(v.toDouble());
                              });
        const QJsonValue component = message.value(QStringLiteral("component"));
        if (!valid || !(component.isUndefined() || component.isNull()
                        || (component.isString() && component.toString().size() <= 300))) {
            sendError(socket, QStringLiteral("invalid"),
                      QStringLiteral("cursor_move needs position [x, y, z] and an optional component name"));
            return;
        }
        QJsonObject event{{QStringLiteral("type"), QStringLiteral("cursor_update")},
                          {QStringLiteral("position"), position}};
        if (component.isString())
            event.insert(QStringLiteral("component"), component);
        // Latest wins: moves faster than the publishing interval replace each other.
        client.cursorOut.insert(twinId, event);
        if (client.cursorOutScheduled)
            return;
        const qint64 waitMs = client.lastCursorOutMs + kCursorIntervalMs - QDateTime::currentMSecsSinceEpoch();
        if (waitMs <= 0) {
            publishCursors(socket);
            return;
        }
        client.cursorOutScheduled = true;
        QTimer::singleShot(int(waitMs), this, [this, guard = QPointer<QWebSocket>(socket)] {
            if (guard)
                publishCursors(guard);
        });
        return;
    }
    sendError(socket, QStringLiteral("unknown_type"), QStringLiteral("unknown message type '%1'").arg(type.left(64)));
}

void WebSocketHub::publish(const Client &client, const QString &twinId, QJsonObject event)
{
    event.insert(QStringLiteral("twin_id"), twinId);
    event.insert(QStringLiteral("organization_id"), client.organizationId.toString(QUuid::WithoutBraces));
    event.insert(QStringLiteral("connection_id"), client.connectionId.toString(QUuid::WithoutBraces));
    event.insert(QStringLiteral("user"), client.username);
    event.insert(QStringLiteral("role"), client.role);
    // This instance's subscribers at once; the others through the bus, which brings the
    // event back here too, marked with its origin so that it is not delivered twice.
    deliverHere(event);
    event.insert(QStringLiteral("origin"), m_instanceId);
    m_runDb([event](PgConnection &db) { EventBus::publish(db, event); });
}

void WebSocketHub::publishCursors(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    const QHash<QString, QJsonObject> moves = std::exchange(it->cursorOut, {});
    it->cursorOutScheduled = false;
    it->lastCursorOutMs = QDateTime::currentMSecsSinceEpoch();
    for (auto move = moves.cbegin(); move != moves.cend(); ++move) {
        if (it->twins.contains(move.key()))
            publish(*it, move.key(), move.value());
    }
}

void WebSocketHub::flushCursors(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end() || it->cursorIn.isEmpty() || socket->bytesToWrite() > kCursorBacklogBytes)
        return;
    const QHash<QString, QString> held = std::exchange(it->cursorIn, {});
    for (const QString &text : held)
        socket->sendTextMessage(text);
}

void WebSocketHub::setIdle(Client &client, bool idle)
{
    client.idle = idle;
    for (const QString &twin : std::as_const(client.twins))
        publish(client, twin, {{QStringLiteral("type"), QStringLiteral("presence")},
                               {QStringLiteral("event"), idle ? QStringLiteral("idle") : QStringLiteral("active")}});
    m_runDb([connection = client.connectionId, idle](PgConnection &db) {
        db.exec("UPDATE collaboration_sessions SET idle = $2 WHERE connection_id = $1 AND left_at IS NULL",
                {connection.toByteArray(QUuid::WithoutBraces), idle ? QByteArray("true") : QByteArray("false")});
    });
}

void WebSocketHub::join(QWebSocket *socket, const QString &twinId)
{
    const Client &client = m_clients[socket];
    QPointer<QWebSocket> guard(socket);
    m_runDb([this, guard, twinId, organization = client.organizationId, user = client.userId,
             session = client.sessionId, connection = client.connectionId, role = client.role,
             idle = client.idle, instance = m_instanceId](PgConnection &db) {
        const auto id = [](const QUuid &uuid) { return uuid.toByteArray(QUuid::WithoutBraces); };
        const bool visible = latestVersionOf(db, organization, QUuid::fromString(twinId)).ok();
        QJsonArray members;
        if (visible) {
            db.exec("INSERT INTO collaboration_sessions (twin_id, user_id, session_id, instance_id, connection_id, role, idle) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7::boolean)",
                    {twinId.toUtf8(), id(user), id(session), instance.toUtf8(), id(connection), role.toUtf8(),
                     idle ? QByteArray("true") : QByteArray("false")});
            auto present = db.exec(
                "SELECT json_build_object('connection_id', c.connection_id, 'user', u.username, 'role', c.role, "
                "'idle', c.idle, 'joined_at', c.joined_at) FROM collaboration_sessions c JOIN users u ON u.id = c.user_id "
                "WHERE c.twin_id = $1 AND c.left_at IS NULL AND c.last_seen_at > now() - interval '90 seconds' "
                "  AND c.connection_id IS DISTINCT FROM $2 ORDER BY c.joined_at",
                {twinId.toUtf8(), id(connection)});
            if (present) {
                for (int i = 0; i < present->rowCount(); ++i)
                    members.append(QJsonDocument::fromJson(present->bytes(i, 0)).object());
            }
        }
        QMetaObject::invokeMethod(this, [this, guard, twinId, visible, members, connection] {
            if (!guard || !m_clients.contains(guard)) {
                endPresence(connection, twinId);  // gone while we looked: not to be kept alive as present
                return;
            }
            if (!visible) {
                sendError(guard, QStringLiteral("not_found"), QStringLiteral("no such twin"));
                return;
            }
            Client &state = m_clients[guard];
            state.twins.insert(twinId);
            sendJson(guard, {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("twin_id"), twinId}});
            sendJson(guard, {{QStringLiteral("type"), QStringLiteral("presence_snapshot")},
                             {QStringLiteral("twin_id"), twinId}, {QStringLiteral("members"), members}});
            publish(state, twinId, {{QStringLiteral("type"), QStringLiteral("presence")},
                                    {QStringLiteral("event"), QStringLiteral("join")},
                                    {QStringLiteral("idle"), state.idle}});
        }, Qt::QueuedConnection);
    });
}

void WebSocketHub::leave(const Client &client, const QString &twinId)
{
    publish(client, twinId, {{QStringLiteral("type"), QStringLiteral("presence")},
                             {QStringLiteral("event"), QStringLiteral("leave")}});
    endPresence(client.connectionId, twinId);
}

void WebSocketHub::endPresence(const QUuid &connectionId, const QString &twinId)
{
    m_runDb([twinId, connectionId](PgConnection &db) {
        db.exec("UPDATE collaboration_sessions SET left_at = now() WHERE connection_id = $1 AND twin_id = $2 "
                "AND left_at IS NULL",
                {connectionId.toByteArray(QUuid::WithoutBraces), twinId.toUtf8()});
    });
}

void WebSocketHub::deliver(const QJsonObject &event)
{
    const QString kind = event.value(QStringLiteral("type")).toString();
    if (kind == QLatin1String("session_revoked") || kind == QLatin1String("user_revoked")) {
        const bool bySession = kind == QLatin1String("session_revoked");
        const QUuid id = QUuid::fromString(event.value(bySession ? QStringLiteral("session_id") : QStringLiteral("user_id")).toString());
        // Collected first: closing may remove a client from the map at once.
        QList<QWebSocket *> ending;
        for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
            if (it->authenticated && (bySession ? it->sessionId : it->userId) == id)
                ending.append(it.key());
        }
        for (QWebSocket *socket : std::as_const(ending)) {
            m_endedHere.insert(socket, 's');
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("session ended"));
        }
        return;
    }
    if (event.value(QStringLiteral("origin")).toString() == m_instanceId)
        return;  // published by this hub and delivered here already
    if (kind == QLatin1String("telemetry")) {
        queueTelemetry(event);
        return;
    }
    if (kind == QLatin1String("ticket_opened") || kind == QLatin1String("ticket_updated")) {
        deliverTicket(event);
        return;
    }
    deliverHere(event);
}

void WebSocketHub::subscribeTelemetry(QWebSocket *socket, Client &client, const QJsonObject &message)
{
    const QUuid node = QUuid::fromString(message.value(QStringLiteral("node_id")).toString());
    const QJsonValue metrics = message.value(QStringLiteral("metrics"));
    QSet<QString> wanted;
    bool valid = !node.isNull() && (metrics.isUndefined() || metrics.isArray());
    for (const QJsonValue &metric : metrics.toArray()) {
        valid = valid && metric.isString() && metric.toString().size() <= 63;
        wanted.insert(metric.toString());
    }
    if (!valid) {
        sendError(socket, QStringLiteral("invalid"),
                  QStringLiteral("subscribe_telemetry needs node_id and optionally metrics: [names]"));
        return;
    }
    if (!client.canViewTelemetry) {
        sendError(socket, QStringLiteral("forbidden"), QStringLiteral("your role cannot view telemetry"));
        return;
    }
    const QString nodeId = node.toString(QUuid::WithoutBraces);
    QPointer<QWebSocket> guard(socket);
    m_runDb([this, guard, nodeId, wanted, organization = client.organizationId](PgConnection &db) {
        auto found = db.exec("SELECT 1 FROM machine_nodes WHERE id = $1 AND organization_id = $2",
                             {nodeId.toUtf8(), organization.toByteArray(QUuid::WithoutBraces)});
        const bool visible = found && found->rowCount() == 1;
        QMetaObject::invokeMethod(this, [this, guard, nodeId, wanted, visible] {
            if (!guard || !m_clients.contains(guard))
                return;
            if (!visible) {
                sendError(guard, QStringLiteral("not_found"), QStringLiteral("no such node"));
                return;
            }
            m_clients[guard].telemetry.insert(nodeId, wanted);
            sendJson(guard, {{QStringLiteral("type"), QStringLiteral("telemetry_subscribed")},
                             {QStringLiteral("node_id"), nodeId}});
        }, Qt::QueuedConnection);
    });
}

void WebSocketHub::queueTelemetry(const QJsonObject &event)
{
    const QString node = event.value(QStringLiteral("node_id")).toString();
    const QString organization = event.value(QStringLiteral("organization_id")).toString();
    const QJsonObject metrics = event.value(QStringLiteral("metrics")).toObject();
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
        Client &client = it.value();
        const auto followed = client.telemetry.constFind(node);
        if (followed == client.telemetry.cend()
            || client.organizationId.toString(QUuid::WithoutBraces) != organization)
            continue;
        QJsonObject wanted;
        for (auto m = metrics.begin(); m != metrics.end(); ++m) {
            if (followed->isEmpty() || followed->contains(m.key()))
                wanted.insert(m.key(), m.value());
        }
        if (wanted.isEmpty())
            continue;
        // The newest wins: a batch's samples arrive in any order.
        const QJsonObject queued = client.telemetryOut.value(node);
        const QString time = event.value(QStringLiteral("time")).toString();
        if (!queued.isEmpty() && queued.value(QStringLiteral("time")).toString() > time)
            continue;
        client.telemetryOut.insert(node, {{QStringLiteral("node_id"), node},
                                          {QStringLiteral("time"), time},
                                          {QStringLiteral("metrics"), wanted}});
    }
    if (!m_telemetryFlush->isActive())
        m_telemetryFlush->start();
}

void WebSocketHub::flushTelemetry()
{
    QList<QPair<QPointer<QWebSocket>, QJsonArray>> sends;
    bool held = false;
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
        if (it->telemetryOut.isEmpty())
            continue;
        // A subscriber that is not reading keeps only the newest sample per node until it
        // catches up, as with cursors.
        if (it.key()->bytesToWrite() > kCursorBacklogBytes) {
            held = true;
            continue;
        }
        QJsonArray samples;
        for (const QJsonObject &sample : std::as_const(it->telemetryOut))
            samples.append(sample);
        it->telemetryOut.clear();
        sends.append({it.key(), samples});
    }
    for (const auto &[socket, samples] : std::as_const(sends)) {
        if (socket)
            sendJson(socket, {{QStringLiteral("type"), QStringLiteral("telemetry")}, {QStringLiteral("samples"), samples}});
    }
    if (held && !m_telemetryFlush->isActive())
        m_telemetryFlush->start();
}

void WebSocketHub::deliverTicket(const QJsonObject &event)
{
    const QUuid organization = QUuid::fromString(event.value(QStringLiteral("organization_id")).toString());
    QJsonObject outgoing = event;
    outgoing.remove(QStringLiteral("organization_id"));
    outgoing.remove(QStringLiteral("origin"));
    const QString text = QString::fromUtf8(QJsonDocument(outgoing).toJson(QJsonDocument::Compact));
    QList<QPointer<QWebSocket>> receivers;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        if (it->authenticated && it->maintenance && it->organizationId == organization)
            receivers.append(it.key());
    }
    for (const QPointer<QWebSocket> &receiver : std::as_const(receivers)) {
        if (receiver && m_clients.contains(receiver))
            receiver->sendTextMessage(text);
    }
}

void WebSocketHub::deliverHere(const QJsonObject &event)
{
    const QString kind = event.value(QStringLiteral("type")).toString();
    const QString twinId = event.value(QStringLiteral("twin_id")).toString();
    const QString organization = event.value(QStringLiteral("organization_id")).toString();
    const QString sender = event.value(QStringLiteral("connection_id")).toString();
    QJsonObject outgoing = event;
    outgoing.remove(QStringLiteral("organization_id"));
    outgoing.remove(QStringLiteral("origin"));
    // Serialized once for every receiver.
    const QString text = QString::fromUtf8(QJsonDocument(outgoing).toJson(QJsonDocument::Compact));
    // Receivers are collected first: a failed send may remove a client from the map at once.
    QList<QPointer<QWebSocket>> receivers;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        const Client &client = it.value();
        if (!client.twins.contains(twinId) || client.organizationId.toString(QUuid::WithoutBraces) != organization
            || client.connectionId.toString(QUuid::WithoutBraces) == sender)
            continue;
        receivers.append(it.key());
    }
    const bool cursor = kind == QLatin1String("cursor_update");
    const bool leaving = kind == QLatin1String("presence") && event.value(QStringLiteral("event")).toString() == QLatin1String("leave");
    for (const QPointer<QWebSocket> &receiver : std::as_const(receivers)) {
        if (!receiver || !m_clients.contains(receiver))
            continue;
        Client &client = m_clients[receiver];
        if (cursor || leaving)
            client.cursorIn.remove(sender);  // superseded, or its sender is gone
        // A receiver that does not keep up gets each sender's latest cursor once it has
        // room again, never a growing queue of them; other events are never dropped.
        if (cursor && receiver->bytesToWrite() > kCursorBacklogBytes) {
            client.cursorIn.insert(sender, text);
            continue;
        }
        receiver->sendTextMessage(text);
    }
}

} // namespace Laces::Server
