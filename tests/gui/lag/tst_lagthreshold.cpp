// The lag thresholds without a server: the default and the nodes' own in the local
// store (LagThreshold), their texts, the cascade tree marking a node over its
// threshold, the detail pane that gives a node its own, and the tray judging each
// node by its own. The status reads are synthetic, as CascadeMonitor hands them on.
//
// With FERRY_SCREENSHOT_DIR set, cascadeViewMarksLaggingNode() saves
// cascade-lag-threshold.png there (else to a temporary folder).
#include "cascade/cascademodel.h"
#include "cascade/cascadeview.h"
#include "cascade/nodedetailwidget.h"
#include "common/localstore.h"
#include "lag/laghistory.h"
#include "lag/lagtext.h"
#include "lag/lagthreshold.h"
#include "tray/trayhealth.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace ferry;
using namespace ferry::gui;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRoot = QStringLiteral("digoal_01");
const QString kLeaf = QStringLiteral("dst1");
const QString kLeaf2 = QStringLiteral("dst2");
const QString kRootLocation = QStringLiteral("host=10.0.0.1 port=5432 dbname=digoal_01 user=ferry");

NodeStatus node(const QString &name, std::optional<double> lag)
{
    NodeStatus n;
    n.name = name;
    n.type = name == kRoot ? NodeType::Root : NodeType::Leaf;
    n.providerNode = name == kRoot ? QString() : kRoot;
    n.location = name == kRoot
                     ? kRootLocation
                     : QStringLiteral("host=10.0.0.2 port=5432 dbname=%1 user=ferry").arg(name);
    n.lagSeconds = lag;
    n.tablesOk = 4;
    n.tick = 812;
    return n;
}

// A status read as the reader returns it: the root, a leaf 42 s behind and another
// 250 ms behind.
StatusReply reply()
{
    StatusReply r;
    r.token = 1;
    r.ok = true;
    r.readAt = QDateTime::currentDateTime();
    r.status.queue = kQueue;
    r.status.localNode = kLeaf;
    r.status.nodes = {node(kRoot, 0.0), node(kLeaf, 42.0), node(kLeaf2, 0.25)};
    return r;
}

NodeState stateOf(const CascadeModel &model, const QString &name)
{
    return NodeState(model.indexOfNode(name).data(CascadeModel::NodeStateRole).toInt());
}

QString cell(const CascadeModel &model, const QString &name, int column, int role = Qt::DisplayRole)
{
    return model.indexOfNode(name, column).data(role).toString();
}

} // namespace

class TestLagThreshold : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void storeKeepsDefaultAndOwn();
    void textsAreExact();
    void modelMarksNodesOverTheirThreshold();
    void detailPaneSetsTheNodesOwn();
    void cascadeViewMarksLaggingNode();
    void trayJudgesEachNodeByItsOwn();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
};

void TestLagThreshold::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestLagThreshold::init()
{
    m_store = std::make_unique<LocalStore>(
        m_dir.filePath(QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".sqlite")));
    QVERIFY(m_store->open().ok());
}

void TestLagThreshold::cleanup()
{
    m_store.reset();
}

