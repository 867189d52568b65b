// add-table --dest-table on a leaf (seed S7: digoal_01.user_info on the root
// becomes digoal_02.user_info1 on the leaf): the initial copy and every later
// insert, update, delete and key change reach the renamed table, whose
// columns are in another order; and every misuse is refused before anything
// changes, with one line that says what to do.
#include "cascadefixture.h"
#include "testutil.h"

#include <QTest>

using namespace ferry;
using namespace ferry::test;

class TestDestTable : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void renamedTableReplicates();
    void misuseIsRefused();
    void createMakesTheDestination();
    void waitSyncWaitsAndTells();
    void resyncCopiesAgain();
    void globPatternsAddWhatTheyMatch();
    void cleanupTestCase();

private:
    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

const QString kRootTable = QStringLiteral("digoal_01.user_info");
const QString kLeafTable = QStringLiteral("digoal_02.user_info1");

} // namespace

void TestDestTable::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "cnname text, crt_time timestamp)"),
         QStringLiteral("CREATE TABLE digoal_01.user_session (userid int PRIMARY KEY, logintime "
                        "timestamp)"),
         QStringLiteral("CREATE TABLE digoal_01.user_login_rec (userid int, logintime "
                        "timestamptz, amount numeric(12,2) NOT NULL, tags text[], \"Mixed Case\" "
                        "varchar(20), PRIMARY KEY (userid, logintime))"),
         QStringLiteral("CREATE TABLE digoal_01.gen (id int PRIMARY KEY, v int, w int GENERATED "
                        "ALWAYS AS (v * 2) STORED)"),
         QStringLiteral("INSERT INTO digoal_01.user_login_rec SELECT g % 100, '2026-01-01'::"
                        "timestamptz + g * interval '1 s', g / 7.0, ARRAY['a', g::text], 'M' || g "
                        "FROM generate_series(1, 500) g"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT g, 'e' || g, 'c' || g, "
                        "'2026-01-01'::timestamp + g * interval '1 minute' FROM "
                        "generate_series(1, 2000) g")}));
    // The leaf's table has another schema, name and column order.
    QVERIFY_RESULT(f.run(
        f.leafAdminDb(),
        {QStringLiteral("CREATE SCHEMA digoal_02"),
         QStringLiteral("CREATE TABLE digoal_02.user_info1 (crt_time timestamp, cnname text, "
                        "userid int PRIMARY KEY, engname text)"),
         QStringLiteral("CREATE TABLE digoal_02.user_session1 (userid int PRIMARY KEY, logintime "
                        "timestamp)"),
         // A column whose type cannot take the root's values.
         QStringLiteral("CREATE TABLE digoal_02.bad_session (userid int PRIMARY KEY, logintime "
                        "int)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), kRootTable,
                   QStringLiteral("digoal_01.user_session"),
                   QStringLiteral("digoal_01.user_login_rec"), QStringLiteral("digoal_01.gen")}));
}

void TestDestTable::renamedTableReplicates()
{
    CascadeFixture &f = *m_f;
    auto added = f.ferryOk({f.leafIni(), QStringLiteral("add-table"), kRootTable,
                            QStringLiteral("--dest-table=%1").arg(kLeafTable)});
    QVERIFY_RESULT(added);
    QVERIFY2(
        added->out.contains(QStringLiteral("Table added: %1 as %2").arg(kRootTable, kLeafTable)),
        qPrintable(added->out));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(kRootTable, kLeafTable);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));

    // Every kind of change after the copy, a key change among them.
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("INSERT INTO digoal_01.user_info VALUES (5000, 'new', 'x', now())"),
         QStringLiteral("UPDATE digoal_01.user_info SET engname = 'changed' WHERE userid <= 100"),
         QStringLiteral("DELETE FROM digoal_01.user_info WHERE userid BETWEEN 200 AND 250"),
         QStringLiteral("UPDATE digoal_01.user_info SET userid = userid + 10000 WHERE userid "
                        "BETWEEN 300 AND 310")}));
    QVERIFY_RESULT(f.waitSynced());
    diff = f.compare(kRootTable, kLeafTable);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    auto count = f.value(f.leafDb(), QStringLiteral("SELECT count(*) FROM digoal_02.user_info1"));
    QVERIFY_RESULT(count);
    QCOMPARE(*count, QStringLiteral("1950"));
    // The leaf has no table of the root's name: nothing went anywhere else.
    auto stray = f.value(f.leafDb(), QStringLiteral("SELECT pg_catalog.to_regclass("
                                                    "'digoal_01.user_info') IS NULL"));
    QVERIFY_RESULT(stray);
    QCOMPARE(*stray, QStringLiteral("t"));

    // `tables` names both sides; the renamed table is guarded like any other.
    const FerryRun tables = f.ferry({f.leafIni(), QStringLiteral("tables")});
    QCOMPARE(tables.exitCode, 0);
    QVERIFY2(tables.out.contains(kLeafTable) && tables.out.contains(kRootTable),
             qPrintable(tables.out));
    auto write = f.sql(f.leafDb());
    QVERIFY_RESULT(write);
    QVERIFY(!write->exec(QStringLiteral("INSERT INTO digoal_02.user_info1 (userid) VALUES (-1)")));
}

