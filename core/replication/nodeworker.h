#pragma once

#include "cascade/node.h"
#include "cascade/nodeerrorlog.h"
#include "config/jobconfig.h"
#include "db/connection.h"
#include "replication/sequencesync.h"
#include "util/refusedlogin.h"

#include <QHash>
#include <QMutex>

#include <atomic>
#include <memory>

namespace ferry {

struct NodeTable;
class ParallelCopies;

// The sessions a running NodeWorker has open, for a stop that cannot wait
// for the statement in flight (a batch waiting for a lock): cancel() sends
// each a cancel request from any thread. (Initial copies run on sessions of
// their own, which the worker cancels itself when it stops.) The worker registers every session it
// opens or reopens, from its own thread.
class WorkerCancel
{
public:
    void set(const QString &session, CancelHandle handle);
    void cancelAll() const;

private:
    mutable QMutex m_mutex;
    QHash<QString, CancelHandle> m_handles;
};

struct WorkerOptions
{
    std::shared_ptr<WorkerCancel> cancel; // optional
    ConnectionString db;                  // this node's database (the config's db)
    QString queue;
    double loopDelay = 1.0;    // seconds to wait for a tick when NOTIFY stays silent
    double lockTimeout = 10.0; // seconds, for the initial copy's locks
    int parallelCopies = 1;    // initial copies at once, each on sessions of its own
    bool runTicker = true;     // root only: also tick and maintain the queue
    int tickerPollMs = 200;
    int retryMinMs = 500; // back-off after an error: doubles up to retryMaxMs
    int retryMaxMs = 30000;
    // A refused login (a wrong password) is said once and tried again this
    // rarely: every few seconds could lock the role out (a reload tries at once).
    int authRetryMs = RefusedLogin::kRetryMs;
    // A refused first login is waited out as a later one is, rather than
    // ending the worker: a service has nobody at a terminal to read the
    // error, and a service manager restarting it would log in again and
    // again (`ferry worker` under systemd sets this).
    bool waitForLogin = false;
    // A leaf brings its sequences up to the root's values at most this often.
    int sequenceSyncMs = 1000;
};

// The worker of one node (`ferry CONFIG.ini worker`).
//
// On the root it runs the ticker (unless a separate `ferry ticker` does) and
// keeps the node's heartbeat. On a leaf it applies its provider's batches,
// one node transaction each (see Applier), woken by the provider's NOTIFY
// after each tick, while up to parallelCopies tables that wait for their
// initial copy are copied on threads and sessions of their own
// (ParallelCopies); a stop cancels those copies and waits for them.
//
// One worker per node: it holds a session advisory lock on the node's
// database while it runs. A lost connection is logged with the masked
// connection string and retried with back-off, forever; a refused login is
// logged once and tried again every authRetryMs; an error in a batch
// (a constraint, a missing table) stops the node at that batch: the error is
// stored in ferry.node_info for `status`, and the batch is retried with
// back-off until the operator fixed the cause. Nothing is ever applied past a
// failed batch.
class NodeWorker
{
public:
    explicit NodeWorker(WorkerOptions options);
    ~NodeWorker();

    // The options of CONFIG.ini's worker (both front ends run it this way).
    static WorkerOptions optionsFor(const JobConfig &config);
    // What should fail at once rather than be retried, checked before a
    // worker is reported as started: a refused login, not a node, a node of
    // another queue, a worker already running for the node. An unreachable database passes
    // with a warning (the worker keeps trying: it may be starting up with
    // the machine).
    static Result<void> checkStart(const JobConfig &config);

    // Runs until stop is set (checked at least every 100 ms). Fails only
    // when the worker cannot start: its login is refused (unless
    // waitForLogin), the database is not a node of the queue, or another
    // worker runs for it.
    Result<void> run(const std::atomic_bool &stop);

private:
    Result<NodeInfo> start();
    Result<void> runRoot(const std::atomic_bool &stop);
    Result<void> runLeaf(const std::atomic_bool &stop);
    // One round of a leaf: a copy, a batch, or a wait for the next tick.
    Result<void> leafRound(Connection &provider, const std::atomic_bool &stop, bool &idle);
    // Starts the copies of in-copy tables that are due, while slots are
    // free; a table other in-copy tables' foreign keys reference first.
    Result<void> startCopies(const QList<NodeTable> &tables);
    // What the copies that ended since the last round did: logged, their
    // errors stored, a failed one tried again after a back-off. Owes the
    // provider a tick when one succeeded.
    void finishCopies();
    // Puts the tick a finished copy needs on the provider (so its table
    // becomes ok with the next batch, also on an idle root) once no other
    // copy is waiting to start, or a second after the last such tick: many
    // small tables share one batch instead of one each (every batch locks
    // every node_table row of the queue).
    void tickAfterCopies(Connection &provider, const QList<NodeTable> &tables);
    void backOffCopy(int sourceTableId, qint64 minimumMs = 0);
    // An in-copy table whose copy is not running and whose back-off ended.
    bool copyDue(const NodeTable &table, qint64 nowMs) const;
    // The back-off after a failed round: `ms`, or less when the operator
    // asks for a retry now (a NOTIFY on the node). True when asked.
    bool waitForRetry(int ms, const std::atomic_bool &stop);
    Result<void> heartbeat(bool force);
    void recordError(const Error &error);
    Error droppedError() const;
    void clearError();
    // Reopens the node's session if it broke and takes the worker lock
    // (again); fails while another worker holds it.
    Result<void> reconnectNode();

    WorkerOptions m_options;
    std::optional<Connection> m_node;
    NodeInfo m_info;
    QString m_nodeError;   // what is stored in node_info.last_error now
    ErrorSite m_site;      // the batch (and event) the current round works on
    bool m_locked = false; // holds the worker lock: may work on the node
    qint64 m_lastHeartbeatMs = 0;
    QHash<int, qint64> m_copyRetryAtMs; // failed copies: provider's table id -> when to retry
    QHash<int, qint64> m_copyBackoffMs;
    std::unique_ptr<ParallelCopies> m_copies; // a leaf's, while runLeaf() runs
    QString m_copyLoginRefused;               // a copy's refused login, said once
    bool m_copyTickOwed = false;              // a copy ended since the last tickAfterCopies()
    qint64 m_copyTickMs = 0;                  // when tickAfterCopies() last ticked
    bool m_tableError = false;                // a node_table row holds the error a batch failed on
    RefusedLogin m_refused;
    SequenceSync m_sequences;
};

} // namespace ferry
