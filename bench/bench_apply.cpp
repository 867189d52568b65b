// Apply throughput, in process: the seed's pgbench load builds a backlog of
// at least EVENTS events on a root while no consumer reads (the ticker keeps
// ticking), then the backlog is drained into leaf databases with Ferry's
// set-based Applier (REPEAT times, each into a leaf of its own) and, as the
// reference in the same run, with the same Applier applying every event by
// itself in queue order (one statement per change, the way Londiste's
// playback works). Every leaf is checked equal to the root.
//
// Besides wall time the benchmark reports the CPU time of each party, which
// other work on the machine moves much less than wall time: the provider's
// backend (reading the batch), the node's backend (applying it) and this
// process (the worker: reader + applier).
//
// Usage: bench_apply [EVENTS] [--repeat N] [--no-reference] [--explain FILE]
//   defaults: 300000 events, 3 repeats. --explain logs every apply statement
//   of more than 20 ms with its EXPLAIN ANALYZE plan into FILE (auto_explain
//   on the leaf; slows the run down).
#include "benchutil.h"
#include "db/copystream.h"
#include "processmemory.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "replication/applier.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace ferry;
using namespace ferry::bench;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};

double selfCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Drain
{
    qint64 events = 0;
    int batches = 0;
    double seconds = 0;
    double streamSeconds = 0;     // events from the provider into the node
    double statementsSeconds = 0; // the per-table statements
    double commitSeconds = 0;     // completed tick + COMMIT
    double providerCpu = 0;       // CPU seconds of the provider's backend
    double nodeCpu = 0;           // of the node's backend
    double workerCpu = 0;         // of this process
    qint64 peakRssKb = 0;
    double eventsPerSecond() const { return seconds > 0 ? events / seconds : 0; }
};

Drain drain(const PgCluster &root, const PgCluster &leaf, const QString &db, bool rowByRow)
{
    Connection source = connect(root, QStringLiteral("digoal_01"));
    Connection node = connect(leaf, db);
    const auto tables = must(loadTableMappings(source, kQueue), QStringLiteral("read mappings"));
    BatchReader reader(source, kQueue, db);
    Applier applier(node, kQueue, db);
    applier.setAlwaysRowByRow(rowByRow);
    test::resetPeakRss();
    Drain d;
    const double provider0 = cpuSeconds(source.backendPid());
    const double node0 = cpuSeconds(node.backendPid());
    const double self0 = selfCpuSeconds();
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        auto b = must(reader.nextBatch(), QStringLiteral("next batch"));
        if (!b)
            break;
        auto r = must(applier.apply(*b, reader, tables), QStringLiteral("apply"));
        must(reader.finishBatch(*b), QStringLiteral("finish batch"));
        d.events += r.events;
        d.streamSeconds += r.streamNs / 1e9;
        d.statementsSeconds += r.statementsNs / 1e9;
        d.commitSeconds += r.commitNs / 1e9;
        ++d.batches;
    }
    d.seconds = clock.nsecsElapsed() / 1e9;
    d.providerCpu = cpuSeconds(source.backendPid()) - provider0;
    d.nodeCpu = cpuSeconds(node.backendPid()) - node0;
    d.workerCpu = selfCpuSeconds() - self0;
    d.peakRssKb = test::peakRssKb();
    return d;
}

QString checksum(Connection &c, const QString &table)
{
    auto r = must(
        c.exec(QStringLiteral("SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) "
                              "FROM %1 t")
                   .arg(table)),
        QStringLiteral("checksum"));
    return r.text(0, 0);
}

QString seconds(double s)
{
    return QString::number(s, 'f', 2);
}

