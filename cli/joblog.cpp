#include "joblog.h"

#include "util/joblogfile.h"

#include <QDebug>
#include <QFile>
#include <QLoggingCategory>
#include <QTextStream>

#include <atomic>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::cli {

namespace {

std::atomic<int> g_verbosity{int(Verbosity::Normal)};
// Set once, before the job starts its threads; lives until exit.
std::atomic<const JobLogFile *> g_copy{nullptr};

void handleMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const auto verbosity = Verbosity(g_verbosity.load());
    if (type == QtDebugMsg && verbosity != Verbosity::Verbose)
        return;
    if (type == QtInfoMsg && verbosity == Verbosity::Quiet)
        return;
    // One write() per line: lines of several threads do not interleave, and
    // appends to the logfile stay whole.
    const QByteArray line = formatJobLogLine(type, message);
    writeFully(STDERR_FILENO, line + '\n');
    if (const JobLogFile *copy = g_copy.load())
        copy->writeLine(line);
}

void handleCommandMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const auto verbosity = Verbosity(g_verbosity.load());
    QString text = message;
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    QByteArray line;
    if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
        if (verbosity == Verbosity::Quiet && type == QtWarningMsg)
            return;
        line = "ferry: warning: " + text.toUtf8();
    } else if (verbosity == Verbosity::Verbose) {
        line = "ferry: " + text.toUtf8();
    } else {
        return;
    }
    writeFully(STDERR_FILENO, line + '\n');
}

} // namespace

void installCommandLogHandler(Verbosity verbosity)
{
    g_verbosity.store(int(verbosity));
    if (verbosity == Verbosity::Verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("ferry.*.debug=true"));
    qInstallMessageHandler(handleCommandMessage);
}

void installJobLogHandler(Verbosity verbosity)
{
    g_verbosity.store(int(verbosity));
    if (verbosity == Verbosity::Verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("ferry.*.debug=true"));
    qInstallMessageHandler(handleMessage);
}

void copyJobLogTo(const QString &logFile)
{
    if (logFile.isEmpty() || g_copy.load())
        return;
    // `ferry CONFIG worker 2>>LOGFILE` (or a supervisor doing the same): the
    // lines reach the file already; a copy would write each twice.
    struct stat err = {};
    struct stat file = {};
    if (::fstat(STDERR_FILENO, &err) == 0
        && ::stat(QFile::encodeName(logFile).constData(), &file) == 0 && err.st_dev == file.st_dev
        && err.st_ino == file.st_ino)
        return;
    Result<std::shared_ptr<JobLogFile>> opened = JobLogFile::open(logFile);
    if (!opened) {
        qWarning().noquote() << opened.error().toString()
                             << QStringLiteral("- the job logs to stderr only");
        return;
    }
    static std::shared_ptr<JobLogFile> kept; // the handler may run until exit
    kept = std::move(opened).value();
    g_copy.store(kept.get());
}

void noteOperatorAction(const JobConfig &config, OperatorNote note)
{
    note.frontEnd = QStringLiteral("ferry");
    const Result<void> noted = logOperatorAction(config.logFile(), note);
    if (!noted)
        QTextStream(stderr) << QStringLiteral("ferry: warning: not noted in the job's log: ")
                            << noted.error().toString() << Qt::endl;
}

} // namespace ferry::cli
