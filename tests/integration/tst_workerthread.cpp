// WorkerThread: `ferry CONFIG.ini worker` inside this process, as the desktop
// manager's tray runs it. A root worker (with its ticker) and a leaf worker
// run side by side in this one process against a root and a leaf cluster of
// their own: the leaf copies the seed's four tables and applies a few hundred
// changes; each worker writes the CLI's log lines to its own logfile; the
// pidfiles keep a second worker out, in this process and from the real
// `ferry` binary (FERRY_CLI); stopping joins the threads within 2 s and leaves
// no pidfile behind.
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "replication/tableregistry.h"
#include "replication/workerthread.h"
#include "rootandleaf.h"
#include "testutil.h"
#include "util/pidfile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootNode = QStringLiteral("digoal_01");
const QString kLeafNode = QStringLiteral("dst1");
const QString kRootJob = QStringLiteral("root_job");
const QString kLeafJob = QStringLiteral("leaf_job");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};
constexpr int kSeedRows = 2000;

} // namespace

class TestWorkerThread : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void resolvesPathsFromTheConfigFolder();
    void replicatesInProcess();
    void logsLikeTheCli();
    void secondStartFails();
    void cliWorkerIsRefused();
    void reloadKeepsRunning();
    void stopsCleanly();
    void restartsAfterStop();
    void stopCancelsAStatementThatWaits();

private:
    QString writeConfig(const QString &name, const QString &db, const QString &job);
    QString logFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".log"));
    }
    QString pidFile(const QString &job) const
    {
        return m_dir.filePath(QStringLiteral("pid/") + job + QStringLiteral(".pid"));
    }
    bool leafTablesOk();
    void waitUntilEqual();
    void stopAll();

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_rootCluster;
    std::unique_ptr<PgCluster> m_leafCluster;
    std::optional<Connection> m_root;
    std::optional<Connection> m_leaf;
    QString m_rootIni;
    QString m_leafIni;
    std::unique_ptr<WorkerThread> m_rootWorker;
    std::unique_ptr<WorkerThread> m_leafWorker;
};

QString TestWorkerThread::writeConfig(const QString &name, const QString &db, const QString &job)
{
    // Relative logfile and pidfile: the worker takes them from the config's folder.
    const QString path = m_dir.filePath(name);
    const QString text
        = QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                         "logfile = %(job_name)s.log\npidfile = pid/%(job_name)s.pid\n"
                         "loop_delay = 0.2\nticker_period = 0.2\n")
              .arg(job, db, kQueue);
    if (!writeText(path, text))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestWorkerThread::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_rootCluster = std::make_unique<PgCluster>();
    m_leafCluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_rootCluster->start());
    QVERIFY_RESULT(m_leafCluster->start());
    QVERIFY_RESULT(m_rootCluster->createDatabase(kRootNode));
    QVERIFY_RESULT(m_leafCluster->createDatabase(kLeafNode));
    const QString rootDb = m_rootCluster->connectionString(kRootNode);
    const QString leafDb = m_leafCluster->connectionString(kLeafNode);
    auto root = Connection::open(rootDb);
    auto leaf = Connection::open(leafDb);
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(leaf);
    m_root.emplace(std::move(root).value());
    m_leaf.emplace(std::move(leaf).value());
    QVERIFY_RESULT(createSeedSchema(*m_root, false));
    QVERIFY_RESULT(createSeedSchema(*m_leaf, false));
    QVERIFY_RESULT(m_root->exec(
        QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname, cnname) "
                       "SELECT i, 'digoal.zhou', '德哥' FROM generate_series(1, %1) i; "
                       "INSERT INTO digoal_01.user_session (userid) "
                       "SELECT generate_series(1, %1)")
            .arg(kSeedRows)));

    auto nodes = ferry::test::createRootAndLeaf(rootDb, leafDb,
                                                {kQueue, kRootNode, kRootJob, kLeafNode, kLeafJob});
    QVERIFY_RESULT(nodes);
    QVERIFY_RESULT(TableRegistry(*m_root, nodes->root).add({}, true, nullptr));
    auto added = TableRegistry(*m_leaf, nodes->leaf).add({}, true, &*m_root);
    QVERIFY_RESULT(added);
    QCOMPARE(added->added.size(), 4);

    m_rootIni = writeConfig(QStringLiteral("root.ini"), rootDb, kRootJob);
    m_leafIni = writeConfig(QStringLiteral("leaf.ini"), leafDb, kLeafJob);
}

