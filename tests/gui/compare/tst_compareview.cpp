// The main window's Compare page against a real root and two leaves (one
// cluster, the workers run by the real `ferry` binary): equal tables are ok,
// also dst2's renamed and filtered table; a leaf damaged by hand shows
// MISMATCH with the right counts and exactly the damaged keys, the changed
// column marked; the report exports as CSV and HTML; Repair previews its SQL,
// writes nothing when canceled, and once confirmed makes the leaf's table
// equal to the root's row by row; Cancel stops a run that waits for a paused
// node at once, with the UI thread responsive throughout.
//
// With FERRY_SCREENSHOT_DIR set, saves compare-results.png and
// compare-repair.png there.
#include "app/mainwindow.h"
#include "cascadefixture.h"
#include "common/localstore.h"
#include "compare/comparedifferences.h"
#include "compare/comparetablepicker.h"
#include "compare/compareview.h"
#include "compare/repairdialog.h"
#include "mnemonics.h"
#include "testutil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using namespace ferry::test;

namespace {

const QString kInfo = QStringLiteral("digoal_01.user_info");
const QString kLogin = QStringLiteral("digoal_01.login_rec");
const QString kInfo1 = QStringLiteral("digoal_02.user_info1");
// A changed value with what CSV and HTML must escape.
const QString kOddValue = QStringLiteral("changed, \"quoted\" <b>");

QString readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

} // namespace

class TestCompareView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void equalTablesAreOk();
    void rootConfigOffersItsLeaves();
    void mismatchShowsTheDamagedKeys();
    void exportWritesCsvAndHtml();
    void repairPreviewsThenRepairs();
    void cancelStopsAWaitingRun();

private:
    // A window on `ini` (leaf.ini by default) showing the Compare page, its
    // node's tables read.
    std::unique_ptr<MainWindow> openWindow(const QString &ini = QString());
    // Presses Compare and waits for the run's end.
    bool compare(CompareView *view);
    // The results' row of the table whose title starts with `table`.
    QTreeWidgetItem *resultOf(CompareView *view, const QString &table);
    // Runs statements on a leaf as its superuser, past the write guard.
    Result<void> damage(const QStringList &statements);
    void saveScreenshot(const QPixmap &picture, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<CascadeFixture> m_f;
    // Kept from mismatchShowsTheDamagedKeys for the export and the repair.
    std::unique_ptr<MainWindow> m_window;
};

void TestCompareView::initTestCase()
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
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "cnname text, amount numeric)"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT g, 'e' || g, '德' || g, g / 4.0 "
                        "FROM generate_series(1, 2000) g"),
         QStringLiteral("CREATE TABLE digoal_01.login_rec (id int PRIMARY KEY, note text)"),
         QStringLiteral("INSERT INTO digoal_01.login_rec SELECT g, 'n' || g FROM "
                        "generate_series(1, 500) g")}));
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
}

void TestCompareView::cleanupTestCase()
{
    m_window.reset();
    m_f.reset();
}

std::unique_ptr<MainWindow> TestCompareView::openWindow(const QString &ini)
{
    auto window = std::make_unique<MainWindow>(m_store.get());
    window->resize(1280, 760);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())
        || !window->openConfig(ini.isEmpty() ? m_f->leafIni() : ini))
        return nullptr;
    CompareView *view = window->compareView();
    QSignalSpy loaded(view->picker(), &CompareTablePicker::tablesLoaded);
    window->tabs()->setCurrentWidget(view);
    if (!loaded.wait(20000))
        return nullptr;
    return window;
}

bool TestCompareView::compare(CompareView *view)
{
    QSignalSpy finished(view, &CompareView::compareFinished);
    if (!view->compareButton()->isEnabled())
        return false;
    view->compareButton()->click();
    return finished.wait(90000);
}

QTreeWidgetItem *TestCompareView::resultOf(CompareView *view, const QString &table)
{
    for (int i = 0; i < view->results()->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = view->results()->topLevelItem(i);
        if (item->text(CompareView::TableColumn).startsWith(table))
            return item;
    }
    return nullptr;
}

