#include "auditlog.h"

#include "common/jsonutil.h"
#include "http/requestcontext.h"

namespace Laces::Server {

Core::Status recordAudit(PgConnection &db, const RequestContext &context, const QString &action,
                 const QString &objectType, const QString &objectId, const QJsonObject &details)
{
    const bool known = context.hasPrincipal();
    // inet takes no IPv6 zone ("%eth0").
    const QString address = context.request().peerAddress.toString().section(QLatin1Char('%'), 0, 0);
    auto recorded = db.exec("INSERT INTO audit_log (organization_id, actor_id, action, object_type, object_id, "
            "details, client_address, request_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, nullif($7, '')::inet, $8)",
            {known ? uuidParam(context.principal().organizationId) : pgNull(),
             known ? uuidParam(context.principal().userId) : pgNull(), pgParam(action),
             pgParam(objectType), pgParam(objectId), jsonParam(details),
             pgParam(address), pgParam(context.request().requestId)});
    if (!recorded)
        return recorded.error();
    return Core::Ok{};
}

} // namespace Laces::Server