void TestDestTable::misuseIsRefused()
{
    CascadeFixture &f = *m_f;
    const auto refused = [&f](const QStringList &args, const QString &fragment) {
        const FerryRun run = f.ferry(args);
        const QString all = run.out + run.err;
        return run.exitCode != 0 && all.contains(fragment) && all.count(QLatin1Char('\n')) == 1;
    };
    const QString before = f.ferry({f.leafIni(), QStringLiteral("tables")}).out;
    const QString dest = QStringLiteral("--dest-table=digoal_02.user_session1");
    // Several tables, or --all, for one destination.
    QVERIFY(refused({f.leafIni(), QStringLiteral("add-table"), kRootTable,
                     QStringLiteral("digoal_01.user_session"), dest},
                    QStringLiteral("give exactly one table")));
    QVERIFY(refused({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("--all"), dest},
                    QStringLiteral("give exactly one table")));
    // On the root.
    QVERIFY(refused(
        {f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_session"), dest},
        QStringLiteral("--dest-table is for a leaf")));
    // A destination that does not exist, or is not schema-qualified.
    QVERIFY(
        refused({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_session"),
                 QStringLiteral("--dest-table=digoal_02.nope")},
                QStringLiteral("destination table digoal_02.nope does not exist")));
    QVERIFY(
        refused({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_session"),
                 QStringLiteral("--dest-table=user_session1")},
                QStringLiteral("SCHEMA.TABLE")));
    // A destination that already receives another table.
    QVERIFY(
        refused({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_session"),
                 QStringLiteral("--dest-table=%1").arg(kLeafTable)},
                QStringLiteral("already receives the provider's digoal_01.user_info")));
    // A destination column of a type the root's values do not fit, named.
    QVERIFY(
        refused({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_session"),
                 QStringLiteral("--dest-table=digoal_02.bad_session")},
                QStringLiteral("column \"logintime\" of digoal_02.bad_session is integer on node "
                               "leaf but timestamp without time zone on the root")));
    // Nothing changed.
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("tables")}).out, before);

    // Done right, the second table goes where it is told, too.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.user_session"), dest}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("INSERT INTO digoal_01.user_session SELECT "
                                                     "g, now() FROM generate_series(1, 50) g")}));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.user_session"),
                          QStringLiteral("digoal_02.user_session1"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestDestTable::createMakesTheDestination()
{
    CascadeFixture &f = *m_f;
    // A generated column would run on the node with Ferry's rights: refused.
    const FerryRun gen = f.ferry({f.leafIni(), QStringLiteral("add-table"),
                                  QStringLiteral("digoal_01.gen"), QStringLiteral("--create")});
    QVERIFY2(gen.exitCode != 0 && gen.err.contains(QStringLiteral("column w is generated")),
             qPrintable(gen.err));
    // Neither on the root.
    const FerryRun root = f.ferry({f.rootIni(), QStringLiteral("add-table"),
                                   QStringLiteral("digoal_01.gen"), QStringLiteral("--create")});
    QVERIFY2(root.exitCode != 0 && root.err.contains(QStringLiteral("--create is for a leaf")),
             qPrintable(root.err));

    // Into a schema the leaf does not have yet, with a composite key, a
    // numeric, an array and a quoted column name.
    auto added = f.ferryOk(
        {f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_login_rec"),
         QStringLiteral("--dest-table=digoal_03.login_rec"), QStringLiteral("--create")});
    QVERIFY_RESULT(added);
    QVERIFY2(added->out.contains(QStringLiteral("as digoal_03.login_rec (created)")),
             qPrintable(added->out));
    auto key
        = f.value(f.leafDb(), QStringLiteral("SELECT pg_catalog.pg_get_constraintdef(oid) FROM "
                                             "pg_catalog.pg_constraint WHERE conrelid = "
                                             "'digoal_03.login_rec'::regclass AND contype = 'p'"));
    QVERIFY_RESULT(key);
    QCOMPARE(*key, QStringLiteral("PRIMARY KEY (userid, logintime)"));
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("INSERT INTO digoal_01.user_login_rec VALUES (1, now(), 1.5, '{x}', 'n')"),
         QStringLiteral("UPDATE digoal_01.user_login_rec SET amount = amount + 1 WHERE userid < "
                        "10"),
         QStringLiteral("DELETE FROM digoal_01.user_login_rec WHERE userid = 50")}));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.user_login_rec"),
                          QStringLiteral("digoal_03.login_rec"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestDestTable::waitSyncWaitsAndTells()
{
    CascadeFixture &f = *m_f;
    const QStringList waitSync{f.leafIni(), QStringLiteral("wait-sync"),
                               QStringLiteral("--timeout=60")};
    FerryRun run = f.ferry(waitSync);
    QVERIFY2(run.exitCode == 0 && run.out.contains(QStringLiteral("All 3 tables are in sync.")),
             qPrintable(run.out + run.err));
    const FerryRun bad
        = f.ferry({f.leafIni(), QStringLiteral("wait-sync"), QStringLiteral("--timeout=0")});
    QCOMPARE(bad.exitCode, 2);

    // A table the worker cannot apply to: wait-sync names it and fails.
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE digoal_03.login_rec ADD "
                                                          "CONSTRAINT small CHECK (userid < "
                                                          "1000)")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("INSERT INTO digoal_01.user_login_rec "
                                                     "VALUES (5000, now(), 1, '{}', 'x')")}));
    QTRY_VERIFY_WITH_TIMEOUT((run = f.ferry(waitSync)).exitCode == 1, 30000);
    QVERIFY2(run.err.contains(QStringLiteral("table digoal_03.login_rec is in error"))
                 && run.err.contains(QStringLiteral("small")),
             qPrintable(run.err));
    // Fixed on the node: once the worker's next try (with back-off) applied
    // the batch, wait-sync returns.
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE digoal_03.login_rec DROP "
                                                          "CONSTRAINT small")}));
    QTRY_VERIFY2_WITH_TIMEOUT((run = f.ferry(waitSync)).exitCode == 0, qPrintable(run.err), 60000);

    // A copy that cannot happen (the worker is stopped): the timeout ends it.
    QVERIFY_RESULT(f.stopWorker(f.leafIni()));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("CREATE TABLE digoal_01.late (id int "
                                                     "PRIMARY KEY)")}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.late")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.late"), QStringLiteral("--create")}));
    run = f.ferry({f.leafIni(), QStringLiteral("wait-sync"), QStringLiteral("--timeout=2")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("not in sync after 2 s: waiting for digoal_01.late "
                                             "(in-copy)")),
             qPrintable(run.err));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    run = f.ferry(waitSync);
    QVERIFY2(run.exitCode == 0 && run.out.contains(QStringLiteral("All 4 tables are in sync.")),
             qPrintable(run.out + run.err));
}

