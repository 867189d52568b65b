// The main window's Errors page against a real root and two leaves in one
// throwaway cluster: every node's ferry.node_error entries in one list, newest
// first, with where they happened, their attempts and whether they are still
// open; a node that cannot be read is named in a banner without its password;
// an empty list says why it is empty and never stands for "no errors" unless
// every node was read.
#include "app/mainwindow.h"
#include "cascade/nodeadmin.h"
#include "cascade/nodeerrorlog.h"
#include "common/localstore.h"
#include "db/connection.h"
#include "errors/errorlogview.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kPassword = QStringLiteral("Sekr1tPw");

NodeSetup setupFor(const QString &db, const QString &node, const QString &job)
{
    NodeSetup setup;
    setup.db = *ConnectionString::parse(db);
    setup.queue = kQueue;
    setup.nodeName = node;
    setup.workerName = job;
    setup.location = setup.db;
    return setup;
}

} // namespace

class TestErrorLog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void showsEveryNodesErrors();
    void unreadableNodeIsNamedWithoutPassword();
    void unreadableCascadeIsNotEmpty();
    void failingStatusReadsOwnNode();
    void noErrorsOnlyWhenAllWereRead();

private:
    std::unique_ptr<MainWindow> openWindow(const QString &ini = QString());
    QString writeIni(const QString &name, const QString &db, const QString &queue);
    void waitForRead(ErrorLogView *view);

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_cluster;
    std::unique_ptr<LocalStore> m_store;
    QString m_leafIni;
};

void TestErrorLog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("store.sqlite")));
    QVERIFY_RESULT(m_store->open());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    for (const char *db : {"digoal_01", "dst1", "dst2"})
        QVERIFY_RESULT(m_cluster->createDatabase(QString::fromLatin1(db)));
    const QString rootDb = m_cluster->connectionString(QStringLiteral("digoal_01"));
    NodeSetup root = setupFor(rootDb, QStringLiteral("digoal_01"), QStringLiteral("root_job"));
    QVERIFY_RESULT(NodeAdmin::createRoot(root));
    for (const char *leaf : {"dst1", "dst2"}) {
        const QString name = QString::fromLatin1(leaf);
        NodeSetup setup
            = setupFor(m_cluster->connectionString(name), name, name + QStringLiteral("_job"));
        setup.provider = root.db;
        QVERIFY_RESULT(NodeAdmin::createLeaf(setup));
    }

    // What workers would have stored: on dst1 a resolved copy error and an
    // open apply error met twice, on the root one open error.
    auto dst1 = Connection::open(m_cluster->connectionString(QStringLiteral("dst1")));
    QVERIFY_RESULT(dst1);
    ErrorSite copy;
    copy.copy = true;
    copy.table = QStringLiteral("digoal_01.user_info");
    QVERIFY_RESULT(recordNodeError(
        *dst1, kQueue,
        Error::fromServer(QStringLiteral("57014"), QStringLiteral("canceling statement")), copy));
    QVERIFY_RESULT(resolveNodeErrors(*dst1, kQueue, copy.table));
    QThread::msleep(20); // distinct last-seen times order the list
    ErrorSite apply;
    apply.batchId = 7;
    apply.tickFrom = 3;
    apply.tickTo = 4;
    apply.eventId = 42;
    apply.table = QStringLiteral("digoal_01.user_login_rec");
    const Error check
        = Error::fromServer(QStringLiteral("23514"),
                            QStringLiteral("new row violates check constraint \"small_userid\""));
    QVERIFY_RESULT(recordNodeError(*dst1, kQueue, check, apply));
    QThread::msleep(20);
    auto rootDbConn = Connection::open(rootDb);
    QVERIFY_RESULT(rootDbConn);
    QVERIFY_RESULT(recordNodeError(*rootDbConn, kQueue,
                                   Error(ErrorKind::Server, QStringLiteral("ticker failed")),
                                   ErrorSite()));
    QThread::msleep(20);
    QVERIFY_RESULT(recordNodeError(*dst1, kQueue, check, apply)); // met again: newest

    m_leafIni = m_dir.filePath(QStringLiteral("leaf.ini"));
    QVERIFY(ferry::test::writeText(
        m_leafIni,
        QStringLiteral("[ferry]\njob_name = dst1_job\ndb = %1 password=%2\n"
                       "queue_name = %3\n")
            .arg(m_cluster->connectionString(QStringLiteral("dst1")), kPassword, kQueue)));
}

void TestErrorLog::cleanupTestCase()
{
    m_cluster.reset();
}

QString TestErrorLog::writeIni(const QString &name, const QString &db, const QString &queue)
{
    const QString path = m_dir.filePath(name);
    if (!ferry::test::writeText(path,
                                QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n")
                                    .arg(QFileInfo(name).baseName(), db, queue)))
        return QString();
    return path;
}

