#include "nodeadmin.h"

#include "db/transaction.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "util/logging.h"

#include <QRandomGenerator>

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

// Fails when this database already is a node of the queue.
Result<void> refuseExistingNode(Connection &db, const QString &queue)
{
    auto existing = loadNodeInfo(db, queue);
    if (!existing)
        return existing.error();
    if (existing->has_value())
        return alreadyNode(db, existing->value());
    return {};
}

// The transaction that makes `db` a node of `queue`: Ferry's schema brought
// up to date first, then the queue's node lock, and the check that no node
// exists, again under the lock (two create commands may race).
Result<Transaction> beginNodeChange(Connection &db, const QString &queue)
{
    if (auto r = SchemaInstaller::install(db); !r)
        return r.error();
    auto tx = Transaction::begin(db);
    if (!tx)
        return tx.error();
    if (auto r = lockQueue(db, queue); !r)
        return r.error();
    if (auto r = refuseExistingNode(db, queue); !r)
        return r.error();
    return tx;
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

// Other nodes connect to a node by the location it registers (status, and
// drop-node on the root, which empties Ferry's tables there), so CONNSTR
// must reach this very database. Advisory locks belong to one database: a
// lock this session holds cannot be taken through CONNSTR exactly when both
// reach the same one. Checked before anything is changed.
Result<void> checkLocation(Connection &db, const NodeSetup &setup)
{
    if (setup.location.isEmpty() || setup.location.toString() == setup.db.toString())
        return {};
    auto there = Connection::open(setup.location);
    if (!there)
        return std::move(there.error().withContext(
            QStringLiteral("CONNSTR, how other nodes reach this node, must reach %1")
                .arg(db.displayName())));
    const QString key = QString::number(qint64(QRandomGenerator::global()->generate64() >> 1));
    if (auto r = db.exec(QStringLiteral("SELECT pg_advisory_lock($1::bigint)"), {key}); !r)
        return r.error();
    auto taken = there->exec(QStringLiteral("SELECT pg_try_advisory_lock($1::bigint)"), {key});
    (void)db.exec(QStringLiteral("SELECT pg_advisory_unlock($1::bigint)"), {key});
    if (!taken)
        return taken.error();
    if (taken->toBool(0, 0))
        return Error(ErrorKind::Usage,
                     QStringLiteral("CONNSTR reaches %1, another database than the config's db "
                                    "%2: give the connection string other nodes use to reach %2")
                         .arg(there->displayName(), db.displayName()));
    return {};
}

// Holds the worker lock of `queue` in `db` for as long as the session lasts,
// so no worker runs while its node is dropped.
Result<void> lockOutWorker(Connection &db, const QString &queue, const QString &nodeName)
{
    auto locked = tryWorkerLock(db, queue);
    if (!locked)
        return locked.error();
    if (locked.value())
        return {};
    auto r = db.exec(QStringLiteral("SELECT worker_pid FROM ferry.node_info WHERE queue_name = $1"),
                     {queue});
    if (!r)
        return r.error();
    const QString pid = r->rowCount() == 0 || r->isNull(0, 0)
                            ? QString()
                            : QStringLiteral(" (pid %1)").arg(r->text(0, 0));
    return Error(ErrorKind::Usage,
                 QStringLiteral("the worker of node '%1' is running%2 on %3: stop it first "
                                "(ferry -s CONFIG.ini worker), then drop the node")
                     .arg(nodeName, pid, db.displayName()));
}

// The root (or a leaf's provider) forgets a member: its consumer and its
// location, in one transaction.
Result<void> forgetMember(Connection &provider,
                          const QString &queue,
                          const QString &nodeName,
                          const QString &workerName)
{
    auto tx = Transaction::begin(provider);
    if (!tx)
        return tx.error();
    if (auto r = QueueAdmin(provider).unregisterConsumer(queue, workerName); !r)
        return r.error();
    if (auto r = provider.exec(QStringLiteral("DELETE FROM ferry.node_location WHERE queue_name = "
                                              "$1 AND node_name = $2"),
                               {queue, nodeName});
        !r)
        return r.error();
    return tx->commit();
}

// A leaf's own records of `queue`, in one transaction: the deny triggers
// come off its tables (their rows stay), then its tables, progress and node.
Result<void> dropLeafRecords(Connection &leaf, const QString &queue, const QString &workerName)
{
    auto tx = Transaction::begin(leaf);
    if (!tx)
        return tx.error();
    for (const QString &sql :
         {QStringLiteral(
              "SELECT ferry.allow_table(format('%I.%I', dest_schema, dest_name)::regclass) "
              "FROM ferry.node_table WHERE queue_name = $1 AND "
              "to_regclass(format('%I.%I', dest_schema, dest_name)) IS NOT NULL"),
          QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name = $1"),
          QStringLiteral("DELETE FROM ferry.node_info WHERE queue_name = $1")}) {
        if (auto r = leaf.exec(sql, {queue}); !r)
            return r.error();
    }
    // Its sequences too (their values stay); a leaf of an older schema has none.
    auto sequences = leaf.exec(
        QStringLiteral("SELECT pg_catalog.to_regclass('ferry.node_sequence') IS NOT NULL"));
    if (!sequences)
        return sequences.error();
    if (sequences->toBool(0, 0)) {
        if (auto r = leaf.exec(
                QStringLiteral("DELETE FROM ferry.node_sequence WHERE queue_name = $1"), {queue});
            !r)
            return r.error();
    }
    // The events kept for copies that ran (schema 9 on).
    if (auto r = leaf.exec(
            QStringLiteral("DO $ferry$ BEGIN IF pg_catalog.to_regclass('ferry.held_event') IS NOT "
                           "NULL THEN DELETE FROM ferry.held_event WHERE queue_name = %1; END IF; "
                           "END $ferry$")
                .arg(leaf.quoteLiteral(queue)));
        !r)
        return r.error();
    if (auto r = leaf.exec(QStringLiteral("DELETE FROM ferry.completed_tick WHERE queue_name = $1 "
                                          "AND consumer_name = $2"),
                           {queue, workerName});
        !r)
        return r.error();
    return tx->commit();
}

} // namespace