void TestDestTable::resyncCopiesAgain()
{
    CascadeFixture &f = *m_f;
    // Rows lost on the leaf behind Ferry's back (a superuser past the guard).
    auto leaf = f.sql(f.leafAdminDb());
    QVERIFY_RESULT(leaf);
    QVERIFY_RESULT(leaf->exec(QStringLiteral("SET session_replication_role = replica")));
    QVERIFY_RESULT(leaf->exec(QStringLiteral("SET ferry.apply_session = on")));
    QVERIFY_RESULT(leaf->exec(QStringLiteral("DELETE FROM digoal_02.user_info1 WHERE userid < "
                                             "100")));
    auto diff = f.compare(kRootTable, kLeafTable);
    QVERIFY_RESULT(diff);
    QVERIFY(!diff->isEmpty());

    // Named by the leaf's name of the table (the root's works too).
    const FerryRun root = f.ferry({f.rootIni(), QStringLiteral("resync"), kRootTable});
    QVERIFY2(root.exitCode == 1 && root.err.contains(QStringLiteral("resync is for a leaf")),
             qPrintable(root.err));
    const FerryRun unknown
        = f.ferry({f.leafIni(), QStringLiteral("resync"), QStringLiteral("digoal_02.nope")});
    QVERIFY2(unknown.exitCode != 0 && unknown.err.contains(QStringLiteral("nothing was resynced")),
             qPrintable(unknown.err));
    auto done = f.ferryOk({f.leafIni(), QStringLiteral("resync"), kLeafTable});
    QVERIFY_RESULT(done);
    QVERIFY2(done->out.contains(QStringLiteral("Table to copy again: %1").arg(kLeafTable)),
             qPrintable(done->out));
    // Changes on the root meanwhile are not lost.
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET cnname = "
                                                     "'again' WHERE userid < 20")}));
    const FerryRun wait
        = f.ferry({f.leafIni(), QStringLiteral("wait-sync"), QStringLiteral("--timeout=60")});
    QVERIFY2(wait.exitCode == 0, qPrintable(wait.err));
    QVERIFY_RESULT(f.waitSynced());
    diff = f.compare(kRootTable, kLeafTable);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestDestTable::globPatternsAddWhatTheyMatch()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(
        f.run(f.rootDb(), {QStringLiteral("CREATE SCHEMA digoal_09"),
                           QStringLiteral("CREATE TABLE digoal_09.a1 (id int PRIMARY KEY, v text)"),
                           QStringLiteral("CREATE TABLE digoal_09.a2 (id int PRIMARY KEY, v text)"),
                           QStringLiteral("CREATE TABLE digoal_09.a3 (id int, v text)"),
                           QStringLiteral("CREATE TABLE digoal_09.b1 (id int PRIMARY KEY)"),
                           QStringLiteral("INSERT INTO digoal_09.a1 SELECT g, 'x' FROM "
                                          "generate_series(1, 30) g")}));
    // On the root: what --all would take, filtered; no key: skipped, said.
    const FerryRun root
        = f.ferry({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_09.a*")});
    QCOMPARE(root.exitCode, 0);
    QVERIFY2(root.out.contains(QStringLiteral("Table added: digoal_09.a1"))
                 && root.out.contains(QStringLiteral("Table added: digoal_09.a2"))
                 && !root.out.contains(QStringLiteral("b1")),
             qPrintable(root.out));
    QVERIFY2(root.err.contains(QStringLiteral("digoal_09.a3: no primary key")),
             qPrintable(root.err));
    // A pattern that matches nothing changes nothing.
    const FerryRun none
        = f.ferry({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("nowhere.*")});
    QVERIFY2(none.exitCode != 0 && none.err.contains(QStringLiteral("nowhere.* matches no table")),
             qPrintable(none.err));
    // On the leaf: the root's captured tables that match, made here.
    auto leaf = f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_09.*"),
                           QStringLiteral("--create")});
    QVERIFY_RESULT(leaf);
    QVERIFY2(leaf->out.contains(QStringLiteral("Table added: digoal_09.a1 (created)"))
                 && leaf->out.contains(QStringLiteral("Table added: digoal_09.a2 (created)")),
             qPrintable(leaf->out));
    const FerryRun wait
        = f.ferry({f.leafIni(), QStringLiteral("wait-sync"), QStringLiteral("--timeout=60")});
    QVERIFY2(wait.exitCode == 0, qPrintable(wait.err));
    auto diff = f.compare(QStringLiteral("digoal_09.a1"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestDestTable::cleanupTestCase()
{
    m_f.reset(); // kills the workers
}

QTEST_GUILESS_MAIN(TestDestTable)
#include "tst_dest_table.moc"
