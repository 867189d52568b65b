// parallel_copies (seed S2): a leaf copies several tables at once, each on
// sessions of its own, while its worker goes on applying batches for the
// tables already in sync; the events of a table whose copy runs are kept
// (ferry.held_event) and applied once the copy committed; a failing copy
// holds up no other; `ferry -r` picks up a changed parallel_copies.
//
// The copies are held mid-way, deterministically: a trigger on each leaf
// table waits for an advisory lock the test holds, so a copy stops at its
// first row, after it took its snapshot. The sessions waiting for that lock
// are the copies running at that moment.
#include "cascadefixture.h"
#include "ferryprocess.h"
#include "testutil.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

using namespace ferry;
using namespace ferry::test;

namespace {

const QStringList kCopied = {QStringLiteral("public.p1"), QStringLiteral("public.p2"),
                             QStringLiteral("public.p3"), QStringLiteral("public.p4")};

// How many of the leaf's sessions wait for the test's advisory lock: the
// copies stopped at their first row.
const QString kCopiesWaiting = QStringLiteral(
    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE "
    "l.locktype = 'advisory' AND NOT l.granted AND d.datname = 'leaf'");

QString tableDdl(const QString &name, const QString &extra = QString())
{
    return QStringLiteral("CREATE TABLE public.%1 (id int PRIMARY KEY, v int NOT NULL, n bigint "
                          "NOT NULL DEFAULT 0%2)")
        .arg(name, extra);
}

// On the leaf: the table's copy (and any apply) waits at its first row
// while the test holds advisory lock 4242.
QString holdTrigger(const QString &name)
{
    return QStringLiteral("CREATE TRIGGER hold BEFORE INSERT ON public.%1 FOR EACH ROW EXECUTE "
                          "FUNCTION public.hold_copy(); ALTER TABLE public.%1 ENABLE ALWAYS "
                          "TRIGGER hold")
        .arg(name);
}

} // namespace

class TestParallelCopy : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void copiesRunBesideBatchesAndReloadTakesTheNewCount();
    void failedCopyHoldsUpNoOther();
    void heldEventsTheCopySawAreDropped();
    void scriptWaitsForTheCopy();
    void cleanupTestCase();

private:
    Result<qint64> count(const QString &db, const QString &sql);
    // Polls `sql` for `ms` and fails when it ever answers more than `most`.
    Result<void> staysAtMost(const QString &sql, qint64 most, int ms);
    Result<void> setParallelCopies(int copies);

    std::unique_ptr<CascadeFixture> m_f;
    std::optional<Connection> m_holder; // holds the advisory lock on the leaf
};

Result<qint64> TestParallelCopy::count(const QString &db, const QString &sql)
{
    auto v = m_f->value(db, sql);
    if (!v)
        return v.error();
    return v->toLongLong();
}

Result<void> TestParallelCopy::staysAtMost(const QString &sql, qint64 most, int ms)
{
    const qint64 end = QDateTime::currentMSecsSinceEpoch() + ms;
    while (QDateTime::currentMSecsSinceEpoch() < end) {
        auto n = count(m_f->leafAdminDb(), sql);
        if (!n)
            return n.error();
        if (*n > most)
            return Error(ErrorKind::Internal,
                         QStringLiteral("%1 answered %2, more than %3").arg(sql).arg(*n).arg(most));
        QThread::msleep(50);
    }
    return {};
}

Result<void> TestParallelCopy::setParallelCopies(int copies)
{
    const QString ini = m_f->leafIni();
    QString text = readText(ini);
    static const QRegularExpression line(QStringLiteral("\nparallel_copies = \\d+\n"));
    text.remove(line);
    if (!text.contains(QStringLiteral("lock_timeout")))
        text += QStringLiteral("\nlock_timeout = 120");
    if (!writeText(ini, text + QStringLiteral("\nparallel_copies = %1\n").arg(copies)))
        return Error(ErrorKind::Io, QStringLiteral("cannot write %1").arg(ini));
    return {};
}

