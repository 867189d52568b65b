#pragma once

#include "db/connectionstring.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace ferry {

// What a new job's CONFIG.ini says: the keys a node needs, plus where its
// worker logs and keeps its pidfile. Everything else keeps its default.
struct NewJobConfig
{
    QString jobName;
    ConnectionString db; // written without its password: .pgpass or the keychain keep that
    QString queueName;
    QString logFile; // empty: the default (~/log/JOB.log)
    QString pidFile; // empty: the default (~/pid/JOB.pid)
    // Further keys (key, value), written after those in this order.
    QList<std::pair<QString, QString>> settings;
};

// The file's text. Values are written as given, '%' doubled so none is read
// as a %(...)s reference.
QByteArray newJobConfigText(const NewJobConfig &job);

// Writes `job` to `path` (its folder made as needed) with mode 0600, after
// checking the text loads back as a JobConfig. An existing file is an error
// unless `replace`; a replaced file is swapped in whole (QSaveFile).
Result<void> writeNewJobConfig(const QString &path, const NewJobConfig &job, bool replace = false);

} // namespace ferry
