#pragma once

#include "util/error.h"

#include <QStringList>

namespace ferry::cli {

// Exit codes of DESIGN §6: scripts and systemd units rely on them.
enum ExitCode : int {
    ExitSuccess = 0,
    ExitFailure = 1, // one line on stderr says why
    ExitUsage = 2,   // one line on stderr, then a hint to --help
};

// Prints "ferry: REASON" on stderr and returns ExitFailure.
int fail(const QString &reason);

// Prints "ferry: " + the error, then a hint to --help; returns ExitUsage.
int usageError(const Error &error);

// Runs `ferry` with the arguments that follow the program name; prints to
// stdout and stderr and returns the exit code.
int run(const QStringList &arguments);

} // namespace ferry::cli
