// Refused logins and failing servers against a real cluster whose role
// `pwuser` logs in with a password only (scram-sha-256): libpq's refusal is
// ErrorKind::Auth; ConnectGate lets one login per location through until the
// user acts, however many readers ask, and backs off from a server that
// fails otherwise; the worker and the ticker say a refused login once and
// wait instead of trying every few hundred milliseconds. What the server
// counted is read from its log: what an LDAP or PAM lock-out would count.
#include "cascade/node.h"
#include "cascade/nodeadmin.h"
#include "config/jobconfig.h"
#include "db/connectgate.h"
#include "ferryprocess.h"
#include "passwordrole.h"
#include "pgcluster.h"
#include "replication/nodeworker.h"
#include "silentserver.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent>

#include <memory>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kRole = QStringLiteral("pwuser");
const QString kRight = QStringLiteral("Right-Pw1");
const QString kWrong = QStringLiteral("Wrong-Pw2");
const QString kDb = QStringLiteral("gate_db");
const QString kQueue = QStringLiteral("gateq");

// The messages of the worker's and the ticker's threads that say "login refused".
QMutex g_messagesMutex;
QStringList g_refusedMessages;
QtMessageHandler g_previousHandler = nullptr;

void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QLatin1String("login refused"))) {
        QMutexLocker lock(&g_messagesMutex);
        g_refusedMessages.append(message);
    }
    g_previousHandler(type, context, message);
}

} // namespace

class TestConnectGate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void refusedLoginIsAuth();
    void oneLoginPerLocationUntilRetry();
    void backsOffFromAFailingServer();
    void workerRefusesToStartOnRefusedLogin();
    void runningWorkerSaysItOnceAndWaits();
    void backOffResetsOnSuccess();
    void stoppedWorkerGivesItsLockBackAtOnce();

private:
    ConnectionString location(const QString &password) const;

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_cluster;
};

ConnectionString TestConnectGate::location(const QString &password) const
{
    ConnectionString where = *ConnectionString::parse(m_cluster->connectionString(kDb));
    where.set(QStringLiteral("user"), kRole);
    if (!password.isEmpty())
        where.set(QStringLiteral("password"), password);
    return where;
}

void TestConnectGate::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // No ~/.pgpass of the machine may answer for the role.
    qputenv("PGPASSFILE", m_dir.filePath(QStringLiteral("no-pgpass")).toUtf8());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(kDb));
    NodeSetup root;
    root.db = *ConnectionString::parse(m_cluster->connectionString(kDb));
    root.queue = kQueue;
    root.nodeName = QStringLiteral("gate_root");
    root.workerName = QStringLiteral("gate_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(root));
    QVERIFY_RESULT(createPasswordRole(*m_cluster, kRole, kRight));
    g_previousHandler = qInstallMessageHandler(countingHandler);
}

void TestConnectGate::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
    ConnectGate::instance().reset();
    m_cluster.reset();
}

void TestConnectGate::init()
{
    ConnectGate::instance().reset();
    QVERIFY_RESULT(setRolePassword(*m_cluster, kRole, kRight));
}

void TestConnectGate::refusedLoginIsAuth()
{
    const int before = refusedLogins(*m_cluster, kRole);
    auto wrong = Connection::open(location(kWrong));
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.error().kind(), ErrorKind::Auth);
    QVERIFY2(wrong.error().toString().contains(QLatin1String("password authentication failed")),
             qPrintable(wrong.error().toString()));
    QVERIFY(!wrong.error().toString().contains(kWrong));
    // No password at all: libpq gives up before a try the server counts.
    auto none = Connection::open(location(QString()));
    QVERIFY(!none.ok());
    QCOMPARE(none.error().kind(), ErrorKind::Auth);
    QTRY_COMPARE(refusedLogins(*m_cluster, kRole), before + 1);
    // A closed port is no refused login.
    SlammingServer slam;
    auto lost = Connection::open(QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=x "
                                                "sslmode=disable gssencmode=disable")
                                     .arg(slam.port())
                                     .arg(kRole));
    QVERIFY(!lost.ok());
    QCOMPARE(lost.error().kind(), ErrorKind::Connection);
    QVERIFY_RESULT(Connection::open(location(kRight)));
}

