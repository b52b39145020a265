#include "ticketsapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "maintenance/ticketstore.h"

#include <QJsonArray>

namespace Laces::Server {

using Core::Error;

namespace {

const QStringList &statuses()
{
    static const QStringList all{QStringLiteral("open"),     QStringLiteral("acknowledged"),
                                 QStringLiteral("in_progress"), QStringLiteral("resolved"),
                                 QStringLiteral("closed"),   QStringLiteral("cancelled")};
    return all;
}

const QStringList &resolutionCodes()
{
    static const QStringList codes{QStringLiteral("failure"), QStringLiteral("no_fault"), QStringLiteral("preventive")};
    return codes;
}

// A comma-separated filter whose every item is one of `allowed`.
Core::Result<QStringList> listFilter(const QUrlQuery &query, const QString &name, const QStringList &allowed)
{
    const QString value = query.queryItemValue(name, QUrl::FullyDecoded).trimmed();
    if (value.isEmpty())
        return QStringList();
    QStringList items = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &item : items) {
        item = item.trimmed();
        if (!allowed.contains(item))
            return Error::invalid(QStringLiteral("'%1' must be one or more of %2").arg(name, allowed.join(QStringLiteral(", "))),
                                  name);
    }
    return items;
}

Core::Result<QByteArray> uuidFilter(const QUrlQuery &query, const QString &name)
{
    const QString value = query.queryItemValue(name).trimmed();
    if (value.isEmpty())
        return pgNull();
    if (QUuid::fromString(value).isNull())
        return Error::invalid(QStringLiteral("'%1' must be a UUID").arg(name), name);
    return value.toUtf8();
}

Core::Status checkAssignee(PgConnection &db, const QJsonValue &assignee, const QUuid &organizationId)
{
    if (!assignee.isString())
        return Core::Ok{};
    const QUuid id = QUuid::fromString(assignee.toString());
    if (id.isNull())
        return Error::invalid(QStringLiteral("'assignee_id' must be a UUID or null"), QStringLiteral("assignee_id"));
    auto found = db.exec("SELECT 1 FROM users WHERE id = $1 AND organization_id = $2 AND is_active",
                         {uuidParam(id), uuidParam(organizationId)});
    if (!found)
        return found.error();
    if (found->rowCount() == 0)
        return Error::invalid(QStringLiteral("'assignee_id' names no active user of your organization"),
                              QStringLiteral("assignee_id"));
    return Core::Ok{};
}

} // namespace

bool TicketsApi::allowed(const QString &from, const QString &to)
{
    static const QHash<QString, QStringList> next{
        {QStringLiteral("open"), {QStringLiteral("acknowledged"), QStringLiteral("in_progress"), QStringLiteral("resolved"),
                                  QStringLiteral("cancelled")}},
        {QStringLiteral("acknowledged"), {QStringLiteral("in_progress"), QStringLiteral("resolved"), QStringLiteral("cancelled")}},
        {QStringLiteral("in_progress"), {QStringLiteral("resolved"), QStringLiteral("cancelled")}},
        {QStringLiteral("resolved"), {QStringLiteral("closed"), QStringLiteral("open")}},
    };
    return next.value(from).contains(to);
}

void TicketsApi::registerRoutes(Router &router)
{
    const Access view = Access::needs(QStringLiteral("maintenance.view"));
    const Access work = Access::needs(QStringLiteral("maintenance.work"));
    router.add("GET", QStringLiteral("/maintenance/tickets"), view, [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/maintenance/tickets"), work, [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/maintenance/tickets/{id:uuid}"), view, [this](RequestContext &c) { return get(c); });
    router.add("PATCH", QStringLiteral("/maintenance/tickets/{id:uuid}"), work,
               [this](RequestContext &c) { return update(c); });
}

