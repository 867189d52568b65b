#pragma once

#include "db/connection.h"

#include <QList>
#include <QStringList>
#include <utility>

namespace ferry {

// The foreign keys between some of a node's tables (schema-qualified,
// quoted names): (referencing, referenced) as indexes into `tables`, a
// table's keys to itself left out. Apply and the order of initial copies
// both go by them.
Result<QList<std::pair<int, int>>> foreignKeysBetween(Connection &node, const QStringList &tables);

} // namespace ferry
