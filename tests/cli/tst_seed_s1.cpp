// The seed's first scenario (S1) with the real `ferry` binary, as a DBA runs
// it: root `digoal_01` in one cluster, leaf `dst1` in another, both made with
// create-root / create-leaf / add-table --all, both workers as daemons, the
// seed's login/logout pgbench load (2+2 clients) on the root. Then `status`
// must show the seed's cascade tree with the leaf caught up and `tables` all
// ok, and every table must be equal row by row. Also: TRUNCATE replicates in
// order (S5), applications cannot write on the leaf while replication into
// the same tables goes on (S12), pause/resume, and a failing apply shown as
// the seed's `ERR:` line until the cause is fixed (a preview of S9).
// Every daemon is killed in cleanupTestCase(), also when a test failed.
#include "cascade/nodeerrorlog.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <memory>
#include <optional>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kLeafJob = QStringLiteral("dst1_digoal_01");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};

// One node of `ferry status`, as printed.
struct StatusNode
{
    QString type;
    QString tables; // "4/0/0"
    double lag = -1;
    qint64 tick = -1;
    QStringList warnings;
    QStringList errors;
};

double parseLag(const QString &text)
{
    // "0.4s", "18s", "2m5s", "2h10m42s"
    static const QRegularExpression part(QStringLiteral("([0-9.]+)([hms])"));
    double seconds = 0;
    auto it = part.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const double v = m.captured(1).toDouble();
        seconds += m.captured(2) == QLatin1String("h")   ? v * 3600
                   : m.captured(2) == QLatin1String("m") ? v * 60
                                                         : v;
    }
    return seconds;
}

QMap<QString, StatusNode> parseStatus(const QString &text)
{
    static const QRegularExpression nodeLine(
        QStringLiteral("^(?:  \\+--)?([A-Za-z0-9_]+) \\((root|branch|leaf)\\)$"));
    static const QRegularExpression lagLine(QStringLiteral("^Lag: (\\S+), Tick: (\\d+)$"));
    QMap<QString, StatusNode> nodes;
    QString current;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const auto m = nodeLine.match(line);
        if (m.hasMatch()) {
            current = m.captured(1);
            nodes[current].type = m.captured(2);
            continue;
        }
        if (current.isEmpty() || line.size() <= 30)
            continue;
        const QString detail = line.mid(30);
        StatusNode &n = nodes[current];
        if (detail.startsWith(QLatin1String("Tables: "))) {
            n.tables = detail.mid(8);
        } else if (const auto l = lagLine.match(detail); l.hasMatch()) {
            n.lag = parseLag(l.captured(1));
            n.tick = l.captured(2).toLongLong();
        } else if (detail.startsWith(QLatin1String("WARN: "))) {
            n.warnings.append(detail.mid(6));
        } else if (detail.startsWith(QLatin1String("ERR: "))) {
            n.errors.append(detail.mid(5));
        }
    }
    return nodes;
}

} // namespace

class TestSeedS1 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init() { m_testClock.start(); }
    void cleanup();
    void s1LoadReplicates();
    void s5TruncateReplicatesInOrder();
    void s12LeafRefusesApplicationWrites();
    void pauseAndResume();
    void failingApplyShowsErrAndRecovers();

private:
    FerryRun ferry(const QStringList &arguments, int timeoutMs = 60000);
    QString leafStatus();
    QString writeConfig(const QString &name, const QString &job, const QString &db);
    // Runs `sql` in one transaction on the root and returns its txid.
    qint64 onRoot(const QString &sql);
    // Waits until the leaf applied a tick that sees root transaction txid.
    bool leafHas(qint64 txid, int timeoutMs);
    qint64 leafTick();
    void verifyAllEqual();
    void startWorker(const QString &config, const QString &pidFile);

    std::unique_ptr<PgCluster> m_rootCluster;
    std::unique_ptr<PgCluster> m_leafCluster;
    std::optional<Connection> m_root;
    std::optional<Connection> m_leaf;
    QTemporaryDir m_dir;
    QString m_rootIni;
    QString m_leafIni;
    QList<qint64> m_daemons; // killed in cleanupTestCase()
    QElapsedTimer m_testClock;
};

