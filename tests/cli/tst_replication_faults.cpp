// Fault injection (issue 4 item 5): a root `digoal_01` and a leaf `dst1` in
// two clusters of their own, set up and run with the real `ferry` binary,
// under the seed's pgbench load (login.sql and logout.sql, 2 + 2 clients).
// Each scenario breaks something during the load -- the leaf's server (S4),
// the leaf's server while a second worker for the node starts, the root's
// server, the leaf worker (SIGKILL at random moments, inside a batch's
// transaction and between its commit and finish_batch: S6), the ticker (S6)
// -- or re-subscribes tables under load (with the worker killed in the
// middle of a copy, and with the leaf lagging), and then proves the leaf
// caught up: every table equal row by row once the leaf applied a tick
// forced after the load, and nothing applied twice. For the latter an ALWAYS
// trigger on the leaf records every UPDATE of the insert-only tables
// user_login_rec and user_logout_rec: an insert applied a second time (a
// batch re-run after a crash, or an event the initial copy already held)
// can only land there as an upsert's update.
//
// The workers run in the foreground (QProcess, log lines on stderr into a
// file); they get SIGKILL when the test process dies, and cleanup() kills
// every one of them and every pgbench, also when an assertion failed.
//
// FERRY_FAULT_SCALE (default 1) scales the load durations, FERRY_FAULT_RATE
// (default 300) is each pgbench's rate in transactions per second,
// FERRY_FAULT_KILLS (default 10) the number of SIGKILLs at random moments,
// FERRY_FAULT_SEED fixes the random kill moments; with FERRY_FAULT_KEEP set
// the configs and logs stay in the temporary folder.
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <sys/prctl.h>

using namespace ferry;
using ferry::test::PgCluster;
using ferry::test::processAlive;
using ferry::test::readText;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootJob = QStringLiteral("digoal_01_worker");
const QString kLeafJob = QStringLiteral("dst1_worker");
const QString kSecret = QStringLiteral("Sekr1tPw");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};

double envNumber(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}

int scaledMs(double seconds)
{
    return int(seconds * envNumber("FERRY_FAULT_SCALE", 1.0) * 1000);
}

// A child dies with the test, however the test ends.
void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

ferry::test::FerryRun runCli(const QStringList &arguments, int timeoutMs = 60000)
{
    return ferry::test::runFerry(QStringLiteral(FERRY_CLI), arguments, timeoutMs);
}

QString describe(const ferry::test::FerryRun &run)
{
    return QStringLiteral("exit %1; stdout: %2; stderr: %3")
        .arg(run.exitCode)
        .arg(run.out.trimmed(), run.err.trimmed());
}

// On a leaf: every UPDATE of an insert-only table is an insert applied twice.
const char *kReapplyDetector = R"(
CREATE SCHEMA faults;
CREATE TABLE faults.reapplied (tbl text, id bigint, seen_at timestamptz DEFAULT now());
CREATE FUNCTION faults.note_reapply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faults.reapplied (tbl, id) VALUES (TG_TABLE_NAME, NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER note_reapply AFTER UPDATE ON digoal_01.user_login_rec
    FOR EACH ROW EXECUTE FUNCTION faults.note_reapply();
CREATE TRIGGER note_reapply AFTER UPDATE ON digoal_01.user_logout_rec
    FOR EACH ROW EXECUTE FUNCTION faults.note_reapply();
-- Ferry's apply runs with session_replication_role = replica: fire anyway.
ALTER TABLE digoal_01.user_login_rec ENABLE ALWAYS TRIGGER note_reapply;
ALTER TABLE digoal_01.user_logout_rec ENABLE ALWAYS TRIGGER note_reapply;
)";

} // namespace

class TestReplicationFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void targetStoppedDuringLoad();
    void secondWorkerDuringTargetOutage();
    void providerStoppedDuringLoad();
    void leafWorkerKilledRepeatedly();
    void tickerStoppedDuringLoad();
    void tableAddedUnderLoad();

private:
    enum class Side { Root, Leaf };

    // A `ferry CONFIG worker` in the foreground.
    struct Job
    {
        QString name;
        Side side = Side::Root;
        QString ini;
        QString log;
        QString pidFile;
        std::unique_ptr<QProcess> process;
        qint64 pid = 0;
    };

    Result<QueryResult> query(Side side, const QString &sql, const QVariantList &params = {});
    qint64 scalar(Side side, const QString &sql, const QVariantList &params = {});
    qint64 rootTick();
    qint64 leafTick();
    qint64 loadTransactions();
    qint64 consumerTick();
    // Sessions of the leaf worker inside a transaction: applying a batch or
    // copying a table (its other statements are single ones).
    qint64 leafSessionsInTransaction();
    // Where a frozen (SIGSTOP) leaf worker is: "apply" (inside its node
    // transaction), "finish" (batch committed on the leaf, not yet finished
    // on the root) or "outside".
    QString whereIsLeafWorker();
    void freeze(Job &job) { ::kill(pid_t(job.pid), SIGSTOP); }
    void thaw(Job &job) { ::kill(pid_t(job.pid), SIGCONT); }
    // Kills the leaf worker while it waits in finish_batch for a consumer
    // row lock the test holds: after its node committed the batch.
    bool killBetweenCommitAndFinish(QString *why, qint64 *batchEnd);
    // ERROR lines of a job's log since mark (a refused second start aside).
    QStringList errorLines(const Job &job, qint64 mark) const;

    // Polls `done` every 100 ms for at most timeoutMs; meanwhile every
    // watched job must stay alive (a death is recorded in m_violations).
    bool pollUntil(const std::function<bool()> &done, int timeoutMs);
    void checkWatched();
    bool waitLeafProgress(int ticks, int timeoutMs);

    void writeConfig(Job &job, const QString &db, const QString &base);
    // Starts the job and waits until it runs (its heartbeat carries its
    // pid). A worker killed a moment ago may still hold its node's lock in a
    // session the server has not closed yet: such a refusal is retried.
    bool launch(Job &job, QString *why, int *refusals = nullptr);
    void killJob(Job &job);
    bool stopJob(Job &job, QString *why); // ferry -s CONFIG worker
    qint64 logSize(const Job &job) const { return QFileInfo(job.log).size(); }
    QString logSince(const Job &job, qint64 mark) const { return readText(job.log).mid(mark); }

    void startLoad(int ms);
    bool loadRunning() const;
    void stopLoad();
    bool waitLoadFinished(int timeoutMs);

    // After the load: waits until no pgbench session is left on the root,
    // forces a tick there and waits until the leaf applied it.
    bool catchUp(QString *why, qint64 *ms = nullptr);
    // Every table equal row by row, nothing applied twice; returns the rows
    // compared (per side) through *rows.
    void verifyEqual(qint64 *rows);

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_rootCluster;
    std::unique_ptr<PgCluster> m_leafCluster;
    int m_rootPort = 0;
    int m_leafPort = 0;
    std::optional<Connection> m_root;
    std::optional<Connection> m_leaf;
    Job m_rootWorker;
    Job m_leafWorker;
    Job m_otherLeafWorker;
    QList<Job *> m_watched;
    QStringList m_violations;
    QList<std::shared_ptr<QProcess>> m_load;
    QRandomGenerator m_random;
    QElapsedTimer m_clock;
};