Result<void> TestCompareView::damage(const QStringList &statements)
{
    auto c = m_f->sql(m_f->leafAdminDb());
    if (!c)
        return c.error();
    for (const QString &s :
         QStringList{QStringLiteral("SET session_replication_role = replica")} + statements) {
        if (auto r = c->exec(s); !r)
            return r.error();
    }
    return {};
}

void TestCompareView::saveScreenshot(const QPixmap &picture, const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(picture.save(dir + QLatin1Char('/') + name));
}

void TestCompareView::equalTablesAreOk()
{
    auto window = openWindow();
    QVERIFY(window);
    CompareView *view = window->compareView();
    QTabWidget *tabs = window->tabs();
    QCOMPARE(tabs->tabText(tabs->indexOf(view)), QStringLiteral("Compare"));
    // No Alt+letter of the page answers like another of the window.
    const QStringList clashes = ferry::test::mnemonicClashes(window.get());
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));

    // The node's tables, all checked.
    QTreeWidget *list = view->picker()->tableList();
    QCOMPARE(list->topLevelItemCount(), 2);
    QStringList names;
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        names << list->topLevelItem(i)->text(CompareTablePicker::TableColumn);
        QCOMPARE(list->topLevelItem(i)->checkState(CompareTablePicker::TableColumn), Qt::Checked);
        QCOMPARE(list->topLevelItem(i)->text(CompareTablePicker::StateColumn),
                 QStringLiteral("ok"));
    }
    names.sort();
    QCOMPARE(names, (QStringList{kLogin, kInfo}));
    // The config's node first, then the other leaf once the status names it;
    // never the root, which has no provider.
    QTRY_COMPARE_WITH_TIMEOUT(view->picker()->nodeChooser()->count(), 2, 15000);
    QCOMPARE(view->picker()->nodeChooser()->itemText(0),
             QStringLiteral("leaf (this config's node)"));
    QCOMPARE(view->picker()->nodeChooser()->itemText(1), QStringLiteral("dst2"));

    // All tables, none, or some: only the checked ones are compared.
    auto *all = view->findChild<QCheckBox *>(QStringLiteral("compareAllTables"));
    QVERIFY(all);
    QCOMPARE(all->checkState(), Qt::Checked);
    all->click();
    QCOMPARE(all->checkState(), Qt::Unchecked);
    QCOMPARE(list->topLevelItem(0)->checkState(CompareTablePicker::TableColumn), Qt::Unchecked);
    QVERIFY(!view->compareButton()->isEnabled());
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(CompareTablePicker::TableColumn) == kInfo)
            list->topLevelItem(i)->setCheckState(CompareTablePicker::TableColumn, Qt::Checked);
    }
    QCOMPARE(all->checkState(), Qt::PartiallyChecked);
    QVERIFY(compare(view));
    QCOMPARE(view->results()->topLevelItemCount(), 1);
    QVERIFY(resultOf(view, kInfo));
    all->click();
    QCOMPARE(all->checkState(), Qt::Checked);

    // Each table's row is filled as it ends, while the run goes on.
    QStringList whileRunning;
    const auto seen = connect(view, &CompareView::tableCompared, this, [&](const QString &key) {
        const QList<CompareRow> rows = view->rows();
        int i = 0;
        while (i < rows.size() && rows.at(i).table.key != key)
            ++i;
        QTreeWidgetItem *item = view->results()->topLevelItem(i);
        whileRunning << QStringLiteral("%1 %2 %3")
                            .arg(key,
                                 view->isRunning() ? QStringLiteral("running")
                                                   : QStringLiteral("ended"),
                                 item ? item->text(CompareView::StatusColumn) : QString());
    });
    QVERIFY(compare(view));
    disconnect(seen);
    whileRunning.sort();
    QCOMPARE(whileRunning, (QStringList{kLogin + QStringLiteral(" running ok"),
                                        kInfo + QStringLiteral(" running ok")}));
    QCOMPARE(view->results()->topLevelItemCount(), 2);
    for (const auto &[table, rows] :
         {std::pair{kInfo, QStringLiteral("2,000")}, std::pair{kLogin, QStringLiteral("500")}}) {
        QTreeWidgetItem *row = resultOf(view, table);
        QVERIFY2(row, qPrintable(table));
        QCOMPARE(row->text(CompareView::StatusColumn), QStringLiteral("ok"));
        QCOMPARE(row->text(CompareView::ProviderRowsColumn), rows);
        QCOMPARE(row->text(CompareView::NodeRowsColumn), rows);
        QVERIFY(!row->text(CompareView::ProviderChecksumColumn).isEmpty());
        QCOMPARE(row->text(CompareView::NodeChecksumColumn),
                 row->text(CompareView::ProviderChecksumColumn));
        for (int c :
             {CompareView::MissingColumn, CompareView::ExtraColumn, CompareView::ChangedColumn})
            QCOMPARE(row->text(c), QStringLiteral("0"));
    }
    QVERIFY2(view->progressText().contains(QStringLiteral("2 ok, 0 MISMATCH, 0 not compared")),
             qPrintable(view->progressText()));
    QVERIFY(view->errorText().isEmpty());
    QVERIFY(!view->repairButton()->isEnabled()); // nothing to repair

    // dst2: its renamed, filtered table compares equal with nothing to set up.
    QSignalSpy loaded(view->picker(), &CompareTablePicker::tablesLoaded);
    view->picker()->nodeChooser()->setCurrentIndex(1);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(CompareTablePicker::DestinationColumn), kInfo1);
    QCOMPARE(list->topLevelItem(0)->text(CompareTablePicker::ConditionColumn),
             QStringLiteral("userid<1000"));
    QVERIFY(compare(view));
    QTreeWidgetItem *row = resultOf(view, kInfo + QStringLiteral(" → ") + kInfo1
                                              + QStringLiteral(" where userid<1000"));
    QVERIFY(row);
    QCOMPARE(row->text(CompareView::StatusColumn), QStringLiteral("ok"));
    QCOMPARE(row->text(CompareView::ProviderRowsColumn), QStringLiteral("999"));
    QCOMPARE(row->text(CompareView::NodeRowsColumn), QStringLiteral("999"));
}

