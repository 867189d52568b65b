#include "eventresolution.h"

#include "db/sqllexer.h"
#include "db/transaction.h"
#include "queue/batchreader.h"
#include "replication/eventsql.h"
#include "replication/failuretext.h"
#include "replication/scriptexecute.h"
#include "replication/scriptrewrite.h"
#include "replication/tablemapping.h"
#include "replication/tableregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry {

namespace {

// One event as the provider's queue holds it.
struct QueuedEvent
{
    char op = 0;
    int tableId = 0;
    QByteArray key;
    QByteArray data;
    qint64 txid = 0;
};

QString keyText(const QByteArray &json, const QStringList &keyColumns)
{
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    QStringList values;
    for (const QString &k : keyColumns) {
        const QJsonValue v = object.value(k);
        values.append(
            v.isString()
                ? v.toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1));
    }
    return formatKey(keyColumns, values);
}

} // namespace

EventResolution::EventResolution(Connection &node, NodeInfo info)
    : m_node(node)
    , m_info(std::move(info))
{}

QString EventResolution::retryChannel(const QString &queue)
{
    return QStringLiteral("ferry_retry:") + queue;
}

QString EventResolution::opName(char op)
{
    switch (op) {
    case 'I':
        return QStringLiteral("INSERT");
    case 'U':
        return QStringLiteral("UPDATE");
    case 'D':
        return QStringLiteral("DELETE");
    case 'T':
        return QStringLiteral("TRUNCATE");
    case 'R':
        return QStringLiteral("remove-table");
    case 'E':
        return QStringLiteral("execute");
    default:
        return QString(QLatin1Char(op));
    }
}

Result<qint64> EventResolution::stoppedAt()
{
    auto r = m_node.exec(
        QStringLiteral("SELECT event_id, message FROM ferry.node_error WHERE queue_name = $1 AND "
                       "kind = 'apply' AND resolved_at IS NULL ORDER BY error_id DESC "
                       "LIMIT 1"),
        {m_info.queue});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return Error(ErrorKind::Usage,
                     QStringLiteral("node '%1' is not stopped at an event: nothing to skip (give "
                                    "an event id to skip one the node has not reached yet)")
                         .arg(m_info.name));
    if (r->isNull(0, 0))
        return Error(ErrorKind::Usage,
                     QStringLiteral("node '%1' is stopped by an error that names no event (%2): "
                                    "fix its cause and run retry, or give the event id")
                         .arg(m_info.name, r->text(0, 1).left(200)));
    return r->toInt64(0, 0);
}

Result<EventFix> EventResolution::skip(std::optional<qint64> eventId)
{
    if (!eventId && m_info.type != NodeType::Root) {
        auto at = stoppedAt();
        if (!at)
            return at.error();
        eventId = *at;
    }
    return record(eventId.value_or(0), QString());
}

Result<EventFix> EventResolution::replace(qint64 eventId, const QString &sql)
{
    // Only comments is empty too: it would apply nothing, recorded as a
    // replacement.
    if (!holdsStatement(sql))
        return Error(ErrorKind::Usage,
                     QStringLiteral("the replacement SQL for event %1 holds no statement: give "
                                    "the statements to apply in its place (skip-event %1 skips "
                                    "it)")
                         .arg(eventId));
    return record(eventId, sql);
}

Result<bool> EventResolution::retry()
{
    if (auto r = m_node.exec(QStringLiteral("SELECT pg_catalog.pg_notify($1, '')"),
                             {retryChannel(m_info.queue)});
        !r)
        return r.error();
    return workerRunning();
}

Result<bool> EventResolution::workerRunning()
{
    // The worker holds a session advisory lock on the node while it runs
    // (tryWorkerLock): pg_locks shows it, whichever process holds it.
    auto r = m_node.exec(
        QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = "
                       "'advisory' AND granted AND database = (SELECT oid FROM "
                       "pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) AND "
                       "classid = pg_catalog.hashtext('ferry.worker')::pg_catalog.oid AND objid = "
                       "pg_catalog.hashtext($1)::pg_catalog.oid AND objsubid = 2)"),
        {m_info.queue});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

