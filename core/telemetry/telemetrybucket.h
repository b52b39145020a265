#pragma once

#include <QString>

namespace Laces::Core {

// The bucket a chart of a range wants, about a thousand points or fewer: "raw" up to
// 20 minutes, "1m" up to 16 hours, "1h" up to 40 days, "1d" beyond. The server's
// bucket=auto and the desktop's dashboard (which asks for it by name, so that the margins
// it fetches around a range keep the range's resolution) both use this one rule.
QString bucketForRange(qint64 rangeMs);

} // namespace Laces::Core
