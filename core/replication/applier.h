#pragma once

#include "db/connection.h"
#include "queue/batchreader.h"
#include "replication/tablemapping.h"

#include <QHash>
#include <QSet>

namespace ferry {

struct ApplyResult
{
    qint64 events = 0;           // read from the batch
    qint64 applied = 0;          // of those, for this node's tables and not already copied
    bool alreadyApplied = false; // the node had this batch: nothing was done
    bool rowByRow = false;       // a constraint broke set-based apply somewhere
    // Tables the provider stopped replicating (an 'R' event): no longer
    // subscribed on this node from this batch on (display names).
    QStringList released;
    QStringList notes;   // what the worker should log as warnings
    QStringList scripts; // what the worker should log of the scripts applied (execute)
    // Where the time went, in nanoseconds: events streamed from the provider
    // into the node; the per-table statements; recording the tick and COMMIT.
    qint64 streamNs = 0;
    qint64 statementsNs = 0;
    qint64 commitNs = 0;
    // The node's tables as this batch's transaction found them (merge states
    // read under their row locks): what the worker judges catching-up
    // tables by afterwards. Empty for a batch already applied.
    QHash<int, TableMapping> tables;
};

// Applies batches of a provider's queue to one node's database.
//
// One batch is one transaction on the node: the events are streamed from the
// provider's COPY into a temporary table with COPY (provider, client and node
// work at the same time; the provider does not sort), reduced to their net
// effect per table and key (the last image of a key wins, a delete beats
// earlier images, TRUNCATE events cut the batch into ordered segments), then
// applied per segment: the deletes of every table, children before the
// tables their foreign keys reference, then one INSERT ... ON CONFLICT DO
// UPDATE per table, referenced tables first. What the client sees while
// streaming picks the cheapest form: a table with only inserts needs no net
// effect at all, an update that keeps its key contributes no delete. Where a
// constraint breaks that (a unique key swapped between rows, a foreign key
// the set order cannot satisfy), the segment is applied again event by
// event in queue order across its tables. The batch's tick is recorded in
// ferry.completed_tick in the same transaction, so a crash at any point
// applies the batch exactly once: a batch the node already has is
// recognised and skipped, and one that does not follow the node's last tick
// (a provider restored from a backup, a consumer moved by hand) is refused.
//
// Rule R1 lives here: an event is applied with exactly the columns it
// carries (a column the root dropped keeps its value here); a column the
// node lacks fails the batch, naming the column, the table and the event;
// the provider's release of a table ('R') ends its subscription in the
// batch's own transaction.
//
// The session sets session_replication_role = replica where the role may
// (user triggers and foreign keys stay silent, as on the source), and
// ferry.apply_session = on, which Ferry's write guard lets pass for members
// of the node's apply role; deferrable constraints are checked at COMMIT.
class Applier
{
public:
    Applier(Connection &node, QString queue, QString consumer);

    // Installs or upgrades Ferry's schema on the node.
    Result<void> prepare();
    // The last tick applied here; empty before the first batch.
    Result<std::optional<qint64>> completedTick();
    Result<ApplyResult>
    apply(const Batch &batch, BatchReader &reader, const QHash<int, TableMapping> &tables);

    // Where the last failed apply() stopped, when it could tell: the event's
    // id in the queue, its target table ("schema.table") and its key.
    std::optional<qint64> failedEvent() const { return m_failedEvent; }
    QString failedTable() const { return m_failedTable; }
    // The provider's table id of failedTable(), 0 when none.
    int failedTableId() const { return m_failedTableId; }

    // Apply every event by itself, in queue order (the benchmark's reference).
    void setAlwaysRowByRow(bool on) { m_alwaysRowByRow = on; }

    // What one table's events in a batch hold (a bit mask of Shape values).
    enum Shape {
        Inserts = 1,
        Updates = 2,    // updates that keep the row's key
        KeyChanges = 4, // updates that change it
        Deletes = 8,
    };

private:
    // The node's side of one target table.
    struct NodeTable
    {
        QStringList columns;           // every column, in order
        QHash<QString, QString> types; // column -> type, for casts
        QSet<QString> generated;       // computed by the node: never written
        QSet<QString> identityAlways;  // GENERATED ALWAYS AS IDENTITY: never updated
        QStringList keyEquals;         // per key column, its key's = operator, qualified
        QList<int> references;         // source table ids this table's foreign keys reference
    };
    // The column sets (top-level names of ev_data) a table's events carried.
    struct ColumnSet
    {
        QStringList names;
        qint64 firstEvent = 0;
        qint64 lastEvent = 0; // a segment checks only the sets with events in it
    };
    struct Streamed
    {
        QHash<int, int> shapes; // table id -> Shape bits, for the tables with events
        qint64 truncates = 0;
        QHash<int, QHash<quint64, ColumnSet>> columnSets; // table id -> signature -> names
        QList<int> released;                              // 'R' events, table ids
        QVector<qint64> lines; // the event id of each line sent (8 bytes an event)
        QSet<int> held;        // tables whose events this batch keeps for after their copy
        QList<qint64> scripts; // 'E' events (execute), by id; not in ferry_ev
    };
    struct Segment
    {
        qint64 from = 0; // events with ids in (from, to)
        qint64 to = 0;
        QList<int> truncateAfter; // then TRUNCATE these tables together
        qint64 scriptAfter = 0;   // or then run this 'E' event's script (its id is `to`)
    };

