// The main window's Execute page against a real root and two leaves (one
// cluster, the workers run by the real `ferry` binary; dst2 keeps
// digoal_01.user_info as digoal_02.user_info1, userid < 1000, and does not
// subscribe digoal_01.login_rec): a script loaded from a file previews with
// each node's own names and dst2's skipped line, nothing run; Run on the Root
// asks, runs it and follows every node until it applied it, the columns then
// on every node's tables; a script the root fails names its line and queues
// nothing; the same file again offers to run it again with --force.
//
// With FERRY_SCREENSHOT_DIR set, saves execute-preview.png and
// execute-progress.png there.
#include "app/mainwindow.h"
#include "cascadefixture.h"
#include "common/localstore.h"
#include "execute/executeview.h"
#include "mnemonics.h"
#include "testutil.h"

#include <QFile>
#include <QFontInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using namespace ferry::test;

namespace {

const QString kInfo = QStringLiteral("digoal_01.user_info");
const QString kLogin = QStringLiteral("digoal_01.login_rec");
const QString kInfo1 = QStringLiteral("digoal_02.user_info1");
const QString kAddColumn = QStringLiteral("-- S8: a column on every node\n"
                                          "alter table digoal_01.user_info add column c1 int;\n"
                                          "alter table digoal_01.login_rec add column c2 int;\n");

QTreeWidgetItem *topItem(QTreeWidget *tree, const QString &node)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(ExecuteView::NodeColumn) == node)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

} // namespace

class TestExecuteView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void previewShowsEachNodesNames();
    void runReachesEveryNode();
    void failedNodeShowsItsError();
    void failingScriptQueuesNothing();
    void sameFileOffersForce();
    void editedScriptIsSaved();
    void leafConfigSaysToOpenTheRoot();

private:
    QString writeScript(const QString &name, const QString &sql) const;
    // Run on the Root…, then `button` ("executeConfirmRun" or
    // "executeConfirmCancel") in the question it asks.
    bool answerRun(ExecuteView *view, const QString &button);
    Result<QString> rootValue(const QString &sql) const { return m_f->value(m_f->rootDb(), sql); }
    void saveScreenshot(const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<CascadeFixture> m_f;
    std::unique_ptr<MainWindow> m_window;
    ExecuteView *m_view = nullptr;
};

void TestExecuteView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("store.sqlite")));
    QVERIFY_RESULT(m_store->open());

    CascadeFixture::Options options;
    options.leafDatabases = {QStringLiteral("leaf"), QStringLiteral("dst2")};
    m_f = std::make_unique<CascadeFixture>(options);
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text)"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT g, 'e' || g FROM "
                        "generate_series(1, 2000) g"),
         QStringLiteral("CREATE TABLE digoal_01.login_rec (id int PRIMARY KEY, note text)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("add-table"), kInfo, kLogin}));
    QVERIFY_RESULT(f.ferryOk(
        {f.leafIni(), QStringLiteral("add-table"), kInfo, kLogin, QStringLiteral("--create")}));
    // dst2 as the seed has it: another schema and name, userid < 1000.
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(QStringLiteral("dst2")), QStringLiteral("add-table"), kInfo,
                   QStringLiteral("--dest-table=") + kInfo1,
                   QStringLiteral("--copy-condition=userid<1000"), QStringLiteral("--create")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni(QStringLiteral("dst2"))));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 60000));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("dst2"), QStringLiteral("q"), 60000));

    m_window = std::make_unique<MainWindow>(m_store.get());
    m_window->resize(1280, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openConfig(f.rootIni()));
    m_view = m_window->executeView();
    m_view->setProgressIntervalMs(200);
    m_window->tabs()->setCurrentWidget(m_view);
}

void TestExecuteView::cleanupTestCase()
{
    m_window.reset();
    m_f.reset();
}

QString TestExecuteView::writeScript(const QString &name, const QString &sql) const
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(sql.toUtf8());
    return path;
}

