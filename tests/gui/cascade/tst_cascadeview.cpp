// The main window's live cascade view against a real root and leaf, each in a
// throwaway cluster of its own: the tree, the states, the tables and the worker's
// log as `ferry status` and `ferry tables` see them, refreshed on worker threads.
// The workers are the real `ferry -d CONFIG.ini worker` daemons (FERRY_CLI); every
// daemon a test started is killed in cleanup(), also when it failed.
//
// With FERRY_SCREENSHOT_DIR set, workersReplicate() saves cascade.png and
// cascade-zh_CN.png there (the `screenshots` target points it at docs/screenshots).
#include "app/apptranslator.h"
#include "app/mainwindow.h"
#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "cascade/nodedetailwidget.h"
#include "common/localstore.h"
#include "db/connectgate.h"
#include "db/connection.h"
#include "errors/errorlogreader.h"
#include "ferryprocess.h"
#include "passwordrole.h"
#include "pgcluster.h"
#include "replication/tableregistry.h"
#include "rootandleaf.h"
#include "silentserver.h"
#include "storetestutil.h"
#include "testutil.h"
#include "usersession.h"
#include "workers/workercontrol.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QtConcurrent>

#include <csignal>

#include <memory>
#include <optional>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;
using ferry::test::SilentServer;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootNode = QStringLiteral("digoal_01");
const QString kLeafNode = QStringLiteral("dst1");
// In the leaf's db line: the window must never show it.
const QString kPassword = QStringLiteral("Sekr1tPw");
constexpr int kSeedRows = 1000;

ferry::test::FerryRun runFerry(const QStringList &arguments)
{
    return ferry::test::runFerry(QStringLiteral(FERRY_CLI), arguments, 30000);
}

// The cell text of a node's row.
QString cell(const CascadeModel *model, const QString &node, int column)
{
    return model->indexOfNode(node, column).data().toString();
}

NodeState stateOf(const CascadeModel *model, const QString &node)
{
    return NodeState(model->indexOfNode(node).data(CascadeModel::NodeStateRole).toInt());
}

} // namespace

class TestCascadeView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void modelBuildsTheTree();
    void warningsAreTranslated();
    void openConfigFailsWithOneLine();
    void showsRootAndLeaf();
    void workersReplicate();
    void statusReadsNeverBlockTheUi();
    void commandLineOpensConfig();
    void refusedLoginIsTriedOnce();
    void updatedKeepsTheLastGoodRead();
    void unreachableLeaf();

private:
    QString writeConfig(const QString &name, const QString &db, const QString &job);
    QString logFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".log"));
    }
    QString pidFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".pid"));
    }
    void startWorker(const QString &config, const QString &job);
    void saveScreenshot(const QString &name);
    QStringList visibleTexts() const;

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    QString m_rootIni;
    QString m_leafIni;
    std::unique_ptr<MainWindow> m_window;
    QList<qint64> m_daemons; // killed in cleanup()
};

QString TestCascadeView::writeConfig(const QString &name, const QString &db, const QString &job)
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

void TestCascadeView::initTestCase()
{
    // Keeps QSettings away from the real ~/.config.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_cascadeview"));
    QVERIFY(m_dir.isValid());

    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
    QVERIFY_RESULT(m_root->createDatabase(kRootNode));
    QVERIFY_RESULT(m_leaf->createDatabase(kLeafNode));
    const QString rootDb = m_root->connectionString(kRootNode);
    const QString leafDb = m_leaf->connectionString(kLeafNode);
    {
        auto root = Connection::open(rootDb);
        auto leaf = Connection::open(leafDb);
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(leaf);
        // The seed's four tables on both, rows on the root only.
        QVERIFY_RESULT(ferry::test::createSeedSchema(*root, false));
        QVERIFY_RESULT(ferry::test::createSeedSchema(*leaf, false));
        QVERIFY_RESULT(root->exec(
            QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname, cnname) "
                           "SELECT i, 'digoal.zhou', '德哥' FROM generate_series(1, %1) i; "
                           "INSERT INTO digoal_01.user_session (userid) "
                           "SELECT generate_series(1, %1)")
                .arg(kSeedRows)));

        auto nodes = ferry::test::createRootAndLeaf(
            rootDb, leafDb,
            {kQueue, kRootNode, QStringLiteral("root_job"), kLeafNode, QStringLiteral("leaf_job")});
        QVERIFY_RESULT(nodes);
        QVERIFY_RESULT(TableRegistry(*root, nodes->root).add({}, true, nullptr));
        auto added = TableRegistry(*leaf, nodes->leaf).add({}, true, &*root);
        QVERIFY_RESULT(added);
        QCOMPARE(added->added.size(), 4);
    }
    m_rootIni = writeConfig(QStringLiteral("root.ini"), rootDb, QStringLiteral("root_job"));
    m_leafIni
        = writeConfig(QStringLiteral("leaf.ini"), leafDb + QStringLiteral(" password=") + kPassword,
                      QStringLiteral("leaf_job"));
}

void TestCascadeView::cleanupTestCase()
{
    cleanup();
    m_root.reset();
    m_leaf.reset();
}

void TestCascadeView::init()
{
    QVERIFY(ferry::test::resetDefaultStore({{QStringLiteral("View/refreshInterval"), 1}}));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(MainWindow::defaultSize());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(m_window->cascadeView()->refreshInterval(), 1);
}