void TestConnectGate::oneLoginPerLocationUntilRetry()
{
    ConnectGate &gate = ConnectGate::instance();
    // Three readers (the cascade view, the Errors page, the tray) asking five
    // times each at once, the location spelt as each of them spells it.
    const auto readers = [this] {
        QList<QFuture<QList<ErrorKind>>> futures;
        for (int reader = 0; reader < 3; ++reader) {
            futures << QtConcurrent::run([this, reader] {
                const ConnectGate::Scope gated;
                QList<ErrorKind> kinds;
                for (int i = 0; i < 5; ++i) {
                    ConnectionString where = location(kWrong);
                    if (reader == 1)
                        where.set(QStringLiteral("connect_timeout"), QStringLiteral("5"));
                    auto c = Connection::open(where);
                    kinds << (c ? ErrorKind::Internal : c.error().kind());
                    QThread::msleep(20);
                }
                return kinds;
            });
        }
        QList<ErrorKind> all;
        for (auto &f : futures)
            all += f.result();
        return all;
    };
    const int before = refusedLogins(*m_cluster, kRole);
    const QList<ErrorKind> first = readers();
    QCOMPARE(first, QList<ErrorKind>(15, ErrorKind::Auth));
    QTest::qWait(300); // the server writes its log line after answering
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 1);
    auto closed = gate.closed(location(QString()));
    QVERIFY(closed);
    QVERIFY(closed->auth);
    QVERIFY(closed->since.isValid());

    // Outside a scope (the workers, the CLI) nothing is gated.
    QVERIFY(!Connection::open(location(kWrong)).ok());
    QTRY_COMPARE(refusedLogins(*m_cluster, kRole), before + 2);

    // The user pressed Refresh: exactly one more login, whoever asks.
    gate.retryAll();
    QCOMPARE(readers(), QList<ErrorKind>(15, ErrorKind::Auth));
    QTest::qWait(300);
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 3);

    // The password is right now, but nobody pressed Refresh: still closed, no login.
    QVERIFY_RESULT(setRolePassword(*m_cluster, kRole, kWrong));
    {
        const ConnectGate::Scope gated;
        auto c = Connection::open(location(kWrong));
        QVERIFY(!c.ok());
        QCOMPARE(c.error().kind(), ErrorKind::Auth);
    }
    gate.retryAll();
    {
        const ConnectGate::Scope gated;
        QVERIFY_RESULT(Connection::open(location(kWrong)));
        QVERIFY_RESULT(Connection::open(location(kWrong)));
    }
    QVERIFY(!gate.closed(location(QString())));
    QTest::qWait(300);
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 3);

    // Where logins worked, a password changed on the server is refused once,
    // not once per reader: connecting is one at a time there too.
    QVERIFY_RESULT(setRolePassword(*m_cluster, kRole, kRight));
    QCOMPARE(readers(), QList<ErrorKind>(15, ErrorKind::Auth));
    QTest::qWait(300);
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 4);
}

