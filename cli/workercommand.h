#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// `ferry [-d|-s|-r] CONFIG.ini worker`: the node's worker (see NodeWorker),
// in the foreground or as a daemon; SIGHUP reloads CONFIG.ini.
int runWorker(const CommandLine &line, const JobConfig &config);

} // namespace ferry::cli
