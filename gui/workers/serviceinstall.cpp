#include "workers/serviceinstall.h"

#include "profiles/passwordvault.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <unistd.h>

namespace ferry::gui {

namespace {

// What the unit hides from the service: ProtectHome=yes and PrivateTmp=yes.
bool hiddenFromService(const QString &path)
{
    const QString clean = QDir::cleanPath(path) + QLatin1Char('/');
    for (const char *folder : {"/home/", "/root/", "/run/user/", "/tmp/", "/var/tmp/"}) {
        if (clean.startsWith(QLatin1String(folder)))
            return true;
    }
    return false;
}

// Why `db` (the service's, completed) would not connect from the service as
// from this session; refusals where it would reach elsewhere or check the
// server less, warnings where it would fail to connect (a drop-in may lift
// the unit's ProtectHome or PrivateTmp).
void checkServiceConnection(const ConnectionString &own,
                            const ConnectionString &db,
                            ServicePlan &plan)
{
    if (own.contains(QStringLiteral("service")))
        plan.refusals << QCoreApplication::translate(
                             "ferry::gui::ServiceInstall",
                             "db names service=%1, which user ferry may find elsewhere or "
                             "not at all: write that service's host, port, dbname and user "
                             "into db in the config instead.")
                             .arg(own.value(QStringLiteral("service")));
    // Files libpq reads: the service resolves a relative path from another
    // folder and does not see /home or /tmp.
    const QStringList verifying
        = {QStringLiteral("sslrootcert"), QStringLiteral("sslcrl"), QStringLiteral("sslcrldir")};
    for (const QString &keyword :
         verifying
             + QStringList{QStringLiteral("sslcert"), QStringLiteral("sslkey"),
                           QStringLiteral("passfile")}) {
        const QString path = db.value(keyword);
        if (path.isEmpty()
            || (keyword == QLatin1String("sslrootcert") && path == QLatin1String("system")))
            continue;
        if (QDir::isRelativePath(path))
            plan.refusals << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "%1=%2 is a relative path, which the service would read "
                                 "from another folder: write its absolute path into db in "
                                 "the config.")
                                 .arg(keyword, path);
        else if (hiddenFromService(path) && verifying.contains(keyword))
            plan.refusals << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "%1=%2 is under /home or /tmp, which the service does not "
                                 "see, so it would not check the server as here: copy the "
                                 "file to /etc/ferry and write that path into db.")
                                 .arg(keyword, path);
        else if (hiddenFromService(path))
            plan.warnings << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "%1=%2 is under /home or /tmp, which the service does not "
                                 "see (ProtectHome, PrivateTmp): copy the file to /etc/ferry "
                                 "and write that path into db.")
                                 .arg(keyword, path);
    }
    for (const QString &host : db.value(QStringLiteral("host")).split(QLatin1Char(','))) {
        if (host.startsWith(QLatin1Char('/')) && hiddenFromService(host))
            plan.warnings << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "host=%1 is a socket folder the service does not see "
                                 "(PrivateTmp): write the server's address or "
                                 "/var/run/postgresql into db instead.")
                                 .arg(host);
    }
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

    // The service runs as user ferry without this session's environment:
    // every parameter libpq takes from it here is written out, no secret.
    const ConnectionString own = config.db();
    ConnectionString db = own.withEnvironment();
    for (const auto &param : own.params()) {
        if (ConnectionString::isSecretKeyword(param.first))
            db.remove(param.first);
    }
    const QString user = db.value(QStringLiteral("user"));
    // libpq's dbname defaults to the user when it connects (after a service's).
    if (!db.contains(QStringLiteral("dbname")) && !db.contains(QStringLiteral("service"))
        && !user.isEmpty())
        db.set(QStringLiteral("dbname"), user);
    const QString dbname = db.value(QStringLiteral("dbname"));
    plan.connection = db.toString();
    checkServiceConnection(own, db, plan);

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

    // .pgpass is matched against the first host the service tries.
    const auto first = [&db](const char *keyword) {
        return db.value(QLatin1String(keyword)).section(QLatin1Char(','), 0, 0);
    };
    ConnectionProfile profile;
    profile.host = first("host");
    if (profile.host.isEmpty())
        profile.host = first("hostaddr");
    bool ok = false;
    const int port = first("port").toInt(&ok);
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

QStringList
serviceCommands(const ServicePlan &plan, const QString &staged, bool privileged, bool start)
{
    const QString enable
        = (start ? QStringLiteral("systemctl enable --now ") : QStringLiteral("systemctl enable "))
          + shellQuoted(plan.unit);
    if (privileged)
        return {enable};
    return {QStringLiteral("sudo install -m 0640 -o root -g ferry %1 %2")
                .arg(shellQuoted(staged), shellQuoted(plan.target)),
            QStringLiteral("sudo ") + enable};
}

QString pkexecScript(const ServicePlan &plan, const QString &staged, bool replace, bool start)
{
    const QString target = shellQuoted(plan.target);
    const QString source = shellQuoted(staged);
    QString script;
    if (!replace) // the folder may hold a NAME.ini this user cannot see
        script = QStringLiteral("[ ! -e %1 ] || exit %2; ").arg(target).arg(kServiceExistsExit);
    // Root copies what the path names: never a symlink another process of
    // this user swapped in for the staged file.
    script += QStringLiteral("[ -f %1 ] && [ ! -L %1 ] || exit %2; ")
                  .arg(source)
                  .arg(kServiceStagedNotFileExit);
    script += QStringLiteral("install -m 0640 -o root -g ferry %1 %2 && systemctl enable %3%4")
                  .arg(source, target, start ? QStringLiteral("--now ") : QString(),
                       shellQuoted(plan.unit));
    return script;
}

} // namespace ferry::gui