bool TestExecuteView::answerRun(ExecuteView *view, const QString &button)
{
    if (!view->runButton()->isEnabled())
        return false;
    view->runButton()->click();
    if (!QTest::qWaitFor([view] { return view->confirmDialog() != nullptr; }, 5000))
        return false;
    auto *answer = view->confirmDialog()->findChild<QPushButton *>(button);
    if (!answer)
        return false;
    answer->click();
    return true;
}

void TestExecuteView::saveScreenshot(const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(m_window->grab().save(dir + QLatin1Char('/') + name));
}

void TestExecuteView::previewShowsEachNodesNames()
{
    QTabWidget *tabs = m_window->tabs();
    QCOMPARE(tabs->tabText(tabs->indexOf(m_view)), QStringLiteral("Execute"));
    QCOMPARE(m_view->objectName(), QStringLiteral("executeView"));
    // Every field says what it is for; no Alt+letter answers twice.
    for (const char *name : {"executeFileName", "executeOpen", "executeSave", "executeSaveAs",
                             "scriptEdit", "executePreview", "executeRun", "executeResults"}) {
        auto *w = m_view->findChild<QWidget *>(QLatin1String(name));
        QVERIFY2(w, name);
        QVERIFY2(!w->toolTip().isEmpty(), name);
    }
    const QStringList clashes = mnemonicClashes(m_window.get());
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    QVERIFY(QFontInfo(m_view->scriptEdit()->font()).fixedPitch());
    QVERIFY(!m_view->previewButton()->isEnabled()); // no script yet

    QVERIFY(m_view->loadFile(writeScript(QStringLiteral("add_column.sql"), kAddColumn)));
    QCOMPARE(m_view->fileNameEdit()->text(), QStringLiteral("add_column.sql"));
    QCOMPARE(m_view->scriptEdit()->toPlainText(), kAddColumn);

    QSignalSpy previewed(m_view, &ExecuteView::previewFinished);
    QVERIFY(m_view->previewButton()->isEnabled());
    m_view->previewButton()->click();
    QVERIFY(previewed.wait(20000));
    QVERIFY2(m_view->errorText().isEmpty(), qPrintable(m_view->errorText()));

    QTreeWidget *tree = m_view->results();
    QCOMPARE(tree->topLevelItemCount(), 3); // root, leaf, dst2
    QTreeWidgetItem *leaf = topItem(tree, QStringLiteral("leaf"));
    QTreeWidgetItem *dst2 = topItem(tree, QStringLiteral("dst2"));
    QVERIFY(leaf);
    QVERIFY(dst2);
    QCOMPARE(leaf->childCount(), 2);
    QCOMPARE(leaf->child(0)->text(ExecuteView::DetailColumn),
             QStringLiteral("alter table digoal_01.user_info add column c1 int"));
    QCOMPARE(leaf->child(1)->text(ExecuteView::StateColumn), QStringLiteral("runs"));
    // dst2's own names; the table it does not subscribe is skipped, greyed.
    QCOMPARE(dst2->childCount(), 2);
    QCOMPARE(dst2->child(0)->text(ExecuteView::StateColumn), QStringLiteral("runs"));
    QCOMPARE(dst2->child(0)->text(ExecuteView::DetailColumn),
             QStringLiteral("alter table digoal_02.user_info1 add column c1 int"));
    QCOMPARE(dst2->child(1)->text(ExecuteView::NodeColumn), QStringLiteral("line 3"));
    QCOMPARE(dst2->child(1)->text(ExecuteView::StateColumn), QStringLiteral("skipped"));
    QVERIFY(!dst2->child(1)->text(ExecuteView::DetailColumn).isEmpty());
    QCOMPARE(dst2->child(1)->foreground(ExecuteView::StateColumn).color(),
             m_view->palette().color(QPalette::Disabled, QPalette::Text));
    // A preview runs nothing.
    auto c1 = rootValue(QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE "
                                       "column_name = 'c1'"));
    QVERIFY_RESULT(c1);
    QCOMPARE(*c1, QStringLiteral("0"));
    saveScreenshot(QStringLiteral("execute-preview.png"));
}

