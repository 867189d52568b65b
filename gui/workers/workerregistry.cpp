#include "workers/workerregistry.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace ferry::gui {

namespace {

QPointer<WorkerRegistry> g_instance;

QString keyOf(const QString &configPath)
{
    return QFileInfo(configPath).absoluteFilePath();
}

} // namespace

WorkerRegistry::WorkerRegistry(QObject *parent)
    : QObject(parent)
{
    if (!g_instance)
        g_instance = this;
}

WorkerRegistry::~WorkerRegistry()
{
    // Every WorkerThread stops and joins in its destructor; ask all first so
    // they stop in parallel.
    for (WorkerThread *worker : std::as_const(m_workers))
        worker->requestStop();
    for (WorkerThread *worker : std::as_const(m_workers))
        worker->wait();
}

WorkerRegistry *WorkerRegistry::instance()
{
    if (!g_instance)
        new WorkerRegistry(QCoreApplication::instance()); // sets g_instance
    return g_instance;
}

WorkerThread *WorkerRegistry::worker(const QString &configPath) const
{
    return m_workers.value(keyOf(configPath));
}

bool WorkerRegistry::start(const JobConfig &config)
{
    const QString key = keyOf(config.path());
    if (WorkerThread *old = m_workers.value(key)) {
        if (old->isActive())
            return false;
        // Its thread ended: a new start takes the config as it is now.
        delete m_workers.take(key);
    }
    auto *worker = new WorkerThread(config, this);
    m_workers.insert(key, worker);
    connect(worker, &WorkerThread::stateChanged, this, [this, key] { emit workerChanged(key); });
    connect(worker, &WorkerThread::finished, this, [this, key] {
        emit workerChanged(key);
        checkAllStopped();
    });
    return worker->start();
}

void WorkerRegistry::stop(const QString &configPath)
{
    if (WorkerThread *worker = m_workers.value(keyOf(configPath)))
        worker->requestStop();
}

void WorkerRegistry::forget(const QString &configPath)
{
    const QString key = keyOf(configPath);
    WorkerThread *worker = m_workers.value(key);
    if (!worker || worker->isActive())
        return;
    delete m_workers.take(key);
    emit workerChanged(key);
}

void WorkerRegistry::stopAll(const std::function<void()> &done)
{
    m_whenAllStopped = done;
    for (WorkerThread *worker : std::as_const(m_workers))
        worker->requestStop();
    checkAllStopped();
}

void WorkerRegistry::reloadAll()
{
    for (WorkerThread *worker : std::as_const(m_workers)) {
        if (worker->isActive())
            worker->requestReload();
    }
}

bool WorkerRegistry::hasActiveWorkers() const
{
    for (const WorkerThread *worker : m_workers) {
        if (worker->isActive())
            return true;
    }
    return false;
}

QList<JobConfig> WorkerRegistry::activeConfigs() const
{
    QList<JobConfig> configs;
    for (const WorkerThread *worker : m_workers) {
        if (worker->isActive())
            configs.append(worker->config());
    }
    std::sort(configs.begin(), configs.end(),
              [](const JobConfig &a, const JobConfig &b) { return a.jobName() < b.jobName(); });
    return configs;
}

void WorkerRegistry::stopAllAndQuit(int timeoutMs)
{
    stopAll([] { QCoreApplication::quit(); });
    QTimer::singleShot(timeoutMs, qApp, &QCoreApplication::quit);
}

void WorkerRegistry::checkAllStopped()
{
    if (!m_whenAllStopped || hasActiveWorkers())
        return;
    const auto done = std::exchange(m_whenAllStopped, {});
    done();
}

} // namespace ferry::gui
