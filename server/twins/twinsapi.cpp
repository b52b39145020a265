#include "twinsapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"

#include <QJsonArray>

namespace Laces::Server {

using Core::Error;

namespace {

const QList<FieldSpec> &twinFields(bool creating)
{
    static const QList<FieldSpec> create{{QStringLiteral("name"), FieldSpec::Type::String, true, 1, 200},
                                         {QStringLiteral("description"), FieldSpec::Type::String, false, 0, 10000},
                                         {QStringLiteral("properties"), FieldSpec::Type::Object}};
    static const QList<FieldSpec> patch{{QStringLiteral("name"), FieldSpec::Type::String, false, 1, 200},
                                        {QStringLiteral("description"), FieldSpec::Type::String, false, 0, 10000},
                                        {QStringLiteral("properties"), FieldSpec::Type::Object}};
    return creating ? create : patch;
}

Error nameTaken()
{
    Error error = Error::conflict(QStringLiteral("a twin with that name already exists"));
    error.field = QStringLiteral("name");
    return error;
}

} // namespace

const char *TwinsApi::twinJsonSql()
{
    return "json_build_object('id', t.id, 'name', t.name, 'description', t.description, "
           "'properties', t.properties, 'created_by', t.created_by, 'created_at', t.created_at, "
           "'updated_at', t.updated_at, 'latest_version_id', t.latest_version_id, "
           "'latest_version_number', (SELECT v.number FROM twin_versions v WHERE v.id = t.latest_version_id), "
           "'component_count', (SELECT count(*) FROM twin_components c WHERE c.version_id = t.latest_version_id))";
}

void TwinsApi::registerRoutes(Router &router)
{
    router.add("GET", QStringLiteral("/twins"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/twins"), Access::needs(QStringLiteral("twins.create")),
               [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return get(c); });
    router.add("PATCH", QStringLiteral("/twins/{id:uuid}"), Access::needs(QStringLiteral("twins.edit")),
               [this](RequestContext &c) { return update(c); });
    router.add("DELETE", QStringLiteral("/twins/{id:uuid}"), Access::needs(QStringLiteral("twins.delete")),
               [this](RequestContext &c) { return remove(c); });
}

HttpResponse TwinsApi::list(RequestContext &context)
{
    const auto page = context.intQuery(QStringLiteral("page"), 1, 1000000);
    if (!page)
        return HttpResponse::fromError(page.error());
    const auto perPage = context.intQuery(QStringLiteral("per_page"), 50, 200);
    if (!perPage)
        return HttpResponse::fromError(perPage.error());
    const QUrlQuery &query = context.request().query;
    const QString sort = query.queryItemValue(QStringLiteral("sort"));
    const QString order = query.queryItemValue(QStringLiteral("order"));
    static const QHash<QString, QByteArray> sortColumns{{QStringLiteral("name"), "lower(t.name)"},
                                                        {QStringLiteral("created_at"), "t.created_at"},
                                                        {QStringLiteral("updated_at"), "t.updated_at"}};
    if (!sort.isEmpty() && !sortColumns.contains(sort))
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'sort' must be name, created_at or updated_at"), QStringLiteral("sort")));
    if (!order.isEmpty() && order != QLatin1String("asc") && order != QLatin1String("desc"))
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'order' must be asc or desc"),
                                                      QStringLiteral("order")));
    const auto pattern = context.searchPattern();
    if (!pattern)
        return HttpResponse::fromError(pattern.error());

    const QByteArray orderBy = sortColumns.value(sort.isEmpty() ? QStringLiteral("name") : sort)
                               + (order == QLatin1String("desc") ? " DESC" : " ASC") + ", t.id";
    auto rows = context.db().exec(
        "SELECT " + QByteArray(twinJsonSql()) + ", count(*) OVER () FROM digital_twins t "
        "WHERE t.organization_id = $1 AND ($2 = '' OR t.name ILIKE '%' || $2 || '%') "
        "ORDER BY " + orderBy + " LIMIT $3 OFFSET $4",
        {uuidParam(context.principal().organizationId), pgParam(*pattern), pgParam(qint64(*perPage)),
         pgParam(qint64(*page - 1) * *perPage)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    qint64 total = rows->rowCount() > 0 ? rows->integer(0, 1) : 0;
    if (rows->rowCount() == 0 && *page > 1) {
        auto counted = context.db().exec(
            "SELECT count(*) FROM digital_twins t WHERE t.organization_id = $1 "
            "AND ($2 = '' OR t.name ILIKE '%' || $2 || '%')",
            {uuidParam(context.principal().organizationId), pgParam(*pattern)});
        if (!counted)
            return HttpResponse::fromError(counted.error());
        total = counted->integer(0, 0);
    }
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)},
                                               {QStringLiteral("total"), double(total)},
                                               {QStringLiteral("page"), *page},
                                               {QStringLiteral("per_page"), *perPage}});
}