std::unique_ptr<MainWindow> TestErrorLog::openWindow(const QString &ini)
{
    auto window = std::make_unique<MainWindow>(m_store.get());
    window->resize(MainWindow::defaultSize());
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())
        || !window->openConfig(ini.isEmpty() ? m_leafIni : ini))
        return nullptr;
    window->tabs()->setCurrentWidget(window->errorLog());
    return window;
}

void TestErrorLog::waitForRead(ErrorLogView *view)
{
    QSignalSpy refreshed(view, &ErrorLogView::refreshed);
    QVERIFY(refreshed.wait(15000));
}

void TestErrorLog::showsEveryNodesErrors()
{
    auto window = openWindow();
    QVERIFY(window);
    ErrorLogView *view = window->errorLog();
    QCOMPARE(window->tabs()->tabText(window->tabs()->indexOf(view)), QStringLiteral("Errors"));
    waitForRead(view);
    QTreeWidget *list = view->list();
    QCOMPARE(list->topLevelItemCount(), 3);
    auto row = [list](int i) {
        QStringList cells;
        for (int c = 0; c < ErrorLogView::ColumnCount; ++c)
            cells << list->topLevelItem(i)->text(c);
        return cells;
    };
    // Newest first: dst1's apply error (met again last), the root's, the copy.
    QCOMPARE(row(0).at(ErrorLogView::NodeColumn), QStringLiteral("dst1"));
    QCOMPARE(row(0).at(ErrorLogView::WhereColumn),
             QStringLiteral("batch 7 (ticks 3–4) · event 42 · digoal_01.user_login_rec"));
    QCOMPARE(row(0).at(ErrorLogView::AttemptsColumn), QStringLiteral("2"));
    QCOMPARE(row(0).at(ErrorLogView::StateColumn), QStringLiteral("open"));
    QVERIFY(row(0).at(ErrorLogView::MessageColumn).contains(QLatin1String("small_userid")));
    QCOMPARE(row(1).at(ErrorLogView::NodeColumn), QStringLiteral("digoal_01"));
    QCOMPARE(row(1).at(ErrorLogView::WhereColumn), QString());
    QCOMPARE(row(1).at(ErrorLogView::StateColumn), QStringLiteral("open"));
    QCOMPARE(row(2).at(ErrorLogView::NodeColumn), QStringLiteral("dst1"));
    QCOMPARE(row(2).at(ErrorLogView::WhereColumn),
             QStringLiteral("initial copy · digoal_01.user_info"));
    QVERIFY(row(2).at(ErrorLogView::StateColumn).startsWith(QLatin1String("resolved ")));
    QVERIFY(view->problemText().isEmpty());

    // The first row is selected and its whole message shown below.
    const QString message
        = view->findChild<QPlainTextEdit *>(QStringLiteral("errorLogMessage"))->toPlainText();
    QVERIFY2(message.startsWith(QStringLiteral("Node dst1 · batch 7"))
                 && message.contains(QLatin1String("SQLSTATE 23514")),
             qPrintable(message));

    // With FERRY_SCREENSHOT_DIR set (the `screenshots` target), the page for docs/.
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QTest::qWait(200); // the header's new texts laid out
        QVERIFY(window->grab().save(dir + QStringLiteral("/error-log.png")));
    }

    view->setShowResolved(false);
    QCOMPARE(list->topLevelItemCount(), 2);
    view->setShowResolved(true);
    QCOMPARE(list->topLevelItemCount(), 3);

    // An open error says what the worker does about it, in the user's terms.
    QVERIFY2(message.contains(QLatin1String("retries by itself")), qPrintable(message));
    QVERIFY(view->emptyText().isEmpty());

    // A newly stored error shows with the next read.
    auto dst1 = Connection::open(m_cluster->connectionString(QStringLiteral("dst1")));
    QVERIFY_RESULT(dst1);
    ErrorSite site;
    site.batchId = 8;
    QVERIFY_RESULT(recordNodeError(
        *dst1, kQueue, Error(ErrorKind::Sql, QStringLiteral("relation missing")), site));
    view->refresh();
    waitForRead(view);
    QCOMPARE(list->topLevelItemCount(), 4);
    QCOMPARE(list->topLevelItem(0)->text(ErrorLogView::WhereColumn), QStringLiteral("batch 8"));
}