// ------------------------------------------------------------------ helpers

Result<QueryResult>
TestReplicationFaults::query(Side side, const QString &sql, const QVariantList &params)
{
    std::optional<Connection> &c = side == Side::Root ? m_root : m_leaf;
    if (!c || !c->isOpen()) {
        const PgCluster &cluster = side == Side::Root ? *m_rootCluster : *m_leafCluster;
        auto opened = Connection::open(cluster.connectionString(
            side == Side::Root ? QStringLiteral("digoal_01") : QStringLiteral("dst1")));
        if (!opened)
            return opened.error();
        c.emplace(std::move(opened).value());
    }
    auto r = params.isEmpty() ? c->exec(sql) : c->exec(sql, params);
    if (!r && r.error().kind() == ErrorKind::Connection)
        c.reset();
    return r;
}

qint64 TestReplicationFaults::scalar(Side side, const QString &sql, const QVariantList &params)
{
    auto r = query(side, sql, params);
    if (!r || r->rowCount() == 0 || r->isNull(0, 0))
        return -1;
    return r->toInt64(0, 0);
}

qint64 TestReplicationFaults::rootTick()
{
    return scalar(Side::Root,
                  QStringLiteral("SELECT max(t.tick_id) FROM ferry.tick t JOIN "
                                 "ferry.queue q USING (queue_id) WHERE "
                                 "q.queue_name = $1"),
                  {kQueue});
}

qint64 TestReplicationFaults::leafTick()
{
    return scalar(Side::Leaf,
                  QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE "
                                 "consumer_name = $1"),
                  {kLeafJob});
}

// Each transaction of login.sql and logout.sql adds one row to one of these.
qint64 TestReplicationFaults::loadTransactions()
{
    return scalar(Side::Root,
                  QStringLiteral("SELECT (SELECT count(*) FROM digoal_01.user_login_rec) + "
                                 "(SELECT count(*) FROM digoal_01.user_logout_rec)"));
}

qint64 TestReplicationFaults::consumerTick()
{
    return scalar(Side::Root,
                  QStringLiteral("SELECT c.last_tick FROM ferry.consumer c JOIN ferry.queue q "
                                 "USING (queue_id) WHERE q.queue_name = $1 AND "
                                 "c.consumer_name = $2"),
                  {kQueue, kLeafJob});
}

qint64 TestReplicationFaults::leafSessionsInTransaction()
{
    return scalar(Side::Leaf, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                             "datname = current_database() AND "
                                             "application_name = 'ferry' AND "
                                             "backend_type = 'client backend' AND "
                                             "pid <> pg_backend_pid() AND xact_start IS NOT NULL"));
}

QString TestReplicationFaults::whereIsLeafWorker()
{
    // A statement the worker sent before it froze still ends on the server.
    QThread::msleep(30);
    if (leafSessionsInTransaction() > 0)
        return QStringLiteral("apply");
    if (leafTick() > consumerTick())
        return QStringLiteral("finish");
    return QStringLiteral("outside");
}

bool TestReplicationFaults::killBetweenCommitAndFinish(QString *why, qint64 *batchEnd)
{
    auto lock = Connection::open(m_rootCluster->connectionString(QStringLiteral("digoal_01")));
    if (!lock) {
        *why = lock.error().toString();
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    int attempts = 0;
    while (clock.elapsed() < 30000) {
        // The worker is applying a batch, so it has passed next_batch: the
        // next time it needs the consumer row is finish_batch.
        QElapsedTimer wait;
        wait.start();
        while (leafSessionsInTransaction() == 0 && wait.elapsed() < 5000)
            QThread::msleep(2);
        ++attempts;
        if (!lock->exec(QStringLiteral("BEGIN"))) {
            *why = QStringLiteral("BEGIN failed");
            return false;
        }
        auto row = lock->exec(QStringLiteral("SELECT c.last_tick, c.batch_end_tick FROM "
                                             "ferry.consumer c JOIN ferry.queue q USING "
                                             "(queue_id) WHERE q.queue_name = $1 AND "
                                             "c.consumer_name = $2 FOR UPDATE OF c"),
                              {kQueue, kLeafJob});
        if (!row || row->rowCount() != 1) {
            *why = row ? QStringLiteral("no consumer row") : row.error().toString();
            return false;
        }
        QString blockedIn;
        pollUntil(
            [&] {
                auto r
                    = query(Side::Root, QStringLiteral("SELECT query FROM pg_stat_activity WHERE "
                                                       "datname = current_database() AND "
                                                       "wait_event_type = 'Lock' AND query LIKE "
                                                       "'%ferry.%_batch(%'"));
                if (r && r->rowCount() > 0)
                    blockedIn = r->text(0, 0);
                return !blockedIn.isEmpty();
            },
            3000);
        if (blockedIn.contains(QLatin1String("finish_batch")) && !row->isNull(0, 1)) {
            const qint64 last = row->toInt64(0, 0);
            const qint64 end = row->toInt64(0, 1);
            if (leafTick() == end && end > last) {
                killJob(m_leafWorker);
                (void)lock->exec(QStringLiteral("ROLLBACK"));
                *batchEnd = end;
                return true;
            }
        }
        (void)lock->exec(QStringLiteral("ROLLBACK"));
    }
    *why = QStringLiteral("never caught the worker in finish_batch (%1 attempts)").arg(attempts);
    return false;
}

QStringList TestReplicationFaults::errorLines(const Job &job, qint64 mark) const
{
    QStringList out;
    for (const QString &line : logSince(job, mark).split(QLatin1Char('\n'))) {
        if (line.contains(QLatin1String(" ERROR "))
            && !line.contains(QLatin1String("is already running")))
            out << line;
    }
    return out;
}

void TestReplicationFaults::checkWatched()
{
    for (const Job *job : std::as_const(m_watched)) {
        const QString death = QStringLiteral("%1 (pid %2) exited").arg(job->name).arg(job->pid);
        if (!processAlive(job->pid) && !m_violations.contains(death))
            m_violations.append(death);
    }
}

bool TestReplicationFaults::pollUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        checkWatched();
        if (done())
            return true;
        if (clock.elapsed() > timeoutMs)
            return false;
        QThread::msleep(100);
    }
}

bool TestReplicationFaults::waitLeafProgress(int ticks, int timeoutMs)
{
    const qint64 from = leafTick();
    return pollUntil([&] { return leafTick() >= from + ticks; }, timeoutMs);
}

void TestReplicationFaults::writeConfig(Job &job, const QString &db, const QString &base)
{
    job.ini = m_dir.filePath(base + QStringLiteral(".ini"));
    job.log = m_dir.filePath(base + QStringLiteral(".log"));
    job.pidFile = m_dir.filePath(base + QStringLiteral(".pid"));
    QFile f(job.ini);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(job.ini));
    f.write(QStringLiteral("[ferry]\njob_name = %1\ndb = %2 password=%3\nqueue_name = %4\n"
                           "logfile = %5\npidfile = %6\n")
                .arg(job.side == Side::Root ? kRootJob : kLeafJob, db, kSecret, kQueue, job.log,
                     job.pidFile)
                .toUtf8());
}

