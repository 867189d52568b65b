// Scripts through the queue on a node (execute; DESIGN §4 "Scripts through
// the queue"): an 'E' event runs at its place in the batch, rewritten to the
// node's names, once, in the batch's transaction.
#include "applier.h"

#include "replication/scriptexecute.h"
#include "replication/scriptrewrite.h"
#include "replication/tableregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry {

namespace {

// The record of applied scripts is Ferry's own table: an apply role that is
// not its owner needs the grant, which the error names.
Error recordError(Error error, const QString &what)
{
    if (error.sqlState() != QLatin1String("42501"))
        return std::move(error.withContext(what));
    return std::move(error.withContext(
        QStringLiteral("%1: GRANT SELECT, INSERT ON ferry.applied_script TO the role of this "
                       "node's db setting, then run retry")
            .arg(what)));
}

} // namespace

QList<Applier::Segment> Applier::cutAtScripts(const QList<Segment> &cuts,
                                              const QList<qint64> &scripts)
{
    if (scripts.isEmpty())
        return cuts;
    QList<Segment> out;
    qsizetype next = 0; // scripts arrive in id order
    for (Segment segment : cuts) {
        while (next < scripts.size() && scripts.at(next) < segment.to) {
            const qint64 id = scripts.at(next++);
            Segment before;
            before.from = segment.from;
            before.to = id;
            before.scriptAfter = id;
            out.append(before);
            segment.from = id;
        }
        out.append(segment);
    }
    return out;
}

Result<void> Applier::applyScript(const Batch &batch,
                                  BatchReader &reader,
                                  qint64 eventId,
                                  const QHash<int, TableMapping> &tables,
                                  ApplyResult &result)
{
    // The rows before the script first: ALTER TABLE refuses a table with
    // pending trigger events, and a deferred check that fails is theirs,
    // not the script's (skip-event must not be offered the script for it).
    if (auto r = m_node.exec(QStringLiteral("SET CONSTRAINTS ALL IMMEDIATE")); !r)
        return std::move(r.error().withContext(
            QStringLiteral("the rows before script event %1 fail a deferred check; correct the "
                           "row on this node, then run retry")
                .arg(eventId)));
    m_failedEvent = eventId;
    auto event = reader.readEvent(batch, eventId);
    if (!event)
        return event.error();
    if (!event->has_value())
        return Error(ErrorKind::Internal,
                     QStringLiteral("event %1 of batch %2 is gone from the provider")
                         .arg(eventId)
                         .arg(batch.id));
    const QJsonObject data = QJsonDocument::fromJson(event->value().data).object();
    const QString name = data.value(QStringLiteral("name")).toString();
    const QString sha = data.value(QStringLiteral("sha256")).toString();
    const QString what = QStringLiteral("event %1 (script %2)").arg(QString::number(eventId), name);

    // Once only: a batch applies once, and the record says so again.
    auto done = m_node.exec(QStringLiteral("SELECT 1 FROM ferry.applied_script WHERE queue_name "
                                           "OPERATOR(pg_catalog.=) $1 AND ev_id "
                                           "OPERATOR(pg_catalog.=) $2"),
                            {m_queue, eventId});
    if (!done)
        return recordError(done.error(), what);
    if (done->rowCount() > 0) {
        m_failedEvent.reset();
        return {};
    }
    // The operator skipped it here, or gave SQL to run in its place.
    auto fix = takeScriptFix(eventId, batch.id);
    if (!fix)
        return fix.error();
    if (fix->has_value()) {
        if ((*fix)->replaced) {
            if (auto r = runReplacement(eventId, (*fix)->replacement); !r)
                return r;
        }
        result.scripts.append(
            QStringLiteral("script %1 (event %2) %3 on this node (%4)")
                .arg(name, QString::number(eventId),
                     (*fix)->replaced ? QStringLiteral("replaced") : QStringLiteral("skipped"),
                     (*fix)->replaced ? QStringLiteral("replace-event")
                                      : QStringLiteral("skip-event")));
        m_failedEvent.reset();
        return {};
    }

    // The provider's tables when the script ran there, and where this node
    // keeps those it subscribes.
    // Matched by the provider's table id (R1: a table renamed on the root
    // since the script ran there is still the same table).
    const QJsonArray entries = data.value(QStringLiteral("tables")).toArray();
    const QList<ScriptTable> replicated = scriptTablesHere(entries, tables);
    auto statements = rewriteScript(data.value(QStringLiteral("sql")).toString(), replicated);
    if (!statements)
        return std::move(statements.error().withContext(what));
    // A table the script names whose copy runs now holds events from
    // before the script until the copy ends: the script waits for the copy
    // (the batch is tried again). One waiting for its copy (or its retry)
    // takes the script now: the copy that comes needs the table as the root
    // has it. Copies of tables the script does not name go on beside it.
    QStringList inCopy;
    for (const RewrittenStatement &s : std::as_const(*statements)) {
        if (s.skipped())
            continue;
        for (const int k : s.tables) {
            const auto m = tables.constFind(entries.at(k).toArray().at(2).toInt());
            if (m == tables.cend() || !m->holdEvents)
                continue;
            const QString shown = displayTableName(m_node, m->targetSchema, m->targetName);
            if (!inCopy.contains(shown))
                inCopy.append(shown);
        }
    }
    if (!inCopy.isEmpty())
        return Error(ErrorKind::Retry, QStringLiteral("%1 waits for the copy of %2 to end")
                                           .arg(what, inCopy.join(QStringLiteral(", "))));

    // Names as the root ran them: the built-in ones, then the script's
    // own qualified names (R4: nothing found through a schema another role
    // may write). Earlier rows' deferred checks run first: ALTER TABLE
    // refuses a table with pending trigger events.
    if (auto r = m_node.exec(QStringLiteral("SET LOCAL search_path = pg_catalog, pg_temp")); !r)
        return std::move(r.error().withContext(what));
    int run = 0;
    int skipped = 0;
    for (const RewrittenStatement &s : std::as_const(*statements)) {
        if (s.skipped()) {
            ++skipped;
            result.scripts.append(QStringLiteral("script %1 (event %2): line %3 skipped on this "
                                                 "node: %4")
                                      .arg(name, QString::number(eventId), QString::number(s.line),
                                           s.skippedBecause));
            continue;
        }
        if (auto r = m_node.exec(s.sql); !r) {
            const QString one = s.sql.simplified();
            return std::move(r.error().withContext(
                QStringLiteral("%1, line %2 (%3) failed here (correct the node and run retry, "
                               "or replace-event %4 with this node's version of the script, or "
                               "skip-event %4)")
                    .arg(what, QString::number(s.line),
                         one.size() > 60 ? one.left(57) + QStringLiteral("...") : one,
                         QString::number(eventId))));
        }
        ++run;
    }
    // What the script set for the transaction (SET LOCAL) ends with it: the
    // rest of the batch applies as configured (R4).
    if (auto r = configureTransaction(); !r)
        return r.error();
    if (auto r = m_node.exec(
            QStringLiteral("INSERT INTO ferry.applied_script (queue_name, ev_id, name, sha256, "
                           "statements_run, statements_skipped) VALUES ($1, $2, $3, $4, $5, $6)"),
            {m_queue, eventId, name, sha, run, skipped});
        !r)
        return recordError(r.error(), what);
    result.scripts.append(
        QStringLiteral("script %1 (event %2) applied: %3 statements run, %4 "
                       "skipped")
            .arg(name, QString::number(eventId), QString::number(run), QString::number(skipped)));
    m_failedEvent.reset();
    return {};
}

} // namespace ferry
