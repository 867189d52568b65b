#include "nodeworker.h"

#include "queue/batchreader.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "replication/applier.h"
#include "replication/nodecatalog.h"
#include "replication/tablecopy.h"
#include "replication/tableregistry.h"
#include "util/joblogfile.h"
#include "util/logging.h"
#include "util/stoppable.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSet>
#include <QThread>

#include <memory>

namespace ferry {

namespace {

constexpr qint64 kHeartbeatMs = 5000;

bool isConnectionError(const Error &e)
{
    return e.kind() == ErrorKind::Connection || e.kind() == ErrorKind::InDoubt;
}

// A table's error as its list shows it: the cause first (a narrow column
// shows that much), then where it happened.
QString causeFirst(const Error &e)
{
    QString text = e.message();
    if (!e.sqlState().isEmpty())
        text += QStringLiteral(" (SQLSTATE %1)").arg(e.sqlState());
    if (!e.context().isEmpty())
        text += QStringLiteral(" - ") + e.context();
    return text.simplified();
}

} // namespace

NodeWorker::NodeWorker(WorkerOptions options)
    : m_options(std::move(options))
    , m_sequences(m_options.queue, m_options.sequenceSyncMs)
{}

WorkerOptions NodeWorker::optionsFor(const JobConfig &config)
{
    WorkerOptions o;
    o.db = config.db();
    o.queue = config.queueName();
    o.loopDelay = config.loopDelay();
    o.lockTimeout = config.lockTimeout();
    o.runTicker = config.ticker();
    // ticker_period bounds how long a waiting event waits for the ticker to
    // look; whether a tick is due is the queue's own rule (DESIGN §3).
    o.tickerPollMs = qBound(10, int(config.tickerPeriod() * 1000), 200);
    return o;
}

Result<void> NodeWorker::checkStart(const JobConfig &config)
{
    auto db = Connection::open(config.db());
    if (!db) {
        if (db.error().kind() == ErrorKind::Connection) {
            qWarning().noquote() << db.error().toString() << "- the worker keeps trying";
            return {};
        }
        return db.error();
    }
    auto node = requireNode(*db, config.queueName());
    if (!node)
        return node.error();
    if (auto r = requireWorkerLock(*db, node.value()); !r)
        return r.error();
    // Said at start, with the GRANT that fixes it, not as a refused write in
    // every batch.
    if (auto r = requireMayApply(*db, node.value()); !r) {
        (void)releaseWorkerLock(*db, config.queueName());
        return r.error();
    }
    // Released now, not with the connection: see releaseWorkerLock.
    return releaseWorkerLock(*db, config.queueName());
}

void WorkerCancel::set(const QString &session, CancelHandle handle)
{
    QMutexLocker lock(&m_mutex);
    m_handles.insert(session, std::move(handle));
}

void WorkerCancel::cancelAll() const
{
    QMutexLocker lock(&m_mutex);
    for (const CancelHandle &handle : m_handles) {
        if (handle.isValid())
            (void)handle.cancel();
    }
}

Result<NodeInfo> NodeWorker::start()
{
    auto db = Connection::open(m_options.db);
    if (!db)
        return db.error();
    m_node.emplace(std::move(db.value()));
    if (m_options.cancel)
        m_options.cancel->set(QStringLiteral("node"), m_node->cancelHandle());
    auto info = requireNode(*m_node, m_options.queue);
    if (!info)
        return info.error();
    // An older Ferry may have installed the node: bring the schema up to date.
    if (auto r = SchemaInstaller::install(*m_node); !r)
        return r.error();
    if (auto r = requireWorkerLock(*m_node, info.value()); !r)
        return r.error();
    if (auto r = requireMayApply(*m_node, info.value()); !r)
        return r.error();
    m_info = info.value();
    m_nodeError = m_info.lastError;
    m_locked = true;
    return m_info;
}

Result<void> NodeWorker::reconnectNode()
{
    // The lock went with a broken session. An open session that found the
    // lock taken (another worker started while this one was disconnected)
    // asks again: until it has the lock, this worker leaves the node alone.
    if (!m_node->isOpen()) {
        m_locked = false;
        if (auto r = m_node->reconnect(); !r)
            return r;
        if (m_options.cancel)
            m_options.cancel->set(QStringLiteral("node"), m_node->cancelHandle());
    }
    auto locked = tryWorkerLock(*m_node, m_options.queue);
    if (!locked)
        return locked.error();
    if (!locked.value())
        return Error(ErrorKind::Connection,
                     QStringLiteral("another worker took over node '%1' while this one was "
                                    "disconnected; waiting until it stops")
                         .arg(m_info.name));
    m_locked = true;
    m_lastHeartbeatMs = 0; // say at once which worker runs the node now
    qCInfo(lcCore).noquote() << QStringLiteral("worker of node '%1' holds its lock again on %2")
                                    .arg(m_info.name, m_node->displayName());
    return {};
}

Result<void> NodeWorker::run(const std::atomic_bool &stop)
{
    // The database may be down when the worker starts (a reboot, S4): wait
    // for it rather than exit, but fail at once on anything else.
    int retryMs = m_options.retryMinMs;
    for (;;) {
        auto started = start();
        if (started)
            break;
        if (!isConnectionError(started.error()))
            return started.error();
        qCWarning(lcCore).noquote() << QStringLiteral("%1 - retrying in %2 ms")
                                           .arg(started.error().toString())
                                           .arg(retryMs);
        sleepUnlessStopped(retryMs, stop);
        if (stop.load())
            return {};
        retryMs = qMin(retryMs * 2, m_options.retryMaxMs);
    }
    qCInfo(lcCore).noquote() << QStringLiteral("worker of %1 node '%2' (queue '%3') on %4 started")
                                    .arg(nodeTypeName(m_info.type), m_info.name, m_info.queue,
                                         m_node->displayName());
    (void)heartbeat(true);
    Result<void> result = m_info.type == NodeType::Root ? runRoot(stop) : runLeaf(stop);
    if (m_locked && m_node->isOpen())
        (void)m_node->exec(QStringLiteral("UPDATE ferry.node_info SET worker_pid = NULL WHERE "
                                          "queue_name = $1"),
                           {m_options.queue});
    qCInfo(lcCore).noquote() << QStringLiteral("worker of node '%1' stopped").arg(m_info.name);
    return result;
}

Result<void> NodeWorker::heartbeat(bool force)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && now - m_lastHeartbeatMs < kHeartbeatMs)
        return {};
    auto r = m_node->exec(QStringLiteral("UPDATE ferry.node_info SET worker_seen_at = now(), "
                                         "worker_pid = $2 WHERE queue_name = $1 "
                                         "RETURNING paused"),
                          {m_options.queue, int(QCoreApplication::applicationPid())});
    if (!r)
        return r.error();
    m_lastHeartbeatMs = now;
    if (r->rowCount() == 0)
        return droppedError();
    m_info.paused = r->toBool(0, 0);
    return {};
}

