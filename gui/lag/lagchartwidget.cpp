#include "lag/lagchartwidget.h"

#include "cascade/cascademonitor.h"
#include "cascade/cascadereader.h"
#include "cascade/cascadestatus.h"
#include "common/localstore.h"
#include "lag/lagtext.h"
#include "lag/lagthreshold.h"
#include "lag/thresholdspinbox.h"

#include <QBoxLayout>
#include <QButtonGroup>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFontMetrics>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QSet>
#include <QStackedWidget>
#include <QToolButton>

#include <cmath>

namespace ferry::gui {

namespace {

QString rangeKey()
{
    return QStringLiteral("lag/range");
}

constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
constexpr qint64 kDayMs = 24 * kHourMs;

// Distinct on white and none of them red, which is the threshold's.
constexpr QRgb kNodeColors[]
    = {0x2563eb, 0x16a34a, 0xd97706, 0x7c3aed, 0x0891b2, 0xdb2777, 0x65a30d, 0x475569};
constexpr QRgb kThresholdColor = 0xdc2626;
constexpr QRgb kGridColor = 0xe8eaee;
constexpr QRgb kAxisColor = 0xc4c9d1;
constexpr QRgb kLabelColor = 0x4b5563;

// Time axis: the smallest of these that leaves room for every label.
constexpr qint64 kTimeSteps[]
    = {kMinuteMs,      2 * kMinuteMs, 5 * kMinuteMs, 10 * kMinuteMs, 15 * kMinuteMs,
       30 * kMinuteMs, kHourMs,       2 * kHourMs,   3 * kHourMs,    6 * kHourMs,
       12 * kHourMs,   kDayMs,        2 * kDayMs};
// Lag axis, in seconds: the smallest step that needs at most kMaxLagTicks ticks.
constexpr double kLagSteps[] = {0.001, 0.002, 0.005, 0.01,  0.02,  0.05,  0.1,   0.2,    0.5,   1,
                                2,     5,     10,    15,    30,    60,    120,   300,    600,   900,
                                1800,  3600,  7200,  10800, 21600, 43200, 86400, 172800, 604800};
constexpr int kMaxLagTicks = 5;
// The lag axis reaches at least this high (seconds), so that lags of zero lie on the
// bottom line rather than fill the plot.
constexpr double kMinLagTop = 0.1;

struct RangeButton
{
    LagChartWidget::Range range;
    const char *objectName;
};

constexpr RangeButton kRangeButtons[] = {
    {LagChartWidget::Range::Minutes15, "lagRange15m"},
    {LagChartWidget::Range::Hour1, "lagRange1h"},
    {LagChartWidget::Range::Hours24, "lagRange24h"},
    {LagChartWidget::Range::Days7, "lagRange7d"},
};

void removeCategories(QCategoryAxis *axis)
{
    const QStringList labels = axis->categoriesLabels();
    for (const QString &label : labels)
        axis->remove(label);
}

void styleAxis(QCategoryAxis *axis, const QFont &font)
{
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setLabelsFont(font);
    axis->setLabelsColor(QColor(kLabelColor));
    axis->setGridLineColor(QColor(kGridColor));
    axis->setLinePenColor(QColor(kAxisColor));
    axis->setMinorGridLineVisible(false);
    axis->setTruncateLabels(false);
}

} // namespace

LagChartWidget::LagChartWidget(LocalStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_history(store)
    , m_intervalSeconds(CascadeMonitor::kDefaultIntervalSeconds)
    , m_thresholds(new LagThreshold(store, this))
{
    setObjectName(QStringLiteral("lagChart"));

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("lagTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_rangeLabel = new QLabel(this);
    m_rangeBox = new QWidget(this);
    m_rangeBox->setObjectName(QStringLiteral("lagRange"));
    auto *rangeLayout = new QHBoxLayout(m_rangeBox);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    rangeLayout->setSpacing(2);
    m_rangeGroup = new QButtonGroup(this);
    m_rangeGroup->setExclusive(true);
    for (const RangeButton &choice : kRangeButtons) {
        auto *button = new QToolButton(m_rangeBox);
        button->setObjectName(QLatin1String(choice.objectName));
        button->setCheckable(true);
        button->setAutoRaise(true);
        m_rangeGroup->addButton(button, int(choice.range));
        rangeLayout->addWidget(button);
    }
    connect(m_rangeGroup, &QButtonGroup::idClicked, this, [this](int id) { setRange(Range(id)); });

    m_thresholdLabel = new QLabel(this);
    m_thresholdSpin = createThresholdSpinBox(QStringLiteral("lagThreshold"), this);
    m_thresholdLabel->setBuddy(m_thresholdSpin);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_rangeLabel);
    header->addWidget(m_rangeBox);
    header->addSpacing(16);
    header->addWidget(m_thresholdLabel);
    header->addWidget(m_thresholdSpin);

    QFont labelFont = font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.92);

    m_chart = new QChart;
    m_chart->setTheme(QChart::ChartThemeLight);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setBackgroundRoundness(0);
    m_chart->setBackgroundBrush(QColor(Qt::white));
    m_chart->setBackgroundPen(Qt::NoPen);
    m_chart->setPlotAreaBackgroundVisible(false);
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setMargins(QMargins(8, 12, 20, 6));
    QLegend *legend = m_chart->legend();
    legend->setAlignment(Qt::AlignBottom);
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);
    legend->setFont(font());
    legend->setLabelColor(QColor(kLabelColor).darker(130));

