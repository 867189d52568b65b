#pragma once

#include "cascade/cascadereader.h"
#include "config/jobconfig.h"
#include "util/error.h"
#include "util/operatorlog.h"

#include <QObject>
#include <QTimer>

#include <optional>

class QProcess;

namespace ferry::gui {

class WorkerRegistry;

// Where one config's worker runs and what the user may do with it: start it
// here (a WorkerThread of this process), start it as a daemon (`ferry -d
// CONFIG worker`), stop it wherever it runs on this machine, pause or resume
// its node. Several controls may watch one config (the Worker menu and the
// tray); the in-process workers they share live in the WorkerRegistry.
//
// Every action the user takes (start here or as daemon, stop, pause, resume)
// is noted in the config's log file (logOperatorAction: the node, the user,
// "ferry-gui pid N"); a failed one comes as actionFailed() with its reason
// and what to do.
//
// A worker run by another process is found through the config's pidfile
// (PidFile::runningPid), read every few seconds. Everything that can wait
// (the pidfile's lock, SIGTERM and the wait for the daemon to end, the node's
// database) runs on a thread pool of its own, so neither the UI thread nor
// the status reads of the global pool wait; answers come back to this object
// and are dropped when the config changed meanwhile.
class WorkerControl : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Unknown,     // no config, or the pidfile not read yet
        NotRunning,  // on this machine, as far as the pidfile tells
        Starting,    // here, or `ferry -d` still starting
        RunningHere, // a thread of this process
        Stopping,
        Daemon, // another process holds the pidfile: daemonPid()
        Failed, // the worker here could not start or stopped on an error
    };
    // What the user asked for, as actionFailed() names it.
    enum class Action { Start, StartDaemon, Stop, Pause, Resume };
    Q_ENUM(Action)

    static constexpr int kProbeIntervalMs = 2000;
    // How long stop() waits for a daemon to release its pidfile (as `ferry -s`).
    static constexpr int kStopTimeoutMs = 30000;

    // `registry` null: WorkerRegistry::instance().
    explicit WorkerControl(WorkerRegistry *registry = nullptr, QObject *parent = nullptr);
    ~WorkerControl() override;

    void setConfig(const JobConfig &config);
    void clearConfig();
    bool hasConfig() const { return m_hasConfig; }
    const JobConfig &config() const { return m_config; }
    // The config's pidfile and log file as the worker uses them (relative to
    // the config's folder); empty when the config sets none.
    QString pidFile() const;
    QString logFile() const;

    Mode mode() const;
    qint64 daemonPid() const; // Mode::Daemon only, else 0
    // Why the worker failed, or why the last action failed: one line, masked.
    QString lastError() const;
    // "Worker: running as daemon (pid 123)" and the like, translated.
    QString stateText() const;
    // Whether the config's own node is paused, from the last status; empty
    // before one was read.
    std::optional<bool> paused() const { return m_paused; }
    // The config's own node is the root, which cannot be paused (it applies
    // nothing); false before a status was read.
    bool isRoot() const { return m_isRoot; }
    // The config's node: its name once a status was read, else where it is
    // (its database's displayName()).
    QString nodeLabel() const;

    bool canStart() const;
    bool canStartDaemon() const;
    bool canStop() const;
    bool canPause() const;
    bool canResume() const;

    // Reads the pidfile now (unless a read is in flight).
    void refresh();
    void setProbeIntervalMs(int ms);

    // Runs the worker on a thread of this process.
    void start();
    // Runs `ferry -d CONFIG worker` from the config's folder; its one-line
    // error, if any, comes as actionFailed().
    void startDaemon();
    // Here: asks the thread to stop (changed() reports the end). A daemon:
    // SIGTERM through the pidfile, then waits until it released it.
    void stop();
    // Writes paused/resumed into the node's database (`ferry pause|resume`).
    void setPaused(bool paused);
    // Starts the worker here unless it runs somewhere already (the tray's
    // background workers): the pidfile is read first.
    void ensureRunning();
    // The status of this config's cascade (CascadeMonitor::statusRead).
    void setStatus(const StatusReply &reply);

    // The `ferry` program startDaemon() runs: the one set here, else `ferry`
    // next to this program, in the build tree's cli/ folder, or in PATH.
    static QString ferryProgram();
    static void setFerryProgram(const QString &path);

signals:
    void changed();
    // `reason`: one line, masked (also lastError()); `advice`: what to do.
    // A start here that ends in the worker's failure comes here too.
    void actionFailed(ferry::gui::WorkerControl::Action action,
                      const QString &reason,
                      const QString &advice);
    // A pause or resume was written to the node: its status changed.
    void nodeChanged();

private:
    struct Probe
    {
        quint64 generation = 0;
        std::optional<qint64> pid;
    };
    void onProbe(const Probe &probe);
    void fail(Action action, const QString &reason, ErrorKind kind = ErrorKind::Internal);
    // With the error itself: a failed connection gets its cause's own advice.
    void fail(Action action, const Error &error);
    void onWorkerChanged();
    // Notes the user's action in the config's log file.
    void note(OperatorAction action, qint64 workerPid = 0) const;
    static OperatorNote noteOf(OperatorAction action, const QString &node, qint64 pid = 0);
    void detachDaemonStart();
    bool isRunningSomewhere() const;

    WorkerRegistry *m_registry = nullptr;
    JobConfig m_config;
    bool m_hasConfig = false;
    quint64 m_generation = 0;
    QTimer m_timer;

    bool m_probed = false;
    bool m_probeInFlight = false;
    bool m_probeAgain = false;
    std::optional<qint64> m_holderPid; // another process holding the pidfile
    bool m_startWhenFree = false;      // ensureRunning() waits for a probe
    QProcess *m_daemonStart = nullptr;
    bool m_stoppingDaemon = false;
    bool m_pauseInFlight = false;
    std::optional<bool> m_paused;
    bool m_isRoot = false;
    QString m_nodeName;
    bool m_startRequested = false; // a start here, until it runs or fails
    QString m_actionError;
};

} // namespace ferry::gui