void TestParallelCopy::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QStringList rootDdl;
    QStringList leafDdl = {QStringLiteral(
        "CREATE FUNCTION public.hold_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM "
        "pg_catalog.pg_advisory_xact_lock_shared(4242); RETURN NEW; END $$")};
    for (const QString &name :
         {QStringLiteral("okt"), QStringLiteral("p1"), QStringLiteral("p2"), QStringLiteral("p3"),
          QStringLiteral("p4"), QStringLiteral("p5"), QStringLiteral("p6"), QStringLiteral("p7"),
          QStringLiteral("bad")}) {
        rootDdl.append(tableDdl(name));
        rootDdl.append(
            QStringLiteral("INSERT INTO public.%1 SELECT g, g, 0 FROM generate_series(1, 200) g")
                .arg(name));
        // The leaf's `bad` refuses the root's rows (v up to 200): its copy fails.
        leafDdl.append(tableDdl(name, name == QLatin1String("bad")
                                          ? QStringLiteral(", CONSTRAINT small CHECK (v < 100)")
                                          : QString()));
        if (name != QLatin1String("okt") && name != QLatin1String("bad")
            && name != QLatin1String("p6"))
            leafDdl.append(holdTrigger(name));
    }
    QVERIFY_RESULT(f.run(f.rootDb(), rootDdl));
    QVERIFY_RESULT(f.run(f.leafAdminDb(), leafDdl));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(setParallelCopies(1));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("--all")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.okt")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitSynced());
    auto holder = f.sql(f.leafAdminDb());
    QVERIFY_RESULT(holder);
    m_holder.emplace(std::move(*holder));
}

void TestParallelCopy::copiesRunBesideBatchesAndReloadTakesTheNewCount()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_lock(4242)")));
    QVERIFY_RESULT(f.ferryOk(QStringList{f.leafIni(), QStringLiteral("add-table")} + kCopied));

    // parallel_copies = 1: one copy at a time...
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT (%1) = 1").arg(kCopiesWaiting)));
    QVERIFY_RESULT(staysAtMost(kCopiesWaiting, 1, 1500));
    // ...and while it runs, the batches of the table in sync go on.
    QVERIFY_RESULT(
        f.run(f.rootDb(), {QStringLiteral("INSERT INTO public.okt VALUES (1001, 1, 0)")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.okt WHERE id = "
                                            "1001)")));

    // `ferry -r` with parallel_copies = 4: the running copy is canceled, the
    // new worker runs all four at once.
    QVERIFY_RESULT(setParallelCopies(4));
    QVERIFY_RESULT(f.ferryOk({QStringLiteral("-r"), f.leafIni(), QStringLiteral("worker")}));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT (%1) = 4").arg(kCopiesWaiting)));
    const QString log = f.logOf(f.leafIni());
    QVERIFY2(log.contains(QStringLiteral("copies up to 4 tables at once")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("canceled the copies of public.p1")), qPrintable(log));

    // Changes of every kind to the tables in their copy and to the one in
    // sync, after the copies took their snapshots: okt's arrive while the
    // four copies still run; the others' are kept for after their copies.
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("INSERT INTO public.okt VALUES (1002, 2, 0)"),
         QStringLiteral("INSERT INTO public.p1 SELECT g, g, 0 FROM generate_series(201, 300) g"),
         QStringLiteral("UPDATE public.p2 SET n = n + 1, v = v + 1000 WHERE id <= 50"),
         QStringLiteral("UPDATE public.p2 SET n = n + 1 WHERE id <= 10"),
         QStringLiteral("DELETE FROM public.p3 WHERE id BETWEEN 20 AND 40"),
         QStringLiteral("UPDATE public.p3 SET id = id + 5000 WHERE id BETWEEN 100 AND 110"),
         // (A TRUNCATE would wait for p4's copy: it holds the root's table.)
         QStringLiteral("DELETE FROM public.p4"),
         QStringLiteral("INSERT INTO public.p4 SELECT g, g, 7 FROM generate_series(1, 20) g")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.okt WHERE id = "
                                            "1002)")));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT count(DISTINCT source_table_id) = 4 FROM "
                                                  "ferry.held_event")));
    auto waiting = count(f.leafAdminDb(), kCopiesWaiting);
    QVERIFY_RESULT(waiting);
    QCOMPARE(*waiting, 4); // still running: okt's row came beside them

    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_unlock(4242)")));
    QVERIFY_RESULT(f.waitSynced());
    for (const QString &t : kCopied + QStringList{QStringLiteral("public.okt")}) {
        auto diff = f.compare(t);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
    auto held = count(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM ferry.held_event"));
    QVERIFY_RESULT(held);
    QCOMPARE(*held, 0);
}

void TestParallelCopy::failedCopyHoldsUpNoOther()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_lock(4242)")));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                              QStringLiteral("public.bad"), QStringLiteral("public.p5")}));
    // bad's copy fails (the leaf's CHECK refuses its rows) while p5's runs.
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT last_error LIKE '%small%' FROM "
                                                  "ferry.node_table WHERE dest_name = 'bad'")));
    auto waiting = count(f.leafAdminDb(), kCopiesWaiting);
    QVERIFY_RESULT(waiting);
    QCOMPARE(*waiting, 1);
    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_unlock(4242)")));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT merge_state = 'ok' FROM ferry.node_table "
                                                  "WHERE dest_name = 'p5'")));
    // bad's copy failed again since (its retries), no rows of it stayed.
    auto bad = f.value(f.leafAdminDb(),
                       QStringLiteral("SELECT merge_state || ' ' || (SELECT count(*) FROM "
                                      "public.bad) FROM ferry.node_table WHERE dest_name = 'bad'"));
    QVERIFY_RESULT(bad);
    QCOMPARE(*bad, QStringLiteral("in-copy 0"));
    const QString log = f.logOf(f.leafIni());
    QVERIFY2(log.contains(QStringLiteral("copy of public.bad failed")), qPrintable(log));

    // Fixed on the leaf: the next retry copies it, by itself.
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE public.bad DROP CONSTRAINT small")}));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 60000));
    for (const QString &t : {QStringLiteral("public.bad"), QStringLiteral("public.p5")}) {
        auto diff = f.compare(t);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
}