struct EventResolution::Found
{
    QueuedEvent event;
    TableMapping mapping;
    QHash<int, TableMapping> applied; // every table as this node applies it, by id
    QString destSchema;               // the node's table; empty when it has none for the event's
    QString destName;
    QString table; // for messages: the node's name, else the provider's
    QString key;
};

namespace {

Result<Connection> openProvider(const NodeInfo &info)
{
    auto where = ConnectionString::parse(info.providerLocation);
    if (!where)
        return where.error();
    auto provider = Connection::open(*where);
    if (!provider)
        return std::move(provider.error().withContext(QStringLiteral("provider")));
    return provider;
}

} // namespace

Result<EventResolution::Found> EventResolution::find(Connection &provider, qint64 eventId)
{
    // The event, from every event table of the queue (ev_id has no index
    // there: a scan, fine for one operator's command).
    auto tables = provider.exec(
        QStringLiteral("SELECT ferry._event_table(q.queue_id, t.table_no) FROM ferry.queue q "
                       "JOIN ferry.event_table t USING (queue_id) WHERE q.queue_name = $1"),
        {m_info.queue});
    if (!tables)
        return tables.error();
    if (tables->rowCount() == 0)
        return Error(ErrorKind::Config,
                     QStringLiteral("the provider has no queue '%1'").arg(m_info.queue));
    QStringList parts;
    for (int i = 0; i < tables->rowCount(); ++i)
        parts.append(QStringLiteral("SELECT ev_op, ev_table, ev_key, ev_data, ev_txid FROM %1 "
                                    "WHERE ev_id = $1")
                         .arg(tables->text(i, 0)));
    auto found = provider.exec(parts.join(QStringLiteral(" UNION ALL ")), {eventId});
    if (!found)
        return found.error();
    if (found->rowCount() == 0)
        return Error(ErrorKind::Usage,
                     QStringLiteral("event %1 is not in queue '%2' on the provider: give the id "
                                    "of an event node '%3' has not applied yet (ferry CONFIG.ini "
                                    "status shows the one it stopped at)")
                         .arg(eventId)
                         .arg(m_info.queue, m_info.name));
    Found f;
    QueuedEvent &event = f.event;
    const QByteArray op = found->bytes(0, 0);
    event.op = op.isEmpty() ? '?' : op.at(0);
    event.tableId = int(found->toInt64(0, 1));
    event.key = found->isNull(0, 2) ? QByteArray() : found->bytes(0, 2);
    event.data = found->isNull(0, 3) ? QByteArray() : found->bytes(0, 3);
    event.txid = found->toInt64(0, 4);

    // The table as this node names it, else as the provider does.
    auto mappings = loadTableMappings(provider, m_info.queue);
    if (!mappings)
        return mappings.error();
    f.mapping = mappings->value(event.tableId);
    // With this node's row condition and columns, as its batches apply it.
    auto nodeTables = TableRegistry(m_node, m_info).list();
    if (!nodeTables)
        return nodeTables.error();
    f.applied = TableRegistry::appliedMappings(*mappings, *nodeTables);
    if (const auto here = f.applied.constFind(event.tableId); here != f.applied.cend())
        f.mapping = *here;
    auto dest = m_node.exec(QStringLiteral("SELECT dest_schema, dest_name FROM ferry.node_table "
                                           "WHERE queue_name = $1 AND source_table_id = $2"),
                            {m_info.queue, event.tableId});
    if (!dest)
        return dest.error();
    if (dest->rowCount() > 0) {
        f.destSchema = dest->text(0, 0);
        f.destName = dest->text(0, 1);
        f.table = displayTableName(m_node, f.destSchema, f.destName);
    } else if (!f.mapping.sourceName.isEmpty()) {
        f.table = displayTableName(provider, f.mapping.sourceSchema, f.mapping.sourceName);
    } else if (event.op == 'E') {
        f.table = QStringLiteral("script %1")
                      .arg(QJsonDocument::fromJson(event.data)
                               .object()
                               .value(QStringLiteral("name"))
                               .toString());
    } else {
        f.table = QStringLiteral("table id %1").arg(event.tableId);
    }
    const QByteArray &keySource = event.key.isEmpty() ? event.data : event.key;
    if (!keySource.isEmpty() && !f.mapping.keyColumns.isEmpty())
        f.key = keyText(keySource, f.mapping.keyColumns);
    return f;
}

