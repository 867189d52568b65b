#include "reloadcheck.h"

#include "util/pidfile.h"

#include <QFileInfo>

namespace ferry::cli {

std::optional<QString> reloadTargetMissing(const CommandLine &line, const JobConfig &config)
{
    const bool job
        = line.command == QLatin1String("worker") || line.command == QLatin1String("ticker");
    if (!job || line.daemon != DaemonAction::Reload || config.pidFile().isEmpty())
        return std::nullopt;
    if (PidFile::runningPid(config.pidFile()))
        return std::nullopt;
    // The packaged unit ferry-worker@NAME runs /etc/ferry/NAME.ini.
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

} // namespace ferry::cli