    m_xAxis = new QCategoryAxis; // owned by the chart
    styleAxis(m_xAxis, labelFont);
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_yAxis = new QCategoryAxis;
    styleAxis(m_yAxis, labelFont);
    m_yAxis->setLineVisible(false);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    QPen thresholdPen{QColor(kThresholdColor)};
    thresholdPen.setWidthF(1.5);
    thresholdPen.setStyle(Qt::DashLine);
    m_threshold = addSeries(QString(), thresholdPen);
    m_threshold->setObjectName(QStringLiteral("lagThresholdLine"));

    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("lagChartView"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::StyledPanel);
    m_view->setMinimumHeight(160);
    m_view->viewport()->setMouseTracking(true);
    m_view->viewport()->installEventFilter(this);

    // Above the plot, out of the mouse's way.
    m_thresholdAbove = new QLabel(m_view->viewport());
    m_thresholdAbove->setObjectName(QStringLiteral("lagThresholdAbove"));
    m_thresholdAbove->setAttribute(Qt::WA_TransparentForMouseEvents);
    QPalette abovePalette = m_thresholdAbove->palette();
    abovePalette.setColor(QPalette::WindowText, QColor(kThresholdColor));
    m_thresholdAbove->setPalette(abovePalette);
    m_thresholdAbove->setFont(labelFont);
    m_thresholdAbove->hide();

    m_cursor = new QGraphicsLineItem(m_chart);
    QPen cursorPen{QColor(kLabelColor)};
    cursorPen.setStyle(Qt::DotLine);
    cursorPen.setCosmetic(true);
    m_cursor->setPen(cursorPen);
    m_cursor->setZValue(1000);
    m_cursor->hide();
    m_hover = new QLabel(m_view->viewport());
    m_hover->setObjectName(QStringLiteral("lagHover"));
    m_hover->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_hover->setTextFormat(Qt::RichText);
    m_hover->setForegroundRole(QPalette::ToolTipText);
    m_hover->setBackgroundRole(QPalette::ToolTipBase);
    m_hover->setAutoFillBackground(true);
    m_hover->setFrameShape(QFrame::Box);
    m_hover->setMargin(4);
    m_hover->hide();

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("lagEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setFrameShape(QFrame::StyledPanel);
    // The same white card as the chart's.
    m_empty->setBackgroundRole(QPalette::Base);
    m_empty->setAutoFillBackground(true);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_stack, 1);

