// execute from the command line (seed S8, S11): a script run on the root
// reaches every node at its place in the stream, rewritten to each node's
// names (dst2's renamed schema and tables), while the root works; the same
// file again is refused unless --force; a leaf refuses execute; a statement
// about a table a node does not replicate is skipped there; one Ferry
// cannot map for sure stops the node with an error saying what to do.
#include "cascade/node.h"
#include "cascadefixture.h"
#include "replication/eventresolution.h"
#include "testutil.h"

#include <QFile>
#include <QTest>

#include <atomic>
#include <thread>

using namespace ferry;
using namespace ferry::test;

class TestExecute : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void seedS8UnderLoad();
    void scriptRunsAtItsPlaceInTheBatch();
    void sameFileRefusedUnlessForced();
    void refusedOnALeaf();
    void failingFileQueuesNothing();
    void dryRunAndSkippedWhereNotSubscribed();
    void droppedTableThroughExecute();
    void scriptThatAlsoChangesRows();
    void tableRenamedOnRootBeforeNodesApply();
    void rowsWrittenWhileTheScriptWaits();
    void deferredCheckOfEarlierRowsIsNotTheScripts();
    void describeFollowsTheRowCondition();
    void failingStatementStopsThatNodeOnly();
    void unsureNameStopsTheNode();
    void cleanupTestCase();

private:
    // Writes `sql` into the test's folder as `name`; returns its path.
    QString script(const QString &name, const QString &sql) const;
    Result<QString> leafValue(const QString &node, const QString &sql) const
    {
        return m_f->value(m_f->leafAdminDb(node), sql);
    }
    // The id of the root's queued event whose ev_data text is LIKE `pattern`
    // (an SQL literal's content, quotes doubled twice: it goes into format()).
    Result<QString> queuedEvent(const QString &pattern) const
    {
        auto tables = m_f->value(
            m_f->rootDb(),
            QStringLiteral("SELECT string_agg(format('SELECT ev_id FROM %s WHERE ev_data::text "
                           "LIKE %1', ferry._event_table(queue_id, table_no)), ' UNION ALL ') FROM "
                           "ferry.event_table")
                .arg(pattern));
        if (!tables)
            return tables;
        return m_f->value(m_f->rootDb(), *tables);
    }
    // What Edit and Apply starts from for `eventId` on `node`.
    Result<QueuedEventContent> describe(const QString &node, qint64 eventId) const
    {
        auto db = Connection::open(m_f->leafAdminDb(node));
        if (!db)
            return db.error();
        auto info = requireNode(*db, QStringLiteral("q"));
        if (!info)
            return info.error();
        return EventResolution(*db, *info).describe(eventId);
    }

    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

const QString kDst2 = QStringLiteral("dst2");
const QString kLeaf = QStringLiteral("leaf");

} // namespace

QString TestExecute::script(const QString &name, const QString &sql) const
{
    const QString path = m_f->folder() + QLatin1Char('/') + name;
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(sql.toUtf8());
    return path;
}

void TestExecute::initTestCase()
{
    CascadeFixture::Options options;
    options.leafDatabases = {kLeaf, kDst2};
    m_f = std::make_unique<CascadeFixture>(options);
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "crt_time timestamptz DEFAULT now())"),
         QStringLiteral("CREATE TABLE digoal_01.user_session (userid int PRIMARY KEY, "
                        "logintime timestamptz, logincnt bigint DEFAULT 0)"),
         QStringLiteral("CREATE TABLE digoal_01.other (id int PRIMARY KEY, v text)"),
         // Not replicated, but with a replicated table's name.
         QStringLiteral("CREATE TABLE public.user_info (a int)"),
         QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname) SELECT g, 'e' || g "
                        "FROM generate_series(1, 2000) g"),
         QStringLiteral("INSERT INTO digoal_01.user_session (userid) SELECT g FROM "
                        "generate_series(1, 2000) g"),
         QStringLiteral("INSERT INTO digoal_01.other VALUES (1, 'x')")}));
    // dst2 as the seed has it: another schema, other names, userid < 1000.
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(kDst2),
              {QStringLiteral("CREATE SCHEMA digoal_02"),
               QStringLiteral("CREATE TABLE digoal_02.user_info1 (userid int PRIMARY KEY, engname "
                              "text, crt_time timestamptz)"),
               QStringLiteral("CREATE TABLE digoal_02.user_session1 (userid int PRIMARY KEY, "
                              "logintime timestamptz, logincnt bigint)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.*")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.*"), QStringLiteral("--create")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(kDst2), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.user_info"),
                              QStringLiteral("--dest-table=digoal_02.user_info1"),
                              QStringLiteral("--copy-condition=userid<1000")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(kDst2), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.user_session"),
                              QStringLiteral("--dest-table=digoal_02.user_session1"),
                              QStringLiteral("--copy-condition=userid<1000")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni(kDst2)));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
}

