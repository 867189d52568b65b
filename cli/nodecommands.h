#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

namespace ferry::cli {

// create-root, create-leaf, drop-node, pause, resume, members, status,
// node-status, add-table, remove-table, tables, add-seq, remove-seq, seqs,
// skip-event, replace-event and retry:
// short commands that do their work and exit. Returns the exit code.
int runNodeCommand(const CommandLine &line, const JobConfig &config);
bool isNodeCommand(const QString &command);

} // namespace ferry::cli
