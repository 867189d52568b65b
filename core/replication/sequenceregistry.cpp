#include "sequenceregistry.h"

#include "db/transaction.h"
#include "queue/schemainstaller.h"
#include "replication/tableregistry.h"

#include <QRegularExpression>

namespace ferry {

namespace {

// A sequence on the root as add-seq finds it.
struct RootSequence
{
    QString oid;
    QString schema;
    QString name;
};

// A user's name as PostgreSQL reads it (quotes, case): one part or two.
Result<QStringList> nameParts(Connection &db, const QString &name)
{
    auto r = db.exec(QStringLiteral("SELECT array_to_json(pg_catalog.parse_ident($1))"), {name});
    const QStringList parts = r ? r->jsonStrings(0, 0) : QStringList();
    if (parts.isEmpty() || parts.size() > 2)
        return Error(ErrorKind::Usage,
                     QStringLiteral("'%1' is not a sequence name: give SCHEMA.SEQUENCE or "
                                    "SEQUENCE; nothing was done")
                         .arg(name));
    return parts;
}

// Whether `parts` (one or two) names schema.name.
bool sameName(const QStringList &parts, const QString &schema, const QString &name)
{
    return parts.size() == 1 ? parts.at(0) == name : parts.at(0) == schema && parts.at(1) == name;
}

const QString kUserSchemas = QStringLiteral(
    "n.nspname <> 'ferry' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'");

// A name as a GRANT takes it: plain names plain, odd ones quoted (as
// displayTableName does for schema.table).
QString sqlName(const Connection &db, const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_$]*$"));
    return plain.match(name).hasMatch() ? name : db.quoteIdentifier(name);
}

// This session's role as a GRANT names it (quoted only where needed).
Result<QString> currentRole(Connection &db)
{
    auto r = db.exec(QStringLiteral("SELECT pg_catalog.quote_ident(current_user)"));
    if (!r)
        return r.error();
    return r->text(0, 0);
}

// Whether this database has Ferry's sequence tables (schema 8): a node made
// by an older Ferry has none until its worker or add-seq brings it up.
Result<bool> hasSequenceSchema(Connection &db, const char *table)
{
    auto r = db.exec(QStringLiteral("SELECT pg_catalog.to_regclass($1) IS NOT NULL"),
                     {QStringLiteral("ferry.") + QLatin1String(table)});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

std::optional<qint64> optionalInt(const QueryResult &r, int row, int column)
{
    if (r.isNull(row, column))
        return std::nullopt;
    return r.toInt64(row, column);
}

} // namespace

SequenceRegistry::SequenceRegistry(Connection &node, NodeInfo info)
    : m_node(node)
    , m_info(std::move(info))
{}

Result<AddSequencesOutcome>
SequenceRegistry::add(const QStringList &names, bool all, Connection *provider)
{
    if (names.isEmpty() && !all)
        return Error(ErrorKind::Usage, QStringLiteral("add-seq needs sequence names or --all"));
    for (const QString &name : names) {
        if (name.contains(QLatin1Char('*')) || name.contains(QLatin1Char('?')))
            return Error(ErrorKind::Usage,
                         QStringLiteral("add-seq takes no patterns (%1): name the sequences, or "
                                        "use --all; nothing was added")
                             .arg(name));
    }
    if (m_info.type == NodeType::Root)
        return addOnRoot(names, all);
    Q_ASSERT(provider);
    return addOnLeaf(names, all, *provider);
}

Result<AddSequencesOutcome> SequenceRegistry::addOnRoot(const QStringList &names, bool all)
{
    // The root's schema is the one this Ferry knows (it may predate sequences).
    if (auto r = SchemaInstaller::install(m_node); !r)
        return r.error();
    auto role = currentRole(m_node);
    if (!role)
        return role.error();
    AddSequencesOutcome outcome;
    QList<RootSequence> wanted;
    const auto want = [&wanted](const RootSequence &s) {
        for (const RootSequence &w : std::as_const(wanted)) {
            if (w.oid == s.oid)
                return;
        }
        wanted.append(s);
    };
    if (all) {
        auto r = m_node.exec(
            QStringLiteral("SELECT c.oid, n.nspname, c.relname, pg_catalog.has_sequence_privilege("
                           "c.oid, 'SELECT'), pg_catalog.has_schema_privilege(n.oid, 'USAGE') "
                           "FROM pg_catalog.pg_class c JOIN "
                           "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = "
                           "'S' AND c.relpersistence <> 't' AND %1 ORDER BY 2, 3")
                .arg(kUserSchemas));
        if (!r)
            return r.error();
        for (int i = 0; i < r->rowCount(); ++i) {
            const QString display = displayTableName(m_node, r->text(i, 1), r->text(i, 2));
            if (!r->toBool(i, 4))
                outcome.skipped.append(
                    QStringLiteral("%1: role %2 may not use its schema (GRANT USAGE ON SCHEMA %3 "
                                   "TO %2)")
                        .arg(display, *role, sqlName(m_node, r->text(i, 1))));
            else if (!r->toBool(i, 3))
                outcome.skipped.append(
                    QStringLiteral("%1: role %2 may not read it (GRANT SELECT ON SEQUENCE %1 TO "
                                   "%2)")
                        .arg(display, *role));
            else
                want({r->text(i, 0), r->text(i, 1), r->text(i, 2)});
        }
    }
    for (const QString &name : names) {
        auto parts = nameParts(m_node, name);
        if (!parts)
            return parts.error();
        // A bare name is looked for among sequences outside the system's
        // schemas (Ferry's sessions resolve no name by a search_path).
        auto r = m_node.exec(
            QStringLiteral("SELECT c.oid, n.nspname, c.relname, c.relkind, CASE WHEN c.relkind = "
                           "'S' THEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT') END, "
                           "pg_catalog.has_schema_privilege(n.oid, 'USAGE') FROM "
                           "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                           "c.relnamespace WHERE c.relname = $2 AND CASE WHEN $1::text IS NULL "
                           "THEN c.relkind = 'S' AND %1 ELSE n.nspname = $1 END ORDER BY 2")
                .arg(kUserSchemas),
            {parts->size() == 2 ? QVariant(parts->at(0)) : QVariant(), parts->last()});
        if (!r)
            return r.error();
        if (r->rowCount() == 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("sequence %1 does not exist on root %2 (%3): nothing was "
                                        "added")
                             .arg(name, m_info.name, m_node.displayName()));
        if (r->rowCount() > 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("sequence name %1 is in several schemas (%2): add the "
                                        "schema; nothing was added")
                             .arg(name, r->column(1).join(QStringLiteral(", "))));
        const QString display = displayTableName(m_node, r->text(0, 1), r->text(0, 2));
        if (r->text(0, 3) != QLatin1String("S"))
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 is not a sequence (add-table replicates tables); "
                                        "nothing was added")
                             .arg(display));
        // The leaves read its value through the root's role: it must be able to.
        if (!r->toBool(0, 5))
            return Error(ErrorKind::Usage,
                         QStringLiteral("role %2 may not use schema %3 of sequence %1: GRANT USAGE "
                                        "ON SCHEMA %3 TO %2; nothing was added")
                             .arg(display, *role, sqlName(m_node, r->text(0, 1))));
        if (!r->toBool(0, 4))
            return Error(ErrorKind::Usage,
                         QStringLiteral("role %2 may not read sequence %1: GRANT SELECT ON "
                                        "SEQUENCE %1 TO %2; nothing was added")
                             .arg(display, *role));
        want({r->text(0, 0), r->text(0, 1), r->text(0, 2)});
    }

    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    auto queue = m_node.exec(QStringLiteral("SELECT queue_id FROM ferry.queue WHERE queue_name = "
                                            "$1 FOR UPDATE"),
                             {m_info.queue});
    if (!queue)
        return queue.error();
    if (queue->rowCount() == 0)
        return Error(
            ErrorKind::Config,
            QStringLiteral("queue %1 does not exist on root %2").arg(m_info.queue, m_info.name));
    const qint64 queueId = queue->toInt64(0, 0);
    // The names kept for each sequence are its current ones (a renamed one
    // is found by its new name; a dropped one keeps the last it had).
    if (auto r = m_node.exec(
            QStringLiteral("UPDATE ferry.queue_sequence s SET schema_name = n.nspname, seq_name "
                           "= c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE s.queue_id = $1 AND c.oid = s.seq_oid "
                           "AND c.relkind = 'S' AND (s.schema_name, s.seq_name) IS DISTINCT FROM "
                           "(n.nspname::text, c.relname::text)"),
            {queueId});
        !r)
        return r.error();
    for (const RootSequence &s : std::as_const(wanted)) {
        const QString display = displayTableName(m_node, s.schema, s.name);
        auto known = m_node.exec(QStringLiteral("SELECT 1 FROM ferry.queue_sequence WHERE "
                                                "queue_id = $1 AND seq_oid = $2::pg_catalog.oid"),
                                 {queueId, s.oid});
        if (!known)
            return known.error();
        if (known->rowCount() > 0) {
            outcome.already.append(display);
            continue;
        }
        // A sequence made again under the name of one that was dropped takes
        // its place, so the leaves that follow it go on following.
        auto again = m_node.exec(
            QStringLiteral("UPDATE ferry.queue_sequence s SET seq_oid = $4::pg_catalog.oid, "
                           "added_at = now() WHERE s.queue_id = $1 AND s.schema_name = $2 AND "
                           "s.seq_name = $3 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
                           "WHERE c.oid = s.seq_oid AND c.relkind = 'S')"),
            {queueId, s.schema, s.name, s.oid});
        if (!again)
            return again.error();
        if (again->affectedRows() == 0) {
            if (auto r = m_node.exec(QStringLiteral("INSERT INTO ferry.queue_sequence (queue_id, "
                                                    "seq_oid, schema_name, seq_name) VALUES ($1, "
                                                    "$2::pg_catalog.oid, $3, $4)"),
                                     {queueId, s.oid, s.schema, s.name});
                !r)
                return r.error();
        }
        outcome.added.append(display);
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return outcome;
}

