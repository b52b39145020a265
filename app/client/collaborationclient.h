#pragma once

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QVector3D>

class QWebSocket;

namespace Laces::App {

// The live side of one open twin: a WebSocket to the server's hub that authenticates with
// the session's token (never in the URL), subscribes to the twin and turns the hub's
// messages into signals. Cursor moves are sent at most every 50 ms (the latest wins). A
// dropped connection is reopened with a growing delay.
class CollaborationClient : public QObject
{
    Q_OBJECT

public:
    CollaborationClient(QUrl serverUrl, QByteArray token, QString twinId, QObject *parent = nullptr);
    ~CollaborationClient() override;

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
    void open();
    void onMessage(const QString &text);
    void flushCursor();

    QUrl m_url;
    QByteArray m_token;
    QString m_twinId;
    QWebSocket *m_socket = nullptr;
    QTimer m_reconnect;
    int m_retryMs = 500;
    bool m_subscribed = false;
    bool m_stopping = false;
    QJsonObject m_pendingCursor;
    QTimer m_cursorTimer;
};

} // namespace Laces::App
