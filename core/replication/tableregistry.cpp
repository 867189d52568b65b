#include "tableregistry.h"

#include "db/transaction.h"
#include "queue/queueadmin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace ferry {

namespace {

struct Resolved
{
    QString schema;
    QString name;
    bool exists = false;
};

// Resolves a user's table name on one database without interpolating it.
Result<Resolved> resolve(Connection &db, const QString &name)
{
    auto r = db.exec(QStringLiteral("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                                    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE c.oid = pg_catalog.to_regclass($1)"),
                     {name});
    if (!r)
        return Error(
            ErrorKind::Usage,
            QStringLiteral("'%1' is not a valid table name (%2)").arg(name, r.error().message()));
    Resolved out;
    if (r->rowCount() == 1) {
        out.schema = r->text(0, 0);
        out.name = r->text(0, 1);
        out.exists = true;
    }
    return out;
}

QStringList jsonNames(const QByteArray &json)
{
    QStringList list;
    for (const QJsonValue &v : QJsonDocument::fromJson(json).array())
        list.append(v.toString());
    return list;
}

struct Captured
{
    int id = 0;
    QString schema;
    QString name;
    QStringList keys;
};

Result<QList<Captured>> capturedTables(Connection &root, const QString &queue)
{
    auto r = root.exec(QStringLiteral("SELECT t.table_id, t.schema_name, t.table_name, "
                                      "array_to_json(t.key_columns) FROM ferry.queue_table t "
                                      "JOIN ferry.queue q USING (queue_id) "
                                      "WHERE q.queue_name = $1 AND t.captured "
                                      "ORDER BY t.schema_name, t.table_name"),
                       {queue});
    if (!r)
        return r.error();
    QList<Captured> out;
    for (int i = 0; i < r->rowCount(); ++i)
        out.append(
            {int(r->toInt64(i, 0)), r->text(i, 1), r->text(i, 2), jsonNames(r->bytes(i, 3))});
    return out;
}

} // namespace

QString displayTableName(const Connection &c, const QString &schema, const QString &name)
{
    // Plain names stay plain (digoal_01.user_info); odd ones are quoted.
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_$]*$"));
    auto part = [&](const QString &p) {
        return plain.match(p).hasMatch() ? p : c.quoteIdentifier(p);
    };
    return part(schema) + QLatin1Char('.') + part(name);
}

TableRegistry::TableRegistry(Connection &node, NodeInfo info)
    : m_node(node)
    , m_info(std::move(info))
{}

Result<AddTablesOutcome>
TableRegistry::add(const QStringList &names, bool all, Connection *provider)
{
    if (names.isEmpty() && !all)
        return Error(ErrorKind::Usage, QStringLiteral("add-table needs table names or --all"));
    if (m_info.type == NodeType::Root)
        return addOnRoot(names, all);
    Q_ASSERT(provider);
    return addOnLeaf(names, all, *provider);
}

