#pragma once

#include "cascade/node.h"

namespace ferry {

// What create-root and create-leaf need to know.
struct NodeSetup
{
    ConnectionString db; // where this job connects (the config's db)
    QString queue;
    QString nodeName;
    QString workerName;        // job_name: the consumer name on the provider
    ConnectionString location; // how other nodes reach this one; empty: db
    ConnectionString provider; // create-leaf only
};

// Creating, dropping and pausing nodes. Each operation checks everything it
// can before it changes anything, and changes each database in one
// transaction, so a refused command leaves nothing half-created. Where two
// databases change (a leaf and its provider), the provider is changed first
// and undone again if the leaf's part fails.
class NodeAdmin
{
public:
    // What create-root and create-leaf accept as a node name (1 to 128
    // letters of any script, digits, '_', '-', '.'); the error says so.
    static Result<void> checkNodeName(const QString &name);
    static Result<NodeInfo> createRoot(const NodeSetup &setup);
    static Result<NodeInfo> createLeaf(const NodeSetup &setup);
    // Drops `nodeName`: this database's own node, or, run on the root, a
    // member (a leaf whose database may be gone). A leaf drops itself from
    // its provider first; `force` drops it here only when the provider
    // cannot be reached (the root then still lists it: a warning says so).
    static Result<void> dropNode(const ConnectionString &db,
                                 const QString &queue,
                                 const QString &nodeName,
                                 bool force = false);
    static Result<NodeInfo>
    setPaused(const ConnectionString &db, const QString &queue, bool paused);
};

} // namespace ferry
