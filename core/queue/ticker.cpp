#include "ticker.h"

#include "queue/queueadmin.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QThread>

namespace ferry {

namespace {

// Sleeps up to ms, waking early when stop is set.
void sleepUnlessStopped(int ms, const std::atomic_bool &stop)
{
    QElapsedTimer clock;
    clock.start();
    while (!stop.load() && clock.elapsed() < ms)
        QThread::msleep(qMin<qint64>(100, ms - clock.elapsed()));
}

} // namespace

Ticker::Ticker(ConnectionString connectionString, TickerOptions options)
    : m_connectionString(std::move(connectionString))
    , m_options(std::move(options))
{}

Result<void> Ticker::ensureConnected()
{
    if (m_connection && m_connection->isOpen())
        return {};
    if (m_connection)
        return m_connection->reconnect();
    auto c = Connection::open(m_connectionString);
    if (!c)
        return c.error();
    m_connection.emplace(std::move(c).value());
    return {};
}

Result<QStringList> Ticker::queueNames()
{
    if (!m_options.queues.isEmpty())
        return m_options.queues;
    if (m_queues.isEmpty()) {
        auto names = QueueAdmin(*m_connection).queues();
        if (!names)
            return names.error();
        m_queues = names.value();
    }
    return m_queues;
}

Result<QList<qint64>> Ticker::tickOnce()
{
    if (auto r = ensureConnected(); !r)
        return r.error();
    auto names = queueNames();
    if (!names)
        return names.error();
    QList<qint64> ticks;
    QueueAdmin admin(*m_connection);
    for (const QString &queue : names.value()) {
        auto t = admin.tick(queue);
        if (!t) {
            if (t.error().sqlState() == QLatin1String("42704")) {
                m_queues.clear(); // the queue was dropped: re-read the list next time
                continue;
            }
            return t.error();
        }
        if (t->has_value())
            ticks.append(**t);
    }
    return ticks;
}

Result<MaintenanceReport> Ticker::maintainOnce()
{
    if (auto r = ensureConnected(); !r)
        return r.error();
    m_queues.clear(); // pick up queues created or dropped since the last round
    auto names = queueNames();
    if (!names)
        return names.error();
    MaintenanceReport report;
    for (const QString &queue : names.value()) {
        auto r = m_connection->exec(
            QStringLiteral("SELECT ferry.maint_rotate($1), ferry.maint_truncate($1), "
                           "ferry.maint_cleanup_ticks($1)"),
            {queue});
        if (!r) {
            if (r.error().sqlState() == QLatin1String("42704"))
                continue;
            return r.error().withContext(QStringLiteral("maintenance of queue %1").arg(queue));
        }
        report.rotations += r->toBool(0, 0) ? 1 : 0;
        report.truncatedTables += int(r->toInt64(0, 1));
        report.deletedTicks += r->toInt64(0, 2);
    }
    return report;
}

void Ticker::run(const std::atomic_bool &stop)
{
    QElapsedTimer sinceMaintenance;
    sinceMaintenance.start();
    bool maintenanceDue = true;
    int retryMs = m_options.retryMinMs;
    while (!stop.load()) {
        Result<void> round;
        if (maintenanceDue) {
            auto m = maintainOnce();
            if (m) {
                maintenanceDue = false;
                sinceMaintenance.restart();
                if (m->rotations || m->truncatedTables)
                    qCInfo(lcCore).noquote()
                        << "ticker: rotated" << m->rotations << "queue(s), truncated"
                        << m->truncatedTables << "event table(s)";
            } else {
                round = m.error();
            }
        }
        if (round.ok()) {
            if (auto t = tickOnce(); !t)
                round = t.error();
        }
        if (!round.ok()) {
            qCWarning(lcCore).noquote()
                << "ticker:" << round.error().toString() << "- retrying in" << retryMs << "ms";
            sleepUnlessStopped(retryMs, stop);
            retryMs = qMin(retryMs * 2, m_options.retryMaxMs);
            continue;
        }
        retryMs = m_options.retryMinMs;
        if (sinceMaintenance.elapsed() >= m_options.maintenanceMs)
            maintenanceDue = true;
        sleepUnlessStopped(m_options.pollMs, stop);
    }
}

} // namespace ferry
