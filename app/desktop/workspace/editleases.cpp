#include "editleases.h"

#include "session.h"

#include <QJsonArray>

namespace Laces::App {

EditLeases::EditLeases(Session *session, QString twinId, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_twinId(std::move(twinId))
{
    m_heartbeat.setInterval(kHeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &EditLeases::heartbeat);
}

EditLeases::~EditLeases()
{
    releaseAll();
}

void EditLeases::acquire(const QString &component, Done done)
{
    if (m_leases.contains(component)) {
        done(true, {});
        return;
    }
    const bool asked = m_waiting.contains(component);
    m_waiting[component].append(std::move(done));
    if (asked)
        return;
    const QJsonObject body{{QStringLiteral("twin_id"), m_twinId},
                           {QStringLiteral("components"), QJsonArray{component}},
                           {QStringLiteral("lock_type"), QStringLiteral("exclusive")}};
    m_session->client()->send("POST", QStringLiteral("/locks/acquire"), &body, this,
                              [this, component](const QJsonObject &lock, const ApiError *error) {
                                  const QList<Done> waiting = m_waiting.take(component);
                                  if (!error) {
                                      m_leases.insert(component, {lock.value(QStringLiteral("lock_id")).toString(),
                                                                  lock.value(QStringLiteral("token")).toInteger()});
                                      m_heartbeat.start();
                                  }
                                  const QString why = error ? error->describe() : QString();
                                  for (const Done &callback : waiting)
                                      callback(!error, why);
                              });
}

QByteArray EditLeases::token() const
{
    qint64 newest = 0;
    for (const Lease &lease : m_leases)
        newest = std::max(newest, lease.token);
    return newest > 0 ? QByteArray::number(newest) : QByteArray();
}

bool EditLeases::owns(const QString &lockId) const
{
    return std::any_of(m_leases.cbegin(), m_leases.cend(), [&](const Lease &lease) { return lease.lockId == lockId; });
}

void EditLeases::releaseAll()
{
    for (const Lease &lease : std::as_const(m_leases)) {
        // Fire and forget: the session's client outlives this object.
        m_session->client()->send("DELETE", QStringLiteral("/locks/") + lease.lockId, nullptr, m_session,
                                  [](const QJsonObject &, const ApiError *) {});
    }
    m_leases.clear();
    m_heartbeat.stop();
}

void EditLeases::forget(const QString &lockId, const QString &why)
{
    for (auto it = m_leases.begin(); it != m_leases.end(); ++it) {
        if (it->lockId == lockId) {
            const QString component = it.key();
            m_leases.erase(it);
            if (m_leases.isEmpty())
                m_heartbeat.stop();
            emit lost(component, why);
            return;
        }
    }
}

void EditLeases::heartbeat()
{
    for (auto it = m_leases.cbegin(); it != m_leases.cend(); ++it) {
        const QString lockId = it->lockId;
        m_session->client()->send("POST", QStringLiteral("/locks/%1/heartbeat").arg(lockId), nullptr, this,
                                  [this, lockId](const QJsonObject &, const ApiError *error) {
                                      if (error && (error->status == 410 || error->status == 404))
                                          forget(lockId, tr("Your lock expired or was taken away: %1").arg(error->describe()));
                                  });
    }
}

} // namespace Laces::App
