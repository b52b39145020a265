#include "locksapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "leaseexpiry.h"
#include "twins/twinlookup.h"
#include "ws/eventbus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Laces::Server {

using Core::Error;

namespace {

const QString kEdit = QStringLiteral("twins.edit");

const char *lockJsonSql()
{
    return "json_build_object('lock_id', l.id, 'twin_id', l.twin_id, 'components', l.components, "
           "'lock_type', l.lock_type, 'token', l.fencing_token, 'holder', json_build_object('id', l.holder_id, "
           "'username', (SELECT username FROM users WHERE id = l.holder_id)), 'acquired_at', l.acquired_at, "
           "'expires_at', l.expires_at)";
}

} // namespace

void LocksApi::registerRoutes(Router &router)
{
    router.add("POST", QStringLiteral("/locks/acquire"), Access::needs(kEdit),
               [this](RequestContext &c) { return acquire(c); });
    router.add("POST", QStringLiteral("/locks/{id:uuid}/heartbeat"), Access::needs(kEdit),
               [this](RequestContext &c) { return heartbeat(c); });
    router.add("DELETE", QStringLiteral("/locks/{id:uuid}"), Access::authenticated(),
               [this](RequestContext &c) { return release(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/locks"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return list(c); });
}

HttpResponse LocksApi::acquire(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("twin_id"), FieldSpec::Type::String, true, 36, 38},
                                            {QStringLiteral("components"), FieldSpec::Type::Array},
                                            {QStringLiteral("lock_type"), FieldSpec::Type::String, true, 6, 9},
                                            {QStringLiteral("ttl_s"), FieldSpec::Type::Integer}});
        !valid)
        return HttpResponse::fromError(valid.error());
    const QUuid twinId = QUuid::fromString(body->value(QStringLiteral("twin_id")).toString());
    if (twinId.isNull())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'twin_id' must be a UUID"), QStringLiteral("twin_id")));
    const QString type = body->value(QStringLiteral("lock_type")).toString();
    if (type != QLatin1String("exclusive") && type != QLatin1String("shared"))
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'lock_type' must be exclusive or shared"),
                                                      QStringLiteral("lock_type")));
    const int ttl = body->value(QStringLiteral("ttl_s")).toInt(kDefaultTtlS);
    if (ttl < 1 || ttl > kMaxTtlS)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'ttl_s' must be from 1 to %1").arg(kMaxTtlS),
                                                      QStringLiteral("ttl_s")));
    QStringList components;
    for (const QJsonValue &component : body->value(QStringLiteral("components")).toArray()) {
        if (!component.isString() || component.toString().isEmpty() || component.toString().size() > 300)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'components' must hold component names"),
                                                          QStringLiteral("components")));
        if (!components.contains(component.toString()))
            components.append(component.toString());
    }
    if (components.size() > 1000)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("at most 1000 components per lock"),
                                                      QStringLiteral("components")));
    const QByteArray componentsParam = components.isEmpty() ? pgNull() : textArrayParam(components);

    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto twin = latestVersionOf(db, context.principal().organizationId, twinId, true); !twin)
        return HttpResponse::fromError(twin.error());
    if (auto swept = expireLeases(db, twinId); !swept)
        return HttpResponse::fromError(swept.error());
    auto conflict = db.exec(
        "SELECT " + QByteArray(lockJsonSql()) + " FROM edit_locks l "
        "WHERE l.twin_id = $1 AND l.released_at IS NULL "
        "  AND (l.components IS NULL OR $2::text[] IS NULL OR l.components && $2::text[]) "
        "  AND (l.lock_type = 'exclusive' OR $3 = 'exclusive') "
        "ORDER BY l.expires_at DESC LIMIT 1",
        {uuidParam(twinId), componentsParam, pgParam(type)});
    if (!conflict)
        return HttpResponse::fromError(conflict.error());
    if (conflict->rowCount() > 0) {
        const QJsonObject holder = jsonObjectAt(*conflict, 0);
        return HttpResponse::error(
            409, QStringLiteral("locked"),
            QStringLiteral("locked by %1 until %2")
                .arg(holder.value(QStringLiteral("holder")).toObject().value(QStringLiteral("username")).toString(),
                     holder.value(QStringLiteral("expires_at")).toString()),
            {},
            {{QStringLiteral("holder"), holder.value(QStringLiteral("holder"))},
             {QStringLiteral("expires_at"), holder.value(QStringLiteral("expires_at"))},
             {QStringLiteral("lock_id"), holder.value(QStringLiteral("lock_id"))}});
    }
    auto granted = db.exec(
        "INSERT INTO edit_locks AS l (twin_id, components, lock_type, holder_id, session_id, ttl_s, acquired_at, "
        "                             expires_at) "
        "VALUES ($1, $2::text[], $3, $4, $5, $6::integer, clock_timestamp(), clock_timestamp() + make_interval(secs => $6::integer)) "
        "RETURNING " + QByteArray(lockJsonSql()),
        {uuidParam(twinId), componentsParam, pgParam(type), uuidParam(context.principal().userId),
         uuidParam(context.principal().sessionId), pgParam(qint64(ttl))});
    if (!granted)
        return HttpResponse::fromError(granted.error());
    QJsonObject lock = jsonObjectAt(*granted, 0);
    QJsonObject event = lock;
    event.insert(QStringLiteral("type"), QStringLiteral("lock_acquired"));
    event.insert(QStringLiteral("organization_id"), context.principal().organizationId.toString(QUuid::WithoutBraces));
    event.insert(QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces));
    EventBus::publish(db, event);
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(201, lock);
}

