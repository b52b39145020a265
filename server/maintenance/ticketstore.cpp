#include "ticketstore.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "ws/eventbus.h"

#include <QDateTime>
#include <QJsonDocument>

namespace Laces::Server {

using Core::Error;

namespace Severity {

const QStringList &all()
{
    static const QStringList severities{QStringLiteral("LOW"), QStringLiteral("MEDIUM"), QStringLiteral("HIGH"),
                                        QStringLiteral("CRITICAL")};
    return severities;
}

int rank(const QString &severity)
{
    return int(all().indexOf(severity));
}

} // namespace Severity

QString TicketStore::dedupKey(const QUuid &nodeId, const QString &cause)
{
    return QStringLiteral("node:") + nodeId.toString(QUuid::WithoutBraces) + QLatin1Char('/') + cause;
}

QByteArray TicketStore::prioritySql()
{
    // Severity sets the base (LOW 0, MEDIUM 25, HIGH 50, CRITICAL 75); a ticket still
    // waiting gains 10 a day, at most 25, so one left alone climbs to the next band in
    // 2.5 days (the escalation over time alarm systems lack). Finished tickets are 0.
    return "(CASE WHEN t.status IN ('resolved', 'closed', 'cancelled') THEN 0 ELSE "
           "(CASE t.severity WHEN 'LOW' THEN 0 WHEN 'MEDIUM' THEN 25 WHEN 'HIGH' THEN 50 ELSE 75 END) "
           "+ least(25, floor(extract(epoch FROM now() - t.opened_at) / 8640))::int END)";
}

QByteArray TicketStore::ticketJsonSql()
{
    return "json_build_object('id', t.id, 'number', t.number, 'node_id', t.node_id, 'node_name', t.node_name, "
           "'site', (SELECT n.site FROM machine_nodes n WHERE n.id = t.node_id), "
           "'twin_id', t.twin_id, 'twin_version_id', t.twin_version_id, "
           "'twin_version', (SELECT v.number FROM twin_versions v WHERE v.id = t.twin_version_id), "
           "'component', t.component, 'title', t.title, 'description', t.description, 'cause', t.cause, "
           "'severity', t.severity, 'status', t.status, 'priority', " + prioritySql() + ", "
           "'evidence', t.evidence, 'occurrences', t.occurrences, 'predicted_failure_at', t.predicted_failure_at, "
           "'assignee_id', t.assignee_id, "
           "'assignee', (SELECT u.username FROM users u WHERE u.id = t.assignee_id), "
           "'created_by', t.created_by, 'resolution', t.resolution, 'opened_at', t.opened_at, "
           "'first_seen_at', t.first_seen_at, 'last_seen_at', t.last_seen_at, 'acknowledged_at', t.acknowledged_at, "
           "'resolved_at', t.resolved_at, 'closed_at', t.closed_at, 'last_alert_at', t.last_alert_at, "
           "'updated_at', t.updated_at)";
}

Core::Status TicketStore::addEvent(PgConnection &db, const QUuid &ticketId, const QUuid &actorId, const QString &kind,
                                   const QJsonObject &details)
{
    auto added = db.exec("INSERT INTO ticket_events (ticket_id, actor_id, actor, kind, details) "
                         "VALUES ($1, $2, $3, $4, $5::jsonb)",
                         {uuidParam(ticketId), actorId.isNull() ? pgNull() : uuidParam(actorId),
                          actorId.isNull() ? QByteArray("agent") : QByteArray("user"), kind.toUtf8(),
                          jsonParam(details)});
    if (!added)
        return added.error();
    return Core::Ok{};
}

Core::Result<QJsonObject> TicketStore::ticket(PgConnection &db, const QUuid &ticketId, const QUuid &organizationId)
{
    auto row = db.exec("SELECT " + ticketJsonSql() + " FROM maintenance_tickets t WHERE t.id = $1 "
                       "AND t.organization_id = $2",
                       {uuidParam(ticketId), uuidParam(organizationId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such ticket"));
    return jsonObjectAt(*row, 0);
}

Core::Status TicketStore::publish(PgConnection &db, const QUuid &ticketId, const QString &type)
{
    // Small enough for NOTIFY: the receivers fetch the evidence when they want it.
    auto row = db.exec("SELECT json_build_object('id', t.id, 'number', t.number, 'node_id', t.node_id, "
                       "'node_name', t.node_name, 'twin_id', t.twin_id, 'component', t.component, "
                       "'title', left(t.title, 200), 'cause', t.cause, 'severity', t.severity, 'status', t.status, "
                       "'priority', " + prioritySql() + ", 'occurrences', t.occurrences, "
                       "'assignee_id', t.assignee_id, 'updated_at', t.updated_at), t.organization_id "
                       "FROM maintenance_tickets t WHERE t.id = $1",
                       {uuidParam(ticketId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Core::Ok{};
    EventBus::publish(db, {{QStringLiteral("type"), type},
                           {QStringLiteral("organization_id"), row->text(0, 1)},
                           {QStringLiteral("ticket"), jsonObjectAt(*row, 0)}});
    return Core::Ok{};
}

Core::Result<int> TicketStore::queueAlerts(PgConnection &db, const QUuid &ticketId, const QString &reason)
{
    // The payload is what every channel sends (webhooks as their JSON body).
    auto queued = db.exec(
        "WITH t AS (SELECT * FROM maintenance_tickets WHERE id = $1), "
        "queued AS (INSERT INTO alert_outbox (organization_id, ticket_id, channel_id, reason, payload) "
        "  SELECT t.organization_id, t.id, c.id, $2, json_build_object('type', 'ticket.' || $2, "
        "    'ticket', json_build_object('id', t.id, 'number', t.number, 'title', t.title, 'severity', t.severity, "
        "      'status', t.status, 'cause', t.cause, 'node_id', t.node_id, 'node_name', t.node_name, "
        "      'twin_id', t.twin_id, 'component', t.component, 'occurrences', t.occurrences, "
        "      'opened_at', t.opened_at, 'last_seen_at', t.last_seen_at, 'evidence', t.evidence))::jsonb "
        "  FROM t JOIN alert_channels c ON c.organization_id = t.organization_id AND c.enabled "
        "  WHERE array_position(ARRAY['LOW','MEDIUM','HIGH','CRITICAL'], t.severity) "
        "     >= array_position(ARRAY['LOW','MEDIUM','HIGH','CRITICAL'], c.min_severity) "
        "  RETURNING id, channel_id), "
        "marked AS (UPDATE maintenance_tickets SET last_alert_at = now() WHERE id = $1 "
        "  AND EXISTS (SELECT 1 FROM queued)) "
        "SELECT count(*) FROM queued",
        {uuidParam(ticketId), reason.toUtf8()});
    if (!queued)
        return queued.error();
    const int count = int(queued->integer(0, 0));
    if (count > 0) {
        if (auto added = addEvent(db, ticketId, {}, QStringLiteral("alert"),
                                  {{QStringLiteral("reason"), reason}, {QStringLiteral("channels"), count}});
            !added)
            return added.error();
    }
    return count;
}

Core::Result<FindingOutcome> TicketStore::raise(PgConnection &db, const Finding &finding, const AlertPolicy &policy,
                                                const std::function<Core::Status(PgConnection &)> &alongside)
{
    const QByteArray dedupKey = TicketStore::dedupKey(finding.nodeId, finding.cause).toUtf8();
    const QByteArray predicted = finding.predictedFailureMs
                                     ? QDateTime::fromMSecsSinceEpoch(*finding.predictedFailureMs, Qt::UTC)
                                           .toString(Qt::ISODateWithMs)
                                           .toUtf8()
                                     : pgNull();
    Transaction transaction(db);
    if (!transaction.began())
        return transaction.began().error();
    // A resolved ticket stops collecting repeats 24 h after its resolution.
    if (auto expired = db.exec("UPDATE maintenance_tickets SET dedup_active = false WHERE organization_id = $1 "
                               "AND dedup_key = $2 AND dedup_active AND status = 'resolved' "
                               "AND resolved_at < now() - make_interval(secs => $3)",
                               {uuidParam(finding.organizationId), dedupKey, QByteArray::number(policy.dedupAfterResolveS)});
        !expired)
        return expired.error();
    // The node, its twin and the twin's version now, and the component the metric belongs to.
    auto inserted = db.exec(
        "INSERT INTO maintenance_tickets (organization_id, node_id, node_name, twin_id, twin_version_id, component, "
        "title, cause, severity, dedup_key, evidence, predicted_failure_at) "
        "SELECT n.organization_id, n.id, n.name, n.twin_id, d.latest_version_id, "
        "  (SELECT s.component FROM node_sensors s WHERE s.node_id = n.id AND s.metric = $3), "
        "  $4, $5, $6, $7, $8::jsonb, $9::timestamptz "
        "FROM machine_nodes n LEFT JOIN digital_twins d ON d.id = n.twin_id "
        "WHERE n.id = $1 AND n.organization_id = $2 "
        "ON CONFLICT (organization_id, dedup_key) WHERE dedup_active DO NOTHING RETURNING id",
        {uuidParam(finding.nodeId), uuidParam(finding.organizationId), pgParam(finding.metric),
         finding.title.left(300).toUtf8(), finding.cause.toUtf8(), finding.severity.toUtf8(), dedupKey,
         jsonParam(finding.evidence), predicted});
    if (!inserted)
        return inserted.error();
    FindingOutcome outcome;
    if (inserted->rowCount() == 1) {
        outcome.ticketId = QUuid::fromString(inserted->text(0, 0));
        outcome.opened = true;
        if (auto added = addEvent(db, outcome.ticketId, {}, QStringLiteral("opened"),
                                  {{QStringLiteral("severity"), finding.severity},
                                   {QStringLiteral("cause"), finding.cause},
                                   {QStringLiteral("evidence"), finding.evidence}});
            !added)
            return added.error();
        auto queued = queueAlerts(db, outcome.ticketId, QStringLiteral("opened"));
        if (!queued)
            return queued.error();
        outcome.alertsQueued = *queued;
    } else {
        auto current = db.exec("SELECT id, status, severity, occurrences, "
                               "  coalesce(last_alert_at < now() - make_interval(secs => $3), true) "
                               "FROM maintenance_tickets WHERE organization_id = $1 AND dedup_key = $2 AND dedup_active "
                               "FOR UPDATE",
                               {uuidParam(finding.organizationId), dedupKey, QByteArray::number(policy.repeatS)});
        if (!current)
            return current.error();
        if (current->rowCount() == 0) {
            // The node is gone or not the organization's: nothing to ticket.
            return outcome;
        }
        outcome.ticketId = QUuid::fromString(current->text(0, 0));
        const QString status = current->text(0, 1);
        const QString severity = current->text(0, 2);
        const bool alertDue = current->boolean(0, 4);
        // Severity is raised, never lowered by a finding (a person may lower it).
        const bool raised = Severity::rank(finding.severity) > Severity::rank(severity);
        const bool reopened = status == QLatin1String("resolved") && finding.newOccurrence;
        const bool occurrence = finding.newOccurrence;
        auto updated = db.exec(
            "UPDATE maintenance_tickets SET last_seen_at = now(), evidence = $2::jsonb, "
            "occurrences = occurrences + $3, severity = CASE WHEN $4 THEN $5 ELSE severity END, "
            "predicted_failure_at = coalesce($6::timestamptz, predicted_failure_at), "
            "status = CASE WHEN $7 THEN 'open' ELSE status END, "
            "resolved_at = CASE WHEN $7 THEN NULL ELSE resolved_at END, "
            "acknowledged_at = CASE WHEN $7 THEN NULL ELSE acknowledged_at END, "
            "updated_at = CASE WHEN $3 = 1 OR $4 OR $7 THEN now() ELSE updated_at END WHERE id = $1",
            {uuidParam(outcome.ticketId), jsonParam(finding.evidence), occurrence ? QByteArray("1") : QByteArray("0"),
             raised ? QByteArray("true") : QByteArray("false"), finding.severity.toUtf8(), predicted,
             reopened ? QByteArray("true") : QByteArray("false")});
        if (!updated)
            return updated.error();
        outcome.updated = occurrence || raised || reopened;
        if (occurrence) {
            if (auto added = addEvent(db, outcome.ticketId, {}, QStringLiteral("occurrence"),
                                      {{QStringLiteral("occurrences"), double(current->integer(0, 3) + 1)},
                                       {QStringLiteral("evidence"), finding.evidence}});
                !added)
                return added.error();
        }
        if (raised) {
            if (auto added = addEvent(db, outcome.ticketId, {}, QStringLiteral("severity"),
                                      {{QStringLiteral("from"), severity}, {QStringLiteral("to"), finding.severity}});
                !added)
                return added.error();
        }
        if (reopened) {
            if (auto added = addEvent(db, outcome.ticketId, {}, QStringLiteral("reopened"),
                                      {{QStringLiteral("reason"),
                                        QStringLiteral("the problem recurred within 24 h of its resolution")}});
                !added)
                return added.error();
        }
        // Alerts: on escalation and on recurrence after resolution, and otherwise at most
        // once per repeat interval for a new occurrence.
        QString reason;
        if (raised)
            reason = QStringLiteral("escalated");
        else if (reopened || (occurrence && alertDue))
            reason = QStringLiteral("recurred");
        if (!reason.isEmpty() && (raised || alertDue)) {
            auto queued = queueAlerts(db, outcome.ticketId, reason);
            if (!queued)
                return queued.error();
            outcome.alertsQueued = *queued;
        }
    }
    if (alongside) {
        if (auto done = alongside(db); !done)
            return done.error();
    }
    if (outcome.opened || outcome.updated) {
        if (auto published = publish(db, outcome.ticketId,
                                     outcome.opened ? QStringLiteral("ticket_opened") : QStringLiteral("ticket_updated"));
            !published)
            return published.error();
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return outcome;
}

} // namespace Laces::Server
