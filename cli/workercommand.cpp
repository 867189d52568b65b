#include "workercommand.h"

#include "daemon.h"
#include "dispatcher.h"
#include "jobrunner.h"
#include "signals.h"

#include "cascade/node.h"
#include "replication/nodeworker.h"

#include <QDebug>

namespace ferry::cli {

namespace {

int work(const JobConfig &start, bool waitForLogin)
{
    JobConfig config = start;
    while (!stopRequested()) {
        WorkerOptions options = NodeWorker::optionsFor(config);
        options.waitForLogin = waitForLogin;
        NodeWorker worker(options);
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
    // In a terminal (or with -d, whose terminal waits for the word) a refused
    // login ends the worker with the reason; under systemd it is waited out.
    const bool waitForLogin = line.daemon == DaemonAction::None && runBySystemd();
    // Under systemd nobody waits for the start-up checks' word (no -d), and
    // run() makes the same checks: one login, not two, when it is refused.
    std::function<Result<void>()> startup;
    if (!waitForLogin)
        startup = [&config]() {
            return NodeWorker::checkStart(config);
        };
    return runJob(line, config, QStringLiteral("worker"), startup,
                  [&config, waitForLogin]() { return work(config, waitForLogin); });
}

} // namespace ferry::cli
