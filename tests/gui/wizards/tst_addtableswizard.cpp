// The Add Tables wizard against a real root and leaf (one cluster, their
// workers run by the real `ferry` binary). The root holds digoal_01.user_info
// (primary key, 2000 rows), digoal_01.login_rec (primary key) and
// digoal_01.no_key (none). On the root the wizard skips the Mapping page and
// captures what was checked; on the leaf the tree shows no_key disabled with
// its reason, a malformed row condition keeps Next disabled, user_info goes
// into digoal_02.user_info1 where userid < 1000 (Validate counts 999 rows)
// and the leaf's worker copies only those rows; Cancel on every page adds
// nothing; several tables are added all or none (also when the second
// table's --create fails inside the transaction); a schema's box ticks only
// the tables the filter shows; Validate gives up on a table another session
// locks; a table with mixed-case columns ("Id", "Name" beside name) is added
// and copied with a subset of them.
//
// With FERRY_SCREENSHOT_DIR set, saves wizard-tables-1-tables.png,
// wizard-tables-2-mapping.png, wizard-tables-3-summary.png and
// wizard-tables-4-refused.png (Finish refused, the error on the page) and
// wizard-tables-5-busy.png (Validate on a locked table) there.
#include "cascadefixture.h"
#include "mnemonics.h"
#include "replication/tablechoices.h"
#include "testutil.h"
#include "wizards/addtablesmappingpage.h"
#include "wizards/addtablessummarypage.h"
#include "wizards/addtablestablespage.h"
#include "wizards/addtableswizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFontInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using namespace ferry::test;

class TestAddTablesWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rootSkipsMappingAndCaptures();
    void leafTreeShowsWhatCannotBeAdded();
    void cancelOnEveryPageAddsNothing();
    void malformedConditionKeepsNextDisabled();
    void validateGivesUpOnALockedTable();
    void mappedTableIsAddedAndCopied();
    void failedFinishStaysOpenAndAddsNothing();
    void severalTablesAllOrNone();
    void commandLinesAreQuotedForTheShell();
    void conditionCountStopsAtItsLimit();
    void mixedCaseColumnsAreAddedAndCopied();

private:
    // A wizard for `ini`, shown, its catalog read.
    AddTablesWizard *openWizard(const QString &ini);
    bool next(AddTablesWizard *wizard);
    // The leaf's node_table rows, as "source>dest|condition" lines.
    QString leafTables() const;
    void saveScreenshot(AddTablesWizard *wizard, const QString &name);

    std::unique_ptr<CascadeFixture> m_f;
    bool m_busyAtOpen = false; // the last openWizard() saw the busy bar
};

void TestAddTablesWizard::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "note text)"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT g, 'e' || g, 'n' FROM "
                        "generate_series(1, 2000) g"),
         QStringLiteral("CREATE TABLE digoal_01.login_rec (id int PRIMARY KEY, userid int)"),
         QStringLiteral("CREATE TABLE digoal_01.no_key (id int, note text)"),
         QStringLiteral("ANALYZE digoal_01.user_info")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
}

void TestAddTablesWizard::cleanupTestCase()
{
    m_f.reset();
}

AddTablesWizard *TestAddTablesWizard::openWizard(const QString &ini)
{
    auto config = JobConfig::load(ini);
    if (!config)
        return nullptr;
    AddTablesWizard *wizard = AddTablesWizard::open(nullptr, *config);
    // The catalog is read off the UI thread, the busy bar showing meanwhile.
    m_busyAtOpen
        = wizard->isBusy()
          && wizard->findChild<QWidget *>(QStringLiteral("addTablesBusy"))->isVisibleTo(wizard);
    if (!QTest::qWaitForWindowExposed(wizard)
        || !QTest::qWaitFor([wizard] { return wizard->isCatalogLoaded() && !wizard->isBusy(); },
                            20000))
        return nullptr;
    return wizard;
}

bool TestAddTablesWizard::next(AddTablesWizard *wizard)
{
    QAbstractButton *button = wizard->button(QWizard::NextButton);
    if (!button->isEnabled() || !button->isVisible())
        return false;
    button->click();
    return true;
}

QString TestAddTablesWizard::leafTables() const
{
    auto v = m_f->value(
        m_f->leafDb(),
        QStringLiteral("SELECT COALESCE(string_agg(source_schema || '.' || "
                       "source_name || '>' || dest_schema || '.' || dest_name || "
                       "'|' || COALESCE(row_condition, ''), E'\\n' ORDER BY source_schema, "
                       "source_name), "
                       "'') FROM ferry.node_table"));
    return v ? *v : QStringLiteral("error: ") + v.error().toString();
}

