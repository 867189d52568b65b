#include "nodeworker.h"

#include "queue/batchreader.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "replication/applier.h"
#include "replication/eventresolution.h"
#include "replication/nodecatalog.h"
#include "replication/parallelcopies.h"
#include "replication/tablecopy.h"
#include "replication/tableregistry.h"
#include "util/joblogfile.h"
#include "util/logging.h"
#include "util/stoppable.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QScopeGuard>
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

NodeWorker::~NodeWorker() = default; // runLeaf() stopped the copies already

WorkerOptions NodeWorker::optionsFor(const JobConfig &config)
{
    WorkerOptions o;
    o.db = config.db();
    o.queue = config.queueName();
    o.loopDelay = config.loopDelay();
    o.lockTimeout = config.lockTimeout();
    o.parallelCopies = config.parallelCopies();
    o.runTicker = config.ticker();
    // ticker_period bounds how long a waiting event waits for the ticker to
    // look; whether a tick is due is the queue's own rule (DESIGN §3).
    o.tickerPollMs = qBound(10, int(config.tickerPeriod() * 1000), 200);
    o.retryMinMs = qMax(1, int(config.retryDelay() * 1000));
    o.retryMaxMs = qMax(o.retryMaxMs, o.retryMinMs);
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
    // The lock first: a worker that is not the node's touches nothing there.
    if (auto r = requireWorkerLock(*m_node, info.value()); !r)
        return r.error();
    // An older Ferry may have installed the node: bring the schema up to date.
    if (auto r = SchemaInstaller::install(*m_node); !r)
        return r.error();
    if (auto r = requireMayApply(*m_node, info.value()); !r)
        return r.error();
    m_info = info.value();
    m_nodeError = m_info.lastError;
    m_locked = true;
    // `ferry retry`, skip-event and replace-event end a leaf's back-off wait
    // (a reconnect listens again).
    if (m_info.type != NodeType::Root) {
        if (auto r = m_node->listen(EventResolution::retryChannel(m_options.queue)); !r)
            return r.error();
    }
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
        if (started.error().kind() == ErrorKind::Auth && m_options.waitForLogin) {
            m_refused.wait(started.error(), m_options.authRetryMs, stop);
            if (stop.load())
                return {}; // a stop, or a reload: it tries again at once
            continue;
        }
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
    qCInfo(lcCore).noquote()
        << QStringLiteral("worker of %1 node '%2' (queue '%3') on %4 started%5")
               .arg(nodeTypeName(m_info.type), m_info.name, m_info.queue, m_node->displayName(),
                    m_info.type == NodeType::Root ? QString()
                                                  : QStringLiteral("; it copies up to %1 tables at "
                                                                   "once (parallel_copies)")
                                                        .arg(qMax(1, m_options.parallelCopies)));
    (void)heartbeat(true);
    Result<void> result = m_info.type == NodeType::Root ? runRoot(stop) : runLeaf(stop);
    if (m_locked && m_node->isOpen()) {
        (void)m_node->exec(QStringLiteral("UPDATE ferry.node_info SET worker_pid = NULL WHERE "
                                          "queue_name = $1"),
                           {m_options.queue});
        // Given back now, not when the server process of the closed session
        // has ended: the worker of a reload (or a restart) asks at once.
        (void)releaseWorkerLock(*m_node, m_options.queue);
        m_locked = false;
    }
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
    m_copies = std::make_unique<ParallelCopies>(m_options.parallelCopies);
    // A copy may have committed just before the last worker stopped, its
    // tick not put yet: one tick at the start lets its table become ok.
    m_copyTickOwed = true;
    // However the worker ends (a stop, a reload, the node dropped), its
    // copies are canceled and waited for: none outlives it, none commits
    // part of a table, and the next worker copies them again.
    const auto stopCopies = qScopeGuard([this] {
        QStringList names;
        for (const NodeTable &t : m_copies->runningTables())
            names.append(displayTableName(*m_node, t.destSchema, t.destName));
        m_copies->stop();
        if (!names.isEmpty())
            qCInfo(lcCore).noquote()
                << QStringLiteral("canceled the copies of %1: they start again with the worker")
                       .arg(names.join(QStringLiteral(", ")));
        m_copies.reset();
    });
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
                // Wait for the provider's next tick, at most loop_delay (a
                // second while a copy's tick is owed).
                const qint64 deadline = QDateTime::currentMSecsSinceEpoch()
                                        + qint64((m_copyTickOwed ? qMin(m_options.loopDelay, 1.0)
                                                                 : m_options.loopDelay)
                                                 * 1000);
                while (!stop.load()) {
                    const qint64 left = deadline - QDateTime::currentMSecsSinceEpoch();
                    if (left <= 0)
                        break;
                    // A copy that ends is noticed within 5 ms: many small
                    // tables copy one after another without a wait between.
                    const qint64 poll = m_copies->running() > 0 ? 5 : 100;
                    auto n = provider->waitForNotification(int(qMin<qint64>(poll, left)));
                    if (!n) {
                        round = n.error();
                        break;
                    }
                    if (n->has_value() || m_copies->hasFinished())
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
        if (waitForRetry(retryMs, stop))
            retryMs = m_options.retryMinMs; // the operator fixed something: a fresh start
        else
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

bool NodeWorker::waitForRetry(int ms, const std::atomic_bool &stop)
{
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + ms;
    while (!stop.load()) {
        const qint64 left = deadline - QDateTime::currentMSecsSinceEpoch();
        if (left <= 0)
            return false;
        if (!m_node || !m_node->isOpen()) {
            sleepUnlessStopped(left, stop);
            return false;
        }
        auto n = m_node->waitForNotification(int(qMin<qint64>(100, left)));
        if (!n) {
            sleepUnlessStopped(deadline - QDateTime::currentMSecsSinceEpoch(), stop);
            return false;
        }
        if (n->has_value())
            return true;
    }
    return false;
}

Result<void> NodeWorker::leafRound(Connection &provider, const std::atomic_bool &stop, bool &idle)
{
    // Before the tables are read: a copy that ended is no longer running,
    // and its table's state is the one it left.
    finishCopies();
    // `ferry pause` takes effect before the next batch, not the next heartbeat
    // (and no copy starts; those that run go on).
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

    // Initial copies run beside the batches, on sessions of their own. A
    // table whose copy failed is tried again later; meanwhile the batches
    // of the other tables flow.
    if (auto r = startCopies(*nodeTables); !r)
        return r;
    tickAfterCopies(provider, *nodeTables);

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
    for (const QString &line : std::as_const(applied->scripts))
        qCInfo(lcCore).noquote() << line;
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
        // As the batch's transaction found the tables (a copy may have
        // ended since the round read them), and only for the copy whose
        // snapshot that was (told by its xmax, all the check goes by).
        const auto endSnapshot = Snapshot::parse(end->bytes(0, 0));
        QStringList ids;
        QStringList xmaxes;
        for (const TableMapping &t : std::as_const(applied->tables)) {
            if (t.skipSeenBy && endSnapshot && t.skipSeenBy->isCoveredBy(*endSnapshot)) {
                ids.append(QString::number(t.sourceTableId));
                xmaxes.append(QString::number(t.skipSeenBy->xmax));
            }
        }
        // One statement, however many small tables one batch settled.
        if (!ids.isEmpty()) {
            auto r = m_node->exec(
                QStringLiteral(
                    "UPDATE ferry.node_table n SET merge_state = 'ok', copy_snapshot = NULL "
                    "FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), "
                    "pg_catalog.unnest($3::pg_catalog.int8[])) s(id, xmax) WHERE n.queue_name = "
                    "$1 AND n.source_table_id = s.id AND n.merge_state = 'catching-up' AND "
                    "pg_catalog.split_part(n.copy_snapshot, ':', 2)::pg_catalog.int8 = s.xmax "
                    "RETURNING n.dest_schema, n.dest_name"),
                {m_options.queue, QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}'),
                 QLatin1Char('{') + xmaxes.join(QLatin1Char(',')) + QLatin1Char('}')});
            if (!r)
                return r.error();
            for (int i = 0; i < r->rowCount(); ++i)
                qCInfo(lcCore).noquote()
                    << QStringLiteral("%1 is in sync")
                           .arg(displayTableName(*m_node, r->text(i, 0), r->text(i, 1)));
        }
    }
    Q_UNUSED(stop);
    return {};
}