    if (m_store) {
        const int range = m_store->setting(rangeKey(), int(Range::Hour1)).toInt();
        if (range >= int(Range::Minutes15) && range <= int(Range::Days7))
            m_range = Range(range);
    }
    m_rangeGroup->button(int(m_range))->setChecked(true);
    m_thresholdSpin->setValue(m_thresholds->defaultSeconds());
    connect(m_thresholdSpin, &QDoubleSpinBox::valueChanged, m_thresholds,
            &LagThreshold::setDefaultSeconds);
    // Changed here, in a node's detail pane or in another window.
    connect(m_thresholds, &LagThreshold::changed, this, [this] {
        const QSignalBlocker blocker(m_thresholdSpin);
        m_thresholdSpin->setValue(m_thresholds->defaultSeconds());
        updateThreshold();
        if (m_hoverPos)
            updateHover(*m_hoverPos);
    });
    // The time labels follow the plot's width, the labels over it its place.
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        updateTimeTicks();
        // Once the view has taken the chart's new size into its scene: the labels over
        // the plot follow it.
        QMetaObject::invokeMethod(
            this,
            [this] {
                placeThresholdLabel();
                if (m_hoverPos)
                    updateHover(*m_hoverPos);
            },
            Qt::QueuedConnection);
    });

    m_endMs = QDateTime::currentMSecsSinceEpoch();
    retranslateUi();
}

LagChartWidget::~LagChartWidget() = default;

qint64 LagChartWidget::rangeMs(Range range)
{
    switch (range) {
    case Range::Minutes15:
        return 15 * kMinuteMs;
    case Range::Hour1:
        return kHourMs;
    case Range::Hours24:
        return kDayMs;
    case Range::Days7:
        return 7 * kDayMs;
    }
    return kHourMs;
}

void LagChartWidget::open(const QString &scope, const QStringList &nodes)
{
    if (scope != m_scope)
        m_hidden.clear();
    m_scope = scope;
    m_preferred = nodes;
    m_endMs = 0;
    reload();
}

void LagChartWidget::close()
{
    m_scope.clear();
    m_hidden.clear();
    m_preferred.clear();
    m_hasHistory = false;
    m_endMs = 0;
    reload();
}

void LagChartWidget::setRange(Range range)
{
    m_rangeGroup->button(int(range))->setChecked(true);
    if (range == m_range)
        return;
    m_range = range;
    if (m_store)
        m_store->setSetting(rangeKey(), int(range));
    reload();
}

void LagChartWidget::setRefreshIntervalSeconds(int seconds)
{
    seconds = qMax(1, seconds);
    if (seconds == m_intervalSeconds)
        return;
    m_intervalSeconds = seconds;
    // The gaps are others now.
    if (isOpen())
        reload();
}

QStringList LagChartWidget::shownNodes() const
{
    QStringList shown;
    for (const QString &node : m_order) {
        if (!m_hidden.contains(node))
            shown << node;
    }
    return shown;
}

double LagChartWidget::thresholdSeconds() const
{
    const QStringList shown = shownNodes();
    return shown.size() == 1 ? m_thresholds->secondsFor(m_scope, shown.first())
                             : m_thresholds->defaultSeconds();
}

void LagChartWidget::setNodeVisible(const QString &node, bool visible)
{
    if (visible == isNodeVisible(node))
        return;
    if (visible)
        m_hidden.remove(node);
    else
        m_hidden.insert(node);
    const auto it = m_lines.find(node);
    if (it != m_lines.end())
        applyVisibility(node, *it);
    updateLagAxis();
    updateThreshold();
    if (m_hoverPos)
        updateHover(*m_hoverPos);
}

