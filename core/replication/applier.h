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
};

// Applies batches of a provider's queue to one node's database.
//
// One batch is one transaction on the node: the events are streamed into a
// temporary table with COPY, reduced to their net effect per table and key
// (the last image of a key wins, a delete beats earlier images, TRUNCATE
// events cut the batch into ordered segments), then applied with one DELETE
// and one INSERT ... ON CONFLICT DO UPDATE per table and segment. Where a
// constraint breaks that (a unique key swapped between rows, say), the
// segment is applied again event by event in queue order. The batch's tick is
// recorded in ferry.completed_tick in the same transaction, so a crash at any
// point applies the batch exactly once: a batch the node already has is
// recognised and skipped, and a batch that does not follow the node's last
// tick is refused (two workers for one node, or a consumer moved by hand).
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

    // Apply every event by itself, in queue order (the benchmark's reference).
    void setAlwaysRowByRow(bool on) { m_alwaysRowByRow = on; }

private:
    Result<void> configureTransaction();
    Result<void> copyEvents(const Batch &batch,
                            BatchReader &reader,
                            const QHash<int, TableMapping> &tables,
                            ApplyResult &result);
    Result<void> applySegment(qint64 from, qint64 to, const TableMapping &table, bool &rowByRow);
    Result<void> applySetBased(qint64 from, qint64 to, const TableMapping &table);
    Result<void> applyRowByRow(qint64 from, qint64 to, const TableMapping &table);
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
    QHash<int, QStringList> m_columns;           // target columns per table, in order
    QHash<int, QHash<QString, QString>> m_types; // and their types
};

} // namespace ferry
