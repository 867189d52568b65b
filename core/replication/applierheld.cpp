// The Applier's part in the hand-off between a table's initial copy and the
// batches applied while that copy runs in another session (DESIGN §4,
// "Parallel copies and held events").
//
// A batch finds each node_table row of its queue with FOR SHARE SKIP LOCKED,
// in its own transaction, before it streams a single event:
// - The row is returned: no copy of that table runs, and none can take its
//   provider snapshot before this batch commits (a copy locks its row FOR
//   UPDATE first, which waits for our share lock, and takes the snapshot
//   after). An in-copy table's events are skipped: the copy that comes will
//   hold them. A catching-up table's events are applied less those its
//   copy's snapshot saw; so are the events held for it by earlier batches.
// - The row is locked: a copy runs. Whether its snapshot will see this
//   batch's events of the table cannot be told yet, so they are kept in
//   ferry.held_event, in this transaction. The copy deleted what earlier
//   batches held before it took its snapshot (those batches committed
//   first, so their events' transactions committed before the snapshot);
//   what later batches hold stays, and the first batch after the copy's
//   COMMIT applies what the snapshot did not see.
//
// Why applying held events with a later batch keeps every row right: the
// net effect is taken per key in ev_id order over the held events and the
// batch's own. Two changes of one row are ordered by the row lock (the
// second writer waits for the first to commit before its trigger takes the
// next id), so their ids follow commit order even when they landed in
// different batches; a TRUNCATE holds its table's lock to COMMIT, so every
// change of the table it waited for has a lower id and every later one a
// higher id. And the changes of one row a snapshot saw are a prefix of that
// order: dropping them leaves exactly the newer ones.
#include "applier.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ferry {

