#include "jwt.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace Laces::Server {

using Core::Error;

namespace {

Error refused(const QString &why)
{
    return {Error::Code::Unauthenticated, QStringLiteral("invalid token: %1").arg(why), {}};
}

std::optional<QJsonObject> decodeObject(const QByteArray &part)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        part, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*decoded, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

} // namespace

Jwt::Jwt(QByteArray secret, QString issuer, QString audience)
    : m_secret(std::move(secret))
    , m_issuer(std::move(issuer))
    , m_audience(std::move(audience))
{
}

QByteArray Jwt::base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray Jwt::signature(const QByteArray &signingInput) const
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), m_secret.constData(), int(m_secret.size()),
         reinterpret_cast<const unsigned char *>(signingInput.constData()), size_t(signingInput.size()),
         mac, &length);
    return QByteArray(reinterpret_cast<const char *>(mac), int(length));
}

QByteArray Jwt::sign(QJsonObject claims) const
{
    claims.insert(QStringLiteral("iss"), m_issuer);
    claims.insert(QStringLiteral("aud"), m_audience);
    const QByteArray header = base64Url(R"({"alg":"HS256","typ":"JWT"})");
    const QByteArray payload = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signingInput = header + '.' + payload;
    return signingInput + '.' + base64Url(signature(signingInput));
}

Core::Result<QJsonObject> Jwt::verify(const QByteArray &token, qint64 nowS) const
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty())
        return refused(QStringLiteral("not a compact JWS"));
    const std::optional<QJsonObject> header = decodeObject(parts[0]);
    if (!header)
        return refused(QStringLiteral("malformed header"));
    if (header->value(QStringLiteral("alg")).toString() != QLatin1String("HS256"))
        return refused(QStringLiteral("algorithm not accepted"));
    if (header->contains(QStringLiteral("crit")))
        return refused(QStringLiteral("critical header parameters are not supported"));

    const auto given = QByteArray::fromBase64Encoding(
        parts[2], QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray expected = signature(parts[0] + '.' + parts[1]);
    if (!given || given.decoded.size() != expected.size()
        || CRYPTO_memcmp(given.decoded.constData(), expected.constData(), size_t(expected.size())) != 0)
        return refused(QStringLiteral("bad signature"));

    const std::optional<QJsonObject> claims = decodeObject(parts[1]);
    if (!claims)
        return refused(QStringLiteral("malformed payload"));
    const QJsonValue exp = claims->value(QStringLiteral("exp"));
    if (!exp.isDouble())
        return refused(QStringLiteral("no expiry"));
    if (qint64(exp.toDouble()) <= nowS)
        return refused(QStringLiteral("expired"));
    const QJsonValue nbf = claims->value(QStringLiteral("nbf"));
    if (nbf.isDouble() && qint64(nbf.toDouble()) > nowS + 60)
        return refused(QStringLiteral("not valid yet"));
    if (claims->value(QStringLiteral("iss")).toString() != m_issuer)
        return refused(QStringLiteral("wrong issuer"));
    const QJsonValue aud = claims->value(QStringLiteral("aud"));
    const bool audienceOk = aud.isString() ? aud.toString() == m_audience
                                           : aud.toArray().contains(QJsonValue(m_audience));
    if (!audienceOk)
        return refused(QStringLiteral("wrong audience"));
    return *claims;
}

} // namespace Laces::Server
