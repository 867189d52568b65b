// The detail pane while the real `ferry` leaf worker copies a table of 2,500,000 rows
// from a root in another cluster, into a leaf table with a second index so that the copy
// lasts seconds even on a fast machine: a progress bar with a value between 0 and 100
// and the time left, then the table ok with its rows. A UI heartbeat (a 10 ms timer)
// measures the longest stall of the UI thread through each copy; the second copy runs
// while every status read hangs for 5 s on a member whose server never answers.
//
// With FERRY_SCREENSHOT_DIR set, progressBarWhileCopying() saves copy-progress.png there
// (the `screenshots` target points it at docs/screenshots).
#include "app/mainwindow.h"
#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "cascade/copyprogressdelegate.h"
#include "cascade/nodedetailwidget.h"
#include "db/connectgate.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "replication/tableregistry.h"
#include "rootandleaf.h"
#include "silentserver.h"
#include "storetestutil.h"
#include "testutil.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QtConcurrent>

#include <csignal>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;
using ferry::test::SilentServer;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootNode = QStringLiteral("digoal_01");
const QString kLeafNode = QStringLiteral("dst1");
const QString kTable = QStringLiteral("digoal_01.big_rows");
const QString kFarNode = QStringLiteral("far_away");
constexpr qint64 kRows = 2500000;
constexpr qint64 kMaxGapMs = 100;

enum Column { NameColumn, StateColumn, RowsColumn };

// The UI thread's pulse: a 10 ms timer and the longest gap between two of its ticks.
class Heartbeat
{
public:
    explicit Heartbeat(QObject *context)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, context, [this] {
            const qint64 now = m_clock.elapsed();
            m_maxGap = qMax(m_maxGap, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_maxGap = 0;
        m_timer.start(10);
    }
    void stop() { m_timer.stop(); }
    // After work of the test itself on the UI thread (a screenshot): not the app's stall.
    void skip() { m_last = m_clock.elapsed(); }
    qint64 maxGap() const { return m_maxGap; }
    qint64 now() const { return m_clock.elapsed(); }

private:
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_last = 0;
    qint64 m_maxGap = 0;
};

// What the detail pane showed for the big table, each time it was read.
struct Shown
{
    qint64 atMs = 0;
    QString state;           // the merge state (Qt::UserRole)
    QVariant percent;        // CopyProgressDelegate::PercentRole: set while copying
    QString barText;         // the state cell's text
    qint64 rows = -1;        // the rows cell's Qt::UserRole
    bool statusBusy = false; // a status read was running meanwhile
};

} // namespace

class TestCopyProgressView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void progressBarWhileCopying();
    void copyAndHangingStatusTogether();

private:
    QString writeConfig(const QString &name, const QString &db, const QString &job);
    QString pidFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".pid"));
    }
    QString logFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".log"));
    }
    void startWorker(const QString &config, const QString &job);
    // Subscribes the big table on the leaf (removing it first if it was, so that it is
    // copied again), on a worker thread: the UI thread only waits in its event loop.
    void subscribeOffTheUiThread();
    // Records what the pane shows for the big table after every detail read, until it
    // is ok again after a copy, or the timeout.
    QList<Shown> watchCopy(Heartbeat &heartbeat, int timeoutMs);
    static std::optional<Shown> shownRow(const QTreeWidget *tables);

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    QString m_rootDb;
    QString m_leafDb;
    QString m_leafIni;
    NodeInfo m_leafInfo;
    std::unique_ptr<MainWindow> m_window;
    QList<qint64> m_daemons; // killed in cleanupTestCase()
    // Set while a screenshot is wanted: taken at the first bar with a time left.
    std::function<void()> m_onProgress;
};

