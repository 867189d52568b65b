#pragma once

#include "config/jobconfig.h"
#include "replication/tablechoices.h"

#include <QList>
#include <QString>

namespace ferry::gui {

// The Add Tables wizard's database work, run off the UI thread (runAsync):
// each call opens its own sessions (the node's, and its provider's for a
// leaf) and closes them before it returns.

struct AddTablesCatalogReply
{
    bool ok = false;
    QString error;
    NodeInfo info;
    QList<CatalogTable> tables;
};
// The node of `config` and its provider's tables (readTableCatalog).
AddTablesCatalogReply readAddTablesCatalog(const JobConfig &config);

struct AddTablesConditionReply
{
    bool ok = false;
    QString error;
    ConditionRows rows;
};
// checkRowCondition() on the provider of `config`'s node, waiting at most
// `lockTimeoutMs` for a lock another session holds on the table (then a
// one-line error saying the table is busy).
AddTablesConditionReply checkAddTablesCondition(const JobConfig &config,
                                                const QString &schema,
                                                const QString &name,
                                                const QString &condition,
                                                int lockTimeoutMs);

struct AddTablesReply
{
    bool ok = false;
    QString error;
    AddTablesOutcome outcome;
};
// TableRegistry::add(choices): every table in one transaction, or none.
AddTablesReply addChosenTables(const JobConfig &config, const QList<TableChoice> &choices);

} // namespace ferry::gui
