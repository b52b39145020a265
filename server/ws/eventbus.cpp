#include "eventbus.h"

#include "db/pgconnection.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <libpq-fe.h>

Q_LOGGING_CATEGORY(lcEvents, "laces.server.events")

namespace Laces::Server {

EventBus::EventBus(QByteArray conninfo, QObject *parent)
    : QObject(parent)
    , m_conninfo(std::move(conninfo))
{
}

EventBus::~EventBus() = default;

bool EventBus::start()
{
    m_connection = std::make_unique<PgConnection>(m_conninfo);
    if (!m_connection->open() || !m_connection->exec("LISTEN laces_events"))
        return false;
    m_notifier = new QSocketNotifier(PQsocket(m_connection->handle()), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &EventBus::drain);
    return true;
}

bool EventBus::publish(PgConnection &db, const QJsonObject &event)
{
    const QByteArray payload = QJsonDocument(event).toJson(QJsonDocument::Compact);
    if (payload.size() > 7900) {
        qCWarning(lcEvents) << "event too large to publish:" << payload.size() << "bytes";
        return false;
    }
    return db.exec("SELECT pg_notify('laces_events', $1)", {payload}).ok();
}

void EventBus::drain()
{
    PGconn *conn = m_connection->handle();
    if (!PQconsumeInput(conn)) {
        // The database went away: listen again on a fresh connection.
        qCWarning(lcEvents) << "event connection lost; reconnecting";
        delete m_notifier;
        m_notifier = nullptr;
        if (!start())
            qCWarning(lcEvents) << "cannot listen for events";
        return;
    }
    while (PGnotify *notify = PQnotifies(conn)) {
        const QJsonObject event = QJsonDocument::fromJson(QByteArray(notify->extra)).object();
        PQfreemem(notify);
        if (!event.isEmpty())
            emit received(event);
    }
}

} // namespace Laces::Server
