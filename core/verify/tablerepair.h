#pragma once

#include "verify/tablecompare.h"

namespace ferry {

struct RepairOutcome
{
    TableComparison before;
    QStringList statements; // the SQL run (or, dry, that would run), values as literals
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0;
    bool dryRun = false;
    std::optional<TableComparison> after; // compared again once repaired
};

// Repairs a node's table: compares it, then, at a synced point with the
// provider's table still locked (so no replicated change of it interleaves),
// writes in one node transaction exactly the rows that differ: inserts the
// missing, deletes the extra, updates the changed, with the provider's
// values read at that point and the rights Ferry applies with (the write
// guard lets it pass; user triggers stay silent where the role may use
// replica mode). Then compares again. A dry run rolls the transaction back
// and only says what it would run.
class TableRepairer
{
public:
    TableRepairer(Connection &lock,
                  Connection &provider,
                  Connection &node,
                  NodeInfo info,
                  CompareOptions options);

    Result<RepairOutcome> repair(const NodeTable &table, bool dryRun);

private:
    Result<void> writeDifferences(const TableSides &sides, RepairOutcome &out);

    Connection &m_lock;
    Connection &m_provider;
    Connection &m_node;
    NodeInfo m_info;
    CompareOptions m_options;
};

} // namespace ferry
