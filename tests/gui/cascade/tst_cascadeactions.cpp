// The Replication menu, the toolbar and the context menus of the cascade tree and of
// a node's tables, against a real root and leaf (a throwaway cluster each, their
// workers the real `ferry -d CONFIG.ini worker` daemons, FERRY_CLI): the actions
// change the databases through the core calls the CLI makes, ask first where data
// is at stake, and change nothing on Cancel. The window watches the root's config,
// so the leaf is reached at the location the root keeps for it.
//
// With FERRY_SCREENSHOT_DIR set, cascade-actions.png (the window with its toolbar),
// cascade-actions-menu.png (the leaf's context menu) and cascade-actions-confirm.png
// (the Drop Node question) are saved there.
#include "app/mainwindow.h"
#include "cascade/cascadeactions.h"
#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "cascade/nodedetailwidget.h"
#include "db/connectgate.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "passwordrole.h"
#include "pgcluster.h"
#include "replication/tableregistry.h"
#include "rootandleaf.h"
#include "storetestutil.h"
#include "testutil.h"
#include "wizards/addtablessummarypage.h"
#include "wizards/addtableswizard.h"
#include "wizards/nodeleafwizard.h"
#include "wizards/noderootwizard.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QTreeView>
#include <QTreeWidget>

#include <csignal>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootNode = QStringLiteral("digoal_01");
const QString kLeafNode = QStringLiteral("dst1");
const QString kUserInfo = QStringLiteral("digoal_01.user_info");
const QString kUserSession = QStringLiteral("digoal_01.user_session");
const QString kUserExtra = QStringLiteral("digoal_01.user_extra");
const QString kUserExtraOnLeaf = QStringLiteral("digoal_02.user_extra1");
constexpr int kSeedRows = 1000;
constexpr int kTimeoutMs = 20000;

} // namespace

class TestCascadeActions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void toolbarAndMenuHaveTheActions();
    void wizardSignalsCarryTheNode();
    void contextMenusOfferWhatTheNodeAllows();
    void cancelChangesNothing();
    void pauseResyncResume();
    void removeTableKeepsItsRows();
    void refusedLoginSaysWhy();
    void pauseOfTheOpenNodeIsLogged();
    void dropLeaf();

private:
    QString writeConfig(const QString &name, const QString &db, const QString &job);
    void startWorker(const QString &config, const QString &job);
    QString leafValue(const QString &sql);
    QString rootValue(const QString &sql);
    QString mergeState(const QString &table);
    void selectNode(const QString &name);
    void selectTables(const QStringList &tables);
    QMenu *openNodeMenu(const QString &name);
    QMessageBox *waitForBox(const QString &objectName);
    void waitFinished(QSignalSpy &spy);
    void saveScreenshot(QWidget *widget, const QString &name);
    QAction *action(const char *objectName) const
    {
        return m_window->findChild<QAction *>(QLatin1String(objectName));
    }
    CascadeActions *actions() const { return m_window->cascadeActions(); }

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    QString m_rootDb;
    QString m_leafDb;
    QString m_rootIni;
    QString m_leafIni;
    std::unique_ptr<MainWindow> m_window;
    QList<qint64> m_daemons; // killed in cleanupTestCase()
};

