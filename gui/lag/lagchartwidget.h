#pragma once

#include "lag/laghistory.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QSet>
#include <QWidget>

#include <limits>
#include <optional>

class QButtonGroup;
class QCategoryAxis;
class QChart;
class QChartView;
class QDoubleSpinBox;
class QGraphicsLineItem;
class QLabel;
class QLineSeries;
class QPen;
class QStackedWidget;

namespace ferry::gui {

class LagThreshold;
class LocalStore;
struct StatusReply;

// The lag of every node of one cascade over time (Qt Charts): a line per node, the
// lag threshold as a dashed line, and the last 15 min, 1 h, 24 h or 7 d.
//
// open() loads the range from the LagHistory in the store; addStatus() then appends
// each new status read to the lines and drops what scrolled out of the range, so the
// store is read again only when the range, the cascade or the refresh interval
// changes. Recording the status is the owner's part (LagHistory::record), before
// addStatus().
//
// A node without a lag (unreachable), or two reads further apart than gapMs(), break
// its line instead of drawing zero or a straight line across time nobody watched:
// each unbroken stretch is a QLineSeries of its own in the node's colour (QLineSeries
// drops a NaN point and joins its neighbours), and an empty series per node carries its legend
// entry; a click on that entry hides or shows the node. Both axes are QCategoryAxis, so the labels
// sit on round values ("12:30", "250 ms", "30 s", "2 min") with the right edge at the newest read;
// QDateTimeAxis spaces its ticks from the range's left edge, which gives labels like 12:07, 12:10,
// ... off the minute. The lag axis fits the lags of the nodes shown, not the threshold: a threshold
// above them is named in a label at the top instead of a line that would squeeze the lags to the
// bottom. The threshold is the default (the "Alert above" box edits it), or a node's own where only
// that node is shown (LagThreshold). Hovering the plot shows a cursor at the nearest read with its
// time and every shown node's lag then.
class LagChartWidget : public QWidget
{
    Q_OBJECT

public:
    enum class Range { Minutes15, Hour1, Hours24, Days7 };

    explicit LagChartWidget(LocalStore *store, QWidget *parent = nullptr);
    ~LagChartWidget() override;

    static qint64 rangeMs(Range range);

    // Shows `scope` (LagHistory::scopeOf). `nodes`, when known, give the lines their
    // order and colours (the root first); other nodes of the history follow by name.
    void open(const QString &scope, const QStringList &nodes = {});
    void close();
    bool isOpen() const { return !m_scope.isEmpty(); }
    QString scope() const { return m_scope; }

    // Appends a status read of the open scope (others are ignored).
    void addStatus(const StatusReply &reply);

    Range range() const { return m_range; }
    void setRange(Range range);

    // How often the status is read (the cascade view's setting): reads further apart
    // than gapMs() are not joined.
    void setRefreshIntervalSeconds(int seconds);
    int refreshIntervalSeconds() const { return m_intervalSeconds; }
    // Three refresh intervals or three buckets of the range, whichever is longer: a
    // bucket's point is at its first read, so the points of two buckets in a row can
    // be almost two buckets apart.
    qint64 gapMs() const;

    // The thresholds the chart draws (and edits the default of).
    LagThreshold *lagThreshold() const { return m_thresholds; }
    // The threshold drawn: the one node's shown, else the default.
    double thresholdSeconds() const;

    // A node's line is drawn (its legend entry toggles it).
    void setNodeVisible(const QString &node, bool visible);
    bool isNodeVisible(const QString &node) const { return !m_hidden.contains(node); }

    // What the chart shows, for tests: nodes in legend order; a node's points (x in
    // epoch ms, y in seconds) over all its stretches, and how many stretches.
    QStringList nodes() const { return m_order; }
    QList<QPointF> points(const QString &node) const;
    int segmentCount(const QString &node) const;
    QLineSeries *thresholdSeries() const { return m_threshold; }
    // "threshold 30 s (above)" at the top of the plot while the threshold is above
    // the lag axis; hidden otherwise.
    QLabel *thresholdAboveLabel() const { return m_thresholdAbove; }
    // What hovering the plot shows: the time and each shown node's lag; empty when
    // nothing is hovered.
    QString hoverText() const;
    QLabel *hoverLabel() const { return m_hover; }
    QGraphicsLineItem *hoverCursor() const { return m_cursor; }
    QChart *chart() const { return m_chart; }
    QChartView *chartView() const { return m_view; }
    // Both axes label round values ("12:30", "30 s"); their categories are the labels.
    QCategoryAxis *timeAxis() const { return m_xAxis; }
    QCategoryAxis *lagAxis() const { return m_yAxis; }
    qint64 rangeStartMs() const { return m_endMs - rangeMs(m_range); }
    qint64 rangeEndMs() const { return m_endMs; }
    // The text shown instead of the chart; empty when the chart shows.
    QString emptyText() const;

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Line
    {
        QColor color;
        QLineSeries *legend = nullptr; // no points: the node's one legend entry
        QList<QLineSeries *> segments; // the unbroken stretches, oldest first
        // The bucket of the last sample appended, whether it had a lag, and the time
        // of the last point drawn.
        qint64 lastBucket = std::numeric_limits<qint64>::min();
        bool lastKnown = false;
        qint64 lastAtMs = 0;
    };

    void retranslateUi();
    void reload();
    void clearLines();
    Line &lineFor(const QString &node);
    QLineSeries *addSeries(const QString &name, const QPen &pen);
    QLineSeries *newSegment(const QString &node, Line &line);
    void
    appendPoint(const QString &node, Line &line, qint64 atMs, const std::optional<double> &lag);
    void dropBefore(qint64 fromMs);
    void updateAxes();
    void updateTimeTicks();
    void updateLagAxis();
    void updateThreshold();
    void placeThresholdLabel();
    void updateEmptyState();
    void applyVisibility(const QString &node, Line &line);
    QStringList shownNodes() const;
    void updateHover(const QPointF &viewPos);
    void hideHover();
    qint64 bucketIndex(qint64 atMs) const;
    QString axisText(double seconds, bool inMs) const;

    LocalStore *m_store = nullptr;
    LagHistory m_history;
    QString m_scope;
    Range m_range = Range::Hour1;
    qint64 m_endMs = 0;    // the right edge: now, or the last status read
    qint64 m_loadedTo = 0; // reads up to here came with the last reload
    qint64 m_originMs = 0; // buckets count from here, as in LagHistory::samples
    qint64 m_bucketMs = 1;
    bool m_hasHistory = false;

    QStringList m_preferred; // from open()
    QStringList m_order;
    QHash<QString, Line> m_lines;
    QSet<QString> m_hidden;    // nodes whose line is not drawn
    QList<qint64> m_ticks;     // on the time axis now
    double m_lagTop = -1;      // of the lag axis now
    int m_intervalSeconds = 0; // set by the constructor
    LagThreshold *m_thresholds = nullptr;
    std::optional<QPointF> m_hoverPos; // in the viewport, while hovering
    QString m_hoverPlain;

    QLabel *m_title = nullptr;
    QLabel *m_rangeLabel = nullptr;
    QWidget *m_rangeBox = nullptr;
    QButtonGroup *m_rangeGroup = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QDoubleSpinBox *m_thresholdSpin = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QCategoryAxis *m_xAxis = nullptr;
    QCategoryAxis *m_yAxis = nullptr;
    QLineSeries *m_threshold = nullptr;
    QLabel *m_thresholdAbove = nullptr;
    QLabel *m_hover = nullptr;
    QGraphicsLineItem *m_cursor = nullptr;
};

} // namespace ferry::gui
