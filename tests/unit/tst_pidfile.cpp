// PidFile: the flock()ed pidfile of a long-running job. Locks are taken by
// this process and by forked children, so "another process holds it" is
// real; every child is killed in cleanup() if a check failed halfway.
#include "testutil.h"
#include "util/pidfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <functional>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

using namespace ferry;

namespace {

std::atomic_bool g_terminated{false};

void onTerm(int)
{
    g_terminated = true;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A pid that is certainly not running: a child that has exited and was reaped.
qint64 deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

} // namespace

class TestPidFile : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void acquireWritesPidAndLocks();
    void secondAcquireFailsNamingThePid();
    void staleFileIsTakenOver();
    void unlockedOrMissingFileIsNotRunning();
    void stopWaitsForTheHolder();
    void stopTimesOutWhenIgnored();
    void rewritePidHandsTheLockToAChild();
    void moveKeepsTheLock();
    void symbolicLinkIsRefused();

private:
    // Forks a child that runs `inChild` and then waits for SIGTERM (unless
    // `ignoreTerm`), tells the parent through a pipe when it is ready and
    // _exits 0. Returns once the child is ready.
    pid_t forkHolder(const std::function<bool()> &inChild, bool ignoreTerm = false);

    QTemporaryDir m_dir;
    QString m_path;
    QList<pid_t> m_children;
};

void TestPidFile::init()
{
    QVERIFY(m_dir.isValid());
    // A folder that does not exist yet: acquire() creates it.
    m_path = m_dir.filePath(
        QStringLiteral("pid/%1/job.pid").arg(QLatin1String(QTest::currentTestFunction())));
}

void TestPidFile::cleanup()
{
    for (pid_t child : std::as_const(m_children)) {
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
    }
    m_children.clear();
}

pid_t TestPidFile::forkHolder(const std::function<bool()> &inChild, bool ignoreTerm)
{
    int ready[2];
    if (::pipe(ready) != 0)
        return -1;
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(ready[0]);
        std::signal(SIGTERM, ignoreTerm ? SIG_IGN : onTerm);
        bool ok = false;
        {
            ok = inChild();
            const char byte = ok ? '1' : '0';
            if (::write(ready[1], &byte, 1) != 1)
                ::_exit(3);
            while (ok && !g_terminated)
                ::usleep(10000);
        } // inChild's PidFile, if it kept one in a static, is released below
        ::_exit(ok ? 0 : 2);
    }
    ::close(ready[1]);
    if (child > 0)
        m_children.append(child);
    char byte = 0;
    const bool told = ::read(ready[0], &byte, 1) == 1 && byte == '1';
    ::close(ready[0]);
    return told ? child : -1;
}

void TestPidFile::acquireWritesPidAndLocks()
{
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    {
        auto file = PidFile::acquire(m_path);
        QVERIFY_RESULT(file);
        QCOMPARE(file->path(), m_path);
        QCOMPARE(file->pid(), qint64(::getpid()));
        QCOMPARE(readFile(m_path), QByteArray::number(qint64(::getpid())) + '\n');
        QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(::getpid()));
    }
    // Released: the file is gone and nothing runs.
    QVERIFY(!QFile::exists(m_path));
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
}

void TestPidFile::secondAcquireFailsNamingThePid()
{
    auto first = PidFile::acquire(m_path);
    QVERIFY_RESULT(first);
    qint64 holder = -1;
    auto second = PidFile::acquire(m_path, &holder);
    QVERIFY(!second);
    QCOMPARE(holder, qint64(::getpid()));
    const QString message = second.error().toString();
    QVERIFY2(message.contains(QStringLiteral("pid %1").arg(::getpid())), qPrintable(message));
    QVERIFY2(message.contains(m_path), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QCOMPARE(second.error().kind(), ErrorKind::Usage);
    // The failed attempt left the holder's file alone.
    QCOMPARE(readFile(m_path), QByteArray::number(qint64(::getpid())) + '\n');
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(::getpid()));
}

void TestPidFile::staleFileIsTakenOver()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    const qint64 dead = deadPid();
    {
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::number(dead) + '\n');
    }
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    auto signalled = PidFile::signal(m_path, SIGTERM);
    QVERIFY(!signalled);
    QVERIFY2(signalled.error().toString().contains(QLatin1String("nothing is running")),
             qPrintable(signalled.error().toString()));

    auto file = PidFile::acquire(m_path);
    QVERIFY_RESULT(file);
    QCOMPARE(readFile(m_path), QByteArray::number(qint64(::getpid())) + '\n');
}