void LagChartWidget::applyVisibility(const QString &node, Line &line)
{
    const bool visible = isNodeVisible(node);
    for (QLineSeries *series : std::as_const(line.segments)) {
        series->setVisible(visible);
        // A series shown again shows its legend marker again: only the node's own entry
        // stays.
        const auto markers = m_chart->legend()->markers(series);
        for (QLegendMarker *marker : markers)
            marker->setVisible(false);
    }
    // A hidden node's entry stays, greyed out, to show it again.
    const auto markers = m_chart->legend()->markers(line.legend);
    for (QLegendMarker *marker : markers) {
        QColor color = line.color;
        if (!visible)
            color.setAlpha(70);
        QPen pen = marker->pen();
        pen.setColor(color);
        marker->setPen(pen);
        marker->setBrush(color);
        marker->setLabelBrush(visible ? QColor(kLabelColor).darker(130) : QColor(0xa0a6b0));
    }
}

void LagChartWidget::reload()
{
    hideHover();
    clearLines();
    m_endMs = qMax(m_endMs, QDateTime::currentMSecsSinceEpoch());
    const qint64 from = rangeStartMs();
    m_originMs = from;
    m_bucketMs = LagHistory::bucketMs(from, m_endMs);
    m_loadedTo = m_endMs;
    m_ticks.clear();
    if (isOpen()) {
        const LagSeries history = m_history.samples(m_scope, QDateTime::fromMSecsSinceEpoch(from),
                                                    QDateTime::fromMSecsSinceEpoch(m_endMs));
        QStringList names = m_preferred;
        QStringList others = history.keys();
        others.sort();
        for (const QString &name : std::as_const(others)) {
            if (!names.contains(name))
                names << name;
        }
        for (const QString &name : std::as_const(names)) {
            Line &line = lineFor(name);
            for (const LagPoint &point : history.value(name))
                appendPoint(name, line, point.atMs, point.lagSeconds);
        }
        m_hasHistory = !history.isEmpty() || m_history.hasSamples(m_scope);
        // The threshold's legend entry after the nodes'.
        const QPen pen = m_threshold->pen();
        m_chart->removeSeries(m_threshold);
        m_chart->addSeries(m_threshold);
        m_threshold->attachAxis(m_xAxis);
        m_threshold->attachAxis(m_yAxis);
        m_threshold->setPen(pen);
    }
    updateAxes();
    updateEmptyState();
}

void LagChartWidget::clearLines()
{
    for (Line &line : m_lines) {
        for (QLineSeries *series : std::as_const(line.segments)) {
            m_chart->removeSeries(series);
            delete series;
        }
        m_chart->removeSeries(line.legend);
        delete line.legend;
    }
    m_lines.clear();
    m_order.clear();
}

QLineSeries *LagChartWidget::addSeries(const QString &name, const QPen &pen)
{
    auto *series = new QLineSeries;
    series->setName(name);
    m_chart->addSeries(series);
    series->attachAxis(m_xAxis);
    series->attachAxis(m_yAxis);
    // After addSeries: the theme styles what is added.
    series->setPen(pen);
    return series;
}

LagChartWidget::Line &LagChartWidget::lineFor(const QString &node)
{
    auto it = m_lines.find(node);
    if (it != m_lines.end())
        return *it;
    Line line;
    line.color = QColor(kNodeColors[m_order.size() % std::size(kNodeColors)]);
    QPen pen(line.color);
    pen.setWidthF(2);
    line.legend = addSeries(node, pen);
    const auto markers = m_chart->legend()->markers(line.legend);
    for (QLegendMarker *marker : markers) {
        connect(marker, &QLegendMarker::clicked, this,
                [this, node] { setNodeVisible(node, !isNodeVisible(node)); });
    }
    m_order << node;
    Line &added = *m_lines.insert(node, line);
    if (!isNodeVisible(node))
        applyVisibility(node, added);
    return added;
}

QLineSeries *LagChartWidget::newSegment(const QString &node, Line &line)
{
    QPen pen(line.color);
    pen.setWidthF(2);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    QLineSeries *series = addSeries(node, pen);
    series->setMarkerSize(5);
    series->setVisible(isNodeVisible(node));
    const auto markers = m_chart->legend()->markers(series);
    for (QLegendMarker *marker : markers)
        marker->setVisible(false);
    line.segments.append(series);
    return series;
}