// S8: `execute add_column.sql` while the root works reaches all four node
// tables (dst2's under their own names); rows with c1 set replicate after;
// compare is ok on both leaves.
void TestExecute::seedS8UnderLoad()
{
    CascadeFixture &f = *m_f;
    auto loadDb = f.sql(f.rootDb());
    QVERIFY_RESULT(loadDb);
    std::atomic<bool> stop{false};
    std::atomic<int> rounds{0};
    QString loadError;
    std::thread load([&stop, &rounds, &loadError, db = std::move(*loadDb)]() mutable {
        for (int n = 5000; !stop; ++n) {
            auto r = db.exec(
                QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname) VALUES (%1, "
                               "'load'); UPDATE digoal_01.user_session SET logincnt = logincnt + "
                               "1, logintime = now() WHERE userid = %2; UPDATE "
                               "digoal_01.user_info SET engname = 'u' || %1 WHERE userid = %3")
                    .arg(n)
                    .arg(n % 1500 + 1)
                    .arg(n % 900 + 1));
            if (!r) {
                loadError = r.error().toString();
                return;
            }
            ++rounds;
        }
    });
    const auto waitRounds = [&rounds](int more) {
        const int until = rounds + more;
        QTRY_VERIFY_WITH_TIMEOUT(rounds >= until, 10000);
    };
    waitRounds(20);
    const QString file = script(QStringLiteral("add_column.sql"),
                                QStringLiteral("ALTER TABLE digoal_01.user_info ADD COLUMN c1 "
                                               "int;\nALTER TABLE digoal_01.user_session ADD "
                                               "COLUMN c1 int;\n"));
    const FerryRun run = f.ferry({f.rootIni(), QStringLiteral("execute"), file});
    waitRounds(20);
    stop = true;
    load.join();
    QVERIFY2(loadError.isEmpty(), qPrintable(loadError));
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains(QStringLiteral("Executed add_column.sql on the root (2 statements)")),
             qPrintable(run.out));

    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    const QString hasC1 = QStringLiteral(
        "SELECT string_agg(table_schema || '.' || table_name, ',' ORDER BY table_name) FROM "
        "information_schema.columns WHERE column_name = 'c1'");
    auto leafC1 = leafValue(kLeaf, hasC1);
    QVERIFY_RESULT(leafC1);
    QCOMPARE(*leafC1, QStringLiteral("digoal_01.user_info,digoal_01.user_session"));
    auto dst2C1 = leafValue(kDst2, hasC1);
    QVERIFY_RESULT(dst2C1);
    QCOMPARE(*dst2C1, QStringLiteral("digoal_02.user_info1,digoal_02.user_session1"));
    // Recorded once per node, with what ran.
    auto record = leafValue(kDst2, QStringLiteral("SELECT string_agg(name || ':' || "
                                                  "statements_run || ':' || statements_skipped, "
                                                  "',') FROM ferry.applied_script"));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("add_column.sql:2:0"));
    QVERIFY(f.logOf(f.leafIni(kDst2)).contains(QStringLiteral("script add_column.sql (event ")));

    // Rows with c1 set replicate, also into dst2's renamed tables.
    QVERIFY_RESULT(
        f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET c1 = userid * 2 WHERE "
                                          "userid <= 100"),
                           QStringLiteral("INSERT INTO digoal_01.user_session (userid, c1) "
                                          "VALUES (-1, 7)")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto sum = leafValue(kDst2, QStringLiteral("SELECT sum(c1) FROM digoal_02.user_info1"));
    QVERIFY_RESULT(sum);
    QCOMPARE(*sum, QStringLiteral("10100"));
    auto session = leafValue(kDst2, QStringLiteral("SELECT c1 FROM digoal_02.user_session1 "
                                                   "WHERE userid = -1"));
    QVERIFY_RESULT(session);
    QCOMPARE(*session, QStringLiteral("7"));
    for (const QString &node : {kLeaf, kDst2}) {
        const FerryRun compare = f.ferry({f.leafIni(node), QStringLiteral("compare")}, 120000);
        QVERIFY2(compare.exitCode == 0, qPrintable(compare.out + compare.err));
        QVERIFY2(!compare.out.contains(QStringLiteral("differ")), qPrintable(compare.out));
    }
}

