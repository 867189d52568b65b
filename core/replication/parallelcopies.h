#pragma once

#include "db/connectionstring.h"
#include "replication/tablecopy.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace ferry {

// The initial copies of a leaf's worker (`parallel_copies`): each on a
// thread of this object's own pool and on sessions of its own (one on the
// provider, one on the node, opened as the worker opens its own), at most
// capacity() at once, while the worker goes on applying batches. A copy
// that succeeded leaves its two sessions for the next one: opening them
// took longer than copying a small table.
//
// The worker drives it from its thread: start(), then takeFinished() in a
// later round; stop() cancels every running copy's statement, so its
// transactions roll back (no partial rows), and waits for its thread. The
// destructor stops too.
class ParallelCopies
{
public:
    struct Job
    {
        NodeTable table;
        ConnectionString node;
        ConnectionString provider;
        QString queue;
        double lockTimeout = 10.0;
    };
    struct Outcome
    {
        NodeTable table;
        Result<TableCopyResult> result;
    };

    explicit ParallelCopies(int capacity);
    ~ParallelCopies();
    ParallelCopies(const ParallelCopies &) = delete;
    ParallelCopies &operator=(const ParallelCopies &) = delete;

    int capacity() const { return m_capacity; }
    // Started and not taken back yet (also those that ended since).
    int running() const { return int(m_running.size()); }
    bool isRunning(int sourceTableId) const { return m_running.contains(sourceTableId); }
    QList<NodeTable> runningTables() const;
    // Some copy ended since the last takeFinished() (any thread).
    bool hasFinished() const { return m_finished.load() > 0; }

    void start(Job job);
    // Closes the sessions that ended copies left for the next one.
    void closeIdle();
    QList<Outcome> takeFinished();
    // Cancels every running copy and waits until all ended; their outcomes
    // are dropped (each is tried again by the next worker).
    void stop();

    struct Sessions
    {
        Connection node;
        Connection provider;
    };

private:
    struct Slot;

    std::optional<Sessions> takeIdle(const Job &job);
    void keepIdle(Sessions sessions);

    const int m_capacity;
    QThreadPool m_pool;
    QHash<int, std::shared_ptr<Slot>> m_running; // by the provider's table id
    std::atomic_int m_finished{0};
    QMutex m_idleMutex;
    std::vector<Sessions> m_idle; // at most capacity(), each outside a transaction
};

} // namespace ferry
