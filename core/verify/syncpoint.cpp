#include "syncpoint.h"

#include "verify/tableside.h"

#include <QElapsedTimer>
#include <QThread>

namespace ferry {

SyncPoint::SyncPoint(Connection &lock, Connection &provider, Connection &node, NodeInfo info)
    : m_lock(lock)
    , m_provider(provider)
    , m_node(node)
    , m_info(std::move(info))
{}

Result<qint64> SyncPoint::forceTick()
{
    auto r = m_provider.exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {m_info.queue});
    if (!r)
        return std::move(r.error().withContext(QStringLiteral("ticking the provider's queue")));
    if (r->isNull(0, 0))
        return Error(ErrorKind::Internal, QStringLiteral("the provider made no tick"));
    return r->toInt64(0, 0);
}

Result<qint64> SyncPoint::appliedTick()
{
    auto r = m_node.exec(QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE "
                                        "queue_name = $1 AND consumer_name = $2"),
                         {m_info.queue, m_info.workerName});
    if (!r)
        return r.error();
    return r->rowCount() == 0 ? qint64(-1) : r->toInt64(0, 0);
}

Result<bool> SyncPoint::waitApplied(qint64 tick, int ms)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        auto applied = appliedTick();
        if (!applied)
            return applied.error();
        if (*applied >= tick)
            return true;
        if (m_stop && m_stop->load())
            return Error(ErrorKind::Canceled, QStringLiteral("compare canceled"));
        if (clock.elapsed() >= ms)
            return false;
        QThread::msleep(20);
    }
}

Result<void> SyncPoint::catchUp(const SyncOptions &options)
{
    auto tick = forceTick();
    if (!tick)
        return tick.error();
    auto done = waitApplied(*tick, options.catchUpMs);
    if (!done)
        return done.error();
    if (*done)
        return {};
    auto applied = appliedTick();
    auto paused = m_node.exec(QStringLiteral("SELECT paused, worker_pid, (extract(epoch FROM "
                                             "pg_catalog.now() - worker_seen_at))::int, "
                                             "last_error FROM ferry.node_info WHERE queue_name = "
                                             "$1"),
                              {m_info.queue});
    QString why;
    if (paused && paused->rowCount() == 1) {
        if (paused->toBool(0, 0))
            why = QStringLiteral("it is paused (ferry resume)");
        else if (!paused->isNull(0, 3) && !paused->text(0, 3).isEmpty())
            why = QStringLiteral("it stopped at an error: %1").arg(paused->text(0, 3));
        else if (paused->isNull(0, 2) || paused->toInt64(0, 2) > 15)
            why = QStringLiteral("its worker does not seem to run (start it: ferry CONFIG.ini "
                                 "worker)");
        else
            why = QStringLiteral("it lags behind its provider");
    }
    return Error(ErrorKind::Canceled,
                 QStringLiteral("node %1 did not apply the provider's tick %2 within %3 s (it is "
                                "at tick %4; %5): nothing was compared, no false mismatch; wait "
                                "longer with --wait=SECONDS")
                     .arg(m_info.name)
                     .arg(*tick)
                     .arg(options.catchUpMs / 1000.0)
                     .arg(applied ? QString::number(*applied) : QStringLiteral("?"))
                     .arg(why.isEmpty() ? QStringLiteral("it lags") : why));
}

Result<void> SyncPoint::lockAndSync(const QString &table, const SyncOptions &options)
{
    // Under load the node may need a moment more than the lock should last:
    // the lock is let go and taken again, a few times.
    constexpr int kTries = 3;
    for (int attempt = 1;; ++attempt) {
        if (auto r = m_lock.exec(
                // Writers wait while this is held: the server ends it if
                // the client is gone (keepalives) or stops answering (an
                // idle transaction bound well past any planned hold).
                QStringLiteral("BEGIN; SET LOCAL search_path = pg_catalog, pg_temp; "
                               "SET LOCAL lock_timeout = %1; SET LOCAL "
                               "idle_in_transaction_session_timeout = '10min'; SET LOCAL "
                               "tcp_keepalives_idle = 10; SET LOCAL tcp_keepalives_interval = 5; "
                               "SET LOCAL tcp_keepalives_count = 3; LOCK TABLE ONLY %2 IN SHARE "
                               "MODE")
                    .arg(
                        QString::number(qMax<qint64>(1, qint64(options.lockTimeoutSeconds * 1000))),
                        table));
            !r) {
            (void)m_lock.exec(QStringLiteral("ROLLBACK"));
            Error e = r.error();
            if (e.sqlState() == QLatin1String("55P03"))
                return Error(ErrorKind::Canceled,
                             QStringLiteral("the provider's %1 could not be locked within %2 s "
                                            "(long transactions write it): nothing was "
                                            "compared; try again, or give --lock-timeout=SECONDS")
                                 .arg(table)
                                 .arg(options.lockTimeoutSeconds));
            if (e.sqlState() == QLatin1String("42501"))
                return Error(ErrorKind::Usage,
                             QStringLiteral("compare holds writes to the provider's %1 for a "
                                            "moment, which this role may not (LOCK ... IN SHARE "
                                            "MODE needs UPDATE, DELETE or TRUNCATE on it): GRANT "
                                            "one of them to it, or compare as a role that may")
                                 .arg(table));
            return e;
        }
        m_locked = true;
        auto tick = forceTick();
        if (!tick) {
            release();
            return tick.error();
        }
        auto done = waitApplied(*tick, options.lockedCatchUpMs);
        if (!done) {
            release();
            return done.error();
        }
        if (*done) {
            m_tick = *tick;
            return {};
        }
        release();
        if (attempt == kTries)
            return Error(ErrorKind::Canceled,
                         QStringLiteral("node %1 did not apply a tick within %2 s, %3 times, "
                                        "while the provider's %4 was held: nothing was compared; "
                                        "try again when the node lags less")
                             .arg(m_info.name)
                             .arg(options.lockedCatchUpMs / 1000.0)
                             .arg(kTries)
                             .arg(table));
    }
}

Result<void> SyncPoint::openSnapshots()
{
    const QString begin = QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ")
                          + pinnedTextSettings() + QStringLiteral("; SELECT 1");
    if (auto r = m_provider.exec(begin); !r) {
        (void)m_provider.exec(QStringLiteral("ROLLBACK"));
        return r.error();
    }
    if (auto r = m_node.exec(begin); !r) {
        (void)m_provider.exec(QStringLiteral("ROLLBACK"));
        return r.error();
    }
    return {};
}

bool SyncPoint::stillLocked()
{
    return m_locked && m_lock.exec(QStringLiteral("SELECT 1")).ok();
}

void SyncPoint::release()
{
    if (m_locked) {
        (void)m_lock.exec(QStringLiteral("COMMIT"));
        m_locked = false;
    }
}

} // namespace ferry