void TestConnectGate::backsOffFromAFailingServer()
{
    ConnectGate &gate = ConnectGate::instance();
    gate.setBackoff(100, 400);
    SlammingServer slam;
    // One TCP connection per try: no second one without SSL or GSS.
    const ConnectionString where = *ConnectionString::parse(
        QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=x sslmode=disable "
                       "gssencmode=disable")
            .arg(slam.port()));
    // A reader asking every 10 ms for 1.6 s: tries at about 0, 0.1, 0.3, 0.7,
    // 1.1 and 1.5 s (waits of 100, 200, 400, 400 ms), not 160 times.
    auto asked = QtConcurrent::run([where] {
        const ConnectGate::Scope gated;
        QElapsedTimer clock;
        clock.start();
        int failures = 0;
        while (clock.elapsed() < 1600) {
            auto c = Connection::open(where);
            if (!c && c.error().kind() == ErrorKind::Connection)
                ++failures;
            QThread::msleep(10);
        }
        return failures;
    });
    const int failures = asked.result();
    QVERIFY2(failures > 50, qPrintable(QString::number(failures)));
    QTest::qWait(100);
    qInfo("%d reads, %d connections", failures, slam.accepted());
    QVERIFY2(slam.accepted() >= 4 && slam.accepted() <= 7,
             qPrintable(QString::number(slam.accepted())));
    const auto closed = gate.closed(where);
    QVERIFY(closed);
    QVERIFY(!closed->auth);
    QVERIFY(closed->retryInMs <= 400);

    // The user's Refresh tries at once.
    const int before = slam.accepted();
    gate.retryAll();
    {
        const ConnectGate::Scope gated;
        QVERIFY(!Connection::open(where).ok());
        QVERIFY(!Connection::open(where).ok());
    }
    QTRY_COMPARE(slam.accepted(), before + 1);
}

void TestConnectGate::workerRefusesToStartOnRefusedLogin()
{
    const QString ini = m_dir.filePath(QStringLiteral("wrong.ini"));
    QVERIFY(ferry::test::writeText(
        ini, QStringLiteral("[ferry]\njob_name = gate_job\ndb = %1\nqueue_name = %2\npidfile =\n")
                 .arg(location(kWrong).toString(), kQueue)));
    auto config = JobConfig::load(ini);
    QVERIFY_RESULT(config);
    const int before = refusedLogins(*m_cluster, kRole);
    // Fails at once, as `ferry CONFIG worker` then does, rather than trying forever.
    auto checked = NodeWorker::checkStart(*config);
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().kind(), ErrorKind::Auth);
    QVERIFY(!checked.error().toString().contains(kWrong));
    WorkerOptions options = NodeWorker::optionsFor(*config);
    options.retryMinMs = 20;
    QElapsedTimer clock;
    clock.start();
    std::atomic_bool stop{false};
    auto ran = NodeWorker(options).run(stop);
    QVERIFY(!ran.ok());
    QCOMPARE(ran.error().kind(), ErrorKind::Auth);
    QVERIFY2(clock.elapsed() < 2000, "the worker kept trying");
    QTest::qWait(300);
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 2);
}

void TestConnectGate::runningWorkerSaysItOnceAndWaits()
{
    // The root's worker (with its ticker) logs in as pwuser; then its
    // password changes and its sessions are ended, as an admin would.
    WorkerOptions options;
    options.db = location(kRight);
    options.queue = kQueue;
    options.tickerPollMs = 50;
    options.retryMinMs = 50;
    options.retryMaxMs = 200;
    options.authRetryMs = 8000;
    std::atomic_bool stop{false};
    auto running = QtConcurrent::run([options, &stop] { return NodeWorker(options).run(stop); });
    auto admin = Connection::open(m_cluster->connectionString(kDb));
    QVERIFY_RESULT(admin);
    const auto sessions = [&admin] {
        auto r = admin->exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                            "usename = $1"),
                             {kRole});
        return r ? r->toInt64(0, 0) : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(sessions(), qint64(2), 10000); // the node's and the ticker's
    const auto refusedSaid = [] {
        QMutexLocker lock(&g_messagesMutex);
        return g_refusedMessages;
    };
    {
        QMutexLocker lock(&g_messagesMutex);
        g_refusedMessages.clear();
    }
    const int before = refusedLogins(*m_cluster, kRole);
    QVERIFY_RESULT(setRolePassword(*m_cluster, kRole, QStringLiteral("Changed-Pw3")));
    QVERIFY_RESULT(admin->exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM "
                                              "pg_stat_activity WHERE usename = $1"),
                               {kRole}));
    // The ticker notices at once, the node's session at its next heartbeat
    // (5 s): each is refused once and says so once.
    QTRY_COMPARE_WITH_TIMEOUT(refusedSaid().size(), 2, 8000);
    for (const QString &m : refusedSaid()) {
        QVERIFY2(m.contains(QLatin1String("password authentication failed")), qPrintable(m));
        QVERIFY2(m.contains(QLatin1String("ferry -r")), qPrintable(m));
        QVERIFY(!m.contains(kRight));
    }
    // With the old back-off (50 ms doubling to 200 ms) each would have tried
    // again some ten times in the next 1.5 s.
    QTest::qWait(1500);
    QCOMPARE(refusedLogins(*m_cluster, kRole), before + 2);
    QCOMPARE(refusedSaid().size(), 2);
    QCOMPARE(sessions(), qint64(0));
    // The long wait still ends at a stop.
    QElapsedTimer clock;
    clock.start();
    stop = true;
    QVERIFY_RESULT(running.result());
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
}

