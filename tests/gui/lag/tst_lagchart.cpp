// The lag chart: a LagChartWidget fed with synthetic status reads and with history
// written to its store beforehand (lines per node, gaps after the refresh interval,
// the range and its reload, a lag axis that fits the data, the threshold line or its
// label above the plot, the hover text, points scrolling out), then the main window
// against a real root and leaf, whose Lag tab keeps its history across a restart.
//
// With FERRY_SCREENSHOT_DIR set, mainWindowKeepsHistory() saves lag-chart.png there
// (the `screenshots` target points it at docs/screenshots), with an hour of history;
// the other tests save lag-subsecond.png and lag-gap.png to it (else to a temporary
// folder).
#include "app/mainwindow.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "cascade/nodeadmin.h"
#include "common/localstore.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "lag/lagchartwidget.h"
#include "lag/laghistory.h"
#include "lag/lagthreshold.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QDoubleSpinBox>
#include <QGraphicsLineItem>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <cmath>
#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;
using Range = LagChartWidget::Range;

namespace {

const QString kRoot = QStringLiteral("root");
const QString kLeaf = QStringLiteral("leaf");
const QString kRootLocation = QStringLiteral("host=10.0.0.1 port=5432 dbname=root user=ferry");
const QString kScope = QStringLiteral("replika@") + kRootLocation;

NodeStatus node(const QString &name, std::optional<double> lag, bool reachable = true)
{
    NodeStatus n;
    n.name = name;
    n.type = name == kRoot ? NodeType::Root : NodeType::Leaf;
    n.location = name == kRoot ? kRootLocation : QStringLiteral("host=10.0.0.2 dbname=") + name;
    n.lagSeconds = lag;
    n.reachable = reachable;
    return n;
}

StatusReply reply(qint64 atMs, const QList<NodeStatus> &nodes)
{
    StatusReply r;
    r.token = 1;
    r.ok = true;
    r.readAt = QDateTime::fromMSecsSinceEpoch(atMs);
    r.status.queue = QStringLiteral("replika");
    r.status.localNode = kLeaf;
    r.status.nodes = nodes;
    return r;
}

StatusReply failedReply(qint64 atMs)
{
    StatusReply r;
    r.token = 1;
    r.readAt = QDateTime::fromMSecsSinceEpoch(atMs);
    r.error = QStringLiteral("could not connect");
    return r;
}

QPointF at(qint64 ms, double lag)
{
    return {qreal(ms), lag};
}

// The labels of the legend entries shown.
QStringList legendEntries(const LagChartWidget &chart)
{
    QStringList names;
    // New markers show once the legend has laid them out.
    QCoreApplication::processEvents();
    const auto markers = chart.chart()->legend()->markers();
    for (const QLegendMarker *marker : markers) {
        if (marker->isVisible())
            names << marker->label();
    }
    return names;
}

qint64 sampleCount(LocalStore &store)
{
    QSqlQuery q(store.database());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM lag_sample")) || !q.next())
        qFatal("cannot count lag_sample");
    return q.value(0).toLongLong();
}

// The points a chart must show for `history`: the known lags, oldest first.
QList<QPointF> knownPoints(const QList<LagPoint> &history)
{
    QList<QPointF> points;
    for (const LagPoint &p : history) {
        if (p.lagSeconds)
            points << at(p.atMs, *p.lagSeconds);
    }
    return points;
}

} // namespace

class TestLagChart : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void linesPerNodeFromStatus();
    void gapsBreakTheLine();
    void gapsFollowTheRefreshInterval();
    void samplesInOneBucketMerge();
    void historyLoadsAndRangeSwitchReloads();
    void lagAxisFitsSubSecondLags();
    void thresholdLineFollowsTheSetting();
    void oneNodeShownDrawsItsOwnThreshold();
    void hoverShowsEveryNodesLag();
    void pointsOutsideTheRangeAreDropped();
    void emptyStateTellsWhy();
    void timeLabelsAreRound();
    void mainWindowKeepsHistory();

private:
    std::unique_ptr<LagChartWidget> makeChart(Range range);
    void saveScreenshot(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
};

void TestLagChart::initTestCase()
{
    // Keeps QSettings away from the real ~/.config.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_lagchart"));
    QVERIFY(m_dir.isValid());
}

void TestLagChart::init()
{
    m_store = std::make_unique<LocalStore>(
        m_dir.filePath(QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".sqlite")));
    QVERIFY(m_store->open().ok());
}

void TestLagChart::cleanup()
{
    m_store.reset();
    QSettings().clear();
}

std::unique_ptr<LagChartWidget> TestLagChart::makeChart(Range range)
{
    auto chart = std::make_unique<LagChartWidget>(m_store.get());
    chart->setRange(range);
    chart->resize(900, 500);
    chart->show();
    if (!QTest::qWaitForWindowExposed(chart.get()))
        qFatal("the chart was not shown");
    return chart;
}

void TestLagChart::saveScreenshot(QWidget *widget, const QString &name)
{
    QCoreApplication::processEvents();
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
}

