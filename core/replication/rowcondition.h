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

// What add-table records of a checked condition: the provider's columns it
// reads and their (base) types, the form later row images are decoded in.
struct CheckedCondition
{
    QStringList columns;
    QStringList types;
};

// Checks `condition` on the provider against its table (`qualified`, quoted;
// `alias` is the name rows are known by, the table's own): it must parse,
// name only the table's columns, read no other table (no subquery), call
// only IMMUTABLE functions (the same row must always give the same answer:
// a condition on now() would let rows leave it without an event), cast to
// no domain, and call only functions owned by a superuser or this role
// (rule R4: it runs with the worker's rights on the provider); and it must
// work on a row image decoded as the worker decodes it. Runs in a
// transaction it rolls back. An error says what is wrong, in one line.
Result<CheckedCondition> checkConditionOn(Connection &provider,
                                          const QString &qualified,
                                          const QString &alias,
                                          const QString &condition);

} // namespace ferry
