#include "collaborationclient.h"

#include "hubsocket.h"

#include <QJsonArray>

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
    , m_hub(new HubSocket(serverUrl, std::move(token), this))
    , m_twinId(std::move(twinId))
{
    m_cursorTimer.setSingleShot(true);
    m_cursorTimer.setInterval(50);
    connect(&m_cursorTimer, &QTimer::timeout, this, &CollaborationClient::flushCursor);
    connect(m_hub, &HubSocket::welcomed, this, [this] {
        m_hub->send({{QStringLiteral("type"), QStringLiteral("subscribe")}, {QStringLiteral("twin_id"), m_twinId}});
    });
    connect(m_hub, &HubSocket::message, this, &CollaborationClient::onMessage);
    connect(m_hub, &HubSocket::lost, this, [this] {
        const bool wasSubscribed = m_subscribed;
        m_subscribed = false;
        if (wasSubscribed)
            emit connectionLost();
    });
}

void CollaborationClient::start()
{
    m_hub->open();
}

void CollaborationClient::onMessage(const QJsonObject &message, const QString &type)
{
    if (type == QLatin1String("subscribed")) {
        m_subscribed = true;
        m_hub->resetBackoff();
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
    } else if (type != QLatin1String("error")) {
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
    m_hub->send(m_pendingCursor);
    m_pendingCursor = {};
}

} // namespace Laces::App