void TestAddTablesWizard::saveScreenshot(AddTablesWizard *wizard, const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(50); // the layout settles, as the user sees it
    QVERIFY(wizard->grab().save(dir + QLatin1Char('/') + name));
}

void TestAddTablesWizard::rootSkipsMappingAndCaptures()
{
    const auto captured = [this] {
        return m_f->value(
            m_f->rootDb(),
            QStringLiteral(
                "SELECT string_agg(schema_name || '.' || table_name, ',' "
                "ORDER BY schema_name, table_name) FROM ferry.queue_table WHERE captured"));
    };
    // Cancel on the Tables page, then on the Summary page: nothing captured.
    for (const bool toSummary : {false, true}) {
        QPointer<AddTablesWizard> wizard = openWizard(m_f->rootIni());
        QVERIFY(wizard);
        QVERIFY(wizard->isRoot());
        QTreeWidgetItem *info = wizard->tablesPage()->tableItem(QStringLiteral("digoal_01"),
                                                                QStringLiteral("user_info"));
        QVERIFY(info);
        info->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
        if (toSummary) {
            QVERIFY(next(wizard));
            QCOMPARE(wizard->currentId(), int(AddTablesWizard::SummaryPage)); // no Mapping
        }
        wizard->button(QWizard::CancelButton)->click();
        QTRY_VERIFY(!wizard);
        QCOMPARE(captured().value(), QString());
    }

    QPointer<AddTablesWizard> wizard = openWizard(m_f->rootIni());
    QVERIFY(wizard);
    for (const char *name : {"user_info", "login_rec"})
        wizard->tablesPage()
            ->tableItem(QStringLiteral("digoal_01"), QLatin1String(name))
            ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    QCOMPARE(wizard->currentId(), int(AddTablesWizard::SummaryPage));
    QCOMPARE(wizard->summaryPage()->commandBox()->toPlainText(),
             QStringLiteral("ferry %1 add-table digoal_01.login_rec digoal_01.user_info")
                 .arg(m_f->rootIni()));
    QSignalSpy added(wizard.data(), &AddTablesWizard::tablesAdded);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(added.wait(20000));
    QCOMPARE(added.first().first().toStringList(),
             QStringList(
                 {QStringLiteral("digoal_01.login_rec"), QStringLiteral("digoal_01.user_info")}));
    QTRY_VERIFY(!wizard);
    QCOMPARE(captured().value(), QStringLiteral("digoal_01.login_rec,digoal_01.user_info"));

    // A pattern among several choices on the root is judged as --all judges.
    auto root = m_f->sql(m_f->rootDb());
    QVERIFY_RESULT(root);
    auto info = requireNode(*root, QStringLiteral("q"));
    QVERIFY_RESULT(info);
    auto again = TableRegistry(*root, *info).add({{QStringLiteral("digoal_01.*"), {}}}, nullptr);
    QVERIFY_RESULT(again);
    QCOMPARE(again->already, QStringList({QStringLiteral("digoal_01.login_rec"),
                                          QStringLiteral("digoal_01.user_info")}));
    QCOMPARE(again->skipped, QStringList{QStringLiteral("digoal_01.no_key: no primary key")});
}

