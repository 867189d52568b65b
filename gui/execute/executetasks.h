#pragma once

#include "config/jobconfig.h"
#include "replication/scriptexecute.h"

#include <QList>
#include <QString>

namespace ferry::gui {

// The Execute page's database work, run off the UI thread (runAsync): each
// call opens its own sessions and closes them before it returns.

struct ExecutePlanReply
{
    bool ok = false;
    QString error;
    bool notRoot = false; // the config's node is not the root: `error` says so
    ScriptPlan plan;
};
// planScript() on the config's node, which must be the root.
ExecutePlanReply readScriptPlan(const JobConfig &config, const ScriptFile &file);

struct ExecuteRunReply
{
    bool ok = false;
    QString error;
    // The root refused the file because it ran it before: running it again
    // needs force.
    bool ranBefore = false;
    bool notRoot = false; // the config's node is not the root: `error` says so
    QString rootNode;
    ExecutedScript done;
};
// executeScript() on the config's node.
ExecuteRunReply runScriptOnRoot(const JobConfig &config, const ScriptFile &file, bool force);

struct ExecuteProgressReply
{
    bool ok = false;
    QString error;
    QList<NodeScriptProgress> nodes;
};
// scriptProgress() of event `eventId` on every node but the root.
ExecuteProgressReply readScriptProgress(const JobConfig &config, qint64 eventId);

} // namespace ferry::gui