void TestLagThreshold::storeKeepsDefaultAndOwn()
{
    const QString scope = LagHistory::scopeOf(reply().status);
    QCOMPARE(scope, kQueue + QLatin1Char('@') + kRootLocation);
    QCOMPARE(LagThreshold::load(nullptr).defaultSeconds, 30.0);
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);
    QVERIFY(LagThreshold::load(m_store.get()).own.isEmpty());
    // Whole seconds as older versions stored them; nonsense falls back to 30 s.
    QVERIFY(m_store->setSetting(LagThreshold::defaultKey(), 45));
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 45.0);
    QVERIFY(m_store->setSetting(LagThreshold::defaultKey(), -3));
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);
    QVERIFY(m_store->setSetting(LagThreshold::defaultKey(), QStringLiteral("soon")));
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);

    LagThreshold a(m_store.get());
    LagThreshold b(m_store.get());
    QSignalSpy changedA(&a, &LagThreshold::changed);
    QSignalSpy changedB(&b, &LagThreshold::changed);
    // Tenths of a second, at least one.
    a.setDefaultSeconds(0.25);
    QCOMPARE(a.defaultSeconds(), 0.3);
    QCOMPARE(b.defaultSeconds(), 0.3);
    QCOMPARE(changedA.count(), 1);
    QCOMPARE(changedB.count(), 1);
    QCOMPARE(m_store->setting(LagThreshold::defaultKey()).toDouble(), 0.3);
    a.setDefaultSeconds(0.01);
    QCOMPARE(b.defaultSeconds(), 0.1);
    a.setDefaultSeconds(12.34);
    QCOMPARE(b.defaultSeconds(), 12.3);
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 12.3);
    changedB.clear();
    a.setDefaultSeconds(12.3); // no change, no signal
    QCOMPARE(changedB.count(), 0);

    // A node's own, in its cascade only.
    b.setOwn(scope, kLeaf, 5);
    QCOMPARE(changedA.count(), 4);
    QCOMPARE(a.ownOf(scope, kLeaf), std::optional<double>(5.0));
    QCOMPARE(a.secondsFor(scope, kLeaf), 5.0);
    QCOMPARE(a.secondsFor(scope, kRoot), 12.3);
    QCOMPARE(a.secondsFor(QStringLiteral("other@host=elsewhere"), kLeaf), 12.3);
    const LagThresholds stored = LagThreshold::load(m_store.get());
    QCOMPARE(stored.forNode(scope, kLeaf), 5.0);
    QCOMPARE(stored.forNode(scope, kLeaf2), 12.3);
    QCOMPARE(LagThreshold(m_store.get()).secondsFor(scope, kLeaf), 5.0); // a later one
    // Changing the default leaves the node's own.
    a.setDefaultSeconds(60);
    QCOMPARE(b.secondsFor(scope, kLeaf), 5.0);
    QCOMPARE(b.secondsFor(scope, kLeaf2), 60.0);

    // Back to the default: nothing of it stays in the store.
    a.clearOwn(scope, kLeaf);
    QVERIFY(!b.ownOf(scope, kLeaf));
    QCOMPARE(b.secondsFor(scope, kLeaf), 60.0);
    QVERIFY(!m_store->containsSetting(LagThreshold::ownKey()));
    QVERIFY(LagThreshold::load(m_store.get()).own.isEmpty());

    // Without a store: in memory, and no other threshold hears of it.
    LagThreshold memory;
    QSignalSpy changedMemory(&memory, &LagThreshold::changed);
    changedB.clear();
    memory.setDefaultSeconds(2);
    QCOMPARE(memory.defaultSeconds(), 2.0);
    QCOMPARE(changedMemory.count(), 1);
    QCOMPARE(changedB.count(), 0);
    QCOMPARE(b.defaultSeconds(), 60.0);
}

void TestLagThreshold::textsAreExact()
{
    QCOMPARE(LagText::seconds(0.0004), QStringLiteral("0 ms"));
    QCOMPARE(LagText::seconds(0.25), QStringLiteral("250 ms"));
    QCOMPARE(LagText::seconds(0.9996), QStringLiteral("1 s"));
    QCOMPARE(LagText::seconds(4.25), QStringLiteral("4.3 s"));
    QCOMPARE(LagText::seconds(12.5), QStringLiteral("12.5 s"));
    QCOMPARE(LagText::seconds(42), QStringLiteral("42 s"));
    QCOMPARE(LagText::seconds(59.96), QStringLiteral("1 min"));
    QCOMPARE(LagText::seconds(125), QStringLiteral("2 min 5 s"));
    QCOMPARE(LagText::seconds(3600), QStringLiteral("1 h"));
    QCOMPARE(LagText::seconds(4200), QStringLiteral("1 h 10 min"));
    QCOMPARE(LagText::seconds(90000), QStringLiteral("1 d 1 h"));
    QCOMPARE(LagText::overThreshold(42, 30), QStringLiteral("lag 42 s over the 30 s threshold"));
    QCOMPARE(LagText::overThreshold(0.25, 0.2),
             QStringLiteral("lag 250 ms over the 200 ms threshold"));
    // Never "lag 30 s over the 30 s threshold".
    QCOMPARE(LagText::overThreshold(30.04, 30),
             QStringLiteral("lag 30.04 s over the 30 s threshold"));
}

