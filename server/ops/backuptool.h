#pragma once

#include <QStringList>

namespace Laces::Server {

// laces-server's data-safety commands, run instead of the server:
//   backup --to FILE | --rotate DIR  [--data-dir DIR | --database-url URL]
//   restore [--data-dir DIR | --database-url URL] FILE
//   basebackup --to DIR [--data-dir DIR]
//   restore --base DIR --wal-archive DIR --target-time T --data-dir DIR
// `arguments` is the whole command line (program name, command, options). Returns the
// process exit code: 0 done, 1 failed, 2 bad usage. Messages go to stdout and stderr.
int runBackupCommand(const QStringList &arguments);

// Whether the command line names one of those commands.
bool isBackupCommand(const QStringList &arguments);

} // namespace Laces::Server