Error NodeWorker::droppedError() const
{
    return Error(ErrorKind::Config,
                 QStringLiteral("node '%1' was dropped from %2: the worker stops")
                     .arg(m_info.name, m_node->displayName()));
}

void NodeWorker::recordError(const Error &error)
{
    const QString message = error.toString();
    qCCritical(lcCore).noquote() << QStringLiteral("node '%1': %2").arg(m_info.name, message);
    // Every attempt is counted in the error log; node_info changes only when
    // the error does.
    if (m_node && m_node->isOpen()) {
        if (auto r = recordNodeError(*m_node, m_options.queue, error, m_site); !r)
            qCWarning(lcCore).noquote()
                << QStringLiteral("cannot write the error log: %1").arg(r.error().toString());
    }
    if (message == m_nodeError)
        return;
    if (m_node
            ->exec(QStringLiteral("UPDATE ferry.node_info SET last_error = $2, last_error_at = "
                                  "now() WHERE queue_name = $1"),
                   {m_options.queue, message})
            .ok())
        m_nodeError = message;
}

void NodeWorker::clearError()
{
    if (m_nodeError.isEmpty() && !m_tableError)
        return;
    (void)resolveNodeErrors(*m_node, m_options.queue);
    // The table a batch failed on is past it (copy errors stay with their copy).
    if (m_node
            ->exec(QStringLiteral("UPDATE ferry.node_table SET last_error = NULL WHERE queue_name "
                                  "= $1 AND merge_state <> 'in-copy' AND last_error IS NOT NULL "
                                  "AND source_table_id IS NOT NULL"),
                   {m_options.queue})
            .ok())
        m_tableError = false;
    if (m_nodeError.isEmpty())
        return;
    if (m_node
            ->exec(QStringLiteral("UPDATE ferry.node_info SET last_error = NULL, last_error_at "
                                  "= NULL WHERE queue_name = $1"),
                   {m_options.queue})
            .ok()) {
        qCInfo(lcCore).noquote() << QStringLiteral("node '%1' is running again").arg(m_info.name);
        m_nodeError.clear();
    }
}