void TestLagChart::linesPerNodeFromStatus()
{
    auto chart = makeChart(Range::Minutes15);
    QVERIFY(!chart->isOpen());
    chart->open(kScope, {kRoot, kLeaf});
    QCOMPARE(chart->nodes(), (QStringList{kRoot, kLeaf}));
    // The threshold is far above these lags: named above the plot, not drawn.
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, kLeaf}));

    // 2 s apart: more than a bucket of the 15 min range (1.5 s), so no two merge.
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    chart->addStatus(reply(t, {node(kRoot, 0.0), node(kLeaf, 1.5)}));
    chart->addStatus(reply(t + 2000, {node(kRoot, 0.2), node(kLeaf, 2.5)}));
    chart->addStatus(reply(t + 4000, {node(kRoot, 0.1), node(kLeaf, 0.5)}));
    QCOMPARE(chart->points(kRoot),
             (QList<QPointF>{at(t, 0), at(t + 2000, 0.2), at(t + 4000, 0.1)}));
    QCOMPARE(chart->points(kLeaf),
             (QList<QPointF>{at(t, 1.5), at(t + 2000, 2.5), at(t + 4000, 0.5)}));
    QCOMPARE(chart->segmentCount(kRoot), 1);
    QCOMPARE(chart->segmentCount(kLeaf), 1);
    QCOMPARE(chart->rangeEndMs(), t + 4000);
    QCOMPARE(chart->emptyText(), QString());
    QVERIFY(chart->chartView()->isVisible());
    // Recording is the owner's part.
    QCOMPARE(sampleCount(*m_store), 0);

    // Another cascade's read is not drawn here.
    StatusReply other = reply(t + 6000, {node(kRoot, 9.0), node(kLeaf, 9.0)});
    other.status.nodes[0].location = QStringLiteral("host=elsewhere dbname=root");
    chart->addStatus(other);
    QCOMPARE(chart->points(kRoot).size(), 3);
    QCOMPARE(chart->rangeEndMs(), t + 4000);

    // A node that joins gets its line and legend entry.
    chart->addStatus(
        reply(t + 8000, {node(kRoot, 0.0), node(kLeaf, 0.4), node(QStringLiteral("leaf2"), 7.0)}));
    QCOMPARE(chart->nodes(), (QStringList{kRoot, kLeaf, QStringLiteral("leaf2")}));
    QCOMPARE(chart->points(QStringLiteral("leaf2")), QList<QPointF>{at(t + 8000, 7.0)});
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, kLeaf, QStringLiteral("leaf2")}));
    QCOMPARE(chart->points(kRoot).size(), 4);
}

void TestLagChart::gapsBreakTheLine()
{
    auto chart = makeChart(Range::Minutes15);
    chart->open(kScope, {kRoot, kLeaf});
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    chart->addStatus(reply(t, {node(kRoot, 0.0), node(kLeaf, 1.0)}));
    chart->addStatus(reply(t + 2000, {node(kRoot, 0.0), node(kLeaf, 5.0, false)}));
    chart->addStatus(reply(t + 4000, {node(kRoot, 0.0), node(kLeaf, 2.0)}));
    chart->addStatus(failedReply(t + 6000)); // nothing could be read: every line breaks
    chart->addStatus(reply(t + 8000, {node(kRoot, 0.0), node(kLeaf, 3.0)}));
    chart->addStatus(reply(t + 10000, {node(kRoot, 0.0), node(kLeaf, 4.0)}));
    // More than 3 minutes without a read: not joined either.
    chart->addStatus(reply(t + 250000, {node(kRoot, 0.0), node(kLeaf, 5.0)}));

    // No zero where the leaf did not answer: its line has holes.
    QCOMPARE(chart->points(kLeaf), (QList<QPointF>{at(t, 1.0), at(t + 4000, 2.0), at(t + 8000, 3.0),
                                                   at(t + 10000, 4.0), at(t + 250000, 5.0)}));
    QCOMPARE(chart->segmentCount(kLeaf), 4);
    QCOMPARE(chart->points(kRoot).size(), 6);
    QCOMPARE(chart->segmentCount(kRoot), 3);
    // The lone points show as dots (the leaf's first, second and last, the root's last).
    int dots = 0;
    const auto series = chart->chart()->series();
    for (const QAbstractSeries *s : series) {
        const auto *line = qobject_cast<const QLineSeries *>(s);
        if (line && line->pointsVisible()) {
            QCOMPARE(line->count(), 1);
            ++dots;
        }
    }
    QCOMPARE(dots, 4);
    // Still one legend entry per node.
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, kLeaf}));
}