QString EventResolution::scriptHere(const QByteArray &eventData,
                                    const QHash<int, TableMapping> &tables) const
{
    const QJsonObject data = QJsonDocument::fromJson(eventData).object();
    const QString script = data.value(QStringLiteral("sql")).toString();
    auto rewritten = rewriteScript(
        script, scriptTablesHere(data.value(QStringLiteral("tables")).toArray(), tables));
    if (!rewritten)
        return QStringLiteral("-- Ferry cannot rewrite this script for node '%1' for sure:\n-- "
                              "%2\n-- Edit it to this node's names:\n%3")
            .arg(m_info.name, rewritten.error().message().simplified(), script);
    QStringList out;
    for (const RewrittenStatement &r : std::as_const(*rewritten)) {
        if (r.skipped())
            out.append(QStringLiteral("-- line %1 does not run here: %2")
                           .arg(QString::number(r.line), r.skippedBecause));
        else
            out.append(r.sql + QLatin1Char(';'));
    }
    return out.join(QLatin1Char('\n'));
}

Result<QueuedEventContent> EventResolution::describe(qint64 eventId)
{
    if (m_info.type == NodeType::Root)
        return Error(
            ErrorKind::Usage,
            QStringLiteral("node '%1' is the root, which applies no events").arg(m_info.name));
    auto provider = openProvider(m_info);
    if (!provider)
        return provider.error();
    auto found = find(*provider, eventId);
    if (!found)
        return found.error();
    QueuedEventContent content;
    content.eventId = eventId;
    content.op = found->event.op;
    content.table = found->table;
    content.key = found->key;
    content.data = QString::fromUtf8(found->event.data);
    if (found->event.op == 'E') {
        content.sql = scriptHere(found->event.data, found->applied);
        return content;
    }
    if (found->destName.isEmpty())
        return content;
    QList<EventRow> rows{{found->event.op, found->event.key, found->event.data}};
    // Under a row condition the node applies what the provider judges: the
    // row, nothing, or the DELETE of a row that left the condition.
    const TableMapping &m = found->mapping;
    if (!m.condition.isEmpty() && (found->event.op == 'I' || found->event.op == 'U')) {
        BatchReader judge(*provider, m_info.queue, m_info.workerName);
        auto judged = judge.judgeEvent(found->event.op, found->event.tableId, found->event.key,
                                       found->event.data, rowFilterOf(m));
        if (!judged)
            return judged.error();
        rows.clear();
        for (const BatchReader::JudgedRow &j : std::as_const(*judged)) {
            // An UPDATE that kept its key carries no old key: the DELETE of
            // the new key is the one.
            if (j.op == 'D' && j.key.isEmpty())
                continue;
            rows.append({j.op, j.key, j.data});
        }
        if (rows.isEmpty())
            content.sql = QStringLiteral("-- The row does not match this node's row condition "
                                         "(%1): nothing runs here for this event.\n")
                              .arg(m.condition.simplified());
    }
    QStringList statements;
    for (const EventRow &row : std::as_const(rows)) {
        auto sql = eventSql(m_node, found->destSchema, found->destName, m.keyColumns, row);
        if (!sql)
            return sql.error();
        statements.append(*sql);
    }
    content.sql += statements.join(QLatin1Char('\n'));
    return content;
}

