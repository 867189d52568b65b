#pragma once

#include "cascade/node.h"

#include <atomic>

namespace ferry {

// How long compare and repair wait for a node, and for the provider's lock.
struct SyncOptions
{
    // The node reaching a tick taken now, before any lock is taken (--wait).
    int catchUpMs = 30000;
    // The same while the provider's table is locked: writers of that table
    // wait meanwhile, so this is short; tried again a few times.
    int lockedCatchUpMs = 3000;
    double lockTimeoutSeconds = 2; // waiting for the table lock itself
};

// A point where the provider's table and the node's hold the same rows: the
// provider's table is locked in SHARE mode (writers of it wait; readers do
// not), a tick is taken, and once the node applied it, no change of that
// table is on its way. Compare then opens a REPEATABLE READ transaction on
// each side and lets the lock go at once; repair writes first.
//
// Uses three sessions: `lock` holds the lock, `provider` ticks and reads,
// `node` reads the node's progress (and the table).
class SyncPoint
{
public:
    SyncPoint(Connection &lock, Connection &provider, Connection &node, NodeInfo info);

    // Waits, without a lock, until the node applied a tick taken now: a node
    // that lags is told so here, before any writer waits for it.
    Result<void> catchUp(const SyncOptions &options);
    // Locks `table` (the provider's, quoted) and waits for the node to apply
    // a tick taken under the lock; on success the lock is held (release()).
    Result<void> lockAndSync(const QString &table, const SyncOptions &options);
    // Begins READ ONLY REPEATABLE READ transactions on `provider` and `node`
    // (their snapshots taken now) with the settings values read back by.
    Result<void> openSnapshots();
    // Ends the lock's transaction.
    void release();
    // Whether the lock's session still holds it (asks the server).
    bool stillLocked();
    qint64 tick() const { return m_tick; }
    // Waits end early, as canceled, once *stop is true.
    void setStop(const std::atomic_bool *stop) { m_stop = stop; }

private:
    Result<qint64> forceTick();
    Result<qint64> appliedTick();
    // Waits until the node applied `tick`, at most `ms`.
    Result<bool> waitApplied(qint64 tick, int ms);

    Connection &m_lock;
    Connection &m_provider;
    Connection &m_node;
    NodeInfo m_info;
    qint64 m_tick = 0;
    bool m_locked = false;
    const std::atomic_bool *m_stop = nullptr;
};

} // namespace ferry