void TestWorkerThread::cleanupTestCase()
{
    stopAll();
    m_root.reset();
    m_leaf.reset();
    m_rootCluster.reset();
    m_leafCluster.reset();
}

void TestWorkerThread::stopAll()
{
    for (auto *worker : {&m_rootWorker, &m_leafWorker}) {
        if (*worker)
            (*worker)->requestStop();
    }
    m_rootWorker.reset(); // joins
    m_leafWorker.reset();
}

bool TestWorkerThread::leafTablesOk()
{
    auto r = m_leaf->exec(
        QStringLiteral("SELECT count(*) FILTER (WHERE merge_state = 'ok') FROM ferry.node_table"));
    return r && r->toInt64(0, 0) == kTables.size();
}

void TestWorkerThread::waitUntilEqual()
{
    QString difference;
    const auto equal = [this, &difference] {
        for (const QString &table : kTables) {
            auto diff = compareTables(*m_root, *m_leaf, table);
            if (!diff) {
                difference = diff.error().toString();
                return false;
            }
            if (!diff->isEmpty()) {
                difference = table + QStringLiteral(": ") + *diff;
                return false;
            }
        }
        return true;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(equal(), qPrintable(difference), 20000);
}

void TestWorkerThread::resolvesPathsFromTheConfigFolder()
{
    auto config = JobConfig::load(m_leafIni);
    QVERIFY_RESULT(config);
    QCOMPARE(WorkerThread::resolvedPath(*config, config->pidFile()), pidFile(kLeafJob));
    QCOMPARE(WorkerThread::resolvedPath(*config, config->logFile()), logFile(kLeafJob));
    QCOMPARE(WorkerThread::resolvedPath(*config, QStringLiteral("/var/x.pid")),
             QStringLiteral("/var/x.pid"));
    QCOMPARE(WorkerThread::resolvedPath(*config, QString()), QString());
}

void TestWorkerThread::replicatesInProcess()
{
    auto rootConfig = JobConfig::load(m_rootIni);
    auto leafConfig = JobConfig::load(m_leafIni);
    QVERIFY_RESULT(rootConfig);
    QVERIFY_RESULT(leafConfig);
    QVERIFY(rootConfig->ticker()); // the root's worker runs the ticker
    m_rootWorker = std::make_unique<WorkerThread>(*rootConfig);
    m_leafWorker = std::make_unique<WorkerThread>(*leafConfig);
    QCOMPARE(m_rootWorker->state(), WorkerThread::State::Stopped);
    QSignalSpy rootChanged(m_rootWorker.get(), &WorkerThread::stateChanged);
    QVERIFY(m_rootWorker->start());
    QVERIFY(m_leafWorker->start());
    QVERIFY(!m_rootWorker->start()); // its thread runs
    QVERIFY(m_rootWorker->isActive());
    QTRY_COMPARE_WITH_TIMEOUT(m_rootWorker->state(), WorkerThread::State::Running, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_leafWorker->state(), WorkerThread::State::Running, 10000);
    QVERIFY(rootChanged.count() >= 2); // starting, running
    QVERIFY(m_rootWorker->lastError().isEmpty());

    // Both hold their pidfiles, with this process's pid in them.
    const qint64 self = QCoreApplication::applicationPid();
    QCOMPARE(PidFile::runningPid(pidFile(kRootJob)), std::optional<qint64>(self));
    QCOMPARE(PidFile::runningPid(pidFile(kLeafJob)), std::optional<qint64>(self));
    QCOMPARE(readText(pidFile(kLeafJob)), QStringLiteral("%1\n").arg(self));

    // The leaf copies the four tables, then applies what the root writes.
    QTRY_VERIFY_WITH_TIMEOUT(leafTablesOk(), 30000);
    waitUntilEqual();
    QVERIFY_RESULT(m_root->exec(
        QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid, login_time, ip) "
                       "SELECT i, now(), '10.0.0.1' FROM generate_series(1, 300) i; "
                       "UPDATE digoal_01.user_info SET mod_time = now(), occupation = 'DBA' "
                       "WHERE userid % 20 = 0; "
                       "DELETE FROM digoal_01.user_session WHERE userid <= 50")));
    for (int i = 0; i < 20; ++i) {
        QVERIFY_RESULT(m_root->exec(
            QStringLiteral("INSERT INTO digoal_01.user_logout_rec (userid, logout_time, ip) "
                           "VALUES (%1, now(), '10.0.0.2')")
                .arg(i)));
    }
    waitUntilEqual();
    auto counts = m_leaf->exec(QStringLiteral(
        "SELECT (SELECT count(*) FROM digoal_01.user_login_rec), (SELECT count(*) FROM "
        "digoal_01.user_session), (SELECT count(*) FROM digoal_01.user_info WHERE occupation = "
        "'DBA'), (SELECT count(*) FROM digoal_01.user_logout_rec)"));
    QVERIFY_RESULT(counts);
    QCOMPARE(counts->toInt64(0, 0), qint64(300));
    QCOMPARE(counts->toInt64(0, 1), qint64(kSeedRows - 50));
    QCOMPARE(counts->toInt64(0, 2), qint64(kSeedRows / 20));
    QCOMPARE(counts->toInt64(0, 3), qint64(20));

    // The nodes know the workers' pid: this process.
    auto pid = m_leaf->exec(QStringLiteral("SELECT worker_pid FROM ferry.node_info"));
    QVERIFY_RESULT(pid);
    QCOMPARE(pid->toInt64(0, 0), self);
}

