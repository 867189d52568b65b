#include "nodeadmin.h"

#include "db/transaction.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "util/logging.h"

namespace ferry {

namespace {

// Serializes node changes of one queue in one database.
Result<void> lockQueue(Connection &db, const QString &queue)
{
    if (auto r = db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('ferry.node:' || "
                                        "$1))"),
                         {queue});
        !r)
        return r.error();
    return {};
}

Error alreadyNode(const Connection &db, const NodeInfo &node)
{
    return Error(ErrorKind::Usage,
                 QStringLiteral("%1 is already node '%2' (%3) of queue '%4': nothing was changed "
                                "(drop-node %2 first to start over)")
                     .arg(db.displayName(), node.name, nodeTypeName(node.type), node.queue));
}

QString locationFor(const NodeSetup &setup)
{
    return storableLocation(setup.location.isEmpty() ? setup.db : setup.location);
}

Result<Connection> openNode(const ConnectionString &cs, const QString &what)
{
    auto c = Connection::open(cs);
    if (!c)
        return std::move(c.error().withContext(QStringLiteral("connecting to %1").arg(what)));
    return c;
}

} // namespace

Result<NodeInfo> NodeAdmin::createRoot(const NodeSetup &setup)
{
    auto db = openNode(setup.db, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    if (auto existing = loadNodeInfo(*db, setup.queue); !existing)
        return existing.error();
    else if (existing->has_value())
        return alreadyNode(*db, existing->value());
    if (auto r = SchemaInstaller::install(*db); !r)
        return r.error();

    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    if (auto r = lockQueue(*db, setup.queue); !r)
        return r.error();
    // Checked again under the lock: two create-root commands may race.
    if (auto existing = loadNodeInfo(*db, setup.queue); !existing)
        return existing.error();
    else if (existing->has_value())
        return alreadyNode(*db, existing->value());
    QueueAdmin queues(*db);
    auto known = queues.queues();
    if (!known)
        return known.error();
    if (!known->contains(setup.queue)) {
        if (auto r = queues.createQueue(setup.queue); !r)
            return r.error();
    }
    NodeInfo node;
    node.queue = setup.queue;
    node.name = setup.nodeName;
    node.type = NodeType::Root;
    node.location = locationFor(setup);
    node.workerName = setup.workerName;
    if (auto r = db->exec(QStringLiteral("INSERT INTO ferry.node_info (queue_name, node_name, "
                                         "node_type, location, worker_name) "
                                         "VALUES ($1, $2, 'root', $3, $4)"),
                          {node.queue, node.name, node.location, node.workerName});
        !r)
        return r.error();
    if (auto r = db->exec(QStringLiteral("INSERT INTO ferry.node_location (queue_name, node_name, "
                                         "node_type, location, worker_name) "
                                         "VALUES ($1, $2, 'root', $3, $4)"),
                          {node.queue, node.name, node.location, node.workerName});
        !r)
        return r.error();
    if (auto r = tx->commit(); !r)
        return r.error();
    return node;
}

Result<NodeInfo> NodeAdmin::createLeaf(const NodeSetup &setup)
{
    auto db = openNode(setup.db, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    auto provider = openNode(setup.provider, QStringLiteral("the provider"));
    if (!provider)
        return provider.error();

    auto upstream = requireNode(*provider, setup.queue);
    if (!upstream)
        return std::move(upstream.error().withContext(QStringLiteral("checking the provider")));
    if (upstream->type != NodeType::Root)
        return Error(
            ErrorKind::Usage,
            QStringLiteral("provider %1 is node '%2', a %3: a leaf's provider must be the "
                           "root node (branches are not built yet)")
                .arg(provider->displayName(), upstream->name, nodeTypeName(upstream->type)));
    if (auto existing = loadNodeInfo(*db, setup.queue); !existing)
        return existing.error();
    else if (existing->has_value())
        return alreadyNode(*db, existing->value());
    // (A leaf database that is the provider itself fails above: it is the root.)

    // The provider's side first: the member and its consumer.
    {
        auto tx = Transaction::begin(*provider);
        if (!tx)
            return tx.error();
        if (auto r = lockQueue(*provider, setup.queue); !r)
            return r.error();
        auto taken = provider->exec(
            QStringLiteral("SELECT node_name FROM ferry.node_location WHERE queue_name = $1 AND "
                           "(node_name = $2 OR worker_name = $3)"),
            {setup.queue, setup.nodeName, setup.workerName});
        if (!taken)
            return taken.error();
        if (taken->rowCount() > 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("queue '%1' already has a node '%2' with that name or "
                                        "job name: pick another node name or job_name, or "
                                        "drop-node %2 on the root")
                             .arg(setup.queue, taken->text(0, 0)));
        QueueAdmin queues(*provider);
        // A consumer of that name without a member is left from a node that
        // was never finished: start it afresh.
        if (auto r = queues.unregisterConsumer(setup.queue, setup.workerName); !r)
            return r.error();
        if (auto r = queues.registerConsumer(setup.queue, setup.workerName); !r)
            return r.error();
        if (auto r = provider->exec(
                QStringLiteral("INSERT INTO ferry.node_location (queue_name, node_name, node_type, "
                               "location, provider_node, worker_name) "
                               "VALUES ($1, $2, 'leaf', $3, $4, $5)"),
                {setup.queue, setup.nodeName, locationFor(setup), upstream->name,
                 setup.workerName});
            !r)
            return r.error();
        if (auto r = tx->commit(); !r)
            return r.error();
    }
    auto undoProvider = [&]() {
        auto tx = Transaction::begin(*provider);
        if (!tx)
            return;
        (void)QueueAdmin(*provider).unregisterConsumer(setup.queue, setup.workerName);
        (void)provider->exec(QStringLiteral("DELETE FROM ferry.node_location WHERE queue_name = "
                                            "$1 AND node_name = $2"),
                             {setup.queue, setup.nodeName});
        (void)tx->commit();
    };

    NodeInfo node;
    node.queue = setup.queue;
    node.name = setup.nodeName;
    node.type = NodeType::Leaf;
    node.location = locationFor(setup);
    node.providerNode = upstream->name;
    node.providerLocation = storableLocation(setup.provider);
    node.workerName = setup.workerName;
    auto local = [&]() -> Result<void> {
        if (auto r = SchemaInstaller::install(*db); !r)
            return r.error();
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        if (auto r = lockQueue(*db, setup.queue); !r)
            return r.error();
        if (auto existing = loadNodeInfo(*db, setup.queue); !existing)
            return existing.error();
        else if (existing->has_value())
            return alreadyNode(*db, existing->value());
        if (auto r = db->exec(QStringLiteral("INSERT INTO ferry.node_info (queue_name, node_name, "
                                             "node_type, location, provider_node, "
                                             "provider_location, worker_name) "
                                             "VALUES ($1, $2, 'leaf', $3, $4, $5, $6)"),
                              {node.queue, node.name, node.location, node.providerNode,
                               node.providerLocation, node.workerName});
            !r)
            return r.error();
        // Progress of an earlier node of the same job means nothing now.
        if (auto r
            = db->exec(QStringLiteral("DELETE FROM ferry.completed_tick WHERE consumer_name = $1"),
                       {node.workerName});
            !r)
            return r.error();
        return tx->commit();
    }();
    if (!local) {
        undoProvider();
        return local.error();
    }
    if (setup.provider.contains(QStringLiteral("password")))
        qCWarning(lcCore).noquote()
            << QStringLiteral("the provider's password is not stored with node '%1': the worker "
                              "reads it from ~/.pgpass (or PGPASSFILE)")
                   .arg(node.name);
    return node;
}

Result<void>
NodeAdmin::dropNode(const ConnectionString &dbString, const QString &queue, const QString &nodeName)
{
    auto db = openNode(dbString, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    auto self = requireNode(*db, queue);
    if (!self)
        return self.error();

    if (self->name != nodeName) {
        // Only the root knows the members: drop one from there.
        if (self->type != NodeType::Root)
            return Error(ErrorKind::Usage,
                         QStringLiteral("this database is node '%1'; drop node '%2' from the "
                                        "root's config or its own")
                             .arg(self->name, nodeName));
        auto members = loadMembers(*db, queue);
        if (!members)
            return members.error();
        const NodeMember *member = nullptr;
        for (const NodeMember &m : *members) {
            if (m.name == nodeName)
                member = &m;
        }
        if (!member)
            return Error(ErrorKind::Usage,
                         QStringLiteral("queue '%1' has no node '%2'").arg(queue, nodeName));
        // Clean the member's own database where it can still be reached.
        auto where = ConnectionString::parse(member->location);
        if (where) {
            if (auto remote = Connection::open(*where)) {
                auto tx = Transaction::begin(*remote);
                if (tx) {
                    (void)remote->exec(
                        QStringLiteral("SELECT ferry.allow_table(format('%I.%I', dest_schema, "
                                       "dest_name)::regclass) FROM ferry.node_table WHERE "
                                       "queue_name = $1 AND to_regclass(format('%I.%I', "
                                       "dest_schema, dest_name)) IS NOT NULL"),
                        {queue});
                    (void)remote->exec(
                        QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name = $1"),
                        {queue});
                    (void)remote->exec(
                        QStringLiteral("DELETE FROM ferry.completed_tick WHERE consumer_name = $1"),
                        {member->workerName});
                    (void)remote->exec(
                        QStringLiteral("DELETE FROM ferry.node_info WHERE queue_name = $1"),
                        {queue});
                    (void)tx->commit();
                }
            } else {
                qCWarning(lcCore).noquote()
                    << QStringLiteral("node '%1' cannot be reached (%2): only the root forgets it")
                           .arg(nodeName, remote.error().toString());
            }
        }
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        if (auto r = QueueAdmin(*db).unregisterConsumer(queue, member->workerName); !r)
            return r.error();
        if (auto r = db->exec(QStringLiteral("DELETE FROM ferry.node_location WHERE queue_name = "
                                             "$1 AND node_name = $2"),
                              {queue, nodeName});
            !r)
            return r.error();
        return tx->commit();
    }

    if (self->type == NodeType::Root) {
        auto members = loadMembers(*db, queue);
        if (!members)
            return members.error();
        QStringList others;
        for (const NodeMember &m : *members) {
            if (m.name != nodeName)
                others.append(m.name);
        }
        if (!others.isEmpty())
            return Error(ErrorKind::Usage,
                         QStringLiteral("root '%1' still has nodes %2: drop them first")
                             .arg(nodeName, others.join(QStringLiteral(", "))));
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        if (auto r = lockQueue(*db, queue); !r)
            return r.error();
        if (auto r = db->exec(
                QStringLiteral("SELECT ferry.release_table(q.queue_name, format('%I.%I', "
                               "t.schema_name, t.table_name)::regclass) FROM ferry.queue_table t "
                               "JOIN ferry.queue q USING (queue_id) WHERE q.queue_name = $1 AND "
                               "t.captured AND to_regclass(format('%I.%I', t.schema_name, "
                               "t.table_name)) IS NOT NULL"),
                {queue});
            !r)
            return r.error();
        if (auto r = QueueAdmin(*db).dropQueue(queue); !r)
            return r.error();
        if (auto r = db->exec(
                QStringLiteral("DELETE FROM ferry.node_location WHERE queue_name = $1"), {queue});
            !r)
            return r.error();
        if (auto r = db->exec(QStringLiteral("DELETE FROM ferry.node_info WHERE queue_name = $1"),
                              {queue});
            !r)
            return r.error();
        return tx->commit();
    }

    // A leaf drops itself: first from its provider, then its own records.
    auto providerString = ConnectionString::parse(self->providerLocation);
    if (!providerString)
        return providerString.error();
    auto provider = openNode(*providerString, QStringLiteral("the provider"));
    if (!provider)
        return std::move(provider.error().withContext(
            QStringLiteral("the provider must be reachable to drop a leaf (or drop it from the "
                           "root with drop-node %1)")
                .arg(nodeName)));
    {
        auto tx = Transaction::begin(*provider);
        if (!tx)
            return tx.error();
        if (auto r = QueueAdmin(*provider).unregisterConsumer(queue, self->workerName); !r)
            return r.error();
        if (auto r = provider->exec(QStringLiteral("DELETE FROM ferry.node_location WHERE "
                                                   "queue_name = $1 AND node_name = $2"),
                                    {queue, nodeName});
            !r)
            return r.error();
        if (auto r = tx->commit(); !r)
            return r.error();
    }
    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    for (const QString &sql :
         {QStringLiteral(
              "SELECT ferry.allow_table(format('%I.%I', dest_schema, dest_name)::regclass) "
              "FROM ferry.node_table WHERE queue_name = $1 AND "
              "to_regclass(format('%I.%I', dest_schema, dest_name)) IS NOT NULL"),
          QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name = $1"),
          QStringLiteral("DELETE FROM ferry.node_info WHERE queue_name = $1")}) {
        if (auto r = db->exec(sql, {queue}); !r)
            return r.error();
    }
    if (auto r
        = db->exec(QStringLiteral("DELETE FROM ferry.completed_tick WHERE consumer_name = $1"),
                   {self->workerName});
        !r)
        return r.error();
    return tx->commit();
}

Result<NodeInfo>
NodeAdmin::setPaused(const ConnectionString &dbString, const QString &queue, bool paused)
{
    auto db = openNode(dbString, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    auto self = requireNode(*db, queue);
    if (!self)
        return self.error();
    if (auto r = db->exec(QStringLiteral("UPDATE ferry.node_info SET paused = $2 WHERE queue_name "
                                         "= $1"),
                          {queue, paused});
        !r)
        return r.error();
    self->paused = paused;
    return self.value();
}

} // namespace ferry
