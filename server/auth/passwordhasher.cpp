#include "passwordhasher.h"

#include <QSemaphore>

#include <sodium.h>

namespace Laces::Server {

namespace {
// Each Argon2id run takes 64 MiB and tens of milliseconds: at most this many at once, so
// that a flood of logins cannot take every worker and all memory.
QSemaphore &hashingSlots()
{
    static QSemaphore available(4);
    return available;
}
} // namespace

bool PasswordHasher::initialize()
{
    return sodium_init() >= 0;
}

QByteArray PasswordHasher::hash(const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    QSemaphoreReleaser slot(hashingSlots(), (hashingSlots().acquire(), 1));
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, utf8.constData(), quint64(utf8.size()),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return {};
    return QByteArray(out);
}

bool PasswordHasher::verify(const QByteArray &encodedHash, const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    QSemaphoreReleaser slot(hashingSlots(), (hashingSlots().acquire(), 1));
    return crypto_pwhash_str_verify(encodedHash.constData(), utf8.constData(), quint64(utf8.size()))
           == 0;
}

void PasswordHasher::verifyDummy(const QString &password)
{
    static const QByteArray dummy = hash(QStringLiteral("not-a-real-password"));
    verify(dummy, password);
}

} // namespace Laces::Server