Result<AddTablesOutcome> TableRegistry::addOnRoot(const QStringList &names, bool all)
{
    AddTablesOutcome outcome;
    auto captured = capturedTables(m_node, m_info.queue);
    if (!captured)
        return captured.error();
    auto isCaptured = [&](const QString &schema, const QString &name) {
        for (const Captured &c : *captured) {
            if (c.schema == schema && c.name == name)
                return true;
        }
        return false;
    };

    QList<QPair<QString, QString>> wanted;
    if (all) {
        auto r = m_node.exec(QStringLiteral(
            "SELECT n.nspname, c.relname, ferry._primary_key(c.oid) IS NOT NULL "
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND NOT c.relispartition "
            "AND n.nspname <> 'ferry' AND n.nspname <> 'information_schema' "
            "AND n.nspname !~ '^pg_' ORDER BY 1, 2"));
        if (!r)
            return r.error();
        for (int i = 0; i < r->rowCount(); ++i) {
            const QString display = displayTableName(m_node, r->text(i, 0), r->text(i, 1));
            if (!r->toBool(i, 2))
                outcome.skipped.append(QStringLiteral("%1: no primary key").arg(display));
            else
                wanted.append({r->text(i, 0), r->text(i, 1)});
        }
    }
    for (const QString &name : names) {
        auto res = resolve(m_node, name);
        if (!res)
            return res.error();
        if (!res->exists && !name.contains(QLatin1Char('.'))) {
            // A bare name outside the search_path: fine when one schema has it.
            auto r = m_node.exec(
                QStringLiteral("SELECT n.nspname FROM pg_catalog.pg_class c JOIN "
                               "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                               "c.relname = $1 AND c.relkind IN ('r', 'p') AND n.nspname "
                               "<> 'ferry' AND n.nspname !~ '^pg_' ORDER BY 1"),
                {name});
            if (!r)
                return r.error();
            if (r->rowCount() > 1)
                return Error(ErrorKind::Usage,
                             QStringLiteral("table name %1 is in several schemas (%2): add the "
                                            "schema; nothing was added")
                                 .arg(name, r->column(0).join(QStringLiteral(", "))));
            if (r->rowCount() == 1) {
                res->schema = r->text(0, 0);
                res->name = name;
                res->exists = true;
            }
        }
        if (!res->exists)
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 does not exist on root %2 (%3): nothing was "
                                        "added")
                             .arg(name, m_info.name, m_node.displayName()));
        // Checked here so the message is plain and nothing is started.
        auto key = m_node.exec(QStringLiteral("SELECT ferry._primary_key($1::text::regclass) IS "
                                              "NOT NULL"),
                               {m_node.quoteQualified(res->schema, res->name)});
        if (!key)
            return key.error();
        if (!key->toBool(0, 0))
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 has no primary key: Ferry needs one to "
                                        "replicate updates and deletes (ALTER TABLE ... ADD "
                                        "PRIMARY KEY); nothing was added")
                             .arg(displayTableName(m_node, res->schema, res->name)));
        if (!wanted.contains(qMakePair(res->schema, res->name)))
            wanted.append({res->schema, res->name});
    }

    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    QueueAdmin queue(m_node);
    for (const auto &[schema, name] : wanted) {
        const QString display = displayTableName(m_node, schema, name);
        if (isCaptured(schema, name)) {
            outcome.already.append(display);
            continue;
        }
        if (auto r = queue.captureTable(m_info.queue, m_node.quoteQualified(schema, name)); !r)
            return std::move(r.error().withContext(QStringLiteral("nothing was added")));
        outcome.added.append(display);
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return outcome;
}

