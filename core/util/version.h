#pragma once

#include <QString>

namespace ferry {

inline QString version()
{
    return QStringLiteral(FERRY_VERSION);
}

} // namespace ferry