void TestLagChart::gapsFollowTheRefreshInterval()
{
    // Read every 2 s, and 20 s when nobody watched: a break, not a straight line (the
    // chart joined reads up to 3 minutes apart).
    auto chart = makeChart(Range::Minutes15);
    QCOMPARE(chart->refreshIntervalSeconds(), 2);
    QCOMPARE(chart->gapMs(), 6000);
    chart->open(kScope, {kRoot, kLeaf});
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    const QList<qint64> times = {t, t + 2000, t + 4000, t + 24000, t + 26000, t + 28000};
    for (qint64 at : times)
        chart->addStatus(reply(at, {node(kRoot, 0.1), node(kLeaf, 1.5)}));
    QCOMPARE(chart->points(kLeaf).size(), 6);
    QCOMPARE(chart->segmentCount(kLeaf), 2);
    QCOMPARE(chart->segmentCount(kRoot), 2);
    // Each stretch is a series of its own: the first ends before the hole.
    QList<int> counts;
    for (const QAbstractSeries *s : chart->chart()->series()) {
        const auto *line = qobject_cast<const QLineSeries *>(s);
        if (line && line->name() == kLeaf && line->count() > 0) {
            counts << line->count();
            QVERIFY(line->at(line->count() - 1).x() - line->at(0).x() <= 4000);
        }
    }
    QCOMPARE(counts, (QList<int>{3, 3}));

    // The same from the store: 14 minutes of reads 2 s apart but for 2 minutes when the
    // window was closed, and 40 s when the leaf did not answer.
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 14 * 60 * 1000;
    int reads = 0;
    {
        LagHistory history(m_store.get());
        for (int i = 0; i < 420; ++i) {
            const qint64 atMs = start + i * 2000;
            if (i >= 150 && i < 210)
                continue; // nobody watched
            const bool unreachable = i >= 300 && i < 320;
            const double wave = 0.5 + 0.5 * std::sin(i / 12.0);
            QVERIFY(history.record(
                reply(atMs, {node(kRoot, 0.05 + 0.1 * wave),
                             node(kLeaf, unreachable ? std::nullopt : std::optional(0.8 + wave),
                                  !unreachable)})));
            ++reads;
        }
    }
    chart->close();
    chart->open(kScope, {kRoot, kLeaf});
    QCOMPARE(chart->points(kRoot).size(), reads);
    QCOMPARE(chart->points(kLeaf).size(), reads - 20);
    QCOMPARE(chart->segmentCount(kRoot), 2);
    QCOMPARE(chart->segmentCount(kLeaf), 3);
    saveScreenshot(chart.get(), QStringLiteral("lag-gap.png"));

    // Read every minute, 2 minutes is no hole: the root's line is joined again, the
    // leaf's stays broken where it did not answer.
    chart->setRefreshIntervalSeconds(60);
    QCOMPARE(chart->gapMs(), 180000);
    QCOMPARE(chart->points(kRoot).size(), reads);
    QCOMPARE(chart->segmentCount(kRoot), 1);
    QCOMPARE(chart->segmentCount(kLeaf), 2);

    // Longer ranges: three of their buckets.
    chart->setRefreshIntervalSeconds(2);
    chart->setRange(Range::Hour1);
    QCOMPARE(chart->gapMs(), 3 * 6000);
    chart->setRange(Range::Days7);
    QCOMPARE(chart->gapMs(), 3 * LagHistory::bucketMs(0, LagChartWidget::rangeMs(Range::Days7)));
}