QString TestCascadeActions::writeConfig(const QString &name, const QString &db, const QString &job)
{
    const QString path = m_dir.filePath(name);
    const QString text = QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                        "logfile = %4\npidfile = %5\n"
                                        "loop_delay = 0.2\nticker_period = 0.2\n")
                             .arg(job, db, kQueue, m_dir.filePath(job + QStringLiteral(".log")),
                                  m_dir.filePath(job + QStringLiteral(".pid")));
    if (!ferry::test::writeText(path, text))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestCascadeActions::startWorker(const QString &config, const QString &job)
{
    const auto run = ferry::test::runFerry(
        QStringLiteral(FERRY_CLI), {QStringLiteral("-d"), config, QStringLiteral("worker")}, 30000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const qint64 pid = ferry::test::readText(m_dir.filePath(job + QStringLiteral(".pid")))
                           .trimmed()
                           .toLongLong();
    QVERIFY(pid > 0);
    m_daemons.append(pid);
}

QString TestCascadeActions::leafValue(const QString &sql)
{
    auto db = Connection::open(m_leafDb);
    if (!db)
        return QStringLiteral("error: ") + db.error().toString();
    auto r = db->exec(sql);
    if (!r)
        return QStringLiteral("error: ") + r.error().toString();
    return r->rowCount() ? r->text(0, 0) : QString();
}

QString TestCascadeActions::rootValue(const QString &sql)
{
    auto db = Connection::open(m_rootDb);
    if (!db)
        return QStringLiteral("error: ") + db.error().toString();
    auto r = db->exec(sql);
    if (!r)
        return QStringLiteral("error: ") + r.error().toString();
    return r->rowCount() ? r->text(0, 0) : QString();
}

// The leaf's merge state of a source table; empty when the leaf has no such table.
QString TestCascadeActions::mergeState(const QString &table)
{
    const QStringList parts = table.split(QLatin1Char('.'));
    return leafValue(QStringLiteral("SELECT merge_state FROM ferry.node_table WHERE "
                                    "source_schema = '%1' AND source_name = '%2'")
                         .arg(parts.value(0), parts.value(1)));
}

void TestCascadeActions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_cascadeactions"));
    QVERIFY(m_dir.isValid());

    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
    QVERIFY_RESULT(m_root->createDatabase(kRootNode));
    QVERIFY_RESULT(m_leaf->createDatabase(kLeafNode));
    m_rootDb = m_root->connectionString(kRootNode);
    m_leafDb = m_leaf->connectionString(kLeafNode);
    {
        auto root = Connection::open(m_rootDb);
        auto leaf = Connection::open(m_leafDb);
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(leaf);
        QVERIFY_RESULT(ferry::test::createSeedSchema(*root, false));
        QVERIFY_RESULT(ferry::test::createSeedSchema(*leaf, false));
        QVERIFY_RESULT(root->exec(
            QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname, cnname) "
                           "SELECT i, 'digoal.zhou', 'dege' FROM generate_series(1, %1) i; "
                           "INSERT INTO digoal_01.user_session (userid) "
                           "SELECT generate_series(1, %1)")
                .arg(kSeedRows)));
        auto nodes = ferry::test::createRootAndLeaf(
            m_rootDb, m_leafDb,
            {kQueue, kRootNode, QStringLiteral("root_job"), kLeafNode, QStringLiteral("leaf_job")});
        QVERIFY_RESULT(nodes);
        QVERIFY_RESULT(TableRegistry(*root, nodes->root).add({}, true, nullptr));
        auto added = TableRegistry(*leaf, nodes->leaf).add({}, true, &*root);
        QVERIFY_RESULT(added);
        QCOMPARE(added->added.size(), 4);
        // One more, kept under another schema and name on the leaf (made there).
        QVERIFY_RESULT(root->exec(
            QStringLiteral("CREATE TABLE digoal_01.user_extra (userid int PRIMARY KEY, note text); "
                           "INSERT INTO digoal_01.user_extra SELECT generate_series(1, 10), 'x'")));
        QVERIFY_RESULT(TableRegistry(*root, nodes->root).add({kUserExtra}, false, nullptr));
        AddTableOptions renamed;
        renamed.destTable = kUserExtraOnLeaf;
        renamed.create = true;
        QVERIFY_RESULT(TableRegistry(*leaf, nodes->leaf).add({kUserExtra}, false, &*root, renamed));
    }
    m_rootIni = writeConfig(QStringLiteral("root.ini"), m_rootDb, QStringLiteral("root_job"));
    m_leafIni = writeConfig(QStringLiteral("leaf.ini"), m_leafDb, QStringLiteral("leaf_job"));
    startWorker(m_rootIni, QStringLiteral("root_job"));
    startWorker(m_leafIni, QStringLiteral("leaf_job"));
    QTRY_COMPARE_WITH_TIMEOUT(
        leafValue(QStringLiteral("SELECT count(*) FROM ferry.node_table WHERE merge_state = 'ok'")),
        QStringLiteral("5"), kTimeoutMs);
}

void TestCascadeActions::cleanupTestCase()
{
    m_window.reset();
    for (qint64 pid : std::as_const(m_daemons)) {
        if (ferry::test::processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_root.reset();
    m_leaf.reset();
}

void TestCascadeActions::init()
{
    QVERIFY(ferry::test::resetDefaultStore({{QStringLiteral("View/refreshInterval"), 1}}));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(MainWindow::defaultSize());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy loaded(m_window.get(), &MainWindow::cascadeLoaded);
    QVERIFY(m_window->openConfig(m_rootIni));
    QVERIFY(loaded.wait(kTimeoutMs));
}

void TestCascadeActions::cleanup()
{
    // A box a failed test left open goes with the window.
    m_window.reset();
    QSettings().clear();
}

void TestCascadeActions::selectNode(const QString &name)
{
    CascadeView *view = m_window->cascadeView();
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->indexOfNode(name).isValid(), kTimeoutMs);
    view->tree()->setCurrentIndex(view->model()->indexOfNode(name));
    QCOMPARE(actions()->currentNode(), name);
    // Its tables were read.
    QTRY_VERIFY_WITH_TIMEOUT(view->detail()->nodeName() == name
                                 && view->detail()->tableList()->topLevelItemCount() > 0,
                             kTimeoutMs);
}

void TestCascadeActions::selectTables(const QStringList &tables)
{
    QTreeWidget *list = m_window->cascadeView()->detail()->tableList();
    list->clearSelection();
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = list->topLevelItem(i);
        if (tables.contains(item->data(0, Qt::UserRole).toString()))
            item->setSelected(true);
    }
    QCOMPARE(m_window->cascadeView()->detail()->selectedTables(), tables);
}

