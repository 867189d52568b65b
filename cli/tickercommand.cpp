#include "tickercommand.h"

#include "dispatcher.h"
#include "jobrunner.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "signals.h"

#include <QDebug>

namespace ferry::cli {

namespace {

// Checks once, up front, that the database is reachable and has Ferry's
// schema: a typo in `db` should fail now, not retry forever.
Result<void> checkDatabase(const JobConfig &config)
{
    auto probe = Connection::open(config.db());
    if (!probe)
        return probe.error();
    auto version = SchemaInstaller::installedVersion(*probe);
    if (!version)
        return version.error();
    if (version.value() == 0) {
        return Error(ErrorKind::Config,
                     QStringLiteral("%1 has no Ferry schema: set up the root node first")
                         .arg(probe->displayName()));
    }
    return {};
}

int tick(const JobConfig &startConfig)
{
    JobConfig config = startConfig;
    while (!stopRequested()) {
        TickerOptions options;
        options.pollMs = qMax(10, int(config.tickerPeriod() * 1000));
        qInfo().noquote() << QStringLiteral("ticker on %1, asking every %2 ms")
                                 .arg(config.db().displayName())
                                 .arg(options.pollMs);
        Ticker ticker(config.db(), options);
        ticker.run(interruptFlag()); // returns on SIGINT, SIGTERM and SIGHUP
        clearInterrupt();
        if (takeReloadRequest())
            config = reloadJobConfig(config);
    }
    return ExitSuccess;
}

} // namespace

int runTicker(const CommandLine &line, const JobConfig &config)
{
    return runJob(
        line, config, QStringLiteral("ticker"), [&config] { return checkDatabase(config); },
        [&config] { return tick(config); });
}

} // namespace ferry::cli