HttpResponse TicketsApi::list(RequestContext &context)
{
    const QUrlQuery &query = context.request().query;
    const auto page = context.intQuery(QStringLiteral("page"), 1, 1000000);
    if (!page)
        return HttpResponse::fromError(page.error());
    const auto perPage = context.intQuery(QStringLiteral("per_page"), 50, 500);
    if (!perPage)
        return HttpResponse::fromError(perPage.error());
    const auto status = listFilter(query, QStringLiteral("status"), statuses());
    if (!status)
        return HttpResponse::fromError(status.error());
    const auto severity = listFilter(query, QStringLiteral("severity"), Severity::all());
    if (!severity)
        return HttpResponse::fromError(severity.error());
    const auto node = uuidFilter(query, QStringLiteral("node_id"));
    if (!node)
        return HttpResponse::fromError(node.error());
    const auto twin = uuidFilter(query, QStringLiteral("twin_id"));
    if (!twin)
        return HttpResponse::fromError(twin.error());
    const QString sort = query.queryItemValue(QStringLiteral("sort")).isEmpty()
                             ? QStringLiteral("priority")
                             : query.queryItemValue(QStringLiteral("sort"));
    if (sort != QLatin1String("priority") && sort != QLatin1String("opened_at"))
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'sort' must be priority or opened_at"), QStringLiteral("sort")));
    const QString component = query.queryItemValue(QStringLiteral("component"), QUrl::FullyDecoded).trimmed();
    const QString site = query.queryItemValue(QStringLiteral("site"), QUrl::FullyDecoded).trimmed();
    const QString cause = query.queryItemValue(QStringLiteral("cause"), QUrl::FullyDecoded).trimmed();
    QByteArray number = pgNull();
    if (query.hasQueryItem(QStringLiteral("number"))) {
        bool ok = false;
        const qint64 value = query.queryItemValue(QStringLiteral("number")).toLongLong(&ok);
        if (!ok || value < 1)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'number' must be a ticket number"), QStringLiteral("number")));
        number = QByteArray::number(value);
    }
    if (component.size() > 200 || site.size() > 200 || cause.size() > 100)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("a filter is too long"), QStringLiteral("component")));
    const QByteArray order = sort == QLatin1String("priority")
                                 ? "ORDER BY " + TicketStore::prioritySql() + " DESC, t.opened_at DESC, t.id"
                                 : QByteArray("ORDER BY t.opened_at DESC, t.id");
    auto rows = context.db().exec(
        "SELECT " + TicketStore::ticketJsonSql() + ", count(*) OVER () FROM maintenance_tickets t "
        "WHERE t.organization_id = $1 AND (cardinality($2::text[]) = 0 OR t.status = ANY($2)) "
        "AND (cardinality($3::text[]) = 0 OR t.severity = ANY($3)) AND ($4::uuid IS NULL OR t.node_id = $4) "
        "AND ($5::uuid IS NULL OR t.twin_id = $5) AND ($6 = '' OR t.component = $6) "
        "AND ($7 = '' OR EXISTS (SELECT 1 FROM machine_nodes n WHERE n.id = t.node_id AND n.site = $7)) "
        "AND ($8 = '' OR t.cause = $8) AND ($11::int8 IS NULL OR t.number = $11) " + order + " LIMIT $9 OFFSET $10",
        {uuidParam(context.principal().organizationId), textArrayParam(*status), textArrayParam(*severity), *node,
         *twin, pgParam(component), pgParam(site), pgParam(cause), QByteArray::number(*perPage),
         QByteArray::number(qint64(*page - 1) * *perPage), number});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)},
                                               {QStringLiteral("total"), double(rows->rowCount() > 0 ? rows->integer(0, 1) : 0)},
                                               {QStringLiteral("page"), *page},
                                               {QStringLiteral("per_page"), *perPage}});
}

HttpResponse TicketsApi::get(RequestContext &context)
{
    auto ticket = TicketStore::ticket(context.db(), context.uuidParam(QStringLiteral("id")),
                                      context.principal().organizationId);
    if (!ticket)
        return HttpResponse::fromError(ticket.error());
    auto events = context.db().exec(
        "SELECT json_build_object('id', e.id, 'kind', e.kind, 'actor', e.actor, 'actor_id', e.actor_id, "
        "'actor_name', (SELECT u.username FROM users u WHERE u.id = e.actor_id), 'details', e.details, "
        "'created_at', e.created_at) FROM ticket_events e WHERE e.ticket_id = $1 ORDER BY e.id",
        {pgParam(context.param(QStringLiteral("id")))});
    if (!events)
        return HttpResponse::fromError(events.error());
    QJsonObject answer = *ticket;
    answer.insert(QStringLiteral("events"), jsonArrayOf(*events));
    return HttpResponse::json(200, answer);
}