void TestCompareView::rootConfigOffersItsLeaves()
{
    auto window = std::make_unique<MainWindow>(m_store.get());
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(window->openConfig(m_f->rootIni()));
    CompareView *view = window->compareView();
    window->tabs()->setCurrentWidget(view);
    // Before the status, the config's own node; it is the root, which the
    // page says, then it offers the leaves instead.
    QTRY_COMPARE_WITH_TIMEOUT(view->picker()->nodeChooser()->count(), 2, 15000);
    QCOMPARE(view->picker()->nodeChooser()->itemText(0), QStringLiteral("leaf"));
    QCOMPARE(view->picker()->nodeChooser()->itemText(1), QStringLiteral("dst2"));
    QTRY_COMPARE_WITH_TIMEOUT(view->picker()->tableList()->topLevelItemCount(), 2, 15000);
    QVERIFY(view->compareButton()->isEnabled());
}

void TestCompareView::mismatchShowsTheDamagedKeys()
{
    // On the leaf: one row deleted, one added, two changed.
    QVERIFY_RESULT(damage(
        {QStringLiteral("DELETE FROM digoal_01.user_info WHERE userid = 77"),
         QStringLiteral("INSERT INTO digoal_01.user_info VALUES (5001, 'x', 'y', 1)"),
         QStringLiteral("UPDATE digoal_01.user_info SET cnname = '%1' WHERE userid = 5")
             .arg(QString(kOddValue).replace(QLatin1Char('\''), QStringLiteral("''"))),
         QStringLiteral("UPDATE digoal_01.user_info SET cnname = NULL WHERE userid = 1500")}));
    m_window = openWindow();
    QVERIFY(m_window);
    CompareView *view = m_window->compareView();
    QVERIFY(compare(view));

    QTreeWidgetItem *info = resultOf(view, kInfo);
    QVERIFY(info);
    QCOMPARE(info->text(CompareView::StatusColumn), QStringLiteral("MISMATCH"));
    QCOMPARE(info->text(CompareView::ProviderRowsColumn), QStringLiteral("2,000"));
    QCOMPARE(info->text(CompareView::NodeRowsColumn), QStringLiteral("2,000"));
    QVERIFY(info->text(CompareView::ProviderChecksumColumn)
            != info->text(CompareView::NodeChecksumColumn));
    QCOMPARE(info->text(CompareView::MissingColumn), QStringLiteral("1"));
    QCOMPARE(info->text(CompareView::ExtraColumn), QStringLiteral("1"));
    QCOMPARE(info->text(CompareView::ChangedColumn), QStringLiteral("2"));
    QVERIFY(info->font(CompareView::StatusColumn).bold()); // never color alone
    QCOMPARE(resultOf(view, kLogin)->text(CompareView::StatusColumn), QStringLiteral("ok"));
    QVERIFY2(view->progressText().contains(QStringLiteral("1 ok, 1 MISMATCH")),
             qPrintable(view->progressText()));

    // The mismatch is selected; below it exactly the damaged keys.
    QCOMPARE(view->results()->currentItem(), info);
    QTreeWidget *keys = view->differences()->keys();
    QStringList shown;
    for (int i = 0; i < keys->topLevelItemCount(); ++i) {
        QTreeWidgetItem *k = keys->topLevelItem(i);
        shown << QStringLiteral("%1 | %2 | %3")
                     .arg(k->text(CompareDifferences::KindColumn),
                          k->text(CompareDifferences::KeyValueColumn),
                          k->text(CompareDifferences::ColumnsColumn));
    }
    shown.sort();
    QCOMPARE(shown, (QStringList{QStringLiteral("changed | userid=1500 | cnname"),
                                 QStringLiteral("changed | userid=5 | cnname"),
                                 QStringLiteral("extra on the node | userid=5001 | "),
                                 QStringLiteral("missing on the node | userid=77 | ")}));
    QVERIFY(view->repairButton()->isEnabled());

    // A changed row: both sides' values side by side, the changed column marked.
    const auto select = [keys](const QString &key) {
        for (int i = 0; i < keys->topLevelItemCount(); ++i) {
            if (keys->topLevelItem(i)->text(CompareDifferences::KeyValueColumn) == key) {
                keys->setCurrentItem(keys->topLevelItem(i));
                return true;
            }
        }
        return false;
    };
    QVERIFY(select(QStringLiteral("userid=5")));
    QTableWidget *rowView = view->differences()->rowView();
    QCOMPARE(rowView->rowCount(), 4); // amount, cnname, engname, userid: by name
    QHash<QString, int> rowOf;
    for (int r = 0; r < rowView->rowCount(); ++r)
        rowOf.insert(rowView->item(r, CompareDifferences::NameColumn)->text(), r);
    const QString changed = CompareDifferences::differsMarker() + QStringLiteral(" cnname");
    QVERIFY2(rowOf.contains(changed), qPrintable(QStringList(rowOf.keys()).join(QLatin1Char(';'))));
    const int c = rowOf.value(changed);
    QCOMPARE(rowView->item(c, CompareDifferences::ProviderColumn)->text(), QStringLiteral("德5"));
    QCOMPARE(rowView->item(c, CompareDifferences::NodeColumn)->text(), kOddValue);
    for (int col : {CompareDifferences::NameColumn, CompareDifferences::ProviderColumn,
                    CompareDifferences::NodeColumn}) {
        QVERIFY(rowView->item(c, col)->font().bold());
        QVERIFY(rowView->item(c, col)->background().style() != Qt::NoBrush);
    }
    // The others are equal: no marker, no highlight.
    for (const QString &name :
         {QStringLiteral("amount"), QStringLiteral("engname"), QStringLiteral("userid (key)")}) {
        QVERIFY2(rowOf.contains(name), qPrintable(name));
        const int r = rowOf.value(name);
        QVERIFY(!rowView->item(r, CompareDifferences::ProviderColumn)->font().bold());
        QCOMPARE(rowView->item(r, CompareDifferences::ProviderColumn)->background().style(),
                 Qt::NoBrush);
        QCOMPARE(rowView->item(r, CompareDifferences::ProviderColumn)->text(),
                 rowView->item(r, CompareDifferences::NodeColumn)->text());
    }
    // NULL on the node, apart from a text.
    QVERIFY(select(QStringLiteral("userid=1500")));
    QCOMPARE(rowView->item(rowOf.value(changed), CompareDifferences::NodeColumn)->text(),
             QStringLiteral("NULL"));
    QVERIFY(rowView->item(rowOf.value(changed), CompareDifferences::NodeColumn)->font().italic());
    // A missing row: the node's side says so.
    QVERIFY(select(QStringLiteral("userid=77")));
    QCOMPARE(rowView->item(0, CompareDifferences::NodeColumn)->text(),
             QStringLiteral("no row on the node"));
    QCOMPARE(
        rowView
            ->item(rowOf.value(QStringLiteral("userid (key)")), CompareDifferences::ProviderColumn)
            ->text(),
        QStringLiteral("77"));

    QVERIFY(select(QStringLiteral("userid=5")));
    saveScreenshot(m_window->grab(), QStringLiteral("compare-results.png"));
}