QString
TestCopyProgressView::writeConfig(const QString &name, const QString &db, const QString &job)
{
    const QString path = m_dir.filePath(name);
    const QString text = QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                        "logfile = %4\npidfile = %5\n"
                                        "loop_delay = 0.2\nticker_period = 0.2\n")
                             .arg(job, db, kQueue, logFile(job), pidFile(job));
    if (!ferry::test::writeText(path, text))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestCopyProgressView::startWorker(const QString &config, const QString &job)
{
    const auto run = ferry::test::runFerry(
        QStringLiteral(FERRY_CLI), {QStringLiteral("-d"), config, QStringLiteral("worker")}, 30000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const qint64 pid = ferry::test::readText(pidFile(job)).trimmed().toLongLong();
    QVERIFY(pid > 0);
    m_daemons.append(pid);
}

void TestCopyProgressView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_copyprogressview"));
    QVERIFY(m_dir.isValid());

    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
    QVERIFY_RESULT(m_root->createDatabase(kRootNode));
    QVERIFY_RESULT(m_leaf->createDatabase(kLeafNode));
    m_rootDb = m_root->connectionString(kRootNode);
    m_leafDb = m_leaf->connectionString(kLeafNode);
    auto root = Connection::open(m_rootDb);
    auto leaf = Connection::open(m_leafDb);
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(leaf);
    if (root->serverVersion() < 140000)
        QSKIP("copy progress needs PostgreSQL 14 or later");
    const QString table = QStringLiteral("CREATE SCHEMA digoal_01; CREATE TABLE "
                                         "digoal_01.big_rows (id bigint NOT NULL, v int)");
    QVERIFY_RESULT(root->exec(table));
    QVERIFY_RESULT(leaf->exec(table));
    // The key after the rows: one index build instead of millions of insertions.
    QVERIFY_RESULT(root->exec(QStringLiteral("INSERT INTO digoal_01.big_rows SELECT i, i % 1000 "
                                             "FROM generate_series(1, %1) i; ALTER TABLE "
                                             "digoal_01.big_rows ADD PRIMARY KEY (id); "
                                             "ANALYZE digoal_01.big_rows")
                                  .arg(kRows)));
    QVERIFY_RESULT(
        leaf->exec(QStringLiteral("ALTER TABLE digoal_01.big_rows ADD PRIMARY KEY (id); "
                                  "CREATE INDEX big_rows_v ON digoal_01.big_rows (v, id)")));

    auto nodes = ferry::test::createRootAndLeaf(
        m_rootDb, m_leafDb,
        {kQueue, kRootNode, QStringLiteral("root_job"), kLeafNode, QStringLiteral("leaf_job")});
    QVERIFY_RESULT(nodes);
    m_leafInfo = nodes->leaf;
    QVERIFY_RESULT(TableRegistry(*root, nodes->root).add({kTable}, false, nullptr));

    const QString rootIni
        = writeConfig(QStringLiteral("root.ini"), m_rootDb, QStringLiteral("root_job"));
    m_leafIni = writeConfig(QStringLiteral("leaf.ini"), m_leafDb, QStringLiteral("leaf_job"));
    // Started before any heartbeat: `ferry -d` is waited for on this thread.
    startWorker(rootIni, QStringLiteral("root_job"));
    startWorker(m_leafIni, QStringLiteral("leaf_job"));
}