HttpResponse TicketsApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    static const QList<FieldSpec> fields{{QStringLiteral("title"), FieldSpec::Type::String, true, 1, 300},
                                         {QStringLiteral("description"), FieldSpec::Type::String, false, 0, 10000},
                                         {QStringLiteral("severity"), FieldSpec::Type::String, true},
                                         {QStringLiteral("node_id"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("twin_id"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("component"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("assignee_id"), FieldSpec::Type::StringOrNull}};
    if (auto valid = validateObject(*body, fields); !valid)
        return HttpResponse::fromError(valid.error());
    const QString severity = body->value(QStringLiteral("severity")).toString();
    if (Severity::rank(severity) < 0)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'severity' must be LOW, MEDIUM, HIGH or CRITICAL"), QStringLiteral("severity")));
    for (const QString &field : {QStringLiteral("node_id"), QStringLiteral("twin_id")}) {
        const QJsonValue value = body->value(field);
        if (value.isString() && QUuid::fromString(value.toString()).isNull())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'%1' must be a UUID or null").arg(field), field));
    }
    if (body->value(QStringLiteral("component")).toString().size() > 200)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'component' is too long"), QStringLiteral("component")));
    const QUuid organization = context.principal().organizationId;
    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto ok = checkAssignee(db, body->value(QStringLiteral("assignee_id")), organization); !ok)
        return HttpResponse::fromError(ok.error());
    const QJsonValue nodeId = body->value(QStringLiteral("node_id"));
    const QJsonValue twinId = body->value(QStringLiteral("twin_id"));
    // The node (its name and twin) and the twin (its latest version) must be the organization's.
    auto context0 = db.exec(
        "SELECT (SELECT n.name FROM machine_nodes n WHERE n.id = $2::uuid AND n.organization_id = $1), "
        "coalesce($3::uuid, (SELECT n.twin_id FROM machine_nodes n WHERE n.id = $2::uuid AND n.organization_id = $1)), "
        "(SELECT d.id FROM digital_twins d WHERE d.id = $3::uuid AND d.organization_id = $1)",
        {uuidParam(organization), nodeId.isString() ? nodeId.toString().toUtf8() : pgNull(),
         twinId.isString() ? twinId.toString().toUtf8() : pgNull()});
    if (!context0)
        return HttpResponse::fromError(context0.error());
    if (nodeId.isString() && context0->isNull(0, 0))
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'node_id' names no node of your organization"), QStringLiteral("node_id")));
    if (twinId.isString() && context0->isNull(0, 2))
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'twin_id' names no twin of your organization"), QStringLiteral("twin_id")));
    const QByteArray twin = context0->isNull(0, 1) ? pgNull() : context0->bytes(0, 1);
    auto created = db.exec(
        "INSERT INTO maintenance_tickets (organization_id, node_id, node_name, twin_id, twin_version_id, component, "
        "title, description, cause, severity, dedup_key, assignee_id, created_by) "
        "VALUES ($1, $2::uuid, $3, $4::uuid, (SELECT latest_version_id FROM digital_twins WHERE id = $4::uuid), $5, "
        "$6, $7, 'manual', $8, 'manual:' || gen_random_uuid(), $9::uuid, $10) RETURNING id",
        {uuidParam(organization), nodeId.isString() ? nodeId.toString().toUtf8() : pgNull(),
         context0->isNull(0, 0) ? pgNull() : context0->bytes(0, 0), twin,
         body->value(QStringLiteral("component")).isString()
             ? body->value(QStringLiteral("component")).toString().trimmed().toUtf8()
             : pgNull(),
         body->value(QStringLiteral("title")).toString().trimmed().toUtf8(),
         pgParam(body->value(QStringLiteral("description")).toString()), severity.toUtf8(),
         body->value(QStringLiteral("assignee_id")).isString()
             ? body->value(QStringLiteral("assignee_id")).toString().toUtf8()
             : pgNull(),
         uuidParam(context.principal().userId)});
    if (!created)
        return HttpResponse::fromError(created.error());
    const QUuid id = QUuid::fromString(created->text(0, 0));
    if (auto added = TicketStore::addEvent(db, id, context.principal().userId, QStringLiteral("opened"),
                                           {{QStringLiteral("severity"), severity}, {QStringLiteral("cause"), QStringLiteral("manual")}});
        !added)
        return HttpResponse::fromError(added.error());
    if (auto queued = TicketStore::queueAlerts(db, id, QStringLiteral("opened")); !queued)
        return HttpResponse::fromError(queued.error());
    if (auto audited = recordAudit(db, context, QStringLiteral("ticket.create"), QStringLiteral("ticket"),
                                   id.toString(QUuid::WithoutBraces));
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto published = TicketStore::publish(db, id, QStringLiteral("ticket_opened")); !published)
        return HttpResponse::fromError(published.error());
    auto ticket = TicketStore::ticket(db, id, organization);
    if (!ticket)
        return HttpResponse::fromError(ticket.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    HttpResponse response = HttpResponse::json(201, *ticket);
    response.setHeader("Location", "/maintenance/tickets/" + id.toString(QUuid::WithoutBraces).toLatin1());
    return response;
}

HttpResponse TicketsApi::update(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    static const QList<FieldSpec> fields{{QStringLiteral("status"), FieldSpec::Type::String},
                                         {QStringLiteral("assignee_id"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("severity"), FieldSpec::Type::String},
                                         {QStringLiteral("comment"), FieldSpec::Type::String, false, 1, 10000},
                                         {QStringLiteral("resolution"), FieldSpec::Type::Object}};
    if (auto valid = validateObject(*body, fields); !valid)
        return HttpResponse::fromError(valid.error());
    if (body->isEmpty())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("nothing to change"), QStringLiteral("body")));
    const QString status = body->value(QStringLiteral("status")).toString();
    if (body->contains(QStringLiteral("status")) && !statuses().contains(status))
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'status' must be one of %1").arg(statuses().join(QStringLiteral(", "))), QStringLiteral("status")));
    const QString severity = body->value(QStringLiteral("severity")).toString();
    if (body->contains(QStringLiteral("severity")) && Severity::rank(severity) < 0)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'severity' must be LOW, MEDIUM, HIGH or CRITICAL"), QStringLiteral("severity")));
    const QJsonObject resolution = body->value(QStringLiteral("resolution")).toObject();
    if (body->contains(QStringLiteral("resolution"))) {
        static const QList<FieldSpec> resolutionFields{{QStringLiteral("code"), FieldSpec::Type::String, true},
                                                       {QStringLiteral("component"), FieldSpec::Type::String, false, 1, 200},
                                                       {QStringLiteral("notes"), FieldSpec::Type::String, false, 0, 10000}};
        if (auto valid = validateObject(resolution, resolutionFields); !valid) {
            Error error = valid.error();
            error.field = QStringLiteral("resolution.") + error.field;
            return HttpResponse::fromError(error);
        }
        if (!resolutionCodes().contains(resolution.value(QStringLiteral("code")).toString()))
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'resolution.code' must be failure, no_fault or preventive"),
                                                          QStringLiteral("resolution.code")));
        if (status != QLatin1String("resolved"))
            return HttpResponse::fromError(Error::invalid(QStringLiteral("a resolution is given with status 'resolved'"),
                                                          QStringLiteral("resolution")));
    }
    if (status == QLatin1String("resolved") && resolution.isEmpty())
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("resolving needs 'resolution': {code: failure|no_fault|preventive}"), QStringLiteral("resolution")));

    const QUuid organization = context.principal().organizationId;
    const QUuid actor = context.principal().userId;
    const QUuid id = context.uuidParam(QStringLiteral("id"));
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto current = db.exec("SELECT status, severity, assignee_id, component FROM maintenance_tickets "
                           "WHERE id = $1 AND organization_id = $2 FOR UPDATE",
                           {uuidParam(id), uuidParam(organization)});
    if (!current)
        return HttpResponse::fromError(current.error());
    if (current->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such ticket")));
    const QString from = current->text(0, 0);
    if (!status.isEmpty() && status != from && !allowed(from, status))
        return HttpResponse::fromError(
            Error::conflict(QStringLiteral("a ticket cannot go from %1 to %2").arg(from, status)));
    if (auto ok = checkAssignee(db, body->value(QStringLiteral("assignee_id")), organization); !ok)
        return HttpResponse::fromError(ok.error());

    if (!status.isEmpty() && status != from) {
        QJsonObject resolutionStored = resolution;
        if (status == QLatin1String("resolved") && !resolutionStored.contains(QStringLiteral("component"))
            && !current->isNull(0, 3))
            resolutionStored.insert(QStringLiteral("component"), current->text(0, 3));
        auto moved = db.exec(
            "UPDATE maintenance_tickets SET status = $2, updated_at = now(), "
            "acknowledged_at = CASE WHEN $2 IN ('acknowledged', 'in_progress') THEN coalesce(acknowledged_at, now()) "
            "  WHEN $2 = 'open' THEN NULL ELSE acknowledged_at END, "
            "resolved_at = CASE WHEN $2 = 'resolved' THEN now() WHEN $2 = 'open' THEN NULL ELSE resolved_at END, "
            "closed_at = CASE WHEN $2 IN ('closed', 'cancelled') THEN now() ELSE closed_at END, "
            "resolution = CASE WHEN $2 = 'resolved' THEN $3::jsonb WHEN $2 = 'open' THEN NULL ELSE resolution END, "
            "dedup_active = CASE WHEN $2 IN ('closed', 'cancelled') THEN false ELSE dedup_active END "
            "WHERE id = $1",
            {uuidParam(id), status.toUtf8(), status == QLatin1String("resolved") ? jsonParam(resolutionStored) : pgNull()});
        if (!moved)
            return HttpResponse::fromError(moved.error());
        QJsonObject details{{QStringLiteral("from"), from}, {QStringLiteral("to"), status}};
        if (status == QLatin1String("resolved"))
            details.insert(QStringLiteral("resolution"), resolutionStored);
        if (auto added = TicketStore::addEvent(db, id, actor, QStringLiteral("status"), details); !added)
            return HttpResponse::fromError(added.error());
    }
    if (body->contains(QStringLiteral("assignee_id"))) {
        const QJsonValue assignee = body->value(QStringLiteral("assignee_id"));
        auto assigned = db.exec("UPDATE maintenance_tickets SET assignee_id = $2::uuid, updated_at = now() WHERE id = $1",
                                {uuidParam(id), assignee.isString() ? assignee.toString().toUtf8() : pgNull()});
        if (!assigned)
            return HttpResponse::fromError(assigned.error());
        if (auto added = TicketStore::addEvent(db, id, actor, QStringLiteral("assigned"),
                                               {{QStringLiteral("assignee_id"), assignee}});
            !added)
            return HttpResponse::fromError(added.error());
    }
    if (body->contains(QStringLiteral("severity")) && severity != current->text(0, 1)) {
        auto changed = db.exec("UPDATE maintenance_tickets SET severity = $2, updated_at = now() WHERE id = $1",
                               {uuidParam(id), severity.toUtf8()});
        if (!changed)
            return HttpResponse::fromError(changed.error());
        if (auto added = TicketStore::addEvent(db, id, actor, QStringLiteral("severity"),
                                               {{QStringLiteral("from"), current->text(0, 1)}, {QStringLiteral("to"), severity}});
            !added)
            return HttpResponse::fromError(added.error());
    }
    if (body->contains(QStringLiteral("comment"))) {
        if (auto added = TicketStore::addEvent(db, id, actor, QStringLiteral("comment"),
                                               {{QStringLiteral("text"), body->value(QStringLiteral("comment")).toString()}});
            !added)
            return HttpResponse::fromError(added.error());
        if (auto touched = db.exec("UPDATE maintenance_tickets SET updated_at = now() WHERE id = $1", {uuidParam(id)}); !touched)
            return HttpResponse::fromError(touched.error());
    }
    if (auto audited = recordAudit(db, context, QStringLiteral("ticket.update"), QStringLiteral("ticket"),
                                   id.toString(QUuid::WithoutBraces),
                                   {{QStringLiteral("fields"), QJsonArray::fromStringList(body->keys())}});
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto published = TicketStore::publish(db, id, QStringLiteral("ticket_updated")); !published)
        return HttpResponse::fromError(published.error());
    auto ticket = TicketStore::ticket(db, id, organization);
    if (!ticket)
        return HttpResponse::fromError(ticket.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(200, *ticket);
}

} // namespace Laces::Server
