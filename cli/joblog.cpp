#include "joblog.h"

#include "util/joblogfile.h"

#include <QLoggingCategory>
#include <QTextStream>

#include <atomic>
#include <unistd.h>

namespace ferry::cli {

namespace {

std::atomic<int> g_verbosity{int(Verbosity::Normal)};

void handleMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const auto verbosity = Verbosity(g_verbosity.load());
    if (type == QtDebugMsg && verbosity != Verbosity::Verbose)
        return;
    if (type == QtInfoMsg && verbosity == Verbosity::Quiet)
        return;
    // One write() per line: lines of several threads do not interleave, and
    // appends to the logfile stay whole.
    writeFully(STDERR_FILENO, formatJobLogLine(type, message) + '\n');
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

void noteOperatorAction(const JobConfig &config, OperatorNote note)
{
    note.frontEnd = QStringLiteral("ferry");
    const Result<void> noted = logOperatorAction(config.logFile(), note);
    if (!noted)
        QTextStream(stderr) << QStringLiteral("ferry: warning: not noted in the job's log: ")
                            << noted.error().toString() << Qt::endl;
}

} // namespace ferry::cli