qint64 LagChartWidget::bucketIndex(qint64 atMs) const
{
    // Floor division: a sample before the origin (none should be) gets a bucket of its own.
    const qint64 offset = atMs - m_originMs;
    return offset >= 0 ? offset / m_bucketMs : -((-offset + m_bucketMs - 1) / m_bucketMs);
}

qint64 LagChartWidget::gapMs() const
{
    return 3 * qMax(qint64(m_intervalSeconds) * 1000, m_bucketMs);
}

void LagChartWidget::appendPoint(const QString &node,
                                 Line &line,
                                 qint64 atMs,
                                 const std::optional<double> &lag)
{
    // Samples in one bucket make one point with their largest lag, as
    // LagHistory::samples() returns them, so a long range stays at ~600 points.
    const qint64 bucket = bucketIndex(atMs);
    if (bucket == line.lastBucket && !line.segments.isEmpty()) {
        if (!lag)
            return;
        QLineSeries *last = line.segments.last();
        if (line.lastKnown && last->count() > 0) {
            const int index = last->count() - 1;
            const QPointF point = last->at(index);
            if (*lag > point.y())
                last->replace(index, QPointF(point.x(), *lag));
            return;
        }
    }
    line.lastBucket = bucket;
    if (!lag) {
        line.lastKnown = false;
        return;
    }
    const bool joins
        = !line.segments.isEmpty() && line.lastKnown && atMs - line.lastAtMs <= gapMs();
    QLineSeries *segment = joins ? line.segments.last() : newSegment(node, line);
    segment->append(qreal(atMs), *lag);
    // A lone point has no line to show it: it shows as a dot.
    if (segment->count() <= 2)
        segment->setPointsVisible(segment->count() == 1);
    line.lastKnown = true;
    line.lastAtMs = atMs;
}

void LagChartWidget::dropBefore(qint64 fromMs)
{
    for (Line &line : m_lines) {
        while (!line.segments.isEmpty()) {
            QLineSeries *first = line.segments.first();
            int count = 0;
            while (count < first->count() && first->at(count).x() < qreal(fromMs))
                ++count;
            if (count == 0)
                break;
            if (count == first->count()) {
                m_chart->removeSeries(first);
                delete first;
                line.segments.removeFirst();
                continue;
            }
            first->removePoints(0, count);
            first->setPointsVisible(first->count() == 1);
            break;
        }
    }
}

void LagChartWidget::addStatus(const StatusReply &reply)
{
    if (!isOpen() || !reply.readAt.isValid())
        return;
    if (reply.ok && LagHistory::scopeOf(reply.status) != m_scope)
        return;
    const qint64 atMs = reply.readAt.toMSecsSinceEpoch();
    m_endMs = qMax(m_endMs, atMs);
    dropBefore(rangeStartMs());
    // Reads up to m_loadedTo came with the history.
    if (atMs > m_loadedTo) {
        QSet<QString> seen;
        if (reply.ok) {
            for (const NodeStatus &n : reply.status.nodes) {
                const std::optional<double> lag = n.reachable ? n.lagSeconds : std::nullopt;
                appendPoint(n.name, lineFor(n.name), atMs, lag);
                seen.insert(n.name);
                m_hasHistory = m_hasHistory || lag.has_value();
            }
        }
        // Nodes the read did not report: a gap.
        for (const QString &node : std::as_const(m_order)) {
            if (!seen.contains(node))
                appendPoint(node, m_lines[node], atMs, std::nullopt);
        }
    }
    updateAxes();
    updateEmptyState();
    if (m_hoverPos)
        updateHover(*m_hoverPos);
}

QList<QPointF> LagChartWidget::points(const QString &node) const
{
    QList<QPointF> all;
    const auto it = m_lines.constFind(node);
    if (it == m_lines.constEnd())
        return all;
    for (const QLineSeries *series : it->segments)
        all << series->points();
    return all;
}

