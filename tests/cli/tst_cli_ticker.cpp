// `ferry CONFIG.ini ticker` against a real server: it ticks the queues of
// the config's database until SIGTERM and then exits 0; a database without
// Ferry's schema and an unreachable one fail at once with one line. With -d
// it runs as a daemon that -r reloads and -s stops, found by its pidfile.
// Every daemon a test started is killed in cleanup(), also when it failed.
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "testutil.h"
#include "util/operatorlog.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <optional>
#include <unistd.h>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

using Run = ferry::test::FerryRun;
using ferry::test::processAlive;
using ferry::test::readText;

Run runFerry(const QStringList &arguments, int timeoutMs = 30000)
{
    return ferry::test::runFerry(QStringLiteral(FERRY_CLI), arguments, timeoutMs);
}

qint64 pidIn(const QString &pidFile)
{
    return readText(pidFile).trimmed().toLongLong();
}

const QString kJob = QStringLiteral("ticker_digoal_01");

} // namespace

class TestCliTicker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void ticksUntilTerminated();
    void refusesDatabaseWithoutFerry();
    void refusesUnreachableDatabase();
    void daemonStartReloadStop();
    void daemonReportsStartupErrors();
    void daemonNeedsLogfileAndPidfile();

private:
    // CONFIG.ini for `db`; pidfile and logfile in the test's folder unless
    // `files` replaces those two lines.
    QString writeConfig(const QString &db, const QString &files = QString());
    qint64 ticks();
    QString pidFile() const { return m_dir.filePath(QStringLiteral("pid/ticker.pid")); }
    QString logFile() const { return m_dir.filePath(QStringLiteral("log/ticker.log")); }

    std::unique_ptr<PgCluster> m_cluster;
    std::optional<Connection> m_connection;
    QTemporaryDir m_dir;
    QList<qint64> m_daemons; // killed in cleanup()
};

void TestCliTicker::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("digoal_01")));
    auto c = Connection::open(m_cluster->connectionString(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(c);
    QVERIFY_RESULT(SchemaInstaller::install(*c));
    QueueAdmin admin(*c);
    QVERIFY_RESULT(admin.createQueue(QStringLiteral("replika")));
    QVERIFY_RESULT(admin.setQueueConfig(QStringLiteral("replika"), QStringLiteral("idle_period"),
                                        QStringLiteral("100 ms")));
}

void TestCliTicker::cleanupTestCase()
{
    cleanup();
    m_connection.reset();
    m_cluster.reset();
}

void TestCliTicker::cleanup()
{
    // A daemon is no child of ours: kill it by pid, whatever the test did.
    for (qint64 pid : std::as_const(m_daemons)) {
        if (processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_daemons.clear();
    QFile::remove(pidFile());
    QFile::remove(logFile());
}

QString TestCliTicker::writeConfig(const QString &db, const QString &files)
{
    const QString path = m_dir.filePath(QStringLiteral("ticker.ini"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    // Never the default ~/pid and ~/log: other builds run this test too.
    const QString fileLines
        = files.isNull() ? QStringLiteral("pidfile = %1\nlogfile = %2\n").arg(pidFile(), logFile())
                         : files;
    f.write(QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = replika\n"
                           "ticker_period = 0.05\n%3")
                .arg(kJob, db, fileLines)
                .toUtf8());
    return path;
}

qint64 TestCliTicker::ticks()
{
    if (!m_connection) {
        auto c = Connection::open(m_cluster->connectionString(QStringLiteral("digoal_01")));
        if (!c)
            return -1;
        m_connection.emplace(std::move(c).value());
    }
    auto r = m_connection->exec(QStringLiteral("SELECT max(tick_id) FROM ferry.tick"));
    return r ? r->toInt64(0, 0) : -1;
}

void TestCliTicker::ticksUntilTerminated()
{
    const QString config = writeConfig(m_cluster->connectionString(QStringLiteral("digoal_01"))
                                       + QStringLiteral(" password=Sekr1tPw"));
    const qint64 before = ticks();
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForStarted());
    const qint64 pid = ferry.processId();
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= before + 3, 10000);
    // In the foreground too, the configured pidfile is held.
    QCOMPARE(pidIn(pidFile()), pid);
    const Run second = runFerry({config, QStringLiteral("ticker")});
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains(QStringLiteral("already running (pid %1").arg(pid)),
             qPrintable(second.err));
    ferry.terminate(); // SIGTERM
    QVERIFY(ferry.waitForFinished(10000));
    QCOMPARE(ferry.exitStatus(), QProcess::NormalExit);
    QCOMPARE(ferry.exitCode(), 0);
    QVERIFY(!QFile::exists(pidFile()));
    const QString err = QString::fromUtf8(ferry.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("ticker on postgres@127.0.0.1")), qPrintable(err));
    QVERIFY(!err.contains(QLatin1String("Sekr1tPw")));
    // Log lines: local time, pid, level, message.
    const QRegularExpression logLine(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} %1 INFO \\S").arg(pid));
    const QStringList lines = err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    for (const QString &line : lines)
        QVERIFY2(logLine.match(line).hasMatch(), qPrintable(line));
}

