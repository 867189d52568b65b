#include "logging.h"

namespace ferry {
Q_LOGGING_CATEGORY(lcDb, "ferry.db", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCore, "ferry.core", QtInfoMsg)
} // namespace ferry