// Rows before the script in the same batch are applied before it, rows
// after it after: with the leaves paused, a change carrying engname, a
// script renaming it, a change carrying the new name reach each node as one
// batch (next_batch takes every tick since the last); applied in any other
// order, one of the two changes would name a column the node lacks.
void TestExecute::scriptRunsAtItsPlaceInTheBatch()
{
    CascadeFixture &f = *m_f;
    for (const QString &node : {kLeaf, kDst2})
        QVERIFY_RESULT(f.ferryOk({f.leafIni(node), QStringLiteral("pause")}));
    const auto ticks = [&f](const QString &node) {
        return f.value(f.leafAdminDb(node),
                       QStringLiteral("SELECT tick_id FROM ferry.completed_tick"));
    };
    auto leafTick = ticks(kLeaf);
    QVERIFY_RESULT(leafTick);
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname = "
                                                     "'before' WHERE userid = 500"),
                                      QStringLiteral("SELECT ferry.ticker('q', true)")}));
    const QString file = script(QStringLiteral("rename.sql"),
                                QStringLiteral("ALTER TABLE digoal_01.user_info RENAME COLUMN "
                                               "engname TO engname2;"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("SELECT ferry.ticker('q', true)"),
                                      QStringLiteral("UPDATE digoal_01.user_info SET engname2 = "
                                                     "'after' WHERE userid = 501")}));
    // Still paused: nothing was applied meanwhile.
    auto stillAt = ticks(kLeaf);
    QVERIFY_RESULT(stillAt);
    QCOMPARE(*stillAt, *leafTick);
    for (const QString &node : {kLeaf, kDst2})
        QVERIFY_RESULT(f.ferryOk({f.leafIni(node), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto leafRows = leafValue(kLeaf, QStringLiteral("SELECT string_agg(engname2, ',' ORDER BY "
                                                    "userid) FROM digoal_01.user_info WHERE "
                                                    "userid IN (500, 501)"));
    QVERIFY_RESULT(leafRows);
    QCOMPARE(*leafRows, QStringLiteral("before,after"));
    auto dst2Rows = leafValue(kDst2, QStringLiteral("SELECT string_agg(engname2, ',' ORDER BY "
                                                    "userid) FROM digoal_02.user_info1 WHERE "
                                                    "userid IN (500, 501)"));
    QVERIFY_RESULT(dst2Rows);
    QCOMPARE(*dst2Rows, QStringLiteral("before,after"));
}

void TestExecute::sameFileRefusedUnlessForced()
{
    CascadeFixture &f = *m_f;
    const QString file = script(QStringLiteral("comment.sql"),
                                QStringLiteral("COMMENT ON TABLE digoal_01.user_info IS 'v1'"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    const FerryRun again = f.ferry({f.rootIni(), QStringLiteral("execute"), file});
    QVERIFY2(again.exitCode != 0, qPrintable(again.out));
    QVERIFY2(again.err.contains(QStringLiteral("comment.sql with the same content ran on the "
                                               "root at ")),
             qPrintable(again.err));
    QVERIFY2(again.err.contains(QStringLiteral("give --force to run it again")),
             qPrintable(again.err));
    QCOMPARE(again.err.count(QLatin1Char('\n')), 1);
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("execute"), file, QStringLiteral("--force")}));
    auto onRoot = f.value(f.rootDb(), QStringLiteral("SELECT count(*) FROM "
                                                     "ferry.executed_script WHERE name = "
                                                     "'comment.sql' AND executed_by = "
                                                     "session_user"));
    QVERIFY_RESULT(onRoot);
    QCOMPARE(*onRoot, QStringLiteral("2"));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto applied = leafValue(kDst2, QStringLiteral("SELECT count(*) || ' ' || "
                                                   "obj_description('digoal_02.user_info1'::"
                                                   "regclass) FROM ferry.applied_script WHERE "
                                                   "name = 'comment.sql'"));
    QVERIFY_RESULT(applied);
    QCOMPARE(*applied, QStringLiteral("2 v1"));
}

// S11: execute on a node that is not the root.
void TestExecute::refusedOnALeaf()
{
    CascadeFixture &f = *m_f;
    const QString file = script(QStringLiteral("leaf.sql"), QStringLiteral("SELECT 1"));
    const FerryRun run = f.ferry({f.leafIni(), QStringLiteral("execute"), file});
    QVERIFY2(run.exitCode != 0, qPrintable(run.out));
    QVERIFY2(run.err.contains(QStringLiteral("Node is not root node")), qPrintable(run.err));
    auto none = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM "
                                                        "ferry.executed_script"));
    QVERIFY_RESULT(none);
    QCOMPARE(*none, QStringLiteral("0"));
}