Result<AddSequencesOutcome>
SequenceRegistry::addOnLeaf(const QStringList &names, bool all, Connection &provider)
{
    auto onRoot = provider.exec(QStringLiteral("SELECT seq_id, schema_name, seq_name, problem FROM "
                                               "ferry.sequence_values($1)"),
                                {m_info.queue});
    if (!onRoot && onRoot.error().sqlState() == QLatin1String("42883"))
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 replicates no sequences: run add-seq with the root's "
                                    "config first; nothing was added")
                         .arg(m_info.providerNode));
    if (!onRoot)
        return onRoot.error();
    struct Offered
    {
        int id;
        QString schema;
        QString name;
        bool dropped;
    };
    QList<Offered> offered;
    for (int i = 0; i < onRoot->rowCount(); ++i)
        offered.append({int(onRoot->toInt64(i, 0)), onRoot->text(i, 1), onRoot->text(i, 2),
                        onRoot->text(i, 3) == QLatin1String("missing")});
    AddSequencesOutcome outcome;
    QList<Offered> wanted;
    const auto want = [&wanted](const Offered &o) {
        for (const Offered &w : std::as_const(wanted)) {
            if (w.id == o.id)
                return;
        }
        wanted.append(o);
    };
    if (all) {
        for (const Offered &o : std::as_const(offered)) {
            if (o.dropped)
                outcome.skipped.append(QStringLiteral("%1: dropped on the root")
                                           .arg(displayTableName(m_node, o.schema, o.name)));
            else
                want(o);
        }
    }
    for (const QString &name : names) {
        auto parts = nameParts(m_node, name);
        if (!parts)
            return parts.error();
        QList<Offered> matches;
        for (const Offered &o : std::as_const(offered)) {
            if (sameName(*parts, o.schema, o.name))
                matches.append(o);
        }
        if (matches.isEmpty())
            return Error(ErrorKind::Usage,
                         QStringLiteral("sequence %1 is not replicated by %2: run add-seq %1 with "
                                        "the root's config first; nothing was added")
                             .arg(name, m_info.providerNode));
        if (matches.size() > 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("sequence name %1 is in several schemas on the root: add "
                                        "the schema; nothing was added")
                             .arg(name));
        want(matches.first());
    }

    // Ferry's schema here is the one this Ferry knows.
    if (auto r = SchemaInstaller::install(m_node); !r)
        return r.error();
    auto role = currentRole(m_node);
    if (!role)
        return role.error();
    auto existing = m_node.exec(
        QStringLiteral("SELECT source_seq_id FROM ferry.node_sequence WHERE queue_name = $1"),
        {m_info.queue});
    if (!existing)
        return existing.error();
    const QStringList subscribed = existing->column(0);

    // Each must exist here, and this node's role must be able to set it:
    // said now, not by a worker that cannot.
    QList<Offered> toAdd;
    for (const Offered &o : std::as_const(wanted)) {
        const QString display = displayTableName(m_node, o.schema, o.name);
        if (subscribed.contains(QString::number(o.id))) {
            outcome.already.append(display);
            continue;
        }
        auto here = m_node.exec(
            QStringLiteral("SELECT c.relkind, CASE WHEN c.relkind = 'S' THEN "
                           "pg_catalog.has_sequence_privilege(c.oid, 'SELECT') AND "
                           "pg_catalog.has_sequence_privilege(c.oid, 'UPDATE') END, "
                           "pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE') FROM "
                           "pg_catalog.pg_class c WHERE c.oid = ferry._relation($1, $2)"),
            {o.schema, o.name});
        if (!here)
            return here.error();
        if (here->rowCount() == 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("sequence %1 does not exist on node %2: create it there "
                                        "(CREATE SEQUENCE %1), then add-seq it; nothing was added")
                             .arg(display, m_info.name));
        if (here->text(0, 0) != QLatin1String("S"))
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 on node %2 is not a sequence; nothing was added")
                             .arg(display, m_info.name));
        if (!here->toBool(0, 2))
            return Error(ErrorKind::Usage,
                         QStringLiteral("role %3 may not use schema %4 on node %2, which holds "
                                        "sequence %1: GRANT USAGE ON SCHEMA %4 TO %3; nothing was "
                                        "added")
                             .arg(display, m_info.name, *role, sqlName(m_node, o.schema)));
        if (!here->toBool(0, 1))
            return Error(ErrorKind::Usage,
                         QStringLiteral("role %3 may not set sequence %1 on node %2: GRANT "
                                        "SELECT, UPDATE ON SEQUENCE %1 TO %3; nothing was added")
                             .arg(display, m_info.name, *role));
        toAdd.append(o);
    }

    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    for (const Offered &o : std::as_const(toAdd)) {
        if (auto r = m_node.exec(QStringLiteral("INSERT INTO ferry.node_sequence (queue_name, "
                                                "source_seq_id, source_schema, source_name, "
                                                "dest_schema, dest_name) VALUES ($1, $2, $3, $4, "
                                                "$3, $4)"),
                                 {m_info.queue, o.id, o.schema, o.name});
            !r)
            return r.error();
        outcome.added.append(displayTableName(m_node, o.schema, o.name));
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return outcome;
}

