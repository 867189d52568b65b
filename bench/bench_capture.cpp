// What capturing changes costs the application: the seed's pgbench workload
// (login and logout transactions, 2 + 2 clients) on one throwaway cluster
// with durable commits, without triggers, with Ferry's capture triggers,
// with PgQ's C trigger pgq.logutriga (when postgresql-N-pgq3 is installed)
// and with a naive PL/pgSQL trigger. Each configuration has its own database
// made from bench/workload/schema.sql; runs are interleaved and the median
// TPS of each is reported. Ferry and PgQ run their ticker and a consumer that
// keeps up during every run, so the event tables behave as in production.
//
// Usage: bench_capture [SECONDS] [REPEATS] [--only LABEL,...] [--variant LABEL=FILE]...
//   defaults 20 s and 5 repeats; LABELs: baseline, ferry, pgq, naive.
//   --variant adds a configuration set up like "ferry", then FILE's SQL run
//   in its database (to try changes to the capture functions by hand).
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kConsumer = QStringLiteral("bench");
const QString kWorkload = QStringLiteral(FERRY_BENCH_WORKLOAD_DIR);

volatile std::sig_atomic_t g_interrupted = 0;

// Thrown instead of exiting, so that every destructor runs: threads are
// joined, pgbench is killed and the cluster is stopped on any failure.
struct Failure
{
    QString what;
};

[[noreturn]] void fail(const QString &what)
{
    throw Failure{what};
}

template<typename T>
T must(Result<T> r, const QString &what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(what, r.error().toString()));
    return std::move(r).value();
}

void must(Result<void> r, const QString &what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(what, r.error().toString()));
}

void checkInterrupted()
{
    if (g_interrupted)
        fail(QStringLiteral("interrupted"));
}

QString readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1").arg(path));
    return QString::fromUtf8(f.readAll());
}

enum class Kind { Baseline, Ferry, PgQ, Naive };

struct Config
{
    QString label; // the name in the table
    QString key;   // the name on the command line and of the database
    Kind kind = Kind::Baseline;
    QString variantSql;
    // false: capture only, no ticker and no consumer (what the writers alone pay)
    bool reads = true;
    std::optional<Connection> admin;
    std::optional<Connection> consumer;
    std::vector<double> tps;
    std::vector<double> eventsPerSecond;
    QStringList warnings;
};

// Keeps the first error any worker thread met; the main thread checks it.
class ErrorBox
{
public:
    void set(const QString &what)
    {
        QMutexLocker lock(&m_mutex);
        if (m_what.isEmpty())
            m_what = what;
    }
    QString take()
    {
        QMutexLocker lock(&m_mutex);
        return std::exchange(m_what, QString());
    }

private:
    QMutex m_mutex;
    QString m_what;
};

void sleepUnless(const std::atomic_bool &stop, int ms)
{
    for (int waited = 0; waited < ms && !stop.load(); waited += 20)
        QThread::msleep(20);
}

// One batch: reads every event of it and finishes it. Returns the number of
// events, or -1 when no new batch exists.
Result<qint64> consumeOnce(Kind kind, Connection &c)
{
    if (kind == Kind::Ferry) {
        BatchReader reader(c, kQueue, kConsumer);
        auto batch = reader.nextBatch();
        if (!batch)
            return batch.error();
        if (!batch->has_value())
            return qint64(-1);
        auto n = reader.readEvents(**batch, [](const Event &) { return true; });
        if (!n)
            return n.error();
        if (auto r = reader.finishBatch(**batch); !r)
            return r.error();
        return n.value();
    }
    auto batch = c.exec(QStringLiteral("SELECT pgq.next_batch($1, $2)"), {kQueue, kConsumer});
    if (!batch)
        return batch.error();
    if (batch->isNull(0, 0))
        return qint64(-1);
    const qint64 id = batch->toInt64(0, 0);
    // All columns to the client, as a Londiste consumer takes them.
    auto events = c.exec(QStringLiteral("SELECT * FROM pgq.get_batch_events($1)"), {id});
    if (!events)
        return events.error();
    if (auto r = c.exec(QStringLiteral("SELECT pgq.finish_batch($1)"), {id}); !r)
        return r.error();
    return qint64(events->rowCount());
}

