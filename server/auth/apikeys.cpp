#include "apikeys.h"

#include "db/pgconnection.h"
#include "http/requestcontext.h"

#include <sodium.h>

namespace Laces::Server::ApiKeys {

using Core::Error;

namespace {

QByteArray sha256(const QByteArray &bytes)
{
    QByteArray digest(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char *>(digest.data()),
                       reinterpret_cast<const unsigned char *>(bytes.constData()), quint64(bytes.size()));
    return digest;
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, '\0');
    randombytes_buf(bytes.data(), size_t(count));
    return bytes;
}

} // namespace

NewKey generate()
{
    NewKey key;
    key.prefix = randomBytes(5).toHex();  // 10 hex digits
    key.key = "lk_" + key.prefix + '_'
              + randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    key.hash = sha256(key.key);
    return key;
}

bool looksLikeKey(const QByteArray &token)
{
    return token.startsWith("lk_");
}

Core::Result<Principal> authenticate(PgConnection &db, const QByteArray &key)
{
    const QList<QByteArray> parts = key.split('_');
    const Error refused = Error::unauthenticated(QStringLiteral("unknown or revoked API key"));
    if (parts.size() < 3 || parts.at(1).size() != 10 || key.size() > 200)
        return refused;
    auto row = db.exec("SELECT k.id, k.organization_id, k.node_id, encode(k.key_hash, 'hex'), k.name, "
                       "       k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' "
                       "FROM api_keys k WHERE k.prefix = $1 AND k.revoked_at IS NULL AND k.node_id IS NOT NULL",
                       {parts.at(1)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return refused;
    const QByteArray stored = QByteArray::fromHex(row->bytes(0, 3));
    const QByteArray given = sha256(key);
    if (stored.size() != given.size() || sodium_memcmp(stored.constData(), given.constData(), size_t(given.size())) != 0)
        return refused;
    if (row->boolean(0, 5)) {
        // Recorded at most once a minute, so high-rate ingest does not write the row each time.
        if (auto used = db.exec("UPDATE api_keys SET last_used_at = now() WHERE id = $1", {row->bytes(0, 0)}); !used)
            return used.error();
    }
    Principal principal;
    principal.organizationId = QUuid::fromString(row->text(0, 1));
    principal.nodeId = QUuid::fromString(row->text(0, 2));
    principal.username = QStringLiteral("api-key:") + row->text(0, 4);
    principal.role = QStringLiteral("edge");
    principal.permissions = {QStringLiteral("telemetry.ingest")};
    return principal;
}

} // namespace Laces::Server::ApiKeys
