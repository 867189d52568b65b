#include "daemon.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ferry::cli {

namespace {

// The write end of the pipe the calling process waits on; -1 once told.
// The daemon writes "R<pid>" (ready) or "E<kind> <message>" (failed).
int g_readyFd = -1;

Error ioError(const QString &what, int errorCode)
{
    return Error(ErrorKind::Io, what + QStringLiteral(": ") + qt_error_string(errorCode));
}

void writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        size -= size_t(n);
    }
}

QByteArray readAll(int fd)
{
    QByteArray bytes;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return bytes;
        bytes.append(buffer, n);
    }
}

// Between the forks only async-signal-safe calls: a fixed message, then _exit.
[[noreturn]] void failBetweenForks(int fd, const char *message)
{
    writeAll(fd, message, std::strlen(message));
    ::_exit(1);
}

void tell(const QByteArray &word)
{
    if (g_readyFd < 0)
        return;
    writeAll(g_readyFd, word.constData(), size_t(word.size()));
    ::close(g_readyFd);
    g_readyFd = -1;
}

} // namespace

Result<Daemonized> daemonize(const QString &logFile)
{
    if (logFile.isEmpty())
        return Error(ErrorKind::Config, QStringLiteral("no log file given"));
    const QString folder = QFileInfo(logFile).absolutePath();
    if (!QDir().mkpath(folder)) {
        return Error(
            ErrorKind::Io,
            QStringLiteral("cannot create folder %1 for log file %2").arg(folder, logFile));
    }
    const int logFd = ::open(QFile::encodeName(logFile).constData(),
                             O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (logFd < 0)
        return ioError(QStringLiteral("cannot open log file ") + logFile, errno);
    const int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nullFd < 0) {
        const int code = errno;
        ::close(logFd);
        return ioError(QStringLiteral("cannot open /dev/null"), code);
    }
    int word[2];
    if (::pipe2(word, O_CLOEXEC) != 0) {
        const int code = errno;
        ::close(logFd);
        ::close(nullFd);
        return ioError(QStringLiteral("cannot create a pipe"), code);
    }

    std::fflush(nullptr); // buffered output must not be written twice
    const pid_t first = ::fork();
    if (first < 0) {
        const int code = errno;
        for (int fd : {logFd, nullFd, word[0], word[1]})
            ::close(fd);
        return ioError(QStringLiteral("cannot fork"), code);
    }

    if (first > 0) {
        // The calling process: wait for the daemon's word.
        for (int fd : {logFd, nullFd, word[1]})
            ::close(fd);
        const QByteArray message = readAll(word[0]);
        ::close(word[0]);
        int status = 0;
        while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
        }
        if (message.startsWith('R')) {
            Daemonized parent;
            parent.daemonPid = message.mid(1).toLongLong();
            return parent;
        }
        if (message.startsWith('E')) {
            const qsizetype space = message.indexOf(' ');
            const int kind = message.mid(1, space - 1).toInt();
            return Error(ErrorKind(qBound(0, kind, int(ErrorKind::Internal))),
                         QString::fromUtf8(message.mid(space + 1)));
        }
        if (message.startsWith('F'))
            return Error(ErrorKind::Io, QString::fromUtf8(message.mid(1)));
        return Error(ErrorKind::Io,
                     QStringLiteral("the daemon exited while starting; see %1").arg(logFile));
    }

    // The first child: a new session without a terminal, then away from it.
    ::close(word[0]);
    if (::setsid() < 0)
        failBetweenForks(word[1], "Fcannot start a new session (setsid failed)");
    const pid_t second = ::fork();
    if (second < 0)
        failBetweenForks(word[1], "Fcannot fork the daemon");
    if (second > 0)
        ::_exit(0);

    // The daemon.
    if (::dup2(nullFd, STDIN_FILENO) < 0 || ::dup2(logFd, STDOUT_FILENO) < 0
        || ::dup2(logFd, STDERR_FILENO) < 0)
        failBetweenForks(word[1], "Fcannot redirect the daemon's output to the log file");
    ::close(nullFd);
    ::close(logFd);
    g_readyFd = word[1];
    Daemonized daemon;
    daemon.inDaemon = true;
    daemon.daemonPid = ::getpid();
    return daemon;
}

bool runBySystemd()
{
    return !qEnvironmentVariableIsEmpty("INVOCATION_ID") && !::isatty(STDERR_FILENO);
}

void notifyDaemonReady()
{
    tell('R' + QByteArray::number(qint64(::getpid())));
}

void notifyDaemonFailed(const Error &error)
{
    tell('E' + QByteArray::number(int(error.kind())) + ' ' + error.toString().toUtf8());
}

} // namespace ferry::cli
