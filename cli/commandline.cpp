#include "commandline.h"

#include "commandtable.h"
#include "quoting.h"

namespace ferry::cli {

namespace {

Error usageError(const QString &message)
{
    return Error(ErrorKind::Usage, message);
}

// The letters given so far from each group of mutually exclusive options.
struct SeenLetters
{
    QChar daemon;    // -d, -s or -r
    QChar verbosity; // -v or -q
};

// Reads one short option letter into `line`. Returns an error message, or an
// empty string when the letter was fine.
QString applyShortOption(QChar letter, CommandLine &line, SeenLetters &seenLetters)
{
    const auto exclusive = [letter](QChar &seen) -> QString {
        if (!seen.isNull() && seen != letter)
            return QStringLiteral("options -%1 and -%2 cannot be combined").arg(seen).arg(letter);
        seen = letter;
        return {};
    };

    switch (letter.unicode()) {
    case 'h':
        line.mode = CommandLine::Mode::Help;
        return {};
    case 'V':
        line.mode = CommandLine::Mode::Version;
        return {};
    case 'd':
        line.daemon = DaemonAction::Start;
        return exclusive(seenLetters.daemon);
    case 's':
        line.daemon = DaemonAction::Stop;
        return exclusive(seenLetters.daemon);
    case 'r':
        line.daemon = DaemonAction::Reload;
        return exclusive(seenLetters.daemon);
    case 'v':
        line.verbosity = Verbosity::Verbose;
        return exclusive(seenLetters.verbosity);
    case 'q':
        line.verbosity = Verbosity::Quiet;
        return exclusive(seenLetters.verbosity);
    default:
        return QStringLiteral("unknown option ") + quoteArgument(QLatin1Char('-') + letter);
    }
}

} // namespace

Result<CommandLine> parseCommandLine(const QStringList &arguments)
{
    CommandLine line;
    QStringList positional; // CONFIG.ini, then COMMAND
    SeenLetters seenLetters;
    bool optionsEnded = false;

    qsizetype next = 0;
    for (; next < arguments.size() && positional.size() < 2; ++next) {
        const QString &arg = arguments.at(next);
        if (optionsEnded || !arg.startsWith(QLatin1Char('-'))) {
            positional << arg;
            continue;
        }
        if (arg == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        if (arg == QLatin1String("--help")) {
            line.mode = CommandLine::Mode::Help;
            return line;
        }
        if (arg == QLatin1String("--version")) {
            line.mode = CommandLine::Mode::Version;
            return line;
        }
        if (arg == QLatin1String("--ini")) {
            line.mode = CommandLine::Mode::Ini;
            return line;
        }
        if (arg.startsWith(QLatin1String("--")) || arg.size() == 1)
            return usageError(QStringLiteral("unknown option ") + quoteArgument(arg));

        // Short options may be bundled, as in `-dv`.
        for (qsizetype i = 1; i < arg.size(); ++i) {
            const QString problem = applyShortOption(arg.at(i), line, seenLetters);
            if (!problem.isEmpty())
                return usageError(problem);
            if (line.mode != CommandLine::Mode::Run)
                return line;
        }
    }

    if (positional.isEmpty())
        return usageError(QStringLiteral("missing CONFIG.ini and COMMAND"));
    if (positional.size() == 1)
        return usageError(QStringLiteral("missing COMMAND after ")
                          + quoteArgument(positional.at(0)));
    if (!findCommand(positional.at(1)))
        return usageError(QStringLiteral("unknown command ") + quoteArgument(positional.at(1)));

    line.configPath = positional.at(0);
    line.command = positional.at(1);
    line.commandArgs = arguments.mid(next);
    return line;
}

} // namespace ferry::cli
