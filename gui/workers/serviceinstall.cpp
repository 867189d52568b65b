#include "workers/serviceinstall.h"

#include "profiles/passwordvault.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <pwd.h>
#include <unistd.h>

namespace ferry::gui {

namespace {

// libpq's default user: this process's login name, not $USER.
QString osUserName()
{
    const passwd *entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QString();
}

} // namespace

ServiceInstallOptions ServiceInstallOptions::systemDefaults()
{
    ServiceInstallOptions options;
    options.pkexecProgram = QStandardPaths::findExecutable(QStringLiteral("pkexec"));
    options.privileged = ::geteuid() == 0;
    options.runner = runProcess;
    return options;
}

void runProcess(const QString &program,
                const QStringList &arguments,
                QObject *context,
                std::function<void(int exitCode, const QString &error)> done)
{
    auto *process = new QProcess(context);
    auto finish = [process, done](int exitCode, const QString &error) {
        process->disconnect();
        process->deleteLater();
        done(exitCode, error);
    };
    QObject::connect(process, &QProcess::errorOccurred, context,
                     [process, finish](QProcess::ProcessError error) {
                         if (error == QProcess::FailedToStart)
                             finish(-1, process->errorString());
                     });
    QObject::connect(process, &QProcess::finished, context,
                     [process, finish](int exitCode, QProcess::ExitStatus status) {
                         const QStringList lines
                             = QString::fromLocal8Bit(process->readAllStandardError())
                                   .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
                         QString last = lines.isEmpty() ? QString() : lines.last().trimmed();
                         if (status == QProcess::CrashExit && last.isEmpty())
                             last = process->errorString();
                         finish(status == QProcess::CrashExit ? -1 : exitCode, last);
                     });
    process->start(program, arguments);
}

QString serviceNameProblem(const QString &jobName)
{
    // The unit's %i: systemd would escape anything else, and the name is
    // also the file /etc/ferry/NAME.ini.
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    if (!name.match(jobName).hasMatch() || jobName.startsWith(QLatin1Char('.')))
        return QCoreApplication::translate(
                   "ferry::gui::ServiceInstall",
                   "job_name %1 cannot name a service: use only letters, digits, '_', '.' or "
                   "'-' (not first '.')")
            .arg(jobName);
    return {};
}

ServicePlan servicePlan(const JobConfig &config, const ServiceInstallOptions &options)
{
    ServicePlan plan;
    plan.name = config.jobName();
    plan.unit = QStringLiteral("ferry-worker@") + plan.name;
    plan.target = QDir(options.configFolder).filePath(plan.name + QStringLiteral(".ini"));

    // The service runs as user ferry without this session's environment: it
    // logs in as the role and database this config reaches from here.
    ConnectionString db = config.db();
    QString user = db.value(QStringLiteral("user"));
    if (user.isEmpty())
        user = qEnvironmentVariable("PGUSER", osUserName());
    if (!user.isEmpty() && !db.contains(QStringLiteral("user")))
        db.set(QStringLiteral("user"), user);
    QString dbname = db.value(QStringLiteral("dbname"));
    if (dbname.isEmpty())
        dbname = qEnvironmentVariable("PGDATABASE", user);
    if (!dbname.isEmpty() && !db.contains(QStringLiteral("dbname")))
        db.set(QStringLiteral("dbname"), dbname);

    plan.job.jobName = plan.name;
    plan.job.db = db; // newJobConfigText() leaves the password out
    plan.job.queueName = config.queueName();
    plan.job.logFile = QDir(options.logFolder).filePath(plan.name + QStringLiteral(".log"));
    plan.job.pidFile = QDir(options.runFolder).filePath(plan.name + QStringLiteral(".pid"));
    const auto number = [](double value) {
        return QString::number(value);
    };
    plan.job.settings = {
        {QStringLiteral("loop_delay"), number(config.loopDelay())},
        {QStringLiteral("parallel_copies"), QString::number(config.parallelCopies())},
        {QStringLiteral("lock_timeout"), number(config.lockTimeout())},
        {QStringLiteral("ticker"), config.ticker() ? QStringLiteral("on") : QStringLiteral("off")},
        {QStringLiteral("ticker_period"), number(config.tickerPeriod())},
        {QStringLiteral("retry_delay"), number(config.retryDelay())},
    };

    ConnectionProfile profile;
    profile.host = db.value(QStringLiteral("host"));
    if (profile.host.isEmpty())
        profile.host = db.value(QStringLiteral("hostaddr"));
    bool ok = false;
    const int port = db.value(QStringLiteral("port")).toInt(&ok);
    profile.port = ok ? port : 5432;
    profile.dbname = dbname;
    profile.user = user;
    plan.pgpassLine = PgPass::linePrefix(profile);
    return plan;
}

QString shellQuoted(const QString &value)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./@%+=:,-]+$"));
    if (plain.match(value).hasMatch())
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QStringList serviceCommands(const ServicePlan &plan, const QString &staged, bool privileged)
{
    const QString enable = QStringLiteral("systemctl enable --now ") + plan.unit;
    if (privileged)
        return {enable};
    return {QStringLiteral("sudo install -m 0640 -o root -g ferry %1 %2")
                .arg(shellQuoted(staged), shellQuoted(plan.target)),
            QStringLiteral("sudo ") + enable};
}

} // namespace ferry::gui
