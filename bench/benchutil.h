// Helpers shared by the apply and worker benchmarks: failures that unwind
// (so clusters, threads and child processes are cleaned up by their
// destructors), the seed's workload files and pgbench, medians, and what
// /proc says about a process (CPU time, resident memory).
#pragma once

#include "db/connection.h"
#include "pgcluster.h"

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
