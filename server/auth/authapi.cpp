#include "authapi.h"

#include "authservice.h"
#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "passwordhasher.h"
#include "userrules.h"

#include <QRegularExpression>

namespace Laces::Server {

using Core::Error;

const char *AuthApi::userJsonSql()
{
    return "json_build_object('id', u.id, 'username', u.username, 'email', u.email, "
           "'display_name', u.display_name, 'role', u.role, 'is_active', u.is_active, "
           "'organization_id', u.organization_id, 'created_at', u.created_at, "
           "'last_login_at', u.last_login_at)";
}

void AuthApi::registerRoutes(Router &router)
{
    router.add("POST", QStringLiteral("/auth/register"), Access::publicRoute(),
               [this](RequestContext &c) { return registerUser(c); });
    router.add("POST", QStringLiteral("/auth/login"), Access::publicRoute(),
               [this](RequestContext &c) { return login(c); });
    router.add("POST", QStringLiteral("/auth/logout"), Access::authenticated(),
               [this](RequestContext &c) { return logout(c); });
    router.add("POST", QStringLiteral("/auth/refresh"), Access::authenticated(),
               [this](RequestContext &c) { return refresh(c); });
    router.add("GET", QStringLiteral("/auth/me"), Access::authenticated(),
               [this](RequestContext &c) { return me(c); });
}

HttpResponse AuthApi::registerUser(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, UserRules::accountFields()
                                               << FieldSpec{QStringLiteral("organization"), FieldSpec::Type::String,
                                                            false, 1, 200});
        !valid)
        return HttpResponse::fromError(valid.error());
    const QString username = body->value(QStringLiteral("username")).toString();
    const QString email = body->value(QStringLiteral("email")).toString().trimmed();
    const QString password = body->value(QStringLiteral("password")).toString();
    if (auto valid = UserRules::check(username, email, password); !valid)
        return HttpResponse::fromError(valid.error());
    const QString organization = body->value(QStringLiteral("organization")).toString(
        QStringLiteral("%1's organization").arg(username));

    const QByteArray hash = PasswordHasher::hash(password);
    if (hash.isEmpty())
        return HttpResponse::fromError(Error::unavailable(QStringLiteral("cannot hash the password now")));

    PgConnection &db = context.db();
    Transaction transaction(db);
    // Self-registration opens a new organization with the new user as its admin; admins
    // add colleagues to their organization with POST /users.
    auto created = db.exec(
        "WITH o AS (INSERT INTO organizations (name, slug) "
        "           VALUES ($4, left(regexp_replace(lower($1), '[^a-z0-9]+', '-', 'g'), 40) || '-' || "
        "                   substr(md5(random()::text), 1, 8)) RETURNING id) "
        "INSERT INTO users AS u (organization_id, username, email, password_hash, role, display_name) "
        "SELECT o.id, lower($1), $2, $3, 'admin', nullif($5, '') FROM o "
        "RETURNING " + QByteArray(userJsonSql()),
        {pgParam(username), pgParam(email), hash, pgParam(organization),
         pgParam(body->value(QStringLiteral("display_name")).toString())});
    if (!created) {
        return HttpResponse::fromError(UserRules::explainConflict(created.error()));
    }
    QJsonObject user = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("user.register"), QStringLiteral("user"),
                user.value(QStringLiteral("id")).toString()); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(201, user);
}

namespace {
QJsonObject loginJson(const AuthService::Login &login)
{
    return {{QStringLiteral("access_token"), QString::fromLatin1(login.token)},
            {QStringLiteral("token_type"), QStringLiteral("Bearer")},
            {QStringLiteral("user_id"), login.userId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("session_id"), login.sessionId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("expires_at"), login.expiresAt.toString(Qt::ISODate)}};
}
} // namespace

HttpResponse AuthApi::login(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("username"), FieldSpec::Type::String, true, 1, 254},
                                            {QStringLiteral("password"), FieldSpec::Type::String, true, 1, 1024}});
        !valid)
        return HttpResponse::fromError(valid.error());
    auto login = m_auth->login(context.db(), body->value(QStringLiteral("username")).toString(),
                               body->value(QStringLiteral("password")).toString(),
                               context.request().peerAddress.toString(),
                               QString::fromUtf8(context.request().header("user-agent")));
    if (!login)
        return HttpResponse::fromError(login.error());
    return HttpResponse::json(200, loginJson(*login));
}

HttpResponse AuthApi::logout(RequestContext &context)
{
    if (auto revoked = m_auth->revokeSession(context.db(), context.principal().sessionId,
                                             QStringLiteral("logout"));
        !revoked)
        return HttpResponse::fromError(revoked.error());
    return HttpResponse::noContent();
}

HttpResponse AuthApi::refresh(RequestContext &context)
{
    if (!context.request().body.trimmed().isEmpty()) {
        auto body = context.jsonBody();
        if (!body)
            return HttpResponse::fromError(body.error());
        if (auto valid = validateObject(*body, {}); !valid)
            return HttpResponse::fromError(valid.error());
    }
    auto login = m_auth->refresh(context.db(), context.principal());
    if (!login)
        return HttpResponse::fromError(login.error());
    return HttpResponse::json(200, loginJson(*login));
}

HttpResponse AuthApi::me(RequestContext &context)
{
    auto row = context.db().exec(
        "SELECT " + QByteArray(userJsonSql()) + ", o.name, o.slug FROM users u "
        "JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1",
        {uuidParam(context.principal().userId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    QJsonObject user = jsonObjectAt(*row, 0);
    user.insert(QStringLiteral("organization"),
                QJsonObject{{QStringLiteral("id"), user.value(QStringLiteral("organization_id"))},
                            {QStringLiteral("name"), row->text(0, 1)},
                            {QStringLiteral("slug"), row->text(0, 2)}});
    user.insert(QStringLiteral("permissions"), QJsonArray::fromStringList(context.principal().permissions));
    user.insert(QStringLiteral("session_id"), context.principal().sessionId.toString(QUuid::WithoutBraces));
    return HttpResponse::json(200, user);
}

} // namespace Laces::Server
