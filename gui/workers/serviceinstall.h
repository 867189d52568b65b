#pragma once

#include "config/jobconfig.h"
#include "config/jobconfigwriter.h"

#include <QString>
#include <QStringList>

#include <functional>

class QObject;

namespace ferry::gui {

// Runs `program` with `arguments` without waiting and calls `done` on
// `context`'s thread with its exit code (-1 when it did not start) and its
// last line of error output.
using CommandRunner
    = std::function<void(const QString &program,
                         const QStringList &arguments,
                         QObject *context,
                         std::function<void(int exitCode, const QString &error)> done)>;

// Where the package's worker service lives and how Install as a Service
// reaches root. Tests point the paths at temporary files and the runner at a
// recorder.
struct ServiceInstallOptions
{
    QString unitPath = QStringLiteral("/lib/systemd/system/ferry-worker@.service");
    QString configFolder = QStringLiteral("/etc/ferry");
    QString logFolder = QStringLiteral("/var/log/ferry");
    QString runFolder = QStringLiteral("/run/ferry");
    // Empty: not available (the commands are shown to copy instead).
    QString pkexecProgram;
    // This process is root: it writes the file and runs systemctl itself.
    bool privileged = false;
    CommandRunner runner;
    // How long after `systemctl enable --now` Ferry asks whether the service
    // still runs: a refused login ends the worker at once.
    int settleMs = 2000;

    // pkexec from PATH, privileged when running as root, a QProcess runner.
    static ServiceInstallOptions systemDefaults();
};

// The runner systemDefaults() uses: a QProcess, a child of `context`.
void runProcess(const QString &program,
                const QStringList &arguments,
                QObject *context,
                std::function<void(int exitCode, const QString &error)> done);

// Empty when `jobName` can name an instance of ferry-worker@.service (the
// unit's %i, also the file /etc/ferry/NAME.ini); else why not, translated.
QString serviceNameProblem(const QString &jobName);

// What installing `config` as a service writes and runs.
struct ServicePlan
{
    QString name;       // the job's name: the unit's instance
    QString unit;       // ferry-worker@NAME
    QString target;     // CONFIG_FOLDER/NAME.ini
    NewJobConfig job;   // the service's config: no password, its own log and pidfile
    QString pgpassLine; // ~ferry/.pgpass's line up to the password
    // The connection the service makes (job.db: the config's db completed
    // with this session's libpq environment, no secret).
    QString connection;
    // Why the service would not connect as this session does, one line each,
    // translated: refusals forbid installing, warnings are shown.
    QStringList refusals;
    QStringList warnings;
};

ServicePlan servicePlan(const JobConfig &config, const ServiceInstallOptions &options);

// The commands a user runs as root (with `sudo` unless privileged) after the
// config was written to `staged` (ignored when privileged: written in place);
// `start`: enable --now, else enable only.
QStringList
serviceCommands(const ServicePlan &plan, const QString &staged, bool privileged, bool start = true);

// The exit codes of pkexecScript() when NAME.ini exists and may not be
// replaced, and when `staged` is not a regular file (a symlink swapped in).
constexpr int kServiceExistsExit = 17;
constexpr int kServiceStagedNotFileExit = 18;

// What `pkexec /bin/sh -c` runs as root: copies `staged` (only a regular
// file, never a symlink) to the plan's target and enables the unit.
QString pkexecScript(const ServicePlan &plan, const QString &staged, bool replace, bool start);

// `value` quoted for a POSIX shell where it needs to be.
QString shellQuoted(const QString &value);

} // namespace ferry::gui