void TestAddTablesWizard::leafTreeShowsWhatCannotBeAdded()
{
    QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    QVERIFY(m_busyAtOpen);
    QVERIFY(!wizard->findChild<QWidget *>(QStringLiteral("addTablesBusy"))->isVisibleTo(wizard));
    QVERIFY(!wizard->isRoot());
    AddTablesTablesPage *page = wizard->tablesPage();
    QTreeWidgetItem *noKey = page->tableItem(QStringLiteral("digoal_01"), QStringLiteral("no_key"));
    QTreeWidgetItem *info
        = page->tableItem(QStringLiteral("digoal_01"), QStringLiteral("user_info"));
    QVERIFY(noKey);
    QVERIFY(info);
    QVERIFY(!(noKey->flags() & Qt::ItemIsEnabled));
    QVERIFY(!(noKey->flags() & Qt::ItemIsUserCheckable));
    QCOMPARE(noKey->text(AddTablesTablesPage::KeyColumn), QStringLiteral("no"));
    QCOMPARE(noKey->text(AddTablesTablesPage::StateColumn), QStringLiteral("no primary key"));
    QVERIFY2(
        noKey->toolTip(AddTablesTablesPage::NameColumn).contains(QStringLiteral("no primary key")),
        qPrintable(noKey->toolTip(AddTablesTablesPage::NameColumn)));
    QVERIFY(info->flags() & Qt::ItemIsEnabled);
    QCOMPARE(info->text(AddTablesTablesPage::KeyColumn), QStringLiteral("yes"));
    QCOMPARE(info->text(AddTablesTablesPage::RowsColumn), QLocale().toString(2000));
    QCOMPARE(info->text(AddTablesTablesPage::StateColumn), QString());

    // Nothing checked: Next waits. The schema's box checks its tables that can be added.
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    QTreeWidgetItem *schema = info->parent();
    schema->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QCOMPARE(wizard->mappings().size(), 2); // login_rec and user_info, not no_key
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
    QVERIFY(!noKey->data(AddTablesTablesPage::NameColumn, Qt::CheckStateRole).isValid());
    schema->setCheckState(AddTablesTablesPage::NameColumn, Qt::Unchecked);
    QVERIFY(wizard->mappings().isEmpty());
    // One table of two: the schema's box shows it partly checked.
    info->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QCOMPARE(schema->checkState(AddTablesTablesPage::NameColumn), Qt::PartiallyChecked);
    QCOMPARE(wizard->mappings().size(), 1);
    info->setCheckState(AddTablesTablesPage::NameColumn, Qt::Unchecked);
    QCOMPARE(schema->checkState(AddTablesTablesPage::NameColumn), Qt::Unchecked);

    // The filter hides what does not match; the schema's box then ticks
    // only the tables it shows.
    QTreeWidgetItem *login
        = page->tableItem(QStringLiteral("digoal_01"), QStringLiteral("login_rec"));
    QVERIFY(login);
    page->filter()->setText(QStringLiteral("user"));
    QVERIFY(!info->isHidden());
    QVERIFY(noKey->isHidden());
    QVERIFY(login->isHidden());
    schema->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QCOMPARE(info->checkState(AddTablesTablesPage::NameColumn), Qt::Checked);
    QCOMPARE(login->checkState(AddTablesTablesPage::NameColumn), Qt::Unchecked);
    QCOMPARE(wizard->mappings().size(), 1);
    QCOMPARE(wizard->mappings().first().table.name, QStringLiteral("user_info"));
    page->filter()->clear();
    QVERIFY(!noKey->isHidden());
    QCOMPARE(schema->checkState(AddTablesTablesPage::NameColumn), Qt::PartiallyChecked);
    info->setCheckState(AddTablesTablesPage::NameColumn, Qt::Unchecked);
    QVERIFY(wizard->mappings().isEmpty());

    // Every field says what it is for; no Alt+letter answers twice.
    for (const char *name : {"addTablesFilter", "addTablesTree", "addTablesReload"}) {
        auto *w = wizard->findChild<QWidget *>(QLatin1String(name));
        QVERIFY2(w && !w->toolTip().isEmpty(), name);
    }
    const QStringList clashes = mnemonicClashes(wizard);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    QVERIFY(wizard->width() <= 1366 && wizard->height() <= 700);
    info->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    saveScreenshot(wizard, QStringLiteral("wizard-tables-1-tables.png"));
    wizard->reject();
    QTRY_VERIFY(!wizard);
}

void TestAddTablesWizard::cancelOnEveryPageAddsNothing()
{
    for (const int last : {int(AddTablesWizard::TablesPage), int(AddTablesWizard::MappingPage),
                           int(AddTablesWizard::SummaryPage)}) {
        QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
        QVERIFY(wizard);
        wizard->tablesPage()
            ->tableItem(QStringLiteral("digoal_01"), QStringLiteral("user_info"))
            ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
        while (wizard->currentId() != last)
            QVERIFY(next(wizard));
        wizard->button(QWizard::CancelButton)->click();
        QTRY_VERIFY(!wizard);
        QCOMPARE(leafTables(), QString());
        QCOMPARE(m_f->value(m_f->leafDb(),
                            QStringLiteral("SELECT to_regclass('digoal_01.user_info') IS NULL"))
                     .value(),
                 QStringLiteral("t"));
    }
}

