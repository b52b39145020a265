#include "usersapi.h"

#include "auth/authapi.h"
#include "auth/authservice.h"
#include "auth/passwordhasher.h"
#include "auth/userrules.h"
#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "ws/eventbus.h"

namespace Laces::Server {

using Core::Error;

namespace {
const QString kUsersManage = QStringLiteral("users.manage");
}

void UsersApi::registerRoutes(Router &router)
{
    router.add("GET", QStringLiteral("/users"), Access::needs(kUsersManage),
               [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/users"), Access::needs(kUsersManage),
               [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/users/{id:uuid}"), Access::needs(kUsersManage),
               [this](RequestContext &c) { return get(c); });
    router.add("PATCH", QStringLiteral("/users/{id:uuid}"), Access::needs(kUsersManage),
               [this](RequestContext &c) { return update(c); });
    router.add("GET", QStringLiteral("/sessions"), Access::authenticated(),
               [this](RequestContext &c) { return sessions(c); });
    router.add("DELETE", QStringLiteral("/sessions/{id:uuid}"), Access::authenticated(),
               [this](RequestContext &c) { return revokeSession(c); });
}

HttpResponse UsersApi::list(RequestContext &context)
{
    auto rows = context.db().exec("SELECT " + QByteArray(AuthApi::userJsonSql())
                                      + " FROM users u WHERE u.organization_id = $1 ORDER BY u.username",
                                  {uuidParam(context.principal().organizationId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse UsersApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, UserRules::accountFields()
                                               << FieldSpec{QStringLiteral("role"), FieldSpec::Type::String, true, 1, 20});
        !valid)
        return HttpResponse::fromError(valid.error());
    const QString username = body->value(QStringLiteral("username")).toString();
    const QString role = body->value(QStringLiteral("role")).toString();
    if (auto valid = UserRules::check(username, body->value(QStringLiteral("email")).toString().trimmed(),
                                      body->value(QStringLiteral("password")).toString());
        !valid)
        return HttpResponse::fromError(valid.error());
    if (auto valid = UserRules::checkRole(role); !valid)
        return HttpResponse::fromError(valid.error());
    const QByteArray hash = PasswordHasher::hash(body->value(QStringLiteral("password")).toString());
    if (hash.isEmpty())
        return HttpResponse::fromError(Error::unavailable(QStringLiteral("cannot hash the password now")));

    PgConnection &db = context.db();
    Transaction transaction(db);
    auto created = db.exec("INSERT INTO users AS u (organization_id, username, email, password_hash, role, "
                           "display_name) VALUES ($1, lower($2), $3, $4, $5, nullif($6, '')) RETURNING "
                               + QByteArray(AuthApi::userJsonSql()),
                           {uuidParam(context.principal().organizationId), pgParam(username),
                            pgParam(body->value(QStringLiteral("email")).toString().trimmed()), hash,
                            pgParam(role), pgParam(body->value(QStringLiteral("display_name")).toString())});
    if (!created) {
        return HttpResponse::fromError(UserRules::explainConflict(created.error()));
    }
    const QJsonObject user = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("user.create"), QStringLiteral("user"),
                user.value(QStringLiteral("id")).toString(), {{QStringLiteral("role"), role}}); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(201, user);
}

HttpResponse UsersApi::get(RequestContext &context)
{
    auto row = context.db().exec("SELECT " + QByteArray(AuthApi::userJsonSql())
                                     + " FROM users u WHERE u.id = $1 AND u.organization_id = $2",
                                 {uuidParam(context.uuidParam(QStringLiteral("id"))),
                                  uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such user")));
    return HttpResponse::json(200, jsonObjectAt(*row, 0));
}

HttpResponse UsersApi::update(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("role"), FieldSpec::Type::String, false, 1, 20},
                                            {QStringLiteral("is_active"), FieldSpec::Type::Bool},
                                            {QStringLiteral("display_name"), FieldSpec::Type::String, false, 0, 200}});
        !valid)
        return HttpResponse::fromError(valid.error());
    if (body->isEmpty())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("nothing to change"), QStringLiteral("body")));
    if (body->contains(QStringLiteral("role"))) {
        if (auto valid = UserRules::checkRole(body->value(QStringLiteral("role")).toString()); !valid)
            return HttpResponse::fromError(valid.error());
    }
    const QUuid userId = context.uuidParam(QStringLiteral("id"));
    if (userId == context.principal().userId
        && (body->contains(QStringLiteral("role")) || body->contains(QStringLiteral("is_active"))))
        return HttpResponse::fromError(Error::conflict(
            QStringLiteral("an admin cannot change their own role or deactivate themselves")));

    PgConnection &db = context.db();
    Transaction transaction(db);
    auto updated = db.exec(
        "UPDATE users AS u SET role = coalesce($3, u.role), is_active = coalesce($4::boolean, u.is_active), "
        "display_name = CASE WHEN $5::boolean THEN nullif($6, '') ELSE u.display_name END "
        "WHERE u.id = $1 AND u.organization_id = $2 RETURNING " + QByteArray(AuthApi::userJsonSql()),
        {uuidParam(userId), uuidParam(context.principal().organizationId),
         body->contains(QStringLiteral("role")) ? pgParam(body->value(QStringLiteral("role")).toString()) : pgNull(),
         body->contains(QStringLiteral("is_active"))
             ? QByteArray(body->value(QStringLiteral("is_active")).toBool() ? "true" : "false")
             : pgNull(),
         body->contains(QStringLiteral("display_name")) ? QByteArray("true") : QByteArray("false"),
         pgParam(body->value(QStringLiteral("display_name")).toString())});
    if (!updated)
        return HttpResponse::fromError(updated.error());
    if (updated->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such user")));
    // A deactivated user or one whose role changed starts again from a fresh login.
    if (body->contains(QStringLiteral("is_active")) || body->contains(QStringLiteral("role"))) {
        auto revoked = db.exec("UPDATE sessions SET revoked_at = now(), revoked_reason = 'account changed' "
                               "WHERE user_id = $1 AND revoked_at IS NULL",
                               {uuidParam(userId)});
        if (!revoked)
            return HttpResponse::fromError(revoked.error());
        EventBus::publish(db, {{QStringLiteral("type"), QStringLiteral("user_revoked")},
                               {QStringLiteral("user_id"), userId.toString(QUuid::WithoutBraces)}});
    }
    if (auto audited = recordAudit(db, context, QStringLiteral("user.update"), QStringLiteral("user"),
                userId.toString(QUuid::WithoutBraces), *body); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(200, jsonObjectAt(*updated, 0));
}

HttpResponse UsersApi::sessions(RequestContext &context)
{
    const Principal &me = context.principal();
    QUuid userId = me.userId;
    if (context.request().query.hasQueryItem(QStringLiteral("user_id"))) {
        userId = QUuid::fromString(context.request().query.queryItemValue(QStringLiteral("user_id")));
        if (userId.isNull())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'user_id' must be a UUID"),
                                                          QStringLiteral("user_id")));
        if (userId != me.userId && !me.can(kUsersManage))
            return HttpResponse::fromError(Error::forbidden(QStringLiteral("needs permission users.manage")));
        auto member = context.db().exec("SELECT 1 FROM users WHERE id = $1 AND organization_id = $2",
                                        {uuidParam(userId), uuidParam(me.organizationId)});
        if (!member)
            return HttpResponse::fromError(member.error());
        if (member->rowCount() == 0)
            return HttpResponse::fromError(Error::notFound(QStringLiteral("no such user")));
    }
    auto rows = context.db().exec(
        "SELECT json_build_object('id', s.id, 'user_id', s.user_id, 'created_at', s.created_at, "
        "'expires_at', s.expires_at, 'last_seen_at', s.last_seen_at, 'client_address', host(s.client_address), "
        "'user_agent', s.user_agent, 'current', s.id = $3) "
        "FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.user_id = $1 AND u.organization_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() "
        "ORDER BY s.created_at DESC",
        {uuidParam(userId), uuidParam(me.organizationId), uuidParam(me.sessionId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse UsersApi::revokeSession(RequestContext &context)
{
    const Principal &me = context.principal();
    const QUuid sessionId = context.uuidParam(QStringLiteral("id"));
    auto owner = context.db().exec("SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id "
                                   "WHERE s.id = $1 AND u.organization_id = $2",
                                   {uuidParam(sessionId), uuidParam(me.organizationId)});
    if (!owner)
        return HttpResponse::fromError(owner.error());
    if (owner->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such session")));
    if (QUuid::fromString(owner->text(0, 0)) != me.userId && !me.can(kUsersManage))
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such session")));
    if (auto revoked = m_auth->revokeSession(context.db(), sessionId,
                                             QStringLiteral("revoked by %1").arg(me.username));
        !revoked)
        return HttpResponse::fromError(revoked.error());
    if (auto audited = recordAudit(context.db(), context, QStringLiteral("session.revoke"), QStringLiteral("session"),
                sessionId.toString(QUuid::WithoutBraces)); !audited)
        return HttpResponse::fromError(audited.error());
    return HttpResponse::noContent();
}

} // namespace Laces::Server
