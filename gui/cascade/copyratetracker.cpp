#include "cascade/copyratetracker.h"

#include <QLocale>

#include <cmath>

namespace ferry::gui {

std::optional<double> CopyRateTracker::addSample(const QString &key, qint64 rows, qint64 atMs)
{
    auto it = m_copies.find(key);
    if (it == m_copies.end() || rows < it->rows) {
        m_copies.insert(key, Copy{rows, atMs, std::nullopt});
        return std::nullopt;
    }
    const qint64 elapsed = atMs - it->atMs;
    if (elapsed < kMinIntervalMs)
        return it->rate; // the same read again, or too soon to tell
    const double latest = double(rows - it->rows) * 1000.0 / double(elapsed);
    it->rate = it->rate ? kSmoothing * latest + (1.0 - kSmoothing) * *it->rate : latest;
    it->rows = rows;
    it->atMs = atMs;
    return it->rate;
}

std::optional<double> CopyRateTracker::rate(const QString &key) const
{
    const auto it = m_copies.constFind(key);
    return it == m_copies.cend() ? std::nullopt : it->rate;
}

void CopyRateTracker::keepOnly(const QSet<QString> &keys)
{
    for (auto it = m_copies.begin(); it != m_copies.end();) {
        if (keys.contains(it.key()))
            ++it;
        else
            it = m_copies.erase(it);
    }
}

int CopyRateTracker::percent(qint64 rows, qint64 total)
{
    if (total <= 0 || rows >= total)
        return -1;
    return int(qBound(qint64(0), rows * 100 / total, qint64(99)));
}

std::optional<double>
CopyRateTracker::secondsLeft(qint64 rows, qint64 total, std::optional<double> rate)
{
    if (!rate || *rate <= 0 || total <= 0 || rows >= total)
        return std::nullopt;
    return double(total - rows) / *rate;
}

QString CopyRateTracker::shortCount(qint64 rows)
{
    const QLocale locale;
    if (rows < 10000)
        return locale.toString(rows);
    double value = double(rows) / 1000.0;
    int unit = 0; // thousands, millions, billions
    while (unit < 2 && value >= 999.5) {
        value /= 1000.0;
        ++unit;
    }
    const QString number = locale.toString(value, 'f', value < 99.95 ? 1 : 0);
    switch (unit) {
    case 0:
        return tr("%1k", "thousand rows").arg(number);
    case 1:
        return tr("%1M", "million rows").arg(number);
    default:
        return tr("%1B", "billion rows").arg(number);
    }
}

QString CopyRateTracker::timeLeft(double seconds)
{
    if (seconds < 60)
        return tr("about %1 s left").arg(qMax(1, int(std::ceil(seconds))));
    if (seconds < 3600)
        return tr("about %1 min left").arg(int(std::ceil(seconds / 60)));
    const int hours = int(seconds / 3600);
    const int minutes = int(std::ceil((seconds - hours * 3600.0) / 60));
    return tr("about %1 h %2 min left").arg(hours).arg(minutes);
}

QString CopyRateTracker::barText(qint64 rows, qint64 total, std::optional<double> rate)
{
    const int p = percent(rows, total);
    if (p < 0)
        return tr("copying");
    if (const auto left = secondsLeft(rows, total, rate))
        return tr("%1% · %2").arg(p).arg(timeLeft(*left));
    return tr("%1%").arg(p);
}

QString CopyRateTracker::rowsText(qint64 rows, qint64 total)
{
    if (percent(rows, total) < 0)
        return shortCount(rows);
    return tr("%1 of %2").arg(shortCount(rows), shortCount(total));
}

QString CopyRateTracker::summary(qint64 rows, qint64 total, std::optional<double> rate)
{
    const int p = percent(rows, total);
    if (p < 0)
        return tr("copying: %1 rows so far").arg(shortCount(rows));
    QString text = tr("%1% · %2 of %3 rows").arg(p).arg(shortCount(rows), shortCount(total));
    if (const auto left = secondsLeft(rows, total, rate))
        text += QStringLiteral(" · ") + timeLeft(*left);
    return text;
}

} // namespace ferry::gui
