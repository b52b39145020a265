#pragma once

#include <QString>

namespace Laces::Core {

inline QString productVersion()
{
    return QStringLiteral(LACES_VERSION);
}

} // namespace Laces::Core
