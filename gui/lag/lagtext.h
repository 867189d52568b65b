#pragma once

#include <QCoreApplication>
#include <QString>

namespace ferry::gui {

// Lags and thresholds as the window shows them, precise enough to tell a
// sub-second lag from a threshold of a tenth of a second: "340 ms", "4.2 s",
// "42 s", "2 min 5 s", "1 h 10 min", "2 d 3 h".
class LagText
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::LagText)

public:
    static QString seconds(double seconds);
    // "lag 42 s over the 30 s threshold"; the lag gets more digits when it would
    // read the same as the threshold.
    static QString overThreshold(double lagSeconds, double thresholdSeconds);
};

} // namespace ferry::gui
