#include "workerthread.h"

#include "replication/nodeworker.h"
#include "util/joblogfile.h"
#include "util/pidfile.h"

#include <QDebug>
#include <QDir>
#include <QFileInfo>
#include <QThread>
#include <QTimer>

#include <optional>

namespace ferry {

WorkerThread::WorkerThread(const JobConfig &config, QObject *parent)
    : QObject(parent)
    , m_configPath(config.path())
    , m_config(config)
    , m_cancel(std::make_shared<WorkerCancel>())
{}

WorkerThread::~WorkerThread()
{
    requestStop();
    wait(); // cancels what still runs after kCancelAfterMs
}

QString WorkerThread::resolvedPath(const JobConfig &config, const QString &path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QFileInfo(config.path()).absoluteDir().absoluteFilePath(path);
}

bool WorkerThread::start()
{
    if (m_thread && m_thread->isRunning())
        return false;
    m_thread.reset(); // ended: its finished() was delivered or is dropped with it
    m_stop = false;
    m_reload = false;
    m_interrupt = false;
    ++m_runs;
    m_cancelAt.reset();
    setState(State::Starting);
    m_thread.reset(QThread::create([this] { run(); }));
    connect(m_thread.get(), &QThread::finished, this, &WorkerThread::finished);
    m_thread->start();
    return true;
}

void WorkerThread::requestStop()
{
    m_stop = true;
    m_interrupt = true;
    QMutexLocker lock(&m_mutex);
    const bool changed = m_state == State::Starting || m_state == State::Running;
    if (changed)
        m_state = State::Stopping;
    lock.unlock();
    if (changed) {
        m_cancelAt.emplace(kCancelAfterMs);
        emit stateChanged();
        // Only this run's statement: a restart in the meantime is left alone.
        QTimer::singleShot(kCancelAfterMs, this, [this, run = m_runs] {
            if (run == m_runs && isActive())
                m_cancel->cancelAll();
        });
    }
}

void WorkerThread::requestReload()
{
    m_reload = true;
    m_interrupt = true;
}

bool WorkerThread::wait(int timeoutMs)
{
    if (!m_thread)
        return true;
    const QDeadlineTimer deadline
        = timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs);
    // Waiting blocks the event loop and with it requestStop()'s timer: cancel
    // from here once the stop is kCancelAfterMs old.
    if (m_cancelAt && !m_cancelAt->hasExpired()) {
        if (m_thread->wait(deadline.deadline() < m_cancelAt->deadline() ? deadline : *m_cancelAt))
            return true;
    }
    if (m_cancelAt && m_cancelAt->hasExpired() && m_thread->isRunning())
        m_cancel->cancelAll();
    return m_thread->wait(deadline);
}

WorkerThread::State WorkerThread::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

QString WorkerThread::lastError() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastError;
}

JobConfig WorkerThread::config() const
{
    QMutexLocker lock(&m_mutex);
    return m_config;
}

bool WorkerThread::isActive() const
{
    return m_thread && m_thread->isRunning();
}

void WorkerThread::setState(State state, const QString &error)
{
    QMutexLocker lock(&m_mutex);
    // A stop asked for while starting is not undone by the start finishing.
    if (state == State::Running && m_state == State::Stopping)
        return;
    m_state = state;
    if (state == State::Failed)
        m_lastError = error;
    else if (state == State::Starting)
        m_lastError.clear();
    lock.unlock();
    emit stateChanged();
}

void WorkerThread::run()
{
    JobConfig config = this->config();
    const QString logPath = resolvedPath(config, config.logFile());
    const QString pidPath = resolvedPath(config, config.pidFile());

    std::shared_ptr<JobLogFile> log;
    if (!logPath.isEmpty()) {
        auto opened = JobLogFile::open(logPath);
        if (!opened) {
            setState(
                State::Failed,
                opened.error().withContext(QStringLiteral("job ") + config.jobName()).toString());
            return;
        }
        log = std::move(opened).value();
    }
    const JobLogScope scope(log);
    const auto fail = [this](const Error &error) {
        qCritical().noquote() << error.toString(); // for the log, as the CLI's daemon does
        setState(State::Failed, error.toString());
    };

    std::optional<PidFile> pidFile;
    if (!pidPath.isEmpty()) {
        qint64 holder = 0;
        Result<PidFile> acquired = PidFile::acquire(pidPath, &holder);
        if (!acquired && holder != 0) {
            // The CLI's words, without its hint: the holder may be this process.
            fail(Error(ErrorKind::Usage, QStringLiteral("job %1 is already running (pid %2, "
                                                        "pidfile %3)")
                                             .arg(config.jobName())
                                             .arg(holder)
                                             .arg(pidPath)));
            return;
        }
        if (!acquired) {
            fail(acquired.error().withContext(QStringLiteral("job ") + config.jobName()));
            return;
        }
        pidFile.emplace(std::move(acquired).value());
    }
    if (Result<void> ready = NodeWorker::checkStart(config); !ready) {
        fail(ready.error());
        return;
    }

    qInfo().noquote() << QStringLiteral("%1: worker started%2")
                             .arg(config.jobName(),
                                  pidFile ? QStringLiteral(", pidfile ") + pidPath : QString());
    setState(State::Running);
    bool failed = false;
    while (!m_stop) {
        WorkerOptions options = NodeWorker::optionsFor(config);
        options.cancel = m_cancel;
        NodeWorker worker(options);
        if (Result<void> r = worker.run(m_interrupt); !r) {
            fail(r.error());
            failed = true;
            break;
        }
        // Lowered after a reload; a stop keeps it up, so nothing runs again.
        if (!m_stop)
            m_interrupt = false;
        if (m_reload.exchange(false)) {
            config = reloadJobConfig(config);
            QMutexLocker lock(&m_mutex);
            m_config = config;
        }
    }
    qInfo().noquote() << QStringLiteral("%1: worker stopped").arg(config.jobName());
    pidFile.reset(); // removes the pidfile before anyone hears the worker stopped
    if (!failed)
        setState(State::Stopped);
}

} // namespace ferry
