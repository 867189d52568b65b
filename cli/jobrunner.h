#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

#include <functional>

namespace ferry::cli {

// Seconds `ferry -s` waits for the job to release its pidfile after SIGTERM.
constexpr int kStopTimeoutMs = 30000;

// Runs a long-running command (`worker`, `ticker`) the way -d, -s and -r ask,
// the same for every such command; returns the process exit code.
//
//   -s  sends SIGTERM to the job holding CONFIG's pidfile and waits (up to
//       kStopTimeoutMs) until it released it: "ferry: stopped JOB (pid N)".
//   -r  sends SIGHUP to it: "ferry: asked JOB (pid N) to reload its config".
//       -s and -r need `pidfile` in CONFIG.ini and fail with one line when
//       no process holds it. Neither runs `startup` nor `body`.
//   -d  needs `pidfile` and `logfile`; daemonizes (daemon.h), then runs the
//       job as below in the daemon. `ferry -d` exits 0 once the daemon holds
//       the pidfile and `startup` passed ("ferry: started JOB (pid N),
//       logging to FILE"), or 1 with the daemon's one-line error.
//   none: the job in the foreground; a configured pidfile is taken too.
//
// The job: take the pidfile (when configured: a second job for the same
// pidfile fails with "job JOB is already running (pid N, pidfile P): stop it
// with 'ferry -s CONFIG COMMAND'"), run `startup` (may be empty), install
// the signal handlers (signals.h) and the log handler (joblog.h), log
// "JOB: COMMAND started", run `body`, remove the pidfile.
//
// `startup` holds the checks that should fail at once instead of being
// retried forever (database reachable, schema installed). Its error is the
// command's one-line error: on stderr in the foreground, on the terminal of
// `ferry -d` and in the log with -d. It may log with qInfo().
//
// `body` is the job's loop. It runs with the handlers installed and polls
// them: pass interruptFlag() to the core loops as their stop flag; when a
// loop returns, call clearInterrupt(), then leave if stopRequested() and
// call reloadJobConfig() (config/jobconfig.h) if takeReloadRequest() (see
// signals.h). Log with qInfo()/qWarning()/qCritical(); return ExitSuccess
// when stopped by a signal.
int runJob(const CommandLine &line,
           const JobConfig &config,
           const QString &commandName,
           const std::function<Result<void>()> &startup,
           const std::function<int()> &body);

} // namespace ferry::cli