void TestCascadeView::cleanup()
{
    m_window.reset();
    // A daemon is no child of ours: kill it by pid, whatever the test did.
    for (qint64 pid : std::as_const(m_daemons)) {
        if (ferry::test::processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_daemons.clear();
    QSettings().clear();
}

void TestCascadeView::startWorker(const QString &config, const QString &job)
{
    const auto run = runFerry({QStringLiteral("-d"), config, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const qint64 pid = ferry::test::readText(pidFile(job)).trimmed().toLongLong();
    QVERIFY(pid > 0);
    m_daemons.append(pid);
}

void TestCascadeView::saveScreenshot(const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    const QImage image = m_window->grab().toImage();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size() / image.devicePixelRatio(), MainWindow::defaultSize());
    QVERIFY(image.save(QDir(dir).filePath(name)));
}

QStringList TestCascadeView::visibleTexts() const
{
    QStringList texts;
    for (const QLabel *label : m_window->findChildren<QLabel *>())
        texts << label->text() << label->toolTip();
    for (const QPlainTextEdit *edit : m_window->findChildren<QPlainTextEdit *>())
        texts << edit->toPlainText() << edit->placeholderText();
    const CascadeModel *model = m_window->cascadeView()->model();
    for (const NodeStatus &n : model->status().nodes) {
        for (int c = 0; c < CascadeModel::ColumnCount; ++c) {
            texts << model->indexOfNode(n.name, c).data().toString()
                  << model->indexOfNode(n.name, c).data(Qt::ToolTipRole).toString();
        }
    }
    texts << m_window->statusBar()->currentMessage() << m_window->windowTitle();
    return texts;
}

void TestCascadeView::modelBuildsTheTree()
{
    CascadeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto node = [](const QString &name, NodeType type, const QString &provider) {
        NodeStatus n;
        n.name = name;
        n.type = type;
        n.providerNode = provider;
        return n;
    };
    CascadeStatus status;
    status.localNode = QStringLiteral("b");
    status.nodes = {node(QStringLiteral("r"), NodeType::Root, {}),
                    node(QStringLiteral("a"), NodeType::Branch, QStringLiteral("r")),
                    node(QStringLiteral("b"), NodeType::Leaf, QStringLiteral("a")),
                    node(QStringLiteral("c"), NodeType::Leaf, QStringLiteral("r")),
                    // Unknown provider: shown on top rather than lost.
                    node(QStringLiteral("x"), NodeType::Leaf, QStringLiteral("gone"))};
    status.nodes[2].tablesOk = 3;
    status.nodes[2].tablesCopying = 1;
    status.nodes[2].lagSeconds = 0.4;
    status.nodes[2].tick = 76;
    model.setStatus(status);
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex r = model.index(0, 0);
    QCOMPARE(r.data().toString(), QStringLiteral("r"));
    QCOMPARE(model.rowCount(r), 2);
    const QModelIndex a = model.index(0, 0, r);
    QCOMPARE(a.data().toString(), QStringLiteral("a"));
    const QModelIndex b = model.index(0, 0, a);
    QCOMPARE(b.data().toString(), QStringLiteral("b"));
    QCOMPARE(model.parent(b), a);
    QCOMPARE(model.index(1, 0, r).data().toString(), QStringLiteral("c"));
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("x"));
    QVERIFY(b.data(CascadeModel::IsLocalRole).toBool());
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::TablesColumn),
             QStringLiteral("3 / 1 / 0"));
    // Lag as the rest of the window writes it (the chart, the tooltips, the tray).
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::LagColumn), QStringLiteral("400 ms"));
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::TickColumn), QStringLiteral("76"));
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::TypeColumn), QStringLiteral("leaf"));
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::StateColumn), QStringLiteral("OK"));
    QVERIFY(!model.indexOfNode(QStringLiteral("b"), CascadeModel::StateColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());

    // The same nodes again: cells change, rows and persistent indexes stay.
    const QPersistentModelIndex kept(b);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    status.nodes[2].warnings = {QStringLiteral("paused")};
    status.nodes[3].reachable = false;
    status.nodes[3].error = QStringLiteral("unreachable: could not connect");
    status.nodes[3].tick = 5;
    model.setStatus(status);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 5);
    QVERIFY(kept.isValid());
    QCOMPARE(stateOf(&model, QStringLiteral("b")), NodeState::Warning);
    QCOMPARE(cell(&model, QStringLiteral("b"), CascadeModel::MessageColumn),
             QStringLiteral("paused"));
    // Unreachable: the reason without the prefix, and no old numbers.
    QCOMPARE(stateOf(&model, QStringLiteral("c")), NodeState::Unreachable);
    QCOMPARE(cell(&model, QStringLiteral("c"), CascadeModel::MessageColumn),
             QStringLiteral("could not connect"));
    QCOMPARE(cell(&model, QStringLiteral("c"), CascadeModel::TickColumn), QStringLiteral("—"));
    QCOMPARE(cell(&model, QStringLiteral("c"), CascadeModel::TablesColumn), QStringLiteral("—"));

    // Another shape resets; a provider loop does not lose the nodes.
    status.nodes = {node(QStringLiteral("p"), NodeType::Leaf, QStringLiteral("q")),
                    node(QStringLiteral("q"), NodeType::Leaf, QStringLiteral("p"))};
    status.nodes[0].error = QStringLiteral("stuck");
    model.setStatus(status);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount() + model.rowCount(model.index(0, 0)), 2);
    QCOMPARE(stateOf(&model, QStringLiteral("p")), NodeState::Error);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestCascadeView::warningsAreTranslated()
{
    // The WARN: lines exactly as core/cascade/cascadestatus.cpp writes them.
    const QStringList core = {QStringLiteral("paused"),
                              QStringLiteral("worker has never run"),
                              QStringLiteral("worker not running (last seen 1m5s ago)"),
                              QStringLiteral("ticker stalled: last tick 42s ago, events waiting"),
                              QStringLiteral("ticker not running: last tick 2h0m1s ago"),
                              QStringLiteral("consumer dst1_job (node dst1) has not moved for "
                                             "2h0m1s: the queue keeps 500 events (1.2 MB) for "
                                             "it; start its worker, or drop-node dst1 if that "
                                             "node is gone"),
                              QStringLiteral("consumer old_job (no node) has not moved for 1m5s: "
                                             "the queue keeps 7 events (24 kB) for it; if "
                                             "nothing reads it, SELECT "
                                             "ferry.unregister_consumer('q', 'old_job') on the "
                                             "root")};
    // The English text says the same as core (the advice in other words).
    for (const QString &w : core.mid(0, 5))
        QCOMPARE(NodeStateText::warning(w), w);
    for (const QString &w : core.mid(5)) {
        QVERIFY2(NodeStateText::warning(w).contains(QLatin1String("has not moved")), qPrintable(w));
        QVERIFY2(NodeStateText::warning(w).contains(QLatin1String("events")), qPrintable(w));
    }
    QCOMPARE(NodeStateText::warning(QStringLiteral("something new")),
             QStringLiteral("something new"));
    const AppTranslator zh(QLocale(QStringLiteral("zh_CN")));
    QVERIFY(zh.isLoaded());
    for (const QString &w : core) {
        const QString translated = NodeStateText::warning(w);
        QVERIFY2(translated != w, qPrintable(w));
        // The durations are kept.
        for (const QString &d :
             {QStringLiteral("1m5s"), QStringLiteral("42s"), QStringLiteral("2h0m1s")}) {
            if (w.contains(d))
                QVERIFY2(translated.contains(d), qPrintable(translated));
        }
        for (const QString &n : {QStringLiteral("dst1_job"), QStringLiteral("500")}) {
            if (w.contains(n))
                QVERIFY2(translated.contains(n), qPrintable(translated));
        }
    }
    QCOMPARE(NodeStateText::stateName(NodeState::Unreachable), QStringLiteral("无法连接"));
    QCOMPARE(NodeStateText::typeName(NodeType::Leaf), QStringLiteral("叶子"));
}