// A statement that fails on the root: the file and its line are named, the
// statements before it are rolled back, nothing is queued. A statement a
// script cannot hold (COMMIT) is refused before any runs.
void TestExecute::failingFileQueuesNothing()
{
    CascadeFixture &f = *m_f;
    const QString countSql = QStringLiteral("SELECT count(*) FROM ferry.executed_script");
    auto before = f.value(f.rootDb(), countSql);
    QVERIFY_RESULT(before);
    const QString file = script(QStringLiteral("fails.sql"),
                                QStringLiteral("CREATE TABLE public.made (a int);\n\n"
                                               "ALTER TABLE digoal_01.nope ADD COLUMN c int;\n"));
    const FerryRun run = f.ferry({f.rootIni(), QStringLiteral("execute"), file});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(QStringLiteral("ferry: fails.sql, line 3 (nothing was run nor "
                                               "queued): ")),
             qPrintable(run.err));
    QVERIFY2(run.err.contains(QStringLiteral("\"digoal_01.nope\" does not exist")),
             qPrintable(run.err));
    QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    auto after = f.value(f.rootDb(), countSql);
    QVERIFY_RESULT(after);
    QCOMPARE(*after, *before);
    auto made = f.value(f.rootDb(), QStringLiteral("SELECT to_regclass('public.made') IS NULL"));
    QVERIFY_RESULT(made);
    QCOMPARE(*made, QStringLiteral("t"));

    // A COMMIT would end the script's transaction half-way (the rest would
    // run in autocommit): refused before anything runs.
    const QString commit = script(QStringLiteral("commit.sql"),
                                  QStringLiteral("CREATE TABLE public.made (a int);\nCOMMIT;\n"
                                                 "ALTER TABLE digoal_01.user_info ADD c9 int;\n"));
    const FerryRun refused = f.ferry({f.rootIni(), QStringLiteral("execute"), commit});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.startsWith(QStringLiteral("ferry: commit.sql: line 2 (COMMIT): COMMIT "
                                                   "would end the script's transaction")),
             qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QStringLiteral("nothing was run nor queued")),
             qPrintable(refused.err));
    QCOMPARE(refused.err.count(QLatin1Char('\n')), 1);
    auto afterCommit = f.value(f.rootDb(), countSql);
    QVERIFY_RESULT(afterCommit);
    QCOMPARE(*afterCommit, *before);
    made = f.value(f.rootDb(), QStringLiteral("SELECT to_regclass('public.made') IS NULL"));
    QVERIFY_RESULT(made);
    QCOMPARE(*made, QStringLiteral("t"));

    // R5: a byte that is not UTF-8 (Latin-1's é) is refused, naming the line.
    const QString latin1 = m_f->folder() + QStringLiteral("/latin1.sql");
    {
        QFile out(latin1);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("SELECT 1;\nCOMMENT ON TABLE digoal_01.other IS 'caf\xe9';\n");
    }
    const FerryRun notUtf8 = f.ferry({f.rootIni(), QStringLiteral("execute"), latin1});
    QCOMPARE(notUtf8.exitCode, 1);
    QCOMPARE(notUtf8.err, QStringLiteral("ferry: latin1.sql, line 2: not UTF-8 text; save the "
                                         "file as UTF-8 (nothing was run nor queued)\n"));

    const QString empty = script(QStringLiteral("empty.sql"), QStringLiteral("-- nothing\n;\n"));
    const FerryRun none = f.ferry({f.rootIni(), QStringLiteral("execute"), empty});
    QCOMPARE(none.exitCode, 1);
    QCOMPARE(none.err, QStringLiteral("ferry: empty.sql holds no SQL statement: nothing to run\n"));
}

// dst2 does not replicate digoal_01.other: --dry-run says it is skipped
// there; the script runs on leaf and is skipped on dst2 with a log line.
void TestExecute::dryRunAndSkippedWhereNotSubscribed()
{
    CascadeFixture &f = *m_f;
    const QString file
        = script(QStringLiteral("other.sql"),
                 QStringLiteral("ALTER TABLE digoal_01.other ADD COLUMN c2 int;\n"
                                "CREATE INDEX ON digoal_01.user_info (engname2);\n"));
    const FerryRun dry
        = f.ferry({f.rootIni(), QStringLiteral("execute"), file, QStringLiteral("--dry-run")});
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.out + dry.err));
    QVERIFY2(dry.out.contains(QStringLiteral("other.sql on node 'dst2':\n  line 1 skipped: this "
                                             "node does not replicate digoal_01.other\n  CREATE "
                                             "INDEX ON digoal_02.user_info1 (engname2);\n")),
             qPrintable(dry.out));
    QVERIFY2(dry.out.contains(QStringLiteral("other.sql on node 'leaf':\n  ALTER TABLE "
                                             "digoal_01.other ADD COLUMN c2 int;\n")),
             qPrintable(dry.out));
    auto unchanged = f.value(f.rootDb(), QStringLiteral("SELECT count(*) FROM "
                                                        "information_schema.columns WHERE "
                                                        "column_name = 'c2'"));
    QVERIFY_RESULT(unchanged);
    QCOMPARE(*unchanged, QStringLiteral("0"));

    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto leafC2 = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM information_schema.columns "
                                                  "WHERE table_name = 'other' AND column_name = "
                                                  "'c2'"));
    QVERIFY_RESULT(leafC2);
    QCOMPARE(*leafC2, QStringLiteral("1"));
    auto record = leafValue(kDst2, QStringLiteral("SELECT statements_run || ':' || "
                                                  "statements_skipped FROM ferry.applied_script "
                                                  "WHERE name = 'other.sql'"));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("1:1"));
    auto index = leafValue(kDst2, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE tablename "
                                                 "= 'user_info1' AND indexdef LIKE '%engname2%'"));
    QVERIFY_RESULT(index);
    QCOMPARE(*index, QStringLiteral("1"));
    QVERIFY(f.logOf(f.leafIni(kDst2))
                .contains(QStringLiteral("line 1 skipped on this node: this node does not "
                                         "replicate digoal_01.other")));
}