bool TestReplicationFaults::launch(Job &job, QString *why, int *refusals)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 30000) {
        const qint64 mark = logSize(job);
        job.process = std::make_unique<QProcess>();
        job.process->setStandardOutputFile(job.log, QIODevice::Append);
        job.process->setStandardErrorFile(job.log, QIODevice::Append);
        job.process->setChildProcessModifier(&dieWithParent);
        job.process->start(QStringLiteral(FERRY_CLI), {job.ini, QStringLiteral("worker")});
        if (!job.process->waitForStarted(10000)) {
            *why = QStringLiteral("%1 did not start").arg(job.name);
            return false;
        }
        job.pid = job.process->processId();
        bool exited = false;
        const bool running = pollUntil(
            [&] {
                if (!processAlive(job.pid)) {
                    exited = true;
                    return true;
                }
                return scalar(job.side,
                              QStringLiteral("SELECT worker_pid FROM ferry.node_info WHERE "
                                             "queue_name = $1"),
                              {kQueue})
                       == job.pid;
            },
            20000);
        if (running && !exited)
            return true;
        job.process->waitForFinished(5000);
        const QString said = logSince(job, mark);
        if (exited && job.process->exitCode() == 1
            && said.contains(QLatin1String("is already running"))) {
            if (refusals)
                ++*refusals;
            QThread::msleep(100);
            continue;
        }
        *why = QStringLiteral("%1 did not come up (exit %2): %3")
                   .arg(job.name)
                   .arg(exited ? job.process->exitCode() : -1)
                   .arg(said.right(2000));
        return false;
    }
    *why = QStringLiteral("%1 refused to start for 30 s").arg(job.name);
    return false;
}

void TestReplicationFaults::killJob(Job &job)
{
    if (!job.process)
        return;
    job.process->kill(); // SIGKILL
    job.process->waitForFinished(10000);
}

bool TestReplicationFaults::stopJob(Job &job, QString *why)
{
    const auto run = runCli({QStringLiteral("-s"), job.ini, QStringLiteral("worker")}, 40000);
    const QString expected = QStringLiteral("ferry: stopped %1 (pid %2)\n")
                                 .arg(job.side == Side::Root ? kRootJob : kLeafJob)
                                 .arg(job.pid);
    if (run.exitCode != 0 || run.err != expected) {
        *why = QStringLiteral("ferry -s %1: %2").arg(job.name, describe(run));
        return false;
    }
    // SIGTERM ends a foreground worker with exit 0.
    if (!job.process->waitForFinished(10000) || job.process->exitStatus() != QProcess::NormalExit
        || job.process->exitCode() != 0) {
        *why = QStringLiteral("%1 did not exit 0 after ferry -s").arg(job.name);
        return false;
    }
    return true;
}

void TestReplicationFaults::startLoad(int ms)
{
    const QString rate = QString::number(int(envNumber("FERRY_FAULT_RATE", 300)));
    for (const char *script : {"login.sql", "logout.sql"}) {
        auto p = std::make_shared<QProcess>();
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->setStandardOutputFile(m_dir.filePath(QStringLiteral("pgbench.log")), QIODevice::Append);
        p->setChildProcessModifier(&dieWithParent);
        p->start(PgCluster::binDirectory() + QStringLiteral("/pgbench"),
                 {QStringLiteral("-n"), QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                  QStringLiteral("-p"), QString::number(m_rootPort), QStringLiteral("-U"),
                  QStringLiteral("postgres"), QStringLiteral("-c"), QStringLiteral("2"),
                  QStringLiteral("-j"), QStringLiteral("1"), QStringLiteral("-T"),
                  QString::number(qMax(1, ms / 1000)), QStringLiteral("-R"), rate,
                  QStringLiteral("-f"),
                  QStringLiteral(FERRY_SOURCE_DIR "/bench/workload/") + QLatin1String(script),
                  QStringLiteral("digoal_01")});
        p->waitForStarted(10000);
        m_load.append(p);
    }
}

bool TestReplicationFaults::loadRunning() const
{
    for (const auto &p : m_load) {
        if (processAlive(p->processId()))
            return true;
    }
    return false;
}

void TestReplicationFaults::stopLoad()
{
    for (const auto &p : std::as_const(m_load)) {
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(5000)) {
                p->kill();
                p->waitForFinished(5000);
            }
        }
    }
    m_load.clear();
}

bool TestReplicationFaults::waitLoadFinished(int timeoutMs)
{
    const bool done = pollUntil([&] { return !loadRunning(); }, timeoutMs);
    stopLoad(); // reaps them
    return done;
}

bool TestReplicationFaults::catchUp(QString *why, qint64 *ms)
{
    QElapsedTimer clock;
    clock.start();
    // A statement pgbench sent just before it ended still commits.
    if (!pollUntil(
            [&] {
                return scalar(Side::Root,
                              QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                             "application_name = 'pgbench'"))
                       == 0;
            },
            20000)) {
        *why = QStringLiteral("pgbench sessions are still open on the root");
        return false;
    }
    const qint64 tick
        = scalar(Side::Root, QStringLiteral("SELECT ferry.ticker($1, true)"), {kQueue});
    if (tick <= 0) {
        *why = QStringLiteral("cannot force a tick on the root");
        return false;
    }
    if (!pollUntil([&] { return leafTick() >= tick; }, 60000)) {
        *why = QStringLiteral("the leaf is at tick %1, not at the root's tick %2 after 60 s; "
                              "log: %3")
                   .arg(leafTick())
                   .arg(tick)
                   .arg(readText(m_leafWorker.log).right(2000));
        return false;
    }
    if (ms)
        *ms = clock.elapsed();
    return true;
}