Result<QStringList> SequenceRegistry::remove(const QStringList &names)
{
    if (names.isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("remove-seq needs sequence names"));
    auto sequences = list();
    if (!sequences)
        return sequences.error();
    QList<NodeSequence> chosen;
    for (const QString &name : names) {
        auto parts = nameParts(m_node, name);
        if (!parts)
            return parts.error();
        QList<NodeSequence> matches;
        for (const NodeSequence &s : std::as_const(*sequences)) {
            if (sameName(*parts, s.sourceSchema, s.sourceName)
                || sameName(*parts, s.destSchema, s.destName))
                matches.append(s);
        }
        if (matches.isEmpty())
            return Error(
                ErrorKind::Usage,
                QStringLiteral("node %1 does not replicate a sequence %2 ('ferry CONFIG.ini seqs' "
                               "lists those it does); nothing was removed")
                    .arg(m_info.name, name));
        if (matches.size() > 1)
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 names more than one sequence of node %2: add the "
                                        "schema; nothing was removed")
                             .arg(name, m_info.name));
        chosen.append(matches.first());
    }
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    QStringList removed;
    for (const NodeSequence &s : std::as_const(chosen)) {
        // Only the record: the sequence and its value stay as they are.
        auto r = m_info.type == NodeType::Root
                     ? m_node.exec(QStringLiteral("DELETE FROM ferry.queue_sequence WHERE seq_id "
                                                  "= $1"),
                                   {s.sourceSeqId})
                     : m_node.exec(QStringLiteral("DELETE FROM ferry.node_sequence WHERE "
                                                  "queue_name = $1 AND source_seq_id = $2"),
                                   {m_info.queue, s.sourceSeqId});
        if (!r)
            return r.error();
        removed.append(displayTableName(m_node, s.destSchema, s.destName));
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return removed;
}

