#pragma once

#include "db/connectionstring.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ferry {

// One job's CONFIG.ini: the `[ferry]` section of the file `ferry CONFIG.ini
// COMMAND` names. Keys follow londiste3's, so a londiste3 file (section
// `[londiste3]`) loads too, with a warning to rename the section. Values may
// use `%(job_name)s`, `%(config_name)s` (the file's name without .ini) and
// any other key of the section; logfile and pidfile expand a leading `~`.
class JobConfig
{
public:
    // Defaults, as `ferry --ini` documents them.
    static constexpr double kDefaultLoopDelay = 1.0;
    static constexpr int kDefaultParallelCopies = 1;
    static constexpr double kDefaultLockTimeout = 10.0;
    static constexpr bool kDefaultTicker = true;
    static constexpr double kDefaultTickerPeriod = 1.0;

    JobConfig() = default;

    // Reads and checks `path`. A Config error names the file, the line and
    // the key, and never quotes the db password. Unknown or repeated keys
    // are not errors: they end up in warnings().
    static Result<JobConfig> load(const QString &path);
    // Same for `data` as if read from `path` (used for messages and config_name).
    static Result<JobConfig> parse(const QByteArray &data, const QString &path);

    // The commented CONFIG.ini that `ferry --ini` prints.
    static QString templateText();

    // The rules load() applies to job_name and queue_name, for a front end
    // that checks a name as it is typed: empty when `name` is fine, else what
    // the name must be ("queue_name must be ...").
    static QString jobNameProblem(const QString &name);
    static QString queueNameProblem(const QString &name);

    QString path() const { return m_path; }
    QString jobName() const { return m_jobName; }
    ConnectionString db() const { return m_db; }
    QString queueName() const { return m_queueName; }
    QString logFile() const { return m_logFile; }           // empty: no log file
    QString pidFile() const { return m_pidFile; }           // empty: no pidfile
    double loopDelay() const { return m_loopDelay; }        // seconds
    int parallelCopies() const { return m_parallelCopies; } // tables copied at once
    double lockTimeout() const { return m_lockTimeout; }    // seconds
    bool ticker() const { return m_ticker; }                // the worker also ticks
    double tickerPeriod() const { return m_tickerPeriod; }  // seconds
    // The first wait after a failed round; it doubles up to 30 s (or to it).
    double retryDelay() const { return m_retryDelay; } // seconds

    // The same job with `password` in its db connection string (in memory
    // only: a password the desktop manager read from the system keychain).
    JobConfig withDbPassword(const QString &password) const;
    // The same job reading its node through `db` (the desktop manager's
    // connection profile of that node): its log and files stay the job's.
    JobConfig withDb(const ConnectionString &db) const;

    // "file:line: ..." lines about keys that were ignored or set twice.
    QStringList warnings() const { return m_warnings; }

private:
    friend class JobConfigReader;

    QString m_path;
    QString m_jobName;
    ConnectionString m_db;
    QString m_queueName;
    QString m_logFile;
    QString m_pidFile;
    double m_loopDelay = kDefaultLoopDelay;
    int m_parallelCopies = kDefaultParallelCopies;
    double m_lockTimeout = kDefaultLockTimeout;
    bool m_ticker = kDefaultTicker;
    double m_tickerPeriod = kDefaultTickerPeriod;
    double m_retryDelay = 0.5;
    QStringList m_warnings;
};

// For a running job asked to reload (`ferry -r`, SIGHUP): reads CONFIG.ini
// again from current.path() and returns it, logging "reloaded config FILE"
// and its warnings. On error it logs a WARNING line and returns `current`: a
// typo never stops a running job. A changed job_name, pidfile or logfile
// takes effect at the next start only (the running job keeps its pidfile and
// log), which is logged as a WARNING.
JobConfig reloadJobConfig(const JobConfig &current);

} // namespace ferry
