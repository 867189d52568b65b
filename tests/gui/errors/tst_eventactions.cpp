// The Errors page's Retry Now, Skip Event and Edit and Apply against a real
// root and leaf (workers run by the `ferry` binary): the leaf's table has a
// CHECK constraint the root lacks, so a row with v = 13 stops the leaf at its
// event. The leaf's retry_delay is a minute: whatever applies within the
// test's waits was woken by the page's action, not by the worker's back-off.
#include "app/mainwindow.h"
#include "cascadefixture.h"
#include "common/localstore.h"
#include "errors/errorlogview.h"
#include "mnemonics.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QLabel>
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

class TestEventActions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void skipShowsTheEventAndSkipsIt();
    void editAndApplyRunsTheEditedSql();
    void staleErrorIsRefusedWithTheReason();
    void retryNowWakesTheWorker();

private:
    // Runs `sql` on the root in one transaction and waits until the leaf
    // is stopped at an event; returns that event's id.
    Result<qint64> stopAt(const QString &sql);
    Result<QString> leaf(const QString &sql) { return m_f->value(m_f->leafAdminDb(), sql); }
    Result<void> root(const QString &sql) { return m_f->run(m_f->rootDb(), {sql}); }
    // "id=v,id=v" of the leaf's rows with these ids, in id order.
    QString rows(const QString &ids);
    // Reads the log again until the error on `event` shows (open or
    // resolved) and selects it.
    bool select(qint64 event, bool open);
    QString details() const;
    QPushButton *button(const char *name) const;
    // Clicks `name` and waits for the action's answer.
    bool act(QWidget *button);
    void saveScreenshot(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<CascadeFixture> m_f;
    std::unique_ptr<MainWindow> m_window;
    ErrorLogView *m_view = nullptr;
};

void TestEventActions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("store.sqlite")));
    QVERIFY_RESULT(m_store->open());
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    const QString ddl = QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, v int)");
    QVERIFY_RESULT(f.run(f.rootDb(), {ddl}));
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {ddl, QStringLiteral("ALTER TABLE public.t ADD CONSTRAINT leaf_only "
                                                    "CHECK (v <> 13)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY(writeText(f.leafIni(), readText(f.leafIni()) + QStringLiteral("\nretry_delay = 60\n")));
    for (const QString &ini : {f.rootIni(), f.leafIni()})
        QVERIFY_RESULT(f.ferryOk({ini, QStringLiteral("add-table"), QStringLiteral("public.t")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitSynced());

    m_window = std::make_unique<MainWindow>(m_store.get());
    m_window->resize(MainWindow::defaultSize());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openConfig(f.leafIni()));
    m_view = m_window->errorLog();
    m_view->setRefreshInterval(3600 * 1000); // read when the test says
    m_window->tabs()->setCurrentWidget(m_view);
    // The buttons: one mnemonic each, none shared on the page.
    for (const char *name : {"retryButton", "skipButton", "editButton"}) {
        QPushButton *b = button(name);
        QVERIFY(b);
        QVERIFY2(!mnemonicOf(b->text()).isEmpty(), name);
        QVERIFY2(!b->toolTip().isEmpty(), name);
        QVERIFY2(!b->isEnabled(), name);
    }
    QCOMPARE(mnemonicClashes(m_window.get()), QStringList());
}

void TestEventActions::cleanupTestCase()
{
    m_window.reset();
    m_f.reset();
}

Result<qint64> TestEventActions::stopAt(const QString &sql)
{
    auto before = leaf(QStringLiteral("SELECT coalesce(max(error_id), 0) FROM ferry.node_error"));
    if (!before)
        return before.error();
    if (auto r = root(QStringLiteral("BEGIN; %1; COMMIT").arg(sql)); !r)
        return r.error();
    const QString open = QStringLiteral("FROM ferry.node_error WHERE resolved_at IS NULL AND "
                                        "event_id IS NOT NULL AND error_id > %1")
                             .arg(*before);
    if (auto r = m_f->waitFor(m_f->leafAdminDb(),
                              QStringLiteral("SELECT EXISTS (SELECT 1 ") + open + QLatin1Char(')'));
        !r)
        return r.error();
    auto id = leaf(QStringLiteral("SELECT event_id ") + open);
    if (!id)
        return id.error();
    return id->toLongLong();
}

QString TestEventActions::rows(const QString &ids)
{
    auto r = leaf(QStringLiteral("SELECT coalesce(string_agg(id || '=' || v, ',' ORDER BY id), "
                                 "'') FROM public.t WHERE id IN (%1)")
                      .arg(ids));
    return r ? *r : r.error().toString();
}

bool TestEventActions::select(qint64 event, bool open)
{
    const QString where = QStringLiteral("event %1").arg(event);
    for (int attempt = 0; attempt < 10; ++attempt) {
        QSignalSpy refreshed(m_view, &ErrorLogView::refreshed);
        m_view->refresh();
        if (!refreshed.wait(15000))
            return false;
        QTreeWidget *list = m_view->list();
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = list->topLevelItem(i);
            if (item->text(ErrorLogView::WhereColumn).split(QStringLiteral(" · ")).contains(where)
                && (item->text(ErrorLogView::StateColumn) == QLatin1String("open")) == open) {
                list->setCurrentItem(item);
                return true;
            }
        }
        QTest::qWait(300);
    }
    return false;
}

QString TestEventActions::details() const
{
    return m_view->findChild<QPlainTextEdit *>(QStringLiteral("errorLogMessage"))->toPlainText();
}

QPushButton *TestEventActions::button(const char *name) const
{
    return m_view->findChild<QPushButton *>(QString::fromLatin1(name));
}

bool TestEventActions::act(QWidget *b)
{
    QSignalSpy finished(m_view, &ErrorLogView::actionFinished);
    QTest::mouseClick(b, Qt::LeftButton);
    return finished.wait(20000);
}

void TestEventActions::saveScreenshot(QWidget *widget, const QString &name)
{
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QTest::qWait(200); // laid out
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
    }
}

