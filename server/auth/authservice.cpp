#include "authservice.h"

#include "apikeys.h"
#include "db/pgconnection.h"
#include "passwordhasher.h"
#include "ws/eventbus.h"

#include <QJsonObject>
#include <QLoggingCategory>

#include <sodium.h>

Q_LOGGING_CATEGORY(lcAuth, "laces.server.auth")

namespace Laces::Server {

using Core::Error;

AuthService::AuthService(Options options)
    : m_options(options)
    , m_rateLimiter(options.loginLimits)
{
}

Core::Status AuthService::loadSigningKey(PgConnection &db)
{
    QByteArray fresh(32, Qt::Uninitialized);
    randombytes_buf(fresh.data(), size_t(fresh.size()));
    auto inserted = db.exec("INSERT INTO server_settings (key, value) VALUES ('jwt_hs256_key', "
                            "decode($1, 'hex')) ON CONFLICT (key) DO NOTHING",
                            {fresh.toHex()});
    if (!inserted)
        return inserted.error();
    auto key = db.exec("SELECT encode(value, 'hex') FROM server_settings WHERE key = 'jwt_hs256_key'");
    if (!key)
        return key.error();
    m_jwt = std::make_unique<Jwt>(QByteArray::fromHex(key->bytes(0, 0)), QLatin1String(kIssuer),
                                  QLatin1String(kAudience));
    return Core::Ok{};
}

void AuthService::useSigningKey(const QByteArray &key)
{
    m_jwt = std::make_unique<Jwt>(key, QLatin1String(kIssuer), QLatin1String(kAudience));
}

QByteArray AuthService::issueToken(const QUuid &userId, const QUuid &sessionId, qint64 expiresAtS) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return m_jwt->sign({{QStringLiteral("sub"), userId.toString(QUuid::WithoutBraces)},
                        {QStringLiteral("sid"), sessionId.toString(QUuid::WithoutBraces)},
                        {QStringLiteral("iat"), double(now)},
                        {QStringLiteral("exp"), double(expiresAtS)},
                        {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)}});
}

