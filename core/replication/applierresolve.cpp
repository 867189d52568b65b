// The Applier's part in the operator's way past a failed event (DESIGN §4,
// "Skipping and replacing an event"): skip-event and replace-event record a
// fix in ferry.event_fix on the node; the next batch that holds the event
// takes it out of ferry_ev before anything is applied and, for a
// replacement, runs the operator's SQL at the event's place in the queue
// order, in the batch's own transaction. The fix is marked applied in that
// transaction too: a batch that fails leaves it pending for its next attempt.
#include "applier.h"

#include <algorithm>

namespace ferry {

Result<void> Applier::takeEventFixes(const Batch &batch, Streamed &streamed, ApplyResult &result)
{
    // One round trip, cheap when no fix is pending (a partial index). Events
    // of this batch only: a fix for a later event stays pending; a skipped
    // event kept for a table in its copy goes from held_event as well.
    auto r = m_node.exec(
        QStringLiteral(
            "WITH f AS (SELECT ev_id, action, replacement FROM ferry.event_fix WHERE queue_name = "
            "$1 AND applied_at IS NULL FOR UPDATE), "
            "gone AS (DELETE FROM ferry_ev e USING f WHERE e.ev_id OPERATOR(pg_catalog.=) f.ev_id "
            "RETURNING e.ev_id, e.ev_table), "
            "held AS (DELETE FROM ferry.held_event h USING f WHERE h.queue_name = $1 AND h.ev_id "
            "OPERATOR(pg_catalog.=) f.ev_id AND f.action = 'skip' RETURNING h.ev_id), "
            "done AS (UPDATE ferry.event_fix x SET applied_at = pg_catalog.now(), batch_id = $2 "
            "WHERE x.queue_name = $1 AND (x.ev_id IN (SELECT ev_id FROM gone) OR x.ev_id IN "
            "(SELECT ev_id FROM held)) RETURNING x.ev_id) "
            "SELECT f.ev_id, f.action = 'replace', f.replacement, g.ev_table, "
            "(SELECT pg_catalog.count(*) FROM done) FROM f JOIN gone g USING (ev_id)"),
        {m_queue, batch.id});
    if (!r)
        return r.error().withContext(QStringLiteral("taking the events skipped or replaced here"));
    if (r->rowCount() == 0)
        return {};
    QList<int> touched;
    for (int i = 0; i < r->rowCount(); ++i) {
        if (r->toBool(i, 1))
            m_replacements.insert(r->toInt64(i, 0), r->text(i, 2));
        const int table = int(r->toInt64(i, 3));
        if (!touched.contains(table))
            touched.append(table);
        --result.applied;
    }
    // What set-based apply plans by, read again for those tables: a skipped
    // event's columns (one this node lacks, say) must not fail the batch.
    // As for held events, every shape is assumed.
    QStringList ids;
    for (const int id : std::as_const(touched)) {
        ids.append(QString::number(id));
        streamed.shapes.remove(id);
        streamed.columnSets.remove(id);
    }
    auto sets = m_node.exec(
        QStringLiteral("SELECT ev_table, pg_catalog.bool_or(ev_op OPERATOR(pg_catalog.<>) 'T'), "
                       "pg_catalog.array_to_json(k), pg_catalog.min(ev_id), "
                       "pg_catalog.max(ev_id) FROM (SELECT "
                       "ev_table, ev_op, ev_id, CASE WHEN ev_op IN ('I', 'U') THEN ARRAY(SELECT "
                       "pg_catalog.json_object_keys(ev_data)) END AS k FROM ferry_ev WHERE "
                       "ev_table OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int4[])) m "
                       "GROUP BY ev_table, k"),
        {QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}')});
    if (!sets)
        return sets.error();
    constexpr int kEveryShape = Inserts | Updates | KeyChanges | Deletes;
    for (int i = 0; i < sets->rowCount(); ++i) {
        const int id = int(sets->toInt64(i, 0));
        streamed.shapes[id] |= sets->toBool(i, 1) ? kEveryShape : 0;
        if (sets->isNull(i, 2))
            continue; // deletes and TRUNCATEs carry no image
        const QStringList names = sets->jsonStrings(i, 2);
        auto &known = streamed.columnSets[id];
        // A key of its own, never 0 (which means "could not be read").
        quint64 signature = quint64(qHash(names.join(QChar(0)))) | 1;
        while (known.contains(signature))
            signature += 2;
        known.insert(signature, {names, sets->toInt64(i, 3), sets->toInt64(i, 4)});
    }
    return {};
}

QList<Applier::Segment> Applier::cutAtReplacements(const QList<Segment> &segments) const
{
    if (m_replacements.isEmpty())
        return segments;
    QList<qint64> at = m_replacements.keys();
    std::sort(at.begin(), at.end());
    QList<Segment> out;
    for (Segment s : segments) {
        for (const qint64 id : std::as_const(at)) {
            if (id <= s.from || id >= s.to)
                continue;
            out.append({s.from, id, {}});
            s.from = id;
        }
        out.append(s);
    }
    return out;
}

Result<void> Applier::applyReplacement(const Segment &segment)
{
    const auto sql = m_replacements.constFind(segment.to);
    if (sql == m_replacements.cend())
        return {};
    return runReplacement(segment.to, *sql);
}

Result<std::optional<Applier::ScriptFix>> Applier::takeScriptFix(qint64 eventId, qint64 batchId)
{
    // A script event never enters ferry_ev (takeEventFixes does not see
    // it): its fix is taken here, at its place, in the batch's transaction.
    auto r = m_node.exec(
        QStringLiteral("UPDATE ferry.event_fix SET applied_at = pg_catalog.now(), batch_id = $3 "
                       "WHERE queue_name = $1 AND ev_id = $2 AND applied_at IS NULL RETURNING "
                       "action = 'replace', replacement"),
        {m_queue, eventId, batchId});
    if (!r)
        return r.error().withContext(
            QStringLiteral("taking the fix of script event %1").arg(eventId));
    if (r->rowCount() == 0)
        return std::optional<ScriptFix>();
    return std::optional<ScriptFix>(ScriptFix{r->toBool(0, 0), r->text(0, 1)});
}

Result<void> Applier::runReplacement(qint64 eventId, const QString &replacement)
{
    const QString *sql = &replacement;
    // Through a DO block's EXECUTE: a COMMIT or ROLLBACK in the operator's
    // SQL fails there instead of ending the batch's transaction half-way.
    // In a savepoint, so the session stays usable for the error's record.
    // The batch's settings apply (search_path is pg_catalog, pg_temp: the
    // SQL names its tables with their schema).
    // The block's dollar quote is one the SQL does not hold.
    QString tag = QStringLiteral("$ferry_replace$");
    while (sql->contains(tag))
        tag.insert(tag.size() - 1, QLatin1Char('_'));
    auto r = m_node.exec(QStringLiteral("SAVEPOINT ferry_replace; DO %2 BEGIN EXECUTE %1; END %2; "
                                        "RELEASE SAVEPOINT ferry_replace")
                             .arg(m_node.quoteLiteral(*sql), tag));
    // A SET LOCAL in the operator's SQL outlives its savepoint: the rest of
    // the batch applies as configured again (R4).
    if (r)
        return configureTransaction();
    m_failedEvent = eventId;
    Error e = r.error();
    if (e.kind() != ErrorKind::Connection && e.kind() != ErrorKind::InDoubt)
        (void)m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_replace"));
    return std::move(e.withContext(
        QStringLiteral("the SQL that replaces event %1 (replace-event): correct it and run "
                       "replace-event %1 FILE again, or skip-event %1; nothing of the batch was "
                       "applied")
            .arg(eventId)));
}

} // namespace ferry