void TestLagThreshold::modelMarksNodesOverTheirThreshold()
{
    CascadeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(m_store.get());
    model.setStatus(reply().status);
    QCOMPARE(model.scope(), LagHistory::scopeOf(reply().status));

    // 42 s over the default 30 s: a warning that says why.
    QCOMPARE(stateOf(model, kLeaf), NodeState::Warning);
    QCOMPARE(cell(model, kLeaf, CascadeModel::StateColumn), QStringLiteral("Warning"));
    const QString over = QStringLiteral("lag 42 s over the 30 s threshold");
    QCOMPARE(cell(model, kLeaf, CascadeModel::StateColumn, Qt::ToolTipRole), over);
    QCOMPARE(cell(model, kLeaf, CascadeModel::MessageColumn), over);
    QVERIFY(cell(model, kLeaf, CascadeModel::LagColumn, Qt::ToolTipRole).startsWith(over));
    QVERIFY(model.indexOfNode(kLeaf, CascadeModel::LagColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.indexOfNode(kLeaf, CascadeModel::StateColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());
    QVERIFY(model.indexOfNode(kLeaf).data(CascadeModel::LagOverThresholdRole).toBool());
    QCOMPARE(model.indexOfNode(kLeaf).data(CascadeModel::LagThresholdRole).toDouble(), 30.0);
    // The others are under it.
    QCOMPARE(stateOf(model, kRoot), NodeState::Ok);
    QCOMPARE(stateOf(model, kLeaf2), NodeState::Ok);
    QCOMPARE(cell(model, kLeaf2, CascadeModel::StateColumn, Qt::ToolTipRole), QString());
    QVERIFY(!model.indexOfNode(kLeaf2, CascadeModel::LagColumn).data(Qt::ForegroundRole).isValid());

    // A node's own threshold of 200 ms: 250 ms is over it.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.lagThreshold()->setOwn(model.scope(), kLeaf2, 0.2);
    QVERIFY(changed.count() >= 3);
    QCOMPARE(stateOf(model, kLeaf2), NodeState::Warning);
    QCOMPARE(cell(model, kLeaf2, CascadeModel::StateColumn, Qt::ToolTipRole),
             QStringLiteral("lag 250 ms over the 200 ms threshold"));
    QCOMPARE(model.indexOfNode(kLeaf2).data(CascadeModel::LagThresholdRole).toDouble(), 0.2);
    // Set elsewhere (the chart, another window): 60 s for the leaf, which is fine then.
    LagThreshold(m_store.get()).setOwn(model.scope(), kLeaf, 60);
    QCOMPARE(stateOf(model, kLeaf), NodeState::Ok);
    QCOMPARE(cell(model, kLeaf, CascadeModel::MessageColumn), QString());
    QCOMPARE(stateOf(model, kLeaf2), NodeState::Warning);
    model.lagThreshold()->clearOwn(model.scope(), kLeaf);

    // Along with the warnings of `status`; an error stays an error; no lag, no mark.
    CascadeStatus status = reply().status;
    status.nodes[1].warnings = {QStringLiteral("paused")};
    status.nodes[2].error = QStringLiteral("duplicate key");
    model.setStatus(status);
    QCOMPARE(stateOf(model, kLeaf), NodeState::Warning);
    QCOMPARE(cell(model, kLeaf, CascadeModel::MessageColumn), QStringLiteral("paused; ") + over);
    QCOMPARE(stateOf(model, kLeaf2), NodeState::Error);
    status.nodes[1].warnings.clear();
    status.nodes[1].reachable = false;
    status.nodes[1].lagSeconds.reset();
    status.nodes[1].error = QStringLiteral("unreachable: could not connect");
    model.setStatus(status);
    QCOMPARE(stateOf(model, kLeaf), NodeState::Unreachable);
    QVERIFY(!model.indexOfNode(kLeaf).data(CascadeModel::LagOverThresholdRole).toBool());

    // Without a store: the default of 30 s.
    CascadeModel plain;
    plain.setStatus(reply().status);
    QCOMPARE(stateOf(plain, kLeaf), NodeState::Warning);
    QCOMPARE(stateOf(plain, kLeaf2), NodeState::Ok);
}

void TestLagThreshold::detailPaneSetsTheNodesOwn()
{
    CascadeModel model;
    model.setStore(m_store.get());
    model.setStatus(reply().status);
    NodeDetailWidget detail;
    detail.setCascadeModel(&model);
    detail.resize(800, 400);
    detail.show();
    QVERIFY(QTest::qWaitForWindowExposed(&detail));
    detail.showNode(*model.node(model.indexOfNode(kLeaf)), true, kLeaf);

    auto *spin = detail.findChild<QDoubleSpinBox *>(QStringLiteral("nodeLagThreshold"));
    auto *note = detail.findChild<QLabel *>(QStringLiteral("nodeLagThresholdNote"));
    auto *useDefault = detail.findChild<QPushButton *>(QStringLiteral("nodeLagThresholdDefault"));
    auto *summary = detail.findChild<QLabel *>(QStringLiteral("nodeDetailSummary"));
    QVERIFY(spin && note && useDefault && summary);
    QVERIFY(spin->isVisible());
    QCOMPARE(spin->value(), 30.0);
    QCOMPARE(spin->minimum(), 0.1);
    QCOMPARE(spin->singleStep(), 0.1);
    QCOMPARE(spin->decimals(), 1);
    QCOMPARE(note->text(), QStringLiteral("the default"));
    QVERIFY(!useDefault->isEnabled());
    QVERIFY2(summary->text().contains(QStringLiteral("Lag: 42 s, over the 30 s threshold")),
             qPrintable(summary->text()));

    // Its own: 45.5 s, kept in the store; the tree follows.
    spin->setValue(45.5);
    QCOMPARE(LagThreshold::load(m_store.get()).forNode(model.scope(), kLeaf), 45.5);
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);
    QCOMPARE(stateOf(model, kLeaf), NodeState::Ok);
    QCOMPARE(note->text(), QStringLiteral("this node's own"));
    QVERIFY(useDefault->isEnabled());
    QVERIFY2(summary->text().contains(QStringLiteral("Lag: 42 s")), qPrintable(summary->text()));
    QVERIFY(!summary->text().contains(QStringLiteral("over")));
    // Another node shows its own threshold, here the default.
    detail.showNode(*model.node(model.indexOfNode(kLeaf2)), false, kLeaf);
    QCOMPARE(spin->value(), 30.0);
    QVERIFY(!useDefault->isEnabled());
    detail.showNode(*model.node(model.indexOfNode(kLeaf)), true, kLeaf);
    QCOMPARE(spin->value(), 45.5);

    // Back to the default.
    QTest::mouseClick(useDefault, Qt::LeftButton);
    QVERIFY(!LagThreshold::load(m_store.get()).ownOf(model.scope(), kLeaf));
    QCOMPARE(spin->value(), 30.0);
    QCOMPARE(note->text(), QStringLiteral("the default"));
    QVERIFY(!useDefault->isEnabled());
    QCOMPARE(stateOf(model, kLeaf), NodeState::Warning);

    // The default changed elsewhere (the Lag tab): the pane follows.
    LagThreshold(m_store.get()).setDefaultSeconds(50);
    QCOMPARE(spin->value(), 50.0);
    QCOMPARE(stateOf(model, kLeaf), NodeState::Ok);
}

void TestLagThreshold::cascadeViewMarksLaggingNode()
{
    CascadeView view;
    view.setStore(m_store.get());
    view.resize(1000, 560);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    CascadeModel *model = view.model();
    model->setStatus(reply().status);
    QCOMPARE(stateOf(*model, kLeaf), NodeState::Warning);
    view.tree()->setCurrentIndex(model->indexOfNode(kLeaf));
    QCOMPARE(view.detail()->nodeName(), kLeaf);

    // The view's detail pane edits the thresholds of the view's model.
    auto *spin = view.findChild<QDoubleSpinBox *>(QStringLiteral("nodeLagThreshold"));
    QVERIFY(spin && spin->isVisible());
    QCOMPARE(spin->value(), 30.0);
    spin->setValue(60);
    QCOMPARE(stateOf(*model, kLeaf), NodeState::Ok);
    QCOMPARE(LagThreshold::load(m_store.get()).forNode(model->scope(), kLeaf), 60.0);
    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("nodeLagThresholdDefault")),
                      Qt::LeftButton);
    QCOMPARE(stateOf(*model, kLeaf), NodeState::Warning);

    // The pane with a table and a log, as a read would fill it, for the screenshot.
    NodeDetail detail;
    detail.node = kLeaf;
    detail.local = true;
    detail.ok = true;
    for (const QString &table :
         {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session")}) {
        TableRow row;
        row.name = table;
        row.mergeState = QStringLiteral("ok");
        row.copiedRows = 1000;
        detail.tables << row;
    }
    LogTail log;
    log.path = QStringLiteral("/var/log/ferry/leaf_job.log");
    log.exists = true;
    log.lines = {QStringLiteral("2025-12-04 22:10:02 INFO applying batch 812 (4 events)")};
    detail.log = log;
    view.detail()->showDetail(detail);
    QCoreApplication::processEvents();
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(view.grab().save(QDir(dir).filePath(QStringLiteral("cascade-lag-threshold.png"))));
}

