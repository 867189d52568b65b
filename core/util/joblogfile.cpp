#include "joblogfile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

namespace ferry {

namespace {

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

thread_local std::shared_ptr<JobLogFile> t_file;

// Read by every thread that logs, set once while the handler is installed.
std::atomic<QtMessageHandler> g_previousHandler{nullptr};
std::once_flag g_installed;

void routeMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (t_file) {
        t_file->write(type, message);
        return;
    }
    // Qt returns its default handler when none was installed before ours.
    if (const QtMessageHandler previous = g_previousHandler.load())
        previous(type, context, message);
}

} // namespace

QByteArray formatJobLogLine(QtMsgType type, const QString &message)
{
    QString text = message;
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")).toUtf8()
           + ' ' + QByteArray::number(qint64(::getpid())) + ' ' + levelName(type) + ' '
           + text.toUtf8();
}

void writeFully(int fd, const QByteArray &bytes)
{
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        written += n;
    }
}

JobLogFile::JobLogFile(QString path, int fd)
    : m_path(std::move(path))
    , m_fd(fd)
{}

JobLogFile::~JobLogFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<std::shared_ptr<JobLogFile>> JobLogFile::open(const QString &path)
{
    if (path.isEmpty())
        return Error(ErrorKind::Config, QStringLiteral("no log file given"));
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        return Error(ErrorKind::Io,
                     QStringLiteral("cannot create folder %1 for log file %2").arg(folder, path));
    }
    int fd;
    do {
        // O_CLOEXEC: a `ferry -d` started from this process must not inherit it.
        fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                    0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return Error(
            ErrorKind::Io,
            QStringLiteral("cannot open log file %1: %2").arg(path, qt_error_string(errno)));
    }
    return std::shared_ptr<JobLogFile>(new JobLogFile(path, fd));
}

void JobLogFile::write(QtMsgType type, const QString &message) const
{
    if (type == QtDebugMsg)
        return;
    writeLine(formatJobLogLine(type, message));
}

void JobLogFile::writeLine(const QByteArray &line) const
{
    writeFully(m_fd, line + '\n');
}

std::shared_ptr<JobLogFile> JobLogFile::current()
{
    return t_file;
}

JobLogScope::JobLogScope(std::shared_ptr<JobLogFile> file)
    : m_previous(std::exchange(t_file, std::move(file)))
{
    // Nothing to route before a thread has a file: the CLI keeps its handler.
    if (t_file)
        std::call_once(g_installed,
                       [] { g_previousHandler.store(qInstallMessageHandler(routeMessage)); });
}

JobLogScope::~JobLogScope()
{
    t_file = std::move(m_previous);
}

} // namespace ferry
