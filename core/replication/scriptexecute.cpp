#include "scriptexecute.h"

#include "cascade/node.h"
#include "db/transaction.h"

#include <QCryptographicHash>

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

Result<ExecutedScript>
executeScript(Connection &root, const QString &queue, const ScriptFile &file, bool force)
{
    if (auto node = requireRoot(root, queue); !node)
        return node.error();
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
    if (!force) {
        auto before = root.exec(
            QStringLiteral("SELECT pg_catalog.to_char(executed_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                           "executed_by, ev_id FROM ferry.executed_script WHERE queue_name = $1 "
                           "AND name = $2 AND sha256 = $3 ORDER BY ev_id DESC LIMIT 1"),
            {queue, file.name, sha});
        if (!before)
            return before.error();
        if (before->rowCount() > 0)
            return Error(
                ErrorKind::Usage,
                QStringLiteral("%1 with the same content ran on the root at %2 by %3 "
                               "(event %4): give --force to run it again")
                    .arg(file.name, before->text(0, 0), before->text(0, 1), before->text(0, 2)));
    }
    // The tables as the script finds them (it may drop or rename some).
    auto tables = root.exec(QStringLiteral("SELECT ferry.script_tables($1)"), {queue});
    if (!tables)
        return tables.error();
    // The script's own names resolve in public, after the built-in ones
    // (the nodes run it the same way).
    if (auto r = root.exec(QStringLiteral("SET LOCAL search_path = pg_catalog, public")); !r)
        return r.error();
    for (const ScriptStatement &s : std::as_const(*statements)) {
        if (auto r = root.exec(s.text); !r)
            return std::move(
                r.error().withContext(QStringLiteral("%1, line %2 (nothing was run nor queued)")
                                          .arg(file.name, QString::number(s.line))));
    }
    if (auto r = root.exec(QStringLiteral("SET LOCAL search_path = pg_catalog, pg_temp")); !r)
        return r.error();
    auto queued = root.exec(QStringLiteral("SELECT ferry.enqueue_script($1, $2, $3, $4, $5)"),
                            {queue, file.name, sha, file.sql(), tables->text(0, 0)});
    if (!queued)
        return queued.error();
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
        = root.exec(QStringLiteral("SELECT t->>0, t->>1 FROM pg_catalog.json_array_elements("
                                   "ferry.script_tables($1)) t"),
                    {queue});
    if (!replicated)
        return replicated.error();
    auto here = node.exec(QStringLiteral("SELECT source_schema, source_name, dest_schema, "
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
            if (here->text(j, 0) == t.sourceSchema && here->text(j, 1) == t.sourceName) {
                t.destSchema = here->text(j, 2);
                t.destName = here->text(j, 3);
            }
        }
        out.append(t);
    }
    return out;
}

} // namespace ferry