int LagChartWidget::segmentCount(const QString &node) const
{
    const auto it = m_lines.constFind(node);
    return it == m_lines.constEnd() ? 0 : int(it->segments.size());
}

QString LagChartWidget::emptyText() const
{
    return m_stack->currentWidget() == m_empty ? m_empty->text() : QString();
}

void LagChartWidget::updateAxes()
{
    m_xAxis->setRange(qreal(rangeStartMs()), qreal(m_endMs));
    updateTimeTicks();
    updateLagAxis();
    updateThreshold();
}

void LagChartWidget::updateTimeTicks()
{
    const qint64 from = rangeStartMs();
    const qint64 to = m_endMs;
    const bool longRange = m_range == Range::Hours24 || m_range == Range::Days7;
    const QString format = longRange ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm");
    // Room for each label and a gap of about two characters.
    const QFontMetrics metrics(m_xAxis->labelsFont());
    const int labelWidth = metrics.horizontalAdvance(longRange ? QStringLiteral("00-00 00:00")
                                                               : QStringLiteral("00:00"))
                           + 3 * metrics.averageCharWidth();
    qreal width = m_chart->plotArea().width();
    if (width < 100)
        width = qMax(300, m_view->width() - 80);
    const qint64 maxLabels = qMax<qint64>(2, qint64(width / labelWidth));
    qint64 step = kTimeSteps[std::size(kTimeSteps) - 1];
    for (qint64 candidate : kTimeSteps) {
        if ((to - from) / candidate <= maxLabels) {
            step = candidate;
            break;
        }
    }
    // Round in local time ("12:30", "11-25 00:00"), strictly inside the range so no
    // label repeats.
    const qint64 offset = qint64(QDateTime::fromMSecsSinceEpoch(to).offsetFromUtc()) * 1000;
    // A tick next to either edge would draw a second line beside the plot's border.
    const qint64 margin = (to - from) / 100;
    QList<qint64> ticks;
    for (qint64 t = ((from + offset) / step + 1) * step - offset; t <= to - margin; t += step) {
        if (t >= from + margin)
            ticks << t;
    }
    if (ticks == m_ticks && !m_xAxis->categoriesLabels().isEmpty())
        return;
    m_ticks = ticks;
    removeCategories(m_xAxis);
    m_xAxis->setStartValue(qreal(from));
    for (qint64 t : std::as_const(ticks))
        m_xAxis->append(QDateTime::fromMSecsSinceEpoch(t).toString(format), qreal(t));
}

QString LagChartWidget::axisText(double seconds, bool inMs) const
{
    const QLocale locale;
    if (inMs)
        return tr("%1 ms").arg(locale.toString(std::round(seconds * 1000), 'g', 4));
    if (seconds < 60)
        return tr("%1 s").arg(locale.toString(seconds, 'g', 3));
    if (seconds < 3600)
        return tr("%1 min").arg(locale.toString(seconds / 60, 'g', 3));
    if (seconds < 86400)
        return tr("%1 h").arg(locale.toString(seconds / 3600, 'g', 3));
    return tr("%1 d").arg(locale.toString(seconds / 86400, 'g', 3));
}

void LagChartWidget::updateLagAxis()
{
    // Room above the highest lag of the nodes shown; the threshold does not count, so a
    // threshold of 30 s leaves a lag of 200 ms readable.
    double highest = 0;
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        if (m_hidden.contains(it.key()))
            continue;
        for (const QLineSeries *series : it->segments) {
            for (const QPointF &point : series->points())
                highest = qMax(highest, point.y());
        }
    }
    const double wanted = qMax(highest * 1.1, kMinLagTop);
    double step = kLagSteps[std::size(kLagSteps) - 1];
    for (double candidate : kLagSteps) {
        // Less a hair, for steps such as 0.05 that a double does not hold exactly.
        if (std::ceil(wanted / candidate - 1e-9) <= kMaxLagTicks) {
            step = candidate;
            break;
        }
    }
    const int count = int(std::ceil(wanted / step - 1e-9));
    const double top = count * step;
    if (top == m_lagTop && !m_yAxis->categoriesLabels().isEmpty())
        return;
    m_lagTop = top;
    removeCategories(m_yAxis);
    m_yAxis->setRange(0, top);
    m_yAxis->setStartValue(0);
    const bool inMs = top < 1;
    for (int i = 0; i <= count; ++i)
        m_yAxis->append(axisText(i * step, inMs), i * step);
}

