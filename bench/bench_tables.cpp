// The initial copy and many tables: the real `ferry` command line and worker
// side by side with Londiste 3 (`londiste`, `pgqd`; installed by `./run
// bench`) in the same run. Each system has its own root database in one
// cluster and its own leaf database in another (fsync = off on both, as in
// every benchmark but capture: nothing here waits for a WAL flush that a
// durable server would do differently for one system than for the other).
//
//   bench_tables copy [SCALE] [--repeats N] [--no-2x] [--no-londiste]
//                                                  (default 20, 3 repeats)
//     pgbench_accounts of `pgbench -i -s SCALE` (100,000 rows a unit) on
//     the roots, the same empty table (`pgbench -i -I dtp`) on the leaves.
//     Timed from the leaf's `add-table public.pgbench_accounts` until the
//     leaf says ok (polled every 20 ms), the leaf's worker running; against
//     the text and binary pipes of two psql into a third leaf database,
//     truncated first, and the binary pipe into a table with a BEFORE
//     INSERT row trigger like Ferry's write guard (replica mode: never
//     fired). Londiste twice: as installed (an idle root ticks once a
//     minute) and with its queue's ticker_idle_period at 1 s. Interleaved,
//     the order rotated each repeat; medians; CPU seconds of both servers
//     and every client process beside wall time. Ferry's worker is started
//     afresh before each copy, so its VmHWM before and after tells what the
//     copy added; then once with a table of twice the rows (--no-2x: not).
//
//   bench_tables copy4 [SCALE] [--repeats N] [--no-londiste]
//     Four such tables (acc1..acc4) added at once, `parallel_copies` = 1
//     and 4 in the leaf's config: until all four are ok.
//
//   bench_tables compare [SCALE] [--repeats N] [--no-londiste] [--no-comparator]
//                                                  (default 20, 3 repeats)
//     pgbench_accounts copied to both leaves, both workers running. Each
//     round: `ferry LEAF compare`, `londiste LEAF compare` and pg_comparator
//     (root's vs Ferry's leaf's table; `postgresql-comparator`) on equal
//     tables, then again after 5 rows are damaged on both leaves in replica
//     mode (ferry with --json: its keys are checked, as are pg_comparator's);
//     Ferry's leaf repaired with `ferry repair`, Londiste's put back by SQL.
//     The tools' order rotated each round; a warm-up round not counted.
//
//   bench_tables scale [TABLES] [--rows N] [--repeats N] [--stats]
//                      [--londiste-timeout SECONDS] [--no-londiste]
//                                     (default 500 tables of 100 rows, 5 repeats)
//     TABLES small tables in schema `many`; `add-table --all` on the root
//     and on the leaf, timed until all are ok on the leaf; then `status`
//     and `tables` on both nodes (median of the repeats). --stats loads
//     pg_stat_statements and prints, for each system, the queries its
//     root add-table and its leaf-side copy of all tables ran. Londiste
//     (its queue ticking every second when idle) is stopped after
//     --londiste-timeout (default 600 s): the table gives how many were ok.
//
//   --keep (every mode): the folder of configs and workers' logs is kept.
//   FERRY_BENCH_CLI=PATH: Ferry is that `ferry` binary (another version).
#include "benchutil.h"
#include "ferryprocess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace ferry;
using namespace ferry::bench;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kLondiste = QStringLiteral("/usr/bin/londiste");
const QString kPgqd = QStringLiteral("/usr/bin/pgqd");
const QString kAccounts = QStringLiteral("public.pgbench_accounts");

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool londisteInstalled()
{
    return QFileInfo::exists(kLondiste) && QFileInfo::exists(kPgqd);
}

QString secs(double s)
{
    return QString::number(s, 'f', 2);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void say(const QString &line)
{
    std::fprintf(stderr, "bench_tables: %s %s\n",
                 qPrintable(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))),
                 qPrintable(line));
}

struct Clusters
{
    explicit Clusters(const QStringList &settings)
        : root(settings)
        , leaf(settings)
    {
        if (!dir.isValid())
            fail(QStringLiteral("no temporary folder"));
        // --keep: the configs and the workers' logs stay for a look afterwards.
        if (qEnvironmentVariableIsSet("FERRY_BENCH_KEEP")) {
            dir.setAutoRemove(false);
            say(QStringLiteral("configs and logs kept in %1").arg(dir.path()));
        }
        must(root.start(), QStringLiteral("start root cluster"));
        must(leaf.start(), QStringLiteral("start leaf cluster"));
    }
    PgCluster root;
    PgCluster leaf;
    QTemporaryDir dir;
};

QStringList psql(const PgCluster &c, const QString &db)
{
    return {QStringLiteral("-X"), QStringLiteral("-q"),
            QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
            QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
            QStringLiteral("-p"), QString::number(c.port()),
            QStringLiteral("-U"), QStringLiteral("postgres"),
            QStringLiteral("-d"), db};
}

// pgbench -i on db: SCALE units of 100,000 accounts; steps as -I takes them
// ("dtgvp": tables with data, vacuumed, keyed; "dtp": empty and keyed).
void pgbenchInit(const PgCluster &c, const QString &db, int scale, const QString &steps)
{
    runProgram(PgCluster::binDirectory() + QStringLiteral("/pgbench"),
               {QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-I"), steps,
                QStringLiteral("-s"), QString::number(scale), QStringLiteral("-h"),
                QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(c.port()),
                QStringLiteral("-U"), QStringLiteral("postgres"), db},
               1800000);
}

void exec(const PgCluster &c, const QString &db, const QString &sql)
{
    Connection conn = connect(c, db);
    must(conn.exec(sql), db + QStringLiteral(": ") + sql.left(80));
}

// A second database with the same tables and rows, as a file copy (no
// session may be open on the template).
void cloneDatabase(const PgCluster &c, const QString &from, const QString &to)
{
    Connection conn = connect(c, QStringLiteral("postgres"));
    const QString sql
        = QStringLiteral("CREATE DATABASE %1 TEMPLATE %2 STRATEGY FILE_COPY").arg(to, from);
    // The session that last used the template may still be on its way out.
    for (int attempt = 0;; ++attempt) {
        auto r = conn.exec(sql);
        if (r)
            return;
        if (r.error().sqlState() != QLatin1String("55006") || attempt == 100)
            fail(QStringLiteral("%1: %2").arg(sql, r.error().toString()));
        QThread::msleep(100);
    }
}

qint64 scalar(Connection &c, const QString &sql, const QVariantList &params = {})
{
    auto r = must(c.exec(sql, params), sql.left(80));
    return r.rowCount() == 1 && !r.isNull(0, 0) ? r.toInt64(0, 0) : -1;
}

// CPU seconds a cluster's server processes used so far: the postmaster,
// its live children, and the children it has reaped (cutime + cstime).
double clusterCpu(const PgCluster &c)
{
    QFile pidFile(c.dataDirectory() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray postmaster = pidFile.readLine().trimmed();
    const double tick = double(sysconf(_SC_CLK_TCK));
    double total = 0;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        if (pid.isEmpty() || !pid.at(0).isDigit())
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = f.readAll();
        // After "pid (comm) ": state ppid ... utime(11) stime(12) cutime(13) cstime(14).
        const QList<QByteArray> x = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (x.size() < 15)
            continue;
        if (pid.toLatin1() == postmaster)
            total += (x.at(11).toDouble() + x.at(12).toDouble() + x.at(13).toDouble()
                      + x.at(14).toDouble())
                     / tick;
        else if (x.at(1) == postmaster)
            total += (x.at(11).toDouble() + x.at(12).toDouble()) / tick;
    }
    return total;
}

