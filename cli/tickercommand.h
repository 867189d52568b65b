#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// `ferry CONFIG.ini ticker`: runs the ticker of the config's database in the
// foreground until SIGINT or SIGTERM (pgqd's job, for setups that run it
// apart from the root's worker). Returns the process exit code.
int runTicker(const CommandLine &line, const JobConfig &config);

} // namespace ferry::cli
