#pragma once

#include "commandargs.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// `execute FILE... [--force] [--dry-run]` on the root: each file runs there
// in one transaction and goes into the queue for every node (rewritten to
// each node's names); --dry-run prints per node what would run there.
int executeScripts(const CommandArgs &args, const JobConfig &config);

} // namespace ferry::cli
