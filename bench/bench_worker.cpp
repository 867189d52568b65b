// The real worker, `ferry CONFIG.ini worker`, on the seed's S1 set-up, side
// by side with Londiste 3 (when `londiste` and `pgqd` are installed: Debian's
// python3-londiste, postgresql-N-londiste-sql and pgqd) in the same run.
// Each system has its own root database in one cluster and its own leaf
// database in another, made with its own command line as a DBA would:
// create-root, create-leaf, add-table --all on both; Ferry's root worker runs
// the ticker, Londiste's root has pgqd and its root worker. Loads run on one
// system's root at a time.
//
//   bench_worker drain [EVENTS] [--no-londiste]   (default 300000)
//     With the leaf's worker stopped, the seed's load builds a backlog of
//     EVENTS events on the root (the ticker keeps ticking); then the leaf's
//     worker is started and timed until the leaf's last applied tick is the
//     root's last tick. Its peak RSS (VmHWM) is read before it stops. Then
//     the same with twice the backlog, to show whether memory stays flat.
//     fsync = off on both clusters, as in bench_apply.
//
//   bench_worker lag [SECONDS] [--poll MS[,MS...]] [--rounds N] [--fsync-off]
//                    [--no-londiste]   (default 30 s, poll 200 ms, 1 round)
//     Both workers of a system run while the seed's load (2 + 2 clients)
//     runs on its root for SECONDS. A probe writes one row every 100 ms into
//     a small captured table on the root and notes the time just before its
//     INSERT (which commits by itself); a second connection polls the leaf
//     every 5 ms and notes when each row appears. Lag = appeared - written,
//     per row. For Ferry the root's tick NOTIFYs split it into the wait for
//     a tick and the time from the tick to the leaf. --poll runs Ferry once
//     per ticker poll interval given (ticker_period in the root's config).
//     Durable commits (fsync, synchronous_commit, full_page_writes on), as
//     in bench_capture, unless --fsync-off.
//
// Both modes check afterwards that every table of every leaf equals its root.
#include "benchutil.h"
#include "ferryprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

using namespace ferry;
using namespace ferry::bench;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec"),
       QStringLiteral("digoal_01.lag_probe")};
const QString kProbeTable
    = QStringLiteral("CREATE TABLE digoal_01.lag_probe (id bigint PRIMARY KEY, written "
                     "timestamptz NOT NULL)");
const QString kLondiste = QStringLiteral("/usr/bin/londiste");
const QString kPgqd = QStringLiteral("/usr/bin/pgqd");

// Durable commits, as an application's server runs (bench_capture's settings).
const QStringList kDurable
    = {QStringLiteral("fsync = on"), QStringLiteral("synchronous_commit = on"),
       QStringLiteral("full_page_writes = on"), QStringLiteral("shared_buffers = 128MB")};

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool londisteInstalled()
{
    return QFileInfo::exists(kLondiste) && QFileInfo::exists(kPgqd);
}

struct Clusters
{
    explicit Clusters(bool durable)
        : root(durable ? kDurable : QStringList())
        , leaf(durable ? kDurable : QStringList())
    {
        if (!dir.isValid())
            fail(QStringLiteral("no temporary folder"));
        must(root.start(), QStringLiteral("start root cluster"));
        must(leaf.start(), QStringLiteral("start leaf cluster"));
    }
    PgCluster root;
    PgCluster leaf;
    QTemporaryDir dir;
};

// One replication system: its root database, its leaf database, its
// command line and workers.
class System
{
public:
    System(Clusters &clusters, QString name, const QString &rootName, const QString &leafName)
        : label(std::move(name))
        , m_clusters(clusters)
    {
        must(clusters.root.createDatabase(rootName), QStringLiteral("createdb ") + rootName);
        must(clusters.leaf.createDatabase(leafName), QStringLiteral("createdb ") + leafName);
        rootDb = clusters.root.connectionString(rootName);
        leafDb = clusters.leaf.connectionString(leafName);
        root.emplace(connect(clusters.root, rootName));
        leaf.emplace(connect(clusters.leaf, leafName));
        must(test::createSeedSchema(*root, true), QStringLiteral("seed schema on root"));
        must(test::createSeedSchema(*leaf, false), QStringLiteral("seed schema on leaf"));
        must(root->exec(kProbeTable), QStringLiteral("probe table on root"));
        must(leaf->exec(kProbeTable), QStringLiteral("probe table on leaf"));
    }
    virtual ~System() = default;