void TestReplicationFaults::verifyEqual(qint64 *rows)
{
    auto root = Connection::open(m_rootCluster->connectionString(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(root);
    auto leaf = Connection::open(m_leafCluster->connectionString(QStringLiteral("dst1")));
    QVERIFY_RESULT(leaf);
    *rows = 0;
    for (const QString &table : kTables) {
        auto diff = ferry::test::compareTables(*root, *leaf, table);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(diff.value()));
        auto n = root->exec(QStringLiteral("SELECT count(*) FROM ") + table);
        QVERIFY_RESULT(n);
        *rows += n->toInt64(0, 0);
    }
    auto twice = leaf->exec(QStringLiteral("SELECT count(*), string_agg(tbl || ' ' || id, ', ') "
                                           "FROM (SELECT * FROM faults.reapplied LIMIT 10) r"));
    QVERIFY_RESULT(twice);
    auto all = leaf->exec(QStringLiteral("SELECT count(*) FROM faults.reapplied"));
    QVERIFY_RESULT(all);
    QVERIFY2(all->toInt64(0, 0) == 0,
             qPrintable(QStringLiteral("%1 inserts were applied twice, e.g. %2")
                            .arg(all->toInt64(0, 0))
                            .arg(twice->text(0, 1))));
}

// ------------------------------------------------------------------- set-up

void TestReplicationFaults::initTestCase()
{
    m_clock.start();
    QVERIFY(m_dir.isValid());
    if (qEnvironmentVariableIsSet("FERRY_FAULT_KEEP")) {
        m_dir.setAutoRemove(false);
        qInfo("configs and logs in %s", qPrintable(m_dir.path()));
    }
    const quint32 seed = qEnvironmentVariableIsSet("FERRY_FAULT_SEED")
                             ? quint32(qEnvironmentVariableIntValue("FERRY_FAULT_SEED"))
                             : QRandomGenerator::global()->generate();
    m_random.seed(seed);
    qInfo("FERRY_FAULT_SEED=%u", seed);

    m_rootCluster = std::make_unique<PgCluster>();
    m_leafCluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_rootCluster->start());
    QVERIFY_RESULT(m_leafCluster->start());
    m_rootPort = m_rootCluster->port();
    m_leafPort = m_leafCluster->port();
    QVERIFY_RESULT(m_rootCluster->createDatabase(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(m_leafCluster->createDatabase(QStringLiteral("dst1")));
    {
        auto root = Connection::open(m_rootCluster->connectionString(QStringLiteral("digoal_01")));
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(ferry::test::createSeedSchema(*root, true));
        auto leaf = Connection::open(m_leafCluster->connectionString(QStringLiteral("dst1")));
        QVERIFY_RESULT(leaf);
        QVERIFY_RESULT(ferry::test::createSeedSchema(*leaf, false));
        QVERIFY_RESULT(leaf->exec(QString::fromUtf8(kReapplyDetector)));
    }
    {
        // The detector works: an insert applied again, as the apply
        // session would, is recorded.
        auto leaf = Connection::open(m_leafCluster->connectionString(QStringLiteral("dst1")));
        QVERIFY_RESULT(leaf);
        auto seen = leaf->exec(
            QStringLiteral("BEGIN; SET LOCAL session_replication_role = replica; "
                           "INSERT INTO digoal_01.user_login_rec (userid, id) VALUES (1, 1); "
                           "INSERT INTO digoal_01.user_login_rec (userid, id) VALUES (1, 1) "
                           "ON CONFLICT (id) DO UPDATE SET userid = EXCLUDED.userid; "
                           "SELECT count(*) FROM faults.reapplied"));
        QVERIFY_RESULT(seen);
        QCOMPARE(seen->toInt64(0, 0), qint64(1));
        QVERIFY_RESULT(leaf->exec(QStringLiteral("ROLLBACK")));
    }
    const double seeded = m_clock.elapsed() / 1000.0;

    const QString rootDb = m_rootCluster->connectionString(QStringLiteral("digoal_01"));
    const QString leafDb = m_leafCluster->connectionString(QStringLiteral("dst1"));
    m_rootWorker.name = QStringLiteral("root worker");
    m_rootWorker.side = Side::Root;
    writeConfig(m_rootWorker, rootDb, QStringLiteral("root"));
    m_leafWorker.name = QStringLiteral("leaf worker");
    m_leafWorker.side = Side::Leaf;
    writeConfig(m_leafWorker, leafDb, QStringLiteral("leaf"));
    // The same node's worker from another host: same job, its own pidfile.
    m_otherLeafWorker.name = QStringLiteral("second leaf worker");
    m_otherLeafWorker.side = Side::Leaf;
    writeConfig(m_otherLeafWorker, leafDb, QStringLiteral("leaf2"));

    auto run = runCli(
        {m_rootWorker.ini, QStringLiteral("create-root"), QStringLiteral("digoal_01"), rootDb});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    run = runCli({m_leafWorker.ini, QStringLiteral("create-leaf"), QStringLiteral("dst1"), leafDb,
                  QStringLiteral("--provider=") + rootDb});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    run = runCli({m_rootWorker.ini, QStringLiteral("add-table"), QStringLiteral("--all")});
    QVERIFY2(run.exitCode == 0 && run.out.count(QLatin1String("Table added:")) == 4,
             qPrintable(describe(run)));
    run = runCli({m_leafWorker.ini, QStringLiteral("add-table"), QStringLiteral("--all")});
    QVERIFY2(run.exitCode == 0 && run.out.count(QLatin1String("Table added:")) == 4,
             qPrintable(describe(run)));

    // The initial copy, then the first check: equal before any fault.
    const double created = m_clock.elapsed() / 1000.0;
    QString why;
    QVERIFY2(launch(m_rootWorker, &why), qPrintable(why));
    QVERIFY2(launch(m_leafWorker, &why), qPrintable(why));
    QVERIFY(pollUntil(
        [&] {
            return scalar(Side::Leaf, QStringLiteral("SELECT count(*) FROM ferry.node_table "
                                                     "WHERE merge_state = 'in-copy'"))
                   == 0;
        },
        60000));
    const double copied = m_clock.elapsed() / 1000.0;
    // Without writes the root ticks again only after idle_period (60 s):
    // the forced tick is the batch that moves the copied tables to ok.
    QVERIFY2(catchUp(&why), qPrintable(why));
    QVERIFY(pollUntil(
        [&] {
            return scalar(Side::Leaf, QStringLiteral("SELECT count(*) FROM ferry.node_table "
                                                     "WHERE merge_state <> 'ok'"))
                   == 0;
        },
        10000));
    qint64 rows = 0;
    verifyEqual(&rows);
    qInfo("set-up: clusters and seed %.1f s, nodes and tables %.1f s, workers and copy %.1f s, "
          "4 tables equal (%lld rows) at %.1f s",
          seeded, created - seeded, copied - created, rows, m_clock.elapsed() / 1000.0);
}

void TestReplicationFaults::cleanupTestCase()
{
    cleanup();
    m_root.reset();
    m_leaf.reset();
    m_rootCluster.reset();
    m_leafCluster.reset();
    qInfo("whole test: %.1f s", m_clock.elapsed() / 1000.0);
}

// Each scenario starts from a running, caught-up cascade with every table
// subscribed, whatever an earlier one left behind.
void TestReplicationFaults::init()
{
    m_violations.clear();
    for (PgCluster *cluster : {m_rootCluster.get(), m_leafCluster.get()}) {
        if (!cluster->isRunning())
            QVERIFY_RESULT(cluster->start());
    }
    QCOMPARE(m_rootCluster->port(), m_rootPort);
    QCOMPARE(m_leafCluster->port(), m_leafPort);
    auto run = runCli({m_leafWorker.ini, QStringLiteral("add-table"), QStringLiteral("--all")});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QString why;
    for (Job *job : {&m_rootWorker, &m_leafWorker}) {
        if (!job->process || !processAlive(job->pid))
            QVERIFY2(launch(*job, &why), qPrintable(why));
    }
}

void TestReplicationFaults::cleanup()
{
    m_watched.clear();
    stopLoad();
    for (Job *job : {&m_rootWorker, &m_leafWorker, &m_otherLeafWorker}) {
        killJob(*job);
        job->process.reset();
    }
}

// ---------------------------------------------------------------- scenarios

// S4: the leaf's server stops (pg_ctl stop -m fast) under load and comes
// back: the worker logs the error with the masked connection string, backs
// off, never exits, and catches up.
void TestReplicationFaults::targetStoppedDuringLoad()
{
    QElapsedTimer clock;
    clock.start();
    m_watched = {&m_rootWorker, &m_leafWorker};
    const qint64 before = loadTransactions();
    startLoad(scaledMs(10));
    QVERIFY(waitLeafProgress(2, 20000));

    const qint64 mark = logSize(m_leafWorker);
    const qint64 rootMark = logSize(m_rootWorker);
    QElapsedTimer down;
    down.start();
    QVERIFY_RESULT(m_leafCluster->stop(QStringLiteral("fast")));
    const QString masked = QStringLiteral("could not connect to host=127.0.0.1 port=%1 "
                                          "dbname=dst1 user=postgres password=********")
                               .arg(m_leafPort);
    QVERIFY2(pollUntil(
                 [&] {
                     return logSince(m_leafWorker, mark).count(QLatin1String("retrying in")) >= 3
                            && down.elapsed() >= 3000;
                 },
                 30000),
             qPrintable(logSince(m_leafWorker, mark)));
    // Meanwhile the root's `status` flags the leaf as unreachable (S10).
    const auto status = runCli({m_rootWorker.ini, QStringLiteral("status")});
    QVERIFY_RESULT(m_leafCluster->start());
    QCOMPARE(m_leafCluster->port(), m_leafPort);
    const double downSeconds = down.elapsed() / 1000.0;
    QVERIFY2(status.exitCode == 0, qPrintable(describe(status)));
    const QString leafBlock = status.out.mid(status.out.indexOf(QLatin1String("+--dst1 (leaf)")));
    QVERIFY2(leafBlock.contains(QStringLiteral("ERR: unreachable: could not connect to "
                                               "host=127.0.0.1 port=%1")
                                    .arg(m_leafPort)),
             qPrintable(status.out));

    QVERIFY(waitLoadFinished(scaledMs(10) + 30000));
    QString why;
    qint64 catchUpMs = 0;
    QVERIFY2(catchUp(&why, &catchUpMs), qPrintable(why));
    qint64 rows = 0;
    verifyEqual(&rows);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));

    // The log: the broken session, the refused connects (masked), growing
    // back-off, the reconnect; never the password.
    const QString log = logSince(m_leafWorker, mark);
    QVERIFY2(log.contains(masked), qPrintable(log));
    QVERIFY2(log.contains(QLatin1String(" WARNING ")), qPrintable(log));
    QVERIFY2(!readText(m_leafWorker.log).contains(kSecret), qPrintable(log));
    QList<int> delays;
    const QRegularExpression retry(QStringLiteral("retrying in (\\d+) ms"));
    for (auto it = retry.globalMatch(log); it.hasNext();)
        delays.append(it.next().captured(1).toInt());
    QVERIFY2(delays.size() >= 3 && delays.at(0) == 500, qPrintable(log));
    for (int i = 1; i < 3; ++i)
        QVERIFY2(delays.at(i) == 2 * delays.at(i - 1), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("reconnected to host=127.0.0.1 port=%1 dbname=dst1 "
                                         "user=postgres password=********")
                              .arg(m_leafPort)),
             qPrintable(log));
    QVERIFY(processAlive(m_leafWorker.pid));
    // Connection errors are warnings: the node is not stopped on an error.
    QVERIFY2(errorLines(m_leafWorker, mark).isEmpty(), qPrintable(log));
    QVERIFY2(errorLines(m_rootWorker, rootMark).isEmpty(), qPrintable(readText(m_rootWorker.log)));

    qInfo("S4 leaf stopped: down %.1f s under load, %lld transactions, back-off %s ms, caught up "
          "%.1f s after the load, %lld rows equal, test %.1f s",
          downSeconds, loadTransactions() - before, qPrintable([&] {
              QStringList s;
              for (int d : delays)
                  s << QString::number(d);
              return s.join(QLatin1Char(','));
          }()),
          catchUpMs / 1000.0, rows, clock.elapsed() / 1000.0);
}

