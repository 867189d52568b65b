#include "tableregistry.h"

#include "db/transaction.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "replication/rowcondition.h"
#include "util/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

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

struct Captured
{
    int id = 0;
    QString schema;
    QString name;
    QStringList keys;
    QString oid;
};

// add-table's glob patterns ('digoal_01.*', 'public.user_?'): which of the
// tables --all would take they name, and whether each named one at least.
class PatternFilter
{
public:
    explicit PatternFilter(const QStringList &patterns)
        : m_patterns(patterns)
        , m_hits(patterns.size(), 0)
    {
        for (const QString &p : patterns)
            m_expressions.append(
                QRegularExpression(QRegularExpression::wildcardToRegularExpression(p)));
    }
    bool active() const { return !m_patterns.isEmpty(); }
    bool takes(const QString &schema, const QString &name)
    {
        const QString full = schema + QLatin1Char('.') + name;
        bool taken = false;
        for (qsizetype i = 0; i < m_expressions.size(); ++i) {
            if (m_expressions.at(i).match(full).hasMatch()) {
                ++m_hits[i];
                taken = true;
            }
        }
        return taken;
    }
    Result<void> allMatched() const
    {
        for (qsizetype i = 0; i < m_patterns.size(); ++i) {
            if (m_hits.at(i) == 0)
                return Error(ErrorKind::Usage,
                             QStringLiteral("%1 matches no table that can be added; nothing was "
                                            "added")
                                 .arg(m_patterns.at(i)));
        }
        return {};
    }

private:
    QStringList m_patterns;
    QList<QRegularExpression> m_expressions;
    QList<int> m_hits;
};

Result<QList<Captured>> capturedTables(Connection &root, const QString &queue)
{
    auto r = root.exec(QStringLiteral("SELECT t.table_id, t.schema_name, t.table_name, "
                                      "array_to_json(t.key_columns), t.table_oid "
                                      "FROM ferry.queue_table t "
                                      "JOIN ferry.queue q USING (queue_id) "
                                      "WHERE q.queue_name = $1 AND t.captured "
                                      "ORDER BY t.schema_name, t.table_name"),
                       {queue});
    if (!r)
        return r.error();
    QList<Captured> out;
    for (int i = 0; i < r->rowCount(); ++i)
        out.append({int(r->toInt64(i, 0)), r->text(i, 1), r->text(i, 2), r->jsonStrings(i, 3),
                    r->text(i, 4)});
    return out;
}

// Whether this session may use session_replication_role = replica
// (superuser, or granted SET on it): user triggers and foreign keys then stay
// silent while Ferry applies.
Result<bool> mayUseReplicaRole(Connection &node)
{
    auto tx = Transaction::begin(node);
    if (!tx)
        return tx.error();
    return node.exec(QStringLiteral("SET LOCAL session_replication_role = replica")).ok();
}

// R6: what a node's table must be for Ferry to copy and apply into it what
// the root commits. Checked at add-table, so nothing is refused later in a
// retry loop.
// --dest-table's SCHEMA.TABLE, read as PostgreSQL reads a name (quotes, case),
// and whether that table exists on `node`.
Result<Resolved> destinationOf(Connection &node, const QString &text)
{
    auto parts
        = node.exec(QStringLiteral("SELECT array_to_json(pg_catalog.parse_ident($1))"), {text});
    const QStringList names = parts ? parts->jsonStrings(0, 0) : QStringList();
    if (names.size() != 2)
        return Error(ErrorKind::Usage,
                     QStringLiteral("--dest-table %1: name the destination as SCHEMA.TABLE; "
                                    "nothing was added")
                         .arg(text));
    Resolved out;
    out.schema = names.at(0);
    out.name = names.at(1);
    auto there = node.exec(QStringLiteral("SELECT pg_catalog.to_regclass($1) IS NOT NULL"),
                           {node.quoteQualified(out.schema, out.name)});
    if (!there)
        return there.error();
    out.exists = there->toBool(0, 0);
    return out;
}

// The statements that make `c`'s destination on the node from the
// provider's definition: its schema if missing, then the table with the
// provider's columns (format_type: types as the provider names them,
// qualified), NOT NULLs and primary key. Defaults, identities, checks and
// other indexes stay on the root (the rows come from there). A generated
// column is refused: its expression would run on the node with Ferry's
// rights, in functions the node's roles may own (R4).
Result<QStringList> createTableSql(Connection &node,
                                   Connection &provider,
                                   const Captured &c,
                                   const QString &targetSchema,
                                   const QString &targetName,
                                   const QStringList &kept,
                                   bool withIndexes,
                                   QStringList &notMade)
{
    auto columns = provider.exec(
        QStringLiteral("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                       "a.attnotnull, a.attgenerated <> '' FROM pg_catalog.pg_attribute a "
                       "WHERE a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 AND NOT "
                       "a.attisdropped ORDER BY a.attnum"),
        {c.oid});
    if (!columns)
        return columns.error();
    const QString display = displayTableName(node, targetSchema, targetName);
    QStringList defs;
    for (int i = 0; i < columns->rowCount(); ++i) {
        if (!kept.isEmpty() && !kept.contains(columns->text(i, 0)))
            continue;
        if (columns->toBool(i, 3))
            return Error(ErrorKind::Usage,
                         QStringLiteral("--create does not make %1: column %2 is generated on "
                                        "the provider; create the table on the node by hand, "
                                        "then add-table without --create; nothing was added")
                             .arg(display, columns->text(i, 0)));
        QString def
            = node.quoteIdentifier(columns->text(i, 0)) + QLatin1Char(' ') + columns->text(i, 1);
        if (columns->toBool(i, 2))
            def += QStringLiteral(" NOT NULL");
        defs.append(def);
    }
    QStringList keys;
    for (const QString &k : c.keys)
        keys.append(node.quoteIdentifier(k));
    defs.append(QStringLiteral("PRIMARY KEY (%1)").arg(keys.join(QStringLiteral(", "))));
    const QString target = node.quoteQualified(targetSchema, targetName);
    QStringList statements{
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(node.quoteIdentifier(targetSchema)),
        QStringLiteral("CREATE TABLE %1 (%2)").arg(target, defs.join(QStringLiteral(", ")))};
    if (!withIndexes)
        return statements;
    // --create-full: the provider's other indexes, as pg_get_indexdef
    // writes them, on the new table (named by the node). An index over an
    // expression or with a WHERE would run functions on the node that the
    // provider's roles chose: left to the DBA, and said so.
    auto indexes = provider.exec(
        QStringLiteral(
            "SELECT pg_catalog.pg_get_indexdef(i.indexrelid), pg_catalog.format('%I.%I', "
            "n.nspname, t.relname), x.relname, i.indexprs IS NOT NULL OR i.indpred IS NOT NULL "
            "OR NOT i.indimmediate OR EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE "
            "con.conindid = i.indexrelid AND con.contype = 'x'), "
            "pg_catalog.array_to_json(ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = i.indrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey))) "
            "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace JOIN pg_catalog.pg_class x "
            "ON x.oid = i.indexrelid WHERE i.indrelid = $1::pg_catalog.oid AND NOT "
            "i.indisprimary ORDER BY x.relname"),
        {c.oid});
    if (!indexes)
        return indexes.error();
    for (int i = 0; i < indexes->rowCount(); ++i) {
        const QString definition = indexes->text(i, 0);
        const QString on = QStringLiteral(" ON ") + indexes->text(i, 1) + QStringLiteral(" USING ");
        const qsizetype at = definition.indexOf(on);
        bool columnsKept = true;
        for (const QString &column : indexes->jsonStrings(i, 4))
            columnsKept = columnsKept && (kept.isEmpty() || kept.contains(column));
        if (indexes->toBool(i, 3) || at < 0 || !columnsKept) {
            notMade.append(QStringLiteral("index %1 of %2: not made on the node (%3); make it "
                                          "there by hand if you need it")
                               .arg(indexes->text(i, 2), indexes->text(i, 1),
                                    !columnsKept
                                        ? QStringLiteral("a column of it is not kept")
                                        : QStringLiteral("an expression, partial, deferrable or "
                                                         "exclusion index")));
            continue;
        }
        const bool unique = definition.startsWith(QLatin1String("CREATE UNIQUE INDEX"));
        statements.append(QStringLiteral("CREATE %1INDEX ON %2 USING %3")
                              .arg(unique ? QStringLiteral("UNIQUE ") : QString(), target,
                                   definition.mid(at + on.size())));
    }
    return statements;
}