    // Nodes and tables, with the system's own command line.
    virtual void create() = 0;
    // The root's side: ticker and root worker. pollMs: Ferry's ticker poll.
    virtual void startRoot(int pollMs) = 0;
    virtual void stopRoot() = 0;
    virtual std::unique_ptr<Process> startLeafWorker() = 0;
    virtual bool inSync() = 0;
    // The last tick the leaf applied; -1 before the first.
    virtual qint64 leafTick() = 0;
    // Puts a tick that covers everything committed so far; returns its id.
    virtual qint64 forceTick() = 0;
    // Events the root's queue has seen so far.
    virtual qint64 eventCount() = 0;
    // The channel the root NOTIFYs at each tick, if any.
    virtual QString tickChannel() const { return {}; }

    void waitUntilInSync(int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (!inSync()) {
            if (clock.elapsed() > timeoutMs)
                fail(QStringLiteral("%1: the leaf's tables are not in sync after %2 ms (logs in "
                                    "%3)")
                         .arg(label)
                         .arg(timeoutMs)
                         .arg(m_clusters.dir.path()));
            QThread::msleep(100);
        }
    }

    void verifyEqual()
    {
        for (const QString &t : kTables) {
            const QString diff
                = must(test::compareTables(*root, *leaf, t), QStringLiteral("compare ") + t);
            if (!diff.isEmpty())
                fail(QStringLiteral("%1: %2 differs on the leaf: %3").arg(label, t, diff));
        }
    }

    const PgCluster &rootCluster() const { return m_clusters.root; }
    QString rootDbName() const { return rootDb.section(QStringLiteral("dbname="), 1); }

    QString label;
    QString rootDb;
    QString leafDb;
    std::optional<Connection> root;
    std::optional<Connection> leaf;

protected:
    QString path(const QString &name) const { return m_clusters.dir.filePath(name); }
    void writeFile(const QString &name, const QString &text) const
    {
        if (!test::writeText(path(name), text))
            fail(QStringLiteral("cannot write %1").arg(path(name)));
    }
    void run(const QString &program, const QStringList &arguments) const
    {
        runProgram(program, arguments, 300000);
    }
    qint64 scalar(Connection &c, const QString &sql, const QVariantList &params = {})
    {
        auto r = must(c.exec(sql, params), label + QStringLiteral(": ") + sql);
        return r.rowCount() == 1 && !r.isNull(0, 0) ? r.toInt64(0, 0) : -1;
    }

    Clusters &m_clusters;
};

class FerrySystem : public System
{
public:
    explicit FerrySystem(Clusters &clusters)
        : System(
            clusters, QStringLiteral("Ferry"), QStringLiteral("digoal_01"), QStringLiteral("dst1"))
    {}

