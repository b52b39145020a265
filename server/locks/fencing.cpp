#include "fencing.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"

namespace Laces::Server {

std::optional<HttpResponse> checkFencing(RequestContext &context, const QUuid &twinId, const QStringList &components,
                                         bool twinPropertiesOnly)
{
    const QByteArray affected = components.isEmpty() ? pgNull() : textArrayParam(components);
    auto locks = context.db().exec(
        "SELECT l.fencing_token, l.holder_id = $3, (SELECT username FROM users WHERE id = l.holder_id) "
        "FROM edit_locks l WHERE l.twin_id = $1 AND l.released_at IS NULL AND l.expires_at > clock_timestamp() "
        "  AND l.lock_type = 'exclusive' "
        "  AND (l.components IS NULL OR (NOT $4::boolean AND ($2::text[] IS NULL OR l.components && $2::text[])))",
        {uuidParam(twinId), affected, uuidParam(context.principal().userId),
         twinPropertiesOnly ? QByteArray("true") : QByteArray("false")});
    if (!locks)
        return HttpResponse::fromError(locks.error());
    const QByteArray given = context.request().header("x-lock-token").trimmed();
    bool presented = given.isEmpty();
    for (int row = 0; row < locks->rowCount(); ++row) {
        if (!locks->boolean(row, 1))
            return HttpResponse::error(409, QStringLiteral("locked"),
                                       QStringLiteral("locked by %1").arg(locks->text(row, 2)));
        if (given.isEmpty())
            return HttpResponse::error(409, QStringLiteral("lock_token_required"),
                                       QStringLiteral("you hold a lock here: send its token in X-Lock-Token"));
        presented = presented || locks->bytes(row, 0) == given;
    }
    if (!presented)
        return HttpResponse::error(409, QStringLiteral("stale_lock_token"),
                                   QStringLiteral("the lock token is not a live lock of yours on these components"));
    return std::nullopt;
}

} // namespace Laces::Server
