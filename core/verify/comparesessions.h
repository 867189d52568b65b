#pragma once

#include "cascade/node.h"
#include "replication/tableregistry.h"

#include <optional>

namespace ferry {

// The sessions compare and repair use, opened the same way by `ferry
// compare` and the GUI's Compare page: the node, and two on its provider
// (one holds the table lock; the other reads, ticks and waits); with the
// node's tables.
struct CompareSessions
{
    std::optional<Connection> node;
    std::optional<Connection> lock;
    std::optional<Connection> provider;
    NodeInfo info;
    QList<NodeTable> tables;
};

// The node of `queue` in `db`; a root (no provider to compare with) is a
// Usage error that `rootMessage` words ("%1" the node, "%2" the queue).
Result<Connection> openCompareNode(const ConnectionString &db,
                                   const QString &queue,
                                   const QString &rootMessage,
                                   NodeInfo &info);
Result<CompareSessions>
openCompareSessions(const ConnectionString &db, const QString &queue, const QString &rootMessage);

} // namespace ferry