QMenu *TestCascadeActions::openNodeMenu(const QString &name)
{
    QTreeView *tree = m_window->cascadeView()->tree();
    const QModelIndex index = m_window->cascadeView()->model()->indexOfNode(name);
    const QPoint pos = tree->visualRect(index).center();
    emit tree->customContextMenuRequested(pos);
    auto *menu = tree->findChild<QMenu *>(QStringLiteral("cascadeNodeMenu"));
    if (menu && !QTest::qWaitForWindowExposed(menu))
        return nullptr;
    return menu;
}

QMessageBox *TestCascadeActions::waitForBox(const QString &objectName)
{
    QMessageBox *box = nullptr;
    QElapsedTimer waited;
    waited.start();
    while (!(box = m_window->findChild<QMessageBox *>(objectName)) || !box->isVisible()) {
        if (waited.elapsed() > 5000)
            return nullptr;
        QTest::qWait(20);
    }
    return box;
}

void TestCascadeActions::waitFinished(QSignalSpy &spy)
{
    QVERIFY(spy.wait(kTimeoutMs));
    QCOMPARE(spy.last().at(1).toString(), QString()); // no error
}

void TestCascadeActions::saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    const QImage image = widget->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(QDir(dir).filePath(name)));
}

void TestCascadeActions::toolbarAndMenuHaveTheActions()
{
    auto *toolBar = m_window->findChild<QToolBar *>(QStringLiteral("mainToolBar"));
    QVERIFY(toolBar);
    QVERIFY(toolBar->isVisible());
    QStringList names;
    for (QAction *a : toolBar->actions()) {
        if (a->isSeparator())
            continue;
        names << a->objectName();
        // The SVG was found and renders, at 1x and 2x.
        QVERIFY2(!a->icon().pixmap(QSize(24, 24)).isNull(), qPrintable(a->objectName()));
        QVERIFY2(!a->icon().pixmap(QSize(48, 48)).isNull(), qPrintable(a->objectName()));
        QVERIFY2(!a->toolTip().isEmpty(), qPrintable(a->objectName()));
    }
    QCOMPARE(names,
             (QStringList{QStringLiteral("actionOpenConfig"), QStringLiteral("actionRefresh"),
                          QStringLiteral("actionNewRoot"), QStringLiteral("actionAddLeaf"),
                          QStringLiteral("actionAddTables"), QStringLiteral("actionPauseNode"),
                          QStringLiteral("actionResumeNode")}));

    auto *menu = m_window->findChild<QMenu *>(QStringLiteral("menuReplication"));
    QVERIFY(menu);
    QCOMPARE(menu->title(), QStringLiteral("Repl&ication"));
    QStringList mnemonics;
    for (QAction *a : menu->actions()) {
        if (a->isSeparator())
            continue;
        QVERIFY2(!a->icon().isNull(), qPrintable(a->objectName()));
        QVERIFY2(!a->statusTip().isEmpty(), qPrintable(a->objectName()));
        const int amp = a->text().indexOf(QLatin1Char('&'));
        QVERIFY2(amp >= 0, qPrintable(a->text()));
        mnemonics << a->text().mid(amp + 1, 1).toLower();
    }
    QCOMPARE(mnemonics.size(), 8);
    // One key each within the menu.
    QCOMPARE(QSet<QString>(mnemonics.cbegin(), mnemonics.cend()).size(), mnemonics.size());

    selectNode(kLeafNode);
    selectTables({kUserExtra, kUserInfo});
    saveScreenshot(m_window.get(), QStringLiteral("cascade-actions.png"));
}