void TestWorkerThread::logsLikeTheCli()
{
    const QString rootLog = readText(logFile(kRootJob));
    const QString leafLog = readText(logFile(kLeafJob));
    const qint64 self = QCoreApplication::applicationPid();
    // Every line as `ferry CONFIG worker` writes it: time, pid, level, message.
    const QRegularExpression line(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} %1 "
                       "(INFO|WARNING|ERROR) \\S.*$")
            .arg(self));
    for (const QString &log : {rootLog, leafLog}) {
        const QStringList lines = log.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 2);
        for (const QString &l : lines)
            QVERIFY2(line.match(l).hasMatch(), qPrintable(l));
    }
    QVERIFY2(
        rootLog.contains(
            QStringLiteral(" INFO root_job: worker started, pidfile %1\n").arg(pidFile(kRootJob))),
        qPrintable(rootLog));
    QVERIFY(rootLog.contains(QStringLiteral(" INFO worker of root node 'digoal_01' (queue "
                                            "'replika') on postgres@127.0.0.1:%1/digoal_01 "
                                            "started\n")
                                 .arg(m_rootCluster->port())));
    QVERIFY2(
        leafLog.contains(
            QStringLiteral(" INFO leaf_job: worker started, pidfile %1\n").arg(pidFile(kLeafJob))),
        qPrintable(leafLog));
    QVERIFY2(leafLog.contains(QStringLiteral(" INFO copied digoal_01.user_info: %1 rows in "
                                             "binary format, catching up\n")
                                  .arg(kSeedRows)),
             qPrintable(leafLog));
    // Each worker's lines in its own log only, although both run in this process.
    QVERIFY(!rootLog.contains(QStringLiteral("copied")));
    QVERIFY(!rootLog.contains(QStringLiteral("leaf_job")));
    QVERIFY(!leafLog.contains(QStringLiteral("root node")));
    QVERIFY(!leafLog.contains(QStringLiteral("root_job")));
}

void TestWorkerThread::secondStartFails()
{
    // A second worker for the same config, in this process: the pidfile refuses it.
    auto config = JobConfig::load(m_rootIni);
    QVERIFY_RESULT(config);
    WorkerThread second(*config);
    QVERIFY(second.start());
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), WorkerThread::State::Failed, 5000);
    QVERIFY(second.wait(2000));
    QCOMPARE(second.lastError(),
             QStringLiteral("job root_job is already running (pid %1, pidfile %2)")
                 .arg(QCoreApplication::applicationPid())
                 .arg(pidFile(kRootJob)));
    // The first one is unharmed and still holds the file.
    QCOMPARE(m_rootWorker->state(), WorkerThread::State::Running);
    QCOMPARE(PidFile::runningPid(pidFile(kRootJob)),
             std::optional<qint64>(QCoreApplication::applicationPid()));
    // The refusal is in the log too, as the CLI's daemon writes it.
    QVERIFY(readText(logFile(kRootJob))
                .contains(QStringLiteral(" ERROR job root_job is already running (pid %1")
                              .arg(QCoreApplication::applicationPid())));
}