void TestCascadeView::openConfigFailsWithOneLine()
{
    auto *stack = m_window->findChild<QStackedWidget *>(QStringLiteral("centralStack"));
    QVERIFY(stack);
    // No queue_name; a password in db that no message may show.
    const QString bad = m_dir.filePath(QStringLiteral("bad.ini"));
    QVERIFY(ferry::test::writeText(
        bad, QStringLiteral("[ferry]\njob_name = bad\ndb = host=127.0.0.1 dbname=x password=%1\n")
                 .arg(kPassword)));
    const QString missing = m_dir.filePath(QStringLiteral("missing.ini"));
    for (const QString &path : {bad, missing}) {
        QVERIFY(!m_window->openConfig(path));
        auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("openConfigError"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        const QString reason = box->informativeText();
        QVERIFY2(reason.contains(QFileInfo(path).fileName()), qPrintable(reason));
        QVERIFY(!reason.contains(QLatin1Char('\n')));
        QVERIFY(!reason.contains(kPassword));
        QCOMPARE(m_window->statusBar()->currentMessage(), reason);
        box->close();
        QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("openConfigError")));
        QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("emptyState"));
        QVERIFY(m_window->configPath().isEmpty());
    }
    QVERIFY(m_window->recentConfigs().isEmpty());
    QVERIFY(!m_window->findChild<QAction *>(QStringLiteral("actionRefresh"))->isEnabled());
}

