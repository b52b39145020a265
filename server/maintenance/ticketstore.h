#pragma once

#include "result.h"

#include <QJsonObject>
#include <QStringList>
#include <QUuid>

#include <functional>
#include <optional>

namespace Laces::Server {

class PgConnection;

// Ticket severities, lowest first; rank() is −1 for anything else.
namespace Severity {
const QStringList &all();
int rank(const QString &severity);
} // namespace Severity

// What the agent (or an edge device's event) found wrong with a node: a ticket is opened
// for it, or the live ticket with the same deduplication key (organization, node, cause)
// is updated.
struct Finding
{
    QUuid organizationId;
    QUuid nodeId;
    QString cause;        // threshold:<metric>, trend:<metric>, anomaly, stale, edge_anomaly
    QString severity;     // LOW … CRITICAL
    QString title;
    QString metric;       // the metric it is about, when there is one (finds the component)
    QJsonObject evidence; // values, limits, score, drivers, trend, the time window
    std::optional<qint64> predictedFailureMs;
    bool newOccurrence = true;  // false: the same episode still going (no occurrence counted)
};

// When tickets alert, and how often.
struct AlertPolicy
{
    int repeatS = 4 * 3600;     // at most one alert per ticket this often (reminders too)
    int dedupAfterResolveS = 24 * 3600;
};

struct FindingOutcome
{
    QUuid ticketId;
    bool opened = false;
    bool updated = false;       // an occurrence, a raised severity or a reopening
    int alertsQueued = 0;
};

// Tickets as the API shows them, and the one way they are opened or updated by findings.
class TicketStore
{
public:
    // The key that makes repeats of one problem one ticket: the node and the cause.
    static QString dedupKey(const QUuid &nodeId, const QString &cause);

    // The JSON of ticket row `t` (with its priority), for SELECT lists.
    static QByteArray ticketJsonSql();
    // The documented priority, 0–100, of ticket row `t` at now().
    static QByteArray prioritySql();

    // Opens or updates the ticket for `finding` and queues its alerts, all in one
    // transaction of its own; publishes ticket_opened / ticket_updated on commit.
    // `alongside` runs in the same transaction (the agent records the rule state that
    // caused the finding there, so the two commit or fail together).
    static Core::Result<FindingOutcome> raise(PgConnection &db, const Finding &finding, const AlertPolicy &policy,
                                              const std::function<Core::Status(PgConnection &)> &alongside = {});

    // Queues alerts for `ticketId` (already written in the caller's transaction) to each
    // enabled channel whose minimum severity it reaches; marks the ticket alerted.
    static Core::Result<int> queueAlerts(PgConnection &db, const QUuid &ticketId, const QString &reason);

    // The ticket's JSON, or NotFound when it is not the organization's.
    static Core::Result<QJsonObject> ticket(PgConnection &db, const QUuid &ticketId, const QUuid &organizationId);

    // Publishes the ticket's change to live subscribers (inside the caller's transaction).
    static Core::Status publish(PgConnection &db, const QUuid &ticketId, const QString &type);

    // Records an event; actorId null means the agent.
    static Core::Status addEvent(PgConnection &db, const QUuid &ticketId, const QUuid &actorId,
                                 const QString &kind, const QJsonObject &details);
};

} // namespace Laces::Server