    void create() override
    {
        writeConfig(QStringLiteral("src_digoal_01"), rootDb, {});
        writeConfig(QStringLiteral("dst1_digoal_01"), leafDb, {});
        const QList<QStringList> setup = {
            {rootIni(), QStringLiteral("create-root"), QStringLiteral("digoal_01"), rootDb},
            {leafIni(), QStringLiteral("create-leaf"), QStringLiteral("dst1"), leafDb,
             QStringLiteral("--provider=") + rootDb},
            {rootIni(), QStringLiteral("add-table"), QStringLiteral("--all")},
            {leafIni(), QStringLiteral("add-table"), QStringLiteral("--all")},
        };
        for (const QStringList &arguments : setup)
            run(QStringLiteral(FERRY_CLI), arguments);
    }
    void startRoot(int pollMs) override
    {
        m_rootWorker.reset();
        // ticker_period bounds the worker's ticker poll (at most 200 ms).
        writeConfig(QStringLiteral("src_digoal_01"), rootDb,
                    QStringLiteral("ticker_period = %1\n").arg(pollMs / 1000.0));
        m_rootWorker = std::make_unique<Process>(QStringLiteral(FERRY_CLI),
                                                 QStringList{rootIni(), QStringLiteral("worker")},
                                                 rootIni() + QStringLiteral(".log"));
    }
    void stopRoot() override { m_rootWorker.reset(); }
    std::unique_ptr<Process> startLeafWorker() override
    {
        return std::make_unique<Process>(QStringLiteral(FERRY_CLI),
                                         QStringList{leafIni(), QStringLiteral("worker")},
                                         leafIni() + QStringLiteral(".log"));
    }
    bool inSync() override
    {
        return scalar(*leaf, QStringLiteral("SELECT count(*) FROM ferry.node_table WHERE "
                                            "merge_state = 'ok'"))
               == kTables.size();
    }
    qint64 leafTick() override
    {
        return scalar(*leaf, QStringLiteral("SELECT max(tick_id) FROM ferry.completed_tick"));
    }
    qint64 forceTick() override
    {
        return scalar(*root, QStringLiteral("SELECT ferry.ticker($1, true)"), {kQueue});
    }
    qint64 eventCount() override
    {
        return scalar(*root,
                      QStringLiteral("SELECT ferry._event_count(queue_id) FROM "
                                     "ferry.queue WHERE queue_name = $1"),
                      {kQueue});
    }
    QString tickChannel() const override { return QStringLiteral("ferry:") + kQueue; }

private:
    QString rootIni() const { return path(QStringLiteral("src_digoal_01.ini")); }
    QString leafIni() const { return path(QStringLiteral("dst1_digoal_01.ini")); }
    void writeConfig(const QString &job, const QString &db, const QString &extra)
    {
        writeFile(job + QStringLiteral(".ini"),
                  QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\nlogfile = "
                                 "%4\npidfile = %5\n")
                          .arg(job, db, kQueue, path(job + QStringLiteral(".log")),
                               path(job + QStringLiteral(".pid")))
                      + extra);
    }

    std::unique_ptr<Process> m_rootWorker;
};

// Londiste 3 with its defaults: pgqd ticks (checks every second; a queue
// ticks at 500 events or 3 s), the workers poll every second (loop_delay).
class LondisteSystem : public System
{
public:
    explicit LondisteSystem(Clusters &clusters)
        : System(clusters,
                 QStringLiteral("Londiste 3"),
                 QStringLiteral("digoal_l3"),
                 QStringLiteral("dst_l3"))
    {}

    void create() override
    {
        writeFile(QStringLiteral("l3_root.ini"), config(QStringLiteral("l3_root"), rootDb));
        writeFile(QStringLiteral("l3_leaf.ini"), config(QStringLiteral("l3_leaf"), leafDb));
        writeFile(QStringLiteral("pgqd.ini"),
                  QStringLiteral("[pgqd]\nbase_connstr = %1\ninitial_database = %2\n"
                                 "database_list = %2\nlogfile = %3\npidfile = %4\n")
                      .arg(rootDb.section(QStringLiteral(" dbname="), 0, 0), rootDbName(),
                           path(QStringLiteral("pgqd.log")), path(QStringLiteral("pgqd.pid"))));
        const QList<QStringList> setup = {
            {rootIni(), QStringLiteral("create-root"), QStringLiteral("node1"), rootDb},
            {leafIni(), QStringLiteral("create-leaf"), QStringLiteral("node2"), leafDb,
             QStringLiteral("--provider=") + rootDb},
            {rootIni(), QStringLiteral("add-table"), QStringLiteral("--all")},
            {leafIni(), QStringLiteral("add-table"), QStringLiteral("--all")},
        };
        for (const QStringList &arguments : setup)
            run(kLondiste, arguments);
    }
    void startRoot(int) override
    {
        if (m_pgqd)
            return;
        m_pgqd = std::make_unique<Process>(kPgqd, QStringList{path(QStringLiteral("pgqd.ini"))},
                                           path(QStringLiteral("pgqd.out")));
        m_rootWorker
            = std::make_unique<Process>(kLondiste, QStringList{rootIni(), QStringLiteral("worker")},
                                        path(QStringLiteral("l3_root.out")));
    }
    void stopRoot() override
    {
        m_rootWorker.reset();
        m_pgqd.reset();
    }
    std::unique_ptr<Process> startLeafWorker() override
    {
        return std::make_unique<Process>(kLondiste,
                                         QStringList{leafIni(), QStringLiteral("worker")},
                                         path(QStringLiteral("l3_leaf.out")));
    }
    bool inSync() override
    {
        return scalar(*leaf, QStringLiteral("SELECT count(*) FROM londiste.table_info WHERE "
                                            "local AND merge_state = 'ok'"))
               == kTables.size();
    }
    qint64 leafTick() override
    {
        return scalar(*leaf, QStringLiteral("SELECT last_tick_id FROM pgq_node.local_state "
                                            "WHERE consumer_name = 'l3_leaf'"));
    }
    qint64 forceTick() override
    {
        // pgq.force_tick() makes the queue's next check tick; check now.
        must(root->exec(QStringLiteral("SELECT pgq.force_tick($1)"), {kQueue}),
             QStringLiteral("force tick"));
        must(root->exec(QStringLiteral("SELECT pgq.ticker($1)"), {kQueue}), QStringLiteral("tick"));
        return scalar(*root,
                      QStringLiteral("SELECT max(t.tick_id) FROM pgq.tick t JOIN "
                                     "pgq.queue q ON q.queue_id = t.tick_queue WHERE "
                                     "q.queue_name = $1"),
                      {kQueue});
    }
    qint64 eventCount() override
    {
        return scalar(*root,
                      QStringLiteral("SELECT pgq.seq_getval(queue_event_seq) FROM "
                                     "pgq.queue WHERE queue_name = $1"),
                      {kQueue});
    }

private:
    QString rootIni() const { return path(QStringLiteral("l3_root.ini")); }
    QString leafIni() const { return path(QStringLiteral("l3_leaf.ini")); }
    QString config(const QString &job, const QString &db) const
    {
        return QStringLiteral("[londiste]\njob_name = %1\ndb = %2\nqueue_name = %3\nlogfile = "
                              "%4\npidfile = %5\n")
            .arg(job, db, kQueue, path(job + QStringLiteral(".log")),
                 path(job + QStringLiteral(".pid")));
    }

