#pragma once

#include "result.h"

#include <QUuid>

namespace Laces::Server {

class PgConnection;

// Ends the leases whose time is up by the database clock (of one twin, or of all twins
// when `twinId` is null), recording them as expired and announcing lock_expired to the
// twins' subscribers when the transaction commits. Returns how many ended. Each lease
// ends once, whichever instance sweeps it.
Core::Result<int> expireLeases(PgConnection &db, const QUuid &twinId = {});

} // namespace Laces::Server