Result<QList<NodeSequence>> SequenceRegistry::list()
{
    QList<NodeSequence> out;
    const bool root = m_info.type == NodeType::Root;
    auto present = hasSequenceSchema(m_node, root ? "queue_sequence" : "node_sequence");
    if (!present)
        return present.error();
    if (!present.value())
        return out;
    if (root) {
        auto r = m_node.exec(QStringLiteral("SELECT seq_id, schema_name, seq_name, last_value, "
                                            "problem FROM ferry.sequence_values($1)"),
                             {m_info.queue});
        if (!r)
            return r.error();
        for (int i = 0; i < r->rowCount(); ++i) {
            NodeSequence s;
            s.sourceSeqId = int(r->toInt64(i, 0));
            s.sourceSchema = s.destSchema = r->text(i, 1);
            s.sourceName = s.destName = r->text(i, 2);
            s.rootValue = s.nodeValue = optionalInt(*r, i, 3);
            s.rootRead = true;
            // The root's own problems read as a leaf would name them.
            if (!r->isNull(i, 4))
                s.problem = QStringLiteral("root-") + r->text(i, 4);
            out.append(s);
        }
        return out;
    }
    // The root's value as the worker last read it; this node's, now; behind
    // as advance_sequences() judges it.
    auto r = m_node.exec(
        QStringLiteral(
            "SELECT ns.source_seq_id, ns.source_schema, ns.source_name, "
            "ns.dest_schema, ns.dest_name, ns.root_value, ns.root_read_at IS NOT "
            "NULL, coalesce(p.problem, ns.problem), CASE WHEN p.is_called THEN "
            "p.last_value END, coalesce(CASE WHEN p.increment > 0 THEN ns.root_value "
            "> p.last_value ELSE ns.root_value < p.last_value END OR (NOT p.is_called "
            "AND ns.root_value = p.last_value), false) FROM ferry.node_sequence ns "
            "CROSS JOIN LATERAL ferry._sequence_position(ferry._relation(ns.dest_schema, "
            "ns.dest_name)) p WHERE "
            "ns.queue_name = $1 ORDER BY ns.dest_schema, ns.dest_name"),
        {m_info.queue});
    if (!r)
        return r.error();
    for (int i = 0; i < r->rowCount(); ++i) {
        NodeSequence s;
        s.sourceSeqId = int(r->toInt64(i, 0));
        s.sourceSchema = r->text(i, 1);
        s.sourceName = r->text(i, 2);
        s.destSchema = r->text(i, 3);
        s.destName = r->text(i, 4);
        s.rootValue = optionalInt(*r, i, 5);
        s.rootRead = r->toBool(i, 6);
        s.problem = r->text(i, 7);
        s.nodeValue = optionalInt(*r, i, 8);
        s.behind = r->toBool(i, 9);
        out.append(s);
    }
    return out;
}

