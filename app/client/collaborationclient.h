#pragma once

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QVector3D>

namespace Laces::App {

class HubSocket;

// The live side of one open twin: a hub connection (HubSocket: authenticated, reopened
// when dropped) that subscribes to the twin and turns the hub's messages into signals.
// Cursor moves are sent at most every 50 ms (the latest wins).
class CollaborationClient : public QObject
{
    Q_OBJECT

public:
    CollaborationClient(QUrl serverUrl, QByteArray token, QString twinId, QObject *parent = nullptr);

    void start();
    bool isSubscribed() const { return m_subscribed; }
    void moveCursor(const QVector3D &position, const QString &component);

    struct Member
    {
        QString connectionId;
        QString user;
        QString role;
        bool idle = false;
    };

signals:
    void subscribed();
    // Everyone on the twin when we joined (not us).
    void membersReset(const QList<Laces::App::CollaborationClient::Member> &members);
    void memberJoined(const Laces::App::CollaborationClient::Member &member);
    void memberLeft(const QString &connectionId);
    void memberIdleChanged(const QString &connectionId, bool idle);
    void cursorMoved(const QString &connectionId, const QString &user, const QVector3D &position, const QString &component);
    // Lock, edit and version events as the hub sends them ("type" says which).
    void event(const QJsonObject &message);
    void connectionLost();

private:
    void onMessage(const QJsonObject &message, const QString &type);
    void flushCursor();

    HubSocket *m_hub;
    QString m_twinId;
    bool m_subscribed = false;
    QJsonObject m_pendingCursor;
    QTimer m_cursorTimer;
};

} // namespace Laces::App
