#pragma once

#include <QList>
#include <QString>

namespace ferry::cli {

// One `ferry CONFIG.ini COMMAND` entry. --help is generated from this table, so
// building a command means flipping its `implemented` flag here (and
// dispatching it), never editing the help text by hand.
struct CommandInfo
{
    QString name;
    QString arguments; // what follows the name in the synopsis, e.g. "TABLE..."
    QString summary;   // one line for --help
    bool implemented = false;
};

// Every command of DESIGN §6, in the order --help lists them.
const QList<CommandInfo> &commandTable();

// The entry called `name`, or nullptr when there is none.
const CommandInfo *findCommand(const QString &name);

} // namespace ferry::cli