HttpResponse LocksApi::heartbeat(RequestContext &context)
{
    PgConnection &db = context.db();
    const QByteArray lockId = uuidParam(context.uuidParam(QStringLiteral("id")));
    // Extends only a live lease of the caller's: an expired one is never revived, even if
    // no one else has taken the components since.
    auto extended = db.exec(
        "UPDATE edit_locks AS l SET expires_at = clock_timestamp() + make_interval(secs => l.ttl_s) "
        "FROM digital_twins t WHERE l.id = $1 AND t.id = l.twin_id AND t.organization_id = $2 "
        "  AND l.holder_id = $3 AND l.released_at IS NULL AND l.expires_at > clock_timestamp() "
        "RETURNING " + QByteArray(lockJsonSql()),
        {lockId, uuidParam(context.principal().organizationId), uuidParam(context.principal().userId)});
    if (!extended)
        return HttpResponse::fromError(extended.error());
    if (extended->rowCount() == 1)
        return HttpResponse::json(200, jsonObjectAt(*extended, 0));
    auto known = db.exec("SELECT l.holder_id = $3 FROM edit_locks l JOIN digital_twins t ON t.id = l.twin_id "
                         "WHERE l.id = $1 AND t.organization_id = $2",
                         {lockId, uuidParam(context.principal().organizationId), uuidParam(context.principal().userId)});
    if (!known)
        return HttpResponse::fromError(known.error());
    if (known->rowCount() == 0 || !known->boolean(0, 0))
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such lock of yours")));
    return HttpResponse::error(410, QStringLiteral("lock_lost"),
                               QStringLiteral("the lock has expired or was released; acquire a new one"));
}

HttpResponse LocksApi::release(RequestContext &context)
{
    PgConnection &db = context.db();
    const bool force = context.principal().can(QStringLiteral("locks.manage"));
    // $1 lock, $2 organization, $3 caller, $4 whether the caller may force a release.
    const QList<QByteArray> lockParams{uuidParam(context.uuidParam(QStringLiteral("id"))),
                                       uuidParam(context.principal().organizationId),
                                       uuidParam(context.principal().userId), force ? QByteArray("true") : QByteArray("false")};
    auto released = db.exec(
        "UPDATE edit_locks AS l SET released_at = clock_timestamp(), "
        "       release_reason = CASE WHEN l.holder_id = $3 THEN 'released' ELSE 'forced' END "
        "FROM digital_twins t WHERE l.id = $1 AND t.id = l.twin_id AND t.organization_id = $2 "
        "  AND l.released_at IS NULL AND l.expires_at > clock_timestamp() AND (l.holder_id = $3 OR $4::boolean) RETURNING l.holder_id = $3, l.twin_id",
        lockParams);
    if (!released)
        return HttpResponse::fromError(released.error());
    if (released->rowCount() == 0) {
        // A lease that ran out (swept or not) or was forced away: the caller is told it was
        // lost, and an unswept one is ended as expired.
        auto expired = db.exec(
            "UPDATE edit_locks AS l SET released_at = coalesce(l.released_at, l.expires_at), "
            "       release_reason = coalesce(l.release_reason, 'expired') "
            "FROM digital_twins t WHERE l.id = $1 AND t.id = l.twin_id AND t.organization_id = $2 "
            "  AND (l.released_at IS NULL OR l.release_reason IN ('expired', 'forced')) "
            "  AND (l.holder_id = $3 OR $4::boolean) RETURNING 1",
            lockParams);
        if (!expired)
            return HttpResponse::fromError(expired.error());
        if (expired->rowCount() == 1)
            return HttpResponse::error(410, QStringLiteral("lock_lost"), QStringLiteral("the lock had already expired or was taken away"));
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such active lock of yours")));
    }
    EventBus::publish(db, {{QStringLiteral("type"), QStringLiteral("lock_released")},
                           {QStringLiteral("organization_id"), context.principal().organizationId.toString(QUuid::WithoutBraces)},
                           {QStringLiteral("twin_id"), released->text(0, 1)},
                           {QStringLiteral("lock_id"), context.param(QStringLiteral("id"))},
                           {QStringLiteral("forced"), !released->boolean(0, 0)}});
    if (!released->boolean(0, 0)) {
        if (auto audited = recordAudit(db, context, QStringLiteral("lock.force_release"), QStringLiteral("edit_lock"),
                                       context.param(QStringLiteral("id")));
            !audited)
            return HttpResponse::fromError(audited.error());
    }
    return HttpResponse::noContent();
}

HttpResponse LocksApi::list(RequestContext &context)
{
    PgConnection &db = context.db();
    const QByteArray twinId = uuidParam(context.uuidParam(QStringLiteral("id")));
    if (auto twin = latestVersionOf(db, context.principal().organizationId, context.uuidParam(QStringLiteral("id"))); !twin)
        return HttpResponse::fromError(twin.error());
    auto rows = db.exec("SELECT " + QByteArray(lockJsonSql()) + " FROM edit_locks l WHERE l.twin_id = $1 "
                        "AND l.released_at IS NULL AND l.expires_at > clock_timestamp() ORDER BY l.fencing_token",
                        {twinId});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

} // namespace Laces::Server