void TestAddTablesWizard::malformedConditionKeepsNextDisabled()
{
    QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    wizard->tablesPage()
        ->tableItem(QStringLiteral("digoal_01"), QStringLiteral("user_info"))
        ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    QCOMPARE(wizard->currentId(), int(AddTablesWizard::MappingPage));
    AddTablesMappingPage *page = wizard->mappingPage();
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled()); // every row: nothing to check
    QVERIFY(!page->validateButton()->isEnabled());

    // Typed, not yet validated: Next waits and says why.
    QTest::keyClicks(page->condition(), QStringLiteral("userid < 1000 and"));
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    QVERIFY(page->problem().contains(QStringLiteral("Validate")));

    QSignalSpy checked(wizard.data(), &AddTablesWizard::conditionChecked);
    page->validateButton()->click();
    QVERIFY(checked.wait(20000));
    const QString error = page->conditionResult()->text();
    QVERIFY2(error.contains(QStringLiteral("syntax error")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    QVERIFY(page->problem().contains(error));
    QVERIFY(
        page->findChild<QLabel *>(QStringLiteral("addTablesMappingError"))->text().contains(error));

    // The same error as add-table's for the same condition.
    const FerryRun cli = m_f->ferry({m_f->leafIni(), QStringLiteral("add-table"),
                                     QStringLiteral("digoal_01.user_info"),
                                     QStringLiteral("--copy-condition=userid < 1000 and")});
    QVERIFY(cli.exitCode != 0);
    QVERIFY2(cli.err.contains(error), qPrintable(cli.err + QStringLiteral(" / ") + error));
    wizard->reject();
    QTRY_VERIFY(!wizard);
    QCOMPARE(leafTables(), QString());
}

void TestAddTablesWizard::validateGivesUpOnALockedTable()
{
    // Another session holds login_rec (an ALTER TABLE, VACUUM FULL): Validate
    // gives up after its lock timeout with a one-line error, not for ever.
    auto locker = m_f->sql(m_f->rootDb());
    QVERIFY_RESULT(locker);
    QVERIFY_RESULT(locker->exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(
        locker->exec(QStringLiteral("LOCK TABLE digoal_01.login_rec IN ACCESS EXCLUSIVE MODE")));
    QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    wizard->setLockTimeout(300);
    wizard->tablesPage()
        ->tableItem(QStringLiteral("digoal_01"), QStringLiteral("login_rec"))
        ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    AddTablesMappingPage *page = wizard->mappingPage();
    QTest::keyClicks(page->condition(), QStringLiteral("id > 10"));
    QSignalSpy checked(wizard.data(), &AddTablesWizard::conditionChecked);
    page->validateButton()->click();
    QVERIFY(checked.wait(20000));
    const QString busy = page->conditionResult()->text();
    QCOMPARE(busy, QStringLiteral("digoal_01.login_rec is busy on the provider: another session "
                                  "holds a lock on it; press Validate again once that session "
                                  "is done"));
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    saveScreenshot(wizard, QStringLiteral("wizard-tables-5-busy.png"));
    // Once that session is done, the same Validate counts.
    QVERIFY_RESULT(locker->exec(QStringLiteral("ROLLBACK")));
    page->validateButton()->click();
    QVERIFY(checked.wait(20000));
    QCOMPARE(page->conditionResult()->text(),
             QStringLiteral("0 row(s) of digoal_01.login_rec match"));
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
    wizard->reject();
    QTRY_VERIFY(!wizard);
    QCOMPARE(leafTables(), QString());
}

void TestAddTablesWizard::mappedTableIsAddedAndCopied()
{
    QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    wizard->tablesPage()
        ->tableItem(QStringLiteral("digoal_01"), QStringLiteral("user_info"))
        ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    AddTablesMappingPage *page = wizard->mappingPage();
    QCOMPARE(page->destSchema()->text(), QStringLiteral("digoal_01"));
    QCOMPARE(page->destName()->text(), QStringLiteral("user_info"));

    // digoal_01 → digoal_02 for every table at once, then the table's own name.
    QCOMPARE(page->renameFrom()->currentText(), QStringLiteral("digoal_01"));
    QTest::keyClicks(page->renameTo(), QStringLiteral("digoal_02"));
    page->renameButton()->click();
    QCOMPARE(page->destSchema()->text(), QStringLiteral("digoal_02"));
    page->destName()->selectAll();
    QTest::keyClicks(page->destName(), QStringLiteral("user_info1"));
    // The key column stays; engname and note may go, note does.
    QListWidget *columns = page->columnList();
    QCOMPARE(columns->count(), 3);
    QVERIFY(!(columns->item(0)->flags() & Qt::ItemIsUserCheckable)); // userid
    QCOMPARE(columns->item(0)->checkState(), Qt::Checked);
    columns->item(2)->setCheckState(Qt::Unchecked); // note
    QVERIFY(page->createBox()->isChecked());

    QTest::keyClicks(page->condition(), QStringLiteral("userid < 1000"));
    QSignalSpy checked(wizard.data(), &AddTablesWizard::conditionChecked);
    page->validateButton()->click();
    QVERIFY(checked.wait(20000));
    QCOMPARE(page->conditionResult()->text(),
             QStringLiteral("999 row(s) of digoal_01.user_info match"));
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
    QCOMPARE(page->problem(), QString());
    for (const char *name :
         {"addTablesRenameFrom", "addTablesRenameTo", "addTablesRenameApply",
          "addTablesMappingList", "addTablesDestSchema", "addTablesDestName", "addTablesCondition",
          "addTablesValidate", "addTablesColumns", "addTablesCreate", "addTablesCreateIndexes"}) {
        auto *w = wizard->findChild<QWidget *>(QLatin1String(name));
        QVERIFY2(w && !w->toolTip().isEmpty(), name);
    }
    QStringList clashes = mnemonicClashes(wizard);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    // Tab walks the fields in reading order.
    wizard->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(wizard));
    page->renameFrom()->setFocus();
    const QList<QWidget *> order{page->renameTo(),       page->renameButton(), page->tableList(),
                                 page->destSchema(),     page->destName(),     page->condition(),
                                 page->validateButton(), page->columnList(),   page->createBox(),
                                 page->indexesBox()};
    for (QWidget *expected : order) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), expected);
    }
    saveScreenshot(wizard, QStringLiteral("wizard-tables-2-mapping.png"));

    QVERIFY(next(wizard));
    QCOMPARE(wizard->currentId(), int(AddTablesWizard::SummaryPage));
    AddTablesSummaryPage *summary = wizard->summaryPage();
    QCOMPARE(summary->commandBox()->toPlainText(),
             QStringLiteral("ferry %1 add-table digoal_01.user_info "
                            "--dest-table=digoal_02.user_info1 '--copy-condition=userid < 1000' "
                            "--columns=userid,engname --create")
                 .arg(m_f->leafIni()));
    QVERIFY(summary->commandBox()->isReadOnly());
    QVERIFY(QFontInfo(summary->commandBox()->font()).fixedPitch());
    QVERIFY(!summary->copyButton()->toolTip().isEmpty());
    clashes = mnemonicClashes(wizard);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    saveScreenshot(wizard, QStringLiteral("wizard-tables-3-summary.png"));

    QSignalSpy added(wizard.data(), &AddTablesWizard::tablesAdded);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(added.wait(20000));
    QCOMPARE(added.first().first().toStringList(),
             QStringList{QStringLiteral("digoal_02.user_info1")});
    QTRY_VERIFY(!wizard);
    QCOMPARE(leafTables(),
             QStringLiteral("digoal_01.user_info>digoal_02.user_info1|userid < 1000"));
    QCOMPARE(
        m_f->value(m_f->leafDb(), QStringLiteral("SELECT array_to_string(column_list, ',') FROM "
                                                 "ferry.node_table"))
            .value(),
        QStringLiteral("userid,engname"));

    // The leaf's worker copies only the matching rows, and only those columns.
    QVERIFY_RESULT(m_f->waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 30000));
    QCOMPARE(m_f->value(m_f->leafDb(), QStringLiteral("SELECT count(*) || ' ' || max(userid) FROM "
                                                      "digoal_02.user_info1"))
                 .value(),
             QStringLiteral("999 999"));
    QCOMPARE(m_f->value(m_f->leafDb(),
                        QStringLiteral("SELECT to_regclass('digoal_01.user_info') IS NULL AND "
                                       "NOT EXISTS (SELECT 1 FROM information_schema.columns "
                                       "WHERE table_name = 'user_info1' AND column_name = "
                                       "'note')"))
                 .value(),
             QStringLiteral("t"));
}