void TestCompareView::exportWritesCsvAndHtml()
{
    QVERIFY(m_window);
    CompareView *view = m_window->compareView();
    QVERIFY(view->exportButton()->isEnabled());
    const QList<CompareRow> rows = view->rows();
    const auto infoRow = std::find_if(rows.cbegin(), rows.cend(),
                                      [](const CompareRow &r) { return r.table.key == kInfo; });
    QVERIFY(infoRow != rows.cend() && infoRow->result);
    const TableComparison &c = *infoRow->result;

    const QString csvPath = m_dir.filePath(QStringLiteral("report.csv"));
    QVERIFY_RESULT(view->exportCsv(csvPath));
    const QStringList lines = readAll(csvPath).split(QLatin1Char('\n'));
    QCOMPARE(lines.value(0), QStringLiteral("Node,Table,Destination,Condition,Status,Provider rows,"
                                            "Node rows,Provider checksum,Node checksum,Missing,"
                                            "Extra,Changed,Tick"));
    QVERIFY2(lines.contains(QStringLiteral("leaf,%1,%1,,MISMATCH,2000,2000,%2,%3,1,1,2,%4")
                                .arg(kInfo, c.providerChecksum, c.nodeChecksum)
                                .arg(c.tick)),
             qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY(lines.contains(
        QStringLiteral("leaf,%1,%1,,ok,500,500,").arg(kLogin)
        + resultOf(view, kLogin)->text(CompareView::ProviderChecksumColumn) + QLatin1Char(',')
        + resultOf(view, kLogin)->text(CompareView::NodeChecksumColumn) + QStringLiteral(",0,0,0,")
        + QString::number(std::find_if(rows.cbegin(), rows.cend(), [](const CompareRow &r) {
                              return r.table.key == kLogin;
                          })->result->tick)));
    const qsizetype differences
        = lines.indexOf(QStringLiteral("Table,Difference,Key,Column,Provider value,Node value"));
    QVERIFY(differences > 0);
    QStringList diffLines = lines.mid(differences + 1);
    diffLines.removeAll(QString());
    diffLines.sort();
    // The changed value quoted with its quotes doubled; NULL an empty field.
    QCOMPARE(diffLines,
             (QStringList{QStringLiteral("%1,changed,userid=1500,cnname,德1500,").arg(kInfo),
                          QStringLiteral("%1,changed,userid=5,cnname,德5,\"changed, "
                                         "\"\"quoted\"\" <b>\"")
                              .arg(kInfo),
                          QStringLiteral("%1,extra on the node,userid=5001,,,").arg(kInfo),
                          QStringLiteral("%1,missing on the node,userid=77,,,").arg(kInfo)}));

    const QString htmlPath = m_dir.filePath(QStringLiteral("report.html"));
    QVERIFY_RESULT(view->exportHtml(htmlPath));
    const QString html = readAll(htmlPath);
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<td class=\"mismatch\">MISMATCH</td>")));
    QVERIFY2(html.contains(QStringLiteral("<tr><td>changed</td><td>userid=5</td><td>≠ cnname</td>"
                                          "<td class=\"diff\">德5</td><td class=\"diff\">changed, "
                                          "&quot;quoted&quot; &lt;b&gt;</td></tr>")),
             qPrintable(html));
    QVERIFY(
        html.contains(QStringLiteral("<td class=\"diff\"><span class=\"null\">NULL</span></td>")));
    QVERIFY(html.contains(QStringLiteral("<tr><td>missing on the node</td><td>userid=77</td>")));
    QVERIFY(html.contains(QStringLiteral("<tr><td>extra on the node</td><td>userid=5001</td>")));
    QVERIFY(!html.contains(QStringLiteral("<b>\""))); // every value escaped
}