void TestPidFile::unlockedOrMissingFileIsNotRunning()
{
    // No file.
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    auto stopped = PidFile::stop(m_path, 1000);
    QVERIFY(!stopped);
    QCOMPARE(stopped.error().kind(), ErrorKind::Usage);
    QCOMPARE(stopped.error().toString(),
             QStringLiteral("nothing is running for pidfile %1 (no process holds it)").arg(m_path));

    // A file naming a live process (this one) that nobody locked.
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::number(qint64(::getpid())) + '\n');
    }
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    QVERIFY(!PidFile::stop(m_path, 1000)); // and we are still here to say so
}

void TestPidFile::stopWaitsForTheHolder()
{
    const QString path = m_path;
    const pid_t child = forkHolder([path] {
        static std::optional<PidFile> held;
        auto file = PidFile::acquire(path);
        if (!file)
            return false;
        held.emplace(std::move(file).value());
        return true;
    });
    QVERIFY(child > 0);
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(child));
    qint64 holder = 0;
    QVERIFY(!PidFile::acquire(m_path, &holder));
    QCOMPARE(holder, qint64(child));

    // The child _exit()s on SIGTERM: the kernel releases the lock; the stale
    // file stays (no destructor ran), which is what a killed job leaves.
    auto stopped = PidFile::stop(m_path, 10000);
    QVERIFY_RESULT(stopped);
    QCOMPARE(*stopped, qint64(child));
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    m_children.removeAll(child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);

    // Nothing holds it now: a new job takes it over.
    auto again = PidFile::acquire(m_path);
    QVERIFY_RESULT(again);
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(::getpid()));
}

void TestPidFile::stopTimesOutWhenIgnored()
{
    const QString path = m_path;
    const pid_t child = forkHolder(
        [path] {
            static std::optional<PidFile> held;
            auto file = PidFile::acquire(path);
            if (!file)
                return false;
            held.emplace(std::move(file).value());
            return true;
        },
        true);
    QVERIFY(child > 0);
    auto stopped = PidFile::stop(m_path, 300);
    QVERIFY(!stopped);
    QCOMPARE(stopped.error().kind(), ErrorKind::Io);
    const QString message = stopped.error().toString();
    QVERIFY2(message.contains(QStringLiteral("pid %1 is still running").arg(child)),
             qPrintable(message));
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(child));
}

void TestPidFile::rewritePidHandsTheLockToAChild()
{
    // The daemonize order acquire-then-fork: the child rewrites the pid, the
    // parent drops its copy without removing the file or releasing the lock.
    std::optional<PidFile> parentCopy;
    {
        auto file = PidFile::acquire(m_path);
        QVERIFY_RESULT(file);
        parentCopy.emplace(std::move(file).value());
    }
    const pid_t child = forkHolder([&parentCopy] { return parentCopy->rewritePid().ok(); });
    QVERIFY(child > 0);
    QCOMPARE(parentCopy->pid(), qint64(::getpid())); // this process's copy is unchanged
    parentCopy.reset();                              // not the owner any more: closes only
    QVERIFY(QFile::exists(m_path));
    QCOMPARE(readFile(m_path), QByteArray::number(qint64(child)) + '\n');
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(child));

    auto stopped = PidFile::stop(m_path, 10000);
    QVERIFY_RESULT(stopped);
    QCOMPARE(*stopped, qint64(child));
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
}

void TestPidFile::moveKeepsTheLock()
{
    auto file = PidFile::acquire(m_path);
    QVERIFY_RESULT(file);
    PidFile moved = std::move(file).value();
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(::getpid()));
    PidFile other = std::move(moved);
    QCOMPARE(PidFile::runningPid(m_path), std::optional<qint64>(::getpid()));
    other.release();
    QVERIFY(!QFile::exists(m_path));
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
}

void TestPidFile::symbolicLinkIsRefused()
{
    // A link planted where the pidfile goes must not make Ferry write
    // through it (issue 10, item 14).
    const QString target = m_dir.filePath(QStringLiteral("precious"));
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        QFile f(target);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("keep me\n");
    }
    QVERIFY(QFile::link(target, m_path));
    auto file = PidFile::acquire(m_path);
    QVERIFY(!file.ok());
    QCOMPARE(file.error().kind(), ErrorKind::Io);
    QVERIFY2(file.error().toString().contains(QLatin1String("symbolic link")),
             qPrintable(file.error().toString()));
    QCOMPARE(readFile(target), QByteArray("keep me\n"));
    QCOMPARE(PidFile::runningPid(m_path), std::nullopt);
    QFile::remove(m_path);
}

QTEST_GUILESS_MAIN(TestPidFile)
#include "tst_pidfile.moc"