// A script that drops a replicated table: the nodes map it against the
// tables as they were when it began (the drop ends the capture in the same
// transaction): the leaf drops its table and ends the subscription, dst2,
// which does not replicate it, skips the statement.
void TestExecute::droppedTableThroughExecute()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("CREATE TABLE digoal_01.gone (id int "
                                                     "PRIMARY KEY)"),
                                      QStringLiteral("INSERT INTO digoal_01.gone VALUES (1)")}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.gone")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                              QStringLiteral("digoal_01.gone"), QStringLiteral("--create")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    const QString file
        = script(QStringLiteral("drop.sql"), QStringLiteral("DROP TABLE digoal_01.gone;"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto leaf = leafValue(kLeaf, QStringLiteral("SELECT (to_regclass('digoal_01.gone') IS NULL) "
                                                "|| ' ' || (SELECT count(*) FROM "
                                                "ferry.node_table WHERE source_name = 'gone')"));
    QVERIFY_RESULT(leaf);
    QCOMPARE(*leaf, QStringLiteral("true 0"));
    auto dst2 = leafValue(kDst2, QStringLiteral("SELECT statements_run || ':' || "
                                                "statements_skipped FROM ferry.applied_script "
                                                "WHERE name = 'drop.sql'"));
    QVERIFY_RESULT(dst2);
    QCOMPARE(*dst2, QStringLiteral("0:1"));
}

// A script that adds a column and fills it: the rows it changes are
// captured on the root after the script's event, so each node adds the
// column before it applies them (they carry it) and ends with the root's
// values; compare is ok.
void TestExecute::scriptThatAlsoChangesRows()
{
    CascadeFixture &f = *m_f;
    const QString file = script(
        QStringLiteral("fill.sql"),
        QStringLiteral("ALTER TABLE digoal_01.user_info ADD COLUMN c4 int;\n"
                       "UPDATE digoal_01.user_info SET c4 = userid * 2 WHERE userid < 5;"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    for (const auto &[node, table] : {std::pair{kLeaf, QStringLiteral("digoal_01.user_info")},
                                      std::pair{kDst2, QStringLiteral("digoal_02.user_info1")}}) {
        auto filled = leafValue(node, QStringLiteral("SELECT string_agg(userid || '=' || c4, ',' "
                                                     "ORDER BY userid) FROM %1 WHERE c4 IS NOT "
                                                     "NULL")
                                          .arg(table));
        QVERIFY_RESULT(filled);
        QCOMPARE(*filled, QStringLiteral("1=2,2=4,3=6,4=8"));
        const FerryRun cmp = f.ferry({f.leafIni(node), QStringLiteral("compare")});
        QVERIFY2(cmp.exitCode == 0, qPrintable(cmp.out + cmp.err));
    }
}

// The root renames a table after a script about it ran there, before the
// (paused) nodes applied the script: they know the table by its id, so the
// script still reaches their tables, and the rows carrying the new column
// apply after it; compare is ok.
void TestExecute::tableRenamedOnRootBeforeNodesApply()
{
    CascadeFixture &f = *m_f;
    for (const QString &node : {kLeaf, kDst2})
        QVERIFY_RESULT(f.ferryOk({f.leafIni(node), QStringLiteral("pause")}));
    const QString file = script(QStringLiteral("c6.sql"),
                                QStringLiteral("ALTER TABLE digoal_01.user_session ADD COLUMN c6 "
                                               "int;"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("ALTER TABLE digoal_01.user_session RENAME "
                                                     "TO user_session_r"),
                                      QStringLiteral("UPDATE digoal_01.user_session_r SET c6 = "
                                                     "userid WHERE userid < 10"),
                                      QStringLiteral("SELECT ferry.ticker('q', true)")}));
    for (const QString &node : {kLeaf, kDst2})
        QVERIFY_RESULT(f.ferryOk({f.leafIni(node), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    for (const auto &[node, table] :
         {std::pair{kLeaf, QStringLiteral("digoal_01.user_session")},
          std::pair{kDst2, QStringLiteral("digoal_02.user_session1")}}) {
        auto has = leafValue(node, QStringLiteral("SELECT count(*) FROM pg_attribute WHERE "
                                                  "attrelid = '%1'::regclass AND attname = 'c6'")
                                       .arg(table));
        QVERIFY_RESULT(has);
        QCOMPARE(*has, QStringLiteral("1"));
        const FerryRun cmp = f.ferry({f.leafIni(node), QStringLiteral("compare")});
        QVERIFY2(cmp.exitCode == 0, qPrintable(cmp.out + cmp.err));
    }
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("ALTER TABLE digoal_01.user_session_r "
                                                     "RENAME TO user_session")}));
}

// An application transaction that wrote a table before the script and
// goes on writing it while the script waits: the root locks the tables the
// script names before the script takes its place in the queue, so every
// row of that transaction comes before the script on the nodes (the old
// order stopped the leaf at a row carrying the dropped column).
void TestExecute::rowsWrittenWhileTheScriptWaits()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"),
                              script(QStringLiteral("c9.sql"),
                                     QStringLiteral("ALTER TABLE digoal_01.other ADD COLUMN c9 "
                                                    "int;"))}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    auto app = f.sql(f.rootDb());
    QVERIFY_RESULT(app);
    QVERIFY_RESULT(app->exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(
        app->exec(QStringLiteral("INSERT INTO digoal_01.other (id, v, c9) VALUES (911, 'a', 1)")));
    const QString drop = script(QStringLiteral("drop_c9.sql"),
                                QStringLiteral("ALTER TABLE digoal_01.other DROP COLUMN c9;"));
    FerryRun dropped;
    std::thread executing([&] {
        dropped = f.ferry({f.rootIni(), QStringLiteral("execute"), drop});
    });
    const auto waited
        = f.waitFor(f.rootDb(), QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
                                               "WHERE wait_event_type = 'Lock' AND query LIKE "
                                               "'LOCK TABLE digoal_01.other%')"));
    auto more
        = app->exec(QStringLiteral("INSERT INTO digoal_01.other (id, v, c9) VALUES (912, 'b', 2)"));
    auto committed = app->exec(QStringLiteral("COMMIT"));
    executing.join();
    QVERIFY_RESULT(waited);
    QVERIFY_RESULT(more);
    QVERIFY_RESULT(committed);
    QVERIFY2(dropped.exitCode == 0, qPrintable(dropped.out + dropped.err));
    QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    auto rows = leafValue(kLeaf, QStringLiteral("SELECT string_agg(id || v, ',' ORDER BY id) FROM "
                                                "digoal_01.other WHERE id IN (911, 912)"));
    QVERIFY_RESULT(rows);
    QCOMPARE(*rows, QStringLiteral("911a,912b"));
    auto column = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM pg_attribute WHERE "
                                                  "attrelid = 'digoal_01.other'::regclass AND "
                                                  "attname = 'c9' AND NOT attisdropped"));
    QVERIFY_RESULT(column);
    QCOMPARE(*column, QStringLiteral("0"));
    const FerryRun cmp = f.ferry({f.leafIni(), QStringLiteral("compare")});
    QVERIFY2(cmp.exitCode == 0, qPrintable(cmp.out + cmp.err));
    // dst2 does not replicate digoal_01.other: nothing of it to skip there
    // (a fix no batch of dst2 would ever take is not recorded).
    auto row911 = queuedEvent(QStringLiteral("''%%\"id\":911%%''"));
    QVERIFY_RESULT(row911);
    QVERIFY(!row911->isEmpty());
    const FerryRun notHere = f.ferry({f.leafIni(kDst2), QStringLiteral("skip-event"), *row911});
    QCOMPARE(notHere.exitCode, 1);
    QVERIFY2(notHere.err.contains(QStringLiteral("node 'dst2' does not replicate "
                                                 "digoal_01.other, so event %1 is not applied "
                                                 "there: nothing to skip")
                                      .arg(*row911)),
             qPrintable(notHere.err));
}

