#pragma once

#include "http/httpresponse.h"

#include <QStringList>
#include <QUuid>

#include <optional>

namespace Laces::Server {

class RequestContext;

// Fencing of writes, run inside the writing transaction: a write to components under
// someone else's live exclusive lease is refused (409 locked), and one under the caller's
// own lease must carry that lease's token in X-Lock-Token (409 lock_token_required or
// stale_lock_token). `components` empty means the whole twin, which every lock overlaps;
// with `twinPropertiesOnly` the write touches only the twin's own properties, which only
// whole-twin locks cover. Answers nothing when the write may go ahead.
std::optional<HttpResponse> checkFencing(RequestContext &context, const QUuid &twinId, const QStringList &components,
                                         bool twinPropertiesOnly = false);

} // namespace Laces::Server
