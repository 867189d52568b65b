#pragma once

#include "lag/laghistory.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <limits>
#include <optional>

class QButtonGroup;
class QCategoryAxis;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QPen;
class QSpinBox;
class QStackedWidget;

namespace ferry::gui {

class LocalStore;
struct StatusReply;

// The lag of every node of one cascade over time (Qt Charts): a line per node, a
// dashed threshold line ("Alert above", the store's lag/thresholdSeconds, which the
// tray's notifications read too), and the last 15 min, 1 h, 24 h or 7 d.
//
// open() loads the range from the LagHistory in the store; addStatus() then appends
// each new status read to the lines and drops what scrolled out of the range, so the
// store is read again only when the range or the cascade changes. Recording the
// status is the owner's part (LagHistory::record), before addStatus().
//
// A node without a lag (unreachable), or reads more than a few minutes apart, break
// its line instead of drawing zero: each unbroken stretch is a QLineSeries of its own
// in the node's colour, and an empty series per node carries its legend entry. Both
// axes are QCategoryAxis, so the labels sit on round values ("12:30", "30 s", "2 min")
// with the right edge at the newest read; QDateTimeAxis spaces its ticks from the
// range's left edge, which gives labels like 12:07, 12:10, ... off the minute.
class LagChartWidget : public QWidget
{
    Q_OBJECT

public:
    enum class Range { Minutes15, Hour1, Hours24, Days7 };
    static constexpr int kDefaultThresholdSeconds = 30;
    static constexpr int kMaxThresholdSeconds = 7 * 24 * 3600;

    explicit LagChartWidget(LocalStore *store, QWidget *parent = nullptr);
    ~LagChartWidget() override;

    // The store's setting key of the alert threshold, in whole seconds.
    static QString thresholdKey();
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
    int thresholdSeconds() const;
    void setThresholdSeconds(int seconds);

    // What the chart shows, for tests: nodes in legend order; a node's points (x in
    // epoch ms, y in seconds) over all its stretches, and how many stretches.
    QStringList nodes() const { return m_order; }
    QList<QPointF> points(const QString &node) const;
    int segmentCount(const QString &node) const;
    QLineSeries *thresholdSeries() const { return m_threshold; }
    QChart *chart() const { return m_chart; }
    QChartView *chartView() const { return m_view; }
    // Both axes label round values ("12:30", "30 s"); their categories are the labels.
    QCategoryAxis *timeAxis() const { return m_xAxis; }
    QCategoryAxis *lagAxis() const { return m_yAxis; }
    qint64 rangeStartMs() const { return m_endMs - rangeMs(m_range); }
    qint64 rangeEndMs() const { return m_endMs; }
    // The text shown instead of the chart; empty when the chart shows.
    QString emptyText() const;

signals:
    void thresholdChanged(int seconds);

protected:
    void changeEvent(QEvent *event) override;

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
    void updateEmptyState();
    qint64 bucketIndex(qint64 atMs) const;
    qint64 gapMs() const;
    QString lagText(double seconds) const;

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
    QList<qint64> m_ticks; // on the time axis now
    double m_lagTop = -1;  // of the lag axis now

    QLabel *m_title = nullptr;
    QLabel *m_rangeLabel = nullptr;
    QWidget *m_rangeBox = nullptr;
    QButtonGroup *m_rangeGroup = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QSpinBox *m_thresholdSpin = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QCategoryAxis *m_xAxis = nullptr;
    QCategoryAxis *m_yAxis = nullptr;
    QLineSeries *m_threshold = nullptr;
};

} // namespace ferry::gui
