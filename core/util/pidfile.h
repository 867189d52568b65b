#pragma once

#include "result.h"

#include <QString>

#include <optional>

namespace ferry {

// The pidfile of a long-running job (`ferry CONFIG.ini worker|ticker`, also
// with -d): a file holding "<pid>\n" and locked with flock(LOCK_EX) for as
// long as the job runs. The lock, not the text, says whether a job runs: a
// file left behind by a killed process is unlocked, so it is stale and the
// next job takes it over. Both front ends use it: `ferry -s/-r` and the
// desktop manager find and stop workers started by `ferry -d` through it.
//
// Move-only RAII: the object keeps the locked descriptor open; its
// destructor removes the file and closes it, which releases the lock. Linux
// and other POSIX systems with flock().
class PidFile
{
public:
    // Opens or creates `path` (and its folder), takes the lock without
    // waiting, and writes this process's pid into it. When another process
    // holds the lock the error (kind Usage) names that pid and the path, and
    // `holderPid`, when given, receives the pid (0 when the file held none).
    static Result<PidFile> acquire(const QString &path, qint64 *holderPid = nullptr);

    // The pid of the live process that holds the lock on `path`; empty when
    // there is no such file, or nobody holds its lock (a stale file).
    static std::optional<qint64> runningPid(const QString &path);

    // Sends `sig` to the process holding `path`; returns its pid. Fails (kind
    // Usage) when nothing holds the pidfile, naming the path.
    static Result<qint64> signal(const QString &path, int sig);

    // Sends SIGTERM to the process holding `path` and waits until it released
    // the lock; returns its pid. Fails when nothing holds the pidfile, or
    // (kind Io) when it still runs after `timeoutMs`.
    static Result<qint64> stop(const QString &path, int timeoutMs);

    PidFile(PidFile &&other) noexcept;
    PidFile &operator=(PidFile &&other) noexcept;
    PidFile(const PidFile &) = delete;
    PidFile &operator=(const PidFile &) = delete;
    ~PidFile();

    QString path() const { return m_path; }
    // The pid written into the file: the process that owns it.
    qint64 pid() const { return m_pid; }

    // After fork(): makes the calling process the owner (writes its pid).
    // The lock belongs to the open file description, so it survives the fork
    // and stays held while any process keeps the descriptor open. Only the
    // owner, the process whose pid the file holds, removes the file when it
    // releases it: a parent that waited until the child rewrote the pid may
    // destroy its copy (or exit) without harm; one that does so earlier
    // removes the file from under the child.
    Result<void> rewritePid();

    // Removes the file (when this process owns it, see rewritePid()) and
    // closes the descriptor, which releases the lock unless a forked process
    // still has it open. The destructor does it otherwise.
    void release();

private:
    PidFile(QString path, int fd);

    QString m_path;
    int m_fd = -1;
    qint64 m_pid = 0;
};

} // namespace ferry
