#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent>

namespace ferry::gui {

// Runs `work` on `pool` (the global pool when null) and hands its value to
// `done` on `context`'s thread. The watcher is a child of `context`:
// destroyed with it, so a late answer goes nowhere. `work` must own
// everything it uses, as it may outlive `context`.
template<typename T, typename Work, typename Done>
void runAsync(QObject *context, Work work, Done done, QThreadPool *pool = nullptr)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(
        QtConcurrent::run(pool ? pool : QThreadPool::globalInstance(), std::move(work)));
}

} // namespace ferry::gui
