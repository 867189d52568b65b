#pragma once

#include "result.h"

#include <QString>
#include <QtGlobal>

namespace ferry {

// What an operator asked of a job from a front end (the CLI's pause, resume,
// -s and -r; the desktop manager's Worker menu and tray).
enum class OperatorAction {
    StartHere,   // inside the front end's process
    StartDaemon, // `ferry -d CONFIG worker`
    Stop,
    Reload,
    Pause,
    Resume,
};

struct OperatorNote
{
    OperatorAction action = OperatorAction::Stop;
    QString node;     // its name, or where it is (the db's displayName()) when not known
    QString frontEnd; // "ferry", "ferry-gui"
    qint64 pid = 0;   // the process the job runs in (Stop, Reload); 0: not said
    QString command = QStringLiteral("worker"); // or "ticker"
};

// Appends one INFO line naming the action, the node, the operating-system
// user and the front end to the job's log file, in the job's own line format
// (formatJobLogLine: the time and the writer's pid come from there):
//
//     2026-11-25 11:20:03.123 4242 INFO operator alice (ferry-gui pid 4242): pause node dst1
//
// so the log tells who held, released, stopped or started the job, and when.
// `logFile` is the path as the job uses it; empty (the job keeps no log
// file): nothing is written. Blocks on the file only.
Result<void> logOperatorAction(const QString &logFile, const OperatorNote &note);

// The name of the user this process runs as (the password database's, else
// $USER); the uid as a number when neither knows one.
QString operatingSystemUser();

} // namespace ferry