Result<void> NodeWorker::runRoot(const std::atomic_bool &stop)
{
    std::atomic_bool tickerStop{false};
    // A thread of its own, not the global pool's: the ticker runs as long as
    // the worker, and a process with several workers (the desktop manager)
    // needs its pool for short reads.
    std::unique_ptr<QThread> ticker;
    const auto stopTicker = [&tickerStop, &ticker] {
        tickerStop = true;
        if (ticker)
            ticker->wait();
    };
    if (m_options.runTicker) {
        TickerOptions options;
        options.pollMs = m_options.tickerPollMs;
        options.queues = {m_options.queue};
        options.retryMinMs = m_options.retryMinMs;
        options.retryMaxMs = m_options.retryMaxMs;
        options.authRetryMs = m_options.authRetryMs;
        const ConnectionString db = m_options.db;
        // The ticker logs where its worker logs (a JobLogScope is per thread).
        ticker.reset(QThread::create([db, options, &tickerStop, log = JobLogFile::current()]() {
            const JobLogScope scope(log);
            Ticker t(db, options);
            t.run(tickerStop);
        }));
        ticker->start();
    }
    int retryMs = m_options.retryMinMs;
    while (!stop.load()) {
        auto beat = m_locked ? heartbeat(false) : reconnectNode();
        if (!beat && beat.error().kind() == ErrorKind::Config) {
            stopTicker();
            return beat.error();
        }
        if (!beat && beat.error().kind() == ErrorKind::Auth) {
            m_refused.wait(beat.error(), m_options.authRetryMs, stop);
            m_locked = false;
            continue;
        }
        if (!beat && isConnectionError(beat.error())) {
            qCWarning(lcCore).noquote() << QStringLiteral("%1 - retrying in %2 ms")
                                               .arg(beat.error().toString())
                                               .arg(retryMs);
            sleepUnlessStopped(retryMs, stop);
            retryMs = qMin(retryMs * 2, m_options.retryMaxMs);
            if (!m_node->isOpen())
                m_locked = false;
            continue;
        }
        retryMs = m_options.retryMinMs;
        if (beat)
            m_refused.clear();
        sleepUnlessStopped(1000, stop);
    }
    stopTicker();
    return {};
}