// CPU seconds of this process's children that ended and were waited for
// (the ferry and londiste commands, psql through bash).
double endedChildrenCpu()
{
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// When each state of a table was first seen on the leaf, in ms after the
// leaf's add-table started.
using StateTimes = QHash<QString, qint64>;

// One replication system: its nodes, command line and workers.
class System
{
public:
    System(Clusters &clusters, QString name, const QString &rootDb, const QString &leafDb)
        : label(std::move(name))
        , rootDbName(rootDb)
        , leafDbName(leafDb)
        , m_clusters(clusters)
    {
        rootConnstr = clusters.root.connectionString(rootDb);
        leafConnstr = clusters.leaf.connectionString(leafDb);
        root.emplace(connect(clusters.root, rootDb));
        leaf.emplace(connect(clusters.leaf, leafDb));
    }
    virtual ~System() = default;

    virtual QString program() const = 0;
    virtual QString rootIni() const = 0;
    virtual QString leafIni() const = 0;
    // Configs, create-root and create-leaf, with the system's command line.
    virtual void create() = 0;
    virtual void writeLeafConfig(int parallelCopies) = 0;
    virtual void startRoot() = 0;
    virtual void stopRoot() = 0;
    virtual std::unique_ptr<Process> startLeafWorker() = 0;
    // The leaf's tables (schema.table) and their states; "error" for a table
    // Ferry shows in error (with its error in `why`).
    virtual QHash<QString, QString> leafStates(QString *why) = 0;
    // Its processes running now (ticker, workers, copies), for their CPU time.
    virtual QList<qint64> livePids() const = 0;

    ProgramRun onRoot(const QStringList &args) const
    {
        return runProgram(program(), QStringList{rootIni()} + args, 1800000);
    }
    ProgramRun onLeaf(const QStringList &args) const
    {
        return runProgram(program(), QStringList{leafIni()} + args, 1800000);
    }

    // Polls the leaf until every table of `tables` is ok (all of the leaf's,
    // if empty, and at least `count` of them). Returns when each state was
    // first seen per table; stops at timeoutMs (the caller counts the ok ones).
    QHash<QString, StateTimes>
    waitUntilOk(qint64 startMs, const QStringList &tables, int count, int pollMs, qint64 timeoutMs)
    {
        QHash<QString, StateTimes> seen;
        for (;;) {
            sampleCpu();
            QString why;
            const QHash<QString, QString> states = leafStates(&why);
            const qint64 now = wallMs() - startMs;
            int ok = 0;
            for (auto it = states.cbegin(); it != states.cend(); ++it) {
                if (!tables.isEmpty() && !tables.contains(it.key()))
                    continue;
                if (it.value() == QLatin1String("error"))
                    fail(QStringLiteral("%1: %2 is in error: %3").arg(label, it.key(), why));
                StateTimes &t = seen[it.key()];
                if (!t.contains(it.value()))
                    t.insert(it.value(), now);
                ok += it.value() == QLatin1String("ok");
            }
            const int wanted = tables.isEmpty() ? count : int(tables.size());
            if (ok >= wanted)
                return seen;
            if (now > timeoutMs)
                return seen;
            QThread::msleep(pollMs);
        }
    }

    // CPU seconds of the system's own processes: a process that is gone
    // counts with its last sample (taken at every poll of waitUntilOk).
    void sampleCpu()
    {
        for (const qint64 pid : livePids()) {
            const double cpu = cpuSeconds(pid);
            if (cpu >= 0)
                m_cpu[pid] = qMax(m_cpu.value(pid), cpu);
        }
    }
    double processCpu()
    {
        sampleCpu();
        double total = 0;
        for (const double c : std::as_const(m_cpu))
            total += c;
        return total;
    }

    QString label;
    QString rootDbName;
    QString leafDbName;
    QString rootConnstr;
    QString leafConnstr;
    std::optional<Connection> root;
    std::optional<Connection> leaf;

protected:
    QString path(const QString &name) const { return m_clusters.dir.filePath(name); }
    void writeFile(const QString &name, const QString &text) const
    {
        if (!test::writeText(path(name), text))
            fail(QStringLiteral("cannot write %1").arg(path(name)));
    }

    Clusters &m_clusters;
    QHash<qint64, double> m_cpu;
};

class FerrySystem : public System
{
public:
    FerrySystem(Clusters &clusters, const QString &rootDb, const QString &leafDb)
        : System(clusters, QStringLiteral("Ferry"), rootDb, leafDb)
    {}
    // FERRY_BENCH_CLI: another build's `ferry`, to compare two versions.
    QString program() const override
    {
        const QString other = qEnvironmentVariable("FERRY_BENCH_CLI");
        return other.isEmpty() ? QStringLiteral(FERRY_CLI) : other;
    }
    QString rootIni() const override { return path(QStringLiteral("ferry_root.ini")); }
    QString leafIni() const override { return path(QStringLiteral("ferry_leaf.ini")); }
    void create() override
    {
        writeConfig(QStringLiteral("ferry_root"), rootConnstr, {});
        writeLeafConfig(1);
        onRoot({QStringLiteral("create-root"), QStringLiteral("root"), rootConnstr});
        onLeaf({QStringLiteral("create-leaf"), QStringLiteral("leaf"), leafConnstr,
                QStringLiteral("--provider=") + rootConnstr});
    }
    void writeLeafConfig(int parallelCopies) override
    {
        writeConfig(QStringLiteral("ferry_leaf"), leafConnstr,
                    QStringLiteral("parallel_copies = %1\n").arg(parallelCopies));
    }
    void startRoot() override
    {
        m_rootWorker
            = std::make_unique<Process>(program(), QStringList{rootIni(), QStringLiteral("worker")},
                                        rootIni() + QStringLiteral(".out"));
    }
    void stopRoot() override { m_rootWorker.reset(); }
    std::unique_ptr<Process> startLeafWorker() override
    {
        auto worker
            = std::make_unique<Process>(program(), QStringList{leafIni(), QStringLiteral("worker")},
                                        leafIni() + QStringLiteral(".out"));
        m_leafWorkerPid = worker->pid();
        return worker;
    }
    QList<qint64> livePids() const override
    {
        QList<qint64> pids{m_leafWorkerPid};
        if (m_rootWorker)
            pids.append(m_rootWorker->pid());
        return pids;
    }
    QHash<QString, QString> leafStates(QString *why) override
    {
        auto r = must(leaf->exec(QStringLiteral(
                                     "SELECT format('%s.%s', dest_schema, dest_name), merge_state, "
                                     "last_error FROM ferry.node_table WHERE queue_name = $1"),
                                 {kQueue}),
                      QStringLiteral("Ferry: leaf states"));
        QHash<QString, QString> states;
        for (int i = 0; i < r.rowCount(); ++i) {
            const bool error = !r.isNull(i, 2);
            if (error && why)
                *why = r.text(i, 2);
            states.insert(r.text(i, 0), error ? QStringLiteral("error") : r.text(i, 1));
        }
        return states;
    }
    // When the copy of a table began on the leaf (its transaction's start).
    qint64 copyStartedMs(const QString &table)
    {
        return scalar(*leaf,
                      QStringLiteral("SELECT (extract(epoch FROM copied_at) * 1000)::bigint FROM "
                                     "ferry.node_table WHERE queue_name = $1 AND format('%s.%s', "
                                     "dest_schema, dest_name) = $2"),
                      {kQueue, table});
    }

private:
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
    qint64 m_leafWorkerPid = 0;
};

// Londiste 3 with its defaults: pgqd ticks, the leaf's worker launches one
// `londiste copy` process per table (at most parallel_copies at once).
class LondisteSystem : public System
{
public:
    LondisteSystem(Clusters &clusters, const QString &rootDb, const QString &leafDb)
        : System(clusters, QStringLiteral("Londiste 3"), rootDb, leafDb)
    {}
    ~LondisteSystem() override { stopCopies(); }
    // The worker starts each copy as a daemon of its own, which outlives it.
    void stopCopies()
    {
        for (const qint64 pid : copyPids())
            ::kill(pid_t(pid), SIGTERM);
    }
    QList<qint64> copyPids() const
    {
        QList<qint64> pids;
        const QDir dir(m_clusters.dir.path());
        for (const QString &name :
             dir.entryList({QStringLiteral("l3_leaf.pid.copy.*")}, QDir::Files)) {
            QFile f(dir.filePath(name));
            const qint64 pid = f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
            if (pid > 0)
                pids.append(pid);
        }
        return pids;
    }
    QString program() const override { return kLondiste; }
    QString rootIni() const override { return path(QStringLiteral("l3_root.ini")); }
    QString leafIni() const override { return path(QStringLiteral("l3_leaf.ini")); }
    void create() override
    {
        writeFile(QStringLiteral("l3_root.ini"), config(QStringLiteral("l3_root"), rootConnstr, 1));
        writeLeafConfig(1);
        writeFile(QStringLiteral("pgqd.ini"),
                  QStringLiteral("[pgqd]\nbase_connstr = %1\ninitial_database = %2\n"
                                 "database_list = %2\nlogfile = %3\npidfile = %4\n")
                      .arg(rootConnstr.section(QStringLiteral(" dbname="), 0, 0), rootDbName,
                           path(QStringLiteral("pgqd.log")), path(QStringLiteral("pgqd.pid"))));
        onRoot({QStringLiteral("create-root"), QStringLiteral("node1"), rootConnstr});
        onLeaf({QStringLiteral("create-leaf"), QStringLiteral("node2"), leafConnstr,
                QStringLiteral("--provider=") + rootConnstr});
    }
    void writeLeafConfig(int parallelCopies) override
    {
        writeFile(QStringLiteral("l3_leaf.ini"),
                  config(QStringLiteral("l3_leaf"), leafConnstr, parallelCopies));
    }
    void startRoot() override
    {
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
    // How long pgqd lets the idle queue go without a tick (pgq's
    // ticker_idle_period; 1 minute by default). Londiste's copy moves a table
    // from catching-up to ok over several ticks, which on an idle root come
    // only this often; Ferry ticks at once after each copy.
    void setIdleTick(const QString &interval)
    {
        must(root->exec(QStringLiteral("SELECT pgq.set_queue_config($1, 'ticker_idle_period', $2)"),
                        {kQueue, interval}),
             QStringLiteral("Londiste: ticker_idle_period"));
    }
    std::unique_ptr<Process> startLeafWorker() override
    {
        auto worker
            = std::make_unique<Process>(kLondiste, QStringList{leafIni(), QStringLiteral("worker")},
                                        path(QStringLiteral("l3_leaf.out")));
        m_leafWorkerPid = worker->pid();
        return worker;
    }
    QList<qint64> livePids() const override
    {
        QList<qint64> pids = copyPids();
        pids.append(m_leafWorkerPid);
        if (m_rootWorker)
            pids += {m_rootWorker->pid(), m_pgqd->pid()};
        return pids;
    }
    QHash<QString, QString> leafStates(QString *) override
    {
        // A table the worker has not looked at yet has no state.
        auto r = must(leaf->exec(QStringLiteral("SELECT table_name, coalesce(merge_state, "
                                                "'added') FROM londiste.table_info WHERE "
                                                "queue_name = $1 AND local"),
                                 {kQueue}),
                      QStringLiteral("Londiste: leaf states"));
        QHash<QString, QString> states;
        for (int i = 0; i < r.rowCount(); ++i) {
            // "wanna-sync:1234" and "do-sync:1234" carry a tick.
            states.insert(r.text(i, 0), r.text(i, 1).section(QLatin1Char(':'), 0, 0));
        }
        return states;
    }

private:
    QString config(const QString &job, const QString &db, int parallelCopies) const
    {
        return QStringLiteral("[londiste]\njob_name = %1\ndb = %2\nqueue_name = %3\nlogfile = "
                              "%4\npidfile = %5\nparallel_copies = %6\n")
            .arg(job, db, kQueue, path(job + QStringLiteral(".log")),
                 path(job + QStringLiteral(".pid")))
            .arg(parallelCopies);
    }

    std::unique_ptr<Process> m_pgqd;
    std::unique_ptr<Process> m_rootWorker;
    qint64 m_leafWorkerPid = 0;
};

// ---------------------------------------------------------------- copy

struct CopySample
{
    double seconds = 0;    // add-table started -> ok seen
    double command = -1;   // the add-table command itself
    double toCopy = -1;    // -> the copy began (Ferry: copied_at; Londiste: in-copy seen)
    double copy = -1;      // -> catching-up seen
    double toOk = -1;      // catching-up -> ok
    qint64 idleHwmKb = -1; // Ferry's leaf worker before the add-table
    qint64 peakHwmKb = -1; // and after the table is ok
    double cpu = -1;       // CPU seconds of both servers and every client process
    double cpuLeaf = -1;   // of which the leaf's server
    double cpuRoot = -1;   // and the root's
};

double phase(const StateTimes &t, const QString &from, const QString &to)
{
    if (!t.contains(from) || !t.contains(to))
        return -1;
    return (t.value(to) - t.value(from)) / 1000.0;
}

class CopyBench
{
public:
    // rootSql runs on the roots' pgbench database, leafSql on each leaf's,
    // before anything else connects to them.
    CopyBench(int scale,
              bool withLondiste,
              const QString &rootSql = {},
              const QString &leafSql = {})
        : m_scale(scale)
        , m_rows(qint64(scale) * 100000)
        , m_clusters(QStringList{})
    {
        // Roots: one pgbench database, cloned for Londiste.
        PgCluster &root = m_clusters.root;
        PgCluster &leaf = m_clusters.leaf;
        must(root.createDatabase(QStringLiteral("ferry_root")), QStringLiteral("createdb"));
        say(QStringLiteral("pgbench -i -s %1 on the root").arg(scale));
        pgbenchInit(root, QStringLiteral("ferry_root"), scale, QStringLiteral("dtgvp"));
        if (!rootSql.isEmpty()) {
            say(QStringLiteral("more tables on the root"));
            exec(root, QStringLiteral("ferry_root"), rootSql);
            exec(root, QStringLiteral("ferry_root"), QStringLiteral("VACUUM ANALYZE"));
        }
        if (withLondiste)
            cloneDatabase(root, QStringLiteral("ferry_root"), QStringLiteral("l3_root"));
        for (const char *db : {"ferry_leaf", "l3_leaf", "raw_leaf"}) {
            if (!withLondiste && qstrcmp(db, "l3_leaf") == 0)
                continue;
            must(leaf.createDatabase(QLatin1String(db)), QStringLiteral("createdb"));
            pgbenchInit(leaf, QLatin1String(db), scale, QStringLiteral("dtp"));
            if (!leafSql.isEmpty() && qstrcmp(db, "raw_leaf") != 0)
                exec(leaf, QLatin1String(db), leafSql);
        }
        ferry = std::make_unique<FerrySystem>(m_clusters, QStringLiteral("ferry_root"),
                                              QStringLiteral("ferry_leaf"));
        if (withLondiste)
            londiste = std::make_unique<LondisteSystem>(m_clusters, QStringLiteral("l3_root"),
                                                        QStringLiteral("l3_leaf"));
        m_rawLeaf.emplace(connect(leaf, QStringLiteral("raw_leaf")));
        // The same table with a row trigger as Ferry puts on a leaf's table
        // (BEFORE INSERT ... FOR EACH ROW; in replica mode it never fires).
        must(m_rawLeaf->exec(QStringLiteral(
                 "CREATE TABLE public.acc_trigger (LIKE public.pgbench_accounts INCLUDING ALL); "
                 "CREATE FUNCTION public.deny() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
                 "RAISE EXCEPTION 'denied'; END$$; CREATE TRIGGER deny BEFORE INSERT OR UPDATE "
                 "OR DELETE ON public.acc_trigger FOR EACH ROW EXECUTE FUNCTION public.deny()")),
             QStringLiteral("raw_leaf: acc_trigger"));
    }

    int scale() const { return m_scale; }
    qint64 rows() const { return m_rows; }
    Clusters &clusters() { return m_clusters; }

    // Both systems' nodes; the root tables added, every worker running.
    void setUp(const QStringList &rootTables)
    {
        for (System *s : systems()) {
            s->create();
            s->onRoot(QStringList{QStringLiteral("add-table")} + rootTables);
            s->startRoot();
        }
        if (londiste)
            m_londisteWorker = londiste->startLeafWorker();
    }

    // Londiste's worker reads its config at start only.
    void restartLondisteWorker()
    {
        m_londisteWorker.reset();
        m_londisteWorker = londiste->startLeafWorker();
    }

    // When each table of the last copyOnce was ok, in seconds.
    QList<double> okTimes;

    std::vector<System *> systems()
    {
        std::vector<System *> v{ferry.get()};
        if (londiste)
            v.push_back(londiste.get());
        return v;
    }

    // One copy of `tables` by the system's leaf: removed there first if it
    // had them; Ferry's worker started afresh (its peak memory is then the
    // copy's).
    CopySample copyOnce(System &s, const QStringList &tables, qint64 rowsEach)
    {
        removeFromLeaf(s, tables);
        std::unique_ptr<Process> ferryWorker;
        CopySample c;
        if (&s == ferry.get()) {
            ferryWorker = ferry->startLeafWorker();
            QThread::msleep(2000);
            c.idleHwmKb = statusKb(ferryWorker->pid(), "VmHWM:");
        }
        const CpuNow before = cpuNow(&s);
        const qint64 start = wallMs();
        c.command = s.onLeaf(QStringList{QStringLiteral("add-table")} + tables).seconds;
        const auto seen = s.waitUntilOk(start, tables, 0, 20, 1800000);
        cpuSince(before, c, &s);
        for (const QString &t : tables) {
            if (seen.value(t).value(QStringLiteral("ok"), -1) < 0)
                fail(QStringLiteral("%1: %2 not ok in 30 minutes").arg(s.label, t));
        }
        if (ferryWorker)
            c.peakHwmKb = statusKb(ferryWorker->pid(), "VmHWM:");
        qint64 last = 0;
        okTimes.clear();
        for (const QString &t : tables) {
            last = qMax(last, seen.value(t).value(QStringLiteral("ok")));
            okTimes.append(seen.value(t).value(QStringLiteral("ok")) / 1000.0);
        }
        c.seconds = last / 1000.0;
        if (tables.size() == 1) {
            const StateTimes &t = seen.value(tables.first());
            if (&s == ferry.get()) {
                const qint64 began = ferry->copyStartedMs(tables.first()) - start;
                c.toCopy = began / 1000.0;
                if (t.contains(QStringLiteral("catching-up")))
                    c.copy = (t.value(QStringLiteral("catching-up")) - began) / 1000.0;
            } else {
                c.toCopy = t.value(QStringLiteral("in-copy"), -1000) / 1000.0;
                c.copy = phase(t, QStringLiteral("in-copy"), QStringLiteral("catching-up"));
            }
            c.toOk = phase(t, QStringLiteral("catching-up"), QStringLiteral("ok"));
        }
        m_copyIntervals.clear();
        for (const QString &t : tables) {
            const StateTimes &st = seen.value(t);
            const qint64 from = &s == ferry.get() ? ferry->copyStartedMs(t) - start
                                                  : st.value(QStringLiteral("in-copy"), -1);
            m_copyIntervals.append({from, st.value(QStringLiteral("catching-up"), -1)});
        }
        for (const QString &t : tables)
            checkRows(*s.leaf, t, rowsEach, s.label);
        subscribed[&s] = tables;
        return c;
    }

    // The most copies seen running at once in the last copyOnce. A copy's
    // end is seen up to a poll (20 ms) late: the next one may start before.
    int mostAtOnce() const
    {
        int most = 0;
        for (const auto &a : m_copyIntervals) {
            int n = 0;
            for (const auto &b : m_copyIntervals)
                n += b.first <= a.first && a.first < b.second - 50;
            most = qMax(most, n);
        }
        return most;
    }

    // The reference: psql | psql, into raw_leaf's table, truncated first.
    // trigger: binary, into acc_trigger with session_replication_role = replica.
    CopySample rawPipe(bool binary, bool trigger = false)
    {
        const QString into = trigger ? QStringLiteral("public.acc_trigger") : kAccounts;
        must(m_rawLeaf->exec(QStringLiteral("TRUNCATE ") + into), QStringLiteral("truncate"));
        const QString format = binary ? QStringLiteral(" (FORMAT binary)") : QString();
        const QString script
            = QStringLiteral("set -o pipefail; psql %1 -c 'COPY %2 TO STDOUT%3' | %5psql %4 -c "
                             "'COPY %6 FROM STDIN%3'")
                  .arg(psql(m_clusters.root, QStringLiteral("ferry_root")).join(QLatin1Char(' ')),
                       kAccounts, format,
                       psql(m_clusters.leaf, QStringLiteral("raw_leaf")).join(QLatin1Char(' ')),
                       trigger ? QStringLiteral("PGOPTIONS='-c session_replication_role=replica' ")
                               : QString(),
                       into);
        CopySample c;
        const CpuNow before = cpuNow(nullptr);
        c.seconds = runProgram(QStringLiteral("bash"), {QStringLiteral("-c"), script}).seconds;
        cpuSince(before, c, nullptr);
        checkRows(*m_rawLeaf, into, m_rows, QStringLiteral("psql pipe"));
        return c;
    }

    static QString rawCommand(bool binary)
    {
        const QString format = binary ? QStringLiteral(" (FORMAT binary)") : QString();
        return QStringLiteral("psql -h ROOT -d ferry_root -c \"COPY %1 TO STDOUT%2\" \\| psql "
                              "-h LEAF -d raw_leaf -c \"COPY %1 FROM STDIN%2\"")
            .arg(kAccounts, format);
    }

    std::unique_ptr<FerrySystem> ferry;
    std::unique_ptr<LondisteSystem> londiste;
    QHash<System *, QStringList> subscribed;

private:
    void removeFromLeaf(System &s, const QStringList &tables)
    {
        QStringList had;
        for (const QString &t : subscribed.value(&s)) {
            if (tables.contains(t))
                had.append(t);
        }
        if (had.isEmpty())
            return;
        s.onLeaf(QStringList{QStringLiteral("remove-table")} + had);
        QStringList left = subscribed.value(&s);
        for (const QString &t : std::as_const(had))
            left.removeAll(t);
        subscribed[&s] = left;
    }

    // CPU seconds so far of both servers, the commands run to their end and
    // the system's own processes.
    struct CpuNow
    {
        double leaf = 0;
        double root = 0;
        double clients = 0;
    };
    CpuNow cpuNow(System *s) const
    {
        return {clusterCpu(m_clusters.leaf), clusterCpu(m_clusters.root),
                endedChildrenCpu() + (s ? s->processCpu() : 0)};
    }
    void cpuSince(const CpuNow &before, CopySample &c, System *s) const
    {
        // Sessions that just ended are counted once their server reaped them.
        QThread::msleep(300);
        const CpuNow now = cpuNow(s);
        c.cpuLeaf = now.leaf - before.leaf;
        c.cpuRoot = now.root - before.root;
        c.cpu = c.cpuLeaf + c.cpuRoot + now.clients - before.clients;
    }

    static void checkRows(Connection &c, const QString &table, qint64 rows, const QString &who)
    {
        const qint64 n = scalar(c, QStringLiteral("SELECT count(*) FROM ") + table);
        if (n != rows)
            fail(QStringLiteral("%1: %2 has %3 rows on the leaf, expected %4")
                     .arg(who, table)
                     .arg(n)
                     .arg(rows));
    }

    int m_scale;
    qint64 m_rows;
    Clusters m_clusters;
    std::optional<Connection> m_rawLeaf;
    std::unique_ptr<Process> m_londisteWorker;
    QList<std::pair<qint64, qint64>> m_copyIntervals;
};

QString medianOf(const std::vector<CopySample> &v, double CopySample::*field)
{
    std::vector<double> xs;
    for (const CopySample &c : v) {
        if (c.*field >= 0)
            xs.push_back(c.*field);
    }
    return xs.empty() ? QStringLiteral("–") : secs(median(xs));
}

QString range(const std::vector<CopySample> &v)
{
    double lo = 1e18;
    double hi = 0;
    for (const CopySample &c : v) {
        lo = qMin(lo, c.seconds);
        hi = qMax(hi, c.seconds);
    }
    return secs(lo) + QStringLiteral("–") + secs(hi);
}

int copyMode(int scale, int repeats, bool twice, bool withLondiste)
{
    CopyBench bench(scale, withLondiste);
    const QString acc2x = QStringLiteral("public.acc2x");
    if (twice) {
        // Twice the rows, for Ferry's memory only.
        say(QStringLiteral("acc2x (%1 rows) on Ferry's root").arg(2 * bench.rows()));
        exec(bench.clusters().root, QStringLiteral("ferry_root"),
             QStringLiteral(
                 "CREATE TABLE public.acc2x (LIKE public.pgbench_accounts INCLUDING ALL); INSERT "
                 "INTO public.acc2x SELECT aid, bid, abalance, filler FROM "
                 "public.pgbench_accounts UNION ALL SELECT aid + %1, bid, abalance, "
                 "filler FROM public.pgbench_accounts")
                 .arg(bench.rows()));
        exec(bench.clusters().root, QStringLiteral("ferry_root"),
             QStringLiteral("VACUUM ANALYZE public.acc2x"));
        exec(bench.clusters().leaf, QStringLiteral("ferry_leaf"),
             QStringLiteral(
                 "CREATE TABLE public.acc2x (LIKE public.pgbench_accounts INCLUDING ALL)"));
    }
    say(QStringLiteral("nodes and workers"));
    bench.setUp({kAccounts});
    if (twice)
        bench.ferry->onRoot({QStringLiteral("add-table"), acc2x});

    // Methods interleaved, the order rotated every repeat.
    // Londiste twice: as installed (an idle root ticks once a minute) and
    // with a tick every second.
    QStringList methods = {QStringLiteral("ferry"), QStringLiteral("text"),
                           QStringLiteral("binary"), QStringLiteral("trigger")};
    if (withLondiste)
        methods += {QStringLiteral("l3"), QStringLiteral("l3tick")};
    QMap<QString, std::vector<CopySample>> samples;
    out() << "Rows: " << bench.rows() << " (pgbench_accounts of pgbench -i -s " << scale << "), "
          << repeats << " repeats, interleaved\n\n"
          << "| repeat | method | seconds | CPU s (leaf server / root server) | add-table command "
             "s | to copy start s | copy s "
             "| catching-up to ok s | worker VmHWM idle / after |\n"
          << "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
    out().flush();
    for (int r = 0; r < repeats; ++r) {
        for (int m = 0; m < methods.size(); ++m) {
            const QString method = methods.at((m + r) % methods.size());
            CopySample c;
            if (method == QLatin1String("ferry"))
                c = bench.copyOnce(*bench.ferry, {kAccounts}, bench.rows());
            else if (method.startsWith(QLatin1String("l3"))) {
                bench.londiste->setIdleTick(method == QLatin1String("l3")
                                                ? QStringLiteral("1 minute")
                                                : QStringLiteral("1 second"));
                c = bench.copyOnce(*bench.londiste, {kAccounts}, bench.rows());
            } else
                c = bench.rawPipe(method != QLatin1String("text"),
                                  method == QLatin1String("trigger"));
            samples[method].push_back(c);
            const auto opt = [](double x) {
                return x >= 0 ? secs(x) : QStringLiteral("–");
            };
            out() << "| " << r + 1 << " | " << method << " | " << secs(c.seconds) << " | "
                  << opt(c.cpu) << " (" << opt(c.cpuLeaf) << " / " << opt(c.cpuRoot) << ") | "
                  << opt(c.command) << " | " << opt(c.toCopy) << " | " << opt(c.copy) << " | "
                  << opt(c.toOk) << " | "
                  << (c.idleHwmKb >= 0 ? mb(c.idleHwmKb) + QStringLiteral(" / ") + mb(c.peakHwmKb)
                                       : QStringLiteral("–"))
                  << " |\n";
            out().flush();
        }
    }

    const double pipe = median([&] {
        std::vector<double> v;
        for (const CopySample &c : samples.value(QStringLiteral("text")))
            v.push_back(c.seconds);
        return v;
    }());
    const QMap<QString, QString> names = {
        {QStringLiteral("ferry"), QStringLiteral("Ferry: leaf `add-table` → ok")},
        {QStringLiteral("l3"),
         QStringLiteral(
             "Londiste 3: leaf `add-table` → ok (defaults: idle root ticks every 60 s)")},
        {QStringLiteral("l3tick"),
         QStringLiteral("Londiste 3: leaf `add-table` → ok (ticker_idle_period = 1 s)")},
        {QStringLiteral("text"), QStringLiteral("raw pipe, text: ") + CopyBench::rawCommand(false)},
        {QStringLiteral("binary"),
         QStringLiteral("raw pipe, binary: ") + CopyBench::rawCommand(true)},
        {QStringLiteral("trigger"),
         QStringLiteral("raw pipe, binary, into a table with a BEFORE INSERT row trigger as "
                        "Ferry's leaf tables have (`PGOPTIONS='-c "
                        "session_replication_role=replica'`: never fired)")}};
    out() << "\n| method | median s | min–max s | × raw text pipe | × text pipe, same round "
             "(median) | rows/s | CPU s, all processes (leaf server / root server) | add-table "
             "command s | to copy start s | "
             "copy s | catching-up to ok s | leaf worker VmHWM idle → after (largest) |\n"
          << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const QString &method : methods) {
        const std::vector<CopySample> &v = samples[method];
        std::vector<double> totals;
        qint64 idle = -1;
        qint64 peak = -1;
        for (const CopySample &c : v) {
            totals.push_back(c.seconds);
            idle = qMax(idle, c.idleHwmKb);
            peak = qMax(peak, c.peakHwmKb);
        }
        const double m = median(totals);
        std::vector<double> ratios;
        const std::vector<CopySample> &text = samples[QStringLiteral("text")];
        for (size_t i = 0; i < v.size() && i < text.size(); ++i)
            ratios.push_back(v[i].seconds / text[i].seconds);
        out() << "| " << names.value(method) << " | " << secs(m) << " | " << range(v) << " | "
              << QString::number(m / pipe, 'f', 2) << " | "
              << QString::number(median(ratios), 'f', 2) << " | " << qint64(bench.rows() / m)
              << " | " << medianOf(v, &CopySample::cpu) << " (" << medianOf(v, &CopySample::cpuLeaf)
              << " / " << medianOf(v, &CopySample::cpuRoot) << ") | "
              << medianOf(v, &CopySample::command) << " | " << medianOf(v, &CopySample::toCopy)
              << " | " << medianOf(v, &CopySample::copy) << " | " << medianOf(v, &CopySample::toOk)
              << " | "
              << (idle >= 0 ? mb(idle) + QStringLiteral(" → ") + mb(peak) : QStringLiteral("–"))
              << " |\n";
    }
    out().flush();

    if (twice) {
        const CopySample c = bench.copyOnce(*bench.ferry, {acc2x}, 2 * bench.rows());
        out() << "\nFerry's leaf worker, memory against the table's size (VmHWM of a worker "
                 "started just before the add-table):\n\n"
              << "| table | rows | add-table → ok s | VmHWM idle | VmHWM after the copy | added |\n"
              << "|---|---:|---:|---:|---:|---:|\n";
        qint64 idle = 0;
        qint64 peak = 0;
        const std::vector<CopySample> &ones = samples[QStringLiteral("ferry")];
        for (const CopySample &o : ones) {
            idle = qMax(idle, o.idleHwmKb);
            peak = qMax(peak, o.peakHwmKb);
        }
        out() << "| " << kAccounts << " (largest of " << ones.size() << ") | " << bench.rows()
              << " | " << medianOf(ones, &CopySample::seconds) << " | " << mb(idle) << " | "
              << mb(peak) << " | " << (peak - idle) << " kB |\n"
              << "| " << acc2x << " | " << 2 * bench.rows() << " | " << secs(c.seconds) << " | "
              << mb(c.idleHwmKb) << " | " << mb(c.peakHwmKb) << " | " << (c.peakHwmKb - c.idleHwmKb)
              << " kB |\n";
    }
    out() << "\nEvery copy checked: the leaf's table has all " << bench.rows() << " rows.\n";
    out().flush();
    for (System *s : bench.systems())
        s->stopRoot();
    return 0;
}

int copy4Mode(int scale, int repeats, bool withLondiste)
{
    QStringList tables;
    QString make;
    QString makeEmpty;
    for (int i = 1; i <= 4; ++i) {
        tables.append(QStringLiteral("public.acc%1").arg(i));
        make += QStringLiteral("CREATE TABLE public.acc%1 (LIKE public.pgbench_accounts INCLUDING "
                               "ALL); INSERT INTO public.acc%1 SELECT * FROM "
                               "public.pgbench_accounts; ")
                    .arg(i);
        makeEmpty += QStringLiteral(
                         "CREATE TABLE public.acc%1 (LIKE public.pgbench_accounts INCLUDING ALL); ")
                         .arg(i);
    }
    // acc1..acc4 made on the root before Londiste's copy of it.
    CopyBench bench(scale, withLondiste, make, makeEmpty);
    say(QStringLiteral("nodes and workers"));
    bench.setUp(tables);
    if (bench.londiste)
        bench.londiste->setIdleTick(QStringLiteral("1 second"));

    out() << "Four tables of " << bench.rows() << " rows (pgbench_accounts of pgbench -i -s "
          << scale << ", copied) added at once on the leaf\n\n"
          << "| repeat | system | parallel_copies | all four ok s | CPU s | most copies at once "
             "| each table ok at s |\n"
          << "|---:|---|---:|---:|---:|---:|---|\n";
    out().flush();
    QMap<QString, std::vector<double>> totals;
    QMap<QString, std::vector<double>> cpus;
    QStringList order;
    for (int r = 0; r < repeats; ++r) {
        for (const int parallel : {1, 4}) {
            for (System *s : bench.systems()) {
                s->writeLeafConfig(parallel);
                // Ferry's worker starts afresh in copyOnce.
                if (s != bench.ferry.get())
                    bench.restartLondisteWorker();
                const CopySample c = bench.copyOnce(*s, tables, bench.rows());
                QStringList each;
                for (const double t : std::as_const(bench.okTimes))
                    each.append(secs(t));
                const QString key = QStringLiteral("%1 | %2").arg(s->label).arg(parallel);
                if (!order.contains(key))
                    order.append(key);
                totals[key].push_back(c.seconds);
                cpus[key].push_back(c.cpu);
                out() << "| " << r + 1 << " | " << s->label << " | " << parallel << " | "
                      << secs(c.seconds) << " | " << secs(c.cpu) << " | " << bench.mostAtOnce()
                      << " | " << each.join(QStringLiteral(", ")) << " |\n";
                out().flush();
            }
        }
    }
    out() << "\n| system | parallel_copies | all four ok, median s | rows/s | CPU s, median |\n"
          << "|---|---:|---:|---:|---:|\n";
    for (const QString &key : std::as_const(order)) {
        const double m = median(totals.value(key));
        out() << "| " << key << " | " << secs(m) << " | " << qint64(4 * bench.rows() / m) << " | "
              << secs(median(cpus.value(key))) << " |\n";
    }
    out() << "\nEvery copy checked: each leaf table has all " << bench.rows() << " rows.\n";
    out().flush();
    for (System *s : bench.systems())
        s->stopRoot();
    return 0;
}

// ---------------------------------------------------------------- compare

const QString kComparator = QStringLiteral("/usr/bin/pg_comparator");

bool comparatorInstalled()
{
    return QFileInfo::exists(kComparator);
}

// The keys one round damages on both leaves: one row deleted, one of a new
// key inserted, three updated in different columns; spread over the table
// and moved each round.
struct Damage
{
    qint64 deleted = 0;
    qint64 inserted = 0;
    qint64 balance = 0; // abalance changed
    qint64 branch = 0;  // bid changed
    qint64 filler = 0;  // filler changed

    QList<qint64> keys() const
    {
        QList<qint64> k{deleted, inserted, balance, branch, filler};
        std::sort(k.begin(), k.end());
        return k;
    }
    QString inList() const
    {
        QStringList k;
        for (const qint64 key : keys())
            k.append(QString::number(key));
        return k.join(QStringLiteral(", "));
    }
};

Damage damageOf(int round, qint64 rows)
{
    const qint64 step = rows / 5;
    const qint64 shift = 1 + round * 7919 % step;
    return {shift, rows + 1 + round, step + shift, 2 * step + shift, 4 * step + shift};
}

// As superuser in replica mode (no trigger of either system fires). The
// rows as they were are kept in public.bench_saved, for Londiste's leaf to
// be put back without a copy of its own.
void damageLeaf(Connection &leaf, const Damage &d)
{
    must(leaf.exec(
             QStringLiteral(
                 "SET session_replication_role = replica; SET client_min_messages = warning; "
                 "BEGIN; DROP TABLE IF EXISTS "
                 "public.bench_saved; CREATE TABLE public.bench_saved AS SELECT * FROM %1 WHERE "
                 "aid IN (%2); DELETE FROM %1 WHERE aid = %3; INSERT INTO %1 (aid, bid, "
                 "abalance, filler) VALUES (%4, 1, 0, 'inserted on the leaf'); UPDATE %1 SET "
                 "abalance = abalance + 7 WHERE aid = %5; UPDATE %1 SET bid = bid % 20 + 1 "
                 "WHERE aid = %6; UPDATE %1 SET filler = 'damaged on the leaf' WHERE aid = %7; "
                 "COMMIT; RESET session_replication_role")
                 .arg(kAccounts, d.inList())
                 .arg(d.deleted)
                 .arg(d.inserted)
                 .arg(d.balance)
                 .arg(d.branch)
                 .arg(d.filler)),
         QStringLiteral("damage the leaf"));
}

void restoreLeaf(Connection &leaf, const Damage &d)
{
    must(leaf.exec(QStringLiteral("SET session_replication_role = replica; BEGIN; DELETE FROM "
                                  "%1 WHERE aid IN (%2); INSERT INTO %1 SELECT * FROM "
                                  "public.bench_saved; DROP TABLE public.bench_saved; COMMIT; "
                                  "RESET session_replication_role")
                       .arg(kAccounts, d.inList())),
         QStringLiteral("restore the leaf"));
}

// The keys `ferry compare --json` lists for the table, sorted.
QList<qint64> ferryKeys(const QString &json, QString *kinds)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        fail(QStringLiteral("ferry compare --json: not JSON: %1").arg(json.left(400)));
    QList<qint64> keys;
    QStringList k;
    for (const QJsonValue &t : doc.object().value(QStringLiteral("tables")).toArray()) {
        for (const QJsonValue &d : t.toObject().value(QStringLiteral("differences")).toArray()) {
            const QJsonObject o = d.toObject();
            keys.append(o.value(QStringLiteral("key")).toArray().first().toString().toLongLong());
            QString kind = o.value(QStringLiteral("kind")).toString();
            const QJsonArray cols = o.value(QStringLiteral("columns")).toArray();
            if (!cols.isEmpty())
                kind += QLatin1Char('(') + cols.first().toString() + QLatin1Char(')');
            k.append(kind);
        }
    }
    std::sort(keys.begin(), keys.end());
    if (kinds)
        *kinds = k.join(QLatin1Char(' '));
    return keys;
}

