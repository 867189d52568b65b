#pragma once

#include "cascade/cascadestatus.h"
#include "replication/copyprogress.h"
#include "replication/sequenceregistry.h"
#include "replication/tableregistry.h"

namespace ferry::cli {

// The text of `status`, as londiste3 draws it:
//
//   Queue: replika   Local node: dst1
//
//   digoal_01 (root)
//     |                           Tables: 4/0/0
//     |                           Lag: 0.0s, Tick: 2238
//     +--dst1 (leaf)
//                                 Tables: 4/0/0
//                                 Lag: 0.3s, Tick: 2238
//                                 ERR: ...
QString formatCascadeStatus(const CascadeStatus &status);
QString formatNodeStatus(const NodeInfo &node,
                         const std::optional<NodeStatus> &status,
                         const QString &statusError);
QString formatMembers(const NodeInfo &local, const QList<NodeMember> &members);
// `tables`: each table's state; an in-copy table whose copy runs now (in
// `copies`) shows its progress, one that waits for its turn is `waiting`.
QString formatTables(const Connection &db,
                     const QList<NodeTable> &tables,
                     const QList<CopyProgress> &copies = {});
// `seqs`: each sequence with the root's last value (on a leaf: as its worker
// last read it), this node's, and whether it follows. `role`: this node's
// sessions' role as SQL names it, for the GRANT a problem needs.
QString formatSequences(const Connection &db,
                        const NodeInfo &node,
                        const QList<NodeSequence> &sequences,
                        const QString &role);

} // namespace ferry::cli
