#pragma once

#include <QStringList>

namespace Laces::App {

// laces-cli: command-line access to a LACES server. Exit codes: 0 done, 1 the server
// refused or failed, 2 bad usage, 3 authentication failed, 4 server unreachable.
class Cli
{
public:
    enum ExitCode { Ok = 0, Refused = 1, Usage = 2, AuthFailed = 3, Unreachable = 4 };

    int run(const QStringList &arguments);
};

} // namespace Laces::App
