#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QString>

#include <optional>

namespace ferry::gui {

// The speed of the table copies a view shows, from successive progress samples of each
// copy: rows per second, smoothed a little so that one slow read does not swing the
// estimate of the time left. Also the texts that show a copy's progress.
class CopyRateTracker
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::CopyRateTracker)

public:
    // Samples closer together than this say little about the rate: they are skipped.
    static constexpr qint64 kMinIntervalMs = 250;
    // Weight of the newest rate against the smoothed one.
    static constexpr double kSmoothing = 0.5;

    // Records that copy `key` had copied `rows` at `atMs` (a monotonic clock) and
    // returns its rate. No rate before a second sample; fewer rows than before is a
    // new copy of the table, which starts over.
    std::optional<double> addSample(const QString &key, qint64 rows, qint64 atMs);
    std::optional<double> rate(const QString &key) const;
    // Forgets the copies not in `keys` (finished, or no longer shown).
    void keepOnly(const QSet<QString> &keys);
    void clear() { m_copies.clear(); }

    // 0..99 while copying (100 only once committed); -1 when the total is unknown or
    // already passed (the estimate was low): then a busy bar shows instead.
    static int percent(qint64 rows, qint64 total);
    // Seconds left at `rate`; none when the rate or the total is unknown or passed.
    static std::optional<double> secondsLeft(qint64 rows, qint64 total, std::optional<double> rate);

    // "1,234", "12.3k", "2.6M": row counts short enough for a table cell.
    static QString shortCount(qint64 rows);
    // "about 12 s left", "about 3 min left", "about 1 h 5 min left".
    static QString timeLeft(double seconds);
    // The text inside the bar: "45% · about 12 s left", "45%", or "copying" (no total).
    static QString barText(qint64 rows, qint64 total, std::optional<double> rate);
    // The rows cell: "1.2M of 2.6M", or "1.2M" without a total.
    static QString rowsText(qint64 rows, qint64 total);
    // All of it in a sentence, for the tooltip:
    // "45% · 1.2M of 2.6M rows · about 12 s left".
    static QString summary(qint64 rows, qint64 total, std::optional<double> rate);

private:
    struct Copy
    {
        qint64 rows = 0;
        qint64 atMs = 0;
        std::optional<double> rate;
    };
    QHash<QString, Copy> m_copies;
};

} // namespace ferry::gui