void TestLagChart::samplesInOneBucketMerge()
{
    // The 1 h range has buckets of 6 s, as LagHistory::samples() returns them: reads
    // within one make one point with the largest lag.
    auto chart = makeChart(Range::Hour1);
    chart->open(kScope, {kRoot});
    const qint64 origin = chart->rangeStartMs();
    const qint64 bucket = LagHistory::bucketMs(origin, chart->rangeEndMs());
    QCOMPARE(bucket, 6000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 base = origin + ((now + 1000 - origin) / bucket + 1) * bucket;
    chart->addStatus(reply(base + 100, {node(kRoot, 1.0)}));
    chart->addStatus(reply(base + 2000, {node(kRoot, 3.0)}));
    chart->addStatus(reply(base + 4000, {node(kRoot, 2.0)}));
    chart->addStatus(reply(base + 6100, {node(kRoot, 0.5)}));
    QCOMPARE(chart->points(kRoot), (QList<QPointF>{at(base + 100, 3.0), at(base + 6100, 0.5)}));
    QCOMPARE(chart->segmentCount(kRoot), 1);
}

void TestLagChart::historyLoadsAndRangeSwitchReloads()
{
    // Written before the chart exists: 5 reads 10 s apart 50 min ago and 10 min ago.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 early = now - 50 * 60 * 1000;
    const qint64 late = now - 10 * 60 * 1000;
    QList<QPointF> earlyLeaf;
    QList<QPointF> lateLeaf;
    {
        LagHistory history(m_store.get());
        for (int i = 0; i < 5; ++i) {
            QVERIFY(history.record(
                reply(early + i * 10000, {node(kRoot, 0.1 * i), node(kLeaf, 1.0 + i)})));
            earlyLeaf << at(early + i * 10000, 1.0 + i);
        }
        for (int i = 0; i < 5; ++i) {
            QVERIFY(
                history.record(reply(late + i * 10000, {node(kRoot, 0.0), node(kLeaf, 10.0 + i)})));
            lateLeaf << at(late + i * 10000, 10.0 + i);
        }
    }
    auto chart = makeChart(Range::Minutes15);
    chart->setRefreshIntervalSeconds(10); // as the history was read
    chart->open(kScope);
    QCOMPARE(chart->nodes(), (QStringList{kLeaf, kRoot})); // by name without a status
    QCOMPARE(chart->points(kLeaf), lateLeaf);
    QCOMPARE(chart->points(kRoot).size(), 5);
    QCOMPARE(chart->segmentCount(kLeaf), 1);

    auto *hour = chart->findChild<QToolButton *>(QStringLiteral("lagRange1h"));
    QVERIFY(hour);
    QVERIFY(!hour->isChecked());
    QTest::mouseClick(hour, Qt::LeftButton);
    QVERIFY(hour->isChecked());
    QCOMPARE(chart->range(), Range::Hour1);
    QCOMPARE(m_store->setting(QStringLiteral("lag/range")).toInt(), int(Range::Hour1));
    QCOMPARE(chart->points(kLeaf), earlyLeaf + lateLeaf);
    QCOMPARE(chart->segmentCount(kLeaf), 2); // 40 minutes apart
    QCOMPARE(chart->points(kRoot).size(), 10);
    QCOMPARE(chart->rangeEndMs() - chart->rangeStartMs(), 3600 * 1000);

    QTest::mouseClick(chart->findChild<QToolButton *>(QStringLiteral("lagRange15m")),
                      Qt::LeftButton);
    QCOMPARE(chart->points(kLeaf), lateLeaf);
    QCOMPARE(chart->segmentCount(kLeaf), 1);

    // The range is kept in the store.
    QTest::mouseClick(hour, Qt::LeftButton);
    LagChartWidget again(m_store.get());
    QCOMPARE(again.range(), Range::Hour1);
    QVERIFY(again.findChild<QToolButton *>(QStringLiteral("lagRange1h"))->isChecked());
}

void TestLagChart::lagAxisFitsSubSecondLags()
{
    // A threshold of 30 s and lags of a few hundred milliseconds: the axis fits the
    // lags, in ms, and the threshold is named above the plot.
    // 14 minutes of reads 2 s apart, the leaf between 100 and 250 ms.
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 14 * 60 * 1000;
    {
        LagHistory history(m_store.get());
        for (int i = 0; i < 420; ++i) {
            const double leaf = i == 200 ? 0.25 : 0.1 + 0.12 * (0.5 + 0.5 * std::sin(i / 25.0));
            QVERIFY(history.record(
                reply(start + i * 2000,
                      {node(kRoot, 0.03 + 0.01 * std::sin(i / 40.0)), node(kLeaf, leaf)})));
        }
    }
    auto chart = makeChart(Range::Minutes15);
    chart->open(kScope, {kRoot, kLeaf});
    QCOMPARE(chart->thresholdSeconds(), 30.0);
    QCOMPARE(chart->points(kLeaf).size(), 420);
    QCOMPARE(chart->lagAxis()->max(), 0.3);
    QCOMPARE(chart->lagAxis()->categoriesLabels(),
             (QStringList{QStringLiteral("0 ms"), QStringLiteral("100 ms"),
                          QStringLiteral("200 ms"), QStringLiteral("300 ms")}));
    QVERIFY(chart->thresholdSeries()->points().isEmpty());
    QLabel *above = chart->findChild<QLabel *>(QStringLiteral("lagThresholdAbove"));
    QCOMPARE(above, chart->thresholdAboveLabel());
    QVERIFY(above->isVisible());
    QCOMPARE(above->text(), QStringLiteral("threshold 30 s (above)"));
    // At the plot's top right, inside the chart.
    QCoreApplication::processEvents();
    const QPoint plotTopRight = chart->chartView()->mapFromScene(
        chart->chart()->mapToScene(chart->chart()->plotArea().topRight()));
    QVERIFY(qAbs(above->geometry().right() - plotTopRight.x()) < 10);
    QVERIFY(qAbs(above->geometry().top() - plotTopRight.y()) < 10);
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, kLeaf}));
    saveScreenshot(chart.get(), QStringLiteral("lag-subsecond.png"));

    // Lags near zero: the axis keeps a tenth of a second.
    chart->setNodeVisible(kLeaf, false);
    QCOMPARE(chart->lagAxis()->max(), 0.1);
    QCOMPARE(
        chart->lagAxis()->categoriesLabels(),
        (QStringList{QStringLiteral("0 ms"), QStringLiteral("20 ms"), QStringLiteral("40 ms"),
                     QStringLiteral("60 ms"), QStringLiteral("80 ms"), QStringLiteral("100 ms")}));
    chart->setNodeVisible(kLeaf, true);
    QCOMPARE(chart->lagAxis()->max(), 0.3);

    // A lag over the threshold: the axis grows past it and the line is drawn.
    chart->addStatus(
        reply(QDateTime::currentMSecsSinceEpoch() + 1000, {node(kRoot, 0.02), node(kLeaf, 40.0)}));
    QCOMPARE(chart->lagAxis()->max(), 50.0);
    QVERIFY(above->isHidden());
    QCOMPARE(chart->thresholdSeries()->points(),
             (QList<QPointF>{at(chart->rangeStartMs(), 30), at(chart->rangeEndMs(), 30)}));
    QCOMPARE(legendEntries(*chart),
             (QStringList{kRoot, kLeaf, QStringLiteral("Threshold (30 s)")}));
}

void TestLagChart::thresholdLineFollowsTheSetting()
{
    // An int of whole seconds, as older versions stored it.
    QVERIFY(m_store->setSetting(LagThreshold::defaultKey(), 45));
    auto chart = makeChart(Range::Minutes15);
    chart->open(kScope, {kRoot});
    chart->addStatus(reply(QDateTime::currentMSecsSinceEpoch() + 1000, {node(kRoot, 50.0)}));
    QCOMPARE(chart->thresholdSeconds(), 45.0);
    auto *spin = chart->findChild<QDoubleSpinBox *>(QStringLiteral("lagThreshold"));
    QVERIFY(spin);
    QCOMPARE(spin->value(), 45.0);
    QCOMPARE(spin->minimum(), 0.1);
    QCOMPARE(spin->singleStep(), 0.1);
    QLineSeries *line = chart->thresholdSeries();
    QCOMPARE(line->points(),
             (QList<QPointF>{at(chart->rangeStartMs(), 45), at(chart->rangeEndMs(), 45)}));
    QCOMPARE(line->name(), QStringLiteral("Threshold (45 s)"));
    QCOMPARE(line->pen().style(), Qt::DashLine);
    QCOMPARE(line->pen().color(), QColor(0xdc, 0x26, 0x26));
    QCOMPARE(chart->lagAxis()->max(), 60.0);

    // A tenth of a second, stored as such, for the tray and the cascade view too.
    QSignalSpy changed(chart->lagThreshold(), &LagThreshold::changed);
    spin->setValue(12.5);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(chart->thresholdSeconds(), 12.5);
    QCOMPARE(m_store->setting(LagThreshold::defaultKey()).toDouble(), 12.5);
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 12.5);
    QCOMPARE(line->points().at(0).y(), 12.5);
    QCOMPARE(line->name(), QStringLiteral("Threshold (12.5 s)"));
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, QStringLiteral("Threshold (12.5 s)")}));
    // Not below a tenth of a second.
    spin->setValue(0);
    QCOMPARE(chart->thresholdSeconds(), 0.1);

    // Another window reads what this one stored, and follows what it changes.
    LagChartWidget other(m_store.get());
    QCOMPARE(other.thresholdSeconds(), 0.1);
    spin->setValue(20);
    QCOMPARE(other.thresholdSeconds(), 20.0);
    QCOMPARE(other.findChild<QDoubleSpinBox *>(QStringLiteral("lagThreshold"))->value(), 20.0);
}

