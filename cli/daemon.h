#pragma once

#include "util/result.h"

#include <QString>

namespace ferry::cli {

// What daemonize() returned in the process it returned in.
struct Daemonized
{
    bool inDaemon = false; // true: this is the daemon; go on with the job
    qint64 daemonPid = 0;  // the daemon's pid (in both processes)
};

// `ferry -d`: detaches the job from the terminal. Forks, setsid(), forks
// again (so the daemon is no session leader and never gets a terminal back),
// reads stdin from /dev/null and appends stdout and stderr to `logFile`
// (created with its folder; opened before forking, so a bad path fails here,
// on the terminal).
//
// The working directory is kept, not changed to "/": CONFIG.ini, logfile and
// pidfile may be relative paths, and `-r` re-reads CONFIG.ini from the same
// path. (So the daemon keeps its start folder busy, as londiste3's does.)
// The umask is kept too.
//
// Returns in two processes. In the daemon: {inDaemon = true}. In the calling
// process only once the daemon called notifyDaemonReady() (then
// {inDaemon = false, daemonPid}: exit 0), or with the daemon's error when it
// called notifyDaemonFailed() or died before either (exit 1 with that one
// line): the user sees "already running" on their terminal, not only in the
// log. Errors before forking (log file, fork) are returned in the calling
// process alone.
//
// Call it while the process has a single thread (before any database work
// or thread pool), as with any fork().
Result<Daemonized> daemonize(const QString &logFile);

// True when systemd runs this process as a service: it sets INVOCATION_ID for
// a service's processes, and stderr is then no terminal (a shell started from
// a service that leaked the variable still has its terminal). Such a job has
// nobody to read an error at start, and systemd would restart it: it waits
// out what it can (a refused login) instead of exiting.
bool runBySystemd();

// In the daemon: the job runs (pidfile locked, start-up checks passed), so
// the calling process may exit 0. Does nothing outside a daemon or when the
// word was already given.
void notifyDaemonReady();

// In the daemon: the job cannot start; `error` becomes the one-line error of
// the calling process (exit 1). Does nothing outside a daemon or when the
// word was already given.
void notifyDaemonFailed(const Error &error);

} // namespace ferry::cli
