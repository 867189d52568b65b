// `ferry CONFIG.ini worker` as the packaged unit ferry-worker@ runs it: in the
// foreground, stderr no terminal, INVOCATION_ID set by systemd. A refused
// first login is waited out (said once) instead of ending the worker, so
// systemd does not log in again every RestartSec; a reload with the right
// password starts it. A reload that reaches the worker while it still
// connects (the pidfile names it already) does not end it. A worker in the
// foreground appends its lines to its logfile as a daemon does, where
// ferry-gui's log tail reads them.
#include "cascade/nodeadmin.h"
#include "ferryprocess.h"
#include "passwordrole.h"
#include "pgcluster.h"
#include "silentserver.h"
#include "testutil.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kRole = QStringLiteral("svcuser");
const QString kRight = QStringLiteral("Right-Pw1");
const QString kWrong = QStringLiteral("Wrong-Pw2");
const QString kDb = QStringLiteral("svc_db");
const QString kQueue = QStringLiteral("svcq");
const QString kJob = QStringLiteral("svc_job");

FerryRun runFerry(const QStringList &arguments)
{
    return ferry::test::runFerry(QStringLiteral(FERRY_CLI), arguments, 30000);
}

} // namespace

class TestCliService : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void reloadWhileConnectingKeepsTheWorker();
    void refusedLoginEndsATerminalsWorker();
    void serviceWaitsOutARefusedLogin();

private:
    QString writeConfig(const QString &db);
    void startWorker(const QString &config, bool asService);

    QString pidFile() const { return m_dir.filePath(QStringLiteral("run/svc.pid")); }
    QString logFile() const { return m_dir.filePath(QStringLiteral("log/svc.log")); }
    QString db(const QString &password) const
    {
        return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3 password=%4")
            .arg(m_cluster->port())
            .arg(kDb, kRole, password);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_cluster;
    QProcess m_worker;
};

void TestCliService::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(kDb));
    NodeSetup root;
    root.db = *ConnectionString::parse(m_cluster->connectionString(kDb));
    root.queue = kQueue;
    root.nodeName = QStringLiteral("svc_root");
    root.workerName = kJob;
    QVERIFY_RESULT(NodeAdmin::createRoot(root));
    QVERIFY_RESULT(createPasswordRole(*m_cluster, kRole, kRight));
}

void TestCliService::cleanupTestCase()
{
    m_cluster.reset();
}

void TestCliService::cleanup()
{
    if (m_worker.state() != QProcess::NotRunning) {
        m_worker.kill();
        m_worker.waitForFinished(5000);
    }
    QFile::remove(pidFile());
    QFile::remove(logFile());
}

QString TestCliService::writeConfig(const QString &db)
{
    const QString path = m_dir.filePath(QStringLiteral("svc.ini"));
    // Written again in place: a reload reads the new text.
    if (!writeText(path, QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                        "pidfile = %4\nlogfile = %5\nloop_delay = 0.2\n"
                                        "retry_delay = 0.1\n")
                             .arg(kJob, db, kQueue, pidFile(), logFile())))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestCliService::startWorker(const QString &config, bool asService)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("INVOCATION_ID"));
    // No ~/.pgpass of the machine may answer for the role.
    environment.insert(QStringLiteral("PGPASSFILE"), m_dir.filePath(QStringLiteral("no-pgpass")));
    if (asService)
        environment.insert(QStringLiteral("INVOCATION_ID"), QStringLiteral("0123456789abcdef"));
    m_worker.setProcessEnvironment(environment);
    m_worker.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("worker")});
    QVERIFY(m_worker.waitForStarted(5000));
}

void TestCliService::reloadWhileConnectingKeepsTheWorker()
{
    // A database that accepts the connection and never answers: the worker
    // holds its pidfile and waits in its start-up check (connect_timeout).
    SilentServer silent;
    const QString config = writeConfig(
        QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=postgres connect_timeout=3 "
                       "sslmode=disable gssencmode=disable")
            .arg(silent.port()));
    startWorker(config, false);
    QTRY_VERIFY_WITH_TIMEOUT(
        QFile::exists(pidFile()) && readText(pidFile()).trimmed().toLongLong() > 0, 10000);
    // The admin points the config at the right database and reloads, while
    // the worker still connects to the old one.
    writeConfig(m_cluster->connectionString(kDb));
    const FerryRun reload = runFerry({QStringLiteral("-r"), config, QStringLiteral("worker")});
    QCOMPARE(reload.exitCode, 0);
    // Before the fix SIGHUP's default action ended it here.
    QVERIFY(!m_worker.waitForFinished(500));
    QCOMPARE(m_worker.state(), QProcess::Running);
    // The reload is not lost: once the old database timed out, the worker
    // reads the new config and runs on the right one.
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile()).contains(QLatin1String("reloaded config")), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile()).contains(QLatin1String("worker of root node "
                                                                        "'svc_root'")),
                             20000);
    m_worker.terminate();
    QVERIFY(m_worker.waitForFinished(30000));
    QCOMPARE(m_worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_worker.exitCode(), 0);
}

void TestCliService::refusedLoginEndsATerminalsWorker()
{
    // Started by hand (no INVOCATION_ID): the reason at once, exit 1.
    startWorker(writeConfig(db(kWrong)), false);
    QVERIFY(m_worker.waitForFinished(15000));
    QCOMPARE(m_worker.exitCode(), 1);
    const QString err = QString::fromUtf8(m_worker.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("password authentication failed")), qPrintable(err));
    QVERIFY(!err.contains(kWrong));
}

void TestCliService::serviceWaitsOutARefusedLogin()
{
    const int before = refusedLogins(*m_cluster, kRole);
    const QString config = writeConfig(db(kWrong));
    startWorker(config, true);
    // It does not end, says the refusal once, and does not try again for
    // minutes (RefusedLogin::kRetryMs).
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile()).contains(QLatin1String("login refused")), 15000);
    QVERIFY(!m_worker.waitForFinished(2000));
    const QString waiting = readText(logFile());
    QCOMPARE(waiting.count(QLatin1String("login refused")), 1);
    QVERIFY2(waiting.contains(QStringLiteral("%1: worker started").arg(kJob)), qPrintable(waiting));
    QVERIFY(!waiting.contains(kWrong));
    QTest::qWait(300); // the server writes its log line after answering
    const int refused = refusedLogins(*m_cluster, kRole) - before;
    QCOMPARE(refused, 1); // one login, not a check and then the worker
    // The journal (stderr) has the same lines.
    QVERIFY(QString::fromUtf8(m_worker.readAllStandardError())
                .contains(QLatin1String("login refused")));

    // The password fixed in the config and a reload (ExecReload): it starts at once.
    writeConfig(db(kRight));
    QCOMPARE(runFerry({QStringLiteral("-r"), config, QStringLiteral("worker")}).exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile()).contains(QLatin1String("worker of root node "
                                                                        "'svc_root'")),
                             15000);
    QCOMPARE(m_worker.state(), QProcess::Running);

    // systemctl stop: SIGTERM, a clean exit 0, the pidfile gone.
    m_worker.terminate();
    QVERIFY(m_worker.waitForFinished(30000));
    QCOMPARE(m_worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_worker.exitCode(), 0);
    QVERIFY(!QFile::exists(pidFile()));
    QVERIFY(readText(logFile()).contains(QStringLiteral("%1: worker stopped").arg(kJob)));
}

QTEST_GUILESS_MAIN(TestCliService)
#include "tst_cli_service.moc"
