#include "operatorlog.h"

#include "joblogfile.h"

#include <QCoreApplication>

#include <pwd.h>
#include <unistd.h>

namespace ferry {

namespace {

QString actionText(const OperatorNote &note)
{
    switch (note.action) {
    case OperatorAction::StartHere:
        return QStringLiteral("start %1 of node %2 here").arg(note.command, note.node);
    case OperatorAction::StartDaemon:
        return QStringLiteral("start %1 of node %2 as daemon").arg(note.command, note.node);
    case OperatorAction::Stop:
        return QStringLiteral("stop %1 of node %2").arg(note.command, note.node);
    case OperatorAction::Reload:
        return QStringLiteral("reload config of the %1 of node %2").arg(note.command, note.node);
    case OperatorAction::Pause:
        return QStringLiteral("pause node %1").arg(note.node);
    case OperatorAction::Resume:
        return QStringLiteral("resume node %1").arg(note.node);
    }
    return QString();
}

} // namespace

QString operatingSystemUser()
{
    // getpwuid_r: the front ends may ask from several threads.
    struct passwd entry = {};
    struct passwd *found = nullptr;
    char buffer[4096];
    const uid_t uid = ::geteuid();
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found && found->pw_name)
        return QString::fromLocal8Bit(found->pw_name);
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QString::number(uid) : user;
}

Result<void> logOperatorAction(const QString &logFile, const OperatorNote &note)
{
    if (logFile.isEmpty())
        return {};
    auto log = JobLogFile::open(logFile);
    if (!log)
        return log.error();
    QString text = QStringLiteral("operator %1 (%2 pid %3): %4")
                       .arg(operatingSystemUser(), note.frontEnd)
                       .arg(QCoreApplication::applicationPid())
                       .arg(actionText(note));
    if (note.pid > 0)
        text += QStringLiteral(" (pid %1)").arg(note.pid);
    (*log)->write(QtInfoMsg, text);
    return {};
}

} // namespace ferry
