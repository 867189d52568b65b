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
    // still runs: a worker that cannot run (no node, another worker) ends at
    // once.
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
    QString pgpassLine; // the passfile's line up to the password
    // Where the service's libpq reads the password: ~ferry/.pgpass, or the
    // passfile db names.
    QString passfile;
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

// The exit codes of pkexecScript(), one for each step that failed:
// NAME.ini exists and may not be replaced (nothing was written), NAME.ini
// could not be written (nothing was installed), there is no systemctl (the
// config was installed, nothing enabled), `systemctl enable` failed (the
// config was installed). pkexec itself ends with 126 or 127 when it gave no
// root's rights.
constexpr int kServiceExistsExit = 17;
constexpr int kServiceWriteFailedExit = 19;
constexpr int kServiceNoSystemctlExit = 20;
constexpr int kServiceEnableFailedExit = 21;

// What `pkexec /bin/sh -c` runs as root: writes the plan's config, held in
// the script itself, to its target (root:ferry 0640, through a temporary
// file only root can open) and enables the unit (`start`: --now).
QString pkexecScript(const ServicePlan &plan, bool replace, bool start);

} // namespace ferry::gui