// S4 with a second worker for the node (another host, its own pidfile):
// it starts while the leaf's server is back and the first worker still
// waits out its back-off, so it takes the node's worker lock. The first one
// must then stay idle, without the lock, until the second one stops, and
// take over from there.
void TestReplicationFaults::secondWorkerDuringTargetOutage()
{
    QElapsedTimer clock;
    clock.start();
    m_watched = {&m_rootWorker, &m_leafWorker};
    const qint64 before = loadTransactions();
    startLoad(scaledMs(60)); // stopped below
    QVERIFY(waitLeafProgress(2, 20000));

    const qint64 mark = logSize(m_leafWorker);
    QVERIFY_RESULT(m_leafCluster->stop(QStringLiteral("fast")));
    // Back the server comes while the first worker sleeps for 4 s.
    QVERIFY2(
        pollUntil(
            [&] {
                return logSince(m_leafWorker, mark).contains(QLatin1String("retrying in 4000 ms"));
            },
            30000),
        qPrintable(logSince(m_leafWorker, mark)));
    QVERIFY_RESULT(m_leafCluster->start());
    QCOMPARE(m_leafCluster->port(), m_leafPort);
    QString why;
    QVERIFY2(launch(m_otherLeafWorker, &why), qPrintable(why));
    m_watched = {&m_rootWorker, &m_leafWorker, &m_otherLeafWorker};
    const QString tookOver = QStringLiteral("another worker took over node 'dst1'");
    QVERIFY2(pollUntil([&] { return logSince(m_leafWorker, mark).contains(tookOver); }, 20000),
             qPrintable(logSince(m_leafWorker, mark)));

    // The first worker keeps off the node: the heartbeat (every 5 s) and
    // the batches are the second one's alone.
    const qint64 otherMark = logSize(m_otherLeafWorker);
    const qint64 tickThen = leafTick();
    QStringList wrong;
    QElapsedTimer watch;
    watch.start();
    QVERIFY(pollUntil(
        [&] {
            const qint64 pid = scalar(
                Side::Leaf,
                QStringLiteral("SELECT worker_pid FROM ferry.node_info WHERE queue_name = $1"),
                {kQueue});
            if (pid != m_otherLeafWorker.pid && !wrong.contains(QString::number(pid)))
                wrong << QString::number(pid);
            return watch.elapsed() > 7000;
        },
        20000));
    QVERIFY2(wrong.isEmpty(),
             qPrintable(QStringLiteral("node_info.worker_pid was %1 while pid %2 held the lock: %3")
                            .arg(wrong.join(QLatin1Char(',')))
                            .arg(m_otherLeafWorker.pid)
                            .arg(logSince(m_leafWorker, mark).right(3000))));
    QVERIFY(leafTick() > tickThen); // the second worker applies

    // The second one stops; the first takes the node back.
    const double heldSeconds = watch.elapsed() / 1000.0;
    m_watched = {&m_rootWorker, &m_leafWorker};
    QVERIFY2(stopJob(m_otherLeafWorker, &why), qPrintable(why));
    QElapsedTimer takeBack;
    takeBack.start();
    QVERIFY2(pollUntil(
                 [&] {
                     return scalar(Side::Leaf,
                                   QStringLiteral("SELECT worker_pid FROM ferry.node_info "
                                                  "WHERE queue_name = $1"),
                                   {kQueue})
                            == m_leafWorker.pid;
                 },
                 40000),
             qPrintable(logSince(m_leafWorker, mark)));
    const double takeBackSeconds = takeBack.elapsed() / 1000.0;
    QVERIFY2(logSince(m_leafWorker, mark)
                 .contains(QLatin1String("worker of node 'dst1' holds its lock again")),
             qPrintable(logSince(m_leafWorker, mark)));
    QVERIFY(waitLeafProgress(2, 20000));
    stopLoad();
    qint64 catchUpMs = 0;
    QVERIFY2(catchUp(&why, &catchUpMs), qPrintable(why));
    qint64 rows = 0;
    verifyEqual(&rows);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));
    QVERIFY2(errorLines(m_leafWorker, mark).isEmpty(), qPrintable(logSince(m_leafWorker, mark)));
    QVERIFY2(errorLines(m_otherLeafWorker, otherMark).isEmpty(),
             qPrintable(readText(m_otherLeafWorker.log)));

    qInfo("S4 with a second worker: it held the node for %.1f s, the first one took the node "
          "back %.1f s after it stopped, %lld transactions, caught up %.1f s after the load, "
          "%lld rows equal, test %.1f s",
          heldSeconds, takeBackSeconds, loadTransactions() - before, catchUpMs / 1000.0, rows,
          clock.elapsed() / 1000.0);
}

