#include "workercommand.h"

#include "dispatcher.h"
#include "jobrunner.h"
#include "signals.h"

#include "cascade/node.h"
#include "replication/nodeworker.h"

#include <QDebug>

namespace ferry::cli {

namespace {

int work(const JobConfig &start)
{
    JobConfig config = start;
    while (!stopRequested()) {
        NodeWorker worker(NodeWorker::optionsFor(config));
        auto r = worker.run(interruptFlag());
        if (!r) {
            qCritical().noquote() << r.error().toString();
            return ExitFailure;
        }
        clearInterrupt();
        if (takeReloadRequest())
            config = reloadJobConfig(config);
    }
    return ExitSuccess;
}

} // namespace

int runWorker(const CommandLine &line, const JobConfig &config)
{
    return runJob(
        line, config, QStringLiteral("worker"),
        [&config]() { return NodeWorker::checkStart(config); },
        [&config]() { return work(config); });
}

} // namespace ferry::cli