Core::Result<Principal> AuthService::authenticate(PgConnection &db, const QByteArray &authorization) const
{
    if (authorization.isEmpty())
        return Error::unauthenticated(QStringLiteral("authentication required: send Authorization: Bearer <token>"));
    if (!authorization.startsWith("Bearer ") || authorization.size() < 8)
        return Error::unauthenticated(QStringLiteral("the Authorization header must be 'Bearer <token>'"));
    const QByteArray token = authorization.mid(7).trimmed();
    if (ApiKeys::looksLikeKey(token))
        return ApiKeys::authenticate(db, token);
    auto claims = m_jwt->verify(token, QDateTime::currentSecsSinceEpoch());
    if (!claims)
        return claims.error();
    const QUuid userId = QUuid::fromString(claims->value(QStringLiteral("sub")).toString());
    const QUuid sessionId = QUuid::fromString(claims->value(QStringLiteral("sid")).toString());
    if (userId.isNull() || sessionId.isNull())
        return Error::unauthenticated(QStringLiteral("invalid token: no subject or session"));

    auto row = db.exec(
        "SELECT u.organization_id, u.username, u.role, "
        "       array_to_string(ARRAY(SELECT permission FROM role_permissions p "
        "                             WHERE p.role = u.role ORDER BY 1), ',') "
        "FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() "
        "  AND u.is_active",
        {sessionId.toByteArray(QUuid::WithoutBraces), userId.toByteArray(QUuid::WithoutBraces)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::unauthenticated(QStringLiteral("the session has ended; log in again"));
    Principal principal;
    principal.userId = userId;
    principal.sessionId = sessionId;
    principal.organizationId = QUuid::fromString(row->text(0, 0));
    principal.username = row->text(0, 1);
    principal.role = row->text(0, 2);
    principal.permissions = row->text(0, 3).split(QLatin1Char(','), Qt::SkipEmptyParts);
    return principal;
}

Core::Result<AuthService::Login> AuthService::login(PgConnection &db, const QString &username,
                                                    const QString &password, const QString &address,
                                                    const QString &userAgent)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (auto wait = m_rateLimiter.retryAfterS(username, address, nowMs))
        return Error::tooManyRequests(
            QStringLiteral("too many failed logins; try again in %1 s").arg(*wait), *wait);

    auto user = db.exec("SELECT id, password_hash, is_active FROM users WHERE lower(username) = lower($1)",
                        {pgParam(username)});
    if (!user)
        return user.error();
    const bool found = user->rowCount() == 1;
    const bool passwordOk = found ? PasswordHasher::verify(user->bytes(0, 1), password)
                                  : (PasswordHasher::verifyDummy(password), false);
    if (!passwordOk || !user->boolean(0, 2)) {
        m_rateLimiter.recordFailure(username, address, nowMs);
        qCInfo(lcAuth).noquote() << "failed login for" << username.left(64) << "from" << address;
        return Error::unauthenticated(QStringLiteral("wrong user name or password"));
    }
    m_rateLimiter.recordSuccess(username);

    const QUuid userId = QUuid::fromString(user->text(0, 0));
    // Expiry by the database's clock, like every other session check.
    auto session = db.exec(
        "WITH s AS (INSERT INTO sessions (user_id, expires_at, client_address, user_agent) "
        "           VALUES ($1, now() + make_interval(secs => $2), nullif($3, '')::inet, left($4, 500)) "
        "           RETURNING id, extract(epoch FROM expires_at)::bigint AS expires), "
        "     u AS (UPDATE users SET last_login_at = now() WHERE id = $1) "
        "SELECT id, expires FROM s",
        {userId.toByteArray(QUuid::WithoutBraces), pgParam(qint64(m_options.tokenLifetimeS)),
         pgParam(address.section(QLatin1Char('%'), 0, 0)), pgParam(userAgent)});
    if (!session)
        return session.error();
    const qint64 expiresAtS = session->integer(0, 1);
    Login login;
    login.userId = userId;
    login.sessionId = QUuid::fromString(session->text(0, 0));
    login.expiresAt = QDateTime::fromSecsSinceEpoch(expiresAtS, Qt::UTC);
    login.token = issueToken(login.userId, login.sessionId, expiresAtS);
    return login;
}

Core::Result<AuthService::Login> AuthService::refresh(PgConnection &db, const Principal &principal)
{
    auto session = db.exec(
        "UPDATE sessions SET expires_at = least(now() + make_interval(secs => $2), "
        "                                       created_at + make_interval(secs => $3)), "
        "       last_seen_at = now() "
        "WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() "
        "RETURNING extract(epoch FROM expires_at)::bigint",
        {principal.sessionId.toByteArray(QUuid::WithoutBraces), pgParam(qint64(m_options.tokenLifetimeS)),
         pgParam(qint64(m_options.maxSessionAgeS))});
    if (!session)
        return session.error();
    if (session->rowCount() == 0)
        return Error::unauthenticated(QStringLiteral("the session has ended; log in again"));
    Login login;
    login.userId = principal.userId;
    login.sessionId = principal.sessionId;
    const qint64 expiresAtS = session->integer(0, 0);
    login.expiresAt = QDateTime::fromSecsSinceEpoch(expiresAtS, Qt::UTC);
    login.token = issueToken(login.userId, login.sessionId, expiresAtS);
    return login;
}

Core::Status AuthService::revokeSession(PgConnection &db, const QUuid &sessionId, const QString &reason)
{
    auto revoked = db.exec("UPDATE sessions SET revoked_at = now(), revoked_reason = $2 "
                           "WHERE id = $1 AND revoked_at IS NULL",
                           {sessionId.toByteArray(QUuid::WithoutBraces), pgParam(reason)});
    if (!revoked)
        return revoked.error();
    // Open WebSockets of the session close at once, on every instance.
    EventBus::publish(db, {{QStringLiteral("type"), QStringLiteral("session_revoked")},
                           {QStringLiteral("session_id"), sessionId.toString(QUuid::WithoutBraces)}});
    return Core::Ok{};
}

} // namespace Laces::Server
