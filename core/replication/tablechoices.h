#pragma once

#include "cascade/node.h"
#include "replication/tableregistry.h"

namespace ferry {

// What the desktop manager's Add Tables wizard reads and writes, over the
// same TableRegistry the CLI's add-table uses.

// A table of the provider as the wizard lists it.
struct CatalogTable
{
    QString schema;
    QString name;
    qint64 rowEstimate = -1; // pg_class.reltuples; -1: unknown
    bool hasPrimaryKey = false;
    bool replicated = false; // the provider replicates it (captured on the root)
    bool added = false;      // this node already has it
    // Why it cannot be added here ("no primary key", ...); empty: it can
    // (or it is added already).
    QString refusal;
    QStringList columns;    // in the table's order
    QStringList keyColumns; // its primary key
};

// The provider's tables for `node` (the root reads its own database:
// `provider` is then `node`), as add-table judges them: --all's rule on the
// root, and on a leaf only what the provider replicates.
Result<QList<CatalogTable>>
readTableCatalog(Connection &node, const NodeInfo &info, Connection &provider);

// How many of a table's rows a row condition takes.
struct ConditionRows
{
    enum class Kind {
        Exact,    // count(*)
        AtLeast,  // more than `rows` (the count stopped there)
        Estimate, // the planner's estimate: counting took too long
    };
    qint64 rows = 0;
    Kind kind = Kind::Exact;
};

// Checks `condition` on the provider's table as add-table does
// (checkConditionOn: the same one-line error), then counts the rows that
// match, stopping at `limit` and giving the planner's estimate when the
// count takes more than `timeoutMs`. No statement waits more than
// `lockTimeoutMs` for a lock another session holds on the table: the error
// then has SQLSTATE 55P03 (lock_not_available).
Result<ConditionRows> checkRowCondition(Connection &provider,
                                        const QString &schema,
                                        const QString &name,
                                        const QString &condition,
                                        int timeoutMs = 3000,
                                        qint64 limit = 1000000,
                                        int lockTimeoutMs = 5000);

// A name as add-table reads it (a --columns entry, a part of "schema.table"):
// plain lower-case names as they are, others double-quoted, as PostgreSQL
// would otherwise fold them to lower case.
QString identifierArgument(const QString &name);

// "schema.table" as add-table reads it: plain names as they are, others
// double-quoted.
QString tableArgument(const QString &schema, const QString &name);

// The `ferry CONFIG add-table ...` command lines that add `choices`, quoted
// for a POSIX shell: the tables without options in one command, each other
// in a command of its own. Each choice's columns are shown as given: the
// arguments add-table reads (identifierArgument()), as Finish passes them.
QStringList addTableCommands(const QString &configPath, const QList<TableChoice> &choices);

} // namespace ferry