void TestParallelCopy::heldEventsTheCopySawAreDropped()
{
    // A batch held p6's change c1 while p6's copy had locked its row but had
    // not taken its snapshot yet (its TRUNCATE waits for the test's lock);
    // c2 commits then too. The snapshot sees both: neither may be applied
    // again after the copy. Were c1 applied, the row would go back to it
    // (c2, in the batch after the copy, is rightly skipped).
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.stopWorker(f.rootIni())); // ticks only when the test says
    auto blocker = f.sql(f.leafAdminDb());
    QVERIFY_RESULT(blocker);
    QVERIFY_RESULT(blocker->exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(blocker->exec(QStringLiteral("LOCK TABLE public.p6 IN ACCESS SHARE MODE")));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.p6")}));
    QVERIFY_RESULT(f.waitFor(
        f.leafAdminDb(), QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = "
                                        "'public.p6'::regclass AND NOT granted)")));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE public.p6 SET v = -1 WHERE id = 1"),
                                      QStringLiteral("SELECT ferry.ticker('q', true)")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM ferry.held_event)")));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE public.p6 SET v = -2 WHERE id = 1")}));
    QVERIFY_RESULT(blocker->exec(QStringLiteral("ROLLBACK")));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("public.p6"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    auto v = f.value(f.leafAdminDb(), QStringLiteral("SELECT v FROM public.p6 WHERE id = 1"));
    QVERIFY_RESULT(v);
    QCOMPARE(*v, QStringLiteral("-2"));
}

// A script (execute) about a table whose copy runs: the copy reads the
// root's table under a lock that blocks rewrites (R2), so the script's
// ALTER waits on the root, at most lock_timeout (10 s), and is refused
// there with nothing run nor queued; once the copy ended it runs, and the
// change held for the table during the copy reaches the node before the
// rename.
void TestParallelCopy::scriptWaitsForTheCopy()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_lock(4242)")));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.p7")}));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(), QStringLiteral("SELECT (%1) = 1").arg(kCopiesWaiting)));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE public.p7 SET n = 77 WHERE id = 1"),
                                      QStringLiteral("SELECT ferry.ticker('q', true)")}));
    const QString file = f.folder() + QStringLiteral("/rename.sql");
    QVERIFY(writeText(file, QStringLiteral("ALTER TABLE public.p7 RENAME COLUMN n TO n2;\n")));
    const FerryRun busy = f.ferry({f.rootIni(), QStringLiteral("execute"), file});
    QCOMPARE(busy.exitCode, 1);
    QVERIFY2(busy.err.contains(QStringLiteral("nothing was run nor queued"))
                 && busy.err.contains(QStringLiteral("busy on the root")),
             qPrintable(busy.err));
    QVERIFY_RESULT(m_holder->exec(QStringLiteral("SELECT pg_advisory_unlock(4242)")));
    QVERIFY_RESULT(f.waitSynced());
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE public.p7 SET n2 = 88 WHERE id = 2"),
                                      QStringLiteral("SELECT ferry.ticker('q', true)")}));
    QVERIFY_RESULT(f.waitSynced());
    auto rows = f.value(f.leafAdminDb(), QStringLiteral("SELECT string_agg(id || '=' || n2, ',' "
                                                        "ORDER BY id) FROM public.p7 WHERE id "
                                                        "IN (1, 2)"));
    QVERIFY_RESULT(rows);
    QCOMPARE(*rows, QStringLiteral("1=77,2=88"));
    auto diff = f.compare(QStringLiteral("public.p7"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestParallelCopy::cleanupTestCase()
{
    m_holder.reset();
    qInfo().noquote() << m_f->logOf(m_f->leafIni());
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestParallelCopy)
#include "tst_parallel_copy.moc"