void TestExecuteView::runReachesEveryNode()
{
    QSignalSpy ran(m_view, &ExecuteView::runFinished);
    QSignalSpy finished(m_view, &ExecuteView::progressFinished);
    // Cancel in the question runs nothing.
    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmCancel")));
    QTRY_VERIFY(!m_view->confirmDialog());
    QTest::qWait(200);
    QCOMPARE(ran.count(), 0);

    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    QVERIFY2(m_view->errorText().isEmpty(), qPrintable(m_view->errorText()));
    QVERIFY(m_view->eventId() > 0);
    QVERIFY(finished.wait(30000));

    const QList<NodeScriptProgress> progress = m_view->progress();
    QCOMPARE(progress.size(), 2);
    for (const NodeScriptProgress &p : progress)
        QVERIFY2(p.state == ScriptNodeState::Applied, qPrintable(p.node + p.message));
    QTreeWidget *tree = m_view->results();
    for (const QString &node : {QStringLiteral("leaf"), QStringLiteral("dst2")}) {
        QTreeWidgetItem *item = topItem(tree, node);
        QVERIFY2(item, qPrintable(node));
        QCOMPARE(item->text(ExecuteView::StateColumn), QStringLiteral("applied"));
    }
    QVERIFY2(m_view->statusText().contains(QStringLiteral("2 of 2 node(s) done, 0 failed")),
             qPrintable(m_view->statusText()));
    saveScreenshot(QStringLiteral("execute-progress.png"));

    // The columns are on all four node tables.
    const QString has = QStringLiteral(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = '%1' AND "
        "table_name = '%2' AND column_name = '%3'");
    auto onRoot = rootValue(
        has.arg(QStringLiteral("digoal_01"), QStringLiteral("user_info"), QStringLiteral("c1")));
    QVERIFY_RESULT(onRoot);
    QCOMPARE(*onRoot, QStringLiteral("1"));
    auto onLeaf = m_f->value(
        m_f->leafAdminDb(),
        has.arg(QStringLiteral("digoal_01"), QStringLiteral("user_info"), QStringLiteral("c1")));
    QVERIFY_RESULT(onLeaf);
    QCOMPARE(*onLeaf, QStringLiteral("1"));
    auto loginOnLeaf = m_f->value(
        m_f->leafAdminDb(),
        has.arg(QStringLiteral("digoal_01"), QStringLiteral("login_rec"), QStringLiteral("c2")));
    QVERIFY_RESULT(loginOnLeaf);
    QCOMPARE(*loginOnLeaf, QStringLiteral("1"));
    auto onDst2 = m_f->value(
        m_f->leafAdminDb(QStringLiteral("dst2")),
        has.arg(QStringLiteral("digoal_02"), QStringLiteral("user_info1"), QStringLiteral("c1")));
    QVERIFY_RESULT(onDst2);
    QCOMPARE(*onDst2, QStringLiteral("1"));
}