void TestCompareView::repairPreviewsThenRepairs()
{
    QVERIFY(m_window);
    CompareView *view = m_window->compareView();
    CascadeFixture &f = *m_f;
    view->results()->setCurrentItem(resultOf(view, kInfo));
    QVERIFY(view->repairButton()->isEnabled());

    const auto preview = [view]() -> RepairDialog * {
        QSignalSpy shown(view, &CompareView::repairPreviewShown);
        view->repairButton()->click();
        if (!view->isRepairing() || view->compareButton()->isEnabled())
            return nullptr; // busy while the dry run runs
        if (!shown.wait(60000))
            return nullptr;
        return view->repairDialog();
    };
    // The preview: the counts and the SQL; Cancel writes nothing.
    RepairDialog *dialog = preview();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->isModal());
    QCOMPARE(dialog->objectName(), QStringLiteral("repairDialog"));
    QVERIFY2(dialog->countsText().contains(QStringLiteral("insert 1, update 2, delete 1")),
             qPrintable(dialog->countsText()));
    const QString sql = dialog->sqlText();
    QVERIFY2(sql.contains(QStringLiteral("DELETE FROM ONLY \"digoal_01\".\"user_info\" WHERE "
                                         "ROW(\"userid\") = ROW('5001'::integer);")),
             qPrintable(sql));
    QVERIFY2(sql.contains(QStringLiteral("'德5'")), qPrintable(sql));
    QCOMPARE(sql.count(QStringLiteral("INSERT INTO")), 3); // one missing row, two updated
    {
        // The dialog over the window, as the user sees it.
        QPixmap picture = m_window->grab();
        const QPixmap over = dialog->grab();
        QPainter painter(&picture);
        const QRect at((picture.width() - over.width()) / 2, (picture.height() - over.height()) / 2,
                       over.width(), over.height());
        painter.drawPixmap(at.topLeft(), over);
        painter.setPen(QColor(120, 120, 120));
        painter.drawRect(at.adjusted(-1, -1, 0, 0)); // the frame a window manager would draw
        painter.end();
        saveScreenshot(picture, QStringLiteral("compare-repair.png"));
    }
    QSignalSpy finished(view, &CompareView::repairFinished);
    dialog->cancelButton()->click();
    QCOMPARE(finished.count(), 1);
    QVERIFY2(view->progressText().contains(QStringLiteral("canceled: nothing was written")),
             qPrintable(view->progressText()));
    auto still = f.compare(kInfo);
    QVERIFY_RESULT(still);
    QVERIFY(!still->isEmpty());

    // Repair: the row turns ok, and the leaf's table equals the root's.
    dialog = preview();
    QVERIFY(dialog);
    dialog->repairButton()->click();
    QVERIFY(finished.wait(60000));
    QTreeWidgetItem *info = resultOf(view, kInfo);
    QCOMPARE(info->text(CompareView::StatusColumn), QStringLiteral("ok"));
    QCOMPARE(info->text(CompareView::MissingColumn), QStringLiteral("0"));
    QCOMPARE(info->text(CompareView::ChangedColumn), QStringLiteral("0"));
    QCOMPARE(info->text(CompareView::NodeChecksumColumn),
             info->text(CompareView::ProviderChecksumColumn));
    QVERIFY2(view->progressText().contains(
                 QStringLiteral("inserted 1, updated 2, deleted 1 row(s); compared again: ok")),
             qPrintable(view->progressText()));
    QVERIFY(!view->repairButton()->isEnabled());
    QCOMPARE(view->differences()->keys()->topLevelItemCount(), 0);
    auto diff = f.compare(kInfo);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    // Replication goes on after the repair.
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname = "
                                                     "'after' WHERE userid < 20")}));
    QVERIFY_RESULT(f.waitSynced());
    diff = f.compare(kInfo);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    m_window.reset();
}