void TestCliTicker::refusesDatabaseWithoutFerry()
{
    const QString config = writeConfig(m_cluster->connectionString(QStringLiteral("postgres")));
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    const QString err = QString::fromUtf8(ferry.readAllStandardError()).trimmed();
    QVERIFY2(err.startsWith(QLatin1String("ferry: "))
                 && err.contains(QLatin1String("no Ferry schema")),
             qPrintable(err));
    QVERIFY(!err.contains(QLatin1Char('\n')));
}

void TestCliTicker::refusesUnreachableDatabase()
{
    const QString config = writeConfig(
        QStringLiteral("host=127.0.0.1 port=1 dbname=x user=postgres password=Sekr1tPw"));
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    const QString err = QString::fromUtf8(ferry.readAllStandardError()).trimmed();
    QVERIFY2(err.contains(QLatin1String("could not connect")), qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("password=********")), qPrintable(err));
    QVERIFY(!err.contains(QLatin1String("Sekr1tPw")));
}

void TestCliTicker::daemonStartReloadStop()
{
    const QString config = writeConfig(m_cluster->connectionString(QStringLiteral("digoal_01"))
                                       + QStringLiteral(" password=Sekr1tPw"));
    const QString ticker = QStringLiteral("ticker");
    const qint64 before = ticks();

    // -d returns once the daemon holds the pidfile and reached the database.
    const Run started = runFerry({QStringLiteral("-d"), config, ticker});
    const qint64 pid = pidIn(pidFile());
    if (pid > 1)
        m_daemons << pid;
    QCOMPARE(started.exitCode, 0);
    QVERIFY2(started.elapsedMs < 10000, qPrintable(QString::number(started.elapsedMs)));
    QCOMPARE(started.err, QStringLiteral("ferry: started %1 (pid %2), logging to %3\n")
                              .arg(kJob)
                              .arg(pid)
                              .arg(logFile()));
    QVERIFY(processAlive(pid));
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= before + 3, 10000);

    // A second one, as a daemon or in the foreground, is refused on the terminal.
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("-d"), config, ticker}, QStringList{config, ticker}}) {
        const Run second = runFerry(arguments);
        QCOMPARE(second.exitCode, 1);
        QCOMPARE(second.err,
                 QStringLiteral("ferry: job %1 is already running (pid %2, pidfile %3): stop it "
                                "with 'ferry -s %4 ticker'\n")
                     .arg(kJob)
                     .arg(pid)
                     .arg(pidFile(), config));
    }
    QCOMPARE(pidIn(pidFile()), pid);

    // -r: the daemon re-reads its config and goes on ticking.
    const Run reload = runFerry({QStringLiteral("-r"), config, ticker});
    QCOMPARE(reload.exitCode, 0);
    QCOMPARE(reload.err,
             QStringLiteral("ferry: asked %1 (pid %2) to reload its config\n").arg(kJob).arg(pid));
    QTRY_VERIFY_WITH_TIMEOUT(readText(logFile()).contains(QLatin1String("INFO reloaded config")),
                             10000);
    QVERIFY(processAlive(pid));
    const qint64 afterReload = ticks();
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= afterReload + 2, 10000);

    // -s: returns once the daemon is gone, and its pidfile with it.
    const Run stopped = runFerry({QStringLiteral("-s"), config, ticker});
    QCOMPARE(stopped.exitCode, 0);
    QCOMPARE(stopped.err, QStringLiteral("ferry: stopped %1 (pid %2)\n").arg(kJob).arg(pid));
    QVERIFY(!QFile::exists(pidFile()));
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 5000);

    const Run again = runFerry({QStringLiteral("-s"), config, ticker});
    QCOMPARE(again.exitCode, 1);
    QCOMPARE(again.err,
             QStringLiteral("ferry: job %1 is not running (no process holds pidfile %2)\n")
                 .arg(kJob, pidFile()));

    // The log: one line per message (the refused second daemon logged its
    // error there too; -r and -s noted who asked), no password.
    const QString log = readText(logFile());
    QVERIFY(!log.contains(QLatin1String("Sekr1tPw")));
    const QRegularExpression logLine(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
                       "(\\d+) (DEBUG|INFO|WARNING|ERROR) (.+)$"));
    const QStringList lines = log.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QStringList daemonLines;
    QStringList operatorLines;
    for (const QString &line : lines) {
        const QRegularExpressionMatch match = logLine.match(line);
        QVERIFY2(match.hasMatch(), qPrintable(line));
        if (match.captured(1).toLongLong() == pid)
            daemonLines << match.captured(2) + QLatin1Char(' ') + match.captured(3);
        else if (match.captured(3).startsWith(QLatin1String("operator ")))
            operatorLines << match.captured(3).section(QStringLiteral("): "), 1);
        else
            QVERIFY2(line.contains(QLatin1String(" ERROR job ticker_digoal_01 is already running")),
                     qPrintable(line));
    }
    const QString node = QStringLiteral("postgres@127.0.0.1:%1/digoal_01").arg(m_cluster->port());
    QCOMPARE(
        operatorLines,
        (QStringList{
            QStringLiteral("reload config of the ticker of node %1 (pid %2)").arg(node).arg(pid),
            QStringLiteral("stop ticker of node %1 (pid %2)").arg(node).arg(pid)}));
    QVERIFY(log.contains(
        QStringLiteral(" INFO operator %1 (ferry pid ").arg(ferry::operatingSystemUser())));
    QVERIFY(daemonLines.size() >= 5);
    QCOMPARE(daemonLines.first(),
             QStringLiteral("INFO %1: ticker started, pidfile %2").arg(kJob, pidFile()));
    QCOMPARE(daemonLines.last(), QStringLiteral("INFO %1: ticker stopped").arg(kJob));
    for (const char *expected : {"INFO ticker on postgres@127.0.0.1", "INFO reloaded config "}) {
        QVERIFY2(std::any_of(daemonLines.cbegin(), daemonLines.cend(),
                             [expected](const QString &l) {
                                 return l.startsWith(QLatin1String(expected));
                             }),
                 expected);
    }
}