// The root's server stops under load (the load stops with it) and comes
// back; the load resumes. Both workers ride it out and the leaf catches up.
void TestReplicationFaults::providerStoppedDuringLoad()
{
    QElapsedTimer clock;
    clock.start();
    m_watched = {&m_rootWorker, &m_leafWorker};
    const qint64 before = loadTransactions();
    startLoad(scaledMs(20));
    QVERIFY(waitLeafProgress(2, 20000));

    const qint64 leafMark = logSize(m_leafWorker);
    const qint64 rootMark = logSize(m_rootWorker);
    QElapsedTimer down;
    down.start();
    QVERIFY_RESULT(m_rootCluster->stop(QStringLiteral("fast")));
    QVERIFY(waitLoadFinished(20000)); // pgbench's sessions were terminated
    const QString leafSees = QStringLiteral("could not connect to host=127.0.0.1 port=%1 "
                                            "dbname=digoal_01 user=postgres")
                                 .arg(m_rootPort);
    const QString rootSees = leafSees + QStringLiteral(" password=********");
    QVERIFY2(pollUntil(
                 [&] {
                     return logSince(m_leafWorker, leafMark).contains(leafSees)
                            && logSince(m_rootWorker, rootMark).contains(rootSees)
                            && down.elapsed() >= 3000;
                 },
                 30000),
             qPrintable(logSince(m_leafWorker, leafMark) + QStringLiteral(" | ")
                        + logSince(m_rootWorker, rootMark)));
    // Meanwhile the leaf's `status` fails with one line naming the provider.
    const auto status = runCli({m_leafWorker.ini, QStringLiteral("status")});
    QVERIFY_RESULT(m_rootCluster->start());
    QCOMPARE(m_rootCluster->port(), m_rootPort);
    const double downSeconds = down.elapsed() / 1000.0;
    QVERIFY2(status.exitCode == 1 && status.err.count(QLatin1Char('\n')) == 1
                 && status.err.contains(QLatin1String("cannot reach its provider 'digoal_01'"))
                 && status.err.contains(leafSees),
             qPrintable(describe(status)));

    // The load resumes; the root worker ticks again and the leaf follows.
    const qint64 tickBack = rootTick();
    startLoad(scaledMs(5));
    QVERIFY(pollUntil([&] { return rootTick() > tickBack; }, 30000));
    QVERIFY(waitLeafProgress(2, 40000));
    QVERIFY(waitLoadFinished(scaledMs(5) + 30000));
    QString why;
    qint64 catchUpMs = 0;
    QVERIFY2(catchUp(&why, &catchUpMs), qPrintable(why));
    qint64 rows = 0;
    verifyEqual(&rows);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));
    QVERIFY(!readText(m_rootWorker.log).contains(kSecret));
    QVERIFY(!readText(m_leafWorker.log).contains(kSecret));
    QVERIFY2(errorLines(m_leafWorker, leafMark).isEmpty(), qPrintable(readText(m_leafWorker.log)));
    QVERIFY2(errorLines(m_rootWorker, rootMark).isEmpty(), qPrintable(readText(m_rootWorker.log)));

    qInfo("provider stopped: down %.1f s, %lld transactions around it, caught up %.1f s after "
          "the load, %lld rows equal, test %.1f s",
          downSeconds, loadTransactions() - before, catchUpMs / 1000.0, rows,
          clock.elapsed() / 1000.0);
}