void TestCascadeView::showsRootAndLeaf()
{
    QSignalSpy loaded(m_window.get(), &MainWindow::cascadeLoaded);
    QVERIFY(m_window->openConfig(m_leafIni));
    CascadeView *view = m_window->cascadeView();
    auto *stack = m_window->findChild<QStackedWidget *>(QStringLiteral("centralStack"));
    QCOMPARE(stack->currentWidget(), m_window->tabs());
    QCOMPARE(m_window->tabs()->currentWidget(), view);
    CascadeModel *model = view->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 15000);

    // digoal_01 (root) with dst1 (leaf) below it, as `ferry status` draws them.
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex root = model->index(0, 0);
    QCOMPARE(root.data().toString(), kRootNode);
    QCOMPARE(model->rowCount(root), 1);
    const QModelIndex leaf = model->index(0, 0, root);
    QCOMPARE(leaf.data().toString(), kLeafNode);
    QCOMPARE(cell(model, kRootNode, CascadeModel::TypeColumn), QStringLiteral("root"));
    QCOMPARE(cell(model, kLeafNode, CascadeModel::TypeColumn), QStringLiteral("leaf"));
    QVERIFY(leaf.data(CascadeModel::IsLocalRole).toBool());
    QVERIFY(!root.data(CascadeModel::IsLocalRole).toBool());
    QVERIFY(view->tree()->isExpanded(root));
    // Tables ok/copying/error: the root captures four, the leaf waits to copy them.
    QCOMPARE(cell(model, kRootNode, CascadeModel::TablesColumn), QStringLiteral("4 / 0 / 0"));
    QCOMPARE(cell(model, kLeafNode, CascadeModel::TablesColumn), QStringLiteral("0 / 4 / 0"));
    QVERIFY(!cell(model, kRootNode, CascadeModel::TickColumn).isEmpty());
    // No worker has run: both warn, nothing is an error.
    for (const QString &node : {kRootNode, kLeafNode}) {
        QCOMPARE(stateOf(model, node), NodeState::Warning);
        QCOMPARE(cell(model, node, CascadeModel::StateColumn), QStringLiteral("Warning"));
        QVERIFY2(cell(model, node, CascadeModel::MessageColumn)
                     .contains(QStringLiteral("worker has never run")),
                 qPrintable(cell(model, node, CascadeModel::MessageColumn)));
    }
    QVERIFY(view->errorText().isEmpty());

    // The config's own node is selected; its tables and log are in the detail pane.
    QCOMPARE(view->tree()->currentIndex().data(CascadeModel::NodeNameRole).toString(), kLeafNode);
    auto *tables = view->findChild<QTreeWidget *>(QStringLiteral("nodeTables"));
    QVERIFY(tables);
    QTRY_COMPARE(tables->topLevelItemCount(), 4);
    QStringList names;
    for (int i = 0; i < tables->topLevelItemCount(); ++i) {
        names << tables->topLevelItem(i)->data(0, Qt::UserRole).toString();
        QCOMPARE(tables->topLevelItem(i)->data(1, Qt::UserRole).toString(),
                 QStringLiteral("in-copy"));
    }
    QCOMPARE(names, (QStringList{QStringLiteral("digoal_01.user_info"),
                                 QStringLiteral("digoal_01.user_login_rec"),
                                 QStringLiteral("digoal_01.user_logout_rec"),
                                 QStringLiteral("digoal_01.user_session")}));
    auto *log = view->findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"));
    QVERIFY(log);
    QVERIFY2(log->placeholderText().contains(QStringLiteral("No log yet")),
             qPrintable(log->placeholderText()));

    // Selecting the root reads its tables (captured, so all ok); it has no log here.
    view->tree()->setCurrentIndex(root);
    QTRY_COMPARE(view->detail()->nodeName(), kRootNode);
    QTRY_COMPARE(tables->topLevelItemCount(), 4);
    QTRY_COMPARE(tables->topLevelItem(0)->data(1, Qt::UserRole).toString(), QStringLiteral("ok"));
    QVERIFY(log->toPlainText().isEmpty());
    QVERIFY(log->placeholderText().contains(kLeafNode));

    // Remembered, and no password anywhere on screen.
    QCOMPARE(m_window->recentConfigs(), QStringList{m_leafIni});
    auto *recent = m_window->findChild<QMenu *>(QStringLiteral("menuRecent"));
    QVERIFY(recent->isEnabled());
    QCOMPARE(recent->actions().first()->data().toString(), m_leafIni);
    const QString connection
        = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"))->text();
    QVERIFY2(connection.contains(QStringLiteral("postgres@127.0.0.1:%1/dst1").arg(m_leaf->port())),
             qPrintable(connection));
    for (const QString &text : visibleTexts())
        QVERIFY2(!text.contains(kPassword), qPrintable(text));
    QCOMPARE(m_window->windowTitle(), QStringLiteral("leaf.ini — Ferry"));

    // Closing goes back to the empty state and stops the refreshes.
    m_window->findChild<QAction *>(QStringLiteral("actionCloseConfig"))->trigger();
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("emptyState"));
    QVERIFY(!view->monitor()->isOpen());
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Ferry"));
}

