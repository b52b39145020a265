#pragma once

#include <QByteArray>
#include <QString>

namespace Laces::Server {

// Argon2id password hashes (libsodium's crypto_pwhash_str, interactive limits: 2 passes,
// 64 MiB). The encoded hash carries its own salt and parameters.
class PasswordHasher
{
public:
    static bool initialize();  // sodium_init(); safe to call more than once
    static QByteArray hash(const QString &password);   // empty on failure (out of memory)
    static bool verify(const QByteArray &encodedHash, const QString &password);
    // Spends the same time as a real verify, so that an unknown user name cannot be told
    // apart from a wrong password by timing.
    static void verifyDummy(const QString &password);
};

} // namespace Laces::Server