// S6: the leaf worker dies by SIGKILL at random moments under load and is
// started again each time; then twice more where it hurts most: inside the
// node transaction of a batch, and after that transaction committed but
// before the root heard of it (finish_batch). The batch and its tick commit
// together, so nothing is lost and nothing applied twice.
void TestReplicationFaults::leafWorkerKilledRepeatedly()
{
    QElapsedTimer clock;
    clock.start();
    m_watched = {&m_rootWorker};
    const int wanted = int(envNumber("FERRY_FAULT_KILLS", 10));
    const qint64 before = loadTransactions();
    const qint64 firstTick = leafTick();
    const qint64 leafMark = logSize(m_leafWorker);
    const qint64 rootMark = logSize(m_rootWorker);
    QMap<QString, int> where; // kills by the worker's state at the kill
    int kills = 0;
    int refusals = 0;
    QString why;
    auto keepLoad = [&] {
        if (!loadRunning()) {
            stopLoad();
            startLoad(scaledMs(10));
        }
    };
    auto restart = [&] {
        ++kills;
        return launch(m_leafWorker, &why, &refusals);
    };
    while (kills < wanted) {
        keepLoad();
        // A random moment of the worker's life: start-up, reading a batch,
        // applying it, committing, finishing it, waiting for a tick.
        const int lifeMs = int(m_random.bounded(50, 1500));
        QElapsedTimer life;
        life.start();
        QVERIFY(pollUntil([&] { return life.elapsed() >= lifeMs; }, lifeMs + 1000));
        QVERIFY2(processAlive(m_leafWorker.pid),
                 qPrintable(readText(m_leafWorker.log).right(2000)));
        freeze(m_leafWorker);
        ++where[whereIsLeafWorker()];
        const qint64 killed = m_leafWorker.pid;
        killJob(m_leafWorker);
        // The dead worker's pidfile stays behind; its lock died with it, so
        // the next worker takes the file over.
        QCOMPARE(readText(m_leafWorker.pidFile).trimmed().toLongLong(), killed);
        QVERIFY2(restart(), qPrintable(why));
        QCOMPARE(readText(m_leafWorker.pidFile).trimmed().toLongLong(), m_leafWorker.pid);
    }

    // Inside the node transaction: frozen while it is open, then killed.
    QElapsedTimer hunt;
    hunt.start();
    while (where.value(QStringLiteral("apply")) < 2 && hunt.elapsed() < 30000) {
        keepLoad();
        while (leafSessionsInTransaction() == 0 && hunt.elapsed() < 30000)
            QThread::msleep(2);
        freeze(m_leafWorker);
        if (whereIsLeafWorker() != QLatin1String("apply")) {
            thaw(m_leafWorker);
            continue;
        }
        ++where[QStringLiteral("apply")];
        killJob(m_leafWorker);
        QVERIFY2(restart(), qPrintable(why));
    }
    QVERIFY2(where.value(QStringLiteral("apply")) >= 2, "never caught the worker in a batch");

    // Committed on the leaf, not finished on the root: the restarted worker
    // gets the same batch again and must skip it.
    keepLoad();
    qint64 batchEnd = 0;
    QVERIFY2(killBetweenCommitAndFinish(&why, &batchEnd), qPrintable(why));
    ++where[QStringLiteral("finish")];
    QCOMPARE(leafTick(), batchEnd);
    QVERIFY2(restart(), qPrintable(why));
    QVERIFY(pollUntil([&] { return consumerTick() >= batchEnd; }, 20000));

    QVERIFY(leafTick() > firstTick);
    stopLoad();
    qint64 catchUpMs = 0;
    QVERIFY2(catchUp(&why, &catchUpMs), qPrintable(why));
    qint64 rows = 0;
    verifyEqual(&rows);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));
    for (const Job *job : {&m_leafWorker, &m_rootWorker}) {
        const QStringList errors = errorLines(*job, job == &m_leafWorker ? leafMark : rootMark);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    }
    QVERIFY(!readText(m_leafWorker.log).contains(kSecret));

    qInfo("S6 leaf worker killed: %d SIGKILLs (%d inside a batch's node transaction, %d after "
          "its commit before finish_batch, %d outside), %d restarts refused while the old "
          "session held the lock, ticks %lld..%lld, %lld transactions, caught up %.1f s after "
          "the load, %lld rows equal, test %.1f s",
          kills, where.value(QStringLiteral("apply")), where.value(QStringLiteral("finish")),
          where.value(QStringLiteral("outside")), refusals, firstTick, leafTick(),
          loadTransactions() - before, catchUpMs / 1000.0, rows, clock.elapsed() / 1000.0);
}

// S6: the ticker (in the root's worker) stops under load: `status` flags it
// once events wait and the last tick is older than 10 s; then the leaf
// worker stops too, both start again and resume where they were.
void TestReplicationFaults::tickerStoppedDuringLoad()
{
    QElapsedTimer clock;
    clock.start();
    m_watched = {&m_leafWorker};
    const qint64 before = loadTransactions();
    const qint64 leafMark = logSize(m_leafWorker);
    const qint64 rootMark = logSize(m_rootWorker);
    startLoad(scaledMs(60)); // stopped below
    QVERIFY(waitLeafProgress(2, 20000));

    QString why;
    QVERIFY2(stopJob(m_rootWorker, &why), qPrintable(why));
    const qint64 stalledAt = rootTick();
    // The root's part of `status`: from its line to the first member.
    auto rootBlock = [](const QString &status) {
        const qsizetype from = status.indexOf(QLatin1String("digoal_01 (root)"));
        const qsizetype to = status.indexOf(QLatin1String("+--dst1 (leaf)"));
        return from < 0 || to < from ? QString() : status.mid(from, to - from);
    };
    // The newest tick's age by the root's clock, as `status` reads it.
    auto tickAge = [&] {
        auto r = query(Side::Root,
                       QStringLiteral("SELECT extract(epoch FROM now() - max(t.tick_time)) FROM "
                                      "ferry.tick t JOIN ferry.queue q USING (queue_id) WHERE "
                                      "q.queue_name = $1"),
                       {kQueue});
        return r ? r->text(0, 0).toDouble() : -1.0;
    };
    // Flagged exactly when the last tick is older than 10 s (events wait
    // all along: the load runs).
    QString status;
    int quiet = 0;
    QStringList wrong;
    double flaggedAt = 0;
    QVERIFY2(
        pollUntil(
            [&] {
                const double ageBefore = tickAge();
                const auto run = runCli({m_leafWorker.ini, QStringLiteral("status")});
                const double ageAfter = tickAge();
                status = run.out;
                if (run.exitCode != 0) {
                    wrong << describe(run);
                    return false;
                }
                const QString block = rootBlock(status);
                if (!block.contains(QLatin1String("WARN: ticker stalled: last tick "))) {
                    if (ageBefore > 10.0)
                        wrong
                            << QStringLiteral("not flagged at %1 s: %2").arg(ageBefore).arg(status);
                    ++quiet;
                    return false;
                }
                if (ageAfter <= 10.0)
                    wrong << QStringLiteral("flagged at %1 s: %2").arg(ageAfter).arg(status);
                flaggedAt = ageAfter;
                return true;
            },
            40000),
        qPrintable(status + wrong.join(QLatin1Char('\n'))));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
    QVERIFY2(rootBlock(status).contains(QLatin1String(" ago, events waiting")), qPrintable(status));
    QVERIFY2(quiet > 0, "status flagged the ticker at once");
    QCOMPARE(rootTick(), stalledAt); // nothing ticked meanwhile

    // The leaf worker stops as well; then both come back under the load.
    m_watched.clear();
    QVERIFY2(stopJob(m_leafWorker, &why), qPrintable(why));
    const qint64 leafStoppedAt = leafTick();
    QVERIFY2(launch(m_rootWorker, &why), qPrintable(why));
    QVERIFY2(launch(m_leafWorker, &why), qPrintable(why));
    m_watched = {&m_rootWorker, &m_leafWorker};
    QVERIFY(pollUntil([&] { return leafTick() > stalledAt + 1; }, 40000));
    QVERIFY(loadRunning());
    stopLoad();
    qint64 catchUpMs = 0;
    QVERIFY2(catchUp(&why, &catchUpMs), qPrintable(why));
    qint64 rows = 0;
    verifyEqual(&rows);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));
    const auto after = runCli({m_leafWorker.ini, QStringLiteral("status")});
    QCOMPARE(after.exitCode, 0);
    QVERIFY2(!after.out.contains(QLatin1String("WARN: ticker")), qPrintable(after.out));
    QVERIFY2(errorLines(m_leafWorker, leafMark).isEmpty(), qPrintable(readText(m_leafWorker.log)));
    QVERIFY2(errorLines(m_rootWorker, rootMark).isEmpty(), qPrintable(readText(m_rootWorker.log)));

    qInfo("S6 ticker stopped: stalled at tick %lld, status flagged it when the tick was %.1f s "
          "old (%d status calls before did not), leaf stopped at tick %lld, %lld transactions, "
          "caught up %.1f s after the load, %lld rows equal, test %.1f s",
          stalledAt, flaggedAt, quiet, leafStoppedAt, loadTransactions() - before,
          catchUpMs / 1000.0, rows, clock.elapsed() / 1000.0);
}

