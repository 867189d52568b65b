#pragma once

#include "commandline.h"

#include "config/jobconfig.h"
#include "util/operatorlog.h"

namespace ferry::cli {

// Log lines of a long-running command (`worker`, `ticker`), londiste3's way
// (formatJobLogLine() in core/util/joblogfile.h, shared with the desktop
// manager's in-process workers):
//
//     2026-11-25 11:20:03.123 12345 INFO ticker on postgres@db1:5432/digoal_01
//
// local time to the millisecond, the pid, DEBUG/INFO/WARNING/ERROR and the
// message on one line (line breaks in it become spaces). Installs a Qt
// message handler, so every qDebug/qInfo/qWarning/qCritical (and their qC*
// forms) ends up there, written to stderr with one write() per line: with
// -d stderr is the logfile (opened for appending), so the same lines serve
// the terminal and the log. DEBUG lines (and the ferry.* debug categories)
// only with -v; INFO lines not with -q. The handler writes messages as
// given: callers mask connection strings (ConnectionString::masked()) first.
void installJobLogHandler(Verbosity verbosity);

// A job in the foreground (a terminal, or a service whose stderr is the
// journal) writes its lines to stderr and appends them to its `logfile`
// too, as a daemon does: the log is where ferry-gui's log tail and an
// operator look, however the job was started. A logfile that cannot be
// opened is a warning; the job runs on with stderr alone. Nothing is copied
// when stderr is that file already (`2>>LOGFILE`).
void copyJobLogTo(const QString &logFile);

// Messages of the short commands (create-root, add-table, status, ...):
// warnings and errors as "ferry: warning: ..." on stderr, like the
// command's own errors; INFO and DEBUG lines only with -v.
void installCommandLogHandler(Verbosity verbosity);

// An operator's pause, resume, -s or -r, noted in the job's log file as
// ferry-gui notes its own (logOperatorAction): "operator USER (ferry pid N):
// ACTION"; `note.frontEnd` is set here. A log that cannot be written is a
// warning on stderr, not a failure of the command; a job without a log file
// gets nothing.
void noteOperatorAction(const JobConfig &config, OperatorNote note);

} // namespace ferry::cli
