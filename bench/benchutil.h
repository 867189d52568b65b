// Helpers shared by the apply and worker benchmarks: failures that unwind
// (so clusters, threads and child processes are cleaned up by their
// destructors), the seed's workload files and pgbench, medians, and what
// /proc says about a process (CPU time, resident memory).
#pragma once

#include "db/connection.h"
#include "pgcluster.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <memory>
#include <unistd.h>
#include <vector>

namespace ferry::bench {

struct Failure
{
    QString what;
};

[[noreturn]] inline void fail(const QString &what)
{
    throw Failure{what};
}

template<typename T>
T must(Result<T> r, const QString &what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(what, r.error().toString()));
    return std::move(r).value();
}

inline void must(Result<void> r, const QString &what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(what, r.error().toString()));
}

// A worker (or ticker) in the foreground, its output in a log file; stopped
// with SIGTERM (then SIGKILL) when the object goes.
class Process
{
public:
    Process(const QString &program, const QStringList &args, const QString &log)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(log, QIODevice::Append);
        m_process.start(program, args);
        if (!m_process.waitForStarted(10000))
            fail(QStringLiteral("cannot start %1 %2").arg(program, args.join(QLatin1Char(' '))));
    }
    ~Process() { stop(); }
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;
    qint64 pid() const { return m_process.processId(); }
    bool running() const { return m_process.state() == QProcess::Running; }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(30000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

private:
    QProcess m_process;
};

struct ProgramRun
{
    double seconds = 0; // wall time from start to exit
    QString output;     // stdout and stderr
};

// Runs a program to its end; fails with its output unless it exits 0.
inline ProgramRun
runProgram(const QString &program, const QStringList &arguments, int timeoutMs = 600000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer clock;
    clock.start();
    p.start(program, arguments);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit
        || p.exitCode() != 0)
        fail(QStringLiteral("%1 %2: %3")
                 .arg(program, arguments.join(QLatin1Char(' ')), QString::fromUtf8(p.readAll())));
    return {clock.nsecsElapsed() / 1e9, QString::fromUtf8(p.readAll())};
}

// A program run to its end whose exit code is a finding, not a failure (a
// compare that found differences exits 1): fails only if it does not end.
struct ProgramExit
{
    double seconds = 0;
    QString output; // stdout and stderr
    int exitCode = -1;
};

inline ProgramExit
runProgramExit(const QString &program, const QStringList &arguments, int timeoutMs = 600000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer clock;
    clock.start();
    p.start(program, arguments);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit)
        fail(QStringLiteral("%1 %2 did not end: %3")
                 .arg(program, arguments.join(QLatin1Char(' ')), QString::fromUtf8(p.readAll())));
    return {clock.nsecsElapsed() / 1e9, QString::fromUtf8(p.readAll()), p.exitCode()};
}

inline Connection connect(const test::PgCluster &cluster, const QString &db)
{
    return must(Connection::open(cluster.connectionString(db)), QStringLiteral("connect ") + db);
}

inline QString workloadFile(const QString &name)
{
    return QStringLiteral(FERRY_BENCH_WORKLOAD_DIR "/") + name;
}

inline QString readWorkload(const QString &name)
{
    QFile f(workloadFile(name));
    if (!f.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1").arg(f.fileName()));
    return QString::fromUtf8(f.readAll());
}

// One pgbench of the seed's load on db: `-M prepared -n -c 2 -j 2` with a
// script of bench/workload, for a number of transactions per client
// ("-t N") or seconds ("-T N"). Killed when the pointer goes.
inline std::unique_ptr<QProcess> startPgbench(const test::PgCluster &cluster,
                                              const QString &db,
                                              const QString &script,
                                              const QStringList &limit)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->start(test::PgCluster::binDirectory() + QStringLiteral("/pgbench"),
             QStringList{QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                         QString::number(cluster.port()), QStringLiteral("-U"),
                         QStringLiteral("postgres"), QStringLiteral("-M"),
                         QStringLiteral("prepared"), QStringLiteral("-n"), QStringLiteral("-f"),
                         workloadFile(script), QStringLiteral("-c"), QStringLiteral("2"),
                         QStringLiteral("-j"), QStringLiteral("2")}
                 + limit + QStringList{db});
    if (!p->waitForStarted(10000))
        fail(QStringLiteral("cannot start pgbench"));
    return p;
}

inline void waitForPgbench(QProcess &p, int timeoutMs)
{
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit
        || p.exitCode() != 0)
        fail(QStringLiteral("pgbench failed: %1").arg(QString::fromUtf8(p.readAll())));
}

inline double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// User + system CPU time of a process so far, in seconds (-1 if unreadable).
inline double cpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    // Fields after the command name, which may hold spaces: "pid (comm) state ...".
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

// A kB field of /proc/PID/status ("VmRSS:", "VmHWM:"), -1 if unreadable.
inline qint64 statusKb(qint64 pid, const char *field)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

inline QString mb(qint64 kb)
{
    return QString::number(kb / 1024.0, 'f', 1) + QStringLiteral(" MB");
}

} // namespace ferry::bench
