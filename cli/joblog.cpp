#include "joblog.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <atomic>
#include <cerrno>
#include <unistd.h>

namespace ferry::cli {

namespace {

std::atomic<int> g_verbosity{int(Verbosity::Normal)};

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "DEBUG";
    case QtInfoMsg:
        return "INFO";
    case QtWarningMsg:
        return "WARNING";
    case QtCriticalMsg:
        return "ERROR";
    case QtFatalMsg:
        return "FATAL";
    }
    return "INFO";
}

void writeAll(int fd, const QByteArray &bytes)
{
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // nowhere left to report it
        written += n;
    }
}

void handleMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const auto verbosity = Verbosity(g_verbosity.load());
    if (type == QtDebugMsg && verbosity != Verbosity::Verbose)
        return;
    if (type == QtInfoMsg && verbosity == Verbosity::Quiet)
        return;
    // One write() per line: lines of several threads do not interleave, and
    // appends to the logfile stay whole.
    writeAll(STDERR_FILENO, formatJobLogLine(type, message) + '\n');
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
    writeAll(STDERR_FILENO, line + '\n');
}

} // namespace

void installCommandLogHandler(Verbosity verbosity)
{
    g_verbosity.store(int(verbosity));
    if (verbosity == Verbosity::Verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("ferry.*.debug=true"));
    qInstallMessageHandler(handleCommandMessage);
}

QByteArray formatJobLogLine(QtMsgType type, const QString &message)
{
    QString text = message;
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")).toUtf8()
           + ' ' + QByteArray::number(qint64(::getpid())) + ' ' + levelName(type) + ' '
           + text.toUtf8();
}

void installJobLogHandler(Verbosity verbosity)
{
    g_verbosity.store(int(verbosity));
    if (verbosity == Verbosity::Verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("ferry.*.debug=true"));
    qInstallMessageHandler(handleMessage);
}

} // namespace ferry::cli
