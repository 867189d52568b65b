#pragma once

#include <QObject>

class QSocketNotifier;

namespace ferry::gui {

// SIGTERM, SIGINT and SIGHUP as Qt signals. While ferry-gui runs workers, its
// pid is in their pidfiles, so `ferry -s CONFIG worker` sends it SIGTERM and
// `ferry -r` SIGHUP: it then stops its workers cleanly and quits, or reloads
// their configs, instead of dying with the default action. The handler only
// writes the signal's number into a socket pair (async-signal-safe); a
// QSocketNotifier reads it on the UI thread. One watcher per process.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    // Puts the default actions back.
    ~SignalWatcher() override;

signals:
    void terminateRequested(); // SIGTERM, SIGINT
    void reloadRequested();    // SIGHUP

private:
    void readSignals();

    int m_fds[2] = {-1, -1};
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace ferry::gui
