#pragma once

#include "db/connection.h"

namespace ferry {

// A leaf's row condition (add-table --copy-condition='userid < 1000'): an
// SQL boolean expression over the provider's columns, evaluated on the
// provider for the initial copy and for every later row image, so the node
// holds exactly the source's rows that match it, for its whole life.
//
// The text goes into Ferry's statements as `( condition )` on lines of its
// own; checkConditionText() makes sure it is one expression that cannot
// close that parenthesis or add a statement.
Result<void> checkConditionText(const QString &condition);

// The condition as it stands in Ferry's SQL: in parentheses, on lines of its
// own (a trailing -- comment ends before the closing one).
QString conditionSql(const QString &condition);

// Checks `condition` on the provider against its table (`qualified`, quoted;
// `alias` is the name rows are known by, the table's own): it must parse,
// name only the table's columns, read no other table (no subquery), call no
// VOLATILE function (its result must not change for the same row), and call
// only functions owned by a superuser or this role (rule R4: it runs with
// the worker's rights on the provider). Runs in a transaction it rolls back.
// An error says what is wrong, in one line.
Result<void> checkConditionOn(Connection &provider,
                              const QString &qualified,
                              const QString &alias,
                              const QString &condition);

} // namespace ferry