// Where ferry compare --json says its time went ("sync 310 + checksum 640 +
// narrow 0 + recheck 0 ms").
QString ferryPhases(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    QStringList parts;
    for (const QJsonValue &t : doc.object().value(QStringLiteral("tables")).toArray()) {
        const QJsonObject ms = t.toObject().value(QStringLiteral("milliseconds")).toObject();
        for (const char *phase : {"sync", "checksum", "narrow", "recheck"})
            parts.append(QStringLiteral("%1 %2")
                             .arg(QLatin1String(phase))
                             .arg(ms.value(QLatin1String(phase)).toInteger()));
    }
    return parts.isEmpty() ? QStringLiteral("–")
                           : parts.join(QStringLiteral(" + ")) + QStringLiteral(" ms");
}

// The keys pg_comparator reports, one a line ("UPDATE 123", "INSERT 7"...).
QList<qint64> comparatorKeys(const QString &output)
{
    QList<qint64> keys;
    for (const QString &line : output.split(QLatin1Char('\n'))) {
        const QStringList w = line.simplified().split(QLatin1Char(' '));
        if (w.size() >= 2
            && (w.first() == QLatin1String("UPDATE") || w.first() == QLatin1String("INSERT")
                || w.first() == QLatin1String("DELETE")))
            keys.append(w.at(1).toLongLong());
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

QString keyList(const QList<qint64> &keys)
{
    QStringList k;
    for (const qint64 key : keys)
        k.append(QString::number(key));
    return k.join(QStringLiteral(","));
}

struct Timed
{
    double seconds = 0;
    double cpu = 0; // both servers and the command
    QString output;
    int exitCode = 0;
    QString phases; // ferry compare: where its time went
};

int compareMode(int scale, int repeats, bool withLondiste, bool withComparator)
{
    CopyBench bench(scale, withLondiste);
    PgCluster &root = bench.clusters().root;
    PgCluster &leaf = bench.clusters().leaf;
    say(QStringLiteral("nodes and workers; %1 copied to each leaf").arg(kAccounts));
    bench.setUp({kAccounts});
    if (bench.londiste)
        bench.londiste->setIdleTick(QStringLiteral("1 second"));
    for (System *s : bench.systems())
        bench.copyOnce(*s, {kAccounts}, bench.rows());
    // Both leaves' tables as autovacuum would leave them (hint bits, statistics).
    for (System *s : bench.systems())
        must(s->leaf->exec(QStringLiteral("VACUUM ANALYZE ") + kAccounts),
             QStringLiteral("vacuum the leaf"));
    // copyOnce's Ferry worker stopped with it; compare needs one.
    auto ferryWorker = bench.ferry->startLeafWorker();
    if (withComparator) {
        exec(root, QStringLiteral("ferry_root"), QStringLiteral("CREATE EXTENSION pgcmp"));
        exec(leaf, QStringLiteral("ferry_leaf"), QStringLiteral("CREATE EXTENSION pgcmp"));
    }
    const auto url = [](const PgCluster &c, const QString &db) {
        return QStringLiteral("pgsql://postgres@127.0.0.1:%1/%2/%3?aid:bid,abalance,filler")
            .arg(c.port())
            .arg(db, kAccounts);
    };
    const QStringList comparatorArgs{url(root, QStringLiteral("ferry_root")),
                                     url(leaf, QStringLiteral("ferry_leaf"))};
    const auto timed = [&](const QString &program, const QStringList &args) {
        const double before = clusterCpu(root) + clusterCpu(leaf) + endedChildrenCpu();
        const ProgramExit p = runProgramExit(program, args, 1800000);
        Timed t;
        t.seconds = p.seconds;
        t.cpu = clusterCpu(root) + clusterCpu(leaf) + endedChildrenCpu() - before;
        t.output = p.output;
        t.exitCode = p.exitCode;
        return t;
    };
    // The tools, each a function of the round's damage (none: equal tables)
    // that returns its time and the keys it found ("" where it finds none).
    struct Tool
    {
        QString name;
        std::function<std::pair<Timed, QString>(const Damage *)> run;
    };
    std::vector<Tool> tools;
    tools.push_back(
        {QStringLiteral("ferry compare"), [&](const Damage *d) {
             QStringList args{bench.ferry->leafIni(), QStringLiteral("compare"),
                              QStringLiteral("--json"), kAccounts};
             Timed t = timed(bench.ferry->program(), args);
             if (t.exitCode != (d ? 1 : 0))
                 fail(QStringLiteral("ferry compare exit %1: %2").arg(t.exitCode).arg(t.output));
             t.phases = ferryPhases(t.output);
             if (!d)
                 return std::make_pair(t, QString());
             QString kinds;
             const QList<qint64> keys = ferryKeys(t.output, &kinds);
             return std::make_pair(t, keyList(keys) + QStringLiteral(" ") + kinds);
         }});
    if (withLondiste)
        tools.push_back(
            {QStringLiteral("londiste compare"), [&](const Damage *d) {
                 Timed t = timed(kLondiste,
                                 {bench.londiste->leafIni(), QStringLiteral("compare"), kAccounts});
                 // It says only that the counts or checksums differ (exit 1).
                 if (t.exitCode != (d ? 1 : 0))
                     fail(QStringLiteral("londiste compare exit %1: %2")
                              .arg(t.exitCode)
                              .arg(t.output));
                 return std::make_pair(t, d ? QStringLiteral("(no keys: exit 1)") : QString());
             }});
    if (withComparator)
        tools.push_back(
            {QStringLiteral("pg_comparator"), [&](const Damage *d) {
                 Timed t = timed(kComparator, comparatorArgs);
                 if (t.exitCode != 0 && t.exitCode != 1)
                     fail(
                         QStringLiteral("pg_comparator exit %1: %2").arg(t.exitCode).arg(t.output));
                 const QList<qint64> keys = comparatorKeys(t.output);
                 if (!d && !keys.isEmpty())
                     fail(QStringLiteral("pg_comparator: differences on equal "
                                         "tables: %1")
                              .arg(t.output));
                 return std::make_pair(t, keyList(keys));
             }});

    out() << "pgbench_accounts of pgbench -i -s " << scale << " (" << bench.rows()
          << " rows), equal on root and leaf; then 5 rows damaged on the leaf (1 deleted, 1 "
             "inserted, 3 updated: abalance, bid, filler)\n\n"
          << "| round | case | tool | wall s | CPU s | keys found | Ferry's phases |\n"
             "|---:|---|---|---:|---:|---|---|\n";
    out().flush();
    QMap<QString, std::vector<double>> walls;
    QMap<QString, std::vector<double>> cpus;
    QMap<QString, int> exact;
    // Round 0 warms the caches and is not counted.
    for (int r = 0; r <= repeats; ++r) {
        const Damage d = damageOf(r, bench.rows());
        for (const bool damaged : {false, true}) {
            if (damaged) {
                for (System *s : bench.systems())
                    damageLeaf(*s->leaf, d);
            }
            for (size_t i = 0; i < tools.size(); ++i) {
                const Tool &tool = tools.at((i + size_t(r)) % tools.size());
                const auto [t, found] = tool.run(damaged ? &d : nullptr);
                const QString caseName
                    = damaged ? QStringLiteral("5 damaged") : QStringLiteral("equal");
                const QString key = caseName + QStringLiteral(" | ") + tool.name;
                const QString want = keyList(d.keys());
                const bool right = !damaged || found == want
                                   || found.startsWith(want + QLatin1Char(' '))
                                   || tool.name == QLatin1String("londiste compare");
                out() << "| " << (r ? QString::number(r) : QStringLiteral("warm-up")) << " | "
                      << caseName << " | " << tool.name << " | " << secs(t.seconds) << " | "
                      << secs(t.cpu) << " | " << (damaged ? found : QStringLiteral("–"))
                      << (right ? "" : " **WRONG**") << " | "
                      << (t.phases.isEmpty() ? QStringLiteral("–") : t.phases) << " |\n";
                out().flush();
                if (r == 0)
                    continue;
                walls[key].push_back(t.seconds);
                cpus[key].push_back(t.cpu);
                exact[key] += right;
            }
        }
        // Put both leaves back: Ferry's with its repair, Londiste's as it was.
        const ProgramRun repair = bench.ferry->onLeaf({QStringLiteral("repair"), kAccounts});
        if (!repair.output.contains(QLatin1String("compared again: ok")))
            fail(QStringLiteral("ferry repair: %1").arg(repair.output));
        out() << "\nround " << r << ": ferry repair " << secs(repair.seconds)
              << " s: " << repair.output.trimmed().split(QLatin1Char('\n')).last() << "\n\n";
        if (bench.londiste)
            restoreLeaf(*bench.londiste->leaf, d);
    }
    out() << "\nExpected keys each round: 1 deleted, 1 new, 3 updated; median of " << repeats
          << " rounds, the tools' order rotated each round\n\n"
          << "| case | tool | wall s, median | range | CPU s, median | rounds right (equal: "
             "none found; damaged: exactly the 5 keys) |\n|---|---|---:|---:|---:|---:|\n";
    QStringList order;
    for (const QString &caseName : {QStringLiteral("equal"), QStringLiteral("5 damaged")}) {
        for (const Tool &tool : tools)
            order.append(caseName + QStringLiteral(" | ") + tool.name);
    }
    for (const QString &key : std::as_const(order)) {
        const std::vector<double> &w = walls.value(key);
        out() << "| " << key << " | " << secs(median(w)) << " | "
              << secs(*std::min_element(w.begin(), w.end())) << "–"
              << secs(*std::max_element(w.begin(), w.end())) << " | "
              << secs(median(cpus.value(key))) << " | "
              << (key.contains(QLatin1String("londiste"))
                      ? QStringLiteral("– (counts only)")
                      : QStringLiteral("%1 of %2").arg(exact.value(key)).arg(w.size()))
              << " |\n";
    }
    out().flush();
    for (System *s : bench.systems())
        s->stopRoot();
    return 0;
}

// ---------------------------------------------------------------- scale

QString manyTablesSql(int tables, int rows)
{
    return QStringLiteral(
               "CREATE SCHEMA many; DO $$ BEGIN FOR i IN 1..%1 LOOP EXECUTE format('CREATE TABLE "
               "many.t%s (id int PRIMARY KEY, val int NOT NULL, note text)', lpad(i::text, 4, "
               "'0')); IF %2 > 0 THEN EXECUTE format('INSERT INTO many.t%s SELECT g, g * 7, "
               "md5(g::text) FROM generate_series(1, %2) g', lpad(i::text, 4, '0')); END IF; END "
               "LOOP; END $$")
        .arg(tables)
        .arg(rows);
}

// The statements a system's databases ran since the last reset, by total
// time (pg_stat_statements).
void printStatements(const PgCluster &cluster, const QString &db, const QString &where, int limit)
{
    Connection c = connect(cluster, QStringLiteral("postgres"));
    auto r = must(
        c.exec(QStringLiteral(
                   "SELECT sum(calls)::bigint, round(sum(total_exec_time)::numeric, 0), "
                   "(SELECT count(*) FROM public.pg_stat_statements s JOIN pg_database d ON "
                   "d.oid = s.dbid WHERE d.datname = $1) FROM public.pg_stat_statements s JOIN "
                   "pg_database d ON d.oid = s.dbid WHERE d.datname = $1"),
               {db}),
        QStringLiteral("pg_stat_statements"));
    out() << "\n"
          << where << " (database " << db << "): " << r.text(0, 0)
          << " statements run (each a round trip unless sent in one query string), " << r.text(0, 1)
          << " ms in the server, " << r.text(0, 2) << " distinct\n\n"
          << "| calls | total ms | mean ms | rows | query |\n|---:|---:|---:|---:|---|\n";
    auto top
        = must(c.exec(QStringLiteral(
                          "SELECT calls, round(total_exec_time::numeric, 0), "
                          "round(mean_exec_time::numeric, 3), rows, "
                          "regexp_replace(query, '\\s+', ' ', 'g') FROM public.pg_stat_statements "
                          "s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 "
                          "ORDER BY total_exec_time DESC LIMIT $2"),
                      {db, limit}),
               QStringLiteral("pg_stat_statements"));
    for (int i = 0; i < top.rowCount(); ++i) {
        QString q = top.text(i, 4);
        if (q.size() > 160)
            q = q.left(157) + QStringLiteral("...");
        q.replace(QLatin1Char('|'), QStringLiteral("\\|"));
        out() << "| " << top.text(i, 0) << " | " << top.text(i, 1) << " | " << top.text(i, 2)
              << " | " << top.text(i, 3) << " | `" << q << "` |\n";
    }
    out().flush();
}

int scaleMode(
    int tables, int rows, int repeats, bool stats, int londisteTimeoutS, bool withLondiste)
{
    QStringList settings;
    if (stats)
        settings = {QStringLiteral("shared_preload_libraries = 'pg_stat_statements'"),
                    QStringLiteral("pg_stat_statements.max = 10000")};
    Clusters clusters(settings);
    say(QStringLiteral("%1 tables of %2 rows").arg(tables).arg(rows));
    must(clusters.root.createDatabase(QStringLiteral("ferry_root")), QStringLiteral("createdb"));
    exec(clusters.root, QStringLiteral("ferry_root"), manyTablesSql(tables, rows));
    exec(clusters.root, QStringLiteral("ferry_root"), QStringLiteral("VACUUM ANALYZE"));
    if (withLondiste)
        cloneDatabase(clusters.root, QStringLiteral("ferry_root"), QStringLiteral("l3_root"));
    for (const QString &db : {QStringLiteral("ferry_leaf"), QStringLiteral("l3_leaf")}) {
        if (!withLondiste && db == QLatin1String("l3_leaf"))
            continue;
        must(clusters.leaf.createDatabase(db), QStringLiteral("createdb"));
        exec(clusters.leaf, db, manyTablesSql(tables, 0));
    }
    if (stats) {
        for (const QString &db : {QStringLiteral("postgres")}) {
            exec(clusters.root, db,
                 QStringLiteral("CREATE EXTENSION pg_stat_statements SCHEMA public"));
            exec(clusters.leaf, db,
                 QStringLiteral("CREATE EXTENSION pg_stat_statements SCHEMA public"));
        }
    }
    std::vector<std::unique_ptr<System>> systems;
    systems.push_back(std::make_unique<FerrySystem>(clusters, QStringLiteral("ferry_root"),
                                                    QStringLiteral("ferry_leaf")));
    if (withLondiste)
        systems.push_back(std::make_unique<LondisteSystem>(clusters, QStringLiteral("l3_root"),
                                                           QStringLiteral("l3_leaf")));

    struct Row
    {
        QString label;
        double rootAdd = 0;
        double leafAdd = 0;
        double allOk = -1; // -1: not within the timeout
        int okAtEnd = 0;
        double firstOk = -1;
        double halfOk = -1;
        double workerCpu = -1;
        QMap<QString, double> commands; // "root status" -> median seconds
    };
    std::vector<Row> results;
    const QStringList commands = {QStringLiteral("status"), QStringLiteral("tables")};
    const auto timeCommands = [&](System &s, const QString &node, Row &row) {
        for (const QString &command : commands) {
            std::vector<double> v;
            for (int i = 0; i < repeats; ++i)
                v.push_back(node == QLatin1String("root") ? s.onRoot({command}).seconds
                                                          : s.onLeaf({command}).seconds);
            row.commands.insert(node + QLatin1Char(' ') + command, median(v));
        }
    };
    for (auto &s : systems) {
        Row row;
        row.label = s->label;
        say(s->label + QStringLiteral(": nodes"));
        s->create();
        if (auto *l3 = dynamic_cast<LondisteSystem *>(s.get()))
            l3->setIdleTick(QStringLiteral("1 second"));
        s->startRoot();
        if (stats)
            exec(clusters.root, QStringLiteral("postgres"),
                 QStringLiteral("SELECT public.pg_stat_statements_reset()"));
        row.rootAdd = s->onRoot({QStringLiteral("add-table"), QStringLiteral("--all")}).seconds;
        if (stats)
            printStatements(clusters.root, s->rootDbName,
                            s->label
                                + QStringLiteral(", root's server, root add-table --all"
                                                 " (and the root's ticker meanwhile)"),
                            8);
        timeCommands(*s, QStringLiteral("root"), row);
        auto worker = s->startLeafWorker();
        QThread::msleep(2000);
        if (stats) {
            exec(clusters.root, QStringLiteral("postgres"),
                 QStringLiteral("SELECT public.pg_stat_statements_reset()"));
            exec(clusters.leaf, QStringLiteral("postgres"),
                 QStringLiteral("SELECT public.pg_stat_statements_reset()"));
        }
        const double cpuBefore = cpuSeconds(worker->pid());
        say(s->label + QStringLiteral(": leaf add-table --all"));
        const qint64 start = wallMs();
        row.leafAdd = s->onLeaf({QStringLiteral("add-table"), QStringLiteral("--all")}).seconds;
        const qint64 timeout
            = s->label == QLatin1String("Ferry") ? 3600000 : qint64(londisteTimeoutS) * 1000;
        const auto seen = s->waitUntilOk(start, {}, tables, 50, timeout);
        row.workerCpu = cpuSeconds(worker->pid()) - cpuBefore;
        std::vector<qint64> oks;
        for (const StateTimes &t : seen) {
            if (t.contains(QStringLiteral("ok")))
                oks.push_back(t.value(QStringLiteral("ok")));
        }
        std::sort(oks.begin(), oks.end());
        row.okAtEnd = int(oks.size());
        if (!oks.empty())
            row.firstOk = oks.front() / 1000.0;
        if (int(oks.size()) >= tables / 2)
            row.halfOk = oks[size_t(tables / 2 - 1)] / 1000.0;
        if (int(oks.size()) >= tables)
            row.allOk = oks.back() / 1000.0;
        if (stats) {
            printStatements(
                clusters.leaf, s->leafDbName,
                s->label + QStringLiteral(", leaf's server, add-table --all until ")
                    + (row.allOk >= 0 ? QStringLiteral("all ok") : QStringLiteral("the timeout")),
                15);
            printStatements(clusters.root, s->rootDbName,
                            s->label + QStringLiteral(", root's server, same span"), 10);
        }
        if (auto *l3 = dynamic_cast<LondisteSystem *>(s.get()))
            l3->stopCopies();
        timeCommands(*s, QStringLiteral("leaf"), row);
        worker.reset();
        s->stopRoot();
        results.push_back(row);
    }

    const auto opt = [](double x) {
        return x >= 0 ? secs(x) : QStringLiteral("–");
    };
    out() << "\n"
          << tables << " tables of " << rows
          << " rows each (int key, int, text); leaf worker running; parallel_copies = 1\n\n"
          << "| system | root add-table --all s | leaf add-table --all s | first ok s | half ok "
             "s | all ok s | ok at the end | leaf worker CPU s |\n"
          << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const Row &r : results)
        out() << "| " << r.label << " | " << secs(r.rootAdd) << " | " << secs(r.leafAdd) << " | "
              << opt(r.firstOk) << " | " << opt(r.halfOk) << " | "
              << (r.allOk >= 0 ? secs(r.allOk)
                               : QStringLiteral("not within %1 s").arg(londisteTimeoutS))
              << " | " << r.okAtEnd << " | " << opt(r.workerCpu) << " |\n";
    out() << "\nCommands with " << tables << " tables, median of " << repeats << " (seconds):\n\n"
          << "| system | root status | root tables | leaf status | leaf tables |\n"
          << "|---|---:|---:|---:|---:|\n";
    for (const Row &r : results)
        out() << "| " << r.label << " | "
              << opt(r.commands.value(QStringLiteral("root status"), -1)) << " | "
              << opt(r.commands.value(QStringLiteral("root tables"), -1)) << " | "
              << opt(r.commands.value(QStringLiteral("leaf status"), -1)) << " | "
              << opt(r.commands.value(QStringLiteral("leaf tables"), -1)) << " |\n";
    out().flush();
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString mode = args.value(1);
    bool withLondiste = londisteInstalled();
    bool withComparator = comparatorInstalled();
    int number = 0;
    int repeats = 0;
    int rows = 100;
    int londisteTimeout = 600;
    bool twice = true;
    bool stats = false;
    bool usage = mode.isEmpty();
    for (int i = 2; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--no-londiste"))
            withLondiste = false;
        else if (a == QLatin1String("--no-2x"))
            twice = false;
        else if (a == QLatin1String("--no-comparator"))
            withComparator = false;
        else if (a == QLatin1String("--stats"))
            stats = true;
        else if (a == QLatin1String("--keep"))
            qputenv("FERRY_BENCH_KEEP", "1");
        else if (a == QLatin1String("--repeats") && i + 1 < args.size())
            repeats = args.at(++i).toInt();
        else if (a == QLatin1String("--rows") && i + 1 < args.size())
            rows = args.at(++i).toInt();
        else if (a == QLatin1String("--londiste-timeout") && i + 1 < args.size())
            londisteTimeout = args.at(++i).toInt();
        else if (!a.startsWith(QLatin1String("--")) && a.toInt() > 0)
            number = a.toInt();
        else
            usage = true;
    }
    try {
        if (!usage && mode == QLatin1String("copy"))
            return copyMode(number ? number : 20, repeats ? repeats : 3, twice, withLondiste);
        if (!usage && mode == QLatin1String("copy4"))
            return copy4Mode(number ? number : 20, repeats ? repeats : 1, withLondiste);
        if (!usage && mode == QLatin1String("compare"))
            return compareMode(number ? number : 20, repeats ? repeats : 3, withLondiste,
                               withComparator);
        if (!usage && mode == QLatin1String("scale") && rows >= 0)
            return scaleMode(number ? number : 500, rows, repeats ? repeats : 5, stats,
                             londisteTimeout, withLondiste);
        std::fprintf(stderr,
                     "usage: bench_tables copy [SCALE] [--repeats N] [--no-2x] [--no-londiste]\n"
                     "       bench_tables copy4 [SCALE] [--repeats N] [--no-londiste]\n"
                     "       bench_tables compare [SCALE] [--repeats N] [--no-londiste] "
                     "[--no-comparator]\n"
                     "       bench_tables scale [TABLES] [--rows N] [--repeats N] [--stats] "
                     "[--londiste-timeout SECONDS] [--no-londiste]\n");
        return 2;
    } catch (const Failure &f) {
        std::fprintf(stderr, "bench_tables: %s\n", qPrintable(f.what));
        return 1;
    }
}
