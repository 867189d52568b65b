#pragma once

#include "verify/syncpoint.h"
#include "verify/tableside.h"

#include <atomic>
#include <functional>

namespace ferry {

// What a comparison is doing, in order, for a progress display.
enum class ComparePhase {
    WaitingForNode, // the node applying a tick taken now (SyncPoint::catchUp)
    Checksumming,   // both sides' count and checksum
    NarrowingDown,  // the key ranges that differ, down to the keys
    Rechecking,     // the keys found, at a newer synced point
};

struct CompareOptions
{
    SyncOptions sync;
    bool details = false;  // read the differing rows' values
    int fanOut = 16;       // key ranges a differing range is cut into
    int leafRows = 4000;   // a range this small is read key by key
    int maxListed = 10000; // differences found one by one; beyond, counts only
};

// One row that differs, by its key (as texts, in key order).
struct RowDifference
{
    enum class Kind { Missing, Extra, Changed };
    Kind kind = Kind::Changed;
    QStringList key;
    // With details: the compared columns that differ, and each side's
    // values of every compared column (empty for a side without the row).
    QStringList columns;
    QStringList providerValues;
    QStringList nodeValues;
};

struct TableComparison
{
    NodeTable table;
    QStringList columns;    // compared, by name
    QStringList keyColumns; // in key order
    QString skipped;        // not compared, and why (a table not in sync yet)
    qint64 providerRows = -1;
    qint64 nodeRows = -1;
    QString providerChecksum; // sum of the rows' 64-bit hashes, exact
    QString nodeChecksum;
    qint64 tick = 0; // the provider's tick both sides were read at
    qint64 missing = 0;
    qint64 extra = 0;
    qint64 changed = 0;
    bool tooMany = false; // more than maxListed rows differ: counts are lower bounds
    QList<RowDifference> differences;
    // Keys that differed and no longer did at a newer synced point: changes
    // on their way, not differences.
    QList<QStringList> inFlight;

    // Every key found differing was a change on its way (rechecked).
    bool allInFlight = false;

    // Where the time went, in milliseconds: reaching the synced point (the
    // catch-up and the locked tick), the checksums, narrowing down, the
    // recheck at a newer point.
    qint64 syncMs = 0;
    qint64 checksumMs = 0;
    qint64 narrowMs = 0;
    qint64 recheckMs = 0;

    bool compared() const { return skipped.isEmpty(); }
    bool equal() const
    {
        return compared() && differences.isEmpty() && !tooMany
               && (allInFlight || (providerRows == nodeRows && providerChecksum == nodeChecksum));
    }
};

// Compares a node's tables with its provider's: for each, at a synced point
// (SyncPoint), count and checksum both sides at the same time (one session
// each); where they differ, cut the key range into ranges of the provider's
// (or the node's) key distribution, checksum each on both sides, and go
// down the ranges that differ until they are small enough to compare key by
// key; then check the keys found once more at a newer synced point. The
// node's mapping (destination, columns) and row condition apply.
class TableComparer
{
public:
    TableComparer(Connection &lock,
                  Connection &provider,
                  Connection &node,
                  NodeInfo info,
                  CompareOptions options);

    // What it is doing, for a progress display; called on compare()'s thread.
    void setProgress(std::function<void(ComparePhase phase)> progress)
    {
        m_progress = std::move(progress);
    }

    Result<TableComparison> compare(const NodeTable &table);

    // From another thread: stops the comparison at once (its running
    // queries are canceled on both servers); compare() then fails with
    // ErrorKind::Canceled and holds no lock.
    void cancel();
    bool canceled() const { return m_canceled.load(); }

private:
    struct Checksum
    {
        qint64 rows = 0;
        QString sum;
        bool operator==(const Checksum &o) const { return rows == o.rows && sum == o.sum; }
        bool operator!=(const Checksum &o) const { return !(*this == o); }
    };
    Result<std::pair<Checksum, Checksum>> checksums(const TableSide::Range &range);
    Result<void> narrow(const TableSide::Range &range,
                        const Checksum &provider,
                        const Checksum &node,
                        TableComparison &out);
    Result<void> keyByKey(const TableSide::Range &range, TableComparison &out);
    Result<void> recheck(TableComparison &out);
    Result<void> readDetails(RowDifference &d);
    void endSnapshots();
    Error canceledOr(const Error &e) const;
    void phase(ComparePhase phase) const;

    Connection &m_lock;
    Connection &m_provider;
    Connection &m_node;
    NodeInfo m_info;
    CompareOptions m_options;
    TableSides m_sides;
    qint64 m_providerTotal = 0; // the table's rows, for the sample's size
    qint64 m_nodeTotal = 0;
    std::function<void(ComparePhase)> m_progress;
    std::atomic_bool m_canceled{false};
    CancelHandle m_cancelProvider;
    CancelHandle m_cancelNode;
    CancelHandle m_cancelLock;
};

// Both sides' query at once: `onProvider` here, `onNode` on a thread of the
// pool, each on its own session.
Result<std::pair<QueryResult, QueryResult>> queryBoth(Connection &provider,
                                                      const QString &providerSql,
                                                      const QVariantList &providerParams,
                                                      Connection &node,
                                                      const QString &nodeSql,
                                                      const QVariantList &nodeParams);

} // namespace ferry
