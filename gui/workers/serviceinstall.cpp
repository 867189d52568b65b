#include "workers/serviceinstall.h"

#include "db/connection.h"
#include "profiles/passwordvault.h"
#include "util/shellquote.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <pwd.h>
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

// The home folder libpq reads ~/.postgresql from (pqGetHomeDirectory): $HOME,
// else the passwd entry's.
QString libpqHome()
{
    const QByteArray home = qgetenv("HOME");
    if (!home.isEmpty())
        return QFile::decodeName(home);
    const passwd *entry = ::getpwuid(::geteuid());
    return entry ? QFile::decodeName(entry->pw_dir) : QString();
}

// libpq's files in this user's ~/.postgresql used where db names none: user
// ferry has none, so the service would check the server less (refused) or
// not present this user's certificate (warned).
void checkDefaultSslFiles(const ConnectionString &db, ServicePlan &plan)
{
    const QString home = libpqHome();
    if (db.value(QStringLiteral("sslmode")) == QLatin1String("disable") || home.isEmpty())
        return;
    const QDir folder(QDir(home).filePath(QStringLiteral(".postgresql")));
    const auto present = [&folder](const char *name) {
        const QString path = folder.filePath(QLatin1String(name));
        return QFileInfo::exists(path) ? path : QString();
    };
    const QString rootCert = db.value(QStringLiteral("sslrootcert"));
    const QString defaultRoot = rootCert.isEmpty() ? present("root.crt") : QString();
    if (!defaultRoot.isEmpty())
        plan.refusals << QCoreApplication::translate(
                             "ferry::gui::ServiceInstall",
                             "%1 makes this session check the server's certificate, which the "
                             "service would not: copy it to /etc/ferry and write "
                             "sslrootcert=/etc/ferry/root.crt into db (or sslrootcert=system "
                             "for the system's CAs).")
                             .arg(defaultRoot);
    // libpq reads the default CRL with a root certificate file, not with
    // the system's CAs.
    const bool rootFile
        = !defaultRoot.isEmpty() || (!rootCert.isEmpty() && rootCert != QLatin1String("system"));
    if (rootFile && !db.contains(QStringLiteral("sslcrl"))
        && !db.contains(QStringLiteral("sslcrldir"))) {
        if (const QString crl = present("root.crl"); !crl.isEmpty())
            plan.refusals << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "%1 makes this session refuse a revoked server certificate, "
                                 "which the service would not: copy it to /etc/ferry and write "
                                 "sslcrl=/etc/ferry/root.crl into db.")
                                 .arg(crl);
    }
    const std::pair<const char *, const char *> client[]
        = {{"sslcert", "postgresql.crt"}, {"sslkey", "postgresql.key"}};
    for (const auto &[keyword, name] : client) {
        if (db.contains(QLatin1String(keyword)))
            continue;
        if (const QString path = present(name); !path.isEmpty())
            plan.warnings << QCoreApplication::translate(
                                 "ferry::gui::ServiceInstall",
                                 "%1 is what this session presents to the server, which the "
                                 "service would not: copy it to /etc/ferry (readable by user "
                                 "ferry) and write %2=/etc/ferry/%3 into db.")
                                 .arg(path, QLatin1String(keyword), QLatin1String(name));
    }
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
    checkDefaultSslFiles(db, plan);
    if (const QString passfile = db.value(QStringLiteral("passfile"));
        !passfile.isEmpty() && !QDir::isRelativePath(passfile))
        plan.warnings << QCoreApplication::translate(
                             "ferry::gui::ServiceInstall",
                             "The service reads its password from passfile=%1, not "
                             "~ferry/.pgpass: user ferry must own it (mode 0600), or libpq "
                             "does not read it.")
                             .arg(passfile);
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
    // every parameter libpq takes from it here is written out, no secret,
    // and none the session sets itself (the service's sets them the same).
    const ConnectionString own = config.db();
    ConnectionString db = Connection::sessionConnectionString(own);
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
    // libpq reads db's passfile instead of ~/.pgpass.
    plan.passfile = db.value(QStringLiteral("passfile"));
    if (plan.passfile.isEmpty())
        plan.passfile = QStringLiteral("~ferry/.pgpass");
    return plan;
}

QStringList
serviceCommands(const ServicePlan &plan, const QString &staged, bool privileged, bool start)
{
    const QString enable
        = (start ? QStringLiteral("systemctl enable --now ") : QStringLiteral("systemctl enable "))
          + shellWord(plan.unit);
    if (privileged)
        return {enable};
    return {QStringLiteral("sudo install -m 0640 -o root -g ferry %1 %2")
                .arg(shellWord(staged), shellWord(plan.target)),
            QStringLiteral("sudo ") + enable};
}

QString pkexecScript(const ServicePlan &plan, bool replace, bool start)
{
    const QString target = shellWord(plan.target);
    const QString folder = shellWord(QFileInfo(plan.target).path());
    // Root reads nothing a user may write: the config (no secret) is in the
    // script, written into a file only root can open until it is in place.
    // Put together, not with arg(): a path or the config may hold "%1".
    const auto code = [](int exitCode) {
        return QStringLiteral(" || exit ") + QString::number(exitCode) + QStringLiteral("; ");
    };
    QString script = QStringLiteral("umask 077; ");
    if (!replace) // the folder may hold a NAME.ini this user cannot see
        script
            += QStringLiteral("[ ! -e ") + target + QStringLiteral(" ]") + code(kServiceExistsExit);
    script += QStringLiteral("tmp=$(mktemp ") + folder + QStringLiteral("/.")
              + shellWord(QFileInfo(plan.target).fileName()) + QStringLiteral(".XXXXXX)")
              + code(kServiceWriteFailedExit);
    script += QStringLiteral("{ printf '%s' ")
              + shellWord(QString::fromUtf8(newJobConfigText(plan.job)))
              + QStringLiteral(" > \"$tmp\" && chown root:ferry \"$tmp\" && chmod 0640 \"$tmp\" "
                               "&& mv -f \"$tmp\" ")
              + target + QStringLiteral("; } || { rm -f \"$tmp\"; exit ")
              + QString::number(kServiceWriteFailedExit) + QStringLiteral("; }; ");
    script += QStringLiteral("command -v systemctl > /dev/null") + code(kServiceNoSystemctlExit);
    script += QStringLiteral("systemctl enable ") + (start ? QStringLiteral("--now ") : QString())
              + shellWord(plan.unit) + QStringLiteral(" || exit ")
              + QString::number(kServiceEnableFailedExit);
    return script;
}

} // namespace ferry::gui