// `c` goes into the node's table targetSchema.targetName.
Result<void> checkLeafTable(Connection &node,
                            Connection &provider,
                            const Captured &c,
                            const QString &targetSchema,
                            const QString &targetName,
                            const QString &nodeName,
                            bool replicaRole,
                            const QStringList &kept)
{
    const QString display = displayTableName(node, targetSchema, targetName);
    const QString qualified = node.quoteQualified(targetSchema, targetName);
    auto r = node.exec(
        QStringLiteral("SELECT c.relkind, array_to_json(ferry._primary_key(c.oid)), "
                       "(SELECT con.condeferrable FROM pg_catalog.pg_constraint con WHERE "
                       "con.conrelid = c.oid AND con.contype = 'p') FROM pg_catalog.pg_class c "
                       "WHERE c.oid = pg_catalog.to_regclass($1)"),
        {qualified});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return Error(ErrorKind::Usage,
                     QStringLiteral("table %1 does not exist on node %2: create it there "
                                    "first (same columns and primary key as on the root), or "
                                    "add --create; nothing was added")
                         .arg(display, nodeName));
    if (r->text(0, 0) != QLatin1String("r"))
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 on node %2 is not a plain table; nothing was added")
                         .arg(display, nodeName));
    if (r->isNull(0, 1))
        return Error(ErrorKind::Usage,
                     QStringLiteral("table %1 on node %2 has no primary key: add the root's "
                                    "(%3); nothing was added")
                         .arg(display, nodeName, c.keys.join(QStringLiteral(", "))));
    const QStringList keys = r->jsonStrings(0, 1);
    if (keys != c.keys)
        return Error(ErrorKind::Usage,
                     QStringLiteral("table %1 has primary key (%2) on node %3 but (%4) on "
                                    "the root: make them equal; nothing was added")
                         .arg(display, keys.join(QStringLiteral(", ")), nodeName,
                              c.keys.join(QStringLiteral(", "))));
    if (r->toBool(0, 2))
        return Error(ErrorKind::Usage,
                     QStringLiteral("the primary key of %1 on node %2 is DEFERRABLE: Ferry "
                                    "applies with INSERT ... ON CONFLICT, which needs it checked "
                                    "at once (ALTER TABLE ... ALTER CONSTRAINT ... NOT "
                                    "DEFERRABLE); nothing was added")
                         .arg(display, nodeName));

    // R4: writing into the table runs its owner's code (triggers, even
    // ENABLE ALWAYS ones in replica mode, constraints, defaults, index
    // expressions) and its domains' checks with this role's rights: their
    // owners must hold those rights already (be this role, be granted it, or
    // be superusers), or applying here is a way in for them.
    auto owners = node.exec(
        QStringLiteral("SELECT o.rolname, d.what FROM (SELECT c.relowner AS owner, 'the table' "
                       "AS what FROM pg_catalog.pg_class c WHERE c.oid = $1::pg_catalog.regclass "
                       "UNION SELECT t.typowner, pg_catalog.format('its domain %s', "
                       "t.oid::pg_catalog.regtype) FROM pg_catalog.pg_attribute a JOIN "
                       "pg_catalog.pg_type t ON t.oid = a.atttypid WHERE a.attrelid = "
                       "$1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped AND "
                       "t.typtype = 'd') d JOIN pg_catalog.pg_roles o ON o.oid = d.owner WHERE "
                       "NOT o.rolsuper AND NOT pg_catalog.pg_has_role(d.owner, current_user, "
                       "'USAGE') ORDER BY 2 LIMIT 1"),
        {qualified});
    if (!owners)
        return owners.error();
    if (owners->rowCount() > 0)
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 on node %2: %3 is owned by role %4, which does not hold "
                                    "the rights of the role that applies here, yet its triggers, "
                                    "constraints and defaults would run with them: apply as %4 "
                                    "(GRANT the apply role to it), or make the applying role the "
                                    "owner; nothing was added")
                         .arg(display, nodeName, owners->text(0, 1), owners->text(0, 0)));

    // Columns by name: every column the root's changes carry must have a
    // place here, and what the node computes itself must be what the root
    // computes too.
    // With each column its type and the type's category (pg_type.typcategory:
    // N numeric, S string, D date/time, ...), the same on both servers.
    const QString columnsSql = QStringLiteral(
        "SELECT a.attname, a.attgenerated <> '', a.attidentity = 'a', "
        "pg_catalog.format_type(a.atttypid, a.atttypmod), t.typcategory FROM "
        "pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE "
        "a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY "
        "a.attnum");
    auto source = provider.exec(columnsSql, {c.oid});
    if (!source)
        return source.error();
    QHash<QString, bool> rootColumns; // name -> generated on the root
    QHash<QString, int> rootRow;      // name -> its row in `source`
    for (int i = 0; i < source->rowCount(); ++i) {
        if (!kept.isEmpty() && !kept.contains(source->text(i, 0)))
            continue; // not replicated here (--columns)
        rootColumns.insert(source->text(i, 0), source->toBool(i, 1));
        rootRow.insert(source->text(i, 0), i);
    }
    auto oid
        = node.exec(QStringLiteral("SELECT $1::pg_catalog.regclass::pg_catalog.oid"), {qualified});
    if (!oid)
        return oid.error();
    auto here = node.exec(columnsSql, {oid->text(0, 0)});
    if (!here)
        return here.error();
    QSet<QString> nodeColumns;
    for (int i = 0; i < here->rowCount(); ++i) {
        const QString column = here->text(i, 0);
        nodeColumns.insert(column);
        if (here->toBool(i, 1) && rootColumns.contains(column) && !rootColumns.value(column))
            return Error(ErrorKind::Usage,
                         QStringLiteral("column %1 of %2 is GENERATED on node %3 but a plain "
                                        "column on the root: its values here would not be the "
                                        "root's; make it a plain column on the node "
                                        "(ALTER TABLE %2 ALTER COLUMN %1 DROP EXPRESSION); "
                                        "nothing was added")
                             .arg(node.quoteIdentifier(column), display, nodeName));
        // A value of the root's type that this type cannot take as text
        // fails every batch: a type of another category, unless it is a
        // string type (which takes any value's text). Types of their own
        // (enums, composites, extensions) are left to the node.
        static const QString known = QStringLiteral("BDNSTAVIG");
        const QString nodeCategory = here->text(i, 4);
        if (rootRow.contains(column) && !rootColumns.value(column)) {
            const int rootIndex = rootRow.value(column);
            const QString rootCategory = source->text(rootIndex, 4);
            if (rootCategory != nodeCategory && nodeCategory != QLatin1String("S")
                && known.contains(rootCategory) && known.contains(nodeCategory))
                return Error(ErrorKind::Usage,
                             QStringLiteral("column %1 of %2 is %3 on node %4 but %5 on the "
                                            "root: the root's values cannot be applied; make "
                                            "the types match; nothing was added")
                                 .arg(node.quoteIdentifier(column), display, here->text(i, 3),
                                      nodeName, source->text(rootIndex, 3)));
        }
        if (here->toBool(i, 2) && !c.keys.contains(column))
            return Error(ErrorKind::Usage,
                         QStringLiteral("column %1 of %2 on node %3 is GENERATED ALWAYS AS "
                                        "IDENTITY: Ferry cannot update it with the root's values "
                                        "(ALTER TABLE %2 ALTER COLUMN %1 SET GENERATED BY DEFAULT "
                                        "on the node); nothing was added")
                             .arg(node.quoteIdentifier(column), display, nodeName));
    }
    QStringList missing;
    for (auto it = rootColumns.cbegin(); it != rootColumns.cend(); ++it) {
        if (!nodeColumns.contains(it.key()))
            missing.append(node.quoteIdentifier(it.key()));
    }
    if (!missing.isEmpty()) {
        std::sort(missing.begin(), missing.end());
        return Error(ErrorKind::Usage,
                     QStringLiteral("table %1 on node %2 lacks the root's column(s) %3: add them "
                                    "there (same types); nothing was added")
                         .arg(display, nodeName, missing.join(QStringLiteral(", "))));
    }

    // Its copy empties the table first. Without replica mode, rows another
    // table's foreign key references cannot be deleted: say so now, not in
    // a copy that fails again and again.
    if (!replicaRole) {
        auto refs = node.exec(
            QStringLiteral(
                "SELECT con.conrelid::pg_catalog.regclass::pg_catalog.text, con.conname FROM "
                "pg_catalog.pg_constraint con WHERE con.contype = 'f' AND con.confrelid = "
                "$1::pg_catalog.regclass AND con.conrelid <> con.confrelid AND (NOT "
                "con.condeferrable OR con.confdeltype NOT IN ('a', 'r')) AND EXISTS (SELECT 1 "
                "FROM ONLY %1 LIMIT 1) ORDER BY 1")
                .arg(qualified),
            {qualified});
        if (!refs)
            return refs.error();
        for (int i = 0; i < refs->rowCount(); ++i) {
            auto rows = node.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM ONLY %1 LIMIT 1)")
                                      .arg(refs->text(i, 0)));
            if (!rows)
                return rows.error();
            if (rows->toBool(0, 0))
                return Error(ErrorKind::Usage,
                             QStringLiteral("%1 on node %2 has rows that %3 references (foreign "
                                            "key %4), so its copy could not empty it, and this "
                                            "node's role may not use session_replication_role: "
                                            "empty %3 and %1 first, or apply as a role that may; "
                                            "nothing was added")
                                 .arg(display, nodeName, refs->text(i, 0),
                                      node.quoteIdentifier(refs->text(i, 1))));
        }
    }
    return {};
}

