#include "idempotency.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "requestcontext.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QThread>

namespace Laces::Server {

namespace {

QByteArray keyOf(const RequestContext &context)
{
    return context.request().header("idempotency-key").trimmed();
}

QByteArray fingerprint(const RequestContext &context)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(context.request().method);
    hash.addData("\n");
    hash.addData(context.request().path.toUtf8());
    hash.addData("\n");
    hash.addData(context.request().body);
    return "\\x" + hash.result().toHex();
}

} // namespace

bool Idempotency::applies(const RequestContext &context)
{
    // Uploads are idempotent by content already, and edge devices' telemetry by sequence
    // number (their API keys have no user to keep keys for).
    return context.request().method == "POST" && context.hasPrincipal() && !keyOf(context).isEmpty()
           && !context.request().bodyFile && context.principal().nodeId.isNull();
}

std::optional<HttpResponse> Idempotency::begin(PgConnection &db, const RequestContext &context)
{
    static const QRegularExpression plain(QStringLiteral("^[\\x21-\\x7e]{1,255}$"));
    const QByteArray key = keyOf(context);
    if (!plain.match(QString::fromLatin1(key)).hasMatch())
        return HttpResponse::fromError(Core::Error::invalid(
            QStringLiteral("Idempotency-Key must be 1 to 255 printable characters"), QStringLiteral("Idempotency-Key")));
    const QByteArray user = uuidParam(context.principal().userId);
    const QByteArray hash = fingerprint(context);
    // Keys are kept for a day.
    db.exec("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < now() - interval '24 hours'",
            {user, key});
    auto claimed = db.exec("INSERT INTO idempotency_keys (user_id, key, method, path, request_hash) "
                           "VALUES ($1, $2, $3, $4, $5::bytea) ON CONFLICT (user_id, key) DO NOTHING RETURNING 1",
                           {user, key, context.request().method, pgParam(context.request().path), hash});
    if (!claimed)
        return HttpResponse::fromError(claimed.error());
    if (claimed->rowCount() == 1)
        return std::nullopt;

    QDeadlineTimer deadline(15000);
    while (true) {
        auto stored = db.exec("SELECT request_hash = $3::bytea, status, response FROM idempotency_keys "
                              "WHERE user_id = $1 AND key = $2",
                              {user, key, hash});
        if (!stored)
            return HttpResponse::fromError(stored.error());
        if (stored->rowCount() == 0) {
            // The first request failed and gave its key back: run this one instead.
            return begin(db, context);
        }
        if (!stored->boolean(0, 0))
            return HttpResponse::error(422, QStringLiteral("idempotency_key_reused"),
                                       QStringLiteral("this Idempotency-Key was used for a different request"),
                                       QStringLiteral("Idempotency-Key"));
        if (!stored->isNull(0, 1)) {
            HttpResponse replay;
            replay.status = int(stored->integer(0, 1));
            replay.body = QByteArray::fromHex(stored->bytes(0, 2).mid(2));
            replay.setHeader("Content-Type", "application/json");
            replay.setHeader("Idempotent-Replayed", "true");
            return replay;
        }
        if (deadline.hasExpired())
            return HttpResponse::error(409, QStringLiteral("in_progress"),
                                       QStringLiteral("a request with this Idempotency-Key is still running"));
        QThread::msleep(20);
    }
}

void Idempotency::finish(PgConnection &db, const RequestContext &context, const HttpResponse &response)
{
    const QByteArray user = uuidParam(context.principal().userId);
    const QByteArray key = keyOf(context);
    if (response.status >= 500 || response.status == 409) {
        // Nothing was done (or it may be done on a retry): give the key back.
        db.exec("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL", {user, key});
        return;
    }
    db.exec("UPDATE idempotency_keys SET status = $3, response = $4::bytea WHERE user_id = $1 AND key = $2",
            {user, key, QByteArray::number(response.status), "\\x" + response.body.toHex()});
}

} // namespace Laces::Server