void TestAddTablesWizard::failedFinishStaysOpenAndAddsNothing()
{
    QPointer<AddTablesWizard> wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    // user_info is added now: shown so, and not to be checked again.
    QTreeWidgetItem *info
        = wizard->tablesPage()->tableItem(QStringLiteral("digoal_01"), QStringLiteral("user_info"));
    QVERIFY(info);
    QCOMPARE(info->text(AddTablesTablesPage::StateColumn), QStringLiteral("already added"));
    QVERIFY(!(info->flags() & Qt::ItemIsEnabled));
    wizard->tablesPage()
        ->tableItem(QStringLiteral("digoal_01"), QStringLiteral("login_rec"))
        ->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    wizard->mappingPage()->createBox()->setChecked(false); // and the leaf has no such table
    QVERIFY(next(wizard));
    QSignalSpy failed(wizard.data(), &AddTablesWizard::addFailed);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(failed.wait(20000));
    const QString error = wizard->summaryPage()->errorLabel()->text();
    QVERIFY2(error.contains(QStringLiteral("does not exist on node leaf")), qPrintable(error));
    QVERIFY(wizard->isVisible());
    QCOMPARE(wizard->currentId(), int(AddTablesWizard::SummaryPage));
    QVERIFY(wizard->button(QWizard::FinishButton)->isEnabled());
    saveScreenshot(wizard, QStringLiteral("wizard-tables-4-refused.png"));
    QCOMPARE(leafTables(),
             QStringLiteral("digoal_01.user_info>digoal_02.user_info1|userid < 1000"));
    wizard->button(QWizard::CancelButton)->click();
    QTRY_VERIFY(!wizard);
}