// A statement dst2 cannot run (its table has the column already): the leaf
// applies the script, dst2 shows failed with its error; once the operator
// skips the event there, dst2's progress says skipped.
void TestExecuteView::failedNodeShowsItsError()
{
    QVERIFY_RESULT(
        m_f->run(m_f->leafAdminDb(QStringLiteral("dst2")),
                 {QStringLiteral("ALTER TABLE digoal_02.user_info1 ADD COLUMN c5 int")}));
    QVERIFY(m_view->loadFile(
        writeScript(QStringLiteral("c5.sql"),
                    QStringLiteral("alter table digoal_01.user_info add column c5 int;\n"))));
    QSignalSpy ran(m_view, &ExecuteView::runFinished);
    QSignalSpy finished(m_view, &ExecuteView::progressFinished);
    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    const qint64 event = m_view->eventId();
    QVERIFY2(event > 0, qPrintable(m_view->errorText()));
    QVERIFY(finished.wait(30000));
    QTreeWidget *tree = m_view->results();
    QTreeWidgetItem *leaf = topItem(tree, QStringLiteral("leaf"));
    QTreeWidgetItem *dst2 = topItem(tree, QStringLiteral("dst2"));
    QVERIFY(leaf);
    QVERIFY(dst2);
    QCOMPARE(leaf->text(ExecuteView::StateColumn), QStringLiteral("applied"));
    QVERIFY2(leaf->text(ExecuteView::DetailColumn).contains(QStringLiteral("1 statement(s) run")),
             qPrintable(leaf->text(ExecuteView::DetailColumn)));
    QCOMPARE(dst2->text(ExecuteView::StateColumn), QStringLiteral("failed"));
    const QString why = dst2->text(ExecuteView::DetailColumn);
    QVERIFY2(why.contains(QStringLiteral("c5")) && why.contains(QStringLiteral("already exists")),
             qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("event %1").arg(event)), qPrintable(why));
    QVERIFY2(m_view->statusText().contains(QStringLiteral("1 of 2 node(s) done, 1 failed")),
             qPrintable(m_view->statusText()));
    QVERIFY2(m_view->errorText().startsWith(QStringLiteral("dst2 stopped at the script: ")),
             qPrintable(m_view->errorText()));
    QVERIFY(m_view->errorText().contains(QStringLiteral("already exists")));

    // The operator skips it on dst2: its progress then says so.
    QVERIFY_RESULT(m_f->ferryOk({m_f->leafIni(QStringLiteral("dst2")), QStringLiteral("skip-event"),
                                 QString::number(event)}));
    auto root = m_f->sql(m_f->rootDb());
    QVERIFY_RESULT(root);
    ScriptNodeState dst2State = ScriptNodeState::Failed;
    QVERIFY(QTest::qWaitFor(
        [&] {
            auto progress = scriptProgress(*root, QStringLiteral("q"), event);
            if (!progress)
                return false;
            for (const NodeScriptProgress &p : *progress) {
                if (p.node == QStringLiteral("dst2"))
                    dst2State = p.state;
            }
            return dst2State == ScriptNodeState::Skipped;
        },
        30000));
}

