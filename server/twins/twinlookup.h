#pragma once

#include "result.h"

#include <QUuid>

namespace Laces::Server {

class PgConnection;

// The twin `twinId` if it belongs to `organizationId`: its latest version (a null id when
// it has none yet), else NotFound. With `lockRow` the twin's row stays locked until the
// transaction ends (SELECT … FOR UPDATE), which serializes versions, locks and edits of
// one twin.
Core::Result<QUuid> latestVersionOf(PgConnection &db, const QUuid &organizationId, const QUuid &twinId,
                                    bool lockRow = false);

} // namespace Laces::Server
