#include "dispatcher.h"

#include "commandline.h"
#include "commandtable.h"
#include "helptext.h"
#include "quoting.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace ferry::cli {

namespace {

int fail(const QString &reason)
{
    QTextStream(stderr) << QStringLiteral("ferry: ") << reason << Qt::endl;
    return ExitFailure;
}

int usage(const Error &error)
{
    QTextStream(stderr) << QStringLiteral("ferry: ") << error.toString() << Qt::endl
                        << QStringLiteral("Try 'ferry --help'.") << Qt::endl;
    return ExitUsage;
}

// Every command reads CONFIG.ini, so an unreadable one is reported before
// anything else. Parsing it is the config layer's job, not this check's.
Result<void> checkReadable(const QString &path)
{
    QString reason;
    QFile file(path);
    if (QFileInfo(path).isDir())
        reason = QStringLiteral("Is a directory");
    else if (!file.open(QIODevice::ReadOnly))
        reason = file.errorString();
    if (reason.isEmpty())
        return {};
    return Error(ErrorKind::Config,
                 QStringLiteral("cannot read config file %1: %2").arg(quoteArgument(path), reason));
}

int runCommand(const CommandLine &line)
{
    if (Result<void> readable = checkReadable(line.configPath); !readable)
        return fail(readable.error().toString());

    const CommandInfo *info = findCommand(line.command);
    Q_ASSERT(info); // the parser accepts known commands only
    if (!info->implemented) {
        return fail(QStringLiteral("command %1 is not built yet in this version")
                        .arg(quoteArgument(line.command)));
    }
    // Built commands are dispatched here as they arrive.
    return fail(QStringLiteral("command %1 is marked built but has no handler")
                    .arg(quoteArgument(line.command)));
}

} // namespace

int run(const QStringList &arguments)
{
    const Result<CommandLine> parsed = parseCommandLine(arguments);
    if (!parsed)
        return usage(parsed.error());

    switch (parsed->mode) {
    case CommandLine::Mode::Help:
        QTextStream(stdout) << helpText();
        return ExitSuccess;
    case CommandLine::Mode::Version:
        QTextStream(stdout) << versionText();
        return ExitSuccess;
    case CommandLine::Mode::Run:
        break;
    }
    return runCommand(*parsed);
}

} // namespace ferry::cli