void TestExecuteView::failingScriptQueuesNothing()
{
    m_view->scriptEdit()->setPlainText(
        QStringLiteral("alter table digoal_01.user_info add column c3 int;\n"
                       "alter table digoal_01.no_such_table add column x int;\n"));
    m_view->fileNameEdit()->setText(QStringLiteral("bad.sql"));
    QSignalSpy ran(m_view, &ExecuteView::runFinished);
    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    const QString error = m_view->errorText();
    QVERIFY2(error.contains(QStringLiteral("bad.sql, line 2")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("no_such_table")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    QCOMPARE(m_view->eventId(), 0);
    QCOMPARE(m_view->results()->topLevelItemCount(), 0); // no earlier run's progress
    QVERIFY(!m_view->confirmDialog());                   // not a refusal --force could pass
    auto queued = rootValue(
        QStringLiteral("SELECT count(*) FROM ferry.executed_script WHERE name = 'bad.sql'"));
    QVERIFY_RESULT(queued);
    QCOMPARE(*queued, QStringLiteral("0"));
    auto c3 = rootValue(QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE "
                                       "column_name = 'c3'"));
    QVERIFY_RESULT(c3);
    QCOMPARE(*c3, QStringLiteral("0"));
}

void TestExecuteView::sameFileOffersForce()
{
    QVERIFY(m_view->loadFile(
        writeScript(QStringLiteral("comment.sql"),
                    QStringLiteral("comment on table digoal_01.user_info is 'users';\n"))));
    QSignalSpy ran(m_view, &ExecuteView::runFinished);
    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    const qint64 first = m_view->eventId();
    QVERIFY2(first > 0, qPrintable(m_view->errorText()));

    // The same file again: the root refuses it and the page offers --force.
    QVERIFY(answerRun(m_view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    QVERIFY2(m_view->errorText().contains(QStringLiteral("ran on the root")),
             qPrintable(m_view->errorText()));
    QTRY_VERIFY(m_view->confirmDialog());
    QCOMPARE(m_view->confirmDialog()->objectName(), QStringLiteral("executeConfirmForce"));
    auto *again
        = m_view->confirmDialog()->findChild<QPushButton *>(QStringLiteral("executeConfirmRun"));
    QVERIFY(again);
    QVERIFY(again->text().contains(QStringLiteral("--force")));
    again->click();
    QVERIFY(ran.wait(20000));
    QVERIFY2(m_view->errorText().isEmpty(), qPrintable(m_view->errorText()));
    QVERIFY(m_view->eventId() > first);
    auto runs = rootValue(
        QStringLiteral("SELECT count(*) FROM ferry.executed_script WHERE name = 'comment.sql'"));
    QVERIFY_RESULT(runs);
    QCOMPARE(*runs, QStringLiteral("2"));
}

// The editor's text goes back to its file with Save; Open and Save As ask
// in file dialogs opened without a nested event loop.
void TestExecuteView::editedScriptIsSaved()
{
    const QString path = writeScript(QStringLiteral("edit.sql"), QStringLiteral("select 1;\n"));
    QVERIFY(m_view->loadFile(path));
    const QString edited = QStringLiteral("select 2;\nselect 3;\n");
    m_view->scriptEdit()->setPlainText(edited);
    auto *save = m_view->findChild<QPushButton *>(QStringLiteral("executeSave"));
    QVERIFY(save);
    save->click();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), edited);
    QVERIFY2(m_view->statusText().contains(QStringLiteral("Saved")),
             qPrintable(m_view->statusText()));

    for (const auto &[button, dialog] :
         {std::pair{QStringLiteral("executeOpen"), QStringLiteral("executeOpenDialog")},
          std::pair{QStringLiteral("executeSaveAs"), QStringLiteral("executeSaveDialog")}}) {
        m_view->findChild<QPushButton *>(button)->click();
        QWidget *shown = nullptr;
        QTRY_VERIFY((shown = m_view->findChild<QWidget *>(dialog)) && shown->isVisible());
        QVERIFY(shown->isModal() || shown->windowModality() != Qt::NonModal);
        QMetaObject::invokeMethod(shown, "reject");
        QTRY_VERIFY(!m_view->findChild<QWidget *>(dialog));
    }
    QCOMPARE(m_view->filePath(), path);
}

// On a leaf's config the page says where scripts run, and runs nothing.
void TestExecuteView::leafConfigSaysToOpenTheRoot()
{
    MainWindow window(m_store.get());
    window.resize(1000, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openConfig(m_f->leafIni()));
    ExecuteView *view = window.executeView();
    window.tabs()->setCurrentWidget(view);
    view->scriptEdit()->setPlainText(
        QStringLiteral("alter table digoal_01.user_info add column c9 int;\n"));
    view->fileNameEdit()->setText(QStringLiteral("c9.sql"));

    QSignalSpy previewed(view, &ExecuteView::previewFinished);
    view->previewButton()->click();
    QVERIFY(previewed.wait(20000));
    const QString expected = QStringLiteral("Scripts run on the root: this config's node leaf is "
                                            "a leaf; open the root's config");
    QVERIFY2(view->errorText().startsWith(expected), qPrintable(view->errorText()));
    QCOMPARE(view->results()->topLevelItemCount(), 0);

    QSignalSpy ran(view, &ExecuteView::runFinished);
    QVERIFY(answerRun(view, QStringLiteral("executeConfirmRun")));
    QVERIFY(ran.wait(20000));
    QVERIFY2(view->errorText().startsWith(expected), qPrintable(view->errorText()));
    QCOMPARE(view->eventId(), 0);
    auto c9 = m_f->value(m_f->leafAdminDb(), QStringLiteral("SELECT count(*) FROM "
                                                            "information_schema.columns WHERE "
                                                            "column_name = 'c9'"));
    QVERIFY_RESULT(c9);
    QCOMPARE(*c9, QStringLiteral("0"));
}

QTEST_MAIN(TestExecuteView)
#include "tst_executeview.moc"