void TestLagChart::oneNodeShownDrawsItsOwnThreshold()
{
    auto chart = makeChart(Range::Minutes15);
    chart->lagThreshold()->setDefaultSeconds(5);
    chart->lagThreshold()->setOwn(kScope, kLeaf, 2.5);
    chart->open(kScope, {kRoot, kLeaf});
    chart->addStatus(
        reply(QDateTime::currentMSecsSinceEpoch() + 1000, {node(kRoot, 6.0), node(kLeaf, 3.0)}));
    // Both shown: the default.
    QCOMPARE(chart->thresholdSeconds(), 5.0);
    QCOMPARE(chart->thresholdSeries()->name(), QStringLiteral("Threshold (5 s)"));
    // The leaf alone (its legend entry clicked): its own, and the axis fits its lags.
    const auto markers = chart->chart()->legend()->markers();
    QLegendMarker *rootMarker = nullptr;
    for (QLegendMarker *marker : markers) {
        if (marker->isVisible() && marker->label() == kRoot)
            rootMarker = marker;
    }
    QVERIFY(rootMarker);
    emit rootMarker->clicked();
    QVERIFY(!chart->isNodeVisible(kRoot));
    QCOMPARE(chart->thresholdSeconds(), 2.5);
    QCOMPARE(chart->thresholdSeries()->name(), QStringLiteral("Threshold of leaf (2.5 s)"));
    QCOMPARE(chart->thresholdSeries()->points().at(0).y(), 2.5);
    QCOMPARE(chart->lagAxis()->max(), 4.0);
    // The root's entry stays, to show it again.
    QVERIFY(legendEntries(*chart).contains(kRoot));
    // The root alone: no own threshold of its own, the default.
    chart->setNodeVisible(kRoot, true);
    chart->setNodeVisible(kLeaf, false);
    QCOMPARE(chart->thresholdSeconds(), 5.0);
    QCOMPARE(chart->lagAxis()->max(), 8.0);
    chart->setNodeVisible(kLeaf, true);
    chart->setNodeVisible(kRoot, false);
    // Changed elsewhere (the detail pane): the chart follows.
    LagThreshold(m_store.get()).setOwn(kScope, kLeaf, 30);
    QCOMPARE(chart->thresholdSeconds(), 30.0);
    QVERIFY(chart->thresholdAboveLabel()->isVisible());
    QCOMPARE(chart->thresholdAboveLabel()->text(),
             QStringLiteral("threshold of leaf: 30 s (above)"));
}

void TestLagChart::hoverShowsEveryNodesLag()
{
    // Reads 2 minutes apart, so that they lie well apart on the 15 min axis.
    auto chart = makeChart(Range::Minutes15);
    chart->setRefreshIntervalSeconds(120);
    chart->open(kScope, {kRoot, kLeaf});
    const qint64 minute = 60 * 1000;
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    chart->addStatus(reply(t, {node(kRoot, 0.05), node(kLeaf, 1.5)}));
    chart->addStatus(reply(t + 2 * minute, {node(kRoot, 0.12), node(kLeaf, std::nullopt, false)}));
    chart->addStatus(reply(t + 4 * minute, {node(kRoot, 0.08), node(kLeaf, 2.25)}));
    QCoreApplication::processEvents();
    QVERIFY(chart->hoverText().isEmpty());

    // The viewport position of a read, a few pixels off it.
    const auto viewPos = [&chart](qint64 atMs, double lag) {
        QLineSeries *anySeries = chart->thresholdSeries();
        const QPointF inChart = chart->chart()->mapToPosition(at(atMs, lag), anySeries);
        return chart->chartView()->mapFromScene(chart->chart()->mapToScene(inChart));
    };
    QWidget *viewport = chart->chartView()->viewport();
    QTest::mouseMove(viewport, viewPos(t + 2 * minute, 0.5) + QPoint(2, 0));
    QTRY_VERIFY(!chart->hoverText().isEmpty());
    const QString time = QLocale().toString(QDateTime::fromMSecsSinceEpoch(t + 2 * minute),
                                            QStringLiteral("HH:mm:ss"));
    QCOMPARE(chart->hoverText(), QStringList({time, QStringLiteral("root: 120 ms"),
                                              QStringLiteral("leaf: no lag read")})
                                     .join(QLatin1Char('\n')));
    QVERIFY(chart->hoverLabel()->isVisible());
    QVERIFY(chart->hoverCursor()->isVisible());
    // At the read, not where the mouse is.
    const qreal readX
        = chart->chart()->mapToPosition(at(t + 2 * minute, 0), chart->thresholdSeries()).x();
    QVERIFY2(qAbs(chart->hoverCursor()->line().x1() - readX) < 0.5,
             qPrintable(QStringLiteral("%1 %2").arg(chart->hoverCursor()->line().x1()).arg(readX)));

    QTest::mouseMove(viewport, viewPos(t + 4 * minute, 1) - QPoint(3, 0));
    QTRY_VERIFY(chart->hoverText().contains(QStringLiteral("leaf: 2.3 s")));
    QVERIFY(chart->hoverText().contains(QStringLiteral("root: 80 ms")));
    saveScreenshot(chart.get(), QStringLiteral("lag-hover.png"));

    // Off the plot: gone.
    QTest::mouseMove(viewport, QPoint(2, 2));
    QTRY_VERIFY(chart->hoverText().isEmpty());
    QVERIFY(!chart->hoverCursor()->isVisible());
}