void LagChartWidget::updateThreshold()
{
    const double seconds = thresholdSeconds();
    const QStringList shown = shownNodes();
    const bool own = shown.size() == 1 && m_thresholds->ownOf(m_scope, shown.first());
    const QString value = LagText::seconds(seconds);
    // A hair above the top still counts as on it.
    const bool above = seconds > m_lagTop * (1 + 1e-9);
    if (above)
        m_threshold->clear();
    else
        m_threshold->replace(
            {QPointF(qreal(rangeStartMs()), seconds), QPointF(qreal(m_endMs), seconds)});
    m_threshold->setName(own ? tr("Threshold of %1 (%2)").arg(shown.first(), value)
                             : tr("Threshold (%1)").arg(value));
    const auto markers = m_chart->legend()->markers(m_threshold);
    for (QLegendMarker *marker : markers)
        marker->setVisible(!above);
    m_thresholdAbove->setText(own ? tr("threshold of %1: %2 (above)").arg(shown.first(), value)
                                  : tr("threshold %1 (above)").arg(value));
    m_thresholdAbove->setVisible(above && isOpen());
    placeThresholdLabel();
}

void LagChartWidget::placeThresholdLabel()
{
    if (m_thresholdAbove->isHidden())
        return;
    // The plot's top right corner, in the viewport the label lives in.
    const QRectF plot = m_chart->plotArea();
    const QPoint corner = m_view->mapFromScene(m_chart->mapToScene(plot.topRight()));
    m_thresholdAbove->adjustSize();
    m_thresholdAbove->move(corner.x() - m_thresholdAbove->width() - 4, corner.y() + 2);
}

QString LagChartWidget::hoverText() const
{
    return m_hover->isHidden() ? QString() : m_hoverPlain;
}

void LagChartWidget::hideHover()
{
    m_hoverPos.reset();
    m_hover->hide();
    m_cursor->hide();
}

