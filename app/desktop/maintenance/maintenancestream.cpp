#include "maintenancestream.h"

#include "hubsocket.h"

namespace Laces::App {

MaintenanceStream::MaintenanceStream(const QUrl &serverUrl, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_hub(new HubSocket(serverUrl, std::move(token), this))
{
    connect(m_hub, &HubSocket::welcomed, this, [this] {
        m_hub->send({{QStringLiteral("type"), QStringLiteral("subscribe_maintenance")}});
    });
    connect(m_hub, &HubSocket::lost, this, [this] { m_subscribed = false; });
    connect(m_hub, &HubSocket::message, this, [this](const QJsonObject &message, const QString &type) {
        if (type == QLatin1String("maintenance_subscribed")) {
            m_hub->resetBackoff();
            m_subscribed = true;
            emit subscribed();
            return;
        }
        const bool opened = type == QLatin1String("ticket_opened");
        if (!opened && type != QLatin1String("ticket_updated"))
            return;
        const QJsonObject ticket = message.value(QStringLiteral("ticket")).toObject();
        if (ticket.value(QStringLiteral("id")).toString().isEmpty())
            return;  // nothing to refresh
        emit ticketChanged(ticket, opened);
    });
}

void MaintenanceStream::start()
{
    // Once: opening again would replace a working socket (the hub reconnects by itself).
    if (m_started)
        return;
    m_started = true;
    m_hub->open();
}

} // namespace Laces::App