void TestCliTicker::daemonReportsStartupErrors()
{
    // The daemon's start-up error is shown on the terminal of `ferry -d`.
    const QString config = writeConfig(
        QStringLiteral("host=127.0.0.1 port=1 dbname=x user=postgres password=Sekr1tPw"));
    const Run run = runFerry({QStringLiteral("-d"), config, QStringLiteral("ticker")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(QLatin1String("ferry: could not connect")), qPrintable(run.err));
    QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    QVERIFY(!run.err.contains(QLatin1String("Sekr1tPw")));
    QVERIFY(!QFile::exists(pidFile())); // the daemon gave up and removed it
    const QString log = readText(logFile());
    QVERIFY2(log.contains(QLatin1String(" ERROR could not connect")), qPrintable(log));
    QVERIFY(!log.contains(QLatin1String("Sekr1tPw")));
}

void TestCliTicker::daemonNeedsLogfileAndPidfile()
{
    const QString db = m_cluster->connectionString(QStringLiteral("digoal_01"));
    const QString ticker = QStringLiteral("ticker");

    QString config = writeConfig(db, QStringLiteral("pidfile = %1\nlogfile =\n").arg(pidFile()));
    Run run = runFerry({QStringLiteral("-d"), config, ticker});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err,
             QStringLiteral("ferry: -d needs a log file: set `logfile` in %1\n").arg(config));
    QVERIFY(!QFile::exists(pidFile()));

    config = writeConfig(db, QStringLiteral("pidfile =\nlogfile = %1\n").arg(logFile()));
    run = runFerry({QStringLiteral("-d"), config, ticker});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err,
             QStringLiteral("ferry: -d needs a pidfile: set `pidfile` in %1\n").arg(config));
    QVERIFY(!QFile::exists(logFile()));
    for (const char *option : {"-s", "-r"}) {
        run = runFerry({QLatin1String(option), config, ticker});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.startsWith(
                     QStringLiteral("ferry: set `pidfile` in %1 to use -s/-r").arg(config)),
                 qPrintable(run.err));
        QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    }
}

QTEST_GUILESS_MAIN(TestCliTicker)
#include "tst_cli_ticker.moc"