HttpResponse TwinsApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, twinFields(true)); !valid)
        return HttpResponse::fromError(valid.error());
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto created = db.exec(
        "INSERT INTO digital_twins AS t (organization_id, name, description, properties, created_by) "
        "VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING " + QByteArray(twinJsonSql()),
        {uuidParam(context.principal().organizationId),
         pgParam(body->value(QStringLiteral("name")).toString().trimmed()),
         pgParam(body->value(QStringLiteral("description")).toString()),
         jsonParam(body->value(QStringLiteral("properties")).toObject()),
         uuidParam(context.principal().userId)});
    if (!created)
        return HttpResponse::fromError(created.error().code == Error::Code::Conflict ? nameTaken()
                                                                                      : created.error());
    const QJsonObject twin = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("twin.create"), QStringLiteral("twin"),
                twin.value(QStringLiteral("id")).toString()); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    HttpResponse response = HttpResponse::json(201, twin);
    response.setHeader("Location", "/twins/" + twin.value(QStringLiteral("id")).toString().toLatin1());
    return response;
}

HttpResponse TwinsApi::get(RequestContext &context)
{
    auto row = context.db().exec("SELECT " + QByteArray(twinJsonSql())
                                     + " FROM digital_twins t WHERE t.id = $1 AND t.organization_id = $2",
                                 {uuidParam(context.uuidParam(QStringLiteral("id"))),
                                  uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such twin")));
    return HttpResponse::json(200, jsonObjectAt(*row, 0));
}

HttpResponse TwinsApi::update(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, twinFields(false)); !valid)
        return HttpResponse::fromError(valid.error());
    if (body->isEmpty())
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("nothing to change: give name, description or properties"), QStringLiteral("body")));
    const auto optional = [&](const QString &field) {
        return body->contains(field) ? pgParam(body->value(field).toString().trimmed()) : pgNull();
    };
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto updated = db.exec(
        "UPDATE digital_twins AS t SET name = coalesce($3, t.name), "
        "description = coalesce($4, t.description), properties = coalesce($5::jsonb, t.properties), "
        "updated_at = now() WHERE t.id = $1 AND t.organization_id = $2 RETURNING " + QByteArray(twinJsonSql()),
        {uuidParam(context.uuidParam(QStringLiteral("id"))), uuidParam(context.principal().organizationId),
         optional(QStringLiteral("name")),
         body->contains(QStringLiteral("description"))
             ? pgParam(body->value(QStringLiteral("description")).toString())
             : pgNull(),
         body->contains(QStringLiteral("properties"))
             ? jsonParam(body->value(QStringLiteral("properties")).toObject())
             : pgNull()});
    if (!updated)
        return HttpResponse::fromError(updated.error().code == Error::Code::Conflict ? nameTaken()
                                                                                      : updated.error());
    if (updated->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such twin")));
    if (auto audited = recordAudit(db, context, QStringLiteral("twin.update"), QStringLiteral("twin"),
                context.param(QStringLiteral("id")), QJsonObject{{QStringLiteral("fields"),
                                                                  QJsonArray::fromStringList(body->keys())}}); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(200, jsonObjectAt(*updated, 0));
}

HttpResponse TwinsApi::remove(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto deleted = db.exec("DELETE FROM digital_twins WHERE id = $1 AND organization_id = $2 RETURNING name",
                           {uuidParam(context.uuidParam(QStringLiteral("id"))),
                            uuidParam(context.principal().organizationId)});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (deleted->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such twin")));
    if (auto audited = recordAudit(db, context, QStringLiteral("twin.delete"), QStringLiteral("twin"),
                context.param(QStringLiteral("id")), {{QStringLiteral("name"), deleted->text(0, 0)}}); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

} // namespace Laces::Server
