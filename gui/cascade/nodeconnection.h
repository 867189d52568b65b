#pragma once

#include "config/jobconfig.h"
#include "db/connectionstring.h"
#include "util/result.h"

#include <QStringList>

#include <functional>

class QObject;

namespace ferry::gui {

class LocalStore;
class WorkerRegistry;

// How the desktop manager logs in to one node of the open cascade to change
// it (pause, resync, drop...): the open config's own node with the config's
// db; another member at the location the root stores for it (no password),
// with the password of a job Ferry knows for that database (`knownConfigs`
// in order, after the workers running here) or of a saved connection profile
// kept in the keychain (read asynchronously); else libpq finds one in .pgpass
// or needs none. `done` runs on `context`'s thread, maybe later.
void nodeConnection(const JobConfig &config,
                    bool local,
                    const QString &location,
                    LocalStore *store,
                    const QStringList &knownConfigs,
                    const WorkerRegistry *registry,
                    QObject *context,
                    std::function<void(Result<ConnectionString>)> done);

} // namespace ferry::gui