void TestCascadeActions::wizardSignalsCarryTheNode()
{
    QSignalSpy newRoot(m_window.get(), &MainWindow::newRootRequested);
    QSignalSpy addLeaf(m_window.get(), &MainWindow::addLeafRequested);
    QSignalSpy addTables(m_window.get(), &MainWindow::addTablesRequested);

    action("actionNewRoot")->trigger();
    QCOMPARE(newRoot.count(), 1);
    // Each opens its wizard over the window, which goes on refreshing.
    auto *rootWizard = m_window->findChild<NewRootWizard *>();
    QVERIFY(rootWizard);
    QTRY_VERIFY(rootWizard->isVisible());
    QSignalSpy refreshed(m_window->cascadeView()->monitor(), &CascadeMonitor::statusRead);
    QVERIFY(refreshed.wait(kTimeoutMs)); // the cascade still refreshes behind it
    // It opens again at the size the user left it.
    rootWizard->resize(rootWizard->width() + 40, rootWizard->height() + 30);
    const QSize left = rootWizard->size();
    rootWizard->reject();
    QTRY_VERIFY(!m_window->findChild<NewRootWizard *>());
    action("actionNewRoot")->trigger();
    rootWizard = m_window->findChild<NewRootWizard *>();
    QVERIFY(rootWizard);
    QTRY_VERIFY(rootWizard->isVisible());
    QCOMPARE(rootWizard->size(), left);
    rootWizard->reject();

    // A leaf's provider is the root: Add Leaf is the root's.
    selectNode(kLeafNode);
    QVERIFY(!action("actionAddLeaf")->isEnabled());
    selectNode(kRootNode);
    action("actionAddLeaf")->trigger();
    QCOMPARE(addLeaf.count(), 1);
    QCOMPARE(addLeaf.last().at(0).toString(), kRootNode);
    auto *leafWizard = m_window->findChild<NewLeafWizard *>();
    QVERIFY(leafWizard);
    QTRY_VERIFY(leafWizard->isVisible());
    leafWizard->reject();

    // The context menu acts on the node it was opened on, not the selected one.
    QMenu *menu = openNodeMenu(kRootNode);
    QVERIFY(menu);
    QCOMPARE(actions()->currentNode(), kRootNode);
    action("actionAddTables")->trigger();
    QCOMPARE(addTables.count(), 1);
    QCOMPARE(addTables.last().at(0).toString(), kRootNode);
    menu->close();
    // Add Tables reads that node's catalog.
    auto *tablesWizard = m_window->findChild<AddTablesWizard *>();
    QVERIFY(tablesWizard);
    QTRY_VERIFY_WITH_TIMEOUT(tablesWizard->isCatalogLoaded(), kTimeoutMs);
    QCOMPARE(tablesWizard->node().name, kRootNode);
    QCOMPARE(tablesWizard->catalogError(), QString());
    QCOMPARE(tablesWizard->windowTitle(), QStringLiteral("Add Tables — %1").arg(kRootNode));
    // The open config's own node: its commands name that config.
    QVERIFY(!tablesWizard->catalog().isEmpty());
    tablesWizard->setChosen({tablesWizard->catalog().first()});
    QVERIFY2(tablesWizard->commands().value(0).startsWith(
                 QStringLiteral("ferry %1 add-table ").arg(m_rootIni)),
             qPrintable(tablesWizard->commands().join(QLatin1Char('\n'))));
    QCOMPARE(tablesWizard->commandConfigNote(), QString());
    tablesWizard->reject();
    QTRY_VERIFY(!m_window->findChild<AddTablesWizard *>()); // deleted on close

    // The table list's menu offers Add Tables for its node.
    selectNode(kLeafNode);
    QTreeWidget *list = m_window->cascadeView()->detail()->tableList();
    emit list->customContextMenuRequested(list->visualItemRect(list->topLevelItem(0)).center());
    auto *tablesMenu = list->findChild<QMenu *>(QStringLiteral("nodeTablesMenu"));
    QVERIFY(tablesMenu);
    QVERIFY(tablesMenu->actions().contains(action("actionAddTables")));
    action("actionAddTables")->trigger();
    QCOMPARE(addTables.last().at(0).toString(), kLeafNode);
    tablesMenu->close();
    auto *leafTables = m_window->findChild<AddTablesWizard *>();
    QVERIFY(leafTables);
    QTRY_VERIFY_WITH_TIMEOUT(leafTables->isCatalogLoaded(), kTimeoutMs);
    QCOMPARE(leafTables->node().name, kLeafNode);
    QCOMPARE(leafTables->catalogError(), QString());
    // Another node than the open config's: the title and the commands name
    // that node (its config, NODE.ini, is not at hand here), and say so.
    QCOMPARE(leafTables->windowTitle(), QStringLiteral("Add Tables — %1").arg(kLeafNode));
    QVERIFY(!leafTables->catalog().isEmpty());
    leafTables->setChosen({leafTables->catalog().first()});
    leafTables->next(); // Mapping
    leafTables->next(); // Summary
    QCOMPARE(leafTables->currentId(), int(AddTablesWizard::SummaryPage));
    const QString commands = leafTables->summaryPage()->commandBox()->toPlainText();
    QVERIFY2(commands.startsWith(QStringLiteral("ferry %1.ini add-table ").arg(kLeafNode)),
             qPrintable(commands));
    QVERIFY2(!commands.contains(m_rootIni), qPrintable(commands));
    QLabel *note = leafTables->summaryPage()->configNote();
    QVERIFY(note->isVisible());
    QCOMPARE(note->text(), QStringLiteral("%1.ini stands for node %1's config: run these commands "
                                          "with it.")
                               .arg(kLeafNode));
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(leafTables->grab().save(dir + QStringLiteral("/wizard-tables-other-node.png")));
    // Once tables are added the window shows that node's table list, where
    // their copies show (the wizard's signal as Finish sends it).
    selectNode(kRootNode);
    m_window->tabs()->setCurrentIndex(1);
    emit leafTables->tablesAdded({QStringLiteral("digoal_01.user_extra")});
    QCOMPARE(m_window->tabs()->currentWidget(), m_window->cascadeView());
    QTRY_COMPARE(actions()->currentNode(), kLeafNode);
    leafTables->reject();
}