// A deferred check that rows before a script fail runs before the script
// and is named as theirs: the node's error names no script event, so
// skip-event is never offered the script for it; once the node's check is
// corrected, retry applies both.
void TestExecute::deferredCheckOfEarlierRowsIsNotTheScripts()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.run(
        f.leafAdminDb(),
        {QStringLiteral("CREATE FUNCTION public.no_bad() RETURNS trigger LANGUAGE plpgsql AS $$ "
                        "BEGIN IF NEW.v = 'bad' THEN RAISE EXCEPTION 'bad row %', NEW.id; END "
                        "IF; RETURN NULL; END $$"),
         QStringLiteral("CREATE CONSTRAINT TRIGGER no_bad AFTER INSERT ON digoal_01.other "
                        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
                        "public.no_bad()"),
         QStringLiteral("ALTER TABLE digoal_01.other ENABLE ALWAYS TRIGGER no_bad")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("INSERT INTO digoal_01.other (id, v) VALUES "
                                                     "(903, 'bad')")}));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"),
                              script(QStringLiteral("c8.sql"),
                                     QStringLiteral("ALTER TABLE digoal_01.other ADD COLUMN c8 "
                                                    "int;"))}));
    QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT coalesce(last_error LIKE '%rows before "
                                            "script event % fail a deferred check%bad row 903%', "
                                            "false) FROM ferry.node_info")));
    auto scriptEvent
        = f.value(f.rootDb(), QStringLiteral("SELECT max(ev_id) FROM ferry.executed_script"));
    QVERIFY_RESULT(scriptEvent);
    auto blamed = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM ferry.node_error WHERE "
                                                  "resolved_at IS NULL AND event_id = %1")
                                       .arg(*scriptEvent));
    QVERIFY_RESULT(blamed);
    QCOMPARE(*blamed, QStringLiteral("0"));
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {QStringLiteral("DROP TRIGGER no_bad ON digoal_01.other"),
                                           QStringLiteral("DROP FUNCTION public.no_bad()")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("retry")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    auto column = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM pg_attribute WHERE "
                                                  "attrelid = 'digoal_01.other'::regclass AND "
                                                  "attname = 'c8' AND NOT attisdropped"));
    QVERIFY_RESULT(column);
    QCOMPARE(*column, QStringLiteral("1"));
    auto bad = leafValue(kLeaf, QStringLiteral("SELECT v FROM digoal_01.other WHERE id = 903"));
    QVERIFY_RESULT(bad);
    QCOMPARE(*bad, QStringLiteral("bad"));
}

