#include "commandargs.h"

#include "quoting.h"

namespace ferry::cli {

Result<CommandArgs>
parseCommandArgs(const QString &command, const QStringList &arguments, const ArgsSpec &spec)
{
    auto usage = [&](const QString &what) {
        return Error(ErrorKind::Usage, QStringLiteral("%1: %2 (usage: ferry CONFIG.ini %1 %3)")
                                           .arg(command, what, spec.synopsis)
                                           .trimmed());
    };
    CommandArgs out;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (!arg.startsWith(QLatin1String("--")) || arg == QLatin1String("--")) {
            out.positional.append(arg);
            continue;
        }
        const int eq = arg.indexOf(QLatin1Char('='));
        const QString name = eq < 0 ? arg : arg.left(eq);
        if (spec.flags.contains(name)) {
            if (eq >= 0)
                return usage(QStringLiteral("%1 takes no value").arg(name));
            out.options.insert(name, QString());
        } else if (spec.valueOptions.contains(name)) {
            if (eq >= 0) {
                out.options.insert(name, arg.mid(eq + 1));
            } else if (i + 1 < arguments.size()) {
                out.options.insert(name, arguments.at(++i));
            } else {
                return usage(QStringLiteral("%1 needs a value").arg(name));
            }
        } else {
            return usage(QStringLiteral("unknown option %1").arg(quoteArgument(name)));
        }
    }
    if (out.positional.size() < spec.minPositional)
        return usage(QStringLiteral("missing arguments"));
    if (spec.maxPositional >= 0 && out.positional.size() > spec.maxPositional)
        return usage(QStringLiteral("unexpected argument %1")
                         .arg(quoteArgument(out.positional.at(spec.maxPositional))));
    return out;
}

} // namespace ferry::cli