void TestWorkerThread::cliWorkerIsRefused()
{
    // `ferry CONFIG worker` runs from the config's folder (relative pidfile).
    QProcess ferry;
    ferry.setWorkingDirectory(m_dir.path());
    ferry.start(QStringLiteral(FERRY_CLI), {m_leafIni, QStringLiteral("worker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    QCOMPARE(QString::fromUtf8(ferry.readAllStandardError()),
             QStringLiteral("ferry: job leaf_job is already running (pid %1, pidfile "
                            "pid/leaf_job.pid): stop it with 'ferry -s %2 worker'\n")
                 .arg(QCoreApplication::applicationPid())
                 .arg(m_leafIni));
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Running);
}

void TestWorkerThread::reloadKeepsRunning()
{
    // As `ferry -r`: the config is read again and the worker goes on with it.
    const QString text = readText(m_leafIni);
    QVERIFY(writeText(m_leafIni, text + QStringLiteral("loop_delay = 0.3\n")));
    m_leafWorker->requestReload();
    QTRY_VERIFY_WITH_TIMEOUT(
        readText(logFile(kLeafJob))
            .contains(QStringLiteral(" INFO reloaded config %1\n").arg(m_leafIni)),
        5000);
    QTRY_COMPARE(m_leafWorker->config().loopDelay(), 0.3);
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Running);
    QVERIFY_RESULT(m_root->exec(
        QStringLiteral("INSERT INTO digoal_01.user_logout_rec (userid, logout_time, ip) "
                       "VALUES (999, now(), '10.0.0.3')")));
    waitUntilEqual();
    QVERIFY(writeText(m_leafIni, text));
}

void TestWorkerThread::stopsCleanly()
{
    QSignalSpy rootFinished(m_rootWorker.get(), &WorkerThread::finished);
    QElapsedTimer clock;
    clock.start();
    m_rootWorker->requestStop();
    m_leafWorker->requestStop();
    QCOMPARE(m_rootWorker->state(), WorkerThread::State::Stopping);
    QVERIFY(m_rootWorker->wait(2000));
    QVERIFY(m_leafWorker->wait(2000));
    const qint64 joined = clock.elapsed();
    qInfo("both worker threads joined %lld ms after the stop request", joined);
    QVERIFY2(joined < 2000, qPrintable(QString::number(joined)));
    QCOMPARE(m_rootWorker->state(), WorkerThread::State::Stopped);
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Stopped);
    QVERIFY(!m_rootWorker->isActive());
    QVERIFY(m_rootWorker->lastError().isEmpty());
    QTRY_COMPARE(rootFinished.count(), 1);

    // Pidfiles released and removed; the nodes know no worker runs.
    for (const QString &job : {kRootJob, kLeafJob}) {
        QVERIFY(!QFileInfo::exists(pidFile(job)));
        QCOMPARE(PidFile::runningPid(pidFile(job)), std::nullopt);
        QVERIFY(
            readText(logFile(job)).endsWith(QStringLiteral(" INFO %1: worker stopped\n").arg(job)));
    }
    for (Connection *db : {&*m_root, &*m_leaf}) {
        auto pid = db->exec(QStringLiteral("SELECT worker_pid IS NULL FROM ferry.node_info"));
        QVERIFY_RESULT(pid);
        QVERIFY(pid->toBool(0, 0));
    }
    // `ferry -s` finds nothing to stop.
    QProcess ferry;
    ferry.setWorkingDirectory(m_dir.path());
    ferry.start(QStringLiteral(FERRY_CLI),
                {QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    QCOMPARE(QString::fromUtf8(ferry.readAllStandardError()),
             QStringLiteral("ferry: job leaf_job is not running (no process holds pidfile "
                            "pid/leaf_job.pid)\n"));
}

void TestWorkerThread::restartsAfterStop()
{
    // The same object starts again, and stops again.
    QVERIFY(m_leafWorker->start());
    QTRY_COMPARE_WITH_TIMEOUT(m_leafWorker->state(), WorkerThread::State::Running, 10000);
    QCOMPARE(PidFile::runningPid(pidFile(kLeafJob)),
             std::optional<qint64>(QCoreApplication::applicationPid()));
    m_leafWorker->requestStop();
    QVERIFY(m_leafWorker->wait(2000));
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Stopped);
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
}