Result<AddTablesOutcome>
TableRegistry::addOnLeaf(const QStringList &names, bool all, Connection &provider)
{
    AddTablesOutcome outcome;
    auto captured = capturedTables(provider, m_info.queue);
    if (!captured)
        return captured.error();
    QList<Captured> wanted;
    if (all)
        wanted = *captured;
    for (const QString &name : names) {
        auto res = resolve(provider, name);
        if (!res)
            return res.error();
        if (!res->exists && !name.contains(QLatin1Char('.'))) {
            // A bare name: fine when exactly one replicated table has it.
            QStringList schemas;
            for (const Captured &c : *captured) {
                if (c.name == name)
                    schemas.append(c.schema);
            }
            if (schemas.size() > 1)
                return Error(ErrorKind::Usage,
                             QStringLiteral("table name %1 is in several schemas (%2): add the "
                                            "schema; nothing was added")
                                 .arg(name, schemas.join(QStringLiteral(", "))));
            if (schemas.size() == 1) {
                res->schema = schemas.first();
                res->name = name;
                res->exists = true;
            }
        }
        if (!res->exists)
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 does not exist on the provider %2: nothing was "
                                        "added")
                             .arg(name, m_info.providerNode));
        const Captured *found = nullptr;
        for (const Captured &c : *captured) {
            if (c.schema == res->schema && c.name == res->name)
                found = &c;
        }
        if (!found)
            return Error(
                ErrorKind::Usage,
                QStringLiteral("table %1 is not replicated by %2: run add-table %1 with "
                               "the root's config first; nothing was added")
                    .arg(displayTableName(provider, res->schema, res->name), m_info.providerNode));
        bool seen = false;
        for (const Captured &w : wanted)
            seen = seen || w.id == found->id;
        if (!seen)
            wanted.append(*found);
    }

    auto existing = m_node.exec(QStringLiteral("SELECT source_schema, source_name FROM "
                                               "ferry.node_table WHERE queue_name = $1"),
                                {m_info.queue});
    if (!existing)
        return existing.error();
    auto subscribed = [&](const Captured &c) {
        for (int i = 0; i < existing->rowCount(); ++i) {
            if (existing->text(i, 0) == c.schema && existing->text(i, 1) == c.name)
                return true;
        }
        return false;
    };

    // Every target must exist here with the same primary key.
    QList<Captured> toAdd;
    for (const Captured &c : wanted) {
        const QString display = displayTableName(m_node, c.schema, c.name);
        if (subscribed(c)) {
            outcome.already.append(display);
            continue;
        }
        auto r = m_node.exec(
            QStringLiteral("SELECT c.relkind, array_to_json(ferry._primary_key(c.oid)) FROM "
                           "pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)"),
            {m_node.quoteQualified(c.schema, c.name)});
        if (!r)
            return r.error();
        if (r->rowCount() == 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 does not exist on node %2: create it there "
                                        "first (same columns and primary key as on the root); "
                                        "nothing was added")
                             .arg(display, m_info.name));
        if (r->text(0, 0) != QLatin1String("r"))
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 on node %2 is not a plain table; nothing was added")
                             .arg(display, m_info.name));
        if (r->isNull(0, 1))
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 on node %2 has no primary key: add the root's "
                                        "(%3); nothing was added")
                             .arg(display, m_info.name, c.keys.join(QStringLiteral(", "))));
        const QStringList keys = jsonNames(r->bytes(0, 1));
        if (keys != c.keys)
            return Error(ErrorKind::Usage,
                         QStringLiteral("table %1 has primary key (%2) on node %3 but (%4) on "
                                        "the root: make them equal; nothing was added")
                             .arg(display, keys.join(QStringLiteral(", ")), m_info.name,
                                  c.keys.join(QStringLiteral(", "))));
        toAdd.append(c);
    }

    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    for (const Captured &c : toAdd) {
        if (auto r = m_node.exec(QStringLiteral("INSERT INTO ferry.node_table (queue_name, "
                                                "source_schema, source_name, dest_schema, "
                                                "dest_name) VALUES ($1, $2, $3, $2, $3)"),
                                 {m_info.queue, c.schema, c.name});
            !r)
            return r.error();
        if (auto r = m_node.exec(QStringLiteral("SELECT ferry.deny_table($1::text::regclass)"),
                                 {m_node.quoteQualified(c.schema, c.name)});
            !r)
            return r.error();
        outcome.added.append(displayTableName(m_node, c.schema, c.name));
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return outcome;
}

