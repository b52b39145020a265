#pragma once

#include <QJsonValue>
#include <QList>
#include <QLoggingCategory>
#include <QPair>
#include <QString>

namespace Laces::Server {

// One line per message on stderr: time (UTC), level, category, message (logfmt fields
// where the caller gives them), or with json set one JSON object per line
// ({"time","level","category","msg", fields...}) for log shippers. Debug output is off
// unless QT_LOGGING_RULES turns it on.
void installLogHandler(bool json = false);
bool jsonLogs();

using LogFields = QList<QPair<QString, QJsonValue>>;
// A message with named fields: `message key=value …` as text, the fields as members in JSON.
void logEvent(const QLoggingCategory &category, QtMsgType type, const QString &message, const LogFields &fields);

} // namespace Laces::Server
