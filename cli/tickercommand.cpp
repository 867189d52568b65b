#include "tickercommand.h"

#include "dispatcher.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"

#include <QTextStream>

#include <atomic>
#include <csignal>

namespace ferry::cli {

namespace {

std::atomic_bool g_stop{false};

void requestStop(int)
{
    g_stop = true;
}

} // namespace

int runTicker(const CommandLine &line, const JobConfig &config)
{
    if (line.daemon != DaemonAction::None)
        return fail(QStringLiteral("-d, -s and -r are not built yet for the ticker; run it in the "
                                   "foreground (e.g. under systemd)"));
    QString where;
    {
        // Check once, up front, that the database is reachable and has
        // Ferry's schema: a typo in `db` should fail now, not retry forever.
        auto probe = Connection::open(config.db());
        if (!probe)
            return fail(probe.error().toString());
        auto version = SchemaInstaller::installedVersion(*probe);
        if (!version)
            return fail(version.error().toString());
        where = probe->displayName();
        if (version.value() == 0)
            return fail(
                QStringLiteral("%1 has no Ferry schema: set up the root node first").arg(where));
    }

    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    TickerOptions options;
    options.pollMs = qMax(10, int(config.tickerPeriod() * 1000));
    if (line.verbosity != Verbosity::Quiet)
        QTextStream(stderr) << QStringLiteral("ferry: ticker on %1, asking every %2 ms; stop with "
                                              "Ctrl-C or SIGTERM")
                                   .arg(where)
                                   .arg(options.pollMs)
                            << Qt::endl;
    Ticker ticker(config.db(), options);
    ticker.run(g_stop);
    return ExitSuccess;
}

} // namespace ferry::cli