void TestLagChart::pointsOutsideTheRangeAreDropped()
{
    auto chart = makeChart(Range::Minutes15);
    chart->lagThreshold()->setDefaultSeconds(3); // within these lags: drawn
    chart->open(kScope, {kRoot, kLeaf});
    const qint64 minute = 60 * 1000;
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    chart->addStatus(reply(t, {node(kRoot, 0.0), node(kLeaf, 1.0)}));
    chart->addStatus(reply(t + 5 * minute, {node(kRoot, 0.0), node(kLeaf, 2.0)}));
    chart->addStatus(reply(t + 10 * minute, {node(kRoot, 0.0), node(kLeaf, 3.0)}));
    QCOMPARE(chart->points(kLeaf).size(), 3);
    QCOMPARE(chart->segmentCount(kLeaf), 3);

    chart->addStatus(reply(t + 16 * minute, {node(kRoot, 0.0), node(kLeaf, 4.0)}));
    QCOMPARE(chart->rangeEndMs(), t + 16 * minute);
    QCOMPARE(chart->rangeStartMs(), t + minute);
    QCOMPARE(chart->points(kLeaf),
             (QList<QPointF>{at(t + 5 * minute, 2.0), at(t + 10 * minute, 3.0),
                             at(t + 16 * minute, 4.0)}));
    QCOMPARE(chart->segmentCount(kLeaf), 3); // the emptied stretch is gone
    QCOMPARE(chart->timeAxis()->min(), qreal(t + minute));
    QCOMPARE(chart->timeAxis()->max(), qreal(t + 16 * minute));
    QCOMPARE(chart->thresholdSeries()->points().at(0).x(), qreal(t + minute));
    QCOMPARE(chart->thresholdSeries()->points().at(1).x(), qreal(t + 16 * minute));
    // The legend keeps the node.
    QCOMPARE(legendEntries(*chart), (QStringList{kRoot, kLeaf, QStringLiteral("Threshold (3 s)")}));

    // Everything scrolled out: the empty state says why.
    chart->addStatus(reply(t + 40 * minute,
                           {node(kRoot, std::nullopt, false), node(kLeaf, std::nullopt, false)}));
    QVERIFY(chart->points(kLeaf).isEmpty());
    QCOMPARE(chart->segmentCount(kLeaf), 0);
    QVERIFY(
        chart->emptyText().startsWith(QStringLiteral("No lag was measured in this time range")));
}

void TestLagChart::emptyStateTellsWhy()
{
    auto chart = makeChart(Range::Hour1);
    QCOMPARE(chart->emptyText(),
             QStringLiteral("The lag chart starts with the first status read of the cascade."));
    QVERIFY(!chart->chartView()->isVisible());
    chart->open(kScope, {kRoot, kLeaf});
    const QString noHistory = QStringLiteral(
        "No lag history yet. Ferry records the lag of every node each time it reads the status "
        "of the cascade, and keeps it for 8 days.");
    QCOMPARE(chart->emptyText(), noHistory);
    const qint64 t = QDateTime::currentMSecsSinceEpoch() + 1000;
    chart->addStatus(
        reply(t, {node(kRoot, std::nullopt, false), node(kLeaf, std::nullopt, false)}));
    QCOMPARE(chart->emptyText(), noHistory);
    chart->addStatus(reply(t + 10000, {node(kRoot, 0.0), node(kLeaf, 1.0)}));
    QCOMPARE(chart->emptyText(), QString());
    QVERIFY(chart->chartView()->isVisible());
    chart->close();
    QVERIFY(chart->nodes().isEmpty());
    QVERIFY(!chart->chartView()->isVisible());

    // History, but older than the range.
    {
        LagHistory history(m_store.get());
        QVERIFY(history.record(reply(QDateTime::currentMSecsSinceEpoch() - 2 * 3600 * 1000,
                                     {node(kRoot, 0.0), node(kLeaf, 2.0)})));
    }
    chart->open(kScope, {kRoot, kLeaf});
    QCOMPARE(chart->emptyText(),
             QStringLiteral("No lag was measured in this time range. Choose a longer range to "
                            "see older history."));
    chart->setRange(Range::Hours24);
    QCOMPARE(chart->emptyText(), QString());
    QCOMPARE(chart->points(kLeaf).size(), 1);
}