// A table subscribed on the leaf while the root is under load: the copy's
// snapshot decides which events it already holds (skipped) and which it
// does not (applied); the hand-off must end equal, every time. Three rounds
// of remove-table (the leaf keeps its now stale rows) and add-table (copied
// again: TRUNCATE + COPY): user_session with the worker killed in the middle
// of the copy; user_login_rec with the leaf lagging, so the copy reads far
// past the leaf's tick and the backlog holds many inserts the copy already
// has (applied again, they would show as updates); user_logout_rec plainly.
void TestReplicationFaults::tableAddedUnderLoad()
{
    QElapsedTimer clock;
    clock.start();
    const QStringList rounds
        = {QStringLiteral("digoal_01.user_session"), QStringLiteral("digoal_01.user_login_rec"),
           QStringLiteral("digoal_01.user_logout_rec")};
    const qint64 leafMark = logSize(m_leafWorker);
    const qint64 rootMark = logSize(m_rootWorker);
    QStringList figures;
    QString why;
    for (int round = 0; round < rounds.size(); ++round) {
        const QString &table = rounds.at(round);
        const QString name = table.section(QLatin1Char('.'), 1);
        const bool killInCopy = round == 0;
        const bool lagging = round == 1;
        m_watched = {&m_rootWorker, &m_leafWorker};
        const qint64 before = loadTransactions();
        startLoad(scaledMs(60)); // stopped below
        QVERIFY(waitLeafProgress(1, 20000));

        auto run = runCli({m_leafWorker.ini, QStringLiteral("remove-table"), table});
        QVERIFY2(run.exitCode == 0 && run.out == QStringLiteral("Table removed: %1\n").arg(table),
                 qPrintable(describe(run)));
        // Changes pass the leaf by while the table is not subscribed.
        QVERIFY(waitLeafProgress(2, 20000));
        qint64 backlog = 0;
        if (lagging) {
            m_watched = {&m_rootWorker};
            QVERIFY2(stopJob(m_leafWorker, &why), qPrintable(why));
            const qint64 from = rootTick();
            QVERIFY(pollUntil([&] { return rootTick() >= from + 8; }, 20000));
            backlog = rootTick() - leafTick();
        }
        const qint64 mark = logSize(m_leafWorker);
        run = runCli({m_leafWorker.ini, QStringLiteral("add-table"), table});
        QVERIFY2(run.exitCode == 0 && run.out == QStringLiteral("Table added: %1\n").arg(table),
                 qPrintable(describe(run)));
        if (lagging) {
            QVERIFY2(launch(m_leafWorker, &why), qPrintable(why));
            m_watched = {&m_rootWorker, &m_leafWorker};
        }
        QString killedIn;
        if (killInCopy) {
            // Frozen while its copy transaction is open, then killed: the
            // copy rolls back and the next worker copies again.
            const QString copying = QStringLiteral("copying ") + table;
            auto inCopy = [&] {
                return scalar(Side::Leaf,
                              QStringLiteral("SELECT count(*) FROM ferry.node_table WHERE "
                                             "source_name = $1 AND merge_state = 'in-copy'"),
                              {name})
                       == 1;
            };
            QElapsedTimer hunt;
            hunt.start();
            while (killedIn.isEmpty() && hunt.elapsed() < 20000) {
                if (!logSince(m_leafWorker, mark).contains(copying)
                    || leafSessionsInTransaction() == 0) {
                    QThread::msleep(2);
                    continue;
                }
                freeze(m_leafWorker);
                QThread::msleep(30);
                if (!inCopy())
                    killedIn = QStringLiteral("after the copy");
                else if (leafSessionsInTransaction() > 0)
                    killedIn = QStringLiteral("copy");
                else
                    thaw(m_leafWorker); // between two statements of its own: again
            }
            m_watched = {&m_rootWorker};
            killJob(m_leafWorker);
            QCOMPARE(killedIn, QStringLiteral("copy"));
            QVERIFY2(launch(m_leafWorker, &why), qPrintable(why));
            m_watched = {&m_rootWorker, &m_leafWorker};
        }

        QStringList states;
        QVERIFY2(pollUntil(
                     [&] {
                         auto r = query(Side::Leaf,
                                        QStringLiteral("SELECT merge_state FROM ferry.node_table "
                                                       "WHERE source_name = $1"),
                                        {name});
                         const QString state = r && r->rowCount() == 1 ? r->text(0, 0) : QString();
                         if (!state.isEmpty() && (states.isEmpty() || states.last() != state))
                             states << state;
                         return state == QLatin1String("ok");
                     },
                     60000),
                 qPrintable(states.join(QLatin1Char(','))));
        // The copy and its catching up happened under load.
        QVERIFY(loadRunning());
        const QString said = logSince(m_leafWorker, mark);
        QCOMPARE(said.count(QStringLiteral("INFO copying ") + table), killInCopy ? 2 : 1);
        QCOMPARE(said.count(QStringLiteral("INFO %1 is in sync").arg(table)), 1);
        const qint64 copied = scalar(
            Side::Leaf,
            QStringLiteral("SELECT copied_rows FROM ferry.node_table WHERE source_name = $1"),
            {name});
        QVERIFY(waitLeafProgress(1, 20000));
        stopLoad();
        QVERIFY2(catchUp(&why), qPrintable(why));
        qint64 rows = 0;
        verifyEqual(&rows);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QStringLiteral("; "))));
        figures << QStringLiteral("%1: %2%3%4 rows copied, states %5, %6 transactions, %7 rows "
                                  "equal")
                       .arg(name,
                            killInCopy ? QStringLiteral("worker killed in the copy, ") : QString(),
                            lagging
                                ? QStringLiteral("copied %1 ticks ahead of the leaf, ").arg(backlog)
                                : QString())
                       .arg(copied)
                       .arg(states.join(QStringLiteral("->")))
                       .arg(loadTransactions() - before)
                       .arg(rows);
    }
    for (const Job *job : {&m_leafWorker, &m_rootWorker}) {
        const QStringList errors = errorLines(*job, job == &m_leafWorker ? leafMark : rootMark);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    }
    const auto tables = runCli({m_leafWorker.ini, QStringLiteral("tables")});
    QCOMPARE(tables.exitCode, 0);
    QCOMPARE(tables.out.count(QRegularExpression(QStringLiteral("\\n\\S+\\s+ok\\b"))), 4);

    qInfo("table added under load, %lld rounds (%s), test %.1f s", qint64(rounds.size()),
          qPrintable(figures.join(QStringLiteral("; "))), clock.elapsed() / 1000.0);
}

QTEST_GUILESS_MAIN(TestReplicationFaults)
#include "tst_replication_faults.moc"
