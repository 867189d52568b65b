#include "ticker.h"

#include "util/stoppable.h"

#include "queue/queueadmin.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

namespace ferry {

Ticker::Ticker(ConnectionString connectionString, TickerOptions options)
    : m_connectionString(std::move(connectionString))
    , m_options(std::move(options))
{}

Result<void> Ticker::ensureConnected()
{
    if (m_connection && m_connection->isOpen())
        return {};
    if (m_connection) {
        if (auto r = m_connection->reconnect(); !r)
            return r;
        return configureSession();
    }
    auto c = Connection::open(m_connectionString);
    if (!c)
        return c.error();
    m_connection.emplace(std::move(c).value());
    return configureSession();
}

// Ticks and maintenance rely on READ COMMITTED; a lock held elsewhere must
// not hang the ticker for good.
Result<void> Ticker::configureSession()
{
    if (auto r
        = m_connection->exec(QStringLiteral("SET default_transaction_isolation = 'read committed'; "
                                            "SET lock_timeout = '10s'"));
        !r)
        return r.error();
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
            if (t.error().kind() == ErrorKind::Connection)
                return t.error();
            // One broken queue must not stop the others from ticking.
            qCWarning(lcCore).noquote() << "ticker: queue" << queue << ":" << t.error().toString();
            continue;
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
        // Tables dropped without the event trigger seeing it (an install
        // without superuser), or changed: forgotten with their release
        // event, or their capture brought up to date.
        auto tables = m_connection->exec(
            QStringLiteral("SELECT pg_catalog.array_to_json(ferry.maint_tables($1))"), {queue});
        if (!tables && tables.error().kind() == ErrorKind::Connection)
            return tables.error();
        if (tables) {
            for (const QJsonValue &line : QJsonDocument::fromJson(tables->bytes(0, 0)).array()) {
                qCWarning(lcCore).noquote()
                    << QStringLiteral("queue %1: %2").arg(queue, line.toString());
                report.tableChanges.append(line.toString());
            }
        } else if (tables.error().sqlState() != QLatin1String("42704")
                   && tables.error().sqlState() != QLatin1String("42883")) {
            qCWarning(lcCore).noquote() << QStringLiteral("ticker: maint_tables of queue %1: %2")
                                               .arg(queue, tables.error().toString());
        }
        // Separate statements, so separate transactions: truncation must see
        // the rotation committed (writers switched to the new table) and
        // every row committed before it takes its lock.
        qint64 values[3] = {0, 0, 0};
        const char *steps[3]
            = {"maint_rotate($1)::int", "maint_truncate($1)", "maint_cleanup_ticks($1)"};
        for (int i = 0; i < 3; ++i) {
            auto r = m_connection->exec(
                QStringLiteral("SELECT ferry.%1").arg(QLatin1String(steps[i])), {queue});
            if (!r) {
                if (r.error().kind() == ErrorKind::Connection)
                    return r.error();
                if (r.error().sqlState() != QLatin1String("42704"))
                    qCWarning(lcCore).noquote()
                        << QStringLiteral("ticker: %1 of queue %2: %3")
                               .arg(QLatin1String(steps[i]), queue, r.error().toString());
                break; // the next steps depend on this one; try again next round
            }
            values[i] = r->toInt64(0, 0);
        }
        report.rotations += int(values[0]);
        report.truncatedTables += int(values[1]);
        report.deletedTicks += values[2];
    }
    return report;
}

void Ticker::run(const std::atomic_bool &stop)
{
    QElapsedTimer sinceMaintenance;
    bool maintenanceDue = true;
    int retryMs = m_options.retryMinMs;
    RefusedLogin refused;
    while (!stop.load()) {
        // Errors other than a lost connection are logged per queue inside
        // tickOnce()/maintainOnce(); what reaches here means reconnecting.
        Result<void> round;
        if (maintenanceDue) {
            auto m = maintainOnce();
            if (m) {
                maintenanceDue = false;
                sinceMaintenance.start();
                if (m->rotations || m->truncatedTables)
                    qCInfo(lcCore).noquote()
                        << QStringLiteral(
                               "ticker: rotated %1 queue(s), truncated %2 event table(s)")
                               .arg(m->rotations)
                               .arg(m->truncatedTables);
            } else {
                round = m.error();
            }
        }
        if (round.ok()) {
            if (auto t = tickOnce(); !t)
                round = t.error();
        }
        if (!round.ok() && round.error().kind() == ErrorKind::Auth) {
            refused.wait(Error(round.error()).withContext(QStringLiteral("ticker")),
                         m_options.authRetryMs, stop);
            continue;
        }
        if (!round.ok()) {
            qCWarning(lcCore).noquote()
                << "ticker:" << round.error().toString() << "- retrying in" << retryMs << "ms";
            sleepUnlessStopped(retryMs, stop);
            retryMs = qMin(retryMs * 2, m_options.retryMaxMs);
            continue;
        }
        retryMs = m_options.retryMinMs;
        refused.clear();
        if (sinceMaintenance.isValid() && sinceMaintenance.elapsed() >= m_options.maintenanceMs)
            maintenanceDue = true;
        sleepUnlessStopped(m_options.pollMs, stop);
    }
}

} // namespace ferry