void TestErrorLog::unreadableNodeIsNamedWithoutPassword()
{
    // dst2 is gone from its server: its log cannot be read, the others still are.
    auto admin = Connection::open(m_cluster->connectionString(QStringLiteral("postgres")));
    QVERIFY_RESULT(admin);
    QVERIFY_RESULT(admin->exec(QStringLiteral("ALTER DATABASE dst2 RENAME TO dst2_gone")));
    auto window = openWindow();
    QVERIFY(window);
    ErrorLogView *view = window->errorLog();
    waitForRead(view);
    QStringList seen;
    for (int i = 0; i < view->list()->topLevelItemCount(); ++i)
        seen << view->list()->topLevelItem(i)->text(ErrorLogView::NodeColumn) + QLatin1Char(' ')
                    + view->list()->topLevelItem(i)->text(ErrorLogView::WhereColumn);
    QVERIFY2(view->list()->topLevelItemCount() == 4, qPrintable(seen.join(QLatin1Char('|'))));
    const QString problems = view->problemText();
    QVERIFY2(problems.contains(QLatin1String("dst2: "))
                 && problems.contains(QLatin1String("does not exist")),
             qPrintable(problems));
    QVERIFY(!problems.contains(kPassword));
    QVERIFY_RESULT(admin->exec(QStringLiteral("ALTER DATABASE dst2_gone RENAME TO dst2")));
}

void TestErrorLog::unreadableCascadeIsNotEmpty()
{
    // Nothing listens on this port: neither the status nor any log can be read.
    const QString ini = writeIni(QStringLiteral("closed.ini"),
                                 QStringLiteral("host=127.0.0.1 port=1 dbname=dst1 user=postgres "
                                                "password=%1 connect_timeout=2")
                                     .arg(kPassword),
                                 kQueue);
    QVERIFY(!ini.isEmpty());
    auto window = openWindow(ini);
    QVERIFY(window);
    ErrorLogView *view = window->errorLog();
    waitForRead(view);
    QCOMPARE(view->list()->topLevelItemCount(), 0);
    const QString empty = view->emptyText();
    QVERIFY2(empty.contains(QLatin1String("Cannot read any node's error log")), qPrintable(empty));
    QVERIFY(!empty.contains(QLatin1String("No worker")));
    const QString problems = view->problemText();
    QVERIFY2(problems.contains(QLatin1String("status cannot be read"))
                 && problems.contains(QLatin1String("No node's log could be read")),
             qPrintable(problems));
    QVERIFY(!problems.contains(kPassword));

    // Refresh reads again although no status ever came in.
    auto *refresh = view->findChild<QToolButton *>(QStringLiteral("errorLogRefresh"));
    QVERIFY(refresh);
    QSignalSpy refreshed(view, &ErrorLogView::refreshed);
    QTest::mouseClick(refresh, Qt::LeftButton);
    QVERIFY(refreshed.wait(15000));
    QVERIFY(view->emptyText().contains(QLatin1String("Cannot read any node's error log")));
}

void TestErrorLog::failingStatusReadsOwnNode()
{
    // The node is reachable but holds no such queue: the cascade's status
    // fails, the node's own log is still read and the page says how far.
    const QString ini = writeIni(QStringLiteral("noqueue.ini"),
                                 m_cluster->connectionString(QStringLiteral("dst1")),
                                 QStringLiteral("no_such_queue"));
    auto window = openWindow(ini);
    QVERIFY(window);
    ErrorLogView *view = window->errorLog();
    QTRY_VERIFY_WITH_TIMEOUT(view->problemText().contains(QLatin1String("status cannot be read")),
                             15000);
    QTRY_VERIFY_WITH_TIMEOUT(!view->emptyText().isEmpty()
                                 && !view->emptyText().contains(QLatin1String("Reading")),
                             15000);
    const QString empty = view->emptyText();
    QVERIFY2(empty.contains(QLatin1String("own node has stored no error")), qPrintable(empty));
    QVERIFY(!empty.contains(QLatin1String("No worker of this cascade")));
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(window->grab().save(dir + QStringLiteral("/error-log-unreadable.png")));
}

void TestErrorLog::noErrorsOnlyWhenAllWereRead()
{
    // dst2's own queue holds no error: read from the cascade, "no errors"
    // is said only because every member was read.
    auto dst2 = Connection::open(m_cluster->connectionString(QStringLiteral("dst2")));
    QVERIFY_RESULT(dst2);
    const QString ini
        = writeIni(QStringLiteral("other.ini"), m_cluster->connectionString(QStringLiteral("dst2")),
                   QStringLiteral("other_queue"));
    NodeSetup root = setupFor(m_cluster->connectionString(QStringLiteral("dst2")),
                              QStringLiteral("other_root"), QStringLiteral("other_job"));
    root.queue = QStringLiteral("other_queue");
    QVERIFY_RESULT(NodeAdmin::createRoot(root));
    auto window = openWindow(ini);
    QVERIFY(window);
    ErrorLogView *view = window->errorLog();
    QTRY_COMPARE_WITH_TIMEOUT(
        view->emptyText(), QStringLiteral("No worker of this cascade has stored an error."), 15000);
    QVERIFY(view->problemText().isEmpty());
}

QTEST_MAIN(TestErrorLog)
#include "tst_errorlog.moc"