void TestEventActions::skipShowsTheEventAndSkipsIt()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (101, 1); INSERT INTO "
                                       "public.t VALUES (102, 13); INSERT INTO public.t VALUES "
                                       "(103, 3)"));
    QVERIFY_RESULT(event);
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t VALUES (104, 4)")));
    QVERIFY(select(*event, true));
    QVERIFY(button("retryButton")->isEnabled());
    QVERIFY(button("skipButton")->isEnabled());
    QVERIFY(button("editButton")->isEnabled());
    QVERIFY2(details().contains(QLatin1String("Skip Event leaves this event out")),
             qPrintable(details()));
    saveScreenshot(m_window.get(), QStringLiteral("errors-actions.png"));

    // Asked first, with the event's content; Cancel records nothing.
    QVERIFY(act(button("skipButton")));
    QTRY_VERIFY(m_view->confirmation() && m_view->confirmation()->isVisible());
    QMessageBox *box = m_view->confirmation();
    QCOMPARE(box->objectName(), QStringLiteral("skipConfirm"));
    const QString shown = box->text() + QLatin1Char('\n') + box->informativeText();
    for (const QString &part :
         {QStringLiteral("Skip event %1 on node leaf?").arg(*event),
          QStringLiteral("INSERT on public.t · key (id)=(102)"), QStringLiteral("\"v\":13"),
          QStringLiteral("will not be applied on node leaf")})
        QVERIFY2(shown.contains(part), qPrintable(part + QStringLiteral(" | ") + shown));
    QVERIFY(!button("skipButton")->isEnabled()); // one action at a time
    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("cancelSkipButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!m_view->confirmation());
    QCOMPARE(m_view->actionStatus(), QStringLiteral("Nothing was skipped."));
    QCOMPARE(*leaf(QStringLiteral("SELECT count(*) FROM ferry.event_fix")), QStringLiteral("0"));
    QVERIFY(button("skipButton")->isEnabled());

    // Again, and skipped: the batch's other rows and the later one apply.
    QVERIFY(act(button("skipButton")));
    QTRY_VERIFY(m_view->confirmation() && m_view->confirmation()->isVisible());
    saveScreenshot(m_view->confirmation(), QStringLiteral("errors-skip.png"));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(
        act(m_view->confirmation()->findChild<QPushButton *>(QStringLiteral("confirmSkipButton"))));
    QCOMPARE(m_view->actionStatus(),
             QStringLiteral("Skipped event %1 (INSERT on public.t · key (id)=(102)) on node leaf.")
                 .arg(*event));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 3 FROM public.t WHERE id IN (101, "
                                            "103, 104)"),
                             20000));
    QVERIFY2(clock.elapsed() < 20000, "woken by Skip Event, not by the one-minute back-off");
    QCOMPARE(rows(QStringLiteral("101, 102, 103, 104")), QStringLiteral("101=1,103=3,104=4"));
    auto record = leaf(QStringLiteral("SELECT action || ' ' || (applied_at IS NOT NULL) FROM "
                                      "ferry.event_fix WHERE ev_id = %1")
                           .arg(*event));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("skip true"));

    // The list says how the error went away; nothing more to do on it.
    QVERIFY(select(*event, false));
    QVERIFY2(details().contains(QLatin1String("This error was resolved by skip-event by ")),
             qPrintable(details()));
    QVERIFY(!button("retryButton")->isEnabled());
    QVERIFY(!button("skipButton")->isEnabled());
    QVERIFY(!button("editButton")->isEnabled());
}