Result<void> NodeWorker::runLeaf(const std::atomic_bool &stop)
{
    int retryMs = m_options.retryMinMs;
    std::optional<Connection> provider;
    while (!stop.load()) {
        Result<void> round;
        bool idle = false;
        m_site = ErrorSite(); // an error outside a batch names none
        // Nothing is done on the node without the worker lock.
        if (!m_locked)
            round = reconnectNode();
        if (round.ok() && !provider) {
            auto where = ConnectionString::parse(m_info.providerLocation);
            if (!where)
                return where.error();
            auto opened = Connection::open(*where);
            if (opened) {
                provider.emplace(std::move(opened.value()));
                if (m_options.cancel)
                    m_options.cancel->set(QStringLiteral("provider"), provider->cancelHandle());
                round = provider->listen(QStringLiteral("ferry:") + m_options.queue);
            } else {
                round = std::move(opened.error().withContext(QStringLiteral("provider")));
            }
        }
        if (round.ok())
            round = heartbeat(false);
        if (round.ok())
            round = leafRound(*provider, stop, idle);
        if (round.ok()) {
            retryMs = m_options.retryMinMs;
            m_refused.clear();
            if (idle && !stop.load()) {
                // Wait for the provider's next tick, at most loop_delay.
                const qint64 deadline
                    = QDateTime::currentMSecsSinceEpoch() + qint64(m_options.loopDelay * 1000);
                while (!stop.load()) {
                    const qint64 left = deadline - QDateTime::currentMSecsSinceEpoch();
                    if (left <= 0)
                        break;
                    auto n = provider->waitForNotification(int(qMin<qint64>(100, left)));
                    if (!n) {
                        round = n.error();
                        break;
                    }
                    if (n->has_value())
                        break;
                }
            }
            if (round.ok())
                continue;
        }

        const Error &e = round.error();
        if (e.kind() == ErrorKind::Config)
            return e; // the node is gone: nothing to retry
        if (stop.load())
            break; // what failed was most likely canceled by the stop
        if (e.kind() == ErrorKind::Auth) {
            // The node's or the provider's login: the session that failed is closed.
            m_refused.wait(e, m_options.authRetryMs, stop);
            if (!m_node->isOpen())
                m_locked = false;
            if (provider && !provider->isOpen())
                provider.reset();
            continue;
        }
        if (isConnectionError(e)) {
            qCWarning(lcCore).noquote()
                << QStringLiteral("%1 - retrying in %2 ms").arg(e.toString()).arg(retryMs);
        } else if (e.kind() != ErrorKind::Retry) {
            recordError(e);
        }
        sleepUnlessStopped(retryMs, stop);
        retryMs = qMin(retryMs * 2, m_options.retryMaxMs);
        // Reopen whichever session broke (the node's at the next round,
        // with its lock); a session that is fine keeps its lock and LISTEN.
        if (!m_node->isOpen())
            m_locked = false;
        if (provider && !provider->isOpen())
            provider.reset();
    }
    return {};
}

