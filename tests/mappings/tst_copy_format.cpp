// How the initial copy loads a table: in COPY's binary format where both
// servers have the same built-in types (text where they do not), and, for a
// large table, without its secondary indexes, which are built once after
// the load and put back exactly as they were (name, definition, comment,
// CLUSTER and REPLICA IDENTITY marks, statistics targets), and without the
// leaf's write guard trigger, made again after the load; also when the
// copy fails midway: the copy's transaction rolls the drops back.
#include "cascadefixture.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

using namespace ferry;
using namespace ferry::test;

class TestCopyFormat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void indexesComeBackExactly();
    void textWhereTypesDiffer();
    void tablesShowTheCopy();
    void cleanupTestCase();

private:
    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

// Everything about the node table's indexes that must survive the copy.
const QString kIndexes = QStringLiteral(
    "SELECT string_agg(d, E'\\n' ORDER BY d) FROM (SELECT pg_catalog.format('%s | %s | "
    "clustered=%s | replident=%s | stats=%s', pg_get_indexdef(i.indexrelid), "
    "obj_description(i.indexrelid, 'pg_class'), i.indisclustered, i.indisreplident, (SELECT "
    "string_agg(coalesce(attstattarget::int, -1)::text, ',' ORDER BY attnum) FROM pg_attribute "
    "WHERE attrelid = i.indexrelid)) AS d FROM pg_index i WHERE i.indrelid = "
    "'digoal_01.big'::regclass) s");

// The leaf's write guard on the table (dropped for a large load, made again
// before the copy commits).
const QString kGuard = QStringLiteral(
    "SELECT string_agg(pg_get_triggerdef(oid) || ' ' || tgenabled::text, E'\\n' ORDER BY tgname) FROM "
    "pg_trigger WHERE tgrelid = 'digoal_01.big'::regclass");

} // namespace

void TestCopyFormat::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    const QString big = QStringLiteral("CREATE TABLE digoal_01.big (id int PRIMARY KEY, a int, b "
                                       "text NOT NULL, c timestamptz, tags int[], pad text)");
    const QString mixed = QStringLiteral("CREATE TABLE digoal_01.mixed (id int PRIMARY KEY, v %1)");
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"), big, mixed.arg(QStringLiteral("int")),
         // Some 12 MB: large enough to be loaded without its indexes.
         QStringLiteral("INSERT INTO digoal_01.big SELECT g, g % 100, 'b' || g, '2026-01-01'::"
                        "timestamptz + g * interval '1 s', ARRAY[g, -g], repeat('x', 40) FROM "
                        "generate_series(1, 150000) g"),
         QStringLiteral("INSERT INTO digoal_01.mixed SELECT g, g * 3 FROM generate_series(1, "
                        "1000) g")}));
    QVERIFY_RESULT(f.run(
        f.leafAdminDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"), big,
         // int on the root, bigint here: the binary forms differ.
         mixed.arg(QStringLiteral("bigint")),
         QStringLiteral("CREATE INDEX big_a ON digoal_01.big (a)"),
         QStringLiteral("COMMENT ON INDEX digoal_01.big_a IS 'for the reports'"),
         QStringLiteral("CREATE INDEX big_bc ON digoal_01.big (b, c DESC) WITH (fillfactor = 70)"),
         QStringLiteral("CLUSTER digoal_01.big USING big_bc"),
         QStringLiteral("CREATE UNIQUE INDEX big_b ON digoal_01.big (b)"),
         QStringLiteral("ALTER TABLE digoal_01.big REPLICA IDENTITY USING INDEX big_b"),
         QStringLiteral("CREATE INDEX big_lower ON digoal_01.big (lower(b)) WHERE a > 5"),
         QStringLiteral("ALTER INDEX digoal_01.big_lower ALTER COLUMN 1 SET STATISTICS 500"),
         QStringLiteral("ALTER TABLE digoal_01.big ADD CONSTRAINT big_c UNIQUE (c)"),
         // Fails the first copy near its end, after the indexes were dropped.
         QStringLiteral("ALTER TABLE digoal_01.big ADD CONSTRAINT not_yet CHECK (id <> 140000)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.big"), QStringLiteral("digoal_01.mixed")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
}

void TestCopyFormat::indexesComeBackExactly()
{
    CascadeFixture &f = *m_f;
    auto before = f.value(f.leafAdminDb(), kIndexes);
    QVERIFY_RESULT(before);
    QVERIFY2(before->count(QLatin1Char('\n')) == 5, qPrintable(*before));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.big")}));
    auto guard = f.value(f.leafAdminDb(), kGuard);
    QVERIFY_RESULT(guard);
    QVERIFY2(guard->contains(QStringLiteral("_ferry_deny BEFORE INSERT OR DELETE OR UPDATE")),
             qPrintable(*guard));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    // The copy fails at row 140,000: shown as the table's error.
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM ferry.node_table WHERE "
                                            "last_error LIKE '%not_yet%')")));
    auto afterFailure = f.value(f.leafAdminDb(), kIndexes);
    QVERIFY_RESULT(afterFailure);
    QCOMPARE(*afterFailure, *before);
    auto guardAfterFailure = f.value(f.leafAdminDb(), kGuard);
    QVERIFY_RESULT(guardAfterFailure);
    QCOMPARE(*guardAfterFailure, *guard);
    auto rows = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM digoal_01.big"));
    QVERIFY_RESULT(rows);
    QCOMPARE(*rows, QStringLiteral("0"));

    QVERIFY_RESULT(f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE digoal_01.big DROP "
                                                          "CONSTRAINT not_yet")}));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 60000));
    auto diff = f.compare(QStringLiteral("digoal_01.big"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    auto after = f.value(f.leafAdminDb(), kIndexes);
    QVERIFY_RESULT(after);
    QCOMPARE(*after, *before);
    auto guardAfter = f.value(f.leafAdminDb(), kGuard);
    QVERIFY_RESULT(guardAfter);
    QCOMPARE(*guardAfter, *guard);
    // And it still guards: a write outside Ferry's apply is refused.
    auto write = f.value(f.leafAdminDb(), QStringLiteral("UPDATE digoal_01.big SET a = 0 WHERE "
                                                         "id = 1 RETURNING 1"));
    QVERIFY(!write);
    // The unique constraint's index stayed; the four others were built after
    // the load, and the rows came in binary.
    const QString log = f.logOf(f.leafIni());
    QVERIFY2(log.contains(QStringLiteral("copied digoal_01.big: 150000 rows in binary format, 4 "
                                         "index(es) built after the load")),
             qPrintable(log));
}

void TestCopyFormat::textWhereTypesDiffer()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.mixed")}));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.mixed"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    const QString log = f.logOf(f.leafIni());
    QVERIFY2(log.contains(QStringLiteral("copied digoal_01.mixed: 1000 rows, catching up")),
             qPrintable(log));

    // A reg* type is an oid of its server in binary: copied as text, so the
    // node's value names the node's own table.
    const QString refs = QStringLiteral("CREATE TABLE digoal_01.refs (id int PRIMARY KEY, r "
                                        "regclass)");
    QVERIFY_RESULT(f.run(f.rootDb(), {refs, QStringLiteral("INSERT INTO digoal_01.refs VALUES "
                                                           "(1, 'digoal_01.big')")}));
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {refs}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.refs")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.refs")}));
    QVERIFY_RESULT(f.waitSynced());
    QVERIFY2(
        f.logOf(f.leafIni()).contains(QStringLiteral("copied digoal_01.refs: 1 rows, catching up")),
        qPrintable(f.logOf(f.leafIni())));
    auto named = f.value(f.leafAdminDb(), QStringLiteral("SELECT r::text FROM digoal_01.refs"));
    QVERIFY_RESULT(named);
    QCOMPARE(*named, QStringLiteral("digoal_01.big"));
}

