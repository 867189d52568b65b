#include "scriptexecute.h"

#include "cascade/node.h"
#include "db/transaction.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>

namespace ferry {

QString ScriptFile::sha256() const
{
    return QString::fromLatin1(QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex());
}

Result<NodeInfo> requireRoot(Connection &db, const QString &queue)
{
    auto node = requireNode(db, queue);
    if (!node)
        return node.error();
    if (node->type != NodeType::Root)
        return Error(ErrorKind::Usage,
                     QStringLiteral("Node is not root node: '%1' is a %2; run execute with the "
                                    "root's configuration (ferry ROOT.ini execute FILE)")
                         .arg(node->name, nodeTypeName(node->type)));
    return node;
}

Result<std::optional<QString>>
earlierRun(Connection &root, const QString &queue, const ScriptFile &file)
{
    auto before = root.exec(
        QStringLiteral("SELECT pg_catalog.to_char(executed_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                       "executed_by, ev_id FROM ferry.executed_script WHERE queue_name = $1 "
                       "AND name = $2 AND sha256 = $3 ORDER BY ev_id DESC LIMIT 1"),
        {queue, file.name, file.sha256()});
    if (!before)
        return before.error();
    if (before->rowCount() == 0)
        return std::optional<QString>();
    return std::optional<QString>(
        QStringLiteral("%1 with the same content ran on the root at %2 by %3 (event %4)")
            .arg(file.name, before->text(0, 0), before->text(0, 1), before->text(0, 2)));
}

namespace {

// R5: a byte that is not UTF-8 would reach the root and every node as
// U+FFFD, changing what the script says.
Result<void> checkUtf8(const ScriptFile &file)
{
    const QList<QByteArray> lines = file.raw.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = utf8.decode(lines.at(i));
        if (utf8.hasError())
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1, line %2: not UTF-8 text; save the file as UTF-8 "
                                        "(nothing was run nor queued)")
                             .arg(file.name, QString::number(i + 1)));
    }
    return {};
}

// ACCESS EXCLUSIVE on the root's replicated tables the script names (as
// the tokenizer finds them; a script the nodes will refuse locks what it
// can name for sure).
Result<void> lockNamedTables(Connection &root,
                             const QList<ScriptStatement> &statements,
                             const QString &tablesJson)
{
    QList<ScriptTable> tables;
    for (const QJsonValue &v : QJsonDocument::fromJson(tablesJson.toUtf8()).array()) {
        const QJsonArray t = v.toArray();
        const QString schema = t.at(0).toString();
        const QString name = t.at(1).toString();
        tables.append({schema, name, schema, name});
    }
    QStringList names;
    for (const ScriptStatement &statement : statements) {
        auto rewritten = rewriteScript(statement.text, tables);
        if (!rewritten)
            continue;
        for (const RewrittenStatement &r : std::as_const(*rewritten)) {
            for (const int k : r.tables) {
                const QString qualified = quoteNameIfNeeded(tables.at(k).sourceSchema)
                                          + QLatin1Char('.')
                                          + quoteNameIfNeeded(tables.at(k).sourceName);
                if (!names.contains(qualified))
                    names.append(qualified);
            }
        }
    }
    if (names.isEmpty())
        return {};
    auto locked = root.exec(QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE")
                                .arg(names.join(QStringLiteral(", "))));
    if (!locked && locked.error().sqlState() == QLatin1String("55P03"))
        return Error(ErrorKind::Canceled,
                     QStringLiteral("a table it names is busy on the root (a long transaction "
                                    "holds one of %1); try again")
                         .arg(names.join(QStringLiteral(", "))));
    if (!locked)
        return locked.error();
    return {};
}

} // namespace

