#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Laces::Core {

// "2026-11-27T10:00:00.123Z" or with an offset; milliseconds since the epoch, sub-ms
// digits dropped. Nothing when it is not RFC 3339. The one parser of sample times: the
// server's ingest and the edge agent accept exactly the same texts.
std::optional<qint64> parseRfc3339Ms(QByteArrayView text);
// "2026-11-27T10:00:00.123Z"
QString formatRfc3339Ms(qint64 ms);

} // namespace Laces::Core
