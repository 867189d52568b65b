#pragma once

#include "util/result.h"

#include <QHash>
#include <QStringList>

namespace ferry::cli {

// What follows COMMAND: positional arguments and --options.
struct CommandArgs
{
    QStringList positional;
    QHash<QString, QString> options; // "--provider" -> value; flags map to ""

    bool has(const QString &option) const { return options.contains(option); }
    QString value(const QString &option) const { return options.value(option); }
};

struct ArgsSpec
{
    QStringList valueOptions; // take a value: --name=VALUE or --name VALUE
    QStringList flags;        // take none
    int minPositional = 0;
    int maxPositional = -1; // -1: any number
    QString synopsis;       // "NAME CONNSTR --provider=CONNSTR", for messages
};

// A Usage error names the command, the problem and the synopsis; arguments
// are echoed password-masked.
Result<CommandArgs>
parseCommandArgs(const QString &command, const QStringList &arguments, const ArgsSpec &spec);

} // namespace ferry::cli
