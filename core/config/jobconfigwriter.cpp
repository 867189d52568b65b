#include "config/jobconfigwriter.h"

#include "config/jobconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

namespace ferry {

namespace {

QString escaped(QString value)
{
    return value.replace(QLatin1Char('%'), QStringLiteral("%%"));
}

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

Error ioError(const QString &path, const QString &reason)
{
    return Error(ErrorKind::Io,
                 QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), reason));
}

} // namespace

QByteArray newJobConfigText(const NewJobConfig &job)
{
    ConnectionString db = job.db;
    // Every secret (password, sslpassword): .pgpass or the keychain keep them.
    for (const auto &param : job.db.params()) {
        if (ConnectionString::isSecretKeyword(param.first))
            db.remove(param.first);
    }
    QString text = QStringLiteral("[ferry]\n"
                                  "\n"
                                  "# `ferry --ini` prints every key with its default.\n"
                                  "job_name = %1\n"
                                  "# the password is read from ~/.pgpass (or PGPASSFILE)\n"
                                  "db = %2\n"
                                  "queue_name = %3\n")
                       .arg(escaped(job.jobName), escaped(db.toString()), escaped(job.queueName));
    if (!job.logFile.isEmpty())
        text += QStringLiteral("logfile = %1\n").arg(escaped(job.logFile));
    if (!job.pidFile.isEmpty())
        text += QStringLiteral("pidfile = %1\n").arg(escaped(job.pidFile));
    for (const auto &[key, value] : job.settings)
        text += QStringLiteral("%1 = %2\n").arg(key, escaped(value));
    return text.toUtf8();
}

Result<void> writeNewJobConfig(const QString &path, const NewJobConfig &job, bool replace)
{
    QStringList values = {job.jobName, job.queueName, job.logFile, job.pidFile};
    for (const auto &[key, value] : job.settings)
        values << key << value;
    for (const QString &value : std::as_const(values)) {
        if (value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')))
            return Error(ErrorKind::Usage, QStringLiteral("a config value may not span lines"));
    }
    const QByteArray text = newJobConfigText(job);
    // What the worker will read, checked before anything is on disk.
    if (auto parsed = JobConfig::parse(text, path); !parsed)
        return parsed.error();
    const QFileInfo info(path);
    if (info.exists() && !replace)
        return Error(ErrorKind::Usage,
                     QStringLiteral("%1 exists already: choose another file, or replace it")
                         .arg(QDir::toNativeSeparators(path)));
    if (!QDir().mkpath(info.absolutePath()))
        return ioError(path, QStringLiteral("cannot make its folder"));
    if (!replace) {
        // NewOnly: a file that appeared since the check is not overwritten.
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return ioError(path, file.errorString());
        if (!file.setPermissions(kOwnerOnly) || file.write(text) != text.size() || !file.flush()) {
            const QString reason = file.errorString();
            file.close();
            QFile::remove(path);
            return ioError(path, reason);
        }
        return {};
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return ioError(path, file.errorString());
    if (!file.setPermissions(kOwnerOnly) || file.write(text) != text.size() || !file.commit())
        return ioError(path, file.errorString());
    // QSaveFile may give the new file the old one's mode.
    if (!QFile::setPermissions(path, kOwnerOnly))
        return ioError(path, QStringLiteral("cannot make it private (mode 0600)"));
    return {};
}

} // namespace ferry