Result<QStringList> TableRegistry::remove(const QStringList &names)
{
    if (names.isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("remove-table needs table names"));
    auto tables = list();
    if (!tables)
        return tables.error();
    // Match "schema.table" or a bare table name against the node's tables.
    QList<NodeTable> chosen;
    for (const QString &name : names) {
        const NodeTable *match = nullptr;
        int matches = 0;
        for (const NodeTable &t : *tables) {
            const QString display = displayTableName(m_node, t.sourceSchema, t.sourceName);
            const QString plain = t.sourceSchema + QLatin1Char('.') + t.sourceName;
            if (name == display || name == plain || name == t.sourceName
                || name == m_node.quoteQualified(t.sourceSchema, t.sourceName)) {
                match = &t;
                ++matches;
            }
        }
        if (matches == 0)
            return Error(
                ErrorKind::Usage,
                QStringLiteral("node %1 does not replicate a table %2 ('ferry CONFIG.ini tables' "
                               "lists those it does); nothing was removed")
                    .arg(m_info.name, name));
        if (matches > 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 names more than one table of node %2: add the schema")
                             .arg(name, m_info.name));
        chosen.append(*match);
    }
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    QStringList removed;
    for (const NodeTable &t : chosen) {
        const QString qualified = m_node.quoteQualified(t.sourceSchema, t.sourceName);
        if (m_info.type == NodeType::Root) {
            if (auto r = QueueAdmin(m_node).releaseTable(m_info.queue, qualified); !r)
                return r.error();
        } else {
            if (auto r = m_node.exec(QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name "
                                                    "= $1 AND source_schema = $2 AND source_name "
                                                    "= $3"),
                                     {m_info.queue, t.sourceSchema, t.sourceName});
                !r)
                return r.error();
            if (auto r = m_node.exec(
                    QStringLiteral("SELECT ferry.allow_table(pg_catalog.to_regclass($1)) WHERE "
                                   "pg_catalog.to_regclass($1) IS NOT NULL"),
                    {m_node.quoteQualified(t.destSchema, t.destName)});
                !r)
                return r.error();
        }
        removed.append(displayTableName(m_node, t.sourceSchema, t.sourceName));
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return removed;
}

Result<QList<NodeTable>> TableRegistry::list()
{
    QList<NodeTable> out;
    if (m_info.type == NodeType::Root) {
        auto captured = capturedTables(m_node, m_info.queue);
        if (!captured)
            return captured.error();
        for (const Captured &c : *captured) {
            NodeTable t;
            t.sourceSchema = t.destSchema = c.schema;
            t.sourceName = t.destName = c.name;
            t.mergeState = QStringLiteral("ok");
            out.append(t);
        }
        return out;
    }
    auto r
        = m_node.exec(QStringLiteral("SELECT source_schema, source_name, dest_schema, dest_name, "
                                     "merge_state, copy_snapshot, copied_rows, last_error FROM "
                                     "ferry.node_table WHERE queue_name = $1 ORDER BY 1, 2"),
                      {m_info.queue});
    if (!r)
        return r.error();
    for (int i = 0; i < r->rowCount(); ++i) {
        NodeTable t;
        t.sourceSchema = r->text(i, 0);
        t.sourceName = r->text(i, 1);
        t.destSchema = r->text(i, 2);
        t.destName = r->text(i, 3);
        t.mergeState = r->text(i, 4);
        t.copySnapshot = r->bytes(i, 5);
        t.copiedRows = r->isNull(i, 6) ? -1 : r->toInt64(i, 6);
        t.lastError = r->text(i, 7);
        out.append(t);
    }
    return out;
}

Result<QHash<int, TableMapping>> TableRegistry::appliedMappings(Connection &provider,
                                                                const QString &queue,
                                                                const QList<NodeTable> &tables)
{
    auto source = loadTableMappings(provider, queue);
    if (!source)
        return source.error();
    QHash<int, TableMapping> out;
    for (const TableMapping &m : *source) {
        for (const NodeTable &t : tables) {
            if (t.sourceSchema != m.targetSchema || t.sourceName != m.targetName
                || t.mergeState == QLatin1String("in-copy"))
                continue;
            TableMapping mapped = m;
            mapped.targetSchema = t.destSchema;
            mapped.targetName = t.destName;
            if (t.mergeState == QLatin1String("catching-up"))
                mapped.skipSeenBy = Snapshot::parse(t.copySnapshot);
            out.insert(m.sourceTableId, mapped);
        }
    }
    return out;
}

} // namespace ferry
