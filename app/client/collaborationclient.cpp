#include "collaborationclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcCollaboration, "laces.app.collaboration")

namespace Laces::App {

namespace {

CollaborationClient::Member memberOf(const QJsonObject &message)
{
    return {message.value(QStringLiteral("connection_id")).toString(), message.value(QStringLiteral("user")).toString(),
            message.value(QStringLiteral("role")).toString(), message.value(QStringLiteral("idle")).toBool()};
}

} // namespace

CollaborationClient::CollaborationClient(QUrl serverUrl, QByteArray token, QString twinId, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
    , m_twinId(std::move(twinId))
{
    m_url = serverUrl;
    m_url.setScheme(serverUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    m_url.setPath(QStringLiteral("/ws"));
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &CollaborationClient::open);
    m_cursorTimer.setSingleShot(true);
    m_cursorTimer.setInterval(50);
    connect(&m_cursorTimer, &QTimer::timeout, this, &CollaborationClient::flushCursor);
}

CollaborationClient::~CollaborationClient()
{
    m_stopping = true;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close();
    }
}

void CollaborationClient::start()
{
    open();
}

void CollaborationClient::open()
{
    if (m_socket)
        m_socket->deleteLater();
    m_subscribed = false;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("auth")}, {QStringLiteral("token"), QString::fromLatin1(m_token)}})
                                                        .toJson(QJsonDocument::Compact)));
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &CollaborationClient::onMessage);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_stopping)
            return;
        const bool wasSubscribed = m_subscribed;
        m_subscribed = false;
        if (wasSubscribed)
            emit connectionLost();
        qCInfo(lcCollaboration) << "connection lost; reconnecting in" << m_retryMs << "ms";
        m_reconnect.start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, 30000);
    });
    m_socket->open(m_url);
}

void CollaborationClient::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("welcome")) {
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("subscribe")}, {QStringLiteral("twin_id"), m_twinId}})
                                                        .toJson(QJsonDocument::Compact)));
    } else if (type == QLatin1String("subscribed")) {
        m_subscribed = true;
        m_retryMs = 500;
        emit subscribed();
    } else if (type == QLatin1String("presence_snapshot")) {
        QList<Member> members;
        for (const QJsonValue &member : message.value(QStringLiteral("members")).toArray())
            members.append(memberOf(member.toObject()));
        emit membersReset(members);
    } else if (type == QLatin1String("presence")) {
        const QString event = message.value(QStringLiteral("event")).toString();
        const QString connection = message.value(QStringLiteral("connection_id")).toString();
        if (event == QLatin1String("join"))
            emit memberJoined(memberOf(message));
        else if (event == QLatin1String("leave"))
            emit memberLeft(connection);
        else
            emit memberIdleChanged(connection, event == QLatin1String("idle"));
    } else if (type == QLatin1String("cursor_update")) {
        const QJsonArray position = message.value(QStringLiteral("position")).toArray();
        emit cursorMoved(message.value(QStringLiteral("connection_id")).toString(),
                         message.value(QStringLiteral("user")).toString(),
                         QVector3D(float(position.at(0).toDouble()), float(position.at(1).toDouble()),
                                   float(position.at(2).toDouble())),
                         message.value(QStringLiteral("component")).toString());
    } else if (type == QLatin1String("error")) {
        qCWarning(lcCollaboration).noquote() << "hub:" << message.value(QStringLiteral("message")).toString();
    } else if (type != QLatin1String("pong")) {
        emit event(message);
    }
}

void CollaborationClient::moveCursor(const QVector3D &position, const QString &component)
{
    m_pendingCursor = {{QStringLiteral("type"), QStringLiteral("cursor_move")},
                       {QStringLiteral("twin_id"), m_twinId},
                       {QStringLiteral("position"), QJsonArray{position.x(), position.y(), position.z()}}};
    if (!component.isEmpty())
        m_pendingCursor.insert(QStringLiteral("component"), component);
    if (!m_cursorTimer.isActive()) {
        flushCursor();
        m_cursorTimer.start();
    }
}

void CollaborationClient::flushCursor()
{
    if (m_pendingCursor.isEmpty() || !m_subscribed)
        return;
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(m_pendingCursor).toJson(QJsonDocument::Compact)));
    m_pendingCursor = {};
}

} // namespace Laces::App
