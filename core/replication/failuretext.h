#pragma once

#include "util/error.h"

#include <QStringList>

namespace ferry {

// How apply and copy name what failed, the same way in both.

// "(a, b)=(1, x)": a row's key, the way PostgreSQL names one in its messages.
QString formatKey(const QStringList &names, const QStringList &values);

// What to do about text the node's database encoding cannot hold (R5), as
// a suffix for the error's context; empty for any other error.
QString encodingAdvice(const Error &error);

} // namespace ferry