Result<void> NodeWorker::leafRound(Connection &provider, const std::atomic_bool &stop, bool &idle)
{
    // `ferry pause` takes effect before the next batch, not the next heartbeat.
    auto paused
        = m_node->exec(QStringLiteral("SELECT paused FROM ferry.node_info WHERE queue_name = $1"),
                       {m_options.queue});
    if (!paused)
        return paused.error();
    if (paused->rowCount() == 0)
        return droppedError();
    m_info.paused = paused->toBool(0, 0);
    if (m_info.paused) {
        idle = true;
        return {};
    }
    // Sequences follow the root's values whatever the tables do (never a
    // reason for the round to fail).
    m_sequences.runIfDue(*m_node, provider, m_info.name);
    // The node's tables, read once per round, matched to the provider's by
    // table id (R1: a rename there changes nothing here): in-copy ones wait
    // for their copy, the others take the batch.
    auto nodeTables = TableRegistry(*m_node, m_info).list();
    if (!nodeTables)
        return nodeTables.error();
    auto source = loadTableMappings(provider, m_options.queue);
    if (!source)
        return source.error();
    if (auto r = TableRegistry::syncSources(*m_node, m_options.queue, *source, *nodeTables); !r)
        return r;

    // Initial copies first, one table per round, so batches keep flowing
    // between the copies of a long list. A table whose copy failed is tried
    // again later; meanwhile the batches of the other tables flow.
    if (auto copied = copyDueTable(provider, *nodeTables); !copied || copied.value())
        return copied ? Result<void>() : Result<void>(copied.error());

    BatchReader reader(provider, m_options.queue, m_info.workerName);
    auto batch = reader.nextBatch();
    if (!batch)
        return batch.error();
    if (!batch->has_value()) {
        idle = true;
        clearError();
        return {};
    }
    const QHash<int, TableMapping> tables = TableRegistry::appliedMappings(*source, *nodeTables);
    m_site.batchId = batch->value().id;
    m_site.tickFrom = batch->value().prevTickId;
    m_site.tickTo = batch->value().tickId;
    Applier applier(*m_node, m_options.queue, m_info.workerName);
    auto applied = applier.apply(batch->value(), reader, tables);
    if (!applied) {
        m_site.eventId = applier.failedEvent();
        m_site.table = applier.failedTable();
        Error e = applied.error();
        e.withContext(QStringLiteral("batch %1 (ticks %2-%3)")
                          .arg(batch->value().id)
                          .arg(batch->value().prevTickId)
                          .arg(batch->value().tickId));
        // The table the batch failed on shows as in error, with why, until
        // a batch passes (never ok while its events are not applied).
        if (applier.failedTableId() != 0 && m_node->isOpen()
            && m_node
                   ->exec(QStringLiteral("UPDATE ferry.node_table SET last_error = $3 WHERE "
                                         "queue_name = $1 AND source_table_id = $2"),
                          {m_options.queue, applier.failedTableId(), causeFirst(e)})
                   .ok())
            m_tableError = true;
        return e;
    }
    if (auto r = reader.finishBatch(batch->value()); !r)
        return r;
    clearError();
    if (applied->rowByRow)
        qCInfo(lcCore).noquote()
            << QStringLiteral("batch %1 needed event-by-event apply").arg(batch->value().id);
    for (const QString &note : std::as_const(applied->notes))
        qCWarning(lcCore).noquote() << note;
    for (const QString &name : std::as_const(applied->released))
        qCWarning(lcCore).noquote()
            << QStringLiteral("table %1 was removed from replication on the provider (remove-table "
                              "or DROP TABLE there): node '%2' no longer replicates it, its rows "
                              "stay; add-table it here again once the provider replicates it "
                              "again, to copy it afresh")
                   .arg(name, m_info.name);

    // Tables whose copy the batches have now passed are plain ok tables.
    auto end = provider.exec(QStringLiteral("SELECT t.tick_snapshot::text FROM ferry.tick t "
                                            "JOIN ferry.queue q USING (queue_id) "
                                            "WHERE q.queue_name = $1 AND t.tick_id = $2"),
                             {m_options.queue, batch->value().tickId});
    if (!end)
        return end.error();
    if (end->rowCount() == 1) {
        const auto endSnapshot = Snapshot::parse(end->bytes(0, 0));
        for (const TableMapping &t : tables) {
            if (t.skipSeenBy && endSnapshot && t.skipSeenBy->isCoveredBy(*endSnapshot)) {
                if (auto r = m_node->exec(QStringLiteral("UPDATE ferry.node_table SET merge_state "
                                                         "= 'ok', copy_snapshot = NULL WHERE "
                                                         "queue_name = $1 AND source_table_id = "
                                                         "$2 AND merge_state = 'catching-up'"),
                                          {m_options.queue, t.sourceTableId});
                    !r)
                    return r.error();
                qCInfo(lcCore).noquote()
                    << QStringLiteral("%1 is in sync")
                           .arg(displayTableName(*m_node, t.targetSchema, t.targetName));
            }
        }
    }
    Q_UNUSED(stop);
    return {};
}