Result<ExecutedScript>
executeScript(Connection &root, const QString &queue, const ScriptFile &file, bool force)
{
    if (auto node = requireRoot(root, queue); !node)
        return node.error();
    if (auto r = checkUtf8(file); !r)
        return r.error();
    auto statements = splitScript(file.sql());
    if (!statements)
        return std::move(statements.error().withContext(file.name));
    if (statements->isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 holds no SQL statement: nothing to run").arg(file.name));
    const QString sha = file.sha256();

    auto tx = Transaction::begin(root);
    if (!tx)
        return tx.error();
    // One run of a file at a time: two at once would both find no earlier run.
    if (auto r = root.exec(QStringLiteral("SELECT pg_catalog.pg_advisory_xact_lock("
                                          "pg_catalog.hashtextextended($1, 0))"),
                           {QStringLiteral("ferry execute %1 %2").arg(queue, file.name)});
        !r)
        return r.error();
    if (!force) {
        auto before = earlierRun(root, queue, file);
        if (!before)
            return before.error();
        if (*before)
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1: give --force to run it again").arg(**before));
    }
    // The tables as the script finds them (it may drop or rename some).
    auto tables = root.exec(QStringLiteral("SELECT ferry.script_tables($1)"), {queue});
    if (!tables)
        return tables.error();
    // Only built-in names resolve unqualified (R4, as on the nodes); a table
    // another transaction holds is not waited for long.
    if (auto r = root.exec(QStringLiteral("SET LOCAL search_path = pg_catalog, pg_temp; SET LOCAL "
                                          "lock_timeout = '10s'"));
        !r)
        return r.error();
    // The replicated tables it names are locked before the event takes its
    // place: a transaction that wrote them before holds its rows' places
    // ahead of the event and has ended; one after waits for the script. So
    // no row of the table's old shape comes after the event in the queue.
    if (auto r = lockNamedTables(root, *statements, tables->text(0, 0)); !r)
        return std::move(r.error().withContext(
            QStringLiteral("%1 (nothing was run nor queued)").arg(file.name)));
    // Queued before its first statement runs: the rows the script itself
    // changes come after it in the queue, so a node has run the script
    // (a column it adds) before it applies them.
    auto queued = root.exec(QStringLiteral("SELECT ferry.enqueue_script($1, $2, $3, $4, $5)"),
                            {queue, file.name, sha, file.sql(), tables->text(0, 0)});
    if (!queued)
        return queued.error();
    for (const ScriptStatement &s : std::as_const(*statements)) {
        if (auto r = root.exec(s.text); !r) {
            Error e = r.error();
            const QString busy = e.sqlState() == QLatin1String("55P03")
                                     ? QStringLiteral(": a table it changes is busy on the root "
                                                      "(a long transaction holds it); try again")
                                     : QString();
            return std::move(
                e.withContext(QStringLiteral("%1, line %2 (nothing was run nor queued)%3")
                                  .arg(file.name, QString::number(s.line), busy)));
        }
    }
    ExecutedScript done;
    done.eventId = queued->toInt64(0, 0);
    done.statements = int(statements->size());
    if (auto r = tx->commit(); !r)
        return r.error();
    return done;
}

Result<QList<ScriptTable>> scriptTablesOf(Connection &root, Connection &node, const QString &queue)
{
    auto replicated
        = root.exec(QStringLiteral("SELECT t->>0, t->>1, t->>2 FROM pg_catalog.json_array_elements("
                                   "ferry.script_tables($1)) t"),
                    {queue});
    if (!replicated)
        return replicated.error();
    auto here = node.exec(QStringLiteral("SELECT source_table_id::pg_catalog.text, dest_schema, "
                                         "dest_name FROM ferry.node_table WHERE queue_name = $1"),
                          {queue});
    if (!here)
        return here.error();
    QList<ScriptTable> out;
    for (int i = 0; i < replicated->rowCount(); ++i) {
        ScriptTable t;
        t.sourceSchema = replicated->text(i, 0);
        t.sourceName = replicated->text(i, 1);
        for (int j = 0; j < here->rowCount(); ++j) {
            if (here->text(j, 0) == replicated->text(i, 2)) {
                t.destSchema = here->text(j, 1);
                t.destName = here->text(j, 2);
            }
        }
        out.append(t);
    }
    return out;
}

QList<ScriptTable> scriptTablesHere(const QJsonArray &entries,
                                    const QHash<int, TableMapping> &tables)
{
    QList<ScriptTable> out;
    for (const QJsonValue &v : entries) {
        const QJsonArray entry = v.toArray();
        ScriptTable t;
        t.sourceSchema = entry.at(0).toString();
        t.sourceName = entry.at(1).toString();
        if (const auto m = tables.constFind(entry.at(2).toInt()); m != tables.cend()) {
            t.destSchema = m->targetSchema;
            t.destName = m->targetName;
        }
        out.append(t);
    }
    return out;
}

Result<ScriptPlan> planScript(Connection &root, const QString &queue, const ScriptFile &file)
{
    auto rootNode = requireRoot(root, queue);
    if (!rootNode)
        return rootNode.error();
    auto members = loadMembers(root, queue);
    if (!members)
        return members.error();
    if (auto r = checkUtf8(file); !r)
        return r.error();
    auto statements = splitScript(file.sql());
    if (!statements)
        return std::move(statements.error().withContext(file.name));
    ScriptPlan plan;
    plan.root = rootNode->name;
    plan.rootStatements = *statements;
    for (const NodeMember &m : std::as_const(*members)) {
        if (m.type == NodeType::Root)
            continue;
        NodeScriptPlan node;
        node.node = m.name;
        auto where = ConnectionString::parse(m.location);
        auto db = where ? Connection::open(withShortConnectTimeout(*where))
                        : Result<Connection>(where.error());
        if (!db) {
            node.error = db.error().toString();
            plan.nodes.append(node);
            continue;
        }
        node.reached = true;
        auto tables = scriptTablesOf(root, *db, queue);
        auto rewritten = tables ? rewriteScript(file.sql(), *tables)
                                : Result<QList<RewrittenStatement>>(tables.error());
        if (rewritten)
            node.statements = *rewritten;
        else
            node.error = rewritten.error().toString();
        plan.nodes.append(node);
    }
    return plan;
}

Result<NodeScriptProgress> scriptProgressOn(Connection &db, const QString &queue, qint64 eventId)
{
    // applied_script is written in the batch that applied the event;
    // event_fix's applied_at in the batch that skipped or replaced it; an
    // open node_error naming the event, or the node's last error naming it,
    // is the node stopped at it.
    auto r = db.exec(
        QStringLiteral(
            "SELECT a.ev_id IS NOT NULL, extract(epoch FROM a.applied_at), a.statements_run, "
            "a.statements_skipped, f.action, extract(epoch FROM f.applied_at), "
            "(SELECT message FROM ferry.node_error WHERE queue_name = $1 AND event_id = $2 AND "
            "resolved_at IS NULL ORDER BY error_id DESC LIMIT 1), n.last_error "
            "FROM ferry.node_info n "
            "LEFT JOIN ferry.applied_script a ON a.queue_name = n.queue_name AND a.ev_id = $2 "
            "LEFT JOIN ferry.event_fix f ON f.queue_name = n.queue_name AND f.ev_id = $2 "
            "AND f.applied_at IS NOT NULL WHERE n.queue_name = $1"),
        {queue, eventId});
    if (!r)
        return r.error();
    NodeScriptProgress p;
    if (r->rowCount() == 0)
        return p;
    const QString fix = r->text(0, 4);
    const QString logged = r->text(0, 6);
    const QString last = r->text(0, 7);
    const QRegularExpression namesEvent(
        QStringLiteral("\\bevent %1\\b").arg(QString::number(eventId)));
    if (r->toBool(0, 0)) {
        p.state = ScriptNodeState::Applied;
        p.at = epochToDateTime(*r, 0, 1);
        p.statementsRun = r->text(0, 2).toInt();
        p.statementsSkipped = r->text(0, 3).toInt();
    } else if (fix == QLatin1String("skip") || fix == QLatin1String("replace")) {
        p.state
            = fix == QLatin1String("skip") ? ScriptNodeState::Skipped : ScriptNodeState::Replaced;
        p.at = epochToDateTime(*r, 0, 5);
    } else if (!last.isEmpty() && last.contains(namesEvent)) {
        p.state = ScriptNodeState::Failed;
        p.message = last;
    } else if (!logged.isEmpty()) {
        p.state = ScriptNodeState::Failed;
        p.message = logged;
    }
    return p;
}

Result<QList<NodeScriptProgress>>
scriptProgress(Connection &root, const QString &queue, qint64 eventId)
{
    auto members = loadMembers(root, queue);
    if (!members)
        return members.error();
    QList<NodeScriptProgress> out;
    for (const NodeMember &m : std::as_const(*members)) {
        if (m.type == NodeType::Root)
            continue;
        auto where = ConnectionString::parse(m.location);
        auto db = where ? Connection::open(withShortConnectTimeout(*where))
                        : Result<Connection>(where.error());
        NodeScriptProgress p;
        if (db) {
            auto read = scriptProgressOn(*db, queue, eventId);
            if (read) {
                p = *read;
            } else {
                p.state = ScriptNodeState::Unreachable;
                p.message = read.error().toString();
            }
        } else {
            p.state = ScriptNodeState::Unreachable;
            p.message = db.error().toString();
        }
        p.node = m.name;
        out.append(p);
    }
    return out;
}

} // namespace ferry