void TestSeedS1::cleanup()
{
    qInfo().noquote() << QStringLiteral("%1 took %2 ms")
                             .arg(QLatin1String(QTest::currentTestFunction()))
                             .arg(m_testClock.elapsed());
}

FerryRun TestSeedS1::ferry(const QStringList &arguments, int timeoutMs)
{
    return runFerry(QStringLiteral(FERRY_CLI), arguments, timeoutMs);
}

QString TestSeedS1::leafStatus()
{
    const FerryRun run = ferry({m_leafIni, QStringLiteral("status")});
    return run.exitCode == 0 ? run.out : QStringLiteral("(status failed: %1)").arg(run.err);
}

QString TestSeedS1::writeConfig(const QString &name, const QString &job, const QString &db)
{
    const QString path = m_dir.filePath(name + QStringLiteral(".ini"));
    // Never the default ~/pid and ~/log: other builds run this test too.
    writeText(path, QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                   "logfile = %4\npidfile = %5\n")
                        .arg(job, db, kQueue, m_dir.filePath(name + QStringLiteral(".log")),
                             m_dir.filePath(name + QStringLiteral(".pid"))));
    return path;
}

qint64 TestSeedS1::onRoot(const QString &sql)
{
    if (!m_root->exec(QStringLiteral("BEGIN")))
        return -1;
    if (auto r = m_root->exec(sql); !r) {
        qWarning().noquote() << r.error().toString();
        (void)m_root->exec(QStringLiteral("ROLLBACK"));
        return -1;
    }
    auto txid = m_root->exec(QStringLiteral("SELECT txid_current()"));
    if (!txid || !m_root->exec(QStringLiteral("COMMIT")))
        return -1;
    return txid->toInt64(0, 0);
}

qint64 TestSeedS1::leafTick()
{
    auto r = m_leaf->exec(
        QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE consumer_name = $1"),
        {kLeafJob});
    return r && r->rowCount() == 1 ? r->toInt64(0, 0) : -1;
}

bool TestSeedS1::leafHas(qint64 txid, int timeoutMs)
{
    // A tick whose snapshot sees txid also sees everything committed before.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        auto tick = m_root->exec(
            QStringLiteral("SELECT min(t.tick_id) FROM ferry.tick t JOIN ferry.queue q USING "
                           "(queue_id) WHERE q.queue_name = $1 AND "
                           "pg_visible_in_snapshot($2::text::xid8, t.tick_snapshot)"),
            {kQueue, txid});
        if (tick && !tick->isNull(0, 0) && leafTick() >= tick->toInt64(0, 0))
            return true;
        QThread::msleep(100);
    }
    return false;
}