void TestEventActions::editAndApplyRunsTheEditedSql()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (201, 1); INSERT INTO "
                                       "public.t VALUES (202, 13); INSERT INTO public.t VALUES "
                                       "(203, 3)"));
    QVERIFY_RESULT(event);
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t VALUES (204, 4)")));
    QVERIFY(select(*event, true));

    // Cancel in the editor applies nothing.
    QVERIFY(act(button("editButton")));
    QTRY_VERIFY(m_view->editor() && m_view->editor()->isVisible());
    QTest::mouseClick(
        m_view->editor()->findChild<QPushButton *>(QStringLiteral("cancelReplacementButton")),
        Qt::LeftButton);
    QTRY_VERIFY(!m_view->editor());
    QCOMPARE(m_view->actionStatus(), QStringLiteral("Nothing was applied."));
    auto none
        = leaf(QStringLiteral("SELECT count(*) FROM ferry.event_fix WHERE ev_id = %1").arg(*event));
    QVERIFY_RESULT(none);
    QCOMPARE(*none, QStringLiteral("0"));

    // The editor starts from the SQL Ferry runs for the event on this node.
    QVERIFY(act(button("editButton")));
    QTRY_VERIFY(m_view->editor() && m_view->editor()->isVisible());
    QDialog *editor = m_view->editor();
    auto *edit = editor->findChild<QPlainTextEdit *>(QStringLiteral("replacementEdit"));
    QVERIFY(edit);
    QCOMPARE(edit->toPlainText(),
             QStringLiteral("INSERT INTO public.t (id, v) OVERRIDING SYSTEM VALUE\n"
                            "VALUES ('202', '13')\n"
                            "ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id, v = EXCLUDED.v;\n"));
    const QString content = editor->findChild<QLabel *>(QStringLiteral("editEventContent"))->text();
    QVERIFY2(content.contains(QStringLiteral("INSERT on public.t · key (id)=(202)")),
             qPrintable(content));
    QCOMPARE(mnemonicClashes(editor), QStringList());
    saveScreenshot(editor, QStringLiteral("errors-edit.png"));

    // Edited, applied, and asked once more.
    edit->setPlainText(edit->toPlainText().replace(QStringLiteral("'13'"), QStringLiteral("'14'")));
    QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("applyReplacementButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(m_view->confirmation() && m_view->confirmation()->isVisible());
    QMessageBox *box = m_view->confirmation();
    QCOMPARE(box->objectName(), QStringLiteral("replaceConfirm"));
    QVERIFY2(box->text().contains(QStringLiteral("event %1 on node leaf").arg(*event)),
             qPrintable(box->text()));
    QVERIFY(box->detailedText().contains(QLatin1String("VALUES ('202', '14')")));
    QVERIFY(act(box->findChild<QPushButton *>(QStringLiteral("confirmReplaceButton"))));
    QCOMPARE(m_view->actionStatus(),
             QStringLiteral("Event %1 (INSERT on public.t · key (id)=(202)) on node leaf is "
                            "replaced by your SQL.")
                 .arg(*event));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 4 FROM public.t WHERE id IN (201, "
                                            "202, 203, 204)"),
                             20000));
    QCOMPARE(rows(QStringLiteral("201, 202, 203, 204")),
             QStringLiteral("201=1,202=14,203=3,204=4"));
    auto record = leaf(QStringLiteral("SELECT action || ' ' || (replacement LIKE '%''14''%') "
                                      "|| ' ' || (applied_at IS NOT NULL) FROM ferry.event_fix "
                                      "WHERE ev_id = %1")
                           .arg(*event));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("replace true true"));
    QVERIFY(select(*event, false));
    QVERIFY2(details().contains(QLatin1String("This error was resolved by replace-event by ")),
             qPrintable(details()));
}

