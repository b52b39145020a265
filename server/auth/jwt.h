#pragma once

#include "result.h"

#include <QByteArray>
#include <QJsonObject>

namespace Laces::Server {

// Compact JWS tokens signed with HMAC-SHA-256 (OpenSSL). The algorithm is pinned: a token
// whose header names any other algorithm ("none" included) is refused before its
// signature is looked at. verify() checks the signature in constant time, then exp,
// iss and aud.
class Jwt
{
public:
    Jwt(QByteArray secret, QString issuer, QString audience);

    QByteArray sign(QJsonObject claims) const;
    // nowS: seconds since the epoch (the caller's clock, so that tests can move it).
    Core::Result<QJsonObject> verify(const QByteArray &token, qint64 nowS) const;

    const QString &issuer() const { return m_issuer; }
    const QString &audience() const { return m_audience; }

    static QByteArray base64Url(const QByteArray &data);
    QByteArray signature(const QByteArray &signingInput) const;

private:
    QByteArray m_secret;
    QString m_issuer;
    QString m_audience;
};

} // namespace Laces::Server