void TestCopyProgressView::cleanupTestCase()
{
    m_window.reset();
    // A daemon is no child of ours: kill it by pid, whatever the test did.
    for (qint64 pid : std::as_const(m_daemons)) {
        if (ferry::test::processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_daemons.clear();
    m_root.reset();
    m_leaf.reset();
    QSettings().clear();
}

void TestCopyProgressView::init()
{
    QVERIFY(ferry::test::resetDefaultStore({{QStringLiteral("View/refreshInterval"), 1}}));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(MainWindow::defaultSize());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestCopyProgressView::cleanup()
{
    m_window.reset();
    m_onProgress = nullptr;
}

void TestCopyProgressView::subscribeOffTheUiThread()
{
    const QString rootDb = m_rootDb;
    const QString leafDb = m_leafDb;
    const NodeInfo info = m_leafInfo;
    QFuture<QString> done = QtConcurrent::run([rootDb, leafDb, info]() -> QString {
        auto root = Connection::open(rootDb);
        auto leaf = Connection::open(leafDb);
        if (!root || !leaf)
            return QStringLiteral("cannot connect");
        TableRegistry registry(*leaf, info);
        auto tables = registry.list();
        if (!tables)
            return tables.error().toString();
        if (!tables->isEmpty()) {
            if (auto r = registry.remove({kTable}); !r)
                return r.error().toString();
        }
        auto added = registry.add({kTable}, false, &*root);
        if (!added)
            return added.error().toString();
        return added->added == QStringList{kTable} ? QString() : QStringLiteral("not added");
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.isFinished(), 10000);
    QVERIFY2(done.result().isEmpty(), qPrintable(done.result()));
}

std::optional<Shown> TestCopyProgressView::shownRow(const QTreeWidget *tables)
{
    for (int i = 0; i < tables->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = tables->topLevelItem(i);
        if (item->data(NameColumn, Qt::UserRole).toString() != kTable)
            continue;
        Shown s;
        s.state = item->data(StateColumn, Qt::UserRole).toString();
        s.percent = item->data(StateColumn, CopyProgressDelegate::PercentRole);
        s.barText = item->text(StateColumn);
        const QVariant rows = item->data(RowsColumn, Qt::UserRole);
        s.rows = rows.isValid() ? rows.toLongLong() : -1;
        return s;
    }
    return std::nullopt;
}

QList<Shown> TestCopyProgressView::watchCopy(Heartbeat &heartbeat, int timeoutMs)
{
    CascadeView *view = m_window->cascadeView();
    auto *tables = view->findChild<QTreeWidget *>(QStringLiteral("nodeTables"));
    QList<Shown> shown;
    bool copySeen = false;
    bool done = false;
    // Connected after the view: the pane already shows this detail when it runs.
    QMetaObject::Connection c = connect(view->monitor(), &CascadeMonitor::detailRead, this, [&] {
        auto s = shownRow(tables);
        if (!s)
            return;
        s->atMs = heartbeat.now();
        s->statusBusy = view->monitor()->isRefreshing();
        shown.append(*s);
        copySeen = copySeen || s->percent.isValid();
        done = copySeen && s->state == QLatin1String("ok");
        if (s->percent.isValid() && m_onProgress)
            m_onProgress();
    });
    QElapsedTimer elapsed;
    elapsed.start();
    while (!done && elapsed.elapsed() < timeoutMs)
        QTest::qWait(10);
    disconnect(c);
    return shown;
}

void TestCopyProgressView::progressBarWhileCopying()
{
    QObject context; // the connections of this test end with it
    Heartbeat heartbeat(&context);
    heartbeat.start();
    QVERIFY(m_window->openConfig(m_leafIni));
    CascadeView *view = m_window->cascadeView();
    QTRY_COMPARE_WITH_TIMEOUT(view->detail()->nodeName(), kLeafNode, 10000);
    auto *tables = view->findChild<QTreeWidget *>(QStringLiteral("nodeTables"));
    QVERIFY(tables);

    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    const QString screenshot = QDir(dir).filePath(QStringLiteral("copy-progress.png"));
    bool saved = false;
    m_onProgress = [&] {
        const auto s = shownRow(tables);
        if (saved || !s || s->percent.toInt() <= 0 || !s->barText.contains(QLatin1String("left")))
            return;
        const QImage image = m_window->grab().toImage();
        saved = image.size() / image.devicePixelRatio() == MainWindow::defaultSize()
                && image.save(screenshot);
        heartbeat.skip(); // the test's own work on the UI thread
    };

    subscribeOffTheUiThread();
    const QList<Shown> shown = watchCopy(heartbeat, 45000);
    heartbeat.stop();

    QStringList seen;
    int midway = 0;
    int withTimeLeft = 0;
    for (const Shown &s : shown) {
        seen << QStringLiteral("%1 %2 '%3' %4")
                    .arg(s.state, s.percent.toString(), s.barText)
                    .arg(s.rows);
        if (!s.percent.isValid())
            continue;
        // A running copy: in-copy, its rows so far, a bar short of 100 until committed.
        QCOMPARE(s.state, QStringLiteral("in-copy"));
        QVERIFY(s.rows >= 0 && s.rows <= kRows);
        const int percent = s.percent.toInt();
        QVERIFY2(percent >= 0 && percent < 100, qPrintable(seen.join(QLatin1Char('\n'))));
        // The total is the root's estimate (ANALYZEd): about the rows there are.
        QVERIFY2(qAbs(percent - int(s.rows * 100 / kRows)) <= 1, qPrintable(s.barText));
        midway += percent > 0 ? 1 : 0;
        if (s.barText.contains(QLatin1String(" left")))
            ++withTimeLeft;
    }
    qInfo("copy watched through %lld detail reads; longest UI heartbeat gap %lld ms",
          qint64(shown.size()), heartbeat.maxGap());
    QVERIFY2(!shown.isEmpty() && shown.last().state == QLatin1String("ok"),
             qPrintable(seen.join(QLatin1Char('\n'))));
    QCOMPARE(shown.last().rows, kRows);
    QVERIFY(!shown.last().percent.isValid());
    QVERIFY2(midway >= 1, qPrintable(seen.join(QLatin1Char('\n'))));
    QVERIFY2(withTimeLeft >= 1, qPrintable(seen.join(QLatin1Char('\n'))));
    QVERIFY2(saved, qPrintable(screenshot));
    QVERIFY2(heartbeat.maxGap() < kMaxGapMs,
             qPrintable(QStringLiteral("UI thread stalled %1 ms").arg(heartbeat.maxGap())));
}

void TestCopyProgressView::copyAndHangingStatusTogether()
{
    // A member whose server accepts and never answers: every status read waits the
    // 5 s connect timeout for it (no back-off between: the worst case).
    SilentServer silent;
    ConnectGate::instance().setBackoff(1, 1);
    {
        auto root = Connection::open(m_rootDb);
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(root->exec(
            QStringLiteral("INSERT INTO ferry.node_location (queue_name, node_name, node_type, "
                           "location, provider_node, worker_name) VALUES ($1, $2, 'leaf', $3, "
                           "$4, 'far_job')"),
            {kQueue, kFarNode,
             QStringLiteral("host=127.0.0.1 port=%1 dbname=far user=postgres").arg(silent.port()),
             kRootNode}));
    }
    CascadeView *view = m_window->cascadeView();
    QList<QPair<qint64, qint64>> statusReads; // start, end
    qint64 statusStart = -1;
    QObject context; // the connections of this test end with it
    Heartbeat heartbeat(&context);
    connect(view->monitor(), &CascadeMonitor::refreshStarted, &context,
            [&] { statusStart = heartbeat.now(); });
    connect(view->monitor(), &CascadeMonitor::statusRead, &context, [&] {
        statusReads.append({statusStart, heartbeat.now()});
    });

    heartbeat.start();
    QVERIFY(m_window->openConfig(m_leafIni));
    // The first status waits for the silent member, then shows it unreachable.
    QTRY_COMPARE_WITH_TIMEOUT(view->detail()->nodeName(), kLeafNode, 15000);
    QCOMPARE(
        NodeState(view->model()->indexOfNode(kFarNode).data(CascadeModel::NodeStateRole).toInt()),
        NodeState::Unreachable);
    QVERIFY(statusReads.size() >= 1
            && statusReads.first().second - statusReads.first().first >= 4000);

    subscribeOffTheUiThread(); // copied again, from the start
    const QList<Shown> shown = watchCopy(heartbeat, 45000);

    QStringList seen;
    qint64 copyFrom = -1;
    qint64 copyTo = -1;
    int duringStatus = 0;
    for (const Shown &s : shown) {
        seen << QStringLiteral("%1 ms: %2 %3 '%4' %5%6")
                    .arg(s.atMs)
                    .arg(s.state, s.percent.toString(), s.barText)
                    .arg(s.rows)
                    .arg(s.statusBusy ? QStringLiteral(" (status read running)") : QString());
        if (!s.percent.isValid())
            continue;
        if (copyFrom < 0)
            copyFrom = s.atMs;
        copyTo = s.atMs;
        duringStatus += s.statusBusy ? 1 : 0;
    }
    const QString trace = seen.join(QLatin1Char('\n'));
    QVERIFY2(!shown.isEmpty() && shown.last().state == QLatin1String("ok"), qPrintable(trace));
    QCOMPARE(shown.last().rows, kRows);
    QVERIFY2(copyFrom >= 0, qPrintable(trace));
    // The copy's progress kept coming while a status read hung ...
    QVERIFY2(duringStatus >= 1, qPrintable(trace));
    // ... and the status read that ran beside the copy, once it ends (the heartbeat
    // still beating), took the member's 5 s connect timeout.
    auto overlapping = [&]() -> std::optional<qint64> {
        for (const auto &[start, end] : std::as_const(statusReads)) {
            if (start <= copyTo && end >= copyFrom)
                return end - start;
        }
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(overlapping().has_value(), 10000);
    heartbeat.stop();
    qInfo("copy shown from %lld to %lld ms, %d of its reads during a status read of %lld ms; "
          "longest UI heartbeat gap %lld ms",
          copyFrom, copyTo, duringStatus, *overlapping(), heartbeat.maxGap());
    QVERIFY2(*overlapping() >= 4000, qPrintable(QString::number(*overlapping())));
    QVERIFY2(heartbeat.maxGap() < kMaxGapMs,
             qPrintable(QStringLiteral("UI thread stalled %1 ms").arg(heartbeat.maxGap())));

    // Closing resets the read still waiting for the member; it leaves the cascade.
    silent.close();
    auto root = Connection::open(m_rootDb);
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(root->exec(
        QStringLiteral("DELETE FROM ferry.node_location WHERE queue_name = $1 AND node_name = $2"),
        {kQueue, kFarNode}));
    ConnectGate::instance().reset();
}

QTEST_MAIN(TestCopyProgressView)
#include "tst_copyprogressview.moc"
