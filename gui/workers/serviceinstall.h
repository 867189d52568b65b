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
};

ServicePlan servicePlan(const JobConfig &config, const ServiceInstallOptions &options);

// The commands a user runs as root (with `sudo` unless privileged) after the
// config was written to `staged` (ignored when privileged: written in place).
QStringList serviceCommands(const ServicePlan &plan, const QString &staged, bool privileged);

// `value` quoted for a POSIX shell where it needs to be.
QString shellQuoted(const QString &value);

} // namespace ferry::gui