    std::unique_ptr<Process> m_pgqd;
    std::unique_ptr<Process> m_rootWorker;
};

std::vector<std::unique_ptr<System>> makeSystems(Clusters &clusters, bool withLondiste)
{
    std::vector<std::unique_ptr<System>> systems;
    systems.push_back(std::make_unique<FerrySystem>(clusters));
    if (withLondiste)
        systems.push_back(std::make_unique<LondisteSystem>(clusters));
    for (auto &s : systems) {
        s->create();
        s->startRoot(200);
        auto worker = s->startLeafWorker();
        s->waitUntilInSync(900000);
    }
    return systems;
}

struct DrainRun
{
    qint64 events = 0;
    qint64 ticks = 0;
    double seconds = 0;
    qint64 peakRssKb = 0; // VmHWM of the leaf's worker
    qint64 maxRssKb = 0;  // the largest VmRSS sampled during the drain
    double workerCpu = 0; // CPU seconds of the leaf's worker
};

DrainRun drainOnce(System &s, qint64 target)
{
    // The backlog: the seed's load while the leaf's worker is stopped.
    const qint64 startTick = s.leafTick();
    const qint64 eventsBefore = s.eventCount();
    const qint64 perClient = target / 8 + 1; // 4 clients, 2 events per transaction
    const QStringList limit = {QStringLiteral("-t"), QString::number(perClient)};
    auto login = startPgbench(s.rootCluster(), s.rootDbName(), QStringLiteral("login.sql"), limit);
    auto logout
        = startPgbench(s.rootCluster(), s.rootDbName(), QStringLiteral("logout.sql"), limit);
    waitForPgbench(*login, 1800000);
    waitForPgbench(*logout, 1800000);
    DrainRun d;
    d.events = s.eventCount() - eventsBefore;
    const qint64 lastTick = s.forceTick();
    d.ticks = lastTick - startTick;

    QElapsedTimer clock;
    clock.start();
    auto worker = s.startLeafWorker();
    while (s.leafTick() < lastTick) {
        d.maxRssKb = qMax(d.maxRssKb, statusKb(worker->pid(), "VmRSS:"));
        if (!worker->running())
            fail(QStringLiteral("%1: the leaf's worker stopped").arg(s.label));
        if (clock.elapsed() > 3600000)
            fail(QStringLiteral("%1: the leaf did not catch up in an hour").arg(s.label));
        QThread::msleep(10);
    }
    d.seconds = clock.nsecsElapsed() / 1e9;
    d.peakRssKb = statusKb(worker->pid(), "VmHWM:");
    d.workerCpu = cpuSeconds(worker->pid());
    return d;
}

