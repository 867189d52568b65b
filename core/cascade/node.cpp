#include "node.h"

#include "queue/schemainstaller.h"

namespace ferry {

QDateTime epochToDateTime(const QueryResult &r, int row, int column)
{
    if (r.isNull(row, column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(qint64(r.text(row, column).toDouble() * 1000.0));
}

QString nodeTypeName(NodeType type)
{
    switch (type) {
    case NodeType::Root:
        return QStringLiteral("root");
    case NodeType::Branch:
        return QStringLiteral("branch");
    case NodeType::Leaf:
        return QStringLiteral("leaf");
    }
    return {};
}

std::optional<NodeType> nodeTypeFromName(const QString &name)
{
    for (NodeType t : {NodeType::Root, NodeType::Branch, NodeType::Leaf}) {
        if (nodeTypeName(t) == name)
            return t;
    }
    return std::nullopt;
}

Result<std::optional<NodeInfo>> loadNodeInfo(Connection &db, const QString &queue)
{
    auto version = SchemaInstaller::installedVersion(db);
    if (!version)
        return version.error();
    if (version.value() < 4)
        return std::optional<NodeInfo>();
    auto r = db.exec(
        QStringLiteral("SELECT node_name, node_type, location, provider_node, provider_location, "
                       "worker_name, paused, last_error, extract(epoch FROM last_error_at), "
                       "extract(epoch FROM worker_seen_at), worker_pid FROM ferry.node_info WHERE "
                       "queue_name = $1"),
        {queue});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return std::optional<NodeInfo>();
    NodeInfo n;
    n.queue = queue;
    n.name = r->text(0, 0);
    n.type = nodeTypeFromName(r->text(0, 1)).value_or(NodeType::Leaf);
    n.location = r->text(0, 2);
    n.providerNode = r->text(0, 3);
    n.providerLocation = r->text(0, 4);
    n.workerName = r->text(0, 5);
    n.paused = r->toBool(0, 6);
    n.lastError = r->text(0, 7);
    n.lastErrorAt = epochToDateTime(*r, 0, 8);
    n.workerSeenAt = epochToDateTime(*r, 0, 9);
    n.workerPid = int(r->toInt64(0, 10));
    return std::optional<NodeInfo>(n);
}

Result<QStringList> nodeQueues(Connection &db)
{
    auto version = SchemaInstaller::installedVersion(db);
    if (!version)
        return version.error();
    if (version.value() < 4)
        return QStringList();
    auto r = db.exec(QStringLiteral("SELECT queue_name FROM ferry.node_info ORDER BY 1"));
    if (!r)
        return r.error();
    return r->column(0);
}

Result<NodeInfo> requireNode(Connection &db, const QString &queue)
{
    auto node = loadNodeInfo(db, queue);
    if (!node)
        return node.error();
    if (node->has_value())
        return node->value();
    auto queues = nodeQueues(db);
    if (!queues)
        return queues.error();
    if (!queues->isEmpty())
        return Error(ErrorKind::Config,
                     QStringLiteral("%1 has no node for queue '%2' (it has one for %3): check "
                                    "queue_name in the config")
                         .arg(db.displayName(), queue,
                              QStringLiteral("'") + queues->join(QStringLiteral("', '"))
                                  + QStringLiteral("'")));
    return Error(ErrorKind::Config,
                 QStringLiteral("%1 is not a Ferry node for queue '%2': run create-root or "
                                "create-leaf first")
                     .arg(db.displayName(), queue));
}

Result<bool> tryWorkerLock(Connection &db, const QString &queue)
{
    auto r = db.exec(QStringLiteral("SELECT pg_try_advisory_lock(hashtext('ferry.worker'), "
                                    "hashtext($1))"),
                     {queue});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

Result<void> releaseWorkerLock(Connection &db, const QString &queue)
{
    auto r = db.exec(QStringLiteral("SELECT pg_advisory_unlock(hashtext('ferry.worker'), "
                                    "hashtext($1))"),
                     {queue});
    if (!r)
        return r.error();
    return {};
}

Result<void> requireWorkerLock(Connection &db, const NodeInfo &node)
{
    auto locked = tryWorkerLock(db, node.queue);
    if (!locked)
        return locked.error();
    if (!locked.value())
        return Error(ErrorKind::Usage,
                     QStringLiteral("another worker is already running for node '%1' of queue "
                                    "'%2' on %3: stop it first")
                         .arg(node.name, node.queue, db.displayName()));
    return {};
}

Result<void> requireMayApply(Connection &db, const NodeInfo &node)
{
    if (node.type == NodeType::Root)
        return {};
    auto r = db.exec(
        QStringLiteral("SELECT ferry.may_apply(), current_user, ferry.apply_role()::text"));
    if (!r)
        return r.error();
    if (r->toBool(0, 0))
        return {};
    return Error(ErrorKind::Config,
                 QStringLiteral("role %1 may not apply on node '%2' (%3): Ferry's write guard lets "
                                "only members of %4 pass: GRANT %4 TO %1 (as a superuser or a "
                                "role with CREATEROLE)")
                     .arg(r->text(0, 1), node.name, db.displayName(), r->text(0, 2)));
}

Result<Connection> connectToProvider(const NodeInfo &node)
{
    auto where = ConnectionString::parse(node.providerLocation);
    if (!where)
        return where.error();
    auto c = Connection::open(*where);
    if (!c)
        return std::move(
            c.error().withContext(QStringLiteral("node '%1' reaching its provider '%2'")
                                      .arg(node.name, node.providerNode)));
    return c;
}

Result<QList<NodeMember>> loadMembers(Connection &root, const QString &queue)
{
    auto r = root.exec(QStringLiteral("SELECT node_name, node_type, location, provider_node, "
                                      "worker_name FROM ferry.node_location WHERE queue_name = $1 "
                                      "ORDER BY node_type <> 'root', added_at, node_name"),
                       {queue});
    if (!r)
        return r.error();
    QList<NodeMember> members;
    for (int i = 0; i < r->rowCount(); ++i) {
        NodeMember m;
        m.name = r->text(i, 0);
        m.type = nodeTypeFromName(r->text(i, 1)).value_or(NodeType::Leaf);
        m.location = r->text(i, 2);
        m.providerNode = r->text(i, 3);
        m.workerName = r->text(i, 4);
        members.append(m);
    }
    return members;
}

ConnectionString withShortConnectTimeout(ConnectionString where)
{
    if (!where.contains(QStringLiteral("connect_timeout")))
        where.set(QStringLiteral("connect_timeout"), QStringLiteral("5"));
    return where;
}

QString storableLocation(const ConnectionString &connectionString)
{
    ConnectionString stored = connectionString;
    for (const auto &param : connectionString.params()) {
        if (ConnectionString::isSecretKeyword(param.first))
            stored.remove(param.first);
    }
    return stored.toString();
}

} // namespace ferry
