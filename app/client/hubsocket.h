#pragma once

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

class QWebSocket;

namespace Laces::App {

// One WebSocket to the server's hub (/ws): it authenticates with the session's token as
// its first message (tokens never travel in the URL), hands every later message on, and
// reopens a dropped connection with a growing delay (0.5 s doubling to 30 s).
class HubSocket : public QObject
{
    Q_OBJECT

public:
    HubSocket(const QUrl &serverUrl, QByteArray token, QObject *parent = nullptr);
    ~HubSocket() override;

    void open();
    bool isWelcomed() const { return m_welcomed; }
    void send(const QJsonObject &message);
    // A connection that worked: the next drop retries quickly again.
    void resetBackoff() { m_retryMs = 500; }

signals:
    // Authenticated (again, after a reconnect): subscribe now.
    void welcomed();
    void message(const QJsonObject &message, const QString &type);
    // A welcomed connection dropped; a reconnect is scheduled.
    void lost();

private:
    QUrl m_url;
    QByteArray m_token;
    QWebSocket *m_socket = nullptr;
    QTimer m_reconnect;
    int m_retryMs = 500;
    bool m_welcomed = false;
    bool m_stopping = false;
};

} // namespace Laces::App
