#include "leaseexpiry.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "ws/eventbus.h"

#include <QJsonDocument>

namespace Laces::Server {

Core::Result<int> expireLeases(PgConnection &db, const QUuid &twinId)
{
    auto expired = db.exec(
        "UPDATE edit_locks AS l SET released_at = l.expires_at, release_reason = 'expired' FROM digital_twins t "
        "WHERE t.id = l.twin_id AND l.released_at IS NULL AND l.expires_at <= clock_timestamp() "
        "  AND ($1::uuid IS NULL OR l.twin_id = $1::uuid) "
        "RETURNING json_build_object('type', 'lock_expired', 'lock_id', l.id, 'twin_id', l.twin_id, "
        "  'organization_id', t.organization_id, 'components', l.components, 'holder', json_build_object("
        "  'id', l.holder_id, 'username', (SELECT username FROM users WHERE id = l.holder_id)))",
        {twinId.isNull() ? pgNull() : uuidParam(twinId)});
    if (!expired)
        return expired.error();
    for (int row = 0; row < expired->rowCount(); ++row)
        EventBus::publish(db, jsonObjectAt(*expired, row));
    return expired->rowCount();
}

} // namespace Laces::Server
