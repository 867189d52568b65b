#pragma once

#include "cascade/node.h"
#include "cascade/nodeadmin.h"
#include "cascade/nodeprivileges.h"
#include "config/jobconfigwriter.h"

namespace ferry::gui {

// Everything Create does, decided by the wizard's pages.
struct NodeCreation
{
    NodeKind kind = NodeKind::Root;
    NodeSetup setup; // db and provider may hold passwords (in memory only)
    bool createDatabase = false;
    QString configPath;
    bool replaceConfig = false;
    NewJobConfig config;
};

// Writes the config, makes the database when asked, then the node through
// NodeAdmin (what create-root and create-leaf run). A schema named ferry that
// is not Ferry's is refused before anything is made. When a step fails, what
// the earlier ones made is undone: the database dropped, Ferry's schema
// removed again where this Create made it and no node of any queue is in it,
// the config file removed (or the one it replaced put back). An undo step
// that fails adds one line to `notUndone` (what is left, and why). Blocks:
// run it off the UI thread.
Result<NodeInfo> createNode(const NodeCreation &creation, QStringList *notUndone = nullptr);

} // namespace ferry::gui
