// The node detail pane's worker log without a server: it follows the end of
// the log as lines come in (also while long, wrapped lines are laid out after
// the text was set), stays where the user scrolled up to read, and follows
// again once the user is back at the end.
#include "cascade/cascadereader.h"
#include "cascade/nodedetailwidget.h"

#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTest>
#include <QTreeWidget>

using namespace ferry;
using namespace ferry::gui;

class TestNodeDetail : public QObject
{
    Q_OBJECT

private slots:
    void logFollowsTheEnd();
    void tablesShowWhatTheNodeKeeps();
};

namespace {

NodeDetail detailWith(int lines)
{
    NodeDetail detail;
    detail.node = QStringLiteral("dst1");
    detail.local = true;
    detail.ok = true;
    LogTail log;
    log.path = QStringLiteral("/var/log/ferry/leaf_job.log");
    log.exists = true;
    for (int i = 0; i < lines; ++i) {
        // Long enough to wrap in the pane: laid out lazily by QPlainTextEdit.
        log.lines << QStringLiteral("2026-12-04 22:10:%1 4242 INFO line %2 of the worker's log, "
                                    "applying batch %2 with a long message that wraps")
                         .arg(i % 60, 2, 10, QLatin1Char('0'))
                         .arg(i);
    }
    detail.log = log;
    return detail;
}

} // namespace

void TestNodeDetail::logFollowsTheEnd()
{
    NodeDetailWidget pane;
    pane.resize(700, 420);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    NodeStatus node;
    node.name = QStringLiteral("dst1");
    node.type = NodeType::Leaf;
    node.reachable = true;
    pane.showNode(node, true, node.name);
    auto *log = pane.findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"));
    QVERIFY(log);
    QScrollBar *bar = log->verticalScrollBar();

    pane.showDetail(detailWith(200));
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());
    QVERIFY(
        log->toPlainText().endsWith(QStringLiteral("line 199 of the worker's log, applying "
                                                   "batch 199 with a long message that wraps")));

    // New lines: still at the end once they are laid out.
    pane.showDetail(detailWith(260));
    QTest::qWait(50);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The user scrolls up to read: new lines leave the view where it is.
    // (The scroll bar counts laid-out lines, which change as wrapped lines are
    // laid out; the line at the top of the view is what the user reads.)
    const auto topLine = [log] {
        return log->cursorForPosition(QPoint(4, 4)).blockNumber();
    };
    for (int i = 0; i < 3; ++i)
        bar->triggerAction(QAbstractSlider::SliderPageStepSub);
    QTest::qWait(50);
    const int reading = topLine();
    QVERIFY(reading > 0);
    pane.showDetail(detailWith(320));
    QTest::qWait(50);
    QVERIFY2(qAbs(topLine() - reading) <= 1,
             qPrintable(QStringLiteral("%1 vs %2").arg(topLine()).arg(reading)));
    QVERIFY(bar->value() < bar->maximum());

    // Back at the end: it follows again.
    bar->triggerAction(QAbstractSlider::SliderToMaximum);
    QTest::qWait(50);
    pane.showDetail(detailWith(380));
    QTest::qWait(50);
    QTRY_COMPARE(bar->value(), bar->maximum());
}

// Seed S7's dst2: each table with its destination, and what the node keeps
// of it (a row condition, a column list) in a column of its own, shown only
// when some table keeps less than all.
void TestNodeDetail::tablesShowWhatTheNodeKeeps()
{
    NodeDetailWidget pane;
    pane.resize(900, 300);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    NodeStatus node;
    node.name = QStringLiteral("dst2");
    node.type = NodeType::Leaf;
    node.reachable = true;
    pane.showNode(node, true, node.name);
    NodeDetail detail;
    detail.node = node.name;
    detail.local = true;
    detail.ok = true;
    TableRow info;
    info.name = QStringLiteral("digoal_01.user_info");
    info.destination = QStringLiteral("digoal_02.user_info1");
    info.condition = QStringLiteral("userid < 1000");
    info.mergeState = QStringLiteral("ok");
    info.copiedRows = 999;
    TableRow logout;
    logout.name = QStringLiteral("digoal_01.user_logout_rec");
    logout.columns = {QStringLiteral("id"), QStringLiteral("userid")};
    logout.mergeState = QStringLiteral("catching-up");
    TableRow session;
    session.name = QStringLiteral("digoal_01.user_session");
    session.mergeState = QStringLiteral("ok");
    detail.tables = {info, logout, session};
    pane.showDetail(detail);

    auto *tables = pane.findChild<QTreeWidget *>(QStringLiteral("nodeTables"));
    QVERIFY(tables);
    QCOMPARE(tables->topLevelItemCount(), 3);
    const int kept = 3;
    QCOMPARE(tables->headerItem()->text(kept), QStringLiteral("Rows kept"));
    QVERIFY(!tables->isColumnHidden(kept));
    QCOMPARE(tables->topLevelItem(0)->text(0),
             QStringLiteral("digoal_01.user_info → digoal_02.user_info1"));
    QCOMPARE(tables->topLevelItem(0)->text(kept), QStringLiteral("where userid < 1000"));
    QVERIFY(tables->topLevelItem(0)->toolTip(kept).contains(QStringLiteral("every later change")));
    QCOMPARE(tables->topLevelItem(1)->text(kept), QStringLiteral("columns id, userid"));
    QCOMPARE(tables->topLevelItem(2)->text(kept), QString());
    QCOMPARE(tables->topLevelItem(2)->text(0), QStringLiteral("digoal_01.user_session"));
    if (const QByteArray dir = qgetenv("FERRY_SCREENSHOT_DIR"); !dir.isEmpty()) {
        pane.resize(1100, 260);
        pane.splitter()->setSizes({800, 300});
        QTest::qWait(50);
        pane.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/node-tables-kept.png"));
    }

    // A node that keeps everything shows no such column.
    detail.tables = {session};
    pane.showDetail(detail);
    QVERIFY(tables->isColumnHidden(kept));
}

QTEST_MAIN(TestNodeDetail)
#include "tst_nodedetail.moc"
