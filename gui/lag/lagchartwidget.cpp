#include "lag/lagchartwidget.h"

#include "cascade/cascadereader.h"
#include "cascade/cascadestatus.h"
#include "common/localstore.h"

#include <QBoxLayout>
#include <QButtonGroup>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTime>
#include <QEvent>
#include <QFontMetrics>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QSet>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>

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
// Samples further apart than this (and than three buckets) are not joined: nobody
// was watching the cascade in between.
constexpr qint64 kGapMs = 3 * kMinuteMs;

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
constexpr double kLagSteps[]
    = {0.5, 1,    2,    5,    10,    15,    30,    60,    120,    300,   600,
       900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
constexpr int kMaxLagTicks = 5;

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
    m_thresholdSpin = new QSpinBox(this);
    m_thresholdSpin->setObjectName(QStringLiteral("lagThreshold"));
    m_thresholdSpin->setRange(1, kMaxThresholdSeconds);
    m_thresholdSpin->setAccelerated(true);
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
    const int threshold
        = m_store ? m_store->setting(thresholdKey(), kDefaultThresholdSeconds).toInt() : 0;
    m_thresholdSpin->setValue(threshold > 0 ? threshold : kDefaultThresholdSeconds);
    connect(m_thresholdSpin, &QSpinBox::valueChanged, this, &LagChartWidget::setThresholdSeconds);
    // The time labels follow the plot's width.
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { updateTimeTicks(); });

    m_endMs = QDateTime::currentMSecsSinceEpoch();
    retranslateUi();
}

LagChartWidget::~LagChartWidget() = default;

QString LagChartWidget::thresholdKey()
{
    return QStringLiteral("lag/thresholdSeconds");
}

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
    m_scope = scope;
    m_preferred = nodes;
    m_endMs = 0;
    reload();
}

void LagChartWidget::close()
{
    m_scope.clear();
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

int LagChartWidget::thresholdSeconds() const
{
    return m_thresholdSpin->value();
}

void LagChartWidget::setThresholdSeconds(int seconds)
{
    seconds = qBound(1, seconds, kMaxThresholdSeconds);
    if (m_thresholdSpin->value() != seconds) {
        const QSignalBlocker blocker(m_thresholdSpin);
        m_thresholdSpin->setValue(seconds);
    }
    // An int, as the tray's notifications read it.
    if (m_store && m_store->setting(thresholdKey()).toInt() != seconds)
        m_store->setSetting(thresholdKey(), seconds);
    updateThreshold();
    updateLagAxis();
    emit thresholdChanged(seconds);
}

void LagChartWidget::reload()
{
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
    m_order << node;
    return *m_lines.insert(node, line);
}

QLineSeries *LagChartWidget::newSegment(const QString &node, Line &line)
{
    QPen pen(line.color);
    pen.setWidthF(2);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    QLineSeries *series = addSeries(node, pen);
    series->setMarkerSize(5);
    const auto markers = m_chart->legend()->markers(series);
    for (QLegendMarker *marker : markers)
        marker->setVisible(false);
    connect(series, &QLineSeries::hovered, this, [this, node](const QPointF &point, bool state) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        const QString at = QLocale().toString(
            QDateTime::fromMSecsSinceEpoch(qint64(point.x())),
            m_range == Range::Days7 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm:ss"));
        QToolTip::showText(QCursor::pos(),
                           tr("%1: lag %2 at %3").arg(node, formatLag(point.y()), at), m_view);
    });
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
    return qMax(kGapMs, 3 * m_bucketMs);
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
    updateThreshold();
    updateLagAxis();
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

QString LagChartWidget::lagText(double seconds) const
{
    const QLocale locale;
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
    // Room above the highest lag and the threshold, which is always in view.
    double highest = thresholdSeconds();
    for (const Line &line : std::as_const(m_lines)) {
        for (const QLineSeries *series : line.segments) {
            for (const QPointF &point : series->points())
                highest = qMax(highest, point.y());
        }
    }
    const double wanted = highest * 1.1;
    double step = kLagSteps[std::size(kLagSteps) - 1];
    for (double candidate : kLagSteps) {
        if (std::ceil(wanted / candidate) <= kMaxLagTicks) {
            step = candidate;
            break;
        }
    }
    const int count = int(std::ceil(wanted / step));
    const double top = count * step;
    if (top == m_lagTop && !m_yAxis->categoriesLabels().isEmpty())
        return;
    m_lagTop = top;
    removeCategories(m_yAxis);
    m_yAxis->setRange(0, top);
    m_yAxis->setStartValue(0);
    for (int i = 0; i <= count; ++i)
        m_yAxis->append(lagText(i * step), i * step);
}

void LagChartWidget::updateThreshold()
{
    const int seconds = thresholdSeconds();
    m_threshold->replace(
        {QPointF(qreal(rangeStartMs()), seconds), QPointF(qreal(m_endMs), seconds)});
    m_threshold->setName(tr("Threshold (%1 s)").arg(seconds));
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
        tr("A node lagging more than this many seconds is over the threshold (the dashed line)"));
    m_lagTop = -1; // the lag labels are translated too
    updateAxes();
    updateEmptyState();
}

} // namespace ferry::gui