void TestConnectGate::backOffResetsOnSuccess()
{
    ConnectGate &gate = ConnectGate::instance();
    gate.setBackoff(200, 3200);
    const ConnectionString where = location(kRight);
    const ConnectGate::Scope gated;
    QVERIFY_RESULT(m_cluster->stop());
    // Three failures in a row: waits of 200, 400, 800 ms.
    for (int i = 0; i < 3; ++i) {
        QTRY_VERIFY(!gate.closed(where) || gate.closed(where)->retryInMs == 0);
        QVERIFY(!Connection::open(where).ok());
    }
    QVERIFY(gate.closed(where)->retryInMs > 400);
    QVERIFY_RESULT(m_cluster->start());
    gate.retryAll();
    QVERIFY_RESULT(Connection::open(where));
    QVERIFY(!gate.closed(where));
    // A failure after the success starts the waits from the first again.
    QVERIFY_RESULT(m_cluster->stop());
    QVERIFY(!Connection::open(where).ok());
    QVERIFY(gate.closed(where)->retryInMs <= 200);
    QVERIFY_RESULT(m_cluster->start());
}

void TestConnectGate::stoppedWorkerGivesItsLockBackAtOnce()
{
    // A reload ends the node's worker and starts another on a new session at
    // once. The lock of a closed session goes only when its server process
    // has ended, which may be after the new worker asks ("another worker is
    // already running"): a stopped worker gives it back itself, before its
    // session closes.
    WorkerOptions options;
    options.db = *ConnectionString::parse(m_cluster->connectionString(kDb));
    options.queue = kQueue;
    options.tickerPollMs = 50;
    std::atomic_bool stop{false};
    NodeWorker worker(options);
    auto running = QtConcurrent::run([&worker, &stop] { return worker.run(stop); });
    auto admin = Connection::open(m_cluster->connectionString(kDb));
    QVERIFY_RESULT(admin);
    // Session advisory locks with two keys (objsubid 2) of other sessions:
    // the worker's lock, the only one such in this database.
    const auto workerLocks = [&admin] {
        auto r = admin->exec(QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = "
                                            "'advisory' AND objsubid = 2 AND granted AND "
                                            "database = (SELECT oid FROM pg_database WHERE "
                                            "datname = current_database()) AND pid <> "
                                            "pg_backend_pid()"));
        return r ? r->toInt64(0, 0) : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(workerLocks(), qint64(1), 10000);
    stop = true;
    QVERIFY_RESULT(running.result());
    // The worker (and its session) still exists; the lock is free.
    QCOMPARE(workerLocks(), qint64(0));
    auto held = tryWorkerLock(*admin, kQueue);
    QVERIFY_RESULT(held);
    QVERIFY(held.value());
    QVERIFY_RESULT(releaseWorkerLock(*admin, kQueue));
}

QTEST_GUILESS_MAIN(TestConnectGate)
#include "tst_connectgate.moc"