void TestAddTablesWizard::severalTablesAllOrNone()
{
    // login_rec is fine; user_info is already added with another condition:
    // the second refuses, so the first is not added either.
    auto leaf = m_f->sql(m_f->leafDb());
    QVERIFY_RESULT(leaf);
    auto info = requireNode(*leaf, QStringLiteral("q"));
    QVERIFY_RESULT(info);
    auto provider = connectToProvider(*info);
    QVERIFY_RESULT(provider);
    TableRegistry registry(*leaf, *info);
    AddTableOptions create;
    create.create = true;
    AddTableOptions other = create;
    other.condition = QStringLiteral("userid < 5");
    const QList<TableChoice> choices{{QStringLiteral("digoal_01.login_rec"), create},
                                     {QStringLiteral("digoal_01.user_info"), other}};
    auto refused = registry.add(choices, &*provider);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message().contains(QStringLiteral("already added")),
             qPrintable(refused.error().message()));
    QCOMPARE(leafTables(),
             QStringLiteral("digoal_01.user_info>digoal_02.user_info1|userid < 1000"));
    QCOMPARE(m_f->value(m_f->leafDb(),
                        QStringLiteral("SELECT to_regclass('digoal_01.login_rec') IS NULL"))
                 .value(),
             QStringLiteral("t"));

    // One table chosen twice, or two into one destination: refused whole.
    AddTableOptions into = create;
    into.destTable = QStringLiteral("digoal_02.login_rec");
    auto twice = registry.add({{QStringLiteral("digoal_01.login_rec"), into},
                               {QStringLiteral("digoal_01.login_rec"), create}},
                              &*provider);
    QVERIFY(!twice);
    QVERIFY2(twice.error().message().contains(QStringLiteral("chosen twice")),
             qPrintable(twice.error().message()));

    // A failure inside the transaction, after the first table's --create
    // ran: a policy of the leaf's (an event trigger) refuses the second's
    // CREATE TABLE. Nothing of the first remains, not even its new schema.
    auto root = m_f->sql(m_f->rootDb());
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(
        root->exec(QStringLiteral("CREATE TABLE digoal_01.later (id int PRIMARY KEY, note text)")));
    auto rootInfo = requireNode(*root, QStringLiteral("q"));
    QVERIFY_RESULT(rootInfo);
    QVERIFY_RESULT(
        TableRegistry(*root, *rootInfo).add({{QStringLiteral("digoal_01.later"), {}}}, nullptr));
    QVERIFY_RESULT(m_f->run(
        m_f->leafDb(),
        {QStringLiteral(
             "CREATE FUNCTION public.refuse_later() RETURNS event_trigger LANGUAGE plpgsql AS $$ "
             "BEGIN IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE "
             "object_identity = 'digoal_03.later') THEN RAISE EXCEPTION 'no table later in "
             "digoal_03 (login_rec made: %)', CASE WHEN to_regclass('digoal_03.login_rec') IS "
             "NULL THEN 'no' ELSE 'yes' END; "
             "END IF; END $$"),
         QStringLiteral("CREATE EVENT TRIGGER refuse_later ON ddl_command_end WHEN TAG IN "
                        "('CREATE TABLE') EXECUTE FUNCTION public.refuse_later()")}));
    AddTableOptions first = create;
    first.destTable = QStringLiteral("digoal_03.login_rec");
    AddTableOptions second = create;
    second.destTable = QStringLiteral("digoal_03.later");
    auto inside = registry.add({{QStringLiteral("digoal_01.login_rec"), first},
                                {QStringLiteral("digoal_01.later"), second}},
                               &*provider);
    QVERIFY_RESULT(
        m_f->run(m_f->leafDb(), {QStringLiteral("DROP EVENT TRIGGER refuse_later"),
                                 QStringLiteral("DROP FUNCTION public.refuse_later()")}));
    QVERIFY(!inside);
    // The first table's DDL had run when the second's failed.
    QVERIFY2(inside.error().toString().contains(
                 QStringLiteral("no table later in digoal_03 (login_rec made: yes)")),
             qPrintable(inside.error().toString()));
    QVERIFY2(inside.error().toString().contains(QStringLiteral("nothing was added")),
             qPrintable(inside.error().toString()));
    QCOMPARE(leafTables(),
             QStringLiteral("digoal_01.user_info>digoal_02.user_info1|userid < 1000"));
    QCOMPARE(m_f->value(m_f->leafDb(),
                        QStringLiteral("SELECT to_regclass('digoal_03.login_rec') IS NULL AND "
                                       "to_regnamespace('digoal_03') IS NULL"))
                 .value(),
             QStringLiteral("t"));

    // Each with its own options, in one transaction.
    AddTableOptions where = create;
    where.condition = QStringLiteral("id > 10");
    auto done = registry.add({{QStringLiteral("digoal_01.login_rec"), where}}, &*provider);
    QVERIFY_RESULT(done);
    QCOMPARE(leafTables(), QStringLiteral("digoal_01.login_rec>digoal_01.login_rec|id > 10\n"
                                          "digoal_01.user_info>digoal_02.user_info1|userid < "
                                          "1000"));
}

