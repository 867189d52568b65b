// Streaming COPY between two clusters: Ferry's copyBetween() (text and
// binary) against the reference every DBA uses, `psql -c "COPY ... TO
// STDOUT" | psql -c "COPY ... FROM STDIN"`, on the same table in the same run.
// Reports rows/s and the peak RSS of the copying client(s).
//
// Usage: bench_copy [ROWS] [REPEATS]   (defaults 2000000 and 3)
#include "db/connection.h"
#include "db/copystream.h"
#include "pgcluster.h"
#include "processmemory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTextStream>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

struct Sample
{
    double seconds = 0;
    qint64 peakRssKb = 0; // peak resident set of the copying process
    qint64 growthKb = -1; // of that, what the copy added (Ferry only: in-process)
};

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_copy: %s\n", qPrintable(what));
    std::exit(1);
}

template<typename T>
T must(Result<T> r, const char *what)
{
    if (!r)
        die(QStringLiteral("%1: %2").arg(QLatin1String(what), r.error().toString()));
    return std::move(r).value();
}

void must(Result<void> r, const char *what)
{
    if (!r)
        die(QStringLiteral("%1: %2").arg(QLatin1String(what), r.error().toString()));
}

Sample median(std::vector<Sample> samples)
{
    std::sort(samples.begin(), samples.end(),
              [](const Sample &a, const Sample &b) { return a.seconds < b.seconds; });
    Sample m = samples[samples.size() / 2];
    for (const Sample &s : samples) {
        m.peakRssKb = std::max(m.peakRssKb, s.peakRssKb);
        m.growthKb = std::max(m.growthKb, s.growthKb);
    }
    return m;
}

Sample ferryCopy(Connection &src, Connection &dst, bool binary, qint64 rows)
{
    const QString format = binary ? QStringLiteral(" (FORMAT binary)") : QString();
    must(dst.exec(QStringLiteral("TRUNCATE bench")), "truncate");
    const qint64 before = test::currentRssKb();
    test::resetPeakRss();
    QElapsedTimer clock;
    clock.start();
    const CopyStats stats = must(copyBetween(src, QStringLiteral("COPY bench TO STDOUT") + format,
                                             dst, QStringLiteral("COPY bench FROM STDIN") + format),
                                 "copy");
    const qint64 peak = test::peakRssKb();
    Sample s{clock.nsecsElapsed() / 1e9, peak, peak - before};
    if (stats.rows != rows)
        die(QStringLiteral("copied %1 rows, expected %2").arg(stats.rows).arg(rows));
    return s;
}

Sample psqlPipe(Connection &dst, const PgCluster &root, const PgCluster &leaf, qint64 rows)
{
    must(dst.exec(QStringLiteral("TRUNCATE bench")), "truncate");
    const QString script
        = QStringLiteral(
              "set -o pipefail; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p %1 -U postgres "
              "-c 'COPY bench TO STDOUT' bench | psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "
              "-p %2 -U postgres -c 'COPY bench FROM STDIN' bench")
              .arg(root.port())
              .arg(leaf.port());
    QElapsedTimer clock;
    clock.start();
    QProcess p;
    p.start(QStringLiteral("bash"), {QStringLiteral("-c"), script});
    if (!p.waitForFinished(600000) || p.exitCode() != 0)
        die(QStringLiteral("psql pipe failed: %1")
                .arg(QString::fromUtf8(p.readAllStandardError())));
    Sample s{clock.nsecsElapsed() / 1e9, 0, -1};
    // ru_maxrss of waited-for descendants: the larger of the two psql processes.
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    s.peakRssKb = usage.ru_maxrss;
    auto count = must(dst.exec(QStringLiteral("SELECT count(*) FROM bench")), "count");
    if (count.toInt64(0, 0) != rows)
        die(QStringLiteral("psql pipe copied %1 rows").arg(count.toInt64(0, 0)));
    return s;
}

} // namespace

// Runs a shell command and prints the peak RSS (kB) of its largest process.
int measureChild(const char *command)
{
    const pid_t pid = fork();
    if (pid == 0) {
        execlp("bash", "bash", "-c", command, static_cast<char *>(nullptr));
        _exit(127);
    }
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    std::printf("%ld\n", usage.ru_maxrss);
    return status == 0 ? 0 : 1;
}

int main(int argc, char *argv[])
{
    if (argc == 3 && qstrcmp(argv[1], "--measure") == 0)
        return measureChild(argv[2]);
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 rows = args.size() > 1 ? args.at(1).toLongLong() : 2000000;
    const int repeats = args.size() > 2 ? args.at(2).toInt() : 3;
    if (rows <= 0 || repeats <= 0)
        die(QStringLiteral("usage: bench_copy [ROWS] [REPEATS]"));

    PgCluster root;
    PgCluster leaf;
    must(root.start(), "start root cluster");
    must(leaf.start(), "start leaf cluster");
    must(root.createDatabase(QStringLiteral("bench")), "createdb");
    must(leaf.createDatabase(QStringLiteral("bench")), "createdb");
    Connection src
        = must(Connection::open(root.connectionString(QStringLiteral("bench"))), "connect");
    Connection dst
        = must(Connection::open(leaf.connectionString(QStringLiteral("bench"))), "connect");

    // Shaped like the seed's user_login_rec plus a text column.
    const QString table = QStringLiteral(
        "CREATE TABLE bench (id bigint PRIMARY KEY, userid int, login_time timestamp, ip inet, "
        "note text)");
    must(src.exec(table), "create");
    must(dst.exec(QStringLiteral("CREATE UNLOGGED TABLE bench (id bigint, userid int, "
                                 "login_time timestamp, ip inet, note text)")),
         "create");
    must(src.exec(QStringLiteral("INSERT INTO bench SELECT i, (i * 7919) % 200000, "
                                 "timestamp '2012-05-31' + i * interval '1 ms', '127.0.0.1', "
                                 "md5(i::text) FROM generate_series(1::bigint, $1::bigint) i"),
                  {rows}),
         "fill");
    auto size
        = must(src.exec(QStringLiteral("SELECT pg_size_pretty(pg_table_size('bench'))")), "size");

    std::vector<Sample> text, binary, pipe;
    for (int i = 0; i < repeats; ++i) {
        text.push_back(ferryCopy(src, dst, false, rows));
        binary.push_back(ferryCopy(src, dst, true, rows));
        pipe.push_back(psqlPipe(dst, root, leaf, rows));
    }

    QTextStream out(stdout);
    out << "Rows: " << rows << " (" << size.text(0, 0) << " on disk), median of " << repeats
        << " runs, interleaved\n\n";
    out << "| method | seconds | rows/s | peak RSS | RSS added by the copy |\n"
        << "|---|---:|---:|---:|---:|\n";
    auto line = [&](const char *name, const Sample &s) {
        out << "| " << name << " | " << QString::number(s.seconds, 'f', 2) << " | "
            << qint64(rows / s.seconds) << " | " << QString::number(s.peakRssKb / 1024.0, 'f', 1)
            << " MB | "
            << (s.growthKb >= 0 ? QStringLiteral("%1 kB").arg(s.growthKb) : QStringLiteral("n/a"))
            << " |\n";
    };
    line("Ferry `copyBetween`, text", median(text));
    line("Ferry `copyBetween`, binary", median(binary));
    line("reference: `psql -c 'COPY ... TO STDOUT' \\| psql -c 'COPY ... FROM STDIN'` "
         "(larger psql)",
         median(pipe));
    return 0;
}
