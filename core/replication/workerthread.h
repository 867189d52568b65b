#pragma once

#include "config/jobconfig.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

namespace ferry {
class WorkerCancel;
}

namespace ferry {

// `ferry CONFIG.ini worker` inside another program: NodeWorker for one job on
// a thread of its own, so a front end can keep several workers in one process
// (the desktop manager's tray) and still answer its user.
//
// It behaves like the CLI's worker where others can see it: it holds the
// config's pidfile for as long as it runs (so `ferry CONFIG worker`, `ferry
// -d` and other desktop managers find it and refuse a second worker; `ferry
// -s` signals this process), and it writes the CLI's log lines (`time pid
// LEVEL message`, the pid of this process) to the config's logfile, the
// ticker's too. Relative logfile and pidfile paths are taken from the config's
// folder, where the desktop manager also starts `ferry -d`.
//
// The object lives on the thread that made it; stateChanged() may come from
// the worker's thread (connect with the default connection, which queues it).
// The worker's database connections live and die on the worker's thread.
class WorkerThread : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Stopped,  // not started, or stopped
        Starting, // taking the pidfile, checking the node
        Running,
        Stopping, // asked to stop, the thread still runs
        Failed,   // could not start, or stopped on an error: see lastError()
    };

    explicit WorkerThread(const JobConfig &config, QObject *parent = nullptr);
    // Asks the worker to stop and waits for its thread.
    ~WorkerThread() override;

    // Starts the thread and returns at once; false while the previous one
    // still runs. The thread takes the pidfile, runs NodeWorker::checkStart,
    // logs "JOB: worker started" and runs the worker until asked to stop.
    bool start();
    // Returns at once; the worker stops within about 100 ms once its statement
    // in flight is done, as with `ferry -s` (its running initial copies it
    // cancels at once). A statement still running after kCancelAfterMs (a
    // batch waiting for a lock) is canceled: its transaction rolls back and
    // is done again at the next start, as after a lost connection.
    void requestStop();
    static constexpr int kCancelAfterMs = 3000;
    // As `ferry -r`: re-reads CONFIG.ini and restarts the worker with it; a
    // broken file is logged and the running config kept.
    void requestReload();
    // Blocks until the thread ended (true) or timeoutMs passed (-1: no limit).
    bool wait(int timeoutMs = -1);

    State state() const;
    // Why it failed, one line (connection strings masked); empty otherwise.
    QString lastError() const;
    // The config it runs with (a reload replaces it).
    JobConfig config() const;
    QString configPath() const { return m_configPath; }
    // The thread runs (starting, running or stopping).
    bool isActive() const;

    // `path` (a config's logfile or pidfile) as the worker uses it: relative
    // paths are taken from the config's folder.
    static QString resolvedPath(const JobConfig &config, const QString &path);

signals:
    void stateChanged();
    // The thread ended; emitted on the object's thread.
    void finished();

private:
    void run();
    void setState(State state, const QString &error = QString());

    const QString m_configPath;
    mutable QMutex m_mutex; // guards the three below
    JobConfig m_config;
    State m_state = State::Stopped;
    QString m_lastError;

    std::unique_ptr<QThread> m_thread;
    std::shared_ptr<WorkerCancel> m_cancel;
    quint64 m_runs = 0; // start() calls, UI thread only
    // When a stop cancels the statement in flight; none before a stop.
    std::optional<QDeadlineTimer> m_cancelAt;
    std::atomic_bool m_stop{false};
    std::atomic_bool m_reload{false};
    std::atomic_bool m_interrupt{false}; // what NodeWorker polls: stop or reload
};

} // namespace ferry