void TestAddTablesWizard::commandLinesAreQuotedForTheShell()
{
    AddTableOptions odd;
    odd.destTable = tableArgument(QStringLiteral("My Schema"), QStringLiteral("it's"));
    odd.condition = QStringLiteral("note <> 'x'");
    odd.columns
        = {identifierArgument(QStringLiteral("id")), identifierArgument(QStringLiteral("Mixed"))};
    odd.createFull = true;
    const QStringList lines
        = addTableCommands(QStringLiteral("/etc/ferry/leaf 1.ini"), {{QStringLiteral("a.t1"), {}},
                                                                     {QStringLiteral("a.t2"), odd},
                                                                     {QStringLiteral("a.t3"), {}}});
    QCOMPARE(lines,
             QStringList({QStringLiteral("ferry '/etc/ferry/leaf 1.ini' add-table a.t1 a.t3"),
                          QStringLiteral("ferry '/etc/ferry/leaf 1.ini' add-table a.t2 "
                                         "'--dest-table=\"My Schema\".\"it'\\''s\"' "
                                         "'--copy-condition=note <> '\\''x'\\''' "
                                         "'--columns=id,\"Mixed\"' --create-full")}));
}

void TestAddTablesWizard::conditionCountStopsAtItsLimit()
{
    auto root = m_f->sql(m_f->rootDb());
    QVERIFY_RESULT(root);
    auto exact = checkRowCondition(*root, QStringLiteral("digoal_01"), QStringLiteral("user_info"),
                                   QStringLiteral("userid < 1000"), 3000, 999);
    QVERIFY_RESULT(exact);
    QCOMPARE(exact->rows, 999);
    QVERIFY(exact->kind == ConditionRows::Kind::Exact);
    // The session gets its own lock_timeout back.
    QCOMPARE(root->exec(QStringLiteral("SHOW lock_timeout"))->text(0, 0), QStringLiteral("0"));
    // A huge table answers "more than N" rather than counting on.
    auto many = checkRowCondition(*root, QStringLiteral("digoal_01"), QStringLiteral("user_info"),
                                  QStringLiteral("userid < 1000"), 3000, 100);
    QVERIFY_RESULT(many);
    QCOMPARE(many->rows, 100);
    QVERIFY(many->kind == ConditionRows::Kind::AtLeast);
    // Refused as add-table refuses it: a volatile function.
    auto volatileCall
        = checkRowCondition(*root, QStringLiteral("digoal_01"), QStringLiteral("user_info"),
                            QStringLiteral("userid < random() * 10"));
    QVERIFY(!volatileCall);
    QVERIFY(!volatileCall.error().message().contains(QLatin1Char('\n')));
}

