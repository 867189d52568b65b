#pragma once

#include <QString>

namespace ferry::cli {

// An argument quoted for a one-line message: 'text', with every password
// masked and control characters escaped. Messages echo arguments only through
// this, because any of them may be a connection string.
QString quoteArgument(const QString &argument);

} // namespace ferry::cli