void TestCascadeActions::contextMenusOfferWhatTheNodeAllows()
{
    // The leaf: its own actions; Resume only once paused; no table chosen yet.
    selectNode(kLeafNode);
    QMenu *menu = openNodeMenu(kLeafNode);
    QVERIFY(menu);
    QVERIFY(menu->isVisible());
    QStringList offered;
    for (QAction *a : menu->actions()) {
        if (!a->isSeparator() && a->isEnabled())
            offered << a->objectName();
    }
    QCOMPARE(offered,
             (QStringList{QStringLiteral("actionAddTables"), QStringLiteral("actionPauseNode"),
                          QStringLiteral("actionDropNode")}));
    // Add Leaf is shown, disabled, and says why.
    QVERIFY(menu->actions().contains(action("actionAddLeaf")));
    QVERIFY2(action("actionAddLeaf")->toolTip().contains(QStringLiteral("the root")),
             qPrintable(action("actionAddLeaf")->toolTip()));
    saveScreenshot(menu, QStringLiteral("cascade-actions-menu.png"));
    menu->close();

    // The leaf's tables: Resync and Remove once one is chosen.
    QVERIFY(!action("actionResyncTables")->isEnabled());
    selectTables({kUserInfo});
    QVERIFY(action("actionResyncTables")->isEnabled());
    QVERIFY(action("actionRemoveTables")->isEnabled());
    // The choice survives the next reads of the tables.
    QTest::qWait(2500);
    QCOMPARE(m_window->cascadeView()->detail()->selectedTables(), QStringList{kUserInfo});

    // The root with a member: no pause, no drop, no table actions.
    selectNode(kRootNode);
    QVERIFY(action("actionAddLeaf")->isEnabled());
    QVERIFY(action("actionAddTables")->isEnabled());
    QVERIFY(!action("actionPauseNode")->isEnabled());
    QVERIFY(!action("actionResumeNode")->isEnabled());
    QVERIFY(!action("actionDropNode")->isEnabled());
    selectTables({kUserInfo});
    QVERIFY(!action("actionResyncTables")->isEnabled());
    QVERIFY(!action("actionRemoveTables")->isEnabled());

    // Nothing open, after a config or from the start: only New Root.
    m_window->closeConfig();
    MainWindow fresh;
    for (MainWindow *window : {m_window.get(), &fresh}) {
        QVERIFY(window->findChild<QAction *>(QStringLiteral("actionNewRoot"))->isEnabled());
        for (const char *name :
             {"actionAddLeaf", "actionAddTables", "actionPauseNode", "actionResumeNode",
              "actionDropNode", "actionRemoveTables", "actionResyncTables"})
            QVERIFY2(!window->findChild<QAction *>(QLatin1String(name))->isEnabled(), name);
    }
}