QString SequenceRegistry::problemText(const Connection &db,
                                      const NodeSequence &s,
                                      const QString &nodeName,
                                      const QString &role)
{
    const QString name = displayTableName(db, s.destSchema, s.destName);
    const QString roleName = role.isEmpty() ? QStringLiteral("its role") : role;
    const QString &p = s.problem;
    if (p.isEmpty())
        return {};
    if (p == QLatin1String("gone-from-root"))
        return QStringLiteral("the root no longer replicates sequence %1: remove-seq %1 here (and "
                              "add-seq it again once the root replicates it again)")
            .arg(name);
    if (p == QLatin1String("root-missing"))
        return QStringLiteral("sequence %1 was dropped on the root: create it there again and "
                              "add-seq it with the root's config, or remove-seq %1 on the root and "
                              "here")
            .arg(name);
    if (p == QLatin1String("root-unreadable"))
        return QStringLiteral("the role that reads the root may not read sequence %1 there: GRANT "
                              "SELECT ON SEQUENCE %1 TO that role on the root")
            .arg(displayTableName(db, s.sourceSchema, s.sourceName));
    if (p == QLatin1String("root-no-schema-usage"))
        return QStringLiteral(
                   "the role that reads the root may not use schema %1 there, which "
                   "holds sequence %2: GRANT USAGE ON SCHEMA %1 TO that role on the root")
            .arg(sqlName(db, s.sourceSchema), displayTableName(db, s.sourceSchema, s.sourceName));
    if (p == QLatin1String("no-schema-usage"))
        return QStringLiteral("role %3 may not use schema %4 on node %2, which holds sequence %1: "
                              "GRANT USAGE ON SCHEMA %4 TO %3")
            .arg(name, nodeName, roleName, sqlName(db, s.destSchema));
    if (p == QLatin1String("missing"))
        return QStringLiteral("sequence %1 does not exist on node %2: create it there (CREATE "
                              "SEQUENCE %1), or remove-seq %1")
            .arg(name, nodeName);
    if (p == QLatin1String("unreadable") || p == QLatin1String("not-updatable"))
        return QStringLiteral("role %3 may not set sequence %1 on node %2: GRANT SELECT, UPDATE ON "
                              "SEQUENCE %1 TO %3")
            .arg(name, nodeName, roleName);
    if (p == QLatin1String("out-of-range"))
        return QStringLiteral("the root's value %3 is outside the range of sequence %1 on node %2: "
                              "widen it there (ALTER SEQUENCE %1 AS bigint NO MAXVALUE NO "
                              "MINVALUE)")
            .arg(name, nodeName, s.rootValue ? QString::number(*s.rootValue) : QStringLiteral("?"));
    return QStringLiteral("sequence %1: %2").arg(name, p);
}

} // namespace ferry
