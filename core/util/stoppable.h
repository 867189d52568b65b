#pragma once

#include <QElapsedTimer>
#include <QThread>

#include <atomic>

namespace ferry {

// Sleeps up to ms, waking within 100 ms once stop is set: the long-running
// loops (ticker, worker) check their stop flag no less often than that.
inline void sleepUnlessStopped(qint64 ms, const std::atomic_bool &stop)
{
    QElapsedTimer clock;
    clock.start();
    while (!stop.load() && clock.elapsed() < ms)
        QThread::msleep(qMin<qint64>(100, ms - clock.elapsed()));
}

} // namespace ferry