void TestCascadeActions::cancelChangesNothing()
{
    selectNode(kLeafNode);
    selectTables({kUserExtra, kUserInfo}); // in the list's order
    QSignalSpy finished(actions(), &CascadeActions::finished);

    // Delete in the table list asks to remove the selected tables.
    QTreeWidget *list = m_window->cascadeView()->detail()->tableList();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    // Not from the tree or another page's widget: Delete belongs to the list.
    m_window->cascadeView()->tree()->setFocus();
    QTest::keyClick(m_window->cascadeView()->tree(), Qt::Key_Delete);
    QTest::qWait(100);
    QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("confirmRemoveTables")));
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Delete);
    QMessageBox *box = waitForBox(QStringLiteral("confirmRemoveTables"));
    QVERIFY(box);
    // It names what happens to the data of each table.
    QVERIFY2(
        box->informativeText().contains(CascadeActions::removeTableEffect(kUserInfo, kLeafNode)),
        qPrintable(box->informativeText()));
    QVERIFY(box->informativeText().contains(QStringLiteral("rows stay in dst1")));
    // A table kept under another name is named as the leaf keeps it.
    QVERIFY2(box->informativeText().contains(
                 QStringLiteral("Stops replicating digoal_02.user_extra1 to dst1; its rows stay "
                                "in dst1 and no longer change.")),
             qPrintable(box->informativeText()));
    QCOMPARE(box->text(), QStringLiteral("Remove 2 tables from node dst1?"));
    QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("cancelButton"));
    box->findChild<QPushButton *>(QStringLiteral("cancelButton"))->click();
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("confirmRemoveTables")));

    action("actionResyncTables")->trigger();
    box = waitForBox(QStringLiteral("confirmResyncTables"));
    QVERIFY(box);
    QVERIFY(box->informativeText().contains(QStringLiteral("copies it again from the provider")));
    QCOMPARE(box->text(), QStringLiteral("Copy 2 tables of node dst1 again?"));
    QTest::keyClick(box, Qt::Key_Escape);
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("confirmResyncTables")));

    action("actionDropNode")->trigger();
    box = waitForBox(QStringLiteral("confirmDropNode"));
    QVERIFY(box);
    QVERIFY(box->informativeText().contains(QStringLiteral("its tables keep their rows")));
    // Enter takes the default: Cancel.
    QTest::keyClick(box, Qt::Key_Return);
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("confirmDropNode")));

    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(mergeState(kUserInfo), QStringLiteral("ok"));
    QCOMPARE(mergeState(kUserExtra), QStringLiteral("ok"));
    QCOMPARE(rootValue(QStringLiteral("SELECT count(*) FROM ferry.node_location WHERE "
                                      "node_name = 'dst1'")),
             QStringLiteral("1"));
}

void TestCascadeActions::pauseResyncResume()
{
    selectNode(kLeafNode);
    QSignalSpy finished(actions(), &CascadeActions::finished);

    // Paused, the leaf's worker starts no copy: the resync stays in-copy to be seen.
    action("actionPauseNode")->trigger();
    waitFinished(finished);
    QCOMPARE(leafValue(QStringLiteral("SELECT paused FROM ferry.node_info")), QStringLiteral("t"));
    QTRY_VERIFY_WITH_TIMEOUT(action("actionResumeNode")->isEnabled(), kTimeoutMs);
    QVERIFY(!action("actionPauseNode")->isEnabled());

    selectTables({kUserInfo});
    action("actionResyncTables")->trigger();
    QMessageBox *box = waitForBox(QStringLiteral("confirmResyncTables"));
    QVERIFY(box);
    QCOMPARE(box->text(), QStringLiteral("Copy digoal_01.user_info of node dst1 again?"));
    QCOMPARE(box->informativeText(),
             QStringLiteral("Empties digoal_01.user_info on dst1 and copies it again from the "
                            "provider."));
    box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
    waitFinished(finished);
    QCOMPARE(mergeState(kUserInfo), QStringLiteral("in-copy"));
    QCOMPARE(mergeState(kUserSession), QStringLiteral("ok"));

    action("actionResumeNode")->trigger();
    waitFinished(finished);
    QCOMPARE(leafValue(QStringLiteral("SELECT paused FROM ferry.node_info")), QStringLiteral("f"));
    // The worker copies it again.
    QTRY_COMPARE_WITH_TIMEOUT(mergeState(kUserInfo), QStringLiteral("ok"), kTimeoutMs);
    QCOMPARE(leafValue(QStringLiteral("SELECT count(*) FROM digoal_01.user_info")),
             QString::number(kSeedRows));
    QTRY_VERIFY_WITH_TIMEOUT(action("actionPauseNode")->isEnabled(), kTimeoutMs);
}

