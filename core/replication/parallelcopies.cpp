#include "parallelcopies.h"

#include "util/joblogfile.h"
#include "util/logging.h"

#include <QMutex>

#include <libpq-fe.h>

#include <functional>
#include <optional>

namespace ferry {

// What a copy's thread and the worker share.
struct ParallelCopies::Slot
{
    NodeTable table;
    QMutex mutex; // guards the three below
    bool canceled = false;
    QList<CancelHandle> sessions;
    std::optional<Result<TableCopyResult>> result;

    // A session the copy opened; false once the copy was canceled (the
    // session is not used then).
    bool add(const Connection &c)
    {
        QMutexLocker lock(&mutex);
        if (canceled)
            return false;
        sessions.append(c.cancelHandle());
        return true;
    }
    bool isCanceled()
    {
        QMutexLocker lock(&mutex);
        return canceled;
    }
    void cancel()
    {
        QMutexLocker lock(&mutex);
        canceled = true;
        for (const CancelHandle &h : std::as_const(sessions))
            (void)h.cancel();
    }
};

namespace {

Error canceled()
{
    return Error(ErrorKind::Canceled, QStringLiteral("the worker stopped"));
}

bool reusable(const Connection &c)
{
    return c.isOpen() && PQtransactionStatus(c.handle()) == PQTRANS_IDLE;
}

// The copy, on the sessions given (an earlier copy's) or on new ones; the
// sessions are left in `sessions` when they can serve the next copy.
Result<TableCopyResult> runCopy(const ParallelCopies::Job &job,
                                std::optional<ParallelCopies::Sessions> &sessions,
                                const std::function<bool(const Connection &)> &add)
{
    if (!sessions) {
        auto node = Connection::open(job.node);
        if (!node)
            return std::move(
                node.error().withContext(QStringLiteral("opening the copy's session")));
        if (!add(*node))
            return canceled();
        auto provider = Connection::open(job.provider);
        if (!provider)
            return std::move(provider.error().withContext(QStringLiteral("provider")));
        sessions.emplace(ParallelCopies::Sessions{std::move(*node), std::move(*provider)});
    } else if (!add(sessions->node)) {
        sessions.reset();
        return canceled();
    }
    if (!add(sessions->provider)) {
        sessions.reset();
        return canceled();
    }
    Connection &node = sessions->node;
    auto copied = copyTable(sessions->provider, node, job.queue, job.table, job.lockTimeout);
    if (!copied || !reusable(node) || !reusable(sessions->provider))
        sessions.reset(); // a failure may have left either in any state
    if (!copied)
        return copied;
    // Said here, at its COMMIT: the worker may apply the next batch before
    // it takes this outcome.
    QString how = copied->binary ? QStringLiteral(" in binary format") : QString();
    if (copied->indexesBuiltAfter > 0)
        how += QStringLiteral(", %1 index(es) built after the load").arg(copied->indexesBuiltAfter);
    qCInfo(lcCore).noquote() << QStringLiteral("copied %1: %2 rows%3, catching up")
                                    .arg(displayTableName(node, job.table.destSchema,
                                                          job.table.destName),
                                         QString::number(copied->rows), how);
    // The worker puts the tick that lets the table become ok on the
    // provider (NodeWorker::tickAfterCopies).
    return copied;
}

} // namespace

ParallelCopies::ParallelCopies(int capacity)
    : m_capacity(qMax(1, capacity))
{
    m_pool.setMaxThreadCount(m_capacity);
    // A copy may wait long for a lock; its thread is not wanted back soon.
    m_pool.setExpiryTimeout(-1);
}

ParallelCopies::~ParallelCopies()
{
    stop();
}

QList<NodeTable> ParallelCopies::runningTables() const
{
    QList<NodeTable> out;
    for (const auto &slot : m_running)
        out.append(slot->table);
    return out;
}

void ParallelCopies::start(Job job)
{
    auto slot = std::make_shared<Slot>();
    slot->table = job.table;
    m_running.insert(job.table.sourceTableId, slot);
    // The copy logs where its worker logs (a JobLogScope is per thread).
    m_pool.start([this, slot, job = std::move(job), log = JobLogFile::current()]() {
        const JobLogScope scope(log);
        std::optional<Sessions> sessions = takeIdle(job);
        const bool reused = sessions.has_value();
        const auto add = [&slot](const Connection &c) {
            return slot->add(c);
        };
        auto result = runCopy(job, sessions, add);
        // A kept session the server closed meanwhile (idle_session_timeout,
        // a restart) fails at once: the copy is tried again on new ones.
        if (reused && !result && result.error().kind() == ErrorKind::Connection
            && !slot->isCanceled())
            result = runCopy(job, sessions, add);
        if (sessions)
            keepIdle(std::move(*sessions));
        {
            QMutexLocker lock(&slot->mutex);
            slot->sessions.clear(); // closed with the copy's connections
            slot->result.emplace(std::move(result));
            ++m_finished;
        }
    });
}

std::optional<ParallelCopies::Sessions> ParallelCopies::takeIdle(const Job &job)
{
    QMutexLocker lock(&m_idleMutex);
    for (auto it = m_idle.begin(); it != m_idle.end(); ++it) {
        if (it->node.connectionString().toString() == job.node.toString()
            && it->provider.connectionString().toString() == job.provider.toString()) {
            Sessions s = std::move(*it);
            m_idle.erase(it);
            return s;
        }
    }
    return std::nullopt;
}

void ParallelCopies::closeIdle()
{
    QMutexLocker lock(&m_idleMutex);
    m_idle.clear();
}

void ParallelCopies::keepIdle(Sessions sessions)
{
    QMutexLocker lock(&m_idleMutex);
    if (int(m_idle.size()) < m_capacity)
        m_idle.push_back(std::move(sessions));
}

QList<ParallelCopies::Outcome> ParallelCopies::takeFinished()
{
    QList<Outcome> out;
    for (auto it = m_running.begin(); it != m_running.end();) {
        const std::shared_ptr<Slot> slot = it.value();
        QMutexLocker lock(&slot->mutex);
        if (!slot->result) {
            ++it;
            continue;
        }
        out.append(Outcome{slot->table, std::move(*slot->result)});
        --m_finished;
        lock.unlock();
        it = m_running.erase(it);
    }
    return out;
}

void ParallelCopies::stop()
{
    // A cancel that came between two statements cancels nothing: asked
    // again until every copy ended.
    do {
        for (const auto &slot : std::as_const(m_running))
            slot->cancel();
    } while (!m_pool.waitForDone(500));
    m_running.clear();
    m_finished = 0;
    QMutexLocker lock(&m_idleMutex);
    m_idle.clear();
}

} // namespace ferry