int drainMode(qint64 target, bool withLondiste)
{
    Clusters clusters(false);
    auto systems = makeSystems(clusters, withLondiste);
    QTextStream out(stdout);
    out << "| system | backlog | events | ticks | seconds to catch up | events/s | leaf worker "
           "peak RSS (VmHWM) | largest RSS sampled | leaf worker CPU s |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    out.flush();
    for (const qint64 events : {target, 2 * target}) {
        for (auto &s : systems) {
            const DrainRun d = drainOnce(*s, events);
            out << "| " << s->label << " | " << (events == target ? "1×" : "2×") << " | "
                << d.events << " | " << d.ticks << " | " << QString::number(d.seconds, 'f', 2)
                << " | " << qint64(d.events / d.seconds) << " | " << mb(d.peakRssKb) << " | "
                << mb(d.maxRssKb) << " | " << QString::number(d.workerCpu, 'f', 2) << " |\n";
            out.flush();
        }
    }
    for (auto &s : systems) {
        s->stopRoot();
        s->verifyEqual();
    }
    out << "\nEvery leaf equals its root (every table, row by row).\n";
    return 0;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = size_t(std::ceil(p * double(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
}

QString p50p95max(const std::vector<double> &v)
{
    if (v.empty())
        return QStringLiteral("–");
    return QStringLiteral("%1 / %2 / %3")
        .arg(QString::number(percentile(v, 0.50), 'f', 3),
             QString::number(percentile(v, 0.95), 'f', 3),
             QString::number(percentile(v, 1.0), 'f', 3));
}

struct LagRound
{
    std::vector<double> lags;      // seconds, one per probe
    std::vector<double> tickWaits; // of which waiting for the tick (Ferry)
    std::vector<double> afterTick; // of which from the tick to the leaf (Ferry)
    qint64 events = 0;
    double loadSeconds = 0;
    double settleSeconds = 0; // load stopped -> the leaf has the last tick
    size_t ticks = 0;
    qint64 workerPeakKb = 0;
};

// One run of the seed load with probes on a system whose workers run;
// probe ids start after base.
LagRound lagRound(System &s, Process &leafWorker, int seconds, qint64 base)
{
    const int probes = seconds * 10 + 20;
    // Per probe (index = id - base): before its INSERT, after its COMMIT
    // returned, and the first poll of the leaf that saw it.
    std::vector<qint64> written(size_t(probes) + 1, -1);
    std::vector<qint64> committed(size_t(probes) + 1, -1);
    std::vector<qint64> appeared(size_t(probes) + 1, -1);
    std::vector<qint64> ticked; // when the root's NOTIFY of each tick arrived
    std::atomic_bool stop{false};
    std::atomic<qint64> lastWritten{0};
    std::optional<Failure> threadFailure;
    std::mutex failureLock;
    const auto failed = [&](const QString &what) {
        std::lock_guard<std::mutex> lock(failureLock);
        if (!threadFailure)
            threadFailure = Failure{s.label + QStringLiteral(": ") + what};
        stop = true;
    };

    // The ticks' NOTIFYs, to split each probe's lag into the wait for a tick
    // and the time from the tick to the leaf.
    std::thread listener([&] {
        if (s.tickChannel().isEmpty())
            return;
        auto c = Connection::open(s.rootDb);
        if (!c)
            return failed(c.error().toString());
        if (auto r = c->listen(s.tickChannel()); !r)
            return failed(r.error().toString());
        while (!stop.load()) {
            auto n = c->waitForNotification(20);
            if (!n)
                return failed(n.error().toString());
            if (n->has_value())
                ticked.push_back(nowMs());
        }
    });
    std::thread poller([&] {
        auto c = Connection::open(s.leafDb);
        if (!c)
            return failed(c.error().toString());
        qint64 seen = 0;
        while (!stop.load() || seen < lastWritten.load()) {
            auto r
                = c->exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM digoal_01.lag_probe"));
            if (!r)
                return failed(r.error().toString());
            const qint64 now = nowMs();
            const qint64 top = r->toInt64(0, 0) - base;
            for (qint64 i = seen + 1; i <= top && i <= probes; ++i)
                appeared[size_t(i)] = now;
            seen = qMax(seen, top);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    const auto joinAll = [&] {
        stop = true;
        listener.join();
        poller.join();
    };

    LagRound round;
    const qint64 eventsBefore = s.eventCount();
    const QStringList limit = {QStringLiteral("-T"), QString::number(seconds)};
    std::unique_ptr<QProcess> login;
    std::unique_ptr<QProcess> logout;
    try {
        login = startPgbench(s.rootCluster(), s.rootDbName(), QStringLiteral("login.sql"), limit);
        logout = startPgbench(s.rootCluster(), s.rootDbName(), QStringLiteral("logout.sql"), limit);
    } catch (...) {
        joinAll();
        throw;
    }
    const qint64 loadStart = nowMs();
    std::thread prober([&] {
        auto c = Connection::open(s.rootDb);
        if (!c)
            return failed(c.error().toString());
        for (qint64 i = 1; i <= probes && !stop.load(); ++i) {
            const qint64 next = loadStart + (i - 1) * 100;
            while (nowMs() < next)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            if (nowMs() - loadStart > qint64(seconds) * 1000)
                break;
            written[size_t(i)] = nowMs();
            if (auto r = c->exec(QStringLiteral("INSERT INTO digoal_01.lag_probe VALUES ($1, "
                                                "clock_timestamp())"),
                                 {base + i});
                !r)
                return failed(r.error().toString());
            committed[size_t(i)] = nowMs();
            lastWritten = i;
        }
    });
    prober.join();
    try {
        waitForPgbench(*login, 60000 + seconds * 1000);
        waitForPgbench(*logout, 60000 + seconds * 1000);
    } catch (...) {
        joinAll();
        throw;
    }
    const qint64 loadEnd = nowMs();
    round.loadSeconds = (loadEnd - loadStart) / 1000.0;
    round.events = s.eventCount() - eventsBefore;
    // How long until the leaf has everything the load wrote: the tick that
    // covers the load's last transaction, applied.
    const qint64 lastTick = s.forceTick();
    while (s.leafTick() < lastTick && nowMs() - loadEnd < 300000)
        QThread::msleep(5);
    round.settleSeconds = (nowMs() - loadEnd) / 1000.0;
    joinAll();
    if (threadFailure)
        throw *threadFailure;
    round.workerPeakKb = statusKb(leafWorker.pid(), "VmHWM:");

    round.ticks = ticked.size();
    for (qint64 id = 1; id <= lastWritten.load(); ++id) {
        const size_t i = size_t(id);
        if (appeared[i] < 0)
            fail(QStringLiteral("%1: probe %2 never reached the leaf").arg(s.label).arg(base + id));
        round.lags.push_back(double(appeared[i] - written[i]) / 1000.0);
        if (ticked.empty())
            continue;
        // The probe's tick: the first one notified after its COMMIT returned
        // and before it appeared (else the one just before: a tick between
        // COMMIT and its answer).
        auto t = std::lower_bound(ticked.begin(), ticked.end(), committed[i]);
        if (t == ticked.end() || *t > appeared[i]) {
            if (t == ticked.begin())
                continue;
            --t;
        }
        round.tickWaits.push_back(double(qMax<qint64>(0, *t - written[i])) / 1000.0);
        round.afterTick.push_back(double(appeared[i] - *t) / 1000.0);
    }
    return round;
}

int lagMode(int seconds, const QList<int> &pollsMs, int rounds, bool durable, bool withLondiste)
{
    Clusters clusters(durable);
    auto systems = makeSystems(clusters, withLondiste);
    // What runs in a round: Ferry once per ticker poll asked for, Londiste once.
    struct Config
    {
        System *system;
        int pollMs;
        QString label;
    };
    QList<Config> configs;
    for (const int poll : pollsMs)
        configs.append(
            {systems.front().get(), poll, QStringLiteral("Ferry, ticker poll %1 ms").arg(poll)});
    if (withLondiste)
        configs.append({systems.back().get(), 0, QStringLiteral("Londiste 3 (pgqd, defaults)")});

    QTextStream out(stdout);
    out << "Seed load " << seconds
        << " s per round (2 + 2 pgbench clients) on one system's root at a time, its workers "
           "running, one probe every 100 ms; "
        << (durable ? "fsync = on, synchronous_commit = on on both clusters"
                    : "fsync = off on both clusters")
        << "\n\n"
        << "| system | round | events/s captured | probes | ticks/s | lag p50 / p95 / max (s) | "
           "waiting for the tick p50 / p95 / max | tick to leaf p50 / p95 / max | leaf level "
           "after the load (s) | leaf worker peak RSS |\n"
        << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    out.flush();
    QMap<QString, std::vector<double>> all;
    QMap<QString, std::vector<double>> settles;
    QMap<QString, qint64> peaks;
    qint64 base = 0;
    for (int r = 1; r <= rounds; ++r) {
        for (const Config &c : std::as_const(configs)) {
            c.system->startRoot(c.pollMs);
            auto leafWorker = c.system->startLeafWorker();
            c.system->waitUntilInSync(600000);
            const LagRound l = lagRound(*c.system, *leafWorker, seconds, base);
            base += 100000;
            out << "| " << c.label << " | " << r << " | " << qint64(l.events / l.loadSeconds)
                << " | " << l.lags.size() << " | "
                << (l.ticks ? QString::number(l.ticks / l.loadSeconds, 'f', 1)
                            : QStringLiteral("–"))
                << " | " << p50p95max(l.lags) << " | " << p50p95max(l.tickWaits) << " | "
                << p50p95max(l.afterTick) << " | " << QString::number(l.settleSeconds, 'f', 2)
                << " | " << mb(l.workerPeakKb) << " |\n";
            out.flush();
            all[c.label].insert(all[c.label].end(), l.lags.begin(), l.lags.end());
            settles[c.label].push_back(l.settleSeconds);
            peaks[c.label] = qMax(peaks.value(c.label), l.workerPeakKb);
        }
    }
    out << "\n| system | probes | lag p50 / p95 / max (s) | leaf level after the load, median "
           "(s) | leaf worker peak RSS |\n|---|---:|---:|---:|---:|\n";
    for (const Config &c : std::as_const(configs))
        out << "| " << c.label << " | " << all[c.label].size() << " | " << p50p95max(all[c.label])
            << " | " << QString::number(median(settles[c.label]), 'f', 2) << " | "
            << mb(peaks[c.label]) << " |\n";
    out.flush();
    for (auto &s : systems) {
        s->stopRoot();
        s->verifyEqual();
    }
    out << "\nEvery leaf equals its root (every table, row by row).\n";
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString mode = args.value(1);
    bool withLondiste = londisteInstalled();
    try {
        if (mode == QLatin1String("drain")) {
            qint64 events = 300000;
            for (int i = 2; i < args.size(); ++i) {
                if (args.at(i) == QLatin1String("--no-londiste"))
                    withLondiste = false;
                else
                    events = args.at(i).toLongLong();
            }
            if (events > 0)
                return drainMode(events, withLondiste);
        } else if (mode == QLatin1String("lag")) {
            int seconds = 30;
            int rounds = 1;
            bool durable = true;
            QList<int> polls = {200};
            for (int i = 2; i < args.size(); ++i) {
                if (args.at(i) == QLatin1String("--poll") && i + 1 < args.size()) {
                    polls.clear();
                    for (const QString &p : args.at(++i).split(QLatin1Char(',')))
                        polls.append(p.toInt());
                } else if (args.at(i) == QLatin1String("--rounds") && i + 1 < args.size()) {
                    rounds = args.at(++i).toInt();
                } else if (args.at(i) == QLatin1String("--fsync-off")) {
                    durable = false;
                } else if (args.at(i) == QLatin1String("--no-londiste")) {
                    withLondiste = false;
                } else {
                    seconds = args.at(i).toInt();
                }
            }
            if (seconds > 0 && rounds > 0 && !polls.contains(0))
                return lagMode(seconds, polls, rounds, durable, withLondiste);
        }
        std::fprintf(stderr, "usage: bench_worker drain [EVENTS] [--no-londiste]\n"
                             "       bench_worker lag [SECONDS] [--poll MS[,MS...]] [--rounds N] "
                             "[--fsync-off] [--no-londiste]\n");
        return 2;
    } catch (const Failure &f) {
        std::fprintf(stderr, "bench_worker: %s\n", qPrintable(f.what));
        return 1;
    }
}