void TestAddTablesWizard::mixedCaseColumnsAreAddedAndCopied()
{
    // "Id" and "Name" keep their capitals; name is another column.
    QVERIFY_RESULT(m_f->run(
        m_f->rootDb(),
        {QStringLiteral("CREATE TABLE digoal_01.\"Mixed\" (\"Id\" int PRIMARY KEY, \"Name\" text, "
                        "name text, extra text)"),
         QStringLiteral("INSERT INTO digoal_01.\"Mixed\" SELECT g, 'N' || g, 'n' || g, 'x' FROM "
                        "generate_series(1, 3) g")}));
    // The root captures it.
    QPointer<AddTablesWizard> wizard = openWizard(m_f->rootIni());
    QVERIFY(wizard);
    QTreeWidgetItem *item
        = wizard->tablesPage()->tableItem(QStringLiteral("digoal_01"), QStringLiteral("Mixed"));
    QVERIFY(item);
    item->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    QSignalSpy rootAdded(wizard.data(), &AddTablesWizard::tablesAdded);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(rootAdded.wait(20000));
    QTRY_VERIFY(!wizard);

    // The leaf keeps "Id" and "Name", not name nor extra.
    wizard = openWizard(m_f->leafIni());
    QVERIFY(wizard);
    item = wizard->tablesPage()->tableItem(QStringLiteral("digoal_01"), QStringLiteral("Mixed"));
    QVERIFY(item);
    item->setCheckState(AddTablesTablesPage::NameColumn, Qt::Checked);
    QVERIFY(next(wizard));
    QListWidget *columns = wizard->mappingPage()->columnList();
    QCOMPARE(columns->count(), 4);
    QCOMPARE(columns->item(2)->text(), QStringLiteral("name"));
    columns->item(2)->setCheckState(Qt::Unchecked);
    QCOMPARE(columns->item(3)->text(), QStringLiteral("extra"));
    columns->item(3)->setCheckState(Qt::Unchecked);
    QVERIFY(next(wizard));
    QCOMPARE(wizard->currentId(), int(AddTablesWizard::SummaryPage));
    // Finish passes the columns as the command shows them.
    const QStringList passed = wizard->choices().first().options.columns;
    QCOMPARE(passed, QStringList({QStringLiteral("\"Id\""), QStringLiteral("\"Name\"")}));
    QCOMPARE(wizard->summaryPage()->commandBox()->toPlainText(),
             QStringLiteral("ferry %1 add-table 'digoal_01.\"Mixed\"' '--columns=%2' --create")
                 .arg(m_f->leafIni(), passed.join(QLatin1Char(','))));
    QSignalSpy added(wizard.data(), &AddTablesWizard::tablesAdded);
    QSignalSpy failed(wizard.data(), &AddTablesWizard::addFailed);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(QTest::qWaitFor([&] { return !added.isEmpty() || !failed.isEmpty(); }, 20000));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QTRY_VERIFY(!wizard);
    QCOMPARE(m_f->value(m_f->leafDb(), QStringLiteral("SELECT array_to_string(column_list, ',') "
                                                      "FROM ferry.node_table WHERE source_name = "
                                                      "'Mixed'"))
                 .value(),
             QStringLiteral("Id,Name"));

    // The leaf's worker copies those columns' values.
    QVERIFY_RESULT(m_f->waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 30000));
    QCOMPARE(m_f->value(m_f->leafDb(),
                        QStringLiteral("SELECT string_agg(\"Id\" || ':' || \"Name\", ',' ORDER BY "
                                       "\"Id\") || ' ' || (SELECT string_agg(column_name, ',' "
                                       "ORDER BY ordinal_position) FROM "
                                       "information_schema.columns WHERE table_name = 'Mixed') "
                                       "FROM digoal_01.\"Mixed\""))
                 .value(),
             QStringLiteral("1:N1,2:N2,3:N3 Id,Name"));
}

QTEST_MAIN(TestAddTablesWizard)
#include "tst_addtableswizard.moc"