int run(const QStringList &args)
{
    qint64 target = 300000;
    int repeats = 3;
    bool reference = true;
    QString explainFile;
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--repeat") && i + 1 < args.size())
            repeats = args.at(++i).toInt();
        else if (a == QLatin1String("--no-reference"))
            reference = false;
        else if (a == QLatin1String("--explain") && i + 1 < args.size())
            explainFile = args.at(++i);
        else
            target = a.toLongLong();
    }
    if (target <= 0 || repeats <= 0)
        fail(QStringLiteral(
            "usage: bench_apply [EVENTS] [--repeat N] [--no-reference] [--explain FILE]"));

    QStringList leafSettings;
    if (!explainFile.isEmpty())
        leafSettings = {QStringLiteral("session_preload_libraries = 'auto_explain'"),
                        QStringLiteral("auto_explain.log_min_duration = 20"),
                        QStringLiteral("auto_explain.log_analyze = on"),
                        QStringLiteral("auto_explain.log_buffers = on"),
                        QStringLiteral("log_min_messages = log")};
    PgCluster root;
    PgCluster leaf(leafSettings);
    must(root.start(), QStringLiteral("start root"));
    must(leaf.start(), QStringLiteral("start leaf"));
    must(root.createDatabase(QStringLiteral("digoal_01")), QStringLiteral("createdb"));
    QStringList leaves;
    for (int i = 1; i <= repeats; ++i)
        leaves << QStringLiteral("dst%1").arg(i);
    if (reference)
        leaves << QStringLiteral("dst_rows");
    const QString schema = readWorkload(QStringLiteral("schema.sql"));
    Connection admin = connect(root, QStringLiteral("digoal_01"));
    must(admin.exec(schema), QStringLiteral("seed schema on root"));
    must(SchemaInstaller::install(admin), QStringLiteral("install"));
    QueueAdmin queue(admin);
    must(queue.createQueue(kQueue), QStringLiteral("create queue"));
    for (const QString &t : kTables)
        must(queue.captureTable(kQueue, t), QStringLiteral("capture ") + t);
    for (const QString &db : std::as_const(leaves)) {
        must(leaf.createDatabase(db), QStringLiteral("createdb"));
        Connection node = connect(leaf, db);
        must(node.exec(schema), QStringLiteral("seed schema on leaf"));
        // The seed's data carries clock_timestamp(): copy the root's rows.
        for (const QString &t : kTables) {
            must(node.exec(QStringLiteral("TRUNCATE ") + t), QStringLiteral("truncate"));
            must(copyBetween(admin, QStringLiteral("COPY %1 TO STDOUT").arg(t), node,
                             QStringLiteral("COPY %1 FROM STDIN").arg(t)),
                 QStringLiteral("copy ") + t);
        }
        must(node.exec(QStringLiteral("VACUUM ANALYZE")), QStringLiteral("vacuum leaf"));
        must(Applier(node, kQueue, db).prepare(), QStringLiteral("prepare leaf"));
        must(queue.registerConsumer(kQueue, db), QStringLiteral("register"));
    }

    // The backlog: the seed's load while nobody consumes; the ticker ticks.
    auto cs = must(ConnectionString::parse(root.connectionString(QStringLiteral("digoal_01"))),
                   QStringLiteral("parse"));
    Ticker ticker(cs);
    std::atomic_bool stop{false};
    std::thread tickerThread([&] { ticker.run(stop); });
    const qint64 perClient = target / 8 + 1; // 4 clients, 2 events per transaction
    const QStringList limit = {QStringLiteral("-t"), QString::number(perClient)};
    try {
        auto login
            = startPgbench(root, QStringLiteral("digoal_01"), QStringLiteral("login.sql"), limit);
        auto logout
            = startPgbench(root, QStringLiteral("digoal_01"), QStringLiteral("logout.sql"), limit);
        waitForPgbench(*login, 1800000);
        waitForPgbench(*logout, 1800000);
    } catch (...) {
        stop = true;
        tickerThread.join();
        throw;
    }
    stop = true;
    tickerThread.join();
    must(queue.tick(kQueue, true), QStringLiteral("final tick"));
    auto backlog
        = must(admin.exec(QStringLiteral("SELECT ferry._event_count(queue_id), "
                                         "(SELECT count(*) FROM ferry.tick) FROM ferry.queue")),
               QStringLiteral("backlog"));

    QTextStream out(stdout);
    out << "Backlog: " << backlog.toInt64(0, 0) << " events in " << backlog.toInt64(0, 1)
        << " ticks (seed load, " << 8 * perClient / 2 << " transactions)\n\n";
    out << "| method | run | events | batches | seconds | events/s | stream s | statements s | "
           "commit s | CPU s provider / node / worker | peak RSS of the worker |\n"
        << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    out.flush();
    std::vector<double> rates;
    for (int i = 0; i < leaves.size(); ++i) {
        const bool rowByRow = reference && i == leaves.size() - 1;
        const Drain d = drain(root, leaf, leaves.at(i), rowByRow);
        out << "| "
            << (rowByRow ? "reference: same Applier, one statement per event in queue order"
                         : "Ferry Applier, set-based")
            << " | " << (rowByRow ? 1 : i + 1) << " | " << d.events << " | " << d.batches << " | "
            << seconds(d.seconds) << " | " << qint64(d.eventsPerSecond()) << " | "
            << seconds(d.streamSeconds) << " | " << seconds(d.statementsSeconds) << " | "
            << seconds(d.commitSeconds) << " | " << seconds(d.providerCpu) << " / "
            << seconds(d.nodeCpu) << " / " << seconds(d.workerCpu) << " | " << mb(d.peakRssKb)
            << " |\n";
        out.flush();
        if (!rowByRow)
            rates.push_back(d.eventsPerSecond());
        Connection node = connect(leaf, leaves.at(i));
        for (const QString &t : kTables) {
            if (checksum(admin, t) != checksum(node, t))
                fail(QStringLiteral("%1 differs on %2 after the drain").arg(t, leaves.at(i)));
        }
    }
    const auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
    out << "\nSet-based: median " << qint64(median(rates)) << " events/s over " << rates.size()
        << " runs (" << qint64(*lo) << "–" << qint64(*hi) << ").\n";
    out << "Every leaf equals the root (count and checksum of the four tables).\n";
    if (!explainFile.isEmpty()) {
        QFile::remove(explainFile);
        QFile::copy(leaf.logFile(), explainFile);
        out << "Plans of the leaf's statements: " << explainFile << "\n";
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    try {
        return run(app.arguments());
    } catch (const Failure &f) {
        std::fprintf(stderr, "bench_apply: %s\n", qPrintable(f.what));
        return 1;
    }
}
