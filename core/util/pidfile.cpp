#include "pidfile.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <climits>
#include <csignal>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry {

namespace {

// How long acquire() retries a lock that is busy: `ferry -s` or the desktop
// manager probe a pidfile by taking a shared lock for a moment, which must
// not make a starting job believe another one runs.
constexpr int kLockRetryMs = 250;
// How long a reader waits for the holder to write its pid after locking.
constexpr int kPidWaitMs = 1000;
constexpr int kPollMs = 10;

Error ioError(const QString &what, const QString &path, int errorCode)
{
    return Error(ErrorKind::Io,
                 QStringLiteral("%1 %2: %3").arg(what, path, qt_error_string(errorCode)));
}

int openRetrying(const QByteArray &path, int flags, mode_t mode = 0)
{
    int fd;
    do {
        fd = ::open(path.constData(), flags, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

// flock() without waiting: 1 taken, 0 busy, -1 failed (errno set).
int tryFlock(int fd, int operation)
{
    for (;;) {
        if (::flock(fd, operation | LOCK_NB) == 0)
            return 1;
        if (errno == EWOULDBLOCK)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

bool processExists(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

// The pid in the file when it is complete ("<digits>\n") and names a live
// process other than init; 0 otherwise. Never returns 0, 1 or a negative
// number, so nothing built on it can signal a process group or init.
qint64 readPid(int fd)
{
    char buffer[32];
    ssize_t n;
    do {
        n = ::pread(fd, buffer, sizeof buffer, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 2 || n >= ssize_t(sizeof buffer) || buffer[n - 1] != '\n')
        return 0;
    qint64 pid = 0;
    for (ssize_t i = 0; i < n - 1; ++i) {
        if (buffer[i] < '0' || buffer[i] > '9')
            return 0;
        pid = pid * 10 + (buffer[i] - '0');
        if (pid > INT_MAX)
            return 0;
    }
    if (pid <= 1 || !processExists(pid))
        return 0;
    return pid;
}

// What a reader sees of a pidfile.
struct Holder
{
    bool locked = false;
    qint64 pid = 0; // 0: locked, but no (live) pid written yet
};

// Reads the holder's pid from `fd` (the file is locked by another open file
// description). The holder truncates and writes right after locking, so an
// empty or stale text is waited for a moment; `stillLocked` says whether the
// lock went away meanwhile.
qint64 waitForHolderPid(int fd, bool *stillLocked)
{
    *stillLocked = true;
    QDeadlineTimer deadline(kPidWaitMs);
    for (;;) {
        if (const qint64 pid = readPid(fd))
            return pid;
        if (deadline.hasExpired())
            return 0;
        QThread::msleep(kPollMs);
        const int shared = tryFlock(fd, LOCK_SH);
        if (shared == 1) {
            ::flock(fd, LOCK_UN);
            *stillLocked = false;
            return 0;
        }
    }
}

Result<Holder> probe(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = openRetrying(native, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return Holder{};
        return ioError(QStringLiteral("cannot open pidfile"), path, errno);
    }
    Holder holder;
    const int shared = tryFlock(fd, LOCK_SH);
    if (shared == 1) {
        ::flock(fd, LOCK_UN); // nobody holds it: a stale file
    } else if (shared == 0) {
        holder.pid = waitForHolderPid(fd, &holder.locked);
    } else {
        const int code = errno;
        ::close(fd);
        return ioError(QStringLiteral("cannot lock pidfile"), path, code);
    }
    ::close(fd);
    return holder;
}

Error notRunning(const QString &path)
{
    return Error(
        ErrorKind::Usage,
        QStringLiteral("nothing is running for pidfile %1 (no process holds it)").arg(path));
}

} // namespace

PidFile::PidFile(QString path, int fd)
    : m_path(std::move(path))
    , m_fd(fd)
{}

PidFile::PidFile(PidFile &&other) noexcept
    : m_path(std::move(other.m_path))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_pid(std::exchange(other.m_pid, 0))
{}

PidFile &PidFile::operator=(PidFile &&other) noexcept
{
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_pid = std::exchange(other.m_pid, 0);
    }
    return *this;
}

PidFile::~PidFile()
{
    release();
}

void PidFile::release()
{
    if (m_fd < 0)
        return;
    // Remove while still locked: a process that opened the old file and gets
    // the lock after close() sees that the path names another file now. Only
    // the owner does: after a fork, the child that called rewritePid() owns
    // the file, and a parent's copy (whose pid is no longer in it) only closes.
    const qint64 self = ::getpid();
    if (m_pid == self && readPid(m_fd) == self)
        ::unlink(QFile::encodeName(m_path).constData());
    ::close(m_fd);
    m_fd = -1;
    m_pid = 0;
}

Result<void> PidFile::rewritePid()
{
    Q_ASSERT(m_fd >= 0);
    m_pid = ::getpid();
    const QByteArray text = QByteArray::number(m_pid) + '\n';
    if (::ftruncate(m_fd, 0) != 0)
        return ioError(QStringLiteral("cannot write pidfile"), m_path, errno);
    qsizetype written = 0;
    while (written < text.size()) {
        const ssize_t n = ::pwrite(m_fd, text.constData() + written, size_t(text.size() - written),
                                   off_t(written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ioError(QStringLiteral("cannot write pidfile"), m_path, errno);
        written += n;
    }
    return {};
}

Result<PidFile> PidFile::acquire(const QString &path, qint64 *holderPid)
{
    if (holderPid)
        *holderPid = 0;
    if (path.isEmpty())
        return Error(ErrorKind::Config, QStringLiteral("no pidfile given"));
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        return Error(ErrorKind::Io,
                     QStringLiteral("cannot create folder %1 for pidfile %2").arg(folder, path));
    }
    const QByteArray native = QFile::encodeName(path);

    // A few rounds at most: each one fails only when the previous owner
    // removed the file between our open() and our lock.
    for (int round = 0; round < 10; ++round) {
        // O_NOFOLLOW: a link planted where the pidfile goes (in a folder
        // others may write) must not make Ferry truncate and write its target.
        const int fd = openRetrying(native, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 && errno == ELOOP)
            return Error(ErrorKind::Io,
                         QStringLiteral("cannot open pidfile %1: it is a symbolic link; give a "
                                        "path to a plain file (pidfile in CONFIG.ini)")
                             .arg(path));
        if (fd < 0)
            return ioError(QStringLiteral("cannot open pidfile"), path, errno);

        int locked = 0;
        QDeadlineTimer deadline(kLockRetryMs);
        while ((locked = tryFlock(fd, LOCK_EX)) == 0 && !deadline.hasExpired())
            QThread::msleep(kPollMs);
        if (locked < 0) {
            const int code = errno;
            ::close(fd);
            return ioError(QStringLiteral("cannot lock pidfile"), path, code);
        }
        if (locked == 0) {
            bool stillLocked = true;
            const qint64 pid = waitForHolderPid(fd, &stillLocked);
            ::close(fd);
            if (!stillLocked)
                continue; // the holder just went away: try again
            if (holderPid)
                *holderPid = pid;
            if (pid == 0) {
                return Error(ErrorKind::Usage,
                             QStringLiteral("pidfile %1 is locked by another process").arg(path));
            }
            return Error(ErrorKind::Usage,
                         QStringLiteral("already running (pid %1, pidfile %2)").arg(pid).arg(path));
        }

        struct stat opened = {};
        struct stat named = {};
        if (::fstat(fd, &opened) != 0 || ::stat(native.constData(), &named) != 0
            || opened.st_ino != named.st_ino || opened.st_dev != named.st_dev) {
            ::close(fd); // we locked a file its owner removed: open the path anew
            continue;
        }
        PidFile file(path, fd);
        if (auto written = file.rewritePid(); !written)
            return written.error();
        return file;
    }
    return Error(ErrorKind::Io,
                 QStringLiteral("cannot lock pidfile %1: it keeps being replaced").arg(path));
}

std::optional<qint64> PidFile::runningPid(const QString &path)
{
    const Result<Holder> holder = probe(path);
    if (!holder || !holder->locked || holder->pid == 0)
        return std::nullopt;
    return holder->pid;
}

Result<qint64> PidFile::signal(const QString &path, int sig)
{
    const Result<Holder> holder = probe(path);
    if (!holder)
        return holder.error();
    if (!holder->locked)
        return notRunning(path);
    if (holder->pid == 0) {
        return Error(ErrorKind::Io,
                     QStringLiteral("pidfile %1 is locked but names no live process").arg(path));
    }
    if (::kill(pid_t(holder->pid), sig) != 0) {
        return Error(ErrorKind::Io, QStringLiteral("cannot signal pid %1 (pidfile %2): %3")
                                        .arg(holder->pid)
                                        .arg(path, qt_error_string(errno)));
    }
    return holder->pid;
}

Result<qint64> PidFile::stop(const QString &path, int timeoutMs)
{
    const Result<qint64> pid = signal(path, SIGTERM);
    if (!pid)
        return pid;
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const Result<Holder> holder = probe(path);
        if (!holder)
            return holder.error();
        if (!holder->locked || (holder->pid != 0 && holder->pid != *pid))
            return pid; // released (or already taken over by a new job)
        if (deadline.hasExpired()) {
            return Error(ErrorKind::Io,
                         QStringLiteral("pid %1 is still running %2 s after SIGTERM (pidfile %3)")
                             .arg(*pid)
                             .arg(timeoutMs / 1000.0)
                             .arg(path));
        }
        QThread::msleep(20);
    }
}

} // namespace ferry