Result<void> NodeWorker::startCopies(const QList<NodeTable> &tables)
{
    if (m_info.paused || m_copies->running() >= m_copies->capacity())
        return {};
    QList<const NodeTable *> waiting;
    for (const NodeTable &t : tables) {
        if (t.mergeState == QLatin1String("in-copy") && t.sourceTableId != 0)
            waiting.append(&t);
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const auto due = [&](const NodeTable *t) {
        return copyDue(*t, nowMs);
    };
    bool anyDue = false;
    for (const NodeTable *t : std::as_const(waiting))
        anyDue = anyDue || due(t);
    if (!anyDue)
        return {};
    // A table whose foreign keys reference another in-copy table waits
    // while that one's copy runs or is due: a node whose role cannot switch
    // its foreign keys off finds the parent rows there when the child's copy
    // comes. A parent whose copy failed (waiting for its retry) holds up
    // nobody, nor does a cycle of references.
    QHash<const NodeTable *, QList<const NodeTable *>> parents;
    if (waiting.size() > 1) {
        QStringList names;
        for (const NodeTable *t : std::as_const(waiting))
            names.append(m_node->quoteQualified(t->destSchema, t->destName));
        auto keys = foreignKeysBetween(*m_node, names);
        if (!keys)
            return keys.error();
        for (const auto &[child, parent] : std::as_const(*keys))
            parents[waiting.at(child)].append(waiting.at(parent));
    }
    QList<const NodeTable *> ready;
    QList<const NodeTable *> heldUp;
    for (const NodeTable *t : std::as_const(waiting)) {
        if (!due(t))
            continue;
        bool blocked = false;
        for (const NodeTable *p : parents.value(t))
            blocked = blocked || m_copies->isRunning(p->sourceTableId) || due(p);
        (blocked ? heldUp : ready).append(t);
    }
    if (ready.isEmpty() && m_copies->running() == 0 && !heldUp.isEmpty())
        ready.append(heldUp.first()); // a cycle: one of them goes first

    const auto provider = ConnectionString::parse(m_info.providerLocation);
    if (!provider)
        return provider.error();
    for (const NodeTable *t : std::as_const(ready)) {
        if (m_copies->running() >= m_copies->capacity())
            break;
        qCInfo(lcCore).noquote() << QStringLiteral("copying %1")
                                        .arg(displayTableName(*m_node, t->destSchema, t->destName));
        ParallelCopies::Job job;
        job.table = *t;
        job.node = m_options.db;
        job.provider = *provider;
        job.queue = m_options.queue;
        job.lockTimeout = m_options.lockTimeout;
        m_copies->start(std::move(job));
    }
    return {};
}

bool NodeWorker::copyDue(const NodeTable &table, qint64 nowMs) const
{
    return !m_copies->isRunning(table.sourceTableId)
           && m_copyRetryAtMs.value(table.sourceTableId) <= nowMs;
}

void NodeWorker::tickAfterCopies(Connection &provider, const QList<NodeTable> &tables)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    bool moreToStart = false;
    bool anyInCopy = false;
    for (const NodeTable &t : tables) {
        const bool inCopy = t.mergeState == QLatin1String("in-copy") && t.sourceTableId != 0;
        anyInCopy = anyInCopy || inCopy;
        moreToStart = moreToStart || (inCopy && copyDue(t, nowMs));
    }
    // No copy to come: the sessions the copies left go (they would hold
    // connection slots on both servers for as long as the worker runs).
    if (!anyInCopy && m_copies->running() == 0)
        m_copies->closeIdle();
    if (!m_copyTickOwed)
        return;
    if (moreToStart && nowMs - m_copyTickMs < 1000)
        return; // the worker's idle wait ends with the next copy, or within loop_delay
    // Its NOTIFY wakes this worker. Tried once: a provider that refuses it
    // (said in the log) still ticks on its own, only later.
    m_copyTickOwed = false;
    m_copyTickMs = nowMs;
    if (auto r = provider.exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {m_options.queue});
        !r)
        qCWarning(lcCore).noquote() << r.error().toString();
}