namespace {

QString intArray(const QList<int> &ids)
{
    QStringList parts;
    parts.reserve(ids.size());
    for (const int id : ids)
        parts.append(QString::number(id));
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

} // namespace

Result<QHash<int, TableMapping>> Applier::lockCopyStates(const QHash<int, TableMapping> &tables,
                                                         QSet<int> &withHeld)
{
    // MATERIALIZED: the rows are locked (or skipped) once, whatever plan
    // the outer join gets. A row skipped there is still in the plain read.
    auto r = m_node.exec(
        QStringLiteral("WITH l AS MATERIALIZED (SELECT source_table_id, merge_state, "
                       "copy_snapshot FROM ferry.node_table WHERE queue_name = $1 AND "
                       "source_table_id IS NOT NULL FOR SHARE SKIP LOCKED) "
                       "SELECT n.source_table_id, l.source_table_id IS NULL, l.merge_state, "
                       "l.copy_snapshot, EXISTS (SELECT 1 FROM ferry.held_event h WHERE "
                       "h.queue_name = $1 AND h.source_table_id = n.source_table_id) "
                       "FROM ferry.node_table n LEFT JOIN l USING (source_table_id) "
                       "WHERE n.queue_name = $1 AND n.source_table_id IS NOT NULL"),
        {m_queue});
    if (!r)
        return r.error();
    // Tables without a row here (an Applier driven without nodes, as the
    // benchmarks do) are applied as the caller mapped them.
    QHash<int, TableMapping> out = tables;
    for (int i = 0; i < r->rowCount(); ++i) {
        const int id = int(r->toInt64(i, 0));
        const auto found = out.find(id);
        if (found == out.end())
            continue;
        TableMapping &t = *found;
        t.inCopy = false;
        t.skipSeenBy.reset();
        t.holdEvents = r->toBool(i, 1);
        if (t.holdEvents)
            continue;
        const QString state = r->text(i, 2);
        if (state == QLatin1String("in-copy")) {
            t.inCopy = true;
            continue;
        }
        if (state == QLatin1String("catching-up"))
            t.skipSeenBy = Snapshot::parse(r->bytes(i, 3));
        if (r->toBool(i, 4))
            withHeld.insert(id);
    }
    return out;
}

Result<void> Applier::storeHeldEvents(const Streamed &streamed)
{
    if (streamed.held.isEmpty())
        return {};
    auto r = m_node.exec(
        QStringLiteral("WITH h AS (DELETE FROM ferry_ev WHERE ev_table OPERATOR(pg_catalog.=) "
                       "ANY ($2::pg_catalog.int4[]) RETURNING *) "
                       "INSERT INTO ferry.held_event (queue_name, source_table_id, ev_id, "
                       "ev_txid, ev_op, ev_key, ev_data) "
                       "SELECT $1, ev_table, ev_id, ev_txid, ev_op, ev_key, ev_data FROM h"),
        {m_queue, intArray(streamed.held.values())});
    if (!r)
        return r.error().withContext(QStringLiteral("keeping the events of tables in their copy"));
    return {};
}

Result<void> Applier::takeHeldEvents(const QHash<int, TableMapping> &tables,
                                     const QSet<int> &withHeld,
                                     Streamed &streamed,
                                     ApplyResult &result)
{
    if (withHeld.isEmpty())
        return {};
    QList<int> ids;
    QStringList snapshots; // per id: the copy's snapshot, NULL for an ok table
    for (const int id : withHeld) {
        ids.append(id);
        const TableMapping &t = tables[id];
        snapshots.append(t.skipSeenBy ? QStringLiteral("\"%1:%2:%3\"")
                                            .arg(t.skipSeenBy->xmin)
                                            .arg(t.skipSeenBy->xmax)
                                            .arg([&t] {
                                                QStringList xip;
                                                for (const qint64 x : t.skipSeenBy->inProgress)
                                                    xip.append(QString::number(x));
                                                return xip.join(QLatin1Char(','));
                                            }())
                                      : QStringLiteral("NULL"));
    }
    // Also forgets what was held for a table no longer subscribed (a
    // remove-table that committed after a batch held its events).
    // One statement: taken out, filtered, into ferry_ev, and what the client
    // needs to plan the apply (per table: TRUNCATEs, and the column sets of
    // the row images with their first event).
    auto r = m_node.exec(
        QStringLiteral(
            "WITH taken AS (DELETE FROM ferry.held_event h WHERE h.queue_name = $1 AND "
            "(h.source_table_id OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.int4[]) OR NOT EXISTS "
            "(SELECT 1 FROM ferry.node_table n WHERE n.queue_name = $1 AND n.source_table_id = "
            "h.source_table_id)) RETURNING h.*), "
            "moved AS (INSERT INTO ferry_ev (ev_id, ev_txid, ev_op, ev_table, ev_key, ev_data) "
            "SELECT t.ev_id, t.ev_txid, t.ev_op, t.source_table_id, t.ev_key, t.ev_data "
            "FROM taken t JOIN ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), "
            "pg_catalog.unnest($3::pg_catalog.text[])) s(id, snap) ON s.id = t.source_table_id "
            "WHERE s.snap IS NULL OR NOT pg_catalog.pg_visible_in_snapshot("
            "t.ev_txid::pg_catalog.text::pg_catalog.xid8, s.snap::pg_catalog.pg_snapshot) "
            "RETURNING ev_table, ev_op, ev_id, ev_data) "
            "SELECT ev_table, ev_op OPERATOR(pg_catalog.=) 'T', pg_catalog.array_to_json(k), "
            "pg_catalog.count(*), pg_catalog.min(ev_id), pg_catalog.max(ev_id) FROM (SELECT "
            "ev_table, ev_op, ev_id, "
            "CASE WHEN ev_op IN ('I', 'U') THEN ARRAY(SELECT pg_catalog.json_object_keys(ev_data)) "
            "END AS k FROM moved) m GROUP BY 1, 2, k"),
        {m_queue, intArray(ids),
         QLatin1Char('{') + snapshots.join(QLatin1Char(',')) + QLatin1Char('}')});
    if (!r)
        return r.error().withContext(
            QStringLiteral("applying the events kept while the tables' copies ran"));
    // The held events were not scanned: every shape is assumed (set-based
    // apply then takes the general form), their column sets are the ones
    // the node listed.
    constexpr int kEveryShape = Inserts | Updates | KeyChanges | Deletes;
    for (int i = 0; i < r->rowCount(); ++i) {
        const int id = int(r->toInt64(i, 0));
        const qint64 count = r->toInt64(i, 3);
        result.applied += count;
        if (r->toBool(i, 1)) {
            streamed.truncates += count;
            streamed.shapes[id] |= 0;
            continue;
        }
        streamed.shapes[id] |= kEveryShape;
        if (r->isNull(i, 2))
            continue; // deletes: they name nothing but the key
        const QStringList names = r->jsonStrings(i, 2);
        auto &sets = streamed.columnSets[id];
        bool known = false;
        for (ColumnSet &set : sets) {
            if (set.names != names)
                continue;
            known = true;
            set.firstEvent = qMin(set.firstEvent, r->toInt64(i, 4));
            set.lastEvent = qMax(set.lastEvent, r->toInt64(i, 5));
        }
        if (known)
            continue;
        // A key of its own, never 0 (which means "could not be read").
        quint64 signature = quint64(qHash(names.join(QChar(0)))) | 1;
        while (sets.contains(signature))
            signature += 2;
        sets.insert(signature, {names, r->toInt64(i, 4), r->toInt64(i, 5)});
    }
    return {};
}

Result<void> Applier::dropHeldEvents(int sourceTableId)
{
    auto r = m_node.exec(QStringLiteral("DELETE FROM ferry.held_event WHERE queue_name = $1 AND "
                                        "source_table_id = $2"),
                         {m_queue, sourceTableId});
    if (!r)
        return r.error();
    return {};
}

} // namespace ferry
