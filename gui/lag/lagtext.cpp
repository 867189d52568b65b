#include "lag/lagtext.h"

#include <QLocale>

#include <cmath>

namespace ferry::gui {

QString LagText::seconds(double seconds)
{
    const QLocale locale;
    if (!std::isfinite(seconds) || seconds < 0)
        seconds = 0;
    if (seconds < 1) {
        const int ms = int(std::lround(seconds * 1000));
        if (ms < 1000)
            return tr("%1 ms").arg(locale.toString(ms));
    }
    const double tenths = std::round(seconds * 10) / 10;
    if (tenths < 60) {
        const bool whole = tenths == std::floor(tenths);
        return tr("%1 s").arg(locale.toString(tenths, 'f', whole ? 0 : 1));
    }
    const qint64 total = std::llround(seconds);
    if (total < 3600) {
        const qint64 rest = total % 60;
        return rest ? tr("%1 min %2 s").arg(total / 60).arg(rest) : tr("%1 min").arg(total / 60);
    }
    const qint64 minutes = std::llround(seconds / 60);
    if (minutes < 24 * 60) {
        const qint64 rest = minutes % 60;
        return rest ? tr("%1 h %2 min").arg(minutes / 60).arg(rest) : tr("%1 h").arg(minutes / 60);
    }
    const qint64 hours = std::llround(seconds / 3600);
    const qint64 rest = hours % 24;
    return rest ? tr("%1 d %2 h").arg(hours / 24).arg(rest) : tr("%1 d").arg(hours / 24);
}

QString LagText::overThreshold(double lagSeconds, double thresholdSeconds)
{
    QString lag = seconds(lagSeconds);
    const QString threshold = seconds(thresholdSeconds);
    if (lag == threshold)
        lag = tr("%1 s").arg(QLocale().toString(lagSeconds, 'g', 6));
    return tr("lag %1 over the %2 threshold").arg(lag, threshold);
}

} // namespace ferry::gui