    Result<void> configureTransaction();
    // Held events (applierheld.cpp, DESIGN §4 "Parallel copies"). The
    // tables' merge states as this transaction finds them, each node_table
    // row share-locked to COMMIT (no copy takes its snapshot meanwhile), or
    // found locked by a running copy: that table's events are held.
    // `withHeld` gets the tables whose held events this batch applies.
    Result<QHash<int, TableMapping>> lockCopyStates(const QHash<int, TableMapping> &tables,
                                                    QSet<int> &withHeld);
    // Moves this batch's events of held tables from ferry_ev to ferry.held_event.
    Result<void> storeHeldEvents(const Streamed &streamed);
    // Moves the held events of `withHeld` (tables no copy runs for now) into
    // ferry_ev, less those a catching-up table's copy saw, and adds them to
    // what was streamed: every shape (they are not scanned), their column sets.
    Result<void> takeHeldEvents(const QHash<int, TableMapping> &tables,
                                const QSet<int> &withHeld,
                                Streamed &streamed,
                                ApplyResult &result);
    // The provider released a table: its held events go with it.
    Result<void> dropHeldEvents(int sourceTableId);
    // The operator's fixes (applierresolve.cpp, skip-event and
    // replace-event): the batch's events that have one leave ferry_ev (a
    // skipped one also ferry.held_event), their tables' shapes and column
    // sets are read again, and the fixes are marked applied, all in this
    // transaction. Replacements are kept for applyReplacement().
    Result<void> takeEventFixes(const Batch &batch, Streamed &streamed, ApplyResult &result);
    // The segments cut once more at each replaced event: the SQL runs where
    // the event stood.
    QList<Segment> cutAtReplacements(const QList<Segment> &segments) const;
    // Runs the SQL that replaces the event ending `segment`, if any.
    Result<void> applyReplacement(const Segment &segment);
    // skip-event or replace-event of a script ('E') event, taken when the
    // script's turn comes: whether it is replaced (else skipped), and by what.
    struct ScriptFix
    {
        bool replaced = false;
        QString replacement;
    };
    Result<std::optional<ScriptFix>> takeScriptFix(qint64 eventId, qint64 batchId);
    // The operator's SQL in place of event `eventId`, in the batch's transaction.
    Result<void> runReplacement(qint64 eventId, const QString &sql);
    Result<void> checkPosition(const Batch &batch, ApplyResult &result);
    Result<void> copyEvents(const Batch &batch,
                            BatchReader &reader,
                            const QHash<int, TableMapping> &tables,
                            ApplyResult &result,
                            Streamed &streamed);
    Error failedCopy(const Error &copyError,
                     const Batch &batch,
                     BatchReader &reader,
                     const QHash<int, TableMapping> &tables,
                     const Streamed &streamed);
    Result<QList<Segment>> segments(const Streamed &streamed);
    // Scripts (applierscript.cpp, DESIGN §4 "Scripts through the queue").
    // The segments cut again at each script event: rows before it, then the
    // script, then the rows after.
    static QList<Segment> cutAtScripts(const QList<Segment> &cuts, const QList<qint64> &scripts);
    // Runs one script event rewritten for this node and records it in
    // ferry.applied_script, in the batch's transaction.
    Result<void> applyScript(const Batch &batch,
                             BatchReader &reader,
                             qint64 eventId,
                             const QHash<int, TableMapping> &tables,
                             ApplyResult &result);
    Result<void> applySegment(const Segment &segment,
                              const QList<int> &order,
                              const QHash<int, TableMapping> &tables,
                              const Streamed &streamed,
                              bool &rowByRow);
    Result<void> applyRowByRow(const Segment &segment, const QHash<int, TableMapping> &tables);
    Result<void> loadNodeTables(const QList<TableMapping> &tables);
    // Parents before the tables whose foreign keys reference them.
    QList<int> applyOrder(const QList<int> &ids) const;
    // The columns an event with `carried` columns writes: the node's own
    // order, without the ones it computes. A carried column the node lacks is
    // an error naming it.
    Result<QStringList>
    writableColumns(const TableMapping &table, const QStringList &carried, qint64 event);
    // Where the batch failed, for failedEvent() and failedTable().
    void markFailed(const TableMapping &table, qint64 event);

    QString target(const TableMapping &table) const;
    QString keyMatch(const QString &a, const QString &b, const TableMapping &table) const;
    QString decodedColumns(const QString &alias,
                           const QStringList &columns,
                           const TableMapping &table) const;
    QString upsertTail(const QStringList &columns, const TableMapping &table) const;
    QString upsertSql(const TableMapping &table,
                      const QStringList &columns,
                      const QString &source,
                      const QString &dataExpr,
                      const QString &condition) const;
    // The set-based statements of one table and segment: those that delete
    // (run first, children first) and those that upsert.
    struct SetBased
    {
        QStringList deletes;
        QStringList upserts;
    };
    Result<SetBased> setBasedSql(const Segment &segment,
                                 const TableMapping &table,
                                 const QStringList &columns,
                                 int shape);

    Connection &m_node;
    QString m_queue;
    QString m_consumer;
    bool m_alwaysRowByRow = false;
    std::optional<qint64> m_failedEvent;
    QString m_failedTable;
    int m_failedTableId = 0;
    bool m_eventIndex = false;             // ferry_ev has its ev_id index (this transaction)
    QHash<qint64, QString> m_replacements; // this batch's replaced events -> their SQL
    QHash<int, NodeTable> m_nodeTables;    // by source table id
};

} // namespace ferry