void TestLagChart::timeLabelsAreRound()
{
    auto chart = makeChart(Range::Minutes15);
    chart->resize(1000, 560);
    chart->open(kScope, {kRoot});
    chart->addStatus(reply(QDateTime::currentMSecsSinceEpoch() + 1000, {node(kRoot, 0.5)}));
    const QRegularExpression shortLabel(QStringLiteral("^\\d\\d:\\d\\d$"));
    const QRegularExpression longLabel(QStringLiteral("^\\d\\d-\\d\\d \\d\\d:\\d\\d$"));
    const QList<qint64> steps = {60000,   120000,   300000,   600000,   900000,   1800000,  3600000,
                                 7200000, 10800000, 21600000, 43200000, 86400000, 172800000};
    for (Range range : {Range::Minutes15, Range::Hour1, Range::Hours24, Range::Days7}) {
        chart->setRange(range);
        QCoreApplication::processEvents();
        const bool isLong = range == Range::Hours24 || range == Range::Days7;
        QCategoryAxis *axis = chart->timeAxis();
        const QStringList labels = axis->categoriesLabels();
        QVERIFY2(labels.size() >= 4, qPrintable(labels.join(QLatin1Char(' '))));
        QVERIFY2(labels.size() <= 16, qPrintable(labels.join(QLatin1Char(' '))));
        const qint64 step = qint64(axis->endValue(labels[1]) - axis->endValue(labels[0]));
        const qint64 margin = (chart->rangeEndMs() - chart->rangeStartMs()) / 100;
        const qint64 offset
            = QDateTime::fromMSecsSinceEpoch(chart->rangeEndMs()).offsetFromUtc() * 1000LL;
        QVERIFY2(steps.contains(step), qPrintable(QString::number(step)));
        for (int i = 0; i < labels.size(); ++i) {
            const qint64 value = qint64(axis->endValue(labels[i]));
            QVERIFY(value > chart->rangeStartMs());
            QVERIFY(value <= chart->rangeEndMs() - margin);
            if (i > 0)
                QCOMPARE(value - qint64(axis->endValue(labels[i - 1])), step);
            const QDateTime time = QDateTime::fromMSecsSinceEpoch(value);
            // A whole multiple of the step in local time (as of the range's end).
            QCOMPARE((value + offset) % step, 0);
            QCOMPARE(labels[i], time.toString(isLong ? QStringLiteral("MM-dd HH:mm")
                                                     : QStringLiteral("HH:mm")));
            QVERIFY((isLong ? longLabel : shortLabel).match(labels[i]).hasMatch());
        }
        // Every multiple of the step in the range has its label, but those within 1 % of
        // an edge.
        const qint64 first = qint64(axis->endValue(labels.first()));
        QVERIFY(first >= chart->rangeStartMs() + margin);
        QVERIFY(first - step < chart->rangeStartMs() + margin);
        QCOMPARE(qint64(labels.size()), (chart->rangeEndMs() - margin - first) / step + 1);
    }
}

