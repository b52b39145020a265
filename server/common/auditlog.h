#pragma once

#include "result.h"

#include <QJsonObject>
#include <QString>

namespace Laces::Server {

class PgConnection;
class RequestContext;

// Appends to audit_log who did what to which object, within the caller's transaction.
Core::Status recordAudit(PgConnection &db, const RequestContext &context, const QString &action,
                 const QString &objectType, const QString &objectId, const QJsonObject &details = {});

} // namespace Laces::Server