// What Edit and Apply starts from for a row event on dst2 (userid < 1000)
// is what dst2 applies: an UPDATE that moves a row out of the condition is
// the DELETEs of its old and new key there, never an upsert of row 987654.
void TestExecute::describeFollowsTheRowCondition()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.ferryOk({f.leafIni(kDst2), QStringLiteral("pause")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET userid = "
                                                     "987654 WHERE userid = 5")}));
    auto id = queuedEvent(QStringLiteral("''%%987654%%''"));
    QVERIFY_RESULT(id);
    QVERIFY(!id->isEmpty());
    auto content = describe(kDst2, id->toLongLong());
    QVERIFY_RESULT(content);
    QVERIFY2(!content->sql.contains(QStringLiteral("INSERT")), qPrintable(content->sql));
    QVERIFY2(content->sql.contains(QStringLiteral("DELETE FROM ONLY digoal_02.user_info1")),
             qPrintable(content->sql));
    QVERIFY2(content->sql.contains(QStringLiteral("'5'")), qPrintable(content->sql));
    QVERIFY2(content->sql.contains(QStringLiteral("'987654'")), qPrintable(content->sql));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(kDst2), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    auto gone = leafValue(kDst2, QStringLiteral("SELECT count(*) FROM digoal_02.user_info1 WHERE "
                                                "userid IN (5, 987654)"));
    QVERIFY_RESULT(gone);
    QCOMPARE(*gone, QStringLiteral("0"));
}

// A statement that fails on one node (its table there has the column
// already) stops that node at the event, naming the script and line; the
// batch is rolled back there; dst2, which skips it, goes on. Leaves the
// leaf stopped.
void TestExecute::failingStatementStopsThatNodeOnly()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE digoal_01.other ADD COLUMN c5 int")}));
    const QString file = script(QStringLiteral("c5.sql"),
                                QStringLiteral("\nALTER TABLE digoal_01.other ADD COLUMN c5 int"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.waitSynced(kDst2));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(),
                  QStringLiteral("SELECT coalesce(last_error LIKE '%event % (script c5.sql), line "
                                 "2 (ALTER TABLE digoal_01.other ADD COLUMN c5 int)%already "
                                 "exists%', false) FROM ferry.node_info")));
    auto applied = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM ferry.applied_script "
                                                   "WHERE name = 'c5.sql'"));
    QVERIFY_RESULT(applied);
    QCOMPARE(*applied, QStringLiteral("0"));
    auto skipped = leafValue(kDst2, QStringLiteral("SELECT statements_run || ':' || "
                                                   "statements_skipped FROM ferry.applied_script "
                                                   "WHERE name = 'c5.sql'"));
    QVERIFY_RESULT(skipped);
    QCOMPARE(*skipped, QStringLiteral("0:1"));

    // What Edit and Apply starts from there: the script as it runs on the leaf.
    {
        auto event = leafValue(kLeaf, QStringLiteral("SELECT event_id FROM ferry.node_error WHERE "
                                                     "resolved_at IS NULL ORDER BY error_id DESC "
                                                     "LIMIT 1"));
        QVERIFY_RESULT(event);
        auto content = describe(kLeaf, event->toLongLong());
        QVERIFY_RESULT(content);
        QCOMPARE(content->table, QStringLiteral("script c5.sql"));
        QCOMPARE(content->sql, QStringLiteral("ALTER TABLE digoal_01.other ADD COLUMN c5 int;"));
        auto error = leafValue(kLeaf, QStringLiteral("SELECT last_error FROM ferry.node_info"));
        QVERIFY_RESULT(error);
        QVERIFY2(error->contains(QStringLiteral("failed here (correct the node and run retry, or "
                                                "replace-event %1 with this node's version of the "
                                                "script, or skip-event %1)")
                                     .arg(*event)),
                 qPrintable(*error));
    }

    // The operator skips the script event on the leaf only (its table has
    // the column already): the leaf goes on with the rows after it.
    const FerryRun skip = f.ferry({f.leafIni(), QStringLiteral("skip-event")});
    QVERIFY2(skip.exitCode == 0, qPrintable(skip.out + skip.err));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("INSERT INTO digoal_01.other (id, v) VALUES "
                                                     "(55, 'after c5')")}));
    QVERIFY_RESULT(f.waitSynced(kLeaf));
    auto after = leafValue(kLeaf, QStringLiteral("SELECT v FROM digoal_01.other WHERE id = 55"));
    QVERIFY_RESULT(after);
    QCOMPARE(*after, QStringLiteral("after c5"));
    auto record = leafValue(kLeaf, QStringLiteral("SELECT action || ':' || (applied_at IS NOT "
                                                  "NULL) FROM ferry.event_fix"));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("skip:true"));
    auto stillNotApplied = leafValue(kLeaf, QStringLiteral("SELECT count(*) FROM "
                                                           "ferry.applied_script WHERE name = "
                                                           "'c5.sql'"));
    QVERIFY_RESULT(stillNotApplied);
    QCOMPARE(*stillNotApplied, QStringLiteral("0"));
    QVERIFY(f.logOf(f.leafIni()).contains(QStringLiteral("skipped on this node (skip-event)")));
}

