#include "workercommand.h"

#include "dispatcher.h"
#include "jobrunner.h"
#include "signals.h"

#include "cascade/node.h"
#include "replication/nodeworker.h"

#include <QDebug>

namespace ferry::cli {

namespace {

WorkerOptions optionsFor(const JobConfig &config)
{
    WorkerOptions o;
    o.db = config.db();
    o.queue = config.queueName();
    o.loopDelay = config.loopDelay();
    o.lockTimeout = config.lockTimeout();
    o.runTicker = config.ticker();
    // ticker_period bounds how long a waiting event waits for the ticker to
    // look; whether a tick is due is the queue's own rule (DESIGN §3).
    o.tickerPollMs = qBound(10, int(config.tickerPeriod() * 1000), 200);
    return o;
}

// What should fail at once rather than be retried: not a node, a node of
// another queue, a worker already running. An unreachable database is
// retried by the worker itself (it may be starting up with the machine).
Result<void> checkNode(const JobConfig &config)
{
    auto db = Connection::open(config.db());
    if (!db) {
        if (db.error().kind() == ErrorKind::Connection) {
            qWarning().noquote() << db.error().toString() << "- the worker keeps trying";
            return {};
        }
        return db.error();
    }
    auto node = requireNode(*db, config.queueName());
    if (!node)
        return node.error();
    if (auto r = requireWorkerLock(*db, node.value()); !r)
        return r.error();
    return {}; // closing the connection releases the probe's lock
}

int work(const JobConfig &start)
{
    JobConfig config = start;
    while (!stopRequested()) {
        NodeWorker worker(optionsFor(config));
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
        line, config, QStringLiteral("worker"), [&config]() { return checkNode(config); },
        [&config]() { return work(config); });
}

} // namespace ferry::cli
