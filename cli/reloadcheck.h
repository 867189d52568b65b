#pragma once

#include "commandline.h"
#include "config/jobconfig.h"

#include <QString>

#include <optional>

namespace ferry::cli {

// `ferry -r` finds the job through the pidfile CONFIG.ini names now. When
// no process holds it, the job may still run with the pidfile it started
// with (an administrator changed `pidfile`, then reloaded): a reload cannot
// reach it, only a restart can. Returns that one-line error for -r with a
// pidfile nobody holds; empty otherwise (also for a config without a
// pidfile: runJob() says to set one). A worker whose config is
// /etc/ferry/NAME.ini is told the service's restart command.
std::optional<QString> reloadTargetMissing(const CommandLine &line, const JobConfig &config);

} // namespace ferry::cli