void TestEventActions::staleErrorIsRefusedWithTheReason()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (401, 13)"));
    QVERIFY_RESULT(event);
    QVERIFY(select(*event, true));
    // Someone skipped it from the command line since the page read the log.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("skip-event")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT applied_at IS NOT NULL FROM ferry.event_fix "
                                            "WHERE ev_id = %1")
                                 .arg(*event),
                             20000));
    QVERIFY(button("skipButton")->isEnabled());
    QVERIFY(act(button("skipButton")));
    QTRY_VERIFY(m_view->confirmation() && m_view->confirmation()->isVisible());
    QVERIFY(
        act(m_view->confirmation()->findChild<QPushButton *>(QStringLiteral("confirmSkipButton"))));
    const QString status = m_view->actionStatus();
    QVERIFY2(status.startsWith(QLatin1String("Node leaf: "))
                 && status.contains(
                     QStringLiteral("event %1 was applied on node 'leaf' already").arg(*event))
                 && !status.contains(QLatin1Char('\n')),
             qPrintable(status));
    // Nothing more was recorded; the page read the log again: resolved.
    auto fixes
        = leaf(QStringLiteral("SELECT count(*) FROM ferry.event_fix WHERE ev_id = %1").arg(*event));
    QVERIFY_RESULT(fixes);
    QCOMPARE(*fixes, QStringLiteral("1"));
    QTRY_VERIFY_WITH_TIMEOUT(!button("skipButton")->isEnabled(), 15000);
    QVERIFY2(details().contains(QLatin1String("This error was resolved by skip-event by ")),
             qPrintable(details()));
}

void TestEventActions::retryNowWakesTheWorker()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (301, 13)"));
    QVERIFY_RESULT(event);

    // Without a worker, Retry Now says so.
    QVERIFY_RESULT(f.stopWorker(f.leafIni()));
    QVERIFY(select(*event, true));
    QVERIFY(act(button("retryButton")));
    QCOMPARE(m_view->actionStatus(), QStringLiteral("No worker runs for node leaf: start it."));

    // A worker that met the error again waits a minute; the constraint goes
    // by hand and Retry Now ends the wait.
    auto attempts = leaf(
        QStringLiteral("SELECT attempts FROM ferry.node_error WHERE event_id = %1").arg(*event));
    QVERIFY_RESULT(attempts);
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT attempts > %1 FROM ferry.node_error WHERE "
                                            "event_id = %2")
                                 .arg(*attempts)
                                 .arg(*event),
                             20000));
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE public.t DROP CONSTRAINT leaf_only")}));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(button("retryButton")->isEnabled());
    QVERIFY(act(button("retryButton")));
    QCOMPARE(m_view->actionStatus(),
             QStringLiteral("Asked the worker of node leaf to try again now."));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.t WHERE id = "
                                            "301)"),
                             10000));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(rows(QStringLiteral("301")), QStringLiteral("301=13"));
}

QTEST_MAIN(TestEventActions)
#include "tst_eventactions.moc"
