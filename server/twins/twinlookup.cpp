#include "twinlookup.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"

namespace Laces::Server {

Core::Result<QUuid> latestVersionOf(PgConnection &db, const QUuid &organizationId, const QUuid &twinId, bool lockRow)
{
    auto row = db.exec(QByteArray("SELECT latest_version_id FROM digital_twins WHERE id = $1 AND organization_id = $2")
                           + (lockRow ? " FOR UPDATE" : ""),
                       {uuidParam(twinId), uuidParam(organizationId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Core::Error::notFound(QStringLiteral("no such twin"));
    return row->isNull(0, 0) ? QUuid() : QUuid::fromString(row->text(0, 0));
}

} // namespace Laces::Server
