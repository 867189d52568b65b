#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace ferry {

enum class NodeType { Root, Branch, Leaf };

QString nodeTypeName(NodeType type);
std::optional<NodeType> nodeTypeFromName(const QString &name);

// One database's node for one queue (ferry.node_info).
struct NodeInfo
{
    QString queue;
    QString name;
    NodeType type = NodeType::Root;
    QString location; // connection string without password
    QString providerNode;
    QString providerLocation; // empty on the root
    QString workerName;       // the consumer name on the provider (job_name)
    bool paused = false;
    QString lastError;
    QDateTime lastErrorAt;
    QDateTime workerSeenAt;
    int workerPid = 0;
};

// A member of the cascade as the root records it (ferry.node_location).
struct NodeMember
{
    QString name;
    NodeType type = NodeType::Leaf;
    QString location;
    QString providerNode;
    QString workerName;
};

// This database's node for `queue`; empty when there is none (also when the
// database has no Ferry schema at all).
Result<std::optional<NodeInfo>> loadNodeInfo(Connection &db, const QString &queue);
// The queues this database has a node for (to explain a queue name mismatch).
Result<QStringList> nodeQueues(Connection &db);
// The node of `queue` in this database, or a one-line error that says what
// to do: no schema, no node, or a node of another queue.
Result<NodeInfo> requireNode(Connection &db, const QString &queue);

// The worker lock of a node: a session advisory lock on the node's database,
// one per queue, held by the node's worker for as long as it runs (and by
// drop-node while it drops the node). True when this session got it.
Result<bool> tryWorkerLock(Connection &db, const QString &queue);
// Gives the worker lock back at once. A probe that only checks whether a
// worker could start must: the lock of a closed session is released only
// when its server process has ended, which may be after the real worker asks.
Result<void> releaseWorkerLock(Connection &db, const QString &queue);
// Takes the worker lock, or fails with "another worker is already running".
Result<void> requireWorkerLock(Connection &db, const NodeInfo &node);
// A leaf's role must pass the node's write guard (R4: members of the node's
// apply role): fails naming the GRANT that fixes it. Roots pass.
Result<void> requireMayApply(Connection &db, const NodeInfo &node);

// Opens the provider of a non-root node at its stored location; the error
// names the provider node.
Result<Connection> connectToProvider(const NodeInfo &node);

Result<QList<NodeMember>> loadMembers(Connection &root, const QString &queue);

// A timestamp selected as extract(epoch FROM ...); invalid when NULL.
QDateTime epochToDateTime(const QueryResult &r, int row, int column);

// `where` with a 5 s connect_timeout unless it sets one: another node may be
// far away or down, and libpq would otherwise wait for it without limit.
ConnectionString withShortConnectTimeout(ConnectionString where);

// A location as stored: the connection string with every secret removed, so
// other nodes read where to connect, never how to log in (.pgpass does that).
QString storableLocation(const ConnectionString &connectionString);

} // namespace ferry