void NodeWorker::backOffCopy(int sourceTableId, qint64 minimumMs)
{
    const qint64 wait = qMax(
        minimumMs,
        qMin<qint64>(m_options.retryMaxMs,
                     qMax<qint64>(m_options.retryMinMs, 2 * m_copyBackoffMs.value(sourceTableId))));
    m_copyBackoffMs.insert(sourceTableId, wait);
    m_copyRetryAtMs.insert(sourceTableId, QDateTime::currentMSecsSinceEpoch() + wait);
}

void NodeWorker::finishCopies()
{
    for (ParallelCopies::Outcome &outcome : m_copies->takeFinished()) {
        const NodeTable &table = outcome.table;
        const int key = table.sourceTableId;
        const QString name = displayTableName(*m_node, table.destSchema, table.destName);
        if (outcome.result) {
            // Also closes what an earlier run of the worker logged for this copy.
            (void)resolveNodeErrors(*m_node, m_options.queue, name);
            m_copyTickOwed = true;
            m_copyBackoffMs.remove(key);
            m_copyRetryAtMs.remove(key);
            continue;
        }
        const Error &e = outcome.result.error();
        if (e.kind() == ErrorKind::Canceled) {
            // Not wanted any more, changed under it, or its lock not had in
            // time: tried again soon, while the batches (which may hold the
            // table's release) go on.
            qCInfo(lcCore).noquote()
                << QStringLiteral("copy of %1 put off: %2").arg(name, e.toString());
            backOffCopy(key);
            continue;
        }
        (void)m_node->exec(QStringLiteral("UPDATE ferry.node_table SET last_error = $3 WHERE "
                                          "queue_name = $1 AND source_table_id = $2"),
                           {m_options.queue, key, causeFirst(e)});
        if (e.kind() == ErrorKind::Auth) {
            // Said once; tried as rarely as the worker's own refused login.
            if (m_copyLoginRefused != e.toString())
                qCCritical(lcCore).noquote()
                    << QStringLiteral("copy of %1 failed: %2").arg(name, e.toString());
            m_copyLoginRefused = e.toString();
            backOffCopy(key, m_options.authRetryMs);
            continue;
        }
        backOffCopy(key);
        if (isConnectionError(e)) {
            qCWarning(lcCore).noquote()
                << QStringLiteral("copy of %1 failed: %2 - retrying in %3 ms")
                       .arg(name, e.toString())
                       .arg(m_copyBackoffMs.value(key));
            continue;
        }
        qCCritical(lcCore).noquote()
            << QStringLiteral("copy of %1 failed: %2").arg(name, e.toString());
        ErrorSite site;
        site.copy = true;
        site.table = name;
        (void)recordNodeError(*m_node, m_options.queue, e, site);
    }
}

} // namespace ferry