void TestLagThreshold::trayJudgesEachNodeByItsOwn()
{
    const StatusReply status = reply();
    const QString scope = LagHistory::scopeOf(status.status);
    TrayConfigStatus config;
    config.configPath = QStringLiteral("/etc/ferry/leaf_job.ini");
    config.jobName = QStringLiteral("leaf_job");
    config.worker = WorkerControl::Mode::RunningHere;
    config.status = status;

    // The default: the leaf 42 s behind is over 30 s, the other leaf is not.
    TrayHealth health;
    QList<TrayAlert> alerts = health.update({config}, LagThreshold::load(m_store.get()));
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: lag 42 s over the 30 s threshold"));
    QCOMPARE(health.state(), TrayState::Warning);

    // Own thresholds from the store: the first leaf 60 s, the other 200 ms.
    LagThreshold thresholds(m_store.get());
    thresholds.setOwn(scope, kLeaf, 60);
    thresholds.setOwn(scope, kLeaf2, 0.2);
    alerts = health.update({config}, LagThreshold::load(m_store.get()));
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().text, QStringLiteral("dst2: lag 250 ms over the 200 ms threshold"));
    QCOMPARE(health.warnings(),
             QStringList{QStringLiteral("dst2: lag 250 ms over the 200 ms threshold")});
    // Both back to the default, and the default up to a minute: all fine.
    thresholds.clearOwn(scope, kLeaf);
    thresholds.clearOwn(scope, kLeaf2);
    thresholds.setDefaultSeconds(60);
    QVERIFY(health.update({config}, LagThreshold::load(m_store.get())).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);
}

QTEST_MAIN(TestLagThreshold)
#include "tst_lagthreshold.moc"