Result<bool> NodeWorker::copyDueTable(Connection &provider, const QList<NodeTable> &tables)
{
    QList<const NodeTable *> waiting;
    for (const NodeTable &t : tables) {
        if (t.mergeState == QLatin1String("in-copy") && t.sourceTableId != 0)
            waiting.append(&t);
    }
    if (waiting.isEmpty())
        return false;
    // Tables that others' foreign keys reference are copied first, so a
    // node whose role cannot switch its foreign keys off finds the parent
    // rows there when the child's copy comes.
    if (waiting.size() > 1) {
        QStringList names;
        for (const NodeTable *t : std::as_const(waiting))
            names.append(m_node->quoteQualified(t->destSchema, t->destName));
        auto keys = foreignKeysBetween(*m_node, names);
        if (!keys)
            return keys.error();
        QList<const NodeTable *> parentsFirst;
        QList<const NodeTable *> later;
        QSet<int> referencing;
        for (const auto &key : std::as_const(*keys))
            referencing.insert(key.first);
        for (qsizetype i = 0; i < waiting.size(); ++i)
            (referencing.contains(int(i)) ? later : parentsFirst).append(waiting.at(i));
        waiting = parentsFirst + later;
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const NodeTable *due = nullptr;
    for (const NodeTable *t : std::as_const(waiting)) {
        if (m_copyRetryAtMs.value(t->sourceTableId) <= nowMs) {
            due = t;
            break;
        }
    }
    if (!due)
        return false;
    const NodeTable &table = *due;
    const int key = table.sourceTableId;
    const QString name = displayTableName(*m_node, table.destSchema, table.destName);
    qCInfo(lcCore).noquote() << QStringLiteral("copying %1").arg(name);
    auto copied = copyTable(provider, *m_node, m_options.queue, table, m_options.lockTimeout);
    if (!copied) {
        const auto backOff = [&]() {
            const qint64 wait
                = qMin<qint64>(m_options.retryMaxMs,
                               qMax<qint64>(m_options.retryMinMs, 2 * m_copyBackoffMs.value(key)));
            m_copyBackoffMs.insert(key, wait);
            m_copyRetryAtMs.insert(key, nowMs + wait);
        };
        if (copied.error().kind() == ErrorKind::Canceled) {
            // Not wanted any more, changed under it, or its lock not had in
            // time: tried again soon, while the batches (which may hold the
            // table's release) go on.
            qCInfo(lcCore).noquote()
                << QStringLiteral("copy of %1 put off: %2").arg(name, copied.error().toString());
            backOff();
            return true;
        }
        (void)m_node->exec(QStringLiteral("UPDATE ferry.node_table SET last_error = $3 WHERE "
                                          "queue_name = $1 AND source_table_id = $2"),
                           {m_options.queue, table.sourceTableId, causeFirst(copied.error())});
        if (isConnectionError(copied.error()))
            return copied.error();
        qCCritical(lcCore).noquote()
            << QStringLiteral("copy of %1 failed: %2").arg(name, copied.error().toString());
        ErrorSite site;
        site.copy = true;
        site.table = name;
        (void)recordNodeError(*m_node, m_options.queue, copied.error(), site);
        backOff();
        return true;
    }
    // Also closes what an earlier run of the worker logged for this copy.
    (void)resolveNodeErrors(*m_node, m_options.queue, name);
    m_copyBackoffMs.remove(key);
    m_copyRetryAtMs.remove(key);
    QString how = copied->binary ? QStringLiteral(" in binary format") : QString();
    if (copied->indexesBuiltAfter > 0)
        how += QStringLiteral(", %1 index(es) built after the load").arg(copied->indexesBuiltAfter);
    qCInfo(lcCore).noquote()
        << QStringLiteral("copied %1: %2 rows%3, catching up").arg(name).arg(copied->rows).arg(how);
    // A tick after the copy lets the table become ok with the next
    // batch, also on an idle root that would tick only every idle_period.
    if (auto r = provider.exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {m_options.queue});
        !r)
        qCWarning(lcCore).noquote() << r.error().toString();
    return true;
}

} // namespace ferry
