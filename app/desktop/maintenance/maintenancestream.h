#pragma once

#include <QJsonObject>
#include <QObject>
#include <QUrl>

namespace Laces::App {

class HubSocket;

// Live ticket events of the user's organization from the server's hub: subscribes (again
// after a reconnect) and emits each ticket_opened / ticket_updated with its ticket summary.
class MaintenanceStream : public QObject
{
    Q_OBJECT

public:
    MaintenanceStream(const QUrl &serverUrl, QByteArray token, QObject *parent = nullptr);

    // Connects (once; later calls do nothing) and keeps reconnecting.
    void start();
    bool isSubscribed() const { return m_subscribed; }

signals:
    void subscribed();
    void ticketChanged(const QJsonObject &ticket, bool opened);

private:
    HubSocket *m_hub;
    bool m_subscribed = false;
    bool m_started = false;
};

} // namespace Laces::App
