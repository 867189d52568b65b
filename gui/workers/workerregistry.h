#pragma once

#include "replication/workerthread.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace ferry::gui {

// The workers this process runs on threads of its own (WorkerThread), one per
// config at most, by the config's absolute path. The main window's Worker menu
// and the tray share them, so a worker started from one shows in the other.
//
// Stopping never blocks the caller: requestStop() returns at once and
// workerChanged() reports the end. Only the destructor waits for the threads
// (when the application ends, after its windows are gone).
class WorkerRegistry : public QObject
{
    Q_OBJECT

public:
    explicit WorkerRegistry(QObject *parent = nullptr);
    ~WorkerRegistry() override;

    // The registry of this process: the first one made (ferry-gui makes it in
    // main), or one made now as a child of the application.
    static WorkerRegistry *instance();

    // The worker of `configPath` here; null when this process never ran one.
    WorkerThread *worker(const QString &configPath) const;
    // Starts `config`'s worker here (again). False while its thread still runs.
    bool start(const JobConfig &config);
    void stop(const QString &configPath);
    // Drops the record of a worker whose thread ended (its Failed state):
    // the worker now runs elsewhere, or was stopped there.
    void forget(const QString &configPath);
    // Asks every worker to stop; `done` runs on this thread once every
    // thread ended (at once when none runs).
    void stopAll(const std::function<void()> &done = {});
    // SIGHUP (`ferry -r` on a pidfile of this process): every worker re-reads
    // its CONFIG.ini.
    void reloadAll();
    bool hasActiveWorkers() const;
    // The configs of the workers whose threads run (starting, running or
    // stopping), ordered by job name.
    QList<JobConfig> activeConfigs() const;
    // Quitting: asks every worker to stop (without blocking), then quits the
    // application once all ended, or after `timeoutMs` for one stuck in a
    // long statement (the destructor then joins it on the way out).
    void stopAllAndQuit(int timeoutMs);

signals:
    // A worker's state changed (also: its thread ended).
    void workerChanged(const QString &configPath);

private:
    void checkAllStopped();

    QHash<QString, WorkerThread *> m_workers; // children of this
    std::function<void()> m_whenAllStopped;
};

} // namespace ferry::gui