// Checked before anything is changed (the table's CHECK would only fail
// after the schema was installed). Letters of any script are fine.
Result<void> NodeAdmin::checkNodeName(const QString &name)
{
    bool plain = !name.isEmpty() && name.size() <= 128;
    for (const QChar c : name)
        plain = plain && (c.isLetterOrNumber() || QStringLiteral("_-.").contains(c));
    if (plain)
        return {};
    return Error(ErrorKind::Usage,
                 QStringLiteral("node name '%1' is not valid: use 1 to 128 letters, digits, '_', "
                                "'-' or '.'")
                     .arg(name.left(140)));
}

Result<NodeInfo> NodeAdmin::createRoot(const NodeSetup &setup)
{
    if (auto r = checkNodeName(setup.nodeName); !r)
        return r.error();
    auto db = openNode(setup.db, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    if (auto r = refuseExistingNode(*db, setup.queue); !r)
        return r.error();
    if (auto r = checkLocation(*db, setup); !r)
        return r.error();
    auto tx = beginNodeChange(*db, setup.queue);
    if (!tx)
        return tx.error();
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
    if (auto r = checkNodeName(setup.nodeName); !r)
        return r.error();
    auto db = openNode(setup.db, QStringLiteral("the node database"));
    if (!db)
        return db.error();
    auto provider = openNode(setup.provider, QStringLiteral("the provider"));
    if (!provider)
        return provider.error();

    auto found = loadNodeInfo(*provider, setup.queue);
    if (!found)
        return std::move(found.error().withContext(QStringLiteral("checking the provider")));
    if (!found->has_value()) {
        auto queues = nodeQueues(*provider);
        if (!queues)
            return std::move(queues.error().withContext(QStringLiteral("checking the provider")));
        if (!queues->isEmpty())
            return Error(ErrorKind::Usage,
                         QStringLiteral("provider %1 has no node of queue '%2' (it has one of "
                                        "'%3'): set queue_name in the config to the root's queue")
                             .arg(provider->displayName(), setup.queue,
                                  queues->join(QStringLiteral("', '"))));
        return Error(ErrorKind::Usage,
                     QStringLiteral("provider %1 is not a Ferry node of queue '%2': --provider "
                                    "must reach the root's database (run create-root there "
                                    "first)")
                         .arg(provider->displayName(), setup.queue));
    }
    const NodeInfo *upstream = &found->value();
    if (upstream->type != NodeType::Root)
        return Error(
            ErrorKind::Usage,
            QStringLiteral("provider %1 is node '%2', a %3: a leaf's provider must be the "
                           "root node (branches are not built yet)")
                .arg(provider->displayName(), upstream->name, nodeTypeName(upstream->type)));
    if (auto r = refuseExistingNode(*db, setup.queue); !r)
        return r.error();
    // (A leaf database that is the provider itself fails above: it is the root.)
    if (auto r = checkLocation(*db, setup); !r)
        return r.error();

    // The provider's side first: the member and its consumer.
    {
        auto tx = Transaction::begin(*provider);
        if (!tx)
            return tx.error();
        if (auto r = lockQueue(*provider, setup.queue); !r)
            return r.error();
        auto taken = provider->exec(
            QStringLiteral("SELECT node_name, node_name = $2 FROM ferry.node_location WHERE "
                           "queue_name = $1 AND (node_name = $2 OR worker_name = $3) "
                           "ORDER BY 2 DESC"),
            {setup.queue, setup.nodeName, setup.workerName});
        if (!taken)
            return taken.error();
        if (taken->rowCount() > 0 && taken->toBool(0, 1))
            return Error(ErrorKind::Usage,
                         QStringLiteral("queue '%1' already has a node named '%2': pick another "
                                        "node name, or drop-node %2 first")
                             .arg(setup.queue, setup.nodeName));
        if (taken->rowCount() > 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("node '%1' of queue '%2' already uses job_name '%3': set "
                                        "another job_name in the config (each node's worker "
                                        "needs its own), or drop-node %1 first")
                             .arg(taken->text(0, 0), setup.queue, setup.workerName));
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
        auto tx = beginNodeChange(*db, setup.queue);
        if (!tx)
            return tx.error();
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
            = db->exec(QStringLiteral("DELETE FROM ferry.completed_tick WHERE queue_name = $1 "
                                      "AND consumer_name = $2"),
                       {node.queue, node.workerName});
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

Result<void> NodeAdmin::dropNode(const ConnectionString &dbString,
                                 const QString &queue,
                                 const QString &nodeName,
                                 bool force)
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
                         QStringLiteral("queue '%1' has no node '%2': see `members` for its "
                                        "nodes")
                             .arg(queue, nodeName));
        // Clean the member's own database where it can still be reached.
        auto where = ConnectionString::parse(member->location);
        if (where) {
            if (auto remote = Connection::open(*where)) {
                // Only that node's own records: never another node's that
                // a stale location may lead to.
                auto there = loadNodeInfo(*remote, queue);
                if (there && there->has_value() && there->value().name == nodeName) {
                    if (auto r = lockOutWorker(*remote, queue, nodeName); !r)
                        return r.error();
                    (void)dropLeafRecords(*remote, queue, member->workerName);
                } else if (there) {
                    qCWarning(lcCore).noquote()
                        << QStringLiteral("the location of node '%1' (%2) holds no such node: "
                                          "only the root forgets it")
                               .arg(nodeName, remote->displayName());
                }
            } else {
                qCWarning(lcCore).noquote()
                    << QStringLiteral("node '%1' cannot be reached (%2): only the root forgets it")
                           .arg(nodeName, remote.error().toString());
            }
        }
        return forgetMember(*db, queue, nodeName, member->workerName);
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
                         QStringLiteral("root '%1' still has nodes %2: drop-node each of them "
                                        "first (with its own config, or by name with this one)")
                             .arg(nodeName, others.join(QStringLiteral(", "))));
        if (auto r = lockOutWorker(*db, queue, nodeName); !r)
            return r.error();
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
    if (auto r = lockOutWorker(*db, queue, nodeName); !r)
        return r.error();
    auto providerString = ConnectionString::parse(self->providerLocation);
    if (!providerString)
        return providerString.error();
    auto provider = openNode(*providerString, QStringLiteral("the provider"));
    if (!provider
        && !(force
             && (provider.error().kind() == ErrorKind::Connection
                 || provider.error().kind() == ErrorKind::Auth)))
        return std::move(provider.error().withContext(
            QStringLiteral("the provider must be reachable to drop a leaf: drop it from the root "
                           "with drop-node %1 there, or run drop-node %1 --force to drop it "
                           "here only")
                .arg(nodeName)));
    if (provider) {
        auto fromProvider = forgetMember(*provider, queue, nodeName, self->workerName);
        // --force: a provider that answers but lost the queue (restored,
        // dropped) does not keep the leaf either.
        if (!fromProvider && !force)
            return std::move(fromProvider.error().withContext(
                QStringLiteral("removing node '%1' from its provider (drop-node %1 --force drops "
                               "it here only)")
                    .arg(nodeName)));
        if (!fromProvider)
            qCWarning(lcCore).noquote()
                << QStringLiteral("the provider did not let node '%1' go (%2): it is dropped here "
                                  "only; drop-node %1 with the root's config if the root still "
                                  "lists it")
                       .arg(nodeName, fromProvider.error().toString());
    } else {
        qCWarning(lcCore).noquote()
            << QStringLiteral("the provider cannot be reached (%1): node '%2' is dropped here "
                              "only; the root still lists it and keeps its consumer, which holds "
                              "back the root's queue: run drop-node %2 with the root's config "
                              "once the root is back")
                   .arg(provider.error().toString(), nodeName);
    }
    return dropLeafRecords(*db, queue, self->workerName);
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
    // The root's worker applies nothing: a flag there would only show.
    if (self->type == NodeType::Root && paused)
        return Error(ErrorKind::Usage,
                     QStringLiteral("node '%1' is the root and applies nothing: pause its leaves "
                                    "with their configs (stop the root's worker to stop ticking)")
                         .arg(self->name));
    if (auto r = db->exec(QStringLiteral("UPDATE ferry.node_info SET paused = $2 WHERE queue_name "
                                         "= $1"),
                          {queue, paused});
        !r)
        return r.error();
    self->paused = paused;
    return self.value();
}

} // namespace ferry