void TestLagChart::mainWindowKeepsHistory()
{
    const QString rootName = QStringLiteral("digoal_01");
    const QString leafName = QStringLiteral("dst1");
    const QString queue = QStringLiteral("replika");
    PgCluster root;
    PgCluster leaf;
    QVERIFY_RESULT(root.start());
    QVERIFY_RESULT(leaf.start());
    QVERIFY_RESULT(root.createDatabase(rootName));
    QVERIFY_RESULT(leaf.createDatabase(leafName));
    NodeSetup rootSetup;
    rootSetup.db = *ConnectionString::parse(root.connectionString(rootName));
    rootSetup.queue = queue;
    rootSetup.nodeName = rootName;
    rootSetup.workerName = QStringLiteral("root_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(rootSetup));
    NodeSetup leafSetup;
    leafSetup.db = *ConnectionString::parse(leaf.connectionString(leafName));
    leafSetup.queue = queue;
    leafSetup.nodeName = leafName;
    leafSetup.workerName = QStringLiteral("leaf_job");
    leafSetup.location = leafSetup.db;
    leafSetup.provider = rootSetup.db;
    QVERIFY_RESULT(NodeAdmin::createLeaf(leafSetup));
    const QString ini = m_dir.filePath(QStringLiteral("leaf.ini"));
    QVERIFY(ferry::test::writeText(
        ini, QStringLiteral("[ferry]\njob_name = leaf_job\ndb = %1\nqueue_name = %2\n")
                 .arg(leaf.connectionString(leafName), queue)));

    // Refreshes only when asked, at least 1.6 s apart: each read its own point in the
    // 15 min range (buckets of 1.5 s), so the points are exactly the reads.
    QVERIFY(m_store->setSetting(QStringLiteral("View/refreshInterval"), 3600));
    const auto readTimes = [](MainWindow &window, QSignalSpy &spy, int reads) {
        for (int i = spy.count(); i < reads; ++i) {
            QTest::qWait(1600);
            window.cascadeView()->refreshNow();
            QTRY_COMPARE_WITH_TIMEOUT(spy.count(), i + 1, 10000);
        }
    };
    const auto expectedPoints = [](const QSignalSpy &spy, const QString &name) {
        QList<QPointF> points;
        for (const QList<QVariant> &args : spy) {
            const auto r = args.at(0).value<StatusReply>();
            for (const NodeStatus &n : r.status.nodes) {
                if (n.name == name && n.reachable && n.lagSeconds)
                    points << at(r.readAt.toMSecsSinceEpoch(), *n.lagSeconds);
            }
        }
        return points;
    };

    QList<QPointF> rootPoints;
    QList<QPointF> leafPoints;
    QString scope;
    {
        MainWindow window(m_store.get());
        window.resize(MainWindow::defaultSize());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        LagChartWidget *chart = window.lagChart();
        QVERIFY(chart);
        QCOMPARE(window.tabs()->indexOf(chart), 1);
        QCOMPARE(window.tabs()->tabText(1), QStringLiteral("Lag"));
        QCOMPARE(window.findChild<LagChartWidget *>(QStringLiteral("lagChart")), chart);
        chart->setRange(Range::Minutes15);

        QSignalSpy reads(window.cascadeView()->monitor(), &CascadeMonitor::statusRead);
        QVERIFY(window.openConfig(ini));
        QTRY_COMPARE_WITH_TIMEOUT(reads.count(), 1, 15000);
        readTimes(window, reads, 3);
        const auto first = reads.at(0).at(0).value<StatusReply>();
        QVERIFY2(first.ok, qPrintable(first.error));
        QCOMPARE(first.status.nodes.size(), 2);
        scope = LagHistory::scopeOf(first.status);
        QCOMPARE(scope, queue + QLatin1Char('@') + first.status.nodes.at(0).location);
        QCOMPARE(chart->scope(), scope);

        QCOMPARE(chart->nodes(), (QStringList{rootName, leafName}));
        // Lags of a fraction of a second: the threshold is named above the plot.
        QCOMPARE(legendEntries(*chart), (QStringList{rootName, leafName}));
        QVERIFY(!chart->thresholdAboveLabel()->isHidden()); // on the Lag tab, not shown now
        QCOMPARE(chart->refreshIntervalSeconds(), 3600);
        rootPoints = expectedPoints(reads, rootName);
        leafPoints = expectedPoints(reads, leafName);
        QCOMPARE(rootPoints.size(), 3); // both nodes answered every read, with a lag
        QCOMPARE(leafPoints.size(), 3);
        QCOMPARE(chart->points(rootName), rootPoints);
        QCOMPARE(chart->points(leafName), leafPoints);
        QCOMPARE(sampleCount(*m_store), 3 * 2);

        // Closing the config clears the chart.
        window.closeConfig();
        QVERIFY(!chart->isOpen());
        QVERIFY(chart->nodes().isEmpty());
    }

    // A new window on the same store: the first read brings the history back.
    MainWindow window(m_store.get());
    window.resize(MainWindow::defaultSize());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LagChartWidget *chart = window.lagChart();
    QCOMPARE(chart->range(), Range::Minutes15);
    QSignalSpy reads(window.cascadeView()->monitor(), &CascadeMonitor::statusRead);
    QTest::qWait(1600); // apart from the last read, as above
    QVERIFY(window.openConfig(ini));
    QTRY_COMPARE_WITH_TIMEOUT(reads.count(), 1, 15000);
    QCOMPARE(chart->scope(), scope);
    QCOMPARE(chart->points(rootName), rootPoints + expectedPoints(reads, rootName));
    QCOMPARE(chart->points(leafName), leafPoints + expectedPoints(reads, leafName));
    QCOMPARE(chart->points(rootName).size(), 4);
    QCOMPARE(sampleCount(*m_store), 4 * 2);

    // An hour of history before these reads, for the screenshot: the root near zero, the
    // leaf with a spike over the threshold and a minute and a half unreachable.
    const qint64 firstRead = qint64(rootPoints.first().x());
    {
        QRandomGenerator random(20261125);
        QSqlDatabase db = m_store->database();
        QVERIFY(db.transaction());
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO lag_sample VALUES (?, ?, ?, ?)"));
        for (int k = 1800; k >= 1; --k) {
            const qint64 atMs = firstRead - k * 2000;
            const double minute = (1800 - k) * 2 / 60.0;
            double lag = 0.3 + 0.6 * random.generateDouble() + 0.2 * std::sin(minute);
            if (minute >= 18 && minute < 24)
                lag += 42.0 * (minute - 18) / 6; // a long batch holds the worker
            else if (minute >= 24 && minute < 26)
                lag += 42.0 * std::exp(-(minute - 24) * 4);
            else if (minute >= 41.5 && minute < 44)
                lag += 7.0 * std::exp(-(minute - 41.5) * 2); // catching up after the gap
            const bool unreachable = minute >= 40 && minute < 41.5;
            const double rootLag = 0.05 + 0.35 * random.generateDouble();
            for (const auto &[name, value] :
                 {std::pair{rootName, QVariant(rootLag)},
                  std::pair{leafName, unreachable ? QVariant(QMetaType::fromType<double>())
                                                  : QVariant(lag)}}) {
                insert.addBindValue(scope);
                insert.addBindValue(name);
                insert.addBindValue(atMs);
                insert.addBindValue(value);
                QVERIFY(insert.exec());
            }
        }
        QVERIFY(db.commit());
    }
    chart->setRange(Range::Hour1);
    const LagSeries history
        = LagHistory(m_store.get())
              .samples(scope, QDateTime::fromMSecsSinceEpoch(chart->rangeStartMs()),
                       QDateTime::fromMSecsSinceEpoch(chart->rangeEndMs()));
    QCOMPARE(chart->points(rootName), knownPoints(history.value(rootName)));
    QCOMPARE(chart->points(leafName), knownPoints(history.value(leafName)));
    QVERIFY(chart->points(leafName).size() <= 601);
    QCOMPARE(chart->segmentCount(rootName), 1);
    QCOMPARE(chart->segmentCount(leafName), 2); // broken where it did not answer
    QCOMPARE(chart->lagAxis()->categoriesLabels().last(), QStringLiteral("50 s"));

    window.tabs()->setCurrentWidget(chart);
    QTest::qWait(50);
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size() / image.devicePixelRatio(), MainWindow::defaultSize());
    QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("lag-chart.png"))));
    window.closeConfig();
}

QTEST_MAIN(TestLagChart)
#include "tst_lagchart.moc"
