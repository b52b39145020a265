#pragma once

#include "http/requestcontext.h"
#include "jwt.h"
#include "loginratelimiter.h"

#include <QDateTime>
#include <QUuid>

#include <memory>

namespace Laces::Server {

class PgConnection;

// Sessions and access tokens. A login creates a server-side session and a JWT bound to
// it (claim "sid"); every request re-checks that session, so logout and revocation take
// effect on the next request, not when the token expires.
class AuthService
{
public:
    struct Options
    {
        int tokenLifetimeS = 3600;
        int maxSessionAgeS = 12 * 3600;   // refresh cannot extend a session past this
        LoginRateLimiter::Limits loginLimits;
    };

    struct Login
    {
        QByteArray token;
        QUuid userId;
        QUuid sessionId;
        QDateTime expiresAt;
    };

    explicit AuthService(Options options);

    static constexpr char kIssuer[] = "laces-server";
    static constexpr char kAudience[] = "laces-api";

    // Loads (or, on a new database, creates) the signing key shared by all instances.
    Core::Status loadSigningKey(PgConnection &db);
    // A key given by the operator (--signing-key-file), the same on every instance.
    void useSigningKey(const QByteArray &key);

    Core::Result<Principal> authenticate(PgConnection &db, const QByteArray &authorization) const;
    Core::Result<Login> login(PgConnection &db, const QString &username, const QString &password,
                              const QString &address, const QString &userAgent);
    Core::Result<Login> refresh(PgConnection &db, const Principal &principal);
    Core::Status revokeSession(PgConnection &db, const QUuid &sessionId, const QString &reason);

    const Options &options() const { return m_options; }
    const Jwt &jwt() const { return *m_jwt; }

private:
    QByteArray issueToken(const QUuid &userId, const QUuid &sessionId, qint64 expiresAtS) const;

    Options m_options;
    std::unique_ptr<Jwt> m_jwt;
    LoginRateLimiter m_rateLimiter;
};

} // namespace Laces::Server
