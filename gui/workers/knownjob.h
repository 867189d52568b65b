#pragma once

#include "config/jobconfig.h"

#include <QStringList>

#include <optional>

namespace ferry::gui {

class WorkerRegistry;

// Whether two configs are of the same node: the same queue in the same
// database (host, port and dbname as libpq defaults them; the local server
// by socket, localhost or loopback address counts as one host).
bool isSameNode(const JobConfig &a, const JobConfig &b);

// For a connection profile opened without its CONFIG.ini: the job Ferry
// knows whose node `profile` (the profile's config) is, so the window can
// control its worker and show its log. A worker running in this process
// first, then `paths` in order (the tray's background configs, the recent
// ones); a config that cannot be read is skipped. Reads those files on the
// calling thread (no database).
std::optional<JobConfig>
knownJobOfNode(const JobConfig &profile, const QStringList &paths, const WorkerRegistry *registry);

} // namespace ferry::gui
