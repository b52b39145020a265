#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace Laces::App {

class Session;

// The edit locks this desktop holds on one twin's components: taken before the first edit
// of a component, heartbeated every 15 s while held, released on save, on undoing back to
// the saved state and on close. A lease the server no longer honours (expired, or forced
// away by an admin) is reported once through lost().
class EditLeases : public QObject
{
    Q_OBJECT

public:
    EditLeases(Session *session, QString twinId, QObject *parent = nullptr);
    ~EditLeases() override;

    using Done = std::function<void(bool granted, const QString &why)>;
    // Calls `done` once the component is ours to edit (at once if already held).
    void acquire(const QString &component, Done done);
    bool holds(const QString &component) const { return m_leases.contains(component); }
    QStringList components() const { return m_leases.keys(); }
    // The newest token held, for X-Lock-Token; empty when none is held.
    QByteArray token() const;
    // Whether `lockId` is one of ours (events name locks by id).
    bool owns(const QString &lockId) const;
    void releaseAll();
    // The server ended this lock (an event said so): report it as lost.
    void forget(const QString &lockId, const QString &why);

    static constexpr int kHeartbeatMs = 15000;

signals:
    void lost(const QString &component, const QString &why);

private:
    struct Lease
    {
        QString lockId;
        qint64 token = 0;
    };
    void heartbeat();

    Session *m_session;
    QString m_twinId;
    QHash<QString, Lease> m_leases;   // component → lease
    QHash<QString, QList<Done>> m_waiting;
    QTimer m_heartbeat;
};

} // namespace Laces::App