void TestSeedS1::verifyAllEqual()
{
    for (const QString &table : kTables) {
        auto diff = compareTables(*m_root, *m_leaf, table);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
}

void TestSeedS1::startWorker(const QString &config, const QString &pidFile)
{
    const FerryRun run = ferry({QStringLiteral("-d"), config, QStringLiteral("worker")});
    const qint64 pid = readText(pidFile).trimmed().toLongLong();
    if (pid > 1)
        m_daemons << pid;
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(processAlive(pid));
}

void TestSeedS1::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_rootCluster = std::make_unique<PgCluster>();
    m_leafCluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_rootCluster->start());
    QVERIFY_RESULT(m_leafCluster->start());
    QVERIFY_RESULT(m_rootCluster->createDatabase(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(m_leafCluster->createDatabase(QStringLiteral("dst1")));
    const QString rootDb = m_rootCluster->connectionString(QStringLiteral("digoal_01"));
    const QString leafDb = m_leafCluster->connectionString(QStringLiteral("dst1"));
    auto root = Connection::open(rootDb);
    QVERIFY_RESULT(root);
    m_root.emplace(std::move(root).value());
    auto leaf = Connection::open(leafDb);
    QVERIFY_RESULT(leaf);
    m_leaf.emplace(std::move(leaf).value());
    QVERIFY_RESULT(createSeedSchema(*m_root, true));
    QVERIFY_RESULT(createSeedSchema(*m_leaf, false));

    // The seed's set-up, command by command.
    m_rootIni
        = writeConfig(QStringLiteral("src_digoal_01"), QStringLiteral("src_digoal_01"), rootDb);
    m_leafIni = writeConfig(QStringLiteral("dst1_digoal_01"), kLeafJob, leafDb);
    const QList<QStringList> setup = {
        {m_rootIni, QStringLiteral("create-root"), QStringLiteral("digoal_01"), rootDb},
        {m_leafIni, QStringLiteral("create-leaf"), QStringLiteral("dst1"), leafDb,
         QStringLiteral("--provider=") + rootDb},
        {m_rootIni, QStringLiteral("add-table"), QStringLiteral("--all")},
        {m_leafIni, QStringLiteral("add-table"), QStringLiteral("--all")},
    };
    for (const QStringList &arguments : setup) {
        const FerryRun run = ferry(arguments);
        QVERIFY2(run.exitCode == 0,
                 qPrintable(arguments.join(QLatin1Char(' ')) + QStringLiteral(": ") + run.err));
    }
    startWorker(m_rootIni, m_dir.filePath(QStringLiteral("src_digoal_01.pid")));
    startWorker(m_leafIni, m_dir.filePath(QStringLiteral("dst1_digoal_01.pid")));
}

void TestSeedS1::cleanupTestCase()
{
    // Daemons are no children of ours: kill them by pid, whatever happened.
    for (qint64 pid : std::as_const(m_daemons)) {
        if (processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_daemons.clear();
    m_root.reset();
    m_leaf.reset();
    m_leafCluster.reset();
    m_rootCluster.reset();
}

void TestSeedS1::s1LoadReplicates()
{
    QElapsedTimer clock;
    clock.start();
    // The seed's load: login.sql and logout.sql, 2 clients each, at once.
    // A fixed number of transactions, so the run is the same on any machine.
    const int perClient = 20000;
    const QString pgbench = PgCluster::binDirectory() + QStringLiteral("/pgbench");
    QList<std::shared_ptr<QProcess>> loads;
    for (const char *script : {"login.sql", "logout.sql"}) {
        auto p = std::make_shared<QProcess>();
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(pgbench,
                 {QStringLiteral("-n"), QStringLiteral("-M"), QStringLiteral("prepared"),
                  QStringLiteral("-f"),
                  QStringLiteral(FERRY_SOURCE_DIR "/bench/workload/") + QLatin1String(script),
                  QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-j"),
                  QStringLiteral("2"), QStringLiteral("-t"), QString::number(perClient),
                  QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                  QString::number(m_rootCluster->port()), QStringLiteral("-U"),
                  QStringLiteral("postgres"), QStringLiteral("digoal_01")});
        QVERIFY2(p->waitForStarted(10000), qPrintable(pgbench));
        loads.append(p);
    }
    // While the load runs: how far behind is the leaf? (seen by `status`)
    double maxLag = 0;
    int samples = 0;
    bool truncated = false;
    // (No event loop here: waitForFinished() is what notices an exit.)
    const auto running = [&]() {
        bool any = false;
        for (const auto &p : loads)
            any = (p->state() != QProcess::NotRunning && !p->waitForFinished(1)) || any;
        return any;
    };
    while (running()) {
        // S5 under load: a TRUNCATE between the logout inserts.
        if (!truncated) {
            auto n = m_root->exec(QStringLiteral("SELECT count(*) FROM digoal_01.user_logout_rec"));
            QVERIFY_RESULT(n);
            if (n->toInt64(0, 0) >= 2000) {
                QVERIFY(onRoot(QStringLiteral("TRUNCATE digoal_01.user_logout_rec")) > 0);
                truncated = true;
            }
            QThread::msleep(50);
            continue;
        }
        const auto nodes = parseStatus(leafStatus());
        if (nodes.contains(QStringLiteral("dst1")) && nodes[QStringLiteral("dst1")].lag >= 0) {
            maxLag = qMax(maxLag, nodes[QStringLiteral("dst1")].lag);
            ++samples;
        }
        QThread::msleep(300);
        QVERIFY2(clock.elapsed() < 90000, "pgbench did not finish in 90 s");
    }
    const qint64 loadMs = clock.elapsed();
    QStringList tps;
    for (const auto &p : loads) {
        const QString output = QString::fromLocal8Bit(p->readAll());
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, qPrintable(output));
        static const QRegularExpression tpsLine(QStringLiteral("tps = ([0-9.]+)"));
        tps.append(tpsLine.match(output).captured(1));
    }
    QVERIFY(truncated);

    // Everything the load committed is on the leaf within a few seconds.
    const qint64 marker = onRoot(
        QStringLiteral("UPDATE digoal_01.user_info SET mod_time = now() WHERE userid = 1"));
    QVERIFY(marker > 0);
    QElapsedTimer catchUp;
    catchUp.start();
    QVERIFY2(leafHas(marker, 30000), qPrintable(leafStatus()));
    const qint64 catchUpMs = catchUp.elapsed();

    // `status` as in the seed: the tree, 4/0/0 on both, the leaf at the
    // root's tick with less than a second of lag. (Polled: the root may
    // tick between reading its own tick and the leaf's.)
    QString text;
    QMap<QString, StatusNode> nodes;
    QElapsedTimer deadline;
    deadline.start();
    for (;;) {
        text = leafStatus();
        nodes = parseStatus(text);
        const StatusNode &r = nodes.value(QStringLiteral("digoal_01"));
        const StatusNode &l = nodes.value(QStringLiteral("dst1"));
        if (r.tables == QLatin1String("4/0/0") && l.tables == QLatin1String("4/0/0")
            && l.tick == r.tick && l.lag >= 0 && l.lag < 1.0)
            break;
        QVERIFY2(deadline.elapsed() < 20000, qPrintable(text));
        QThread::msleep(200);
    }
    const QStringList lines = text.split(QLatin1Char('\n'));
    QVERIFY2(lines.size() >= 8, qPrintable(text));
    QCOMPARE(lines.at(0), QStringLiteral("Queue: replika   Local node: dst1"));
    QCOMPARE(lines.at(1), QString());
    QCOMPARE(lines.at(2), QStringLiteral("digoal_01 (root)"));
    QCOMPARE(lines.at(3), QStringLiteral("  |") + QString(27, QLatin1Char(' '))
                              + QStringLiteral("Tables: 4/0/0"));
    QVERIFY2(QRegularExpression(QStringLiteral("^  \\| {27}Lag: \\d+\\.\\ds, Tick: \\d+$"))
                 .match(lines.at(4))
                 .hasMatch(),
             qPrintable(lines.at(4)));
    QCOMPARE(lines.at(5), QStringLiteral("  +--dst1 (leaf)"));
    QCOMPARE(lines.at(6), QString(30, QLatin1Char(' ')) + QStringLiteral("Tables: 4/0/0"));
    QVERIFY2(QRegularExpression(QStringLiteral("^ {30}Lag: 0\\.\\ds, Tick: %1$")
                                    .arg(nodes[QStringLiteral("digoal_01")].tick))
                 .match(lines.at(7))
                 .hasMatch(),
             qPrintable(lines.at(7)));
    QVERIFY2(!text.contains(QLatin1String("WARN")) && !text.contains(QLatin1String("ERR")),
             qPrintable(text));

    // `tables`: all four ok.
    const FerryRun tables = ferry({m_leafIni, QStringLiteral("tables")});
    QCOMPARE(tables.exitCode, 0);
    for (const QString &table : kTables) {
        QVERIFY2(
            QRegularExpression(QStringLiteral("^%1 +ok\\b").arg(QRegularExpression::escape(table)),
                               QRegularExpression::MultilineOption)
                .match(tables.out)
                .hasMatch(),
            qPrintable(tables.out));
    }
    verifyAllEqual();
    auto rows = m_leaf->exec(QStringLiteral("SELECT (SELECT count(*) FROM "
                                            "digoal_01.user_login_rec), (SELECT count(*) FROM "
                                            "digoal_01.user_logout_rec)"));
    QVERIFY_RESULT(rows);
    QCOMPARE(rows->toInt64(0, 0), qint64(2 * perClient));
    // The TRUNCATE under load went through, and the inserts after it.
    QVERIFY(rows->toInt64(0, 1) > 0 && rows->toInt64(0, 1) < 2 * perClient - 2000);
    qInfo().noquote() << QStringLiteral("S1: %1 + %1 transactions in %2 ms, tps login %3, "
                                        "logout %4; leaf lag during load at most %5 s (%6 "
                                        "samples); caught up %7 ms after the load; %8 ms in all")
                             .arg(2 * perClient)
                             .arg(loadMs)
                             .arg(tps.value(0), tps.value(1))
                             .arg(maxLag)
                             .arg(samples)
                             .arg(catchUpMs)
                             .arg(clock.elapsed());
}

void TestSeedS1::s5TruncateReplicatesInOrder()
{
    // A TRUNCATE alone: the leaf's table is empty too.
    qint64 tx = onRoot(QStringLiteral("TRUNCATE digoal_01.user_logout_rec"));
    QVERIFY(tx > 0);
    QVERIFY2(leafHas(tx, 20000), qPrintable(leafStatus()));
    auto n = m_leaf->exec(QStringLiteral("SELECT count(*) FROM digoal_01.user_logout_rec"));
    QVERIFY_RESULT(n);
    QCOMPARE(n->toInt64(0, 0), qint64(0));

    // TRUNCATE then INSERT in one transaction, and in two right after each
    // other (the same batch): the rows written after the truncate stay.
    QVERIFY(onRoot(QStringLiteral("INSERT INTO digoal_01.user_logout_rec (userid) VALUES (7)"))
            > 0);
    QVERIFY(onRoot(QStringLiteral("TRUNCATE digoal_01.user_login_rec; INSERT INTO "
                                  "digoal_01.user_login_rec (userid, login_time, ip) VALUES (1, "
                                  "now(), '10.0.0.1'), (2, now(), NULL), (3, NULL, '::1')"))
            > 0);
    QVERIFY(onRoot(QStringLiteral("TRUNCATE digoal_01.user_logout_rec")) > 0);
    tx = onRoot(QStringLiteral("INSERT INTO digoal_01.user_logout_rec (userid) VALUES (8), (9)"));
    QVERIFY(tx > 0);
    QVERIFY2(leafHas(tx, 20000), qPrintable(leafStatus()));
    auto counts = m_leaf->exec(QStringLiteral(
        "SELECT (SELECT count(*) FROM digoal_01.user_login_rec), (SELECT string_agg(userid::text, "
        "',' ORDER BY userid) FROM digoal_01.user_logout_rec)"));
    QVERIFY_RESULT(counts);
    QCOMPARE(counts->toInt64(0, 0), qint64(3));
    QCOMPARE(counts->text(0, 1), QStringLiteral("8,9"));
    verifyAllEqual();
}

void TestSeedS1::s12LeafRefusesApplicationWrites()
{
    // An application's session on the leaf: every kind of write is refused.
    auto app = Connection::open(m_leafCluster->connectionString(QStringLiteral("dst1")));
    QVERIFY_RESULT(app);
    const QList<QPair<QString, QString>> writes = {
        {QStringLiteral("INSERT"), QStringLiteral("INSERT INTO digoal_01.user_session (userid) "
                                                  "VALUES (900001)")},
        {QStringLiteral("UPDATE"), QStringLiteral("UPDATE digoal_01.user_session SET login_count "
                                                  "= -1 WHERE userid = 42")},
        {QStringLiteral("DELETE"),
         QStringLiteral("DELETE FROM digoal_01.user_session WHERE userid = 42")},
        {QStringLiteral("TRUNCATE"), QStringLiteral("TRUNCATE digoal_01.user_session")},
    };
    for (const auto &[what, sql] : writes) {
        auto r = app->exec(sql);
        QVERIFY2(!r, qPrintable(sql));
        QCOMPARE(r.error().sqlState(), QStringLiteral("25006"));
        QCOMPARE(r.error().message(),
                 QStringLiteral("table digoal_01.user_session is a Ferry replica: %1 is refused "
                                "on this node")
                     .arg(what));
        QVERIFY2(r.error().hint().contains(QLatin1String("root")), qPrintable(r.error().hint()));
    }
    // ... while Ferry goes on writing into that very table.
    const qint64 tx = onRoot(QStringLiteral("UPDATE digoal_01.user_session SET login_count = "
                                            "login_count + 100 WHERE userid = 42; DELETE FROM "
                                            "digoal_01.user_session WHERE userid = 43"));
    QVERIFY(tx > 0);
    QVERIFY2(leafHas(tx, 20000), qPrintable(leafStatus()));
    auto row = app->exec(QStringLiteral("SELECT (SELECT login_count FROM digoal_01.user_session "
                                        "WHERE userid = 42), (SELECT count(*) FROM "
                                        "digoal_01.user_session WHERE userid = 43)"));
    QVERIFY_RESULT(row);
    auto expected = m_root->exec(
        QStringLiteral("SELECT login_count FROM digoal_01.user_session WHERE userid = 42"));
    QVERIFY_RESULT(expected);
    QCOMPARE(row->toInt64(0, 0), expected->toInt64(0, 0));
    QVERIFY(row->toInt64(0, 0) >= 100);
    QCOMPARE(row->toInt64(0, 1), qint64(0));
    verifyAllEqual();
}

void TestSeedS1::pauseAndResume()
{
    FerryRun run = ferry({m_leafIni, QStringLiteral("pause")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QStringLiteral("Node 'dst1' paused\n"));
    // The worker reads the flag with its heartbeat (every 5 s): once it has
    // beaten after the pause, it applies nothing more.
    auto pausedSince = m_leaf->exec(QStringLiteral("SELECT now()::text"));
    QVERIFY_RESULT(pausedSince);
    QElapsedTimer noticed;
    noticed.start();
    const auto sawPause = [&]() {
        auto r = m_leaf->exec(
            QStringLiteral("SELECT worker_seen_at > $1::timestamptz FROM ferry.node_info"),
            {pausedSince->text(0, 0)});
        return r && r->toBool(0, 0);
    };
    QTRY_VERIFY_WITH_TIMEOUT(sawPause(), 10000);
    qInfo().noquote()
        << QStringLiteral("the worker saw the pause after %1 ms").arg(noticed.elapsed());
    const qint64 pausedAt = leafTick();
    const qint64 tx
        = onRoot(QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid) VALUES (424242)"));
    QVERIFY(tx > 0);
    // The root ticks on; the leaf stays where it was.
    QElapsedTimer clock;
    clock.start();
    StatusNode root;
    StatusNode leaf;
    while (clock.elapsed() < 4000) {
        const auto nodes = parseStatus(leafStatus());
        root = nodes.value(QStringLiteral("digoal_01"));
        leaf = nodes.value(QStringLiteral("dst1"));
        QCOMPARE(leafTick(), pausedAt);
        QThread::msleep(300);
    }
    QVERIFY2(root.tick > pausedAt, qPrintable(leafStatus()));
    QCOMPARE(leaf.tick, pausedAt);
    QVERIFY2(leaf.warnings.contains(QStringLiteral("paused")), qPrintable(leafStatus()));
    auto absent = m_leaf->exec(
        QStringLiteral("SELECT count(*) FROM digoal_01.user_login_rec WHERE userid = 424242"));
    QVERIFY_RESULT(absent);
    QCOMPARE(absent->toInt64(0, 0), qint64(0));

    run = ferry({m_leafIni, QStringLiteral("resume")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QStringLiteral("Node 'dst1' resumed\n"));
    QVERIFY2(leafHas(tx, 20000), qPrintable(leafStatus()));
    verifyAllEqual();
    QTRY_VERIFY_WITH_TIMEOUT(!leafStatus().contains(QLatin1String("WARN")), 10000);
}

void TestSeedS1::failingApplyShowsErrAndRecovers()
{
    // The leaf refuses what the root sends: a CHECK the root does not have.
    QVERIFY_RESULT(m_leaf->exec(QStringLiteral("ALTER TABLE digoal_01.user_login_rec ADD "
                                               "CONSTRAINT small_userid CHECK (userid < "
                                               "1000000)")));
    const qint64 bad
        = onRoot(QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid) VALUES (2000000)"));
    QVERIFY(bad > 0);
    const QString errLine = QString(30, QLatin1Char(' ')) + QStringLiteral("ERR: dst1: ");
    QString text;
    QTRY_VERIFY2_WITH_TIMEOUT((text = leafStatus()).contains(errLine), qPrintable(text), 20000);
    const QStringList lines = text.split(QLatin1Char('\n'));
    QString line;
    for (const QString &l : lines) {
        if (l.startsWith(errLine))
            line = l;
    }
    QVERIFY2(line.contains(QLatin1String("violates check constraint \"small_userid\""))
                 && line.contains(QLatin1String("user_login_rec")),
             qPrintable(line));
    QCOMPARE(lines.last(), QString()); // ERR is the leaf's last line
    QCOMPARE(lines.at(lines.size() - 2), line);

    // Later changes wait behind the failed one; the worker keeps retrying.
    const qint64 later = onRoot(QStringLiteral("UPDATE digoal_01.user_info SET mod_time = now() "
                                               "WHERE userid = 2"));
    QVERIFY(later > 0);
    const QString log = m_dir.filePath(QStringLiteral("dst1_digoal_01.log"));
    QTRY_VERIFY_WITH_TIMEOUT(readText(log).count(QLatin1String("violates check constraint")) >= 3,
                             20000);
    const qint64 pid
        = readText(m_dir.filePath(QStringLiteral("dst1_digoal_01.pid"))).trimmed().toLongLong();
    QVERIFY(processAlive(pid));
    QVERIFY(!leafHas(later, 500));
    const auto nodes = parseStatus(leafStatus());
    QVERIFY(nodes.value(QStringLiteral("dst1")).tick
            < nodes.value(QStringLiteral("digoal_01")).tick);

    // The error log holds one open entry: the failing event (the bad insert,
    // found by event-by-event apply), its table and batch, one attempt per retry.
    auto logged = loadNodeErrors(*m_leaf, QStringLiteral("replika"), 10);
    QVERIFY_RESULT(logged);
    QCOMPARE(logged->size(), 1);
    const NodeErrorEntry entry = logged->constFirst();
    QCOMPARE(entry.node, QStringLiteral("dst1"));
    QVERIFY(!entry.site.copy);
    QCOMPARE(entry.sqlState, QStringLiteral("23514"));
    QCOMPARE(entry.site.table, QStringLiteral("digoal_01.user_login_rec"));
    QVERIFY(entry.site.eventId.has_value());
    QVERIFY(entry.site.batchId.has_value() && entry.site.tickTo > entry.site.tickFrom);
    QVERIFY2(entry.message.contains(QLatin1String("small_userid"))
                 && entry.message.contains(QStringLiteral("event %1").arg(*entry.site.eventId)),
             qPrintable(entry.message));
    QVERIFY2(entry.attempts >= 3, qPrintable(QString::number(entry.attempts)));
    QVERIFY(!entry.resolvedAt.isValid());
    // On the root, that event id is the bad insert's transaction.
    auto union_ = m_root->exec(QStringLiteral(
        "SELECT string_agg(format('SELECT ev_txid FROM %s WHERE ev_id = $1', "
        "ferry._event_table(e.queue_id, e.table_no)), ' UNION ALL ') FROM ferry.event_table e "
        "JOIN ferry.queue q USING (queue_id) WHERE q.queue_name = 'replika'"));
    QVERIFY_RESULT(union_);
    auto txOfEvent = m_root->exec(union_->text(0, 0), {*entry.site.eventId});
    QVERIFY_RESULT(txOfEvent);
    QCOMPARE(txOfEvent->rowCount(), 1);
    QCOMPARE(txOfEvent->toInt64(0, 0), bad);

    // The operator fixes the cause: the node catches up and the line goes.
    QVERIFY_RESULT(m_leaf->exec(
        QStringLiteral("ALTER TABLE digoal_01.user_login_rec DROP CONSTRAINT small_userid")));
    QVERIFY2(leafHas(later, 40000), qPrintable(leafStatus()));
    verifyAllEqual();
    QTRY_VERIFY2_WITH_TIMEOUT(!(text = leafStatus()).contains(QLatin1String("ERR")),
                              qPrintable(text), 10000);
    QVERIFY(readText(log).contains(QLatin1String("node 'dst1' is running again")));
    logged = loadNodeErrors(*m_leaf, QStringLiteral("replika"), 10);
    QVERIFY_RESULT(logged);
    QCOMPARE(logged->size(), 1);
    QVERIFY(logged->constFirst().resolvedAt.isValid());
    QVERIFY(logged->constFirst().attempts >= entry.attempts);
    QVERIFY(processAlive(pid));

    // Both workers stop cleanly.
    for (const QString &ini : {m_leafIni, m_rootIni}) {
        const FerryRun stop = ferry({QStringLiteral("-s"), ini, QStringLiteral("worker")});
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.err));
    }
}

QTEST_GUILESS_MAIN(TestSeedS1)
#include "tst_seed_s1.moc"