// The ticker and the consumer of one queue for the length of one run. The
// destructor stops and joins both, whatever happened.
class Workers
{
public:
    Workers(Config &config, const PgCluster &cluster)
        : m_config(config)
    {
        const QString cs = cluster.connectionString(config.key);
        if (config.kind == Kind::Ferry) {
            // Ferry's own ticker with its default options, as the root worker runs it.
            auto parsed = must(ConnectionString::parse(cs), QStringLiteral("connection string"));
            m_ticker = std::thread([this, parsed] {
                Ticker ticker(parsed);
                ticker.run(m_stop);
            });
        } else {
            m_ticker = std::thread([this, cs] {
                auto c = Connection::open(cs);
                if (!c) {
                    m_errors.set(c.error().toString());
                    return;
                }
                // What pgqd does: ask every 200 ms; PgQ decides whether to tick.
                while (!m_stop.load()) {
                    if (auto r = c->exec(QStringLiteral("SELECT pgq.ticker()")); !r) {
                        m_errors.set(r.error().toString());
                        return;
                    }
                    sleepUnless(m_stop, 200);
                }
            });
        }
        m_consumer = std::thread([this] {
            while (!m_stop.load()) {
                auto n = consumeOnce(m_config.kind, *m_config.consumer);
                if (!n) {
                    m_errors.set(n.error().toString());
                    return;
                }
                if (*n < 0)
                    sleepUnless(m_stop, 100);
                else
                    m_consumed += *n;
            }
        });
    }
    ~Workers() { stop(); }
    Workers(const Workers &) = delete;
    Workers &operator=(const Workers &) = delete;

    // Joins both threads; returns the events consumed and the first error.
    qint64 stop()
    {
        m_stop = true;
        if (m_ticker.joinable())
            m_ticker.join();
        if (m_consumer.joinable())
            m_consumer.join();
        return m_consumed;
    }
    QString error() { return m_errors.take(); }

private:
    Config &m_config;
    std::atomic_bool m_stop{false};
    qint64 m_consumed = 0; // written by the consumer thread only, read after join
    ErrorBox m_errors;
    std::thread m_ticker;
    std::thread m_consumer;
};

// After the load: one last tick, then everything up to it is consumed.
qint64 drain(Config &config)
{
    Connection &c = *config.consumer;
    if (config.kind == Kind::Ferry) {
        must(c.exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {kQueue}),
             QStringLiteral("final tick"));
    } else {
        must(c.exec(QStringLiteral("SELECT pgq.force_tick($1)"), {kQueue}),
             QStringLiteral("force tick"));
        must(c.exec(QStringLiteral("SELECT pgq.ticker($1)"), {kQueue}),
             QStringLiteral("final tick"));
    }
    qint64 total = 0;
    for (;;) {
        const qint64 n = must(consumeOnce(config.kind, c), QStringLiteral("drain"));
        if (n < 0)
            return total;
        total += n;
    }
}

// Where the events of a configuration land.
QStringList eventTables(Config &config)
{
    switch (config.kind) {
    case Kind::Baseline:
        return {};
    case Kind::Naive:
        return {QStringLiteral("public.naive_log")};
    case Kind::PgQ:
        return {QStringLiteral("pgq.event_template")}; // the parent: counts every queue table
    case Kind::Ferry:
        break;
    }
    auto r = must(config.admin->exec(QStringLiteral(
                      "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON "
                      "n.oid = c.relnamespace WHERE n.nspname = 'ferry' AND c.relkind = 'r' "
                      "AND c.relname ~ '^event_[0-9]+_[0-9]+$' ORDER BY 1")),
                  QStringLiteral("list event tables"));
    QStringList tables;
    for (int i = 0; i < r.rowCount(); ++i)
        tables << r.text(i, 0);
    return tables;
}