void LagChartWidget::updateHover(const QPointF &viewPos)
{
    const QRectF plot = m_chart->plotArea();
    const QPointF inChart = m_chart->mapFromScene(m_view->mapToScene(viewPos.toPoint()));
    const qint64 from = rangeStartMs();
    const qint64 span = m_endMs - from;
    if (!isOpen() || m_stack->currentWidget() != m_view || !plot.contains(inChart) || span <= 0
        || plot.width() <= 0) {
        hideHover();
        return;
    }
    const double atMs = double(from) + (inChart.x() - plot.left()) / plot.width() * double(span);

    // The read nearest the cursor, of any node shown.
    const QStringList shown = shownNodes();
    std::optional<double> nearest;
    for (const QString &node : shown) {
        for (const QLineSeries *series : m_lines.value(node).segments) {
            for (const QPointF &point : series->points()) {
                if (!nearest || std::abs(point.x() - atMs) < std::abs(*nearest - atMs))
                    nearest = point.x();
            }
        }
    }
    if (!nearest) {
        hideHover();
        return;
    }
    m_hoverPos = viewPos;

    // Every node shown at that read: the nodes of one read share its time (and, in a
    // long range, its bucket).
    const QLocale locale;
    const bool longRange = m_range == Range::Hours24 || m_range == Range::Days7;
    const QString time
        = locale.toString(QDateTime::fromMSecsSinceEpoch(qint64(*nearest)),
                          longRange ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm:ss"));
    QStringList plain{time};
    QStringList rich{QStringLiteral("<b>%1</b>").arg(time.toHtmlEscaped())};
    for (const QString &node : shown) {
        const Line &line = m_lines[node];
        std::optional<double> lag;
        double distance = double(m_bucketMs);
        for (const QLineSeries *series : line.segments) {
            for (const QPointF &point : series->points()) {
                if (std::abs(point.x() - *nearest) <= distance) {
                    distance = std::abs(point.x() - *nearest);
                    lag = point.y();
                }
            }
        }
        const QString value = lag ? LagText::seconds(*lag) : tr("no lag read");
        plain << tr("%1: %2").arg(node, value);
        rich << QStringLiteral("<span style=\"color:%1\">&#9632;</span> %2")
                    .arg(line.color.name(), tr("%1: %2").arg(node, value).toHtmlEscaped());
    }
    m_hoverPlain = plain.join(QLatin1Char('\n'));
    m_hover->setText(rich.join(QStringLiteral("<br>")));
    m_hover->adjustSize();

    const qreal x = plot.left() + (*nearest - double(from)) / double(span) * plot.width();
    m_cursor->setLine(x, plot.top(), x, plot.bottom());
    m_cursor->show();
    // Beside the cursor line, below the pointer like a tooltip, within the plot.
    const QPoint top = m_view->mapFromScene(m_chart->mapToScene(QPointF(x, plot.top())));
    const QPoint bottom = m_view->mapFromScene(m_chart->mapToScene(QPointF(x, plot.bottom())));
    int left = top.x() + 10;
    if (left + m_hover->width() > m_view->viewport()->width() - 4)
        left = top.x() - 10 - m_hover->width();
    const int y = qBound(top.y() + 4, int(viewPos.y()) + 16, bottom.y() - m_hover->height() - 4);
    m_hover->move(left, qMax(top.y() + 4, y));
    m_hover->show();
    m_hover->raise();
}

bool LagChartWidget::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport()) {
        if (event->type() == QEvent::MouseMove)
            updateHover(static_cast<QMouseEvent *>(event)->position());
        else if (event->type() == QEvent::Leave)
            hideHover();
    }
    return QWidget::eventFilter(watched, event);
}

void LagChartWidget::updateEmptyState()
{
    bool anyPoint = false;
    for (const Line &line : std::as_const(m_lines)) {
        for (const QLineSeries *series : line.segments)
            anyPoint = anyPoint || series->count() > 0;
    }
    if (!isOpen())
        m_empty->setText(tr("The lag chart starts with the first status read of the cascade."));
    else if (m_hasHistory)
        m_empty->setText(tr("No lag was measured in this time range. Choose a longer range "
                            "to see older history."));
    else
        m_empty->setText(tr("No lag history yet. Ferry records the lag of every node each time "
                            "it reads the status of the cascade, and keeps it for %1 days.")
                             .arg(LagHistory::kKeepDays));
    m_stack->setCurrentWidget(anyPoint ? static_cast<QWidget *>(m_view) : m_empty);
}

void LagChartWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void LagChartWidget::retranslateUi()
{
    m_title->setText(tr("Lag per node"));
    m_rangeLabel->setText(tr("Last"));
    const QString texts[] = {tr("15 min"), tr("1 h"), tr("24 h"), tr("7 d")};
    const QString tips[] = {tr("Show the last 15 minutes"), tr("Show the last hour"),
                            tr("Show the last 24 hours"), tr("Show the last 7 days")};
    for (const RangeButton &choice : kRangeButtons) {
        QAbstractButton *button = m_rangeGroup->button(int(choice.range));
        button->setText(texts[int(choice.range)]);
        button->setToolTip(tips[int(choice.range)]);
    }
    m_thresholdLabel->setText(tr("Alert &above"));
    m_thresholdSpin->setSuffix(tr(" s"));
    m_thresholdSpin->setToolTip(
        tr("A node lagging more than this is over the threshold: a warning in the cascade, a "
           "notification from the tray. A node's own threshold is set in its detail pane."));
    m_lagTop = -1; // the lag labels are translated too
    updateAxes();
    updateEmptyState();
}

} // namespace ferry::gui
