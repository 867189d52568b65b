#pragma once

#include "db/connection.h"
#include "queue/batchreader.h"
#include "replication/tablemapping.h"

#include <QHash>

namespace ferry {

struct ApplyResult
{
    qint64 events = 0;           // read from the batch
    qint64 applied = 0;          // of those, for this node's tables and not already copied
    bool alreadyApplied = false; // the node had this batch: nothing was done
    bool rowByRow = false;       // a constraint broke set-based apply somewhere
    // Where the time went, in nanoseconds: events streamed from the provider
    // into the node; the per-table statements; recording the tick and COMMIT.
    qint64 streamNs = 0;
    qint64 statementsNs = 0;
    qint64 commitNs = 0;
};

// Applies batches of a provider's queue to one node's database.
//
// One batch is one transaction on the node: the events are streamed from the
// provider's COPY into a temporary table with COPY (provider, client and node
// work at the same time; the provider does not sort), reduced to their net
// effect per table and key (the last image of a key wins, a delete beats
// earlier images, TRUNCATE events cut the batch into ordered segments), then
// applied per table and segment with one INSERT ... ON CONFLICT DO UPDATE,
// preceded by one DELETE where the segment deletes rows or changes keys.
// What the client sees while streaming picks the cheapest form: a table with
// only inserts needs no net effect at all, an update that keeps its key
// contributes no delete. Where a constraint breaks that (a unique key swapped
// between rows, say), the segment is applied again event by event in queue
// order. The batch's tick is recorded in ferry.completed_tick in the same
// transaction, so a crash at any point applies the batch exactly once: a
// batch the node already has is recognised and skipped, and a batch that does
// not follow the node's last tick is refused (two workers for one node, or a
// consumer moved by hand).
//
// The session sets session_replication_role = replica where the role may
// (user triggers and foreign keys stay silent, as on the source), and
// ferry.apply_session = on, which Ferry's deny trigger lets pass.
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

    // Where the last failed apply() stopped, when event-by-event apply met the
    // failing event: its id in the queue and its target table ("schema.table").
    std::optional<qint64> failedEvent() const { return m_failedEvent; }
    QString failedTable() const { return m_failedTable; }

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
    struct Streamed
    {
        QHash<int, int> shapes; // table id -> Shape bits, for the tables with events
        qint64 truncates = 0;
    };

    Result<void> configureTransaction();
    Result<void> copyEvents(const Batch &batch,
                            BatchReader &reader,
                            const QHash<int, TableMapping> &tables,
                            ApplyResult &result,
                            Streamed &streamed);
    Result<void>
    applySegment(qint64 from, qint64 to, const TableMapping &table, int shape, bool &rowByRow);
    // The statements that apply one table's segment set-based.
    Result<QStringList> setBasedSql(qint64 from, qint64 to, const TableMapping &table, int shape);
    Result<void> applyRowByRow(qint64 from, qint64 to, const TableMapping &table);
    Result<void> loadColumns(const QList<TableMapping> &tables);
    Result<QStringList> columnsOf(const TableMapping &table);

    QString target(const TableMapping &table) const;
    QString keyList(const QString &alias, const TableMapping &table) const;
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

    Connection &m_node;
    QString m_queue;
    QString m_consumer;
    bool m_alwaysRowByRow = false;
    std::optional<qint64> m_failedEvent;
    QString m_failedTable;
    bool m_eventIndex = false;                   // ferry_ev has its ev_id index (this transaction)
    QHash<int, QStringList> m_columns;           // target columns per table, in order
    QHash<int, QHash<QString, QString>> m_types; // and their types
};

} // namespace ferry