// `tables` while a copy runs: its rows so far of the provider's estimate,
// and a table that waits for its turn as `waiting`.
void TestCopyFormat::tablesShowTheCopy()
{
    CascadeFixture &f = *m_f;
    const QString table
        = QStringLiteral("CREATE TABLE digoal_01.%1 (id int PRIMARY KEY, pad text)");
    QVERIFY_RESULT(
        f.run(f.rootDb(), {table.arg(QStringLiteral("slow")), table.arg(QStringLiteral("slow2")),
                           QStringLiteral("INSERT INTO digoal_01.slow SELECT g, 'p' FROM "
                                          "generate_series(1, 20000) g"),
                           QStringLiteral("ANALYZE digoal_01.slow")}));
    // The copy pauses at row 15,000 for a few seconds (a trigger that fires
    // in replica mode too), long enough to be seen.
    QVERIFY_RESULT(f.run(
        f.leafAdminDb(),
        {table.arg(QStringLiteral("slow")), table.arg(QStringLiteral("slow2")),
         QStringLiteral("CREATE FUNCTION digoal_01.pause() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$BEGIN IF NEW.id = 15000 THEN PERFORM pg_sleep(4); END IF; RETURN NEW; "
                        "END$$"),
         QStringLiteral("CREATE TRIGGER pause BEFORE INSERT ON digoal_01.slow FOR EACH ROW "
                        "EXECUTE FUNCTION digoal_01.pause()"),
         QStringLiteral("ALTER TABLE digoal_01.slow ENABLE ALWAYS TRIGGER pause")}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.slow"),
                   QStringLiteral("digoal_01.slow2")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.slow"),
                   QStringLiteral("digoal_01.slow2")}));
    QString seen;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 20000) {
        const FerryRun run = f.ferry({f.leafIni(), QStringLiteral("tables")});
        QCOMPARE(run.exitCode, 0);
        // Rows so far: it stops at 14,999 for a few seconds.
        if (run.out.contains(QStringLiteral("copying=14999 "))) {
            seen = run.out;
            break;
        }
        QTest::qWait(100);
    }
    QVERIFY2(seen.contains(QStringLiteral("copying=14999 of ~20000 rows, 0 MB")), qPrintable(seen));
    QVERIFY2(seen.contains(QRegularExpression(QStringLiteral("digoal_01.slow2 +waiting"))),
             qPrintable(seen));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.slow"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestCopyFormat::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestCopyFormat)
#include "tst_copy_format.moc"