// An unqualified replicated table's name: the root ran it on a temporary
// table of that name (only pg_catalog and pg_temp resolve unqualified
// names); the nodes cannot tell which table it means and stop at the
// event, saying what to do. Last: it leaves the nodes stopped.
void TestExecute::unsureNameStopsTheNode()
{
    CascadeFixture &f = *m_f;
    const QString file = script(QStringLiteral("bad.sql"),
                                QStringLiteral("CREATE TEMP TABLE user_info (a int) ON COMMIT "
                                               "DROP;\nALTER TABLE user_info ADD COLUMN c3 int"));
    QVERIFY_RESULT(f.ferryOk({f.rootIni(), QStringLiteral("execute"), file}));
    QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(kDst2),
                             QStringLiteral("SELECT coalesce(last_error LIKE '%user_info is the "
                                            "name of a replicated table without its schema%', "
                                            "false) FROM ferry.node_info")));
    auto error = leafValue(kDst2, QStringLiteral("SELECT last_error FROM ferry.node_info"));
    QVERIFY_RESULT(error);
    QVERIFY2(error->contains(QStringLiteral("script bad.sql")), qPrintable(*error));
    QVERIFY2(error->contains(QStringLiteral("skip-event")), qPrintable(*error));
    QVERIFY2(!error->contains(QLatin1Char('\n')), qPrintable(*error));
    auto notApplied = leafValue(kDst2, QStringLiteral("SELECT count(*) FROM ferry.applied_script "
                                                      "WHERE name = 'bad.sql'"));
    QVERIFY_RESULT(notApplied);
    QCOMPARE(*notApplied, QStringLiteral("0"));

    // The operator replaces it on dst2 with what it means there.
    auto stopped = leafValue(kDst2, QStringLiteral("SELECT event_id FROM ferry.node_error WHERE "
                                                   "resolved_at IS NULL ORDER BY error_id DESC "
                                                   "LIMIT 1"));
    QVERIFY_RESULT(stopped);
    QVERIFY2(!stopped->isEmpty(), "the error names no event");
    // Edit and Apply starts from the script as the root ran it, saying why
    // Ferry cannot rewrite it here; comments alone replace nothing.
    {
        auto content = describe(kDst2, stopped->toLongLong());
        QVERIFY_RESULT(content);
        QCOMPARE(content->table, QStringLiteral("script bad.sql"));
        QVERIFY2(content->sql.startsWith(QStringLiteral("-- Ferry cannot rewrite this script for "
                                                        "node 'dst2' for sure:\n-- ")),
                 qPrintable(content->sql));
        QVERIFY2(content->sql.endsWith(QStringLiteral("ALTER TABLE user_info ADD COLUMN c3 int")),
                 qPrintable(content->sql));
        const QString comments = script(
            QStringLiteral("comments.sql"),
            content->sql.section(QStringLiteral("\n-- Edit it to this node's names:"), 0, 0));
        const FerryRun refused
            = f.ferry({f.leafIni(kDst2), QStringLiteral("replace-event"), *stopped, comments});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("holds no statement")),
                 qPrintable(refused.err));
    }
    const QString fix
        = script(QStringLiteral("bad-dst2.sql"),
                 QStringLiteral("ALTER TABLE digoal_02.user_info1 ADD COLUMN c3 int"));
    const FerryRun replace
        = f.ferry({f.leafIni(kDst2), QStringLiteral("replace-event"), *stopped, fix});
    QVERIFY2(replace.exitCode == 0, qPrintable(replace.out + replace.err));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(kDst2),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE "
                                            "attrelid = 'digoal_02.user_info1'::regclass AND "
                                            "attname = 'c3') AND (SELECT last_error IS NULL FROM "
                                            "ferry.node_info)")));
}

void TestExecute::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestExecute)
#include "tst_execute.moc"
