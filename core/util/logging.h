#pragma once

#include <QLoggingCategory>

namespace ferry {
Q_DECLARE_LOGGING_CATEGORY(lcDb)
Q_DECLARE_LOGGING_CATEGORY(lcCore)
} // namespace ferry
