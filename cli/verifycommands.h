#pragma once

#include "commandargs.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// `compare [TABLE...] [--wait=SECONDS] [--lock-timeout=SECONDS] [--details]
// [--json]` and `repair [TABLE...] [--dry-run] [--wait=SECONDS]
// [--lock-timeout=SECONDS] [--json]` on a node with a provider.
int compareTables(const CommandArgs &args, const JobConfig &config);
int repairTables(const CommandArgs &args, const JobConfig &config);

} // namespace ferry::cli