void TestCascadeView::workersReplicate()
{
    startWorker(m_rootIni, QStringLiteral("root_job"));
    startWorker(m_leafIni, QStringLiteral("leaf_job"));
    QVERIFY(m_window->openConfig(m_leafIni));
    CascadeView *view = m_window->cascadeView();
    const CascadeModel *model = view->model();

    // The leaf's worker copies the four tables; then both nodes are fine.
    QTRY_VERIFY2_WITH_TIMEOUT(
        stateOf(model, kLeafNode) == NodeState::Ok
            && cell(model, kLeafNode, CascadeModel::TablesColumn) == QStringLiteral("4 / 0 / 0"),
        qPrintable(cell(model, kLeafNode, CascadeModel::TablesColumn) + QStringLiteral(" ")
                   + cell(model, kLeafNode, CascadeModel::MessageColumn) + QStringLiteral("\n")
                   + ferry::test::readText(logFile(QStringLiteral("leaf_job")))),
        30000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(model, kRootNode), NodeState::Ok, 10000);
    QVERIFY(cell(model, kLeafNode, CascadeModel::MessageColumn).isEmpty());
    QVERIFY(cell(model, kLeafNode, CascadeModel::LagColumn).endsWith(QLatin1Char('s')));

    auto *tables = view->findChild<QTreeWidget *>(QStringLiteral("nodeTables"));
    auto *log = view->findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"));
    auto tableState = [tables](const QString &name) -> std::pair<QString, qint64> {
        for (int i = 0; i < tables->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *item = tables->topLevelItem(i);
            if (item->data(0, Qt::UserRole).toString() == name)
                return {item->data(1, Qt::UserRole).toString(),
                        item->data(2, Qt::UserRole).toLongLong()};
        }
        return {};
    };
    QTRY_COMPARE_WITH_TIMEOUT(tableState(QStringLiteral("digoal_01.user_info")),
                              std::make_pair(QStringLiteral("ok"), qint64(kSeedRows)), 10000);
    // Tables become ok one by one (their copies run beside the batches).
    QTRY_COMPARE_WITH_TIMEOUT(tableState(QStringLiteral("digoal_01.user_login_rec")),
                              std::make_pair(QStringLiteral("ok"), qint64(0)), 10000);
    // The worker's log tail, refreshed with the status.
    QTRY_VERIFY_WITH_TIMEOUT(
        log->toPlainText().contains(QStringLiteral("worker of leaf node 'dst1'")), 10000);
    QVERIFY(log->toPlainText().contains(QStringLiteral("INFO")));
    QVERIFY(!log->toPlainText().contains(kPassword));
    auto *summary = view->findChild<QLabel *>(QStringLiteral("nodeDetailSummary"));
    QTRY_VERIFY(summary->text().contains(QStringLiteral("Worker: pid %1").arg(m_daemons.last())));

    saveScreenshot(QStringLiteral("cascade.png"));
    {
        const AppTranslator zh(QLocale(QStringLiteral("zh_CN")));
        QTRY_COMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("节点"));
        QSignalSpy read(view->monitor(), &CascadeMonitor::detailRead);
        QTRY_VERIFY_WITH_TIMEOUT(read.count() >= 1, 5000);
        QCOMPARE(cell(model, kLeafNode, CascadeModel::StateColumn), QStringLiteral("正常"));
        saveScreenshot(QStringLiteral("cascade-zh_CN.png"));
    }

    // A batch that fails on one table: that table shows Error with why, never
    // ok, and the counts say so; once the cause is gone it is ok again (R1).
    {
        auto root = ferry::test::openUserSession(m_root->connectionString(kRootNode));
        auto leaf = ferry::test::openUserSession(m_leaf->connectionString(kLeafNode));
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(leaf);
        QVERIFY_RESULT(leaf->exec(QStringLiteral("ALTER TABLE digoal_01.user_login_rec ADD "
                                                 "CONSTRAINT no_early CHECK (userid > 0)")));
        QVERIFY_RESULT(root->exec(
            QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid, login_time, ip) "
                           "VALUES (-1, now(), '127.0.0.1')")));
        auto *loginRec = [tables]() -> QTreeWidgetItem * {
            for (int i = 0; i < tables->topLevelItemCount(); ++i) {
                if (tables->topLevelItem(i)->data(0, Qt::UserRole).toString()
                    == QLatin1String("digoal_01.user_login_rec"))
                    return tables->topLevelItem(i);
            }
            return nullptr;
        }();
        QVERIFY(loginRec);
        QTRY_VERIFY_WITH_TIMEOUT(cell(model, kLeafNode, CascadeModel::TablesColumn)
                                     == QStringLiteral("3 / 0 / 1"),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < tables->topLevelItemCount(); ++i) {
                    const QTreeWidgetItem *item = tables->topLevelItem(i);
                    if (item->data(0, Qt::UserRole).toString()
                        == QLatin1String("digoal_01.user_login_rec"))
                        return item->text(1) == QStringLiteral("Error")
                               && item->text(4).contains(QLatin1String("no_early"));
                }
                return false;
            }(),
            10000);
        QCOMPARE(tableState(QStringLiteral("digoal_01.user_info")).first, QStringLiteral("ok"));
        saveScreenshot(QStringLiteral("table-error.png"));
        QVERIFY_RESULT(leaf->exec(
            QStringLiteral("ALTER TABLE digoal_01.user_login_rec DROP CONSTRAINT no_early")));
        QTRY_VERIFY_WITH_TIMEOUT(cell(model, kLeafNode, CascadeModel::TablesColumn)
                                     == QStringLiteral("4 / 0 / 0"),
                                 45000);
    }

    // Stopped workers: the nodes warn that their workers are not running.
    for (const QString &config : {m_leafIni, m_rootIni}) {
        const auto run = runFerry({QStringLiteral("-s"), config, QStringLiteral("worker")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    }
    QTRY_VERIFY_WITH_TIMEOUT(cell(model, kLeafNode, CascadeModel::MessageColumn)
                                 .startsWith(QStringLiteral("worker not running (last seen ")),
                             10000);
    QCOMPARE(stateOf(model, kLeafNode), NodeState::Warning);
    QTRY_VERIFY(summary->text().contains(QStringLiteral("Worker: stopped")));
    QTRY_VERIFY(log->toPlainText().contains(QStringLiteral("worker of node 'dst1' stopped")));
}

void TestCascadeView::statusReadsNeverBlockTheUi()
{
    // The config's database accepts the connection and never answers: every status
    // read hangs for connect_timeout on its worker thread.
    SilentServer silent;
    const QString config = writeConfig(
        QStringLiteral("silent.ini"),
        QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=postgres connect_timeout=3")
            .arg(silent.port()),
        QStringLiteral("silent_job"));
    CascadeView *view = m_window->cascadeView();
    QSignalSpy started(view->monitor(), &CascadeMonitor::refreshStarted);
    QSignalSpy read(view->monitor(), &CascadeMonitor::statusRead);

    QElapsedTimer clock;
    qint64 last = 0;
    qint64 maxGap = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        maxGap = qMax(maxGap, now - last);
        last = now;
    });
    clock.start();
    heartbeat.start(10);

    QVERIFY(m_window->openConfig(config));
    QCOMPARE(started.count(), 1);
    // Refresh now, the F5 action and the 1 s timer while the read hangs start nothing.
    QTimer poke;
    connect(&poke, &QTimer::timeout, this,
            [this] { m_window->findChild<QAction *>(QStringLiteral("actionRefresh"))->trigger(); });
    poke.start(300);
    QEventLoop loop;
    QTimer::singleShot(2500, &loop, &QEventLoop::quit);
    loop.exec();
    poke.stop();
    heartbeat.stop();

    QVERIFY(view->monitor()->isRefreshing());
    QCOMPARE(started.count(), 1);
    QCOMPARE(read.count(), 0);
    qInfo("longest UI heartbeat gap while the status read hung: %lld ms", maxGap);
    QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("UI thread stalled %1 ms").arg(maxGap)));

    // The read times out: the reason shows in the window, and the next one may start.
    QTRY_COMPARE_WITH_TIMEOUT(read.count(), 1, 10000);
    QVERIFY2(view->errorText().contains(QStringLiteral("timeout expired")),
             qPrintable(view->errorText()));
    QVERIFY(view->errorText().contains(QStringLiteral("Cannot read the status")));
    QCOMPARE(view->model()->rowCount(), 0);
    silent.close(); // the next read fails at once
    QTRY_VERIFY_WITH_TIMEOUT(read.count() >= 2, 5000);
}

