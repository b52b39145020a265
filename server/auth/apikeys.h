#pragma once

#include "result.h"

#include <QByteArray>

namespace Laces::Server {

class PgConnection;
struct Principal;

// Edge devices' API keys: "lk_<prefix>_<secret>", sent as "Authorization: Bearer <key>".
// The prefix finds the key's row; only the SHA-256 of the whole key is stored. A key acts
// for its node alone and may only ingest telemetry.
namespace ApiKeys {

struct NewKey
{
    QByteArray key;     // shown once
    QByteArray prefix;
    QByteArray hash;    // SHA-256 of key
};

NewKey generate();
bool looksLikeKey(const QByteArray &token);
Core::Result<Principal> authenticate(PgConnection &db, const QByteArray &key);

} // namespace ApiKeys

} // namespace Laces::Server
