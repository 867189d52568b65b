#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// `ferry [-d|-s|-r] CONFIG.ini ticker`: runs the ticker of the config's
// database (pgqd's job, for setups that run it apart from the root's worker)
// until SIGINT or SIGTERM, in the foreground or with -d as a daemon; -s stops
// and -r reloads it (jobrunner.h). A reload re-reads `db` and
// `ticker_period`. Returns the process exit code.
int runTicker(const CommandLine &line, const JobConfig &config);

} // namespace ferry::cli