void TestCascadeView::commandLineOpensConfig()
{
    // `ferry-gui CONFIG.ini --screenshot FILE` opens the config and waits for its
    // first status before it grabs the window.
    const QString file = m_dir.filePath(QStringLiteral("cli.png"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir.path()); // no settings from elsewhere
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    QProcess gui;
    gui.setProcessEnvironment(env);
    QElapsedTimer elapsed;
    elapsed.start();
    gui.start(QStringLiteral(FERRY_GUI_BINARY), {m_leafIni, QStringLiteral("--screenshot"), file});
    QVERIFY2(gui.waitForFinished(30000), qPrintable(gui.errorString()));
    QCOMPARE(gui.exitCode(), 0);
    QVERIFY2(elapsed.elapsed() < 20000, "waited for the timeout, not for the status");
    const QImage image(file);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size() / image.devicePixelRatio(), MainWindow::defaultSize());
    // It is remembered among the recent configs of that (test) home's store.
    LocalStore store(m_dir.filePath(QStringLiteral("data/Ferry/ferry-gui/ferry.sqlite")));
    QVERIFY_RESULT(store.open());
    QCOMPARE(store.setting(QStringLiteral("recentConfigs")).toStringList(), QStringList{m_leafIni});
}

void TestCascadeView::refusedLoginIsTriedOnce()
{
    // The root's database lets `pwuser` in with its password only; the config
    // has a wrong one. The window, a tray's monitor, the Errors page's reader
    // and the worker control's pause all want to read it.
    const QString role = QStringLiteral("pwuser");
    const QString right = QStringLiteral("Right-Pw1");
    const QString wrong = QStringLiteral("Wrong-Pw2");
    QVERIFY_RESULT(ferry::test::createPasswordRole(*m_root, role, right));
    const QString ini = writeConfig(QStringLiteral("auth.ini"),
                                    m_root->connectionString(kRootNode)
                                        + QStringLiteral(" user=%1 password=%2").arg(role, wrong),
                                    QStringLiteral("auth_job"));
    auto config = JobConfig::load(ini);
    QVERIFY_RESULT(config);
    ConnectGate::instance().reset();
    const int before = ferry::test::refusedLogins(*m_root, role);

    CascadeView *view = m_window->cascadeView();
    QSignalSpy windowReads(view->monitor(), &CascadeMonitor::statusRead);
    QVERIFY(m_window->openConfig(ini));
    CascadeMonitor tray; // as TrayController watches a config
    tray.setIntervalSeconds(1);
    QSignalSpy trayReads(&tray, &CascadeMonitor::statusRead);
    tray.open(*config);

    QTRY_VERIFY_WITH_TIMEOUT(view->errorText().startsWith(QStringLiteral("The login was refused")),
                             10000);
    QVERIFY2(view->errorText().contains(QStringLiteral("password authentication failed")),
             qPrintable(view->errorText()));
    QVERIFY2(view->errorText().contains(QStringLiteral("press Refresh")),
             qPrintable(view->errorText()));
    QVERIFY(!view->errorText().contains(wrong));
    auto *retry = view->findChild<QToolButton *>(QStringLiteral("cascadeRetry"));
    QVERIFY(retry);
    QVERIFY(retry->isVisible());
    QVERIFY2(view->updatedText().startsWith(QStringLiteral("Not read yet — failing since ")),
             qPrintable(view->updatedText()));
    QVERIFY2(view->updatedText().endsWith(QStringLiteral(": authentication failed")),
             qPrintable(view->updatedText()));

    // The Errors page's reader and the Worker menu's Pause get the same answer
    // without a login of their own.
    ErrorLogRequest errors;
    errors.config = *config;
    errors.localNode = kRootNode;
    errors.members = {{kRootNode, QString()}};
    const ErrorLogReply errorReply
        = QtConcurrent::run([errors] { return readErrorLog(errors); }).result();
    QCOMPARE(errorReply.problems.size(), 1);
    QVERIFY2(errorReply.problems.first().contains(QStringLiteral("password authentication failed")),
             qPrintable(errorReply.problems.first()));
    WorkerControl control;
    control.setConfig(*config);
    QSignalSpy pauseFailed(&control, &WorkerControl::actionFailed);
    control.setPaused(true);
    QTRY_COMPARE(pauseFailed.count(), 1);
    // actionFailed(action, reason, advice): the reason is libpq's, the advice the cause's.
    const QString pauseReason = pauseFailed.first().at(1).toString();
    QVERIFY2(pauseReason.contains(QStringLiteral("password authentication failed")),
             qPrintable(pauseReason));
    QVERIFY2(pauseFailed.first().at(2).toString().contains(QStringLiteral("password")),
             qPrintable(pauseFailed.first().at(2).toString()));

    // Both monitors keep reading every second; the server saw one login.
    QTest::qWait(3000);
    QVERIFY2(windowReads.count() >= 3 && trayReads.count() >= 3,
             qPrintable(QStringLiteral("%1 %2").arg(windowReads.count()).arg(trayReads.count())));
    QCOMPARE(ferry::test::refusedLogins(*m_root, role), before + 1);
    saveScreenshot(QStringLiteral("cascade-login-refused.png"));

    // Refresh (the banner's button) is one more login, whoever reads first.
    QTest::mouseClick(retry, Qt::LeftButton);
    QTest::qWait(2500);
    QCOMPARE(ferry::test::refusedLogins(*m_root, role), before + 2);
    QVERIFY(view->errorText().startsWith(QStringLiteral("The login was refused")));

    // The password is right now: nothing logs in before the user says so ...
    QVERIFY_RESULT(ferry::test::setRolePassword(*m_root, role, wrong));
    QTest::qWait(1500);
    QVERIFY(view->errorText().startsWith(QStringLiteral("The login was refused")));
    QVERIFY(view->model()->rowCount() == 0);
    // ... and Refresh (F5) reads the cascade.
    m_window->findChild<QAction *>(QStringLiteral("actionRefresh"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->indexOfNode(kRootNode).isValid(), 10000);
    QTRY_VERIFY(view->errorText().isEmpty());
    QVERIFY(!retry->isVisible());
    QVERIFY2(view->updatedText().startsWith(QStringLiteral("Updated ")),
             qPrintable(view->updatedText()));
    QCOMPARE(ferry::test::refusedLogins(*m_root, role), before + 2);

    // The password changes under the open window: the cascade is read through
    // the root (whose stored location logs in as another role), this node's
    // database is not tried again.
    QVERIFY_RESULT(ferry::test::setRolePassword(*m_root, role, right));
    QTRY_VERIFY_WITH_TIMEOUT(
        view->errorText().startsWith(QStringLiteral("This node's database refused the login")),
        10000);
    QVERIFY(retry->isVisible());
    QVERIFY2(view->updatedText().contains(QStringLiteral("through the root — this node's "
                                                         "database failing since")),
             qPrintable(view->updatedText()));
    QTest::qWait(1500);
    QCOMPARE(ferry::test::refusedLogins(*m_root, role), before + 3);
    tray.close();

    // A member whose login is refused (its stored location, the password from
    // .pgpass): its row says what to do, the banner too, and it is tried once.
    QVERIFY_RESULT(ferry::test::createPasswordRole(*m_leaf, role, right));
    const QString pgpass = m_dir.filePath(QStringLiteral("pgpass"));
    QVERIFY(ferry::test::writeText(
        pgpass,
        QStringLiteral("127.0.0.1:%1:%2:%3:%4\n").arg(m_leaf->port()).arg(kLeafNode, role, wrong)));
    QVERIFY(QFile::setPermissions(pgpass, QFile::ReadOwner | QFile::WriteOwner));
    qputenv("PGPASSFILE", pgpass.toUtf8());
    const auto setLeafUser = [this](const QString &user) {
        auto root = Connection::open(m_root->connectionString(kRootNode));
        return root ? root->exec(QStringLiteral("UPDATE ferry.node_location SET location = "
                                                "regexp_replace(location, 'user=\\S+', 'user=' || "
                                                "$2) WHERE node_name = $1"),
                                 {kLeafNode, user})
                    : Result<QueryResult>(root.error());
    };
    QVERIFY_RESULT(setLeafUser(role));
    const int leafBefore = ferry::test::refusedLogins(*m_leaf, role);
    QVERIFY(m_window->openConfig(m_rootIni));
    const CascadeModel *model = view->model();
    QTRY_VERIFY2_WITH_TIMEOUT(cell(model, kLeafNode, CascadeModel::MessageColumn)
                                  .startsWith(QStringLiteral("authentication failed — fix the "
                                                             "password")),
                              qPrintable(cell(model, kLeafNode, CascadeModel::MessageColumn)),
                              10000);
    QCOMPARE(stateOf(model, kLeafNode), NodeState::Unreachable);
    QVERIFY2(cell(model, kLeafNode, CascadeModel::MessageColumn)
                 .contains(QStringLiteral("password authentication failed for user")),
             qPrintable(cell(model, kLeafNode, CascadeModel::MessageColumn)));
    QVERIFY2(view->errorText().startsWith(QStringLiteral("The login to dst1 was refused")),
             qPrintable(view->errorText()));
    QVERIFY(retry->isVisible());
    QVERIFY(view->updatedText().startsWith(QStringLiteral("Updated ")));
    QTest::qWait(2500);
    QCOMPARE(ferry::test::refusedLogins(*m_leaf, role), leafBefore + 1);
    saveScreenshot(QStringLiteral("cascade-login-refused-node.png"));
    QVERIFY_RESULT(setLeafUser(QStringLiteral("postgres")));
    qunsetenv("PGPASSFILE");
    ConnectGate::instance().reset();
}

void TestCascadeView::updatedKeepsTheLastGoodRead()
{
    QVERIFY(m_window->openConfig(m_rootIni));
    CascadeView *view = m_window->cascadeView();
    QTRY_VERIFY_WITH_TIMEOUT(view->updatedText().startsWith(QStringLiteral("Updated ")), 10000);
    const QString lastGood = view->updatedText().mid(QStringLiteral("Updated ").size());
    QCOMPARE(lastGood.size(), 8); // HH:mm:ss
    QSignalSpy reads(view->monitor(), &CascadeMonitor::statusRead);

    QVERIFY_RESULT(m_root->stop());
    // The root comes back whatever happens below: later tests use it.
    const auto restart = qScopeGuard([this] {
        if (!m_root->isRunning())
            (void)m_root->start();
    });
    const QString failing = QStringLiteral("Last read %1 — failing since ").arg(lastGood);
    // A read in flight as the server stopped may fail otherwise first ("server
    // closed the connection"); the ones after are refused.
    QTRY_VERIFY2_WITH_TIMEOUT(
        view->updatedText().startsWith(failing)
            && view->updatedText().contains(QStringLiteral("Connection refused")),
        qPrintable(view->updatedText()), 10000);
    // Both times, without the reason: "Last read T1 — failing since T2".
    const auto times = [view] {
        const QString text = view->updatedText();
        return text.left(text.indexOf(QStringLiteral(": ")));
    };
    const QString first = times();
    QVERIFY2(first.size() == failing.size() + 8, qPrintable(first));
    QVERIFY(view->errorText().startsWith(QStringLiteral("Cannot read the status")));
    // Later failed reads keep both times.
    const int seen = int(reads.count());
    QTRY_VERIFY_WITH_TIMEOUT(reads.count() >= seen + 2, 5000);
    QCOMPARE(times(), first);
    saveScreenshot(QStringLiteral("cascade-failing.png"));

    QVERIFY_RESULT(m_root->start());
    m_window->findChild<QAction *>(QStringLiteral("actionRefresh"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(view->updatedText().startsWith(QStringLiteral("Updated ")), 10000);
    QTRY_VERIFY(view->errorText().isEmpty());
}

void TestCascadeView::unreachableLeaf()
{
    QVERIFY(m_window->openConfig(m_leafIni));
    CascadeView *view = m_window->cascadeView();
    const CascadeModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->indexOfNode(kLeafNode).isValid(), 15000);
    QVERIFY(stateOf(model, kLeafNode) != NodeState::Unreachable);

    // A worker stuck on a batch stores its error in the node: ERR: in `status`.
    {
        auto leaf = Connection::open(m_leaf->connectionString(kLeafNode));
        QVERIFY_RESULT(leaf);
        QVERIFY_RESULT(leaf->exec(
            QStringLiteral("UPDATE ferry.node_info SET last_error = 'duplicate key value "
                           "violates unique constraint \"user_info_pkey\"'")));
    }
    QTRY_VERIFY2_WITH_TIMEOUT(cell(model, kLeafNode, CascadeModel::MessageColumn)
                                  .startsWith(QStringLiteral("duplicate key value violates")),
                              qPrintable(cell(model, kLeafNode, CascadeModel::MessageColumn)),
                              5000);
    QCOMPARE(stateOf(model, kLeafNode), NodeState::Error);
    QCOMPARE(cell(model, kLeafNode, CascadeModel::StateColumn), QStringLiteral("Error"));

    QVERIFY_RESULT(m_leaf->stop(QStringLiteral("immediate")));
    // The leaf's own database is gone: the window reads the cascade from the root,
    // which cannot reach the leaf either.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(model, kLeafNode), NodeState::Unreachable, 15000);
    QCOMPARE(cell(model, kLeafNode, CascadeModel::StateColumn), QStringLiteral("Unreachable"));
    QCOMPARE(cell(model, kLeafNode, CascadeModel::TablesColumn), QStringLiteral("—"));
    QCOMPARE(cell(model, kLeafNode, CascadeModel::LagColumn), QStringLiteral("—"));
    QVERIFY(!cell(model, kLeafNode, CascadeModel::MessageColumn).isEmpty());
    QVERIFY(model->indexOfNode(kLeafNode).data(CascadeModel::IsLocalRole).toBool());
    QCOMPARE(cell(model, kRootNode, CascadeModel::TablesColumn), QStringLiteral("4 / 0 / 0"));
    QVERIFY(stateOf(model, kRootNode) != NodeState::Unreachable);
    QVERIFY2(view->errorText().contains(QStringLiteral("does not answer")),
             qPrintable(view->errorText()));
    auto *note = view->findChild<QLabel *>(QStringLiteral("nodeTablesNote"));
    QTRY_VERIFY(note->text().startsWith(QStringLiteral("Cannot read the tables")));
    // The log is a local file: still there.
    QTRY_VERIFY(view->findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"))
                    ->toPlainText()
                    .contains(QStringLiteral("worker of leaf node 'dst1'")));
    for (const QString &text : visibleTexts())
        QVERIFY2(!text.contains(kPassword), qPrintable(text));
}

QTEST_MAIN(TestCascadeView)
#include "tst_cascadeview.moc"