void TestWorkerThread::stopCancelsAStatementThatWaits()
{
    // The leaf copies user_info again, and its TRUNCATE waits for a lock another
    // session holds (up to lock_timeout, 10 s): a stop must not wait that long.
    // The copy runs on a thread and sessions of its own, which the worker
    // cancels itself at once.
    QVERIFY_RESULT(m_leaf->exec(
        QStringLiteral("UPDATE ferry.node_table SET merge_state = 'in-copy', copy_snapshot = NULL "
                       "WHERE dest_schema = 'digoal_01' AND dest_name = 'user_info'")));
    auto blocker = Connection::open(m_leafCluster->connectionString(kLeafNode));
    QVERIFY_RESULT(blocker);
    QVERIFY_RESULT(blocker->exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(
        blocker->exec(QStringLiteral("LOCK TABLE digoal_01.user_info IN ACCESS EXCLUSIVE MODE")));
    auto errorsBefore = m_leaf->exec(QStringLiteral("SELECT count(*) FROM ferry.node_error"));
    QVERIFY_RESULT(errorsBefore);

    qsizetype logBefore = readText(logFile(kLeafJob)).size();
    QVERIFY(m_leafWorker->start());
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile(kLeafJob))
                                 .mid(logBefore)
                                 .contains(QLatin1String("copying digoal_01.user_info")),
                             10000);
    QTest::qWait(300); // the TRUNCATE is waiting now
    QElapsedTimer clock;
    clock.start();
    m_leafWorker->requestStop();
    QVERIFY(m_leafWorker->wait(WorkerThread::kCancelAfterMs + 3000));
    qint64 stopped = clock.elapsed();
    qInfo("a stop during a waiting copy took %lld ms", stopped);
    QVERIFY2(stopped < WorkerThread::kCancelAfterMs, qPrintable(QString::number(stopped)));
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Stopped);
    QVERIFY(m_leafWorker->lastError().isEmpty());
    QVERIFY(readText(logFile(kLeafJob))
                .mid(logBefore)
                .contains(QLatin1String("canceled the copies of digoal_01.user_info")));
    // What the stop canceled is no node error.
    auto errorsAfter = m_leaf->exec(QStringLiteral("SELECT count(*) FROM ferry.node_error"));
    QVERIFY_RESULT(errorsAfter);
    QCOMPARE(errorsAfter->toInt64(0, 0), errorsBefore->toInt64(0, 0));

    // The copy rolled back: with the lock gone the next start copies the table.
    QVERIFY_RESULT(blocker->exec(QStringLiteral("ROLLBACK")));
    QVERIFY(m_leafWorker->start());
    QTRY_VERIFY_WITH_TIMEOUT(leafTablesOk(), 20000);
    waitUntilEqual();

    // A batch whose statement waits for a lock (the worker's own session):
    // after kCancelAfterMs the stop cancels it.
    QVERIFY_RESULT(blocker->exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(blocker->exec(
        QStringLiteral("LOCK TABLE digoal_01.user_session IN ACCESS EXCLUSIVE MODE")));
    logBefore = readText(logFile(kLeafJob)).size();
    QVERIFY_RESULT(m_root->exec(
        QStringLiteral("INSERT INTO digoal_01.user_session (userid) VALUES (1000000)")));
    QVERIFY_RESULT(m_root->exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {kQueue}));
    const auto batchWaits = [this] {
        auto r = m_leaf->exec(QStringLiteral(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
            "wait_event_type = 'Lock' AND pid <> pg_backend_pid()"));
        return r && r->toInt64(0, 0) > 0;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(batchWaits(), qPrintable(readText(logFile(kLeafJob)).mid(logBefore)),
                              10000);
    clock.restart();
    m_leafWorker->requestStop();
    QVERIFY(m_leafWorker->wait(WorkerThread::kCancelAfterMs + 3000));
    stopped = clock.elapsed();
    qInfo("a stop during a waiting batch took %lld ms", stopped);
    QVERIFY2(stopped >= WorkerThread::kCancelAfterMs - 200, qPrintable(QString::number(stopped)));
    QCOMPARE(m_leafWorker->state(), WorkerThread::State::Stopped);
    errorsAfter = m_leaf->exec(QStringLiteral("SELECT count(*) FROM ferry.node_error"));
    QVERIFY_RESULT(errorsAfter);
    QCOMPARE(errorsAfter->toInt64(0, 0), errorsBefore->toInt64(0, 0));
    QVERIFY_RESULT(blocker->exec(QStringLiteral("ROLLBACK")));
    QVERIFY(m_leafWorker->start());
    waitUntilEqual();
    m_leafWorker->requestStop();
    QVERIFY(m_leafWorker->wait(WorkerThread::kCancelAfterMs + 3000));
}

QTEST_GUILESS_MAIN(TestWorkerThread)
#include "tst_workerthread.moc"