QString jsonList(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
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

QString TableCandidate::refusal() const
{
    if (partitioned)
        return QStringLiteral("partitioned table, its partitions are added instead (%1)")
            .arg(partitions.isEmpty() ? QStringLiteral("none yet") : partitions);
    if (!hasPrimaryKey)
        return QStringLiteral("no primary key");
    return {};
}

Result<QList<TableCandidate>> rootTableCandidates(Connection &root)
{
    // Partitions are tables of their own here: the partitioned table
    // stands for them (its statement triggers do not reach them).
    auto r = root.exec(QStringLiteral(
        "SELECT n.nspname, c.relname, ferry._primary_key(c.oid) IS NOT NULL, c.relkind = 'p', "
        "(SELECT string_agg(p.relid::pg_catalog.regclass::pg_catalog.text, ', ' ORDER BY "
        "p.relid::pg_catalog.regclass::pg_catalog.text) FROM pg_catalog.pg_partition_tree("
        "c.oid) p WHERE p.isleaf), CASE WHEN c.reltuples < 0 OR (c.reltuples = 0 AND "
        "c.relpages = 0 AND pg_catalog.current_setting('server_version_num')::pg_catalog.int4 "
        "< 140000) THEN -1 ELSE c.reltuples::pg_catalog.int8 END "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' "
        "AND n.nspname <> 'ferry' AND n.nspname <> 'information_schema' "
        "AND n.nspname !~ '^pg_' ORDER BY 1, 2"));
    if (!r)
        return r.error();
    QList<TableCandidate> out;
    for (int i = 0; i < r->rowCount(); ++i) {
        TableCandidate t;
        t.schema = r->text(i, 0);
        t.name = r->text(i, 1);
        t.hasPrimaryKey = r->toBool(i, 2);
        t.partitioned = r->toBool(i, 3);
        t.partitions = r->isNull(i, 4) ? QString() : r->text(i, 4);
        // -1: never analyzed. Before PostgreSQL 14 reltuples is 0 then, as
        // for an empty table: without a page counted either, it is unknown.
        t.rowEstimate = r->toInt64(i, 5);
        out.append(t);
    }
    return out;
}

TableRegistry::TableRegistry(Connection &node, NodeInfo info)
    : m_node(node)
    , m_info(std::move(info))
{}

Result<AddTablesOutcome> TableRegistry::add(const QStringList &names,
                                            bool all,
                                            Connection *provider,
                                            const AddTableOptions &options)
{
    if (names.isEmpty() && !all)
        return Error(ErrorKind::Usage, QStringLiteral("add-table needs table names or --all"));
    auto request = checkRequest(names, all, options);
    if (!request)
        return request.error();
    if (m_info.type == NodeType::Root)
        return addOnRoot(request->names, all, request->options);
    Q_ASSERT(provider);
    return addOnLeaf({*request}, *provider);
}

Result<AddTablesOutcome> TableRegistry::add(const QList<TableChoice> &choices, Connection *provider)
{
    if (choices.isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("add-table needs table names"));
    QList<Request> requests;
    QStringList names;
    AddTableOptions onRoot; // the root's tables take no options (checkRequest refused them)
    for (const TableChoice &choice : choices) {
        auto request = checkRequest({choice.name}, false, choice.options);
        if (!request)
            return request.error();
        requests.append(*request);
        names.append(request->names);
        onRoot.patterns.append(request->options.patterns);
    }
    if (m_info.type == NodeType::Root)
        return addOnRoot(names, false, onRoot);
    Q_ASSERT(provider);
    return addOnLeaf(requests, *provider);
}

Result<TableRegistry::Request> TableRegistry::checkRequest(const QStringList &names,
                                                           bool all,
                                                           const AddTableOptions &options) const
{
    if (m_info.type == NodeType::Root) {
        const QList<std::pair<bool, const char *>> leafOnly
            = {{options.create, "--create"},
               {options.createFull, "--create-full"},
               {!options.condition.isEmpty(), "--copy-condition"},
               {!options.columns.isEmpty(), "--columns"},
               {options.expectSync, "--expect-sync"},
               {options.skipTruncate, "--skip-truncate"}};
        for (const auto &[given, flag] : leafOnly) {
            if (given)
                return Error(ErrorKind::Usage,
                             QStringLiteral("%1 is for a leaf: the root's tables are its own and "
                                            "it captures every row and column of them; nothing "
                                            "was added")
                                 .arg(QLatin1String(flag)));
        }
    }
    if (options.expectSync && (options.create || options.createFull))
        return Error(ErrorKind::Usage,
                     QStringLiteral("--expect-sync says the node's table already holds the rows, "
                                    "--create makes an empty one: give one of them; nothing was "
                                    "added"));
    if (options.expectSync && options.skipTruncate)
        return Error(ErrorKind::Usage,
                     QStringLiteral("--skip-truncate is about the copy, which --expect-sync "
                                    "leaves out: give one of them; nothing was added"));
    if (!options.condition.isEmpty()) {
        if (auto r = checkConditionText(options.condition); !r)
            return r.error();
    }
    if (!options.destTable.isEmpty()) {
        if (m_info.type == NodeType::Root)
            return Error(ErrorKind::Usage,
                         QStringLiteral("--dest-table is for a leaf: the root captures its tables "
                                        "under their own names; nothing was added"));
        if (all || names.size() != 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("--dest-table names the destination of one table: give "
                                        "exactly one table; nothing was added"));
    }
    // Glob patterns take what --all would, filtered by "schema.table".
    Request request;
    request.all = all;
    request.options = options;

    for (const QString &name : names) {
        if (name.contains(QLatin1Char('*')) || name.contains(QLatin1Char('?')))
            request.options.patterns.append(name);
        else
            request.names.append(name);
    }
    if (!request.options.patterns.isEmpty() && !options.destTable.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("--dest-table names the destination of one table, not of a "
                                    "pattern; nothing was added"));
    return request;
}

Result<AddTablesOutcome>
TableRegistry::addOnRoot(const QStringList &names, bool all, const AddTableOptions &options)
{
    PatternFilter filter(options.patterns);
    AddTablesOutcome outcome;
    // A table dropped since it was added is forgotten first (its release
    // reaches the nodes in queue order), so a new table of the same name, or
    // one that got its oid, is not taken for it.
    if (auto r = m_node.exec(QStringLiteral("SELECT ferry._forget_dropped(queue_id) FROM "
                                            "ferry.queue WHERE queue_name = $1"),
                             {m_info.queue});
        !r)
        return r.error();
    auto captured = capturedTables(m_node, m_info.queue);
    if (!captured)
        return captured.error();
    auto isCaptured = [&](const QString &schema, const QString &name) -> Result<bool> {
        auto oid = m_node.exec(QStringLiteral("SELECT $1::pg_catalog.regclass::pg_catalog.oid"),
                               {m_node.quoteQualified(schema, name)});
        if (!oid)
            return oid.error();
        for (const Captured &c : *captured) {
            if (c.oid == oid->text(0, 0))
                return true;
        }
        return false;
    };

    QList<QPair<QString, QString>> wanted;
    if (all || filter.active()) {
        auto candidates = rootTableCandidates(m_node);
        if (!candidates)
            return candidates.error();
        for (const TableCandidate &t : *candidates) {
            const QString display = displayTableName(m_node, t.schema, t.name);
            if (!all && !filter.takes(t.schema, t.name))
                continue;
            if (const QString why = t.refusal(); !why.isEmpty())
                outcome.skipped.append(QStringLiteral("%1: %2").arg(display, why));
            else
                wanted.append({t.schema, t.name});
        }
    }
    if (auto r = filter.allMatched(); !r)
        return r.error();
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
        auto already = isCaptured(schema, name);
        if (!already)
            return already.error();
        if (already.value()) {
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

Result<AddTablesOutcome> TableRegistry::addOnLeaf(const QList<Request> &requests,
                                                  Connection &provider)
{
    AddTablesOutcome outcome;
    auto captured = capturedTables(provider, m_info.queue);
    if (!captured)
        return captured.error();
    // The provider's tables each request names, in the order given.
    QList<QList<Captured>> wantedOf;
    for (const Request &request : requests) {
        QList<Captured> wanted;
        PatternFilter filter(request.options.patterns);
        for (const Captured &c : *captured) {
            if (request.all || filter.takes(c.schema, c.name))
                wanted.append(c);
        }
        if (auto r = filter.allMatched(); !r)
            return r.error();
        for (const QString &name : request.names) {
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
                return Error(
                    ErrorKind::Usage,
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
                        .arg(displayTableName(provider, res->schema, res->name),
                             m_info.providerNode));
            bool seen = false;
            for (const Captured &w : wanted)
                seen = seen || w.id == found->id;
            if (!seen)
                wanted.append(*found);
        }
        wantedOf.append(wanted);
    }

    // Ferry's schema here is the one this Ferry knows (an older worker may
    // have left an older one).
    if (auto r = SchemaInstaller::install(m_node); !r)
        return r.error();
    auto existing = m_node.exec(
        QStringLiteral("SELECT source_table_id, source_schema, source_name, dest_schema, "
                       "dest_name, COALESCE(row_condition, ''), "
                       "pg_catalog.array_to_json(COALESCE(column_list, '{}')) FROM "
                       "ferry.node_table WHERE queue_name = $1"),
        {m_info.queue});
    if (!existing)
        return existing.error();
    // The row of `c`'s subscription here, -1 when there is none.
    auto subscribed = [&](const Captured &c) {
        for (int i = 0; i < existing->rowCount(); ++i) {
            if (existing->isNull(i, 0)
                    ? existing->text(i, 1) == c.schema && existing->text(i, 2) == c.name
                    : existing->toInt64(i, 0) == c.id)
                return i;
        }
        return -1;
    };
    // R4: the write guard must let this node's apply pass.
    if (auto r = requireMayApply(m_node, m_info); !r) {
        if (r.error().kind() != ErrorKind::Config)
            return r.error();
        return Error(ErrorKind::Usage, r.error().message() + QStringLiteral("; nothing was added"));
    }
    auto replica = mayUseReplicaRole(m_node);
    if (!replica)
        return replica.error();

    // What each table becomes here, checked for every request before any is added.
    struct Planned
    {
        Captured c;
        QString targetSchema;
        QString targetName;
        QStringList ddl; // --create: the statements that make the destination
        CheckedCondition condition;
        QStringList kept;
        AddTableOptions options;
    };
    QList<Planned> planned;
    for (qsizetype at = 0; at < requests.size(); ++at) {
        const AddTableOptions &options = requests.at(at).options;
        const QList<Captured> &wanted = wantedOf.at(at);
        // Where each table goes here: its own schema and name, or --dest-table
        // (schema-qualified: Ferry's sessions resolve no bare name of the user's).
        Resolved dest;
        if (!options.destTable.isEmpty()) {
            auto resolved = destinationOf(m_node, options.destTable);
            if (!resolved)
                return resolved.error();
            if (!resolved->exists && !options.create && !options.createFull)
                return Error(
                    ErrorKind::Usage,
                    QStringLiteral("destination table %1 does not exist on node %2: create "
                                   "it there first (the root's columns and primary key), or "
                                   "add --create; nothing was added")
                        .arg(displayTableName(m_node, resolved->schema, resolved->name),
                             m_info.name));
            dest = *resolved;
        }
        const auto targetOf = [&](const Captured &c) {
            return options.destTable.isEmpty() ? std::pair(c.schema, c.name)
                                               : std::pair(dest.schema, dest.name);
        };

        // --columns: names as PostgreSQL reads them (unquoted ones fold to lower case).
        QStringList kept;
        for (const QString &raw : options.columns) {
            QString name = raw.trimmed();
            if (name.size() >= 2 && name.startsWith(QLatin1Char('"'))
                && name.endsWith(QLatin1Char('"')))
                name = name.mid(1, name.size() - 2)
                           .replace(QStringLiteral("\"\""), QStringLiteral("\""));
            else
                name = name.toLower();
            if (name.isEmpty())
                return Error(
                    ErrorKind::Usage,
                    QStringLiteral("--columns has an empty name: give them as a,b,c; nothing "
                                   "was added"));
            if (kept.contains(name))
                return Error(
                    ErrorKind::Usage,
                    QStringLiteral("--columns names %1 twice; nothing was added").arg(name));
            kept.append(name);
        }

        // Every target must exist here and be able to take what the root sends.
        for (const Captured &c : wanted) {
            const auto [targetSchema, targetName] = targetOf(c);
            const QString display = displayTableName(m_node, targetSchema, targetName);
            // Several requests at once (the desktop manager's wizard): one
            // table once, one destination for one table.
            for (const Planned &p : std::as_const(planned)) {
                if (p.c.id == c.id)
                    return Error(ErrorKind::Usage,
                                 QStringLiteral("%1 is chosen twice; nothing was added")
                                     .arg(displayTableName(provider, c.schema, c.name)));
                if (p.targetSchema == targetSchema && p.targetName == targetName)
                    return Error(
                        ErrorKind::Usage,
                        QStringLiteral("%1 on node %2 cannot receive both %3 and %4: choose "
                                       "another destination; nothing was added")
                            .arg(display, m_info.name,
                                 displayTableName(provider, p.c.schema, p.c.name),
                                 displayTableName(provider, c.schema, c.name)));
            }
            Planned plan{c, targetSchema, targetName, {}, {}, kept, options};
            if (const int row = subscribed(c); row >= 0) {
                // Added again as it is: nothing to do. Added with another
                // mapping: that would be silently ignored, so it is refused.
                const QString source = displayTableName(m_node, c.schema, c.name);
                const QString now
                    = displayTableName(m_node, existing->text(row, 3), existing->text(row, 4));
                QString differs;
                if (!options.destTable.isEmpty()
                    && (existing->text(row, 3) != targetSchema
                        || existing->text(row, 4) != targetName))
                    differs = QStringLiteral("goes into %1 here").arg(now);
                else if (!options.condition.isEmpty()
                         && existing->text(row, 5) != options.condition.trimmed())
                    differs = existing->text(row, 5).isEmpty()
                                  ? QStringLiteral("is replicated with every row here")
                                  : QStringLiteral("is replicated where %1 here")
                                        .arg(existing->text(row, 5).simplified());
                else if (!kept.isEmpty() && existing->jsonStrings(row, 6) != kept)
                    differs = QStringLiteral("keeps other columns here");
                if (!differs.isEmpty())
                    return Error(
                        ErrorKind::Usage,
                        QStringLiteral("%1 is already added and %2: remove-table it first, "
                                       "then add-table it with the new options (it is "
                                       "copied again); nothing was added")
                            .arg(source, differs));
                outcome.already.append(source);
                continue;
            }
            for (int i = 0; i < existing->rowCount(); ++i) {
                if (existing->text(i, 3) != targetSchema || existing->text(i, 4) != targetName)
                    continue;
                bool live = false;
                for (const Captured &other : *captured)
                    live = live || (!existing->isNull(i, 0) && existing->toInt64(i, 0) == other.id);
                if (live)
                    return Error(ErrorKind::Usage,
                                 QStringLiteral("%1 on node %2 already receives the provider's %3: "
                                                "choose another --dest-table; nothing was added")
                                     .arg(display, m_info.name,
                                          displayTableName(m_node, existing->text(i, 1),
                                                           existing->text(i, 2))));
                return Error(ErrorKind::Usage,
                             QStringLiteral("%1 on node %2 is still subscribed to the provider's "
                                            "earlier table of that name (dropped or removed "
                                            "there): the worker ends that subscription when it "
                                            "reaches the release; add it again once `tables` no "
                                            "longer lists it; nothing was added")
                                 .arg(display, m_info.name));
            }
            const QString sourceDisplay = displayTableName(provider, c.schema, c.name);
            if (!kept.isEmpty()) {
                auto columns = provider.exec(
                    QStringLiteral(
                        "SELECT pg_catalog.array_to_json(ARRAY(SELECT attname FROM "
                        "pg_catalog.pg_attribute WHERE attrelid = $1::pg_catalog.oid AND "
                        "attnum > 0 AND NOT attisdropped))"),
                    {c.oid});
                if (!columns)
                    return columns.error();
                const QStringList sourceColumns = columns->jsonStrings(0, 0);
                for (const QString &k : std::as_const(kept)) {
                    if (!sourceColumns.contains(k))
                        return Error(ErrorKind::Usage,
                                     QStringLiteral("--columns names %1, which %2 on the provider "
                                                    "does not have; nothing was added")
                                         .arg(provider.quoteIdentifier(k), sourceDisplay));
                }
                for (const QString &k : c.keys) {
                    if (!kept.contains(k))
                        return Error(
                            ErrorKind::Usage,
                            QStringLiteral("--columns must keep the primary key of %1 (%2); "
                                           "nothing was added")
                                .arg(sourceDisplay, c.keys.join(QStringLiteral(", "))));
                }
            }
            if (!options.condition.isEmpty()) {
                auto checked = checkConditionOn(provider, provider.quoteQualified(c.schema, c.name),
                                                c.name, options.condition);
                if (!checked)
                    return checked.error();
                plan.condition = *checked;
                // Rows the condition leaves out would break another table's
                // foreign key here, unless the node applies in replica mode.
                if (!replica.value()) {
                    auto referencing = m_node.exec(
                        QStringLiteral(
                            "SELECT con.conrelid::pg_catalog.regclass::pg_catalog.text "
                            "FROM pg_catalog.pg_constraint con WHERE con.contype = 'f' AND "
                            "con.confrelid = pg_catalog.to_regclass($1) AND con.conrelid "
                            "OPERATOR(pg_catalog.<>) con.confrelid ORDER BY 1 LIMIT 1"),
                        {m_node.quoteQualified(targetSchema, targetName)});
                    if (!referencing)
                        return referencing.error();
                    if (referencing->rowCount() > 0)
                        return Error(ErrorKind::Usage,
                                     QStringLiteral(
                                         "--copy-condition on %1: %2's foreign key references it, "
                                         "and rows the condition leaves out would break it (this "
                                         "node's role may not use session_replication_role); drop "
                                         "that key here or apply as a role that may; nothing was "
                                         "added")
                                         .arg(displayTableName(m_node, targetSchema, targetName),
                                              referencing->text(0, 0)));
                }
            }
            auto there
                = m_node.exec(QStringLiteral("SELECT pg_catalog.to_regclass($1) IS NOT NULL"),
                              {m_node.quoteQualified(targetSchema, targetName)});
            if (!there)
                return there.error();
            if (!there->toBool(0, 0) && (options.create || options.createFull)) {
                // Made from the provider's definition below, in the same transaction.
                auto ddl = createTableSql(m_node, provider, c, targetSchema, targetName, kept,
                                          options.createFull, outcome.skipped);
                if (!ddl)
                    return ddl.error();
                plan.ddl = *ddl;
            } else if (auto r = checkLeafTable(m_node, provider, c, targetSchema, targetName,
                                               m_info.name, replica.value(), kept);
                       !r) {
                return r.error();
            }
            planned.append(plan);
        }
    }

    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    bool toCopy = false;
    for (const Planned &p : std::as_const(planned)) {
        const Captured &c = p.c;
        const QString &targetSchema = p.targetSchema;
        const QString &targetName = p.targetName;
        const AddTableOptions &options = p.options;
        toCopy = toCopy || !options.expectSync;
        for (const QString &statement : p.ddl) {
            if (auto r = m_node.exec(statement); !r)
                return Error(r.error()).withContext(
                    QStringLiteral("creating %1 on node %2 (--create); nothing was added")
                        .arg(displayTableName(m_node, targetSchema, targetName), m_info.name));
        }
        // --expect-sync: ok at once; its events apply from the node's next batch on.
        if (auto r = m_node.exec(
                QStringLiteral("INSERT INTO ferry.node_table (queue_name, source_table_id, "
                               "source_schema, source_name, dest_schema, dest_name, "
                               "row_condition, column_list, skip_truncate, merge_state, "
                               "condition_columns, condition_types) VALUES "
                               "($1, $2, $3, $4, $5, $6, NULLIF($7, ''), "
                               "(SELECT pg_catalog.array_agg(c) FROM "
                               "pg_catalog.json_array_elements_text($8::pg_catalog.json) c), $9, "
                               "$10, (SELECT COALESCE(pg_catalog.array_agg(c), '{}') FROM "
                               "pg_catalog.json_array_elements_text($11::pg_catalog.json) c), "
                               "(SELECT COALESCE(pg_catalog.array_agg(c), '{}') FROM "
                               "pg_catalog.json_array_elements_text($12::pg_catalog.json) c))"),
                {m_info.queue, c.id, c.schema, c.name, targetSchema, targetName,
                 options.condition.trimmed(), jsonList(p.kept), options.skipTruncate,
                 options.expectSync ? QStringLiteral("ok") : QStringLiteral("in-copy"),
                 jsonList(p.condition.columns), jsonList(p.condition.types)});
            !r)
            return r.error();
        if (auto r = m_node.exec(QStringLiteral("SELECT ferry.deny_table($1::text::regclass)"),
                                 {m_node.quoteQualified(targetSchema, targetName)});
            !r)
            return r.error();
        const QString source = displayTableName(m_node, c.schema, c.name);
        const QString target = displayTableName(m_node, targetSchema, targetName);
        QString added = source == target ? source : QStringLiteral("%1 as %2").arg(source, target);
        if (!p.ddl.isEmpty())
            added += QStringLiteral(" (created)");
        if (!options.condition.isEmpty())
            added += QStringLiteral(" where %1").arg(options.condition.simplified());
        if (options.expectSync)
            added += QStringLiteral(" (in sync, not copied)");
        outcome.added.append(added);
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    // An idle worker waits for the provider's next tick, up to loop_delay; a
    // tick now (its NOTIFY) starts the copies at once. Without it the worker
    // finds them at its next round, so a failure changes nothing.
    if (toCopy)
        (void)provider.exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {m_info.queue});
    return outcome;
}

Result<QList<NodeTable>>
TableRegistry::choose(const QStringList &names, const QString &command, const QString &nothingDone)
{
    if (names.isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("%1 needs table names").arg(command));
    auto tables = list();
    if (!tables)
        return tables.error();
    // "schema.table" or a bare name, of the provider's table or of the one
    // it goes into here.
    const auto namesOf = [this](const QString &schema, const QString &name) {
        return QStringList{displayTableName(m_node, schema, name), schema + QLatin1Char('.') + name,
                           name, m_node.quoteQualified(schema, name)};
    };
    QList<NodeTable> chosen;
    for (const QString &name : names) {
        const NodeTable *match = nullptr;
        int matches = 0;
        for (const NodeTable &t : *tables) {
            if (namesOf(t.sourceSchema, t.sourceName).contains(name)
                || namesOf(t.destSchema, t.destName).contains(name)) {
                match = &t;
                ++matches;
            }
        }
        if (matches == 0)
            return Error(
                ErrorKind::Usage,
                QStringLiteral("node %1 does not replicate a table %2 ('ferry CONFIG.ini tables' "
                               "lists those it does); %3")
                    .arg(m_info.name, name, nothingDone));
        if (matches > 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 names more than one table of node %2: add the schema")
                             .arg(name, m_info.name));
        chosen.append(*match);
    }
    return chosen;
}

Result<void> forgetHeldEvents(Connection &node, const QString &queue, int sourceTableId)
{
    if (sourceTableId == 0)
        return {};
    // A node whose schema is older than version 8 holds nothing.
    auto r = node.exec(
        QStringLiteral("DO $ferry$ BEGIN IF pg_catalog.to_regclass('ferry.held_event') IS NOT NULL "
                       "THEN DELETE FROM ferry.held_event WHERE queue_name = %1 AND "
                       "source_table_id = %2; END IF; END $ferry$")
            .arg(node.quoteLiteral(queue))
            .arg(sourceTableId));
    if (!r)
        return r.error();
    return {};
}

Result<QStringList> TableRegistry::resync(const QStringList &names)
{
    if (m_info.type == NodeType::Root)
        return Error(ErrorKind::Usage,
                     QStringLiteral("resync is for a leaf: the root's tables are the source"));
    auto chosen = choose(names, QStringLiteral("resync"), QStringLiteral("nothing was resynced"));
    if (!chosen)
        return chosen.error();
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    QStringList done;
    for (const NodeTable &t : *chosen) {
        // Back to in-copy, as add-table leaves a table: the worker's next
        // round empties it, copies it under a new snapshot and catches up.
        if (auto r = m_node.exec(QStringLiteral("UPDATE ferry.node_table SET merge_state = "
                                                "'in-copy', copy_snapshot = NULL, copied_rows = "
                                                "NULL, last_error = NULL WHERE queue_name = $1 "
                                                "AND dest_schema = $2 AND dest_name = $3"),
                                 {m_info.queue, t.destSchema, t.destName});
            !r)
            return r.error();
        if (auto r = forgetHeldEvents(m_node, m_info.queue, t.sourceTableId); !r)
            return r.error();
        done.append(displayTableName(m_node, t.destSchema, t.destName));
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return done;
}

Result<QStringList> TableRegistry::remove(const QStringList &names)
{
    auto chosen
        = choose(names, QStringLiteral("remove-table"), QStringLiteral("nothing was removed"));
    if (!chosen)
        return chosen.error();
    const QList<NodeTable> &chosenTables = *chosen;
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    QStringList removed;
    for (const NodeTable &t : chosenTables) {
        const QString qualified = m_node.quoteQualified(t.sourceSchema, t.sourceName);
        if (m_info.type == NodeType::Root) {
            if (auto r = QueueAdmin(m_node).releaseTable(m_info.queue, qualified); !r)
                return r.error();
        } else {
            // By the destination, which is one table (names of the source
            // may repeat while an earlier table's release is on its way).
            if (auto r = m_node.exec(QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name "
                                                    "= $1 AND dest_schema = $2 AND dest_name = $3"),
                                     {m_info.queue, t.destSchema, t.destName});
                !r)
                return r.error();
            if (auto r = forgetHeldEvents(m_node, m_info.queue, t.sourceTableId); !r)
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
            t.sourceTableId = c.id;
            t.sourceSchema = t.destSchema = c.schema;
            t.sourceName = t.destName = c.name;
            t.mergeState = QStringLiteral("ok");
            out.append(t);
        }
        return out;
    }
    auto r
        = m_node.exec(QStringLiteral("SELECT source_schema, source_name, dest_schema, dest_name, "
                                     "merge_state, copy_snapshot, copied_rows, last_error, "
                                     "source_table_id, row_condition, "
                                     "pg_catalog.array_to_json(column_list), skip_truncate, "
                                     "pg_catalog.array_to_json(condition_columns), "
                                     "pg_catalog.array_to_json(condition_types) "
                                     "FROM ferry.node_table WHERE queue_name = $1 ORDER BY 1, 2"),
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
        t.sourceTableId = r->isNull(i, 8) ? 0 : int(r->toInt64(i, 8));
        t.condition = r->text(i, 9);
        t.columns = r->isNull(i, 10) ? QStringList() : r->jsonStrings(i, 10);
        t.skipTruncate = r->toBool(i, 11);
        t.conditionColumns = r->isNull(i, 12) ? QStringList() : r->jsonStrings(i, 12);
        t.conditionTypes = r->isNull(i, 13) ? QStringList() : r->jsonStrings(i, 13);
        out.append(t);
    }
    return out;
}

Result<void> TableRegistry::syncSources(Connection &node,
                                        const QString &queue,
                                        const QHash<int, TableMapping> &source,
                                        QList<NodeTable> &tables)
{
    for (qsizetype i = 0; i < tables.size(); ++i) {
        NodeTable &t = tables[i];
        if (t.sourceTableId != 0) {
            // The provider renamed the table (or moved it): record its name.
            const auto found = source.constFind(t.sourceTableId);
            if (found == source.cend()
                || (found->sourceSchema == t.sourceSchema && found->sourceName == t.sourceName))
                continue;
            if (auto r
                = node.exec(QStringLiteral("UPDATE ferry.node_table SET source_schema = "
                                           "$3, source_name = $4 WHERE queue_name = $1 "
                                           "AND source_table_id = $2"),
                            {queue, t.sourceTableId, found->sourceSchema, found->sourceName});
                !r)
                return r.error();
            t.sourceSchema = found->sourceSchema;
            t.sourceName = found->sourceName;
            continue;
        }
        // Subscribed before schema 6: matched by name, as the worker did then.
        const TableMapping *captured = nullptr;
        const TableMapping *released = nullptr;
        for (const TableMapping &c : source) {
            if (c.sourceSchema != t.sourceSchema || c.sourceName != t.sourceName)
                continue;
            if (c.captured)
                captured = &c;
            else if (!released || c.sourceTableId > released->sourceTableId)
                released = &c;
        }
        if (captured) {
            if (auto r = node.exec(QStringLiteral("UPDATE ferry.node_table SET source_table_id = "
                                                  "$4 WHERE queue_name = $1 AND source_schema = "
                                                  "$2 AND source_name = $3 AND source_table_id IS "
                                                  "NULL"),
                                   {queue, t.sourceSchema, t.sourceName, captured->sourceTableId});
                !r)
                return r.error();
            t.sourceTableId = captured->sourceTableId;
            continue;
        }
        const QString display = displayTableName(node, t.sourceSchema, t.sourceName);
        if (released) {
            // Released by the provider before this Ferry wrote release
            // events: the subscription ends here, as a release would end it.
            if (auto r = node.exec(QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name "
                                                  "= $1 AND source_schema = $2 AND source_name = "
                                                  "$3 AND source_table_id IS NULL"),
                                   {queue, t.sourceSchema, t.sourceName});
                !r)
                return r.error();
            (void)node.exec(QStringLiteral("SELECT ferry.allow_table(pg_catalog.to_regclass($1)) "
                                           "WHERE pg_catalog.to_regclass($1) IS NOT NULL"),
                            {node.quoteQualified(t.destSchema, t.destName)});
            qCWarning(lcCore).noquote()
                << QStringLiteral("table %1 was removed from replication on the provider: this "
                                  "node no longer replicates it, its rows stay; add-table it here "
                                  "again once the provider replicates it again")
                       .arg(display);
            tables.removeAt(i--);
            continue;
        }
        // Nothing of that name on the provider: shown as an error, never ok.
        const QString why = QStringLiteral("the provider replicates no table %1: remove-table it "
                                           "here")
                                .arg(display);
        if (t.lastError != why) {
            if (auto r = node.exec(QStringLiteral("UPDATE ferry.node_table SET last_error = $4 "
                                                  "WHERE queue_name = $1 AND source_schema = $2 "
                                                  "AND source_name = $3 AND source_table_id IS "
                                                  "NULL"),
                                   {queue, t.sourceSchema, t.sourceName, why});
                !r)
                return r.error();
            t.lastError = why;
        }
    }
    return {};
}

QHash<int, TableMapping> TableRegistry::appliedMappings(const QHash<int, TableMapping> &source,
                                                        const QList<NodeTable> &tables)
{
    QHash<int, TableMapping> out;
    for (const NodeTable &t : tables) {
        const auto found = source.constFind(t.sourceTableId);
        if (t.sourceTableId == 0 || found == source.cend())
            continue;
        TableMapping mapped = *found;
        mapped.targetSchema = t.destSchema;
        mapped.targetName = t.destName;
        mapped.inCopy = t.mergeState == QLatin1String("in-copy");
        mapped.condition = t.condition;
        mapped.conditionColumns = t.conditionColumns;
        mapped.conditionTypes = t.conditionTypes;
        mapped.columns = t.columns;
        if (t.mergeState == QLatin1String("catching-up"))
            mapped.skipSeenBy = Snapshot::parse(t.copySnapshot);
        out.insert(mapped.sourceTableId, mapped);
    }
    return out;
}

} // namespace ferry