Result<EventFix> EventResolution::record(qint64 eventId, const QString &replacement)
{
    const QString command
        = replacement.isNull() ? QStringLiteral("skip-event") : QStringLiteral("replace-event");
    if (m_info.type == NodeType::Root)
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 runs on a leaf: node '%2' is the root, which applies no "
                                    "events (use the leaf's CONFIG.ini)")
                         .arg(command, m_info.name));
    auto provider = openProvider(m_info);
    if (!provider)
        return provider.error();
    auto found = find(*provider, eventId);
    if (!found)
        return found.error();
    const QueuedEvent &event = found->event;
    // A fix this node would never take: it is recorded only where a batch
    // will meet the event.
    if (event.op == 'R')
        return Error(ErrorKind::Usage,
                     QStringLiteral("event %1 ends the subscription of %2 (the root released the "
                                    "table): it cannot be skipped or replaced; remove-table on "
                                    "this node does the same")
                         .arg(QString::number(eventId), found->table));
    if (event.op != 'E' && found->destName.isEmpty())
        return Error(
            ErrorKind::Usage,
            QStringLiteral("node '%1' does not replicate %2, so event %3 is not applied "
                           "there: nothing to %4")
                .arg(m_info.name, found->table, QString::number(eventId),
                     replacement.isNull() ? QStringLiteral("skip") : QStringLiteral("replace")));

    // Applied here already: its transaction is in the snapshot of the last
    // tick this node applied. Read in the transaction that records the fix,
    // with the node's progress row locked: a batch that would apply the
    // event commits before (and is seen here) or waits until the fix is in.
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    auto completed = m_node.exec(QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE "
                                                "queue_name = $1 AND consumer_name = $2 FOR "
                                                "UPDATE"),
                                 {m_info.queue, m_info.workerName});
    if (!completed)
        return completed.error();
    if (completed->rowCount() > 0) {
        const qint64 tick = completed->toInt64(0, 0);
        auto seen = provider->exec(
            QStringLiteral("SELECT pg_catalog.pg_visible_in_snapshot($1::text::pg_catalog.xid8, "
                           "t.tick_snapshot) FROM ferry.tick t JOIN ferry.queue q USING "
                           "(queue_id) WHERE q.queue_name = $2 AND t.tick_id = $3"),
            {event.txid, m_info.queue, tick});
        if (!seen)
            return seen.error();
        if (seen->rowCount() > 0 && seen->toBool(0, 0))
            return Error(ErrorKind::Usage,
                         QStringLiteral("event %1 was applied on node '%2' already (it is in the "
                                        "batches up to tick %3): nothing to %4; give the id of "
                                        "an event the node has not applied yet")
                             .arg(QString::number(eventId), m_info.name, QString::number(tick),
                                  replacement.isNull() ? QStringLiteral("skip")
                                                       : QStringLiteral("replace")));
    }

    EventFix fix;
    fix.eventId = eventId;
    fix.replaced = !replacement.isNull();
    fix.op = event.op;
    fix.table = found->table;
    fix.key = found->key;

    // The record, the error it resolves and the worker's wake-up, at once.
    auto saved = m_node.exec(
        QStringLiteral(
            "INSERT INTO ferry.event_fix (queue_name, ev_id, action, replacement, ev_op, "
            "table_name, ev_key, ev_data) VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8::json) "
            "ON CONFLICT (queue_name, ev_id) DO UPDATE SET action = EXCLUDED.action, replacement "
            "= EXCLUDED.replacement, done_by = EXCLUDED.done_by, done_at = EXCLUDED.done_at, "
            "applied_at = NULL, batch_id = NULL "
            "RETURNING done_by, extract(epoch FROM done_at)"),
        {m_info.queue, eventId, fix.replaced ? QStringLiteral("replace") : QStringLiteral("skip"),
         fix.replaced ? QVariant(replacement) : QVariant(), QString(QLatin1Char(event.op)),
         fix.table, event.key.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(event.key)),
         event.data.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(event.data))});
    if (!saved)
        return saved.error();
    fix.by = saved->text(0, 0);
    fix.at = epochToDateTime(*saved, 0, 1);
    auto resolved = m_node.exec(
        QStringLiteral("UPDATE ferry.node_error SET resolved_at = pg_catalog.now(), resolution = "
                       "pg_catalog.format('resolved by %s by %s at %s', $3::text, "
                       "session_user, pg_catalog.to_char(pg_catalog.now(), "
                       "'YYYY-MM-DD HH24:MI:SS TZ')) WHERE queue_name = $1 AND kind = 'apply' "
                       "AND resolved_at IS NULL AND event_id = $2"),
        {m_info.queue, eventId, command});
    if (!resolved)
        return resolved.error();
    if (auto r = m_node.exec(QStringLiteral("SELECT pg_catalog.pg_notify($1, '')"),
                             {retryChannel(m_info.queue)});
        !r)
        return r.error();
    if (auto r = tx->commit(); !r)
        return r.error();
    return fix;
}

} // namespace ferry
