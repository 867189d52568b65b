#include "jobrunner.h"

#include "daemon.h"
#include "dispatcher.h"
#include "joblog.h"
#include "signals.h"
#include "util/pidfile.h"

#include <QDebug>
#include <QFileInfo>
#include <QTextStream>

#include <csignal>
#include <optional>
#include <unistd.h>

namespace ferry::cli {

namespace {

void say(const CommandLine &line, const QString &text)
{
    if (line.verbosity != Verbosity::Quiet)
        QTextStream(stderr) << QStringLiteral("ferry: ") << text << Qt::endl;
}

// -r with a pidfile nobody holds: the job may still run with the pidfile it
// started with (an administrator changed `pidfile`, then reloaded), which a
// reload cannot find; only a restart can. The packaged unit ferry-worker@NAME
// runs /etc/ferry/NAME.ini: its restart command is named.
QString reloadTargetMissing(const CommandLine &line, const JobConfig &config)
{
    const QFileInfo configFile(line.configPath);
    const bool service = line.command == QLatin1String("worker")
                         && configFile.absolutePath() == QLatin1String("/etc/ferry")
                         && configFile.suffix() == QLatin1String("ini");
    const QString restart = service
                                ? QStringLiteral("systemctl restart ferry-worker@%1")
                                      .arg(configFile.completeBaseName())
                                : QStringLiteral("stop it through the old pidfile, then start it");
    return QStringLiteral("job %1 is not running with pidfile %2 (no process holds it); if "
                          "`pidfile` in %3 changed since the job started, a reload cannot find "
                          "it: restart it instead (%4)")
        .arg(config.jobName(), config.pidFile(), line.configPath, restart);
}

// The one-line text of a pidfile error from -s or -r.
QString signalFailure(const CommandLine &line, const JobConfig &config, const Error &error)
{
    if (error.kind() == ErrorKind::Usage) { // nothing holds the pidfile
        if (line.daemon == DaemonAction::Reload)
            return reloadTargetMissing(line, config);
        return QStringLiteral("job %1 is not running (no process holds pidfile %2)")
            .arg(config.jobName(), config.pidFile());
    }
    return QStringLiteral("job %1: %2").arg(config.jobName(), error.toString());
}

int signalJob(const CommandLine &line, const JobConfig &config, const QString &commandName)
{
    if (config.pidFile().isEmpty()) {
        return fail(QStringLiteral("set `pidfile` in %1 to use -s/-r: without it there is no way "
                                   "to find the running job")
                        .arg(line.configPath));
    }
    // Noted before the signal, so the line comes before the job's own answer;
    // only when a job holds the pidfile, else there is nothing to stop.
    const bool stop = line.daemon == DaemonAction::Stop;
    if (const auto holder = PidFile::runningPid(config.pidFile())) {
        OperatorNote note;
        note.action = stop ? OperatorAction::Stop : OperatorAction::Reload;
        note.node = config.db().displayName(); // -s and -r do not connect
        note.pid = *holder;
        note.command = commandName;
        noteOperatorAction(config, note);
    }
    if (stop) {
        const Result<qint64> pid = PidFile::stop(config.pidFile(), kStopTimeoutMs);
        if (!pid)
            return fail(signalFailure(line, config, pid.error()));
        say(line, QStringLiteral("stopped %1 (pid %2)").arg(config.jobName()).arg(*pid));
        return ExitSuccess;
    }
    const Result<qint64> pid = PidFile::signal(config.pidFile(), SIGHUP);
    if (!pid)
        return fail(signalFailure(line, config, pid.error()));
    say(line,
        QStringLiteral("asked %1 (pid %2) to reload its config").arg(config.jobName()).arg(*pid));
    return ExitSuccess;
}

// The job itself, in the foreground or in the daemon.
int runHere(const CommandLine &line,
            const JobConfig &config,
            const QString &commandName,
            const std::function<Result<void>()> &startup,
            const std::function<int()> &body,
            bool inDaemon)
{
    installJobLogHandler(line.verbosity);
    installReloadSignalHandler(); // before the pidfile names this process
    if (!inDaemon)                // a daemon's stderr is its logfile already
        copyJobLogTo(config.logFile());
    const auto cannotStart = [inDaemon](const Error &error) {
        if (!inDaemon)
            return fail(error.toString());
        qCritical().noquote() << error.toString(); // for the log
        notifyDaemonFailed(error);                 // for the terminal of `ferry -d`
        return int(ExitFailure);
    };

    std::optional<PidFile> pidFile;
    if (!config.pidFile().isEmpty()) {
        qint64 holder = 0;
        Result<PidFile> acquired = PidFile::acquire(config.pidFile(), &holder);
        if (!acquired && holder != 0) {
            return cannotStart(
                Error(ErrorKind::Usage,
                      QStringLiteral("job %1 is already running (pid %2, pidfile %3): stop it with "
                                     "'ferry -s %4 %5'")
                          .arg(config.jobName())
                          .arg(holder)
                          .arg(config.pidFile(), line.configPath, commandName)));
        }
        if (!acquired)
            return cannotStart(
                acquired.error().withContext(QStringLiteral("job ") + config.jobName()));
        pidFile.emplace(std::move(acquired).value());
    }
    if (startup) {
        if (Result<void> ready = startup(); !ready)
            return cannotStart(ready.error());
    }

    // Only now: SIGINT or SIGTERM during the checks above ends the process at
    // once (a SIGHUP waits for the loop).
    installJobSignalHandlers();
    qInfo().noquote() << QStringLiteral("%1: %2 started%3")
                             .arg(config.jobName(), commandName,
                                  pidFile ? QStringLiteral(", pidfile ") + pidFile->path()
                                          : QString());
    notifyDaemonReady();
    const int code = body();
    qInfo().noquote() << QStringLiteral("%1: %2 stopped").arg(config.jobName(), commandName);
    return code; // ~PidFile removes the pidfile
}

} // namespace

int runJob(const CommandLine &line,
           const JobConfig &config,
           const QString &commandName,
           const std::function<Result<void>()> &startup,
           const std::function<int()> &body)
{
    switch (line.daemon) {
    case DaemonAction::Stop:
    case DaemonAction::Reload:
        return signalJob(line, config, commandName);
    case DaemonAction::None:
        return runHere(line, config, commandName, startup, body, false);
    case DaemonAction::Start:
        break;
    }

    if (config.pidFile().isEmpty())
        return fail(QStringLiteral("-d needs a pidfile: set `pidfile` in %1").arg(line.configPath));
    if (config.logFile().isEmpty())
        return fail(
            QStringLiteral("-d needs a log file: set `logfile` in %1").arg(line.configPath));
    const Result<Daemonized> daemon = daemonize(config.logFile());
    if (!daemon)
        return fail(daemon.error().toString());
    if (!daemon->inDaemon) {
        say(line, QStringLiteral("started %1 (pid %2), logging to %3")
                      .arg(config.jobName())
                      .arg(daemon->daemonPid)
                      .arg(config.logFile()));
        return ExitSuccess;
    }
    return runHere(line, config, commandName, startup, body, true);
}

} // namespace ferry::cli
