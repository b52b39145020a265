#pragma once

namespace Laces::Server {

// One line per message on stderr: time (UTC), level, category, message (logfmt fields
// where the caller gives them). Debug output is off unless QT_LOGGING_RULES turns it on.
void installLogHandler();

} // namespace Laces::Server
