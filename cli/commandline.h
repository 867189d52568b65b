#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

namespace ferry::cli {

// -d, -s, -r: start the job as a daemon, or signal the one its pidfile names.
enum class DaemonAction { None, Start, Stop, Reload };
enum class Verbosity { Normal, Verbose, Quiet };

// What `ferry [-d|-s|-r] [-v|-q] CONFIG.ini COMMAND [args]` asked for.
struct CommandLine
{
    enum class Mode { Run, Help, Version, Ini };

    Mode mode = Mode::Run;
    DaemonAction daemon = DaemonAction::None;
    Verbosity verbosity = Verbosity::Normal;
    QString configPath;
    QString command;         // a name from commandTable()
    QStringList commandArgs; // everything after COMMAND: the command parses its own
};

// Parses the arguments that follow the program name. Options are read up to
// COMMAND (before or after CONFIG.ini); -h/--help, -V/--version and --ini win
// at once, so `ferry CONFIG.ini --ini` works as in londiste3.
// Fails with a Usage error: one line, every echoed argument password-masked.
Result<CommandLine> parseCommandLine(const QStringList &arguments);

} // namespace ferry::cli