void TestCascadeActions::removeTableKeepsItsRows()
{
    selectNode(kLeafNode);
    QTRY_COMPARE_WITH_TIMEOUT(mergeState(kUserSession), QStringLiteral("ok"), kTimeoutMs);
    QCOMPARE(leafValue(QStringLiteral("SELECT count(*) FROM digoal_01.user_session")),
             QString::number(kSeedRows));
    QSignalSpy finished(actions(), &CascadeActions::finished);
    selectTables({kUserSession});
    action("actionRemoveTables")->trigger();
    QMessageBox *box = waitForBox(QStringLiteral("confirmRemoveTables"));
    QVERIFY(box);
    QCOMPARE(box->text(), QStringLiteral("Remove digoal_01.user_session from node dst1?"));
    QCOMPARE(box->informativeText(),
             QStringLiteral("Stops replicating digoal_01.user_session to dst1; its rows stay in "
                            "dst1 and no longer change."));
    box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
    waitFinished(finished);
    QCOMPARE(mergeState(kUserSession), QString());
    QCOMPARE(leafValue(QStringLiteral("SELECT count(*) FROM digoal_01.user_session")),
             QString::number(kSeedRows));
    // The other tables are still there, and the list follows.
    QCOMPARE(mergeState(kUserInfo), QStringLiteral("ok"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->cascadeView()->detail()->tableList()->topLevelItemCount(),
                              4, kTimeoutMs);
    QVERIFY(m_window->cascadeView()->detail()->selectedTables().isEmpty());
    QVERIFY(!action("actionRemoveTables")->isEnabled());
    QVERIFY(m_window->statusBar()->currentMessage().contains(kUserSession));
}

void TestCascadeActions::refusedLoginSaysWhy()
{
    // The leaf is reached at the location the root keeps, as role dba with the
    // password from .pgpass; the password changes after the window read it.
    const QString role = QStringLiteral("dba");
    QVERIFY_RESULT(ferry::test::createPasswordRole(*m_leaf, role, QStringLiteral("Right1pw")));
    const QString pgpass = m_dir.filePath(QStringLiteral("pgpass"));
    QVERIFY(ferry::test::writeText(
        pgpass,
        QStringLiteral("127.0.0.1:%1:%2:%3:Right1pw\n").arg(m_leaf->port()).arg(kLeafNode, role)));
    QVERIFY(QFile::setPermissions(pgpass, QFile::ReadOwner | QFile::WriteOwner));
    qputenv("PGPASSFILE", pgpass.toUtf8());
    const auto setLeafUser = [this](const QString &user) {
        auto root = Connection::open(m_rootDb);
        return root ? root->exec(QStringLiteral("UPDATE ferry.node_location SET location = "
                                                "regexp_replace(location, 'user=\\S+', 'user=' "
                                                "|| $2) WHERE node_name = $1"),
                                 {kLeafNode, user})
                    : Result<QueryResult>(root.error());
    };
    QVERIFY_RESULT(setLeafUser(role));
    const auto restore = qScopeGuard([&] {
        (void)setLeafUser(QStringLiteral("postgres"));
        qunsetenv("PGPASSFILE");
        ConnectGate::instance().reset();
    });
    m_window->cascadeView()->refreshNow();
    const CascadeModel *model = m_window->cascadeView()->model();
    const auto leafLocation = [model] {
        const NodeStatus *leaf = model->node(model->indexOfNode(kLeafNode));
        return leaf ? leaf->location : QString();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(leafLocation().contains(QStringLiteral("user=dba")),
                              qPrintable(leafLocation()), kTimeoutMs);
    selectNode(kLeafNode);
    QTRY_VERIFY_WITH_TIMEOUT(action("actionPauseNode")->isEnabled(), kTimeoutMs);

    QVERIFY_RESULT(ferry::test::setRolePassword(*m_leaf, role, QStringLiteral("Changed2pw")));
    QSignalSpy finished(actions(), &CascadeActions::finished);
    action("actionPauseNode")->trigger();
    QVERIFY(finished.wait(kTimeoutMs));
    const QString error = finished.last().at(1).toString();
    QVERIFY2(error.contains(QStringLiteral("password authentication failed")), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("Right1pw")));
    QMessageBox *failed = waitForBox(QStringLiteral("cascadeActionError"));
    QVERIFY(failed);
    QCOMPARE(failed->text(), QStringLiteral("Pausing dst1 failed."));
    // The server's reason, then what to do, on one line.
    QVERIFY2(failed->informativeText().startsWith(error), qPrintable(failed->informativeText()));
    QVERIFY2(failed->informativeText().contains(QStringLiteral("press Refresh")),
             qPrintable(failed->informativeText()));
    QVERIFY(!failed->informativeText().contains(QLatin1Char('\n')));
    QVERIFY(m_window->statusBar()->currentMessage().startsWith(
        QStringLiteral("Pausing dst1 failed: ")));
    failed->close();
    QCOMPARE(leafValue(QStringLiteral("SELECT paused FROM ferry.node_info")), QStringLiteral("f"));
}

void TestCascadeActions::pauseOfTheOpenNodeIsLogged()
{
    // The leaf's own config: its log notes who paused and resumed it, as the
    // Worker menu's pause and `ferry pause` do.
    QSignalSpy loaded(m_window.get(), &MainWindow::cascadeLoaded);
    QVERIFY(m_window->openConfig(m_leafIni));
    QVERIFY(loaded.wait(kTimeoutMs));
    selectNode(kLeafNode);
    QSignalSpy finished(actions(), &CascadeActions::finished);
    action("actionPauseNode")->trigger();
    waitFinished(finished);
    QTRY_VERIFY_WITH_TIMEOUT(action("actionResumeNode")->isEnabled(), kTimeoutMs);
    action("actionResumeNode")->trigger();
    waitFinished(finished);
    const QString log = ferry::test::readText(m_dir.filePath(QStringLiteral("leaf_job.log")));
    const QString by
        = QStringLiteral("(ferry-gui pid %1): ").arg(QCoreApplication::applicationPid());
    QVERIFY2(log.contains(by + QStringLiteral("pause node dst1")), qPrintable(log.right(600)));
    QVERIFY2(log.contains(by + QStringLiteral("resume node dst1")), qPrintable(log.right(600)));
    QCOMPARE(leafValue(QStringLiteral("SELECT paused FROM ferry.node_info")), QStringLiteral("f"));
}

void TestCascadeActions::dropLeaf()
{
    selectNode(kLeafNode);
    QSignalSpy finished(actions(), &CascadeActions::finished);
    auto dropConfirmed = [&] {
        action("actionDropNode")->trigger();
        QMessageBox *box = waitForBox(QStringLiteral("confirmDropNode"));
        QVERIFY(box);
        QCOMPARE(box->informativeText(),
                 QStringLiteral("Removes node dst1 from the cascade: its tables keep their rows "
                                "and no longer change, the provider digoal_01 forgets it and "
                                "keeps no more changes for it. Its worker must be stopped first."));
        saveScreenshot(box, QStringLiteral("cascade-actions-confirm.png"));
        box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
        QVERIFY(finished.wait(kTimeoutMs));
    };

    // While its worker runs the core refuses: one line that says what to do.
    dropConfirmed();
    QVERIFY(QTest::currentTestFailed() == false);
    const QString error = finished.last().at(1).toString();
    QVERIFY2(error.contains(QStringLiteral("stop it first")), qPrintable(error));
    QMessageBox *failed = waitForBox(QStringLiteral("cascadeActionError"));
    QVERIFY(failed);
    QVERIFY2(failed->informativeText().contains(error), qPrintable(failed->informativeText()));
    QVERIFY(!failed->informativeText().contains(QLatin1Char('\n')));
    QVERIFY(m_window->statusBar()->currentMessage().contains(error));
    failed->close();
    QCOMPARE(rootValue(QStringLiteral("SELECT count(*) FROM ferry.node_location WHERE "
                                      "node_name = 'dst1'")),
             QStringLiteral("1"));

    const auto stop
        = ferry::test::runFerry(QStringLiteral(FERRY_CLI),
                                {QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")}, 30000);
    QVERIFY2(stop.exitCode == 0, qPrintable(stop.err));
    QTRY_VERIFY_WITH_TIMEOUT(action("actionDropNode")->isEnabled(), kTimeoutMs);
    dropConfirmed();
    QCOMPARE(finished.last().at(1).toString(), QString());
    QCOMPARE(rootValue(QStringLiteral("SELECT count(*) FROM ferry.node_location WHERE "
                                      "node_name = 'dst1'")),
             QStringLiteral("0"));
    QCOMPARE(leafValue(QStringLiteral("SELECT count(*) FROM digoal_01.user_info")),
             QString::number(kSeedRows));
    // The tree follows; the root alone may now be dropped.
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->cascadeView()->model()->indexOfNode(kLeafNode).isValid(),
                             kTimeoutMs);
    selectNode(kRootNode);
    QVERIFY(action("actionDropNode")->isEnabled());
}

QTEST_MAIN(TestCascadeActions)
#include "tst_cascadeactions.moc"