void TestCompareView::cancelStopsAWaitingRun()
{
    CascadeFixture &f = *m_f;
    // A paused leaf never applies the tick compare waits for: the run waits
    // (up to two minutes here) until Cancel.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    auto window = openWindow();
    QVERIFY(window);
    CompareView *view = window->compareView();
    view->picker()->waitSeconds()->setValue(120);

    QElapsedTimer beat;
    qint64 longest = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    connect(&heartbeat, &QTimer::timeout, this, [&] { longest = qMax(longest, beat.restart()); });
    QSignalSpy finished(view, &CompareView::compareFinished);
    view->compareButton()->click();
    QVERIFY(view->isRunning());
    QVERIFY(!view->compareButton()->isEnabled());
    QVERIFY(view->cancelButton()->isEnabled());
    beat.start();
    heartbeat.start();
    QTRY_VERIFY_WITH_TIMEOUT(view->progressText().contains(QStringLiteral(
                                 "waiting for the node to apply the provider's latest tick")),
                             15000);
    QTest::qWait(500);
    QVERIFY(view->isRunning());
    QElapsedTimer clock;
    clock.start();
    view->cancelButton()->click();
    QVERIFY(!view->cancelButton()->isEnabled());
    QVERIFY(finished.wait(10000));
    const qint64 took = clock.elapsed();
    heartbeat.stop();
    QVERIFY2(took < 3000, qPrintable(QString::number(took)));
    QVERIFY2(longest < 200, qPrintable(QString::number(longest)));
    QVERIFY(!view->isRunning());
    QVERIFY2(view->progressText().startsWith(QStringLiteral("Canceled at ")),
             qPrintable(view->progressText()));
    for (int i = 0; i < view->results()->topLevelItemCount(); ++i)
        QCOMPARE(view->results()->topLevelItem(i)->text(CompareView::StatusColumn),
                 QStringLiteral("not compared: canceled"));
    QVERIFY(view->compareButton()->isEnabled());

    // S3: a node that does not catch up within the wait is told so, never a
    // mismatch; the run stops there.
    view->picker()->waitSeconds()->setValue(1);
    QVERIFY(compare(view));
    const QList<CompareRow> rows = view->rows();
    QCOMPARE(rows.size(), 2);
    const QString first = view->results()->topLevelItem(0)->text(CompareView::StatusColumn);
    QVERIFY2(first.startsWith(QStringLiteral("failed: node leaf did not apply the provider's tick"))
                 && first.contains(QStringLiteral("it is paused"))
                 && first.contains(QStringLiteral("no false mismatch")),
             qPrintable(first));
    QCOMPARE(view->results()->topLevelItem(1)->text(CompareView::StatusColumn),
             QStringLiteral("not compared: the run stopped at the error of %1")
                 .arg(rows.at(0).table.name));
    QVERIFY(!view->progressText().contains(QStringLiteral("1 MISMATCH")));

    // Resumed, the same page compares again.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    view->picker()->waitSeconds()->setValue(30);
    QVERIFY(compare(view));
    QCOMPARE(resultOf(view, kInfo)->text(CompareView::StatusColumn), QStringLiteral("ok"));
}

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
