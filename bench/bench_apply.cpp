// Apply throughput: the seed's pgbench load builds a backlog of at least
// ROWS events on a root while no consumer reads (the ticker keeps ticking),
// then the backlog is drained into a leaf with Ferry's set-based Applier and,
// as the reference in the same run, with the same Applier applying every
// event by itself in queue order (one statement per change, the way
// Londiste's playback works). Both leaves are checked equal to the root.
//
// Usage: bench_apply [EVENTS]   (default 300000)
#include "db/connection.h"
#include "db/copystream.h"
#include "pgcluster.h"
#include "processmemory.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "replication/applier.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTextStream>

#include <atomic>
#include <cstdio>
#include <thread>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

const QString kWorkload = QStringLiteral(FERRY_BENCH_WORKLOAD_DIR);
const QString kQueue = QStringLiteral("replika");
const QStringList kTables
    = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
       QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_apply: %s\n", qPrintable(what));
    std::exit(1);
}

template<typename T>
T must(Result<T> r, const QString &what)
{
    if (!r)
        die(what + QStringLiteral(": ") + r.error().toString());
    return std::move(r).value();
}

void must(Result<void> r, const QString &what)
{
    if (!r)
        die(what + QStringLiteral(": ") + r.error().toString());
}

Connection connect(const PgCluster &cluster, const QString &db)
{
    return must(Connection::open(cluster.connectionString(db)), QStringLiteral("connect ") + db);
}

QString readWorkload(const QString &name)
{
    QFile f(kWorkload + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read %1").arg(f.fileName()));
    return QString::fromUtf8(f.readAll());
}

struct Drain
{
    qint64 events = 0;
    int batches = 0;
    double seconds = 0;
    qint64 peakRssKb = 0;
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
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        auto b = must(reader.nextBatch(), QStringLiteral("next batch"));
        if (!b)
            break;
        auto r = must(applier.apply(*b, reader, tables), QStringLiteral("apply"));
        must(reader.finishBatch(*b), QStringLiteral("finish batch"));
        d.events += r.events;
        ++d.batches;
    }
    d.seconds = clock.nsecsElapsed() / 1e9;
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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 target = app.arguments().size() > 1 ? app.arguments().at(1).toLongLong() : 300000;
    if (target <= 0)
        die(QStringLiteral("usage: bench_apply [EVENTS]"));

    PgCluster root;
    PgCluster leaf;
    must(root.start(), QStringLiteral("start root"));
    must(leaf.start(), QStringLiteral("start leaf"));
    must(root.createDatabase(QStringLiteral("digoal_01")), QStringLiteral("createdb"));
    const QStringList leaves = {QStringLiteral("dst1"), QStringLiteral("dst1_rows")};
    const QString schema = readWorkload(QStringLiteral("schema.sql"));
    Connection admin = connect(root, QStringLiteral("digoal_01"));
    must(admin.exec(schema), QStringLiteral("seed schema on root"));
    must(SchemaInstaller::install(admin), QStringLiteral("install"));
    QueueAdmin queue(admin);
    must(queue.createQueue(kQueue), QStringLiteral("create queue"));
    for (const QString &t : kTables)
        must(queue.captureTable(kQueue, t), QStringLiteral("capture ") + t);
    for (const QString &db : leaves) {
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
    auto pgbench = [&](const QString &script) {
        auto *p = new QProcess;
        p->start(PgCluster::binDirectory() + QStringLiteral("/pgbench"),
                 {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                  QString::number(root.port()), QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("-M"), QStringLiteral("prepared"), QStringLiteral("-n"),
                  QStringLiteral("-f"), kWorkload + QLatin1Char('/') + script, QStringLiteral("-c"),
                  QStringLiteral("2"), QStringLiteral("-j"), QStringLiteral("2"),
                  QStringLiteral("-t"), QString::number(perClient), QStringLiteral("digoal_01")});
        return p;
    };
    std::unique_ptr<QProcess> login(pgbench(QStringLiteral("login.sql")));
    std::unique_ptr<QProcess> logout(pgbench(QStringLiteral("logout.sql")));
    for (QProcess *p : {login.get(), logout.get()}) {
        if (!p->waitForFinished(900000) || p->exitCode() != 0)
            die(QStringLiteral("pgbench failed: %1")
                    .arg(QString::fromUtf8(p->readAllStandardError())));
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
    out << "| method | events | batches | seconds | events/s | peak RSS of the process |\n"
        << "|---|---:|---:|---:|---:|---:|\n";
    const char *labels[] = {"Ferry Applier, set-based",
                            "reference: same Applier, one statement per event in queue order"};
    for (int i = 0; i < 2; ++i) {
        const Drain d = drain(root, leaf, leaves[i], i == 1);
        out << "| " << labels[i] << " | " << d.events << " | " << d.batches << " | "
            << QString::number(d.seconds, 'f', 2) << " | " << qint64(d.events / d.seconds) << " | "
            << QString::number(d.peakRssKb / 1024.0, 'f', 1) << " MB |\n";
        out.flush();
        Connection node = connect(leaf, leaves[i]);
        for (const QString &t : kTables) {
            if (checksum(admin, t) != checksum(node, t))
                die(QStringLiteral("%1 differs on %2 after the drain").arg(t, leaves[i]));
        }
    }
    out << "\nBoth leaves equal the root (count and checksum of the four tables).\n";
    return 0;
}
