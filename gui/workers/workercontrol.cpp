#include "workers/workercontrol.h"

#include "cascade/nodeadmin.h"
#include "common/asynctask.h"
#include "common/connectadvice.h"
#include "db/connectgate.h"
#include "util/pidfile.h"
#include "workers/workerregistry.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QProcess>
#include <QStandardPaths>
#include <QThreadPool>
#include <QtConcurrent>

namespace ferry::gui {

namespace {

// Stopping a daemon may wait up to kStopTimeoutMs: not on the global pool,
// whose threads read the cascade's status.
Q_GLOBAL_STATIC(QThreadPool, g_actionPool)

QString g_ferryProgram;

// Work that may wait goes to the action pool.
template<typename T, typename Work, typename Done>
void runAction(QObject *context, Work work, Done done)
{
    runAsync<T>(context, std::move(work), std::move(done), g_actionPool());
}

bool isExecutable(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

// The last line `ferry -d` wrote, without its "ferry: " prefix.
QString lastLine(const QByteArray &output)
{
    const QStringList lines
        = QString::fromUtf8(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return QString();
    QString line = lines.constLast().trimmed();
    if (line.startsWith(QLatin1String("ferry: ")))
        line = line.mid(7);
    return line;
}

} // namespace

WorkerControl::WorkerControl(WorkerRegistry *registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry ? registry : WorkerRegistry::instance())
{
    m_timer.setInterval(kProbeIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &WorkerControl::refresh);
    connect(m_registry, &WorkerRegistry::workerChanged, this, [this](const QString &path) {
        if (m_hasConfig && path == QFileInfo(m_config.path()).absoluteFilePath()) {
            onWorkerChanged();
            // The pidfile changed hands: read it again rather than trust the last read.
            refresh();
            emit changed();
        }
    });
}

WorkerControl::~WorkerControl()
{
    detachDaemonStart();
}

void WorkerControl::detachDaemonStart()
{
    if (!m_daemonStart)
        return;
    // Only the answer of `ferry -d` is no longer wanted: killing it would
    // leave its daemon without anyone to tell that it started.
    m_daemonStart->disconnect(this);
    m_daemonStart->setParent(QCoreApplication::instance());
    connect(m_daemonStart, &QProcess::finished, m_daemonStart, &QObject::deleteLater);
    m_daemonStart = nullptr;
}

void WorkerControl::setConfig(const JobConfig &config)
{
    clearConfig();
    m_config = config;
    m_hasConfig = true;
    m_timer.start();
    refresh();
    emit changed();
}

void WorkerControl::clearConfig()
{
    ++m_generation; // answers on their way are dropped
    m_config = JobConfig();
    m_hasConfig = false;
    m_timer.stop();
    m_probed = false;
    m_probeInFlight = false;
    m_probeAgain = false;
    m_holderPid.reset();
    m_startWhenFree = false;
    detachDaemonStart();
    m_stoppingDaemon = false;
    m_pauseInFlight = false;
    m_paused.reset();
    m_isRoot = false;
    m_nodeName.clear();
    m_startRequested = false;
    m_actionError.clear();
    emit changed();
}

QString WorkerControl::pidFile() const
{
    return WorkerThread::resolvedPath(m_config, m_config.pidFile());
}

void WorkerControl::setProbeIntervalMs(int ms)
{
    m_timer.setInterval(qMax(100, ms));
}

WorkerControl::Mode WorkerControl::mode() const
{
    if (!m_hasConfig)
        return Mode::Unknown;
    const WorkerThread *here = m_registry->worker(m_config.path());
    if (here && here->isActive()) {
        switch (here->state()) {
        case WorkerThread::State::Starting:
            return Mode::Starting;
        case WorkerThread::State::Running:
            return Mode::RunningHere;
        case WorkerThread::State::Stopping:
        case WorkerThread::State::Stopped:
        case WorkerThread::State::Failed:
            return Mode::Stopping; // the thread is ending
        }
    }
    if (m_stoppingDaemon)
        return Mode::Stopping;
    if (m_daemonStart)
        return Mode::Starting;
    if (m_holderPid)
        return Mode::Daemon;
    if (here && here->state() == WorkerThread::State::Failed)
        return Mode::Failed;
    return m_probed ? Mode::NotRunning : Mode::Unknown;
}

qint64 WorkerControl::daemonPid() const
{
    return mode() == Mode::Daemon ? *m_holderPid : 0;
}

QString WorkerControl::nodeLabel() const
{
    return m_nodeName.isEmpty() ? m_config.db().displayName() : m_nodeName;
}

QString WorkerControl::lastError() const
{
    if (!m_actionError.isEmpty())
        return m_actionError;
    const WorkerThread *here = m_hasConfig ? m_registry->worker(m_config.path()) : nullptr;
    return here ? here->lastError() : QString();
}

QString WorkerControl::stateText() const
{
    switch (mode()) {
    case Mode::Unknown:
        return m_hasConfig ? tr("Worker: checking…") : tr("Worker: no config open");
    case Mode::NotRunning:
        return tr("Worker: not running");
    case Mode::Starting:
        return tr("Worker: starting…");
    case Mode::RunningHere:
        return tr("Worker: running here (pid %1)").arg(QCoreApplication::applicationPid());
    case Mode::Stopping:
        return tr("Worker: stopping…");
    case Mode::Daemon:
        return tr("Worker: running as daemon (pid %1)").arg(daemonPid());
    case Mode::Failed:
        return tr("Worker: failed: %1").arg(lastError());
    }
    return QString();
}

bool WorkerControl::canStart() const
{
    const Mode m = mode();
    return m == Mode::NotRunning || m == Mode::Failed;
}

bool WorkerControl::canStartDaemon() const
{
    // `ferry -d` needs both; it says so itself, but the menu need not offer it.
    return canStart() && !m_config.pidFile().isEmpty() && !m_config.logFile().isEmpty();
}

bool WorkerControl::canStop() const
{
    const Mode m = mode();
    return m == Mode::RunningHere || m == Mode::Daemon || (m == Mode::Starting && !m_daemonStart);
}

bool WorkerControl::canPause() const
{
    return m_hasConfig && !m_pauseInFlight && !m_isRoot && m_paused != true;
}

bool WorkerControl::canResume() const
{
    return m_hasConfig && !m_pauseInFlight && !m_isRoot && m_paused != false;
}

void WorkerControl::refresh()
{
    if (!m_hasConfig)
        return;
    if (m_probeInFlight) {
        m_probeAgain = true;
        return;
    }
    const QString path = pidFile();
    if (path.isEmpty()) {
        // Without a pidfile only the workers of this process can be known.
        onProbe({m_generation, std::nullopt});
        return;
    }
    m_probeInFlight = true;
    const quint64 generation = m_generation;
    runAction<Probe>(
        this,
        [path, generation] {
            return Probe{generation, PidFile::runningPid(path)};
        },
        [this](const Probe &probe) { onProbe(probe); });
}

void WorkerControl::onProbe(const Probe &probe)
{
    if (probe.generation != m_generation)
        return;
    m_probeInFlight = false;
    const Mode before = mode();
    const auto beforePid = m_holderPid;
    m_probed = true;
    // This process holding it is what the registry says better.
    if (probe.pid && *probe.pid != QCoreApplication::applicationPid())
        m_holderPid = probe.pid;
    else
        m_holderPid.reset();
    if (m_startWhenFree) {
        m_startWhenFree = false;
        if (!isRunningSomewhere())
            start();
    }
    if (mode() != before || m_holderPid != beforePid)
        emit changed();
    if (std::exchange(m_probeAgain, false))
        refresh();
}

bool WorkerControl::isRunningSomewhere() const
{
    const WorkerThread *here = m_registry->worker(m_config.path());
    return m_holderPid || m_daemonStart || (here && here->isActive());
}

void WorkerControl::fail(Action action, const Error &error)
{
    const QString advice = connectAdvice(error);
    if (advice.isEmpty()) {
        fail(action, error.toString(), error.kind());
        return;
    }
    m_actionError = error.toString();
    emit changed();
    emit actionFailed(action, m_actionError, advice);
}

void WorkerControl::fail(Action action, const QString &reason, ErrorKind kind)
{
    m_actionError = reason;
    QString advice;
    if (kind == ErrorKind::Connection) {
        advice = tr("Check that the database of node %1 is running and accepts connections "
                    "from this computer, then try again.")
                     .arg(nodeLabel());
    } else {
        switch (action) {
        case Action::Start:
            advice = logFile().isEmpty()
                         ? tr("Fix the cause, then choose Worker > Start again.")
                         : tr("Fix the cause (the worker's log %1 may tell more), then choose "
                              "Worker > Start again.")
                               .arg(logFile());
            break;
        case Action::StartDaemon:
            advice = tr("Fix the cause, then choose Worker > Start as Daemon again.");
            break;
        case Action::Stop:
            advice = tr("The worker may still run: choose Worker > Stop again, or run "
                        "ferry -s %1 worker.")
                         .arg(m_config.path());
            break;
        case Action::Pause:
            advice = tr("Fix the cause, then choose Worker > Pause again.");
            break;
        case Action::Resume:
            advice = tr("Fix the cause, then choose Worker > Resume again.");
            break;
        }
    }
    emit changed();
    emit actionFailed(action, reason, advice);
}

QString WorkerControl::logFile() const
{
    return WorkerThread::resolvedPath(m_config, m_config.logFile());
}

OperatorNote WorkerControl::noteOf(OperatorAction action, const QString &node, qint64 pid)
{
    OperatorNote note;
    note.action = action;
    note.node = node;
    note.frontEnd = QStringLiteral("ferry-gui");
    note.pid = pid;
    return note;
}

void WorkerControl::note(OperatorAction action, qint64 workerPid) const
{
    // A log that cannot be written has nowhere to say so; the action goes on.
    (void)logOperatorAction(logFile(), noteOf(action, nodeLabel(), workerPid));
}

void WorkerControl::onWorkerChanged()
{
    const WorkerThread *here = m_registry->worker(m_config.path());
    if (!m_startRequested || !here)
        return;
    if (here->state() == WorkerThread::State::Running) {
        m_startRequested = false;
    } else if (here->state() == WorkerThread::State::Failed) {
        m_startRequested = false;
        fail(Action::Start, here->lastError());
    }
}

void WorkerControl::start()
{
    if (!m_hasConfig)
        return;
    m_actionError.clear();
    const WorkerThread *here = m_registry->worker(m_config.path());
    if (here && here->isActive()) {
        fail(Action::Start, tr("The worker of %1 is still stopping: wait until it has stopped.")
                                .arg(m_config.jobName()));
        return;
    }
    // Before the worker's own "worker started", in the order they happen.
    note(OperatorAction::StartHere);
    m_startRequested = m_registry->start(m_config);
    emit changed();
}

void WorkerControl::ensureRunning()
{
    if (!m_hasConfig || isRunningSomewhere())
        return;
    m_startWhenFree = true;
    refresh();
}

void WorkerControl::startDaemon()
{
    if (!m_hasConfig || m_daemonStart)
        return;
    const QString program = ferryProgram();
    if (program.isEmpty()) {
        fail(Action::StartDaemon, tr("Cannot find the ferry command next to ferry-gui or in PATH."),
             ErrorKind::Io);
        return;
    }
    m_actionError.clear();
    m_registry->forget(m_config.path()); // an old failure here is no longer the news
    auto *process = new QProcess(this);
    m_daemonStart = process;
    // `ferry -d` keeps its folder: relative paths in CONFIG.ini mean what
    // they mean to the in-process worker, the config's folder.
    process->setWorkingDirectory(QFileInfo(m_config.path()).absolutePath());
    process->setProgram(program);
    process->setArguments({QStringLiteral("-d"), m_config.path(), QStringLiteral("worker")});
    const auto finish = [this, process](const QString &error) {
        process->deleteLater();
        if (m_daemonStart != process)
            return; // the config changed meanwhile
        m_daemonStart = nullptr;
        if (!error.isEmpty())
            fail(Action::StartDaemon, error);
        refresh();
        emit changed();
    };
    connect(process, &QProcess::finished, this,
            [process, finish](int exitCode, QProcess::ExitStatus status) {
                if (status == QProcess::NormalExit && exitCode == 0) {
                    finish(QString());
                    return;
                }
                const QString line = lastLine(process->readAllStandardError());
                finish(line.isEmpty() ? tr("ferry -d failed (exit code %1).").arg(exitCode) : line);
            });
    connect(process, &QProcess::errorOccurred, this, [process, finish](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finish(tr("Cannot run %1: %2").arg(process->program(), process->errorString()));
    });
    note(OperatorAction::StartDaemon);
    process->start();
    emit changed();
}

void WorkerControl::stop()
{
    if (!m_hasConfig)
        return;
    m_actionError.clear();
    const WorkerThread *here = m_registry->worker(m_config.path());
    if (here && here->isActive()) {
        note(OperatorAction::Stop, QCoreApplication::applicationPid());
        m_startRequested = false;
        m_registry->stop(m_config.path());
        emit changed();
        return;
    }
    if (mode() != Mode::Daemon)
        return;
    m_stoppingDaemon = true;
    emit changed();
    const QString path = pidFile();
    const QString log = logFile();
    const QString node = nodeLabel();
    const qint64 pid = *m_holderPid;
    const quint64 generation = m_generation;
    runAction<Result<qint64>>(
        this,
        [path, log, node, pid] {
            // Before the SIGTERM, so the line comes before the daemon's last ones.
            (void)logOperatorAction(log, noteOf(OperatorAction::Stop, node, pid));
            return PidFile::stop(path, kStopTimeoutMs);
        },
        [this, generation](const Result<qint64> &stopped) {
            if (generation != m_generation)
                return;
            m_stoppingDaemon = false;
            if (stopped)
                m_registry->forget(m_config.path());
            else
                fail(Action::Stop, stopped.error());
            refresh();
            emit changed();
        });
}

void WorkerControl::setPaused(bool paused)
{
    if (!m_hasConfig || m_pauseInFlight)
        return;
    m_pauseInFlight = true;
    m_actionError.clear();
    emit changed();
    const ConnectionString db = m_config.db();
    const QString queue = m_config.queueName();
    const QString log = logFile();
    const quint64 generation = m_generation;
    runAction<Result<NodeInfo>>(
        this,
        [db, queue, paused, log] {
            const ConnectGate::Scope gated; // no login where the views' login was refused
            auto node = NodeAdmin::setPaused(db, queue, paused);
            // Noted once the node took it, with the node's name it answered with.
            if (node) {
                (void)logOperatorAction(
                    log,
                    noteOf(paused ? OperatorAction::Pause : OperatorAction::Resume, node->name));
            }
            return node;
        },
        [this, generation, paused](const Result<NodeInfo> &done) {
            if (generation != m_generation)
                return;
            m_pauseInFlight = false;
            if (!done) {
                fail(paused ? Action::Pause : Action::Resume, done.error());
                return;
            }
            m_paused = done->paused;
            emit changed();
            emit nodeChanged();
        });
}

void WorkerControl::setStatus(const StatusReply &reply)
{
    if (!m_hasConfig || !reply.ok || m_pauseInFlight)
        return;
    std::optional<bool> paused;
    bool root = false;
    m_nodeName = reply.status.localNode;
    for (const NodeStatus &node : reply.status.nodes) {
        if (node.name != reply.status.localNode)
            continue;
        root = node.type == NodeType::Root;
        if (node.reachable)
            paused = node.warnings.contains(QStringLiteral("paused"));
    }
    if (paused != m_paused || root != m_isRoot) {
        m_paused = paused;
        m_isRoot = root;
        emit changed();
    }
}

QString WorkerControl::ferryProgram()
{
    if (!g_ferryProgram.isEmpty())
        return g_ferryProgram;
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &candidate :
         {here.filePath(QStringLiteral("ferry")), here.filePath(QStringLiteral("../cli/ferry"))}) {
        if (isExecutable(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("ferry"));
}

void WorkerControl::setFerryProgram(const QString &path)
{
    g_ferryProgram = path;
}

} // namespace ferry::gui