qint64 countEvents(Config &config)
{
    qint64 total = 0;
    for (const QString &table : eventTables(config))
        total += must(config.admin->exec(QStringLiteral("SELECT count(*) FROM ") + table),
                      QStringLiteral("count events"))
                     .toInt64(0, 0);
    return total;
}

void execAll(Connection &c, const QStringList &statements, const QString &what)
{
    // One statement per call: VACUUM refuses to run inside a multi-statement string.
    for (const QString &sql : statements)
        must(c.exec(sql), what);
}

void setUp(Config &config, PgCluster &cluster, const QString &schemaSql)
{
    must(cluster.createDatabase(config.key), QStringLiteral("create database ") + config.key);
    const QString cs = cluster.connectionString(config.key);
    config.admin.emplace(must(Connection::open(cs), QStringLiteral("connect")));
    Connection &c = *config.admin;
    must(c.exec(schemaSql), QStringLiteral("load bench/workload/schema.sql"));
    const QStringList tables
        = {QStringLiteral("digoal_01.user_info"), QStringLiteral("digoal_01.user_session"),
           QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.user_logout_rec")};
    switch (config.kind) {
    case Kind::Baseline:
        break;
    case Kind::Ferry: {
        must(SchemaInstaller::install(c), QStringLiteral("install Ferry"));
        QueueAdmin admin(c);
        must(admin.createQueue(kQueue), QStringLiteral("ferry.create_queue"));
        for (const QString &t : tables)
            must(admin.captureTable(kQueue, t), QStringLiteral("ferry.capture_table ") + t);
        must(admin.registerConsumer(kQueue, kConsumer), QStringLiteral("register consumer"));
        if (!config.variantSql.isEmpty())
            must(c.exec(config.variantSql), QStringLiteral("variant SQL of ") + config.label);
        break;
    }
    case Kind::PgQ:
        execAll(c,
                {QStringLiteral("CREATE EXTENSION pgq"),
                 QStringLiteral("SELECT pgq.create_queue('replika')"),
                 QStringLiteral("SELECT pgq.register_consumer('replika', 'bench')")},
                QStringLiteral("set up PgQ"));
        for (const QString &t : tables)
            must(c.exec(QStringLiteral("CREATE TRIGGER _pgq_capture AFTER INSERT OR UPDATE OR "
                                       "DELETE ON %1 FOR EACH ROW EXECUTE FUNCTION "
                                       "pgq.logutriga('replika')")
                            .arg(t)),
                 QStringLiteral("create pgq trigger"));
        break;
    case Kind::Naive:
        execAll(c,
                {QStringLiteral("CREATE TABLE public.naive_log (ev_op text, ev_table text, "
                                "ev_data jsonb)"),
                 QStringLiteral("CREATE FUNCTION public.naive_capture() RETURNS trigger "
                                "LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.naive_log "
                                "VALUES (TG_OP, TG_TABLE_NAME, to_jsonb(NEW)); RETURN NULL; "
                                "END $$")},
                QStringLiteral("set up the naive trigger"));
        for (const QString &t : tables)
            must(c.exec(QStringLiteral("CREATE TRIGGER _naive_capture AFTER INSERT OR UPDATE OR "
                                       "DELETE ON %1 FOR EACH ROW EXECUTE FUNCTION "
                                       "public.naive_capture()")
                            .arg(t)),
                 QStringLiteral("create naive trigger"));
        break;
    }
    if ((config.kind == Kind::Ferry || config.kind == Kind::PgQ) && config.reads)
        config.consumer.emplace(must(Connection::open(cs), QStringLiteral("connect consumer")));
    must(c.exec(QStringLiteral("VACUUM ANALYZE")), QStringLiteral("vacuum analyze"));
}

// Same starting point for every run: empty log and event tables, a vacuumed
// session table, no checkpoint debt left by the previous run.
void reset(Config &config)
{
    Connection &c = *config.admin;
    // replica role: TRUNCATE must not itself be captured
    QStringList sql
        = {QStringLiteral("SET session_replication_role = replica"),
           QStringLiteral("TRUNCATE digoal_01.user_login_rec, digoal_01.user_logout_rec")};
    for (const QString &table : eventTables(config))
        sql << QStringLiteral("TRUNCATE ") + table;
    if (config.kind == Kind::Ferry)
        sql << QStringLiteral("SELECT ferry.maint_cleanup_ticks('replika')");
    sql << QStringLiteral("RESET session_replication_role")
        << QStringLiteral("VACUUM digoal_01.user_session") << QStringLiteral("CHECKPOINT");
    execAll(c, sql, QStringLiteral("reset before the run"));
}

double pgbenchTps(QProcess &p, const QString &script)
{
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        fail(QStringLiteral("pgbench %1 failed: %2 %3")
                 .arg(script, out, QString::fromUtf8(p.readAllStandardError())));
    static const QRegularExpression tps(QStringLiteral("tps = ([0-9.]+)"));
    const auto m = tps.match(out);
    if (!m.hasMatch())
        fail(QStringLiteral("no tps in the output of pgbench %1: %2").arg(script, out));
    return m.captured(1).toDouble();
}

struct Sample
{
    double tps = 0;
    double eventsPerSecond = 0;
};

Sample runOnce(Config &config, const PgCluster &cluster, int seconds)
{
    reset(config);
    std::optional<Workers> workers;
    if (config.consumer)
        workers.emplace(config, cluster);

    // The seed's load: both scripts at once, two clients each.
    const QString pgbench = PgCluster::binDirectory() + QStringLiteral("/pgbench");
    auto args = [&](const QString &script) {
        return QStringList{QStringLiteral("-h"),
                           QStringLiteral("127.0.0.1"),
                           QStringLiteral("-p"),
                           QString::number(cluster.port()),
                           QStringLiteral("-U"),
                           QStringLiteral("postgres"),
                           QStringLiteral("-M"),
                           QStringLiteral("prepared"),
                           QStringLiteral("-n"),
                           QStringLiteral("-f"),
                           kWorkload + QLatin1Char('/') + script,
                           QStringLiteral("-c"),
                           QStringLiteral("2"),
                           QStringLiteral("-j"),
                           QStringLiteral("2"),
                           QStringLiteral("-T"),
                           QString::number(seconds),
                           config.key};
    };
    // QProcess kills a still running pgbench when destroyed (on failure).
    QProcess login;
    QProcess logout;
    login.start(pgbench, args(QStringLiteral("login.sql")));
    logout.start(pgbench, args(QStringLiteral("logout.sql")));
    if (!login.waitForStarted(10000) || !logout.waitForStarted(10000))
        fail(QStringLiteral("cannot start %1").arg(pgbench));
    QElapsedTimer clock;
    clock.start();
    while (!(login.state() == QProcess::NotRunning && logout.state() == QProcess::NotRunning)) {
        checkInterrupted();
        if (clock.elapsed() > (seconds + 120) * 1000LL)
            fail(QStringLiteral("pgbench did not finish"));
        if (workers) {
            if (const QString e = workers->error(); !e.isEmpty())
                fail(QStringLiteral("%1 worker: %2").arg(config.label, e));
        }
        login.waitForFinished(100);
        logout.waitForFinished(100);
    }
    Sample s;
    s.tps = pgbenchTps(login, QStringLiteral("login.sql"))
            + pgbenchTps(logout, QStringLiteral("logout.sql"));

    if (workers) {
        const qint64 consumed = workers->stop();
        if (const QString e = workers->error(); !e.isEmpty())
            fail(QStringLiteral("%1 worker: %2").arg(config.label, e));
        workers.reset();
        const qint64 total = consumed + drain(config);
        const qint64 captured = countEvents(config);
        if (total != captured)
            config.warnings << QStringLiteral("consumer read %1 events, tables hold %2")
                                   .arg(total)
                                   .arg(captured);
        s.eventsPerSecond = double(captured) / seconds;
    } else if (config.kind != Kind::Baseline) {
        s.eventsPerSecond = double(countEvents(config)) / seconds;
    }
    return s;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void onSignal(int)
{
    g_interrupted = 1;
}

int benchmark(const QStringList &args)
{
    int seconds = 20;
    int repeats = 5;
    QStringList only;
    std::vector<std::unique_ptr<Config>> configs;
    auto add = [&](const QString &label, const QString &key, Kind kind, const QString &sql) {
        auto c = std::make_unique<Config>();
        c->label = label;
        c->key = key;
        c->kind = kind;
        c->variantSql = sql;
        configs.push_back(std::move(c));
    };
    add(QStringLiteral("no triggers (baseline)"), QStringLiteral("baseline"), Kind::Baseline, {});
    add(QStringLiteral("Ferry capture triggers (PL/pgSQL, `to_json`)"), QStringLiteral("ferry"),
        Kind::Ferry, {});
    add(QStringLiteral("Ferry capture only (no ticker, no consumer)"),
        QStringLiteral("ferry_capture"), Kind::Ferry, {});
    configs.back()->reads = false;
    add(QStringLiteral("PgQ `pgq.logutriga` (C)"), QStringLiteral("pgq"), Kind::PgQ, {});
    add(QStringLiteral("naive PL/pgSQL trigger, `to_jsonb(NEW)` into one unindexed table"),
        QStringLiteral("naive"), Kind::Naive, {});

    int positional = 0;
    QStringList variants;
    QStringList options; // for the reproduce line
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--only") && i + 1 < args.size()) {
            only = args.at(++i).split(QLatin1Char(','));
            options << a << only.join(QLatin1Char(','));
        } else if (a == QLatin1String("--variant") && i + 1 < args.size()) {
            const QString spec = args.at(++i);
            options << a << QLatin1Char('"') + spec + QLatin1Char('"');
            const qsizetype eq = spec.indexOf(QLatin1Char('='));
            if (eq <= 0)
                fail(QStringLiteral("--variant wants LABEL=FILE"));
            add(QStringLiteral("Ferry variant: ") + spec.left(eq),
                QStringLiteral("variant%1").arg(configs.size()), Kind::Ferry,
                readFile(spec.mid(eq + 1)));
            variants << configs.back()->key;
        } else if (positional == 0 && a.toInt() > 0) {
            seconds = a.toInt();
            ++positional;
        } else if (positional == 1 && a.toInt() > 0) {
            repeats = a.toInt();
            ++positional;
        } else {
            fail(QStringLiteral("usage: bench_capture [SECONDS] [REPEATS] [--only LABEL,...] "
                                "[--variant LABEL=FILE]..."));
        }
    }
    // baseline always runs: every other row is relative to it
    if (!only.isEmpty()) {
        only << QStringLiteral("baseline") << variants;
        configs.erase(std::remove_if(configs.begin(), configs.end(),
                                     [&](const auto &c) { return !only.contains(c->key); }),
                      configs.end());
    }

    // Durable commits, as in production; later settings in postgresql.conf win.
    PgCluster cluster({QStringLiteral("fsync = on"), QStringLiteral("synchronous_commit = on"),
                       QStringLiteral("full_page_writes = on"),
                       QStringLiteral("shared_buffers = 128MB")});
    must(cluster.start(), QStringLiteral("start cluster"));
    auto probe = must(Connection::open(cluster.connectionString()), QStringLiteral("connect"));
    const int major = probe.serverVersion() / 10000;
    const QString version
        = must(probe.exec(QStringLiteral("SHOW server_version")), QStringLiteral("version"))
              .text(0, 0);

    QString pgqNote;
    const QString pgqControl
        = QStringLiteral("/usr/share/postgresql/%1/extension/pgq.control").arg(major);
    if (!QFileInfo::exists(pgqControl)) {
        pgqNote = QStringLiteral("PgQ row skipped: %1 not found (apt-get install "
                                 "postgresql-%2-pgq3, or ./run bench)")
                      .arg(pgqControl)
                      .arg(major);
        configs.erase(std::remove_if(configs.begin(), configs.end(),
                                     [](const auto &c) { return c->kind == Kind::PgQ; }),
                      configs.end());
    }

    const QString schemaSql = readFile(kWorkload + QStringLiteral("/schema.sql"));
    for (auto &c : configs) {
        checkInterrupted();
        std::fprintf(stderr, "bench_capture: setting up %s\n", qPrintable(c->key));
        setUp(*c, cluster, schemaSql);
    }

    const int warmup = std::min(seconds, 5);
    const size_t n = configs.size();
    for (int round = -1; round < repeats; ++round) {
        // Rotate the order each round so no configuration always follows another.
        for (size_t k = 0; k < n; ++k) {
            Config &c = *configs[(k + size_t(std::max(round, 0))) % n];
            checkInterrupted();
            const Sample s = runOnce(c, cluster, round < 0 ? warmup : seconds);
            std::fprintf(stderr, "bench_capture: %s %s: %.0f TPS, %.0f events/s\n",
                         round < 0 ? "warm-up"
                                   : qPrintable(QStringLiteral("run %1").arg(round + 1)),
                         qPrintable(c.key), s.tps, s.eventsPerSecond);
            if (round >= 0) {
                c.tps.push_back(s.tps);
                c.eventsPerSecond.push_back(s.eventsPerSecond);
            }
        }
    }

    QTextStream out(stdout);
    const double base = median(configs.front()->tps);
    out << "PostgreSQL " << version << ", fsync = on, synchronous_commit = on, "
        << "full_page_writes = on, shared_buffers = 128MB; pgbench over TCP loopback, "
        << "`-M prepared -c 2 -j 2 -T " << seconds << "` for login.sql and logout.sql at once; "
        << "median of " << repeats << " runs, configurations interleaved\n\n";
    out << "| configuration | median TPS | vs. no triggers | same-round ratio | min–max TPS "
           "| events/s captured |\n"
        << "|---|---:|---:|---:|---:|---:|\n";
    for (const auto &c : configs) {
        const double m = median(c->tps);
        const auto [lo, hi] = std::minmax_element(c->tps.begin(), c->tps.end());
        // Each run against the baseline run of its own round: steadier when
        // the machine's load drifts between rounds.
        std::vector<double> ratios;
        for (size_t r = 0; r < c->tps.size(); ++r)
            ratios.push_back(c->tps[r] / configs.front()->tps[r]);
        out << "| " << c->label << " | " << QString::number(m, 'f', 0) << " | "
            << QString::number(m / base, 'f', 2) << " | " << QString::number(median(ratios), 'f', 2)
            << " | " << QString::number(*lo, 'f', 0) << "–" << QString::number(*hi, 'f', 0) << " | "
            << (c->kind == Kind::Baseline ? QStringLiteral("–")
                                          : QString::number(median(c->eventsPerSecond), 'f', 0))
            << " |\n";
    }
    out << "\nSame-round ratio: the median over the rounds of a run's TPS divided by the "
           "baseline's TPS in the same round.\n\nEvery run (TPS, in run order):\n\n";
    for (const auto &c : configs) {
        QStringList runs;
        for (double t : c->tps)
            runs << QString::number(t, 'f', 0);
        out << "- " << c->key << ": " << runs.join(QStringLiteral(", ")) << "\n";
    }
    for (const auto &c : configs)
        for (const QString &w : c->warnings)
            out << "\nWarning, " << c->key << ": " << w << "\n";
    if (!pgqNote.isEmpty())
        out << "\n" << pgqNote << "\n";
    out << "\nReproduce: `./run bench capture " << seconds << " " << repeats
        << (options.isEmpty() ? QString() : QLatin1Char(' ') + options.join(QLatin1Char(' ')))
        << "`\n";
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    try {
        return benchmark(app.arguments());
    } catch (const Failure &f) {
        std::fprintf(stderr, "bench_capture: %s\n", qPrintable(f.what));
        return 1;
    }
}
