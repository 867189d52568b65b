#include "dispatcher.h"

#include "commandline.h"
#include "commandtable.h"
#include "helptext.h"
#include "joblog.h"
#include "nodecommands.h"
#include "quoting.h"
#include "tickercommand.h"
#include "workercommand.h"

#include "config/jobconfig.h"

#include <QTextStream>

namespace ferry::cli {

int fail(const QString &reason)
{
    QTextStream(stderr) << QStringLiteral("ferry: ") << reason << Qt::endl;
    return ExitFailure;
}

int usageError(const Error &error)
{
    QTextStream(stderr) << QStringLiteral("ferry: ") << error.toString() << Qt::endl
                        << QStringLiteral("Try 'ferry --help'.") << Qt::endl;
    return ExitUsage;
}

namespace {

int runCommand(const CommandLine &line)
{
    // Every command needs CONFIG.ini, so a broken one is reported before
    // anything else, and its warnings before the command's own output.
    const Result<JobConfig> config = JobConfig::load(line.configPath);
    if (!config)
        return fail(config.error().toString());
    if (line.verbosity != Verbosity::Quiet) {
        QTextStream err(stderr);
        for (const QString &warning : config->warnings())
            err << QStringLiteral("ferry: warning: ") << warning << Qt::endl;
    }

    const CommandInfo *info = findCommand(line.command);
    Q_ASSERT(info); // the parser accepts known commands only
    if (!info->implemented) {
        return fail(QStringLiteral("command %1 is not built yet in this version")
                        .arg(quoteArgument(line.command)));
    }
    if (line.command == QLatin1String("ticker"))
        return runTicker(line, config.value());
    if (line.command == QLatin1String("worker"))
        return runWorker(line, config.value());
    if (isNodeCommand(line.command)) {
        if (line.daemon != DaemonAction::None)
            return usageError(Error(
                ErrorKind::Usage, QStringLiteral("-d, -s and -r go with worker and ticker only")));
        installCommandLogHandler(line.verbosity);
        return runNodeCommand(line, config.value());
    }
    return fail(QStringLiteral("command %1 is marked built but has no handler")
                    .arg(quoteArgument(line.command)));
}

} // namespace

int run(const QStringList &arguments)
{
    const Result<CommandLine> parsed = parseCommandLine(arguments);
    if (!parsed)
        return usageError(parsed.error());

    switch (parsed->mode) {
    case CommandLine::Mode::Help:
        QTextStream(stdout) << helpText();
        return ExitSuccess;
    case CommandLine::Mode::Version:
        QTextStream(stdout) << versionText();
        return ExitSuccess;
    case CommandLine::Mode::Ini:
        QTextStream(stdout) << JobConfig::templateText();
        return ExitSuccess;
    case CommandLine::Mode::Run:
        break;
    }
    return runCommand(*parsed);
}

} // namespace ferry::cli
