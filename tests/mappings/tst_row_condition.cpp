// Row conditions on a leaf (seed S7: dst2 holds digoal_01's users with
// userid < 1000, in digoal_02 under other table names), held for the node's
// whole life: the initial copy and every later insert, update, key change
// and delete, under the seed's login/logout load plus a load that moves rows
// in and out of the condition by updates and key changes while the tables
// are being added. Then every node table equals its source filtered by the
// condition. Also --columns, --expect-sync, --skip-truncate, --create-full,
// and every bad condition refused at add-table with one line.
#include "cascadefixture.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>
#include <QThread>

#include <memory>

using namespace ferry;
using namespace ferry::test;

class TestRowCondition : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void s7HoldsUnderLoad();
    void badConditionsAreRefused();
    void expectSyncAndSkipTruncate();
    void createFullMakesIndexes();
    void jsonConditionAndRelease();
    void cleanupTestCase();

private:
    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

const int kUsers = 5000;

// The S7 mappings: source, destination, condition, columns kept ("" = all).
struct Mapping
{
    QString source;
    QString dest;
    QString condition;
    QStringList columns;
};

const QList<Mapping> &mappings()
{
    static const QList<Mapping> list = {
        {QStringLiteral("digoal_01.user_info"),
         QStringLiteral("digoal_02.user_info1"),
         QStringLiteral("userid<1000"),
         {}},
        // Every login changes login_count: the row moves in or out each time.
        {QStringLiteral("digoal_01.user_session"),
         QStringLiteral("digoal_02.user_session1"),
         QStringLiteral("userid < 1000 AND login_count % 2 = 0"),
         {}},
        // A condition on a column that is not the key.
        {QStringLiteral("digoal_01.user_login_rec"),
         QStringLiteral("digoal_02.user_login_rec1"),
         QStringLiteral("userid < 1000"),
         {}},
        // Some columns only, every row.
        {QStringLiteral("digoal_01.user_logout_rec"),
         QStringLiteral("digoal_02.user_logout_rec1"),
         QString(),
         {QStringLiteral("id"), QStringLiteral("userid"), QStringLiteral("logout_time")}},
    };
    return list;
}

QString writeScript(const QString &folder, const QString &name, const QString &text)
{
    const QString path = folder + QLatin1Char('/') + name;
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(text.toUtf8());
    return path;
}

} // namespace

void TestRowCondition::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    // The seed's schema with fewer users.
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "cnname text, occupation text, birthday date, signname text, email text, "
                        "qq numeric, crt_time timestamp, mod_time timestamp)"),
         QStringLiteral("CREATE TABLE digoal_01.user_session (userid int PRIMARY KEY, logintime "
                        "timestamp(0), login_count bigint DEFAULT 0, logouttime timestamp(0), "
                        "online_interval interval DEFAULT '00:00:00')"),
         QStringLiteral("CREATE TABLE digoal_01.user_login_rec (userid int, login_time timestamp, "
                        "ip inet, id bigserial PRIMARY KEY)"),
         QStringLiteral("CREATE TABLE digoal_01.user_logout_rec (userid int, logout_time "
                        "timestamp, ip inet, id bigserial PRIMARY KEY)"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT i, 'digoal.zhou', '德哥', 'DBA', "
                        "date '1970-01-01' + (i % 10000), 'sign', 'digoal@126.com', 276732431, "
                        "clock_timestamp(), NULL FROM generate_series(1, %1) i")
             .arg(kUsers),
         QStringLiteral("INSERT INTO digoal_01.user_session (userid) SELECT generate_series(1, %1)")
             .arg(kUsers),
         QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid, login_time) SELECT i % "
                        "3000, now() FROM generate_series(1, 3000) i"),
         QStringLiteral("CREATE TABLE digoal_01.extra (id int PRIMARY KEY, v text)"),
         QStringLiteral("INSERT INTO digoal_01.extra SELECT g, 'v' || g FROM generate_series(1, "
                        "100) g"),
         QStringLiteral("CREATE TABLE digoal_01.indexed (id int PRIMARY KEY, a int, b text, c "
                        "text)"),
         QStringLiteral("CREATE UNIQUE INDEX indexed_b ON digoal_01.indexed (b)"),
         QStringLiteral("CREATE INDEX indexed_a_desc ON digoal_01.indexed (a DESC, c)"),
         QStringLiteral("CREATE INDEX indexed_lower ON digoal_01.indexed (lower(c))"),
         QStringLiteral("INSERT INTO digoal_01.indexed SELECT g, g % 10, 'b' || g, 'c' FROM "
                        "generate_series(1, 50) g")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.*")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
}

void TestRowCondition::s7HoldsUnderLoad()
{
    CascadeFixture &f = *m_f;
    const QString users = QString::number(kUsers);
    // The seed's login and logout, and a load that moves rows across the
    // condition: key changes out of it and back, a key change that keeps
    // the row in (or brings it in), a non-key column changed across it, and
    // deletes.
    const QStringList scripts = {
        writeScript(
            f.folder(), QStringLiteral("login.sql"),
            QStringLiteral("\\set userid random(1, %1)\n"
                           "insert into digoal_01.user_login_rec (userid,login_time,ip) values "
                           "(:userid,now(),inet_client_addr());\n"
                           "update digoal_01.user_session set logintime=now(),login_count="
                           "login_count+1 where userid=:userid;\n")
                .arg(users)),
        writeScript(f.folder(), QStringLiteral("logout.sql"),
                    QStringLiteral("\\set userid random(1, %1)\n"
                                   "insert into digoal_01.user_logout_rec (userid,logout_time,ip) "
                                   "values (:userid,now(),inet_client_addr());\n"
                                   "update digoal_01.user_session set logouttime=now(),"
                                   "online_interval=online_interval+(now()-logintime) where "
                                   "userid=:userid;\n")
                        .arg(users)),
        writeScript(f.folder(), QStringLiteral("move.sql"),
                    QStringLiteral("\\set u random(1, %1)\n"
                                   "\\set v random(1, %1)\n"
                                   "update digoal_01.user_info set userid = userid + 100000 where "
                                   "userid = :u and not exists (select 1 from digoal_01.user_info "
                                   "where userid = :u + 100000);\n"
                                   "update digoal_01.user_info set userid = userid - 100000 where "
                                   "userid = :v + 100000 and not exists (select 1 from "
                                   "digoal_01.user_info where userid = :v);\n"
                                   "update digoal_01.user_info set userid = -userid where userid "
                                   "= :v and not exists (select 1 from digoal_01.user_info where "
                                   "userid = -:v);\n"
                                   "update digoal_01.user_info set userid = -userid, engname = "
                                   "'back' where userid = -:u and not exists (select 1 from "
                                   "digoal_01.user_info where userid = :u);\n"
                                   "update digoal_01.user_info set cnname = 'moved' || :v where "
                                   "userid = :u;\n"
                                   "update digoal_01.user_login_rec set userid = :u where id = "
                                   ":v;\n"
                                   "delete from digoal_01.user_login_rec where id = :u + 7;\n"
                                   "delete from digoal_01.user_info where userid = :v and :v % 50 "
                                   "= 0;\n"
                                   "insert into digoal_01.user_info (userid, engname) values "
                                   "(:v, 'again') on conflict do nothing;\n")
                        .arg(users))};
    const QString pgbench = PgCluster::binDirectory() + QStringLiteral("/pgbench");
    QList<std::shared_ptr<QProcess>> loads;
    for (const QString &script : scripts) {
        // One client moves keys: two would collide on the keys they move to.
        const QString clients = script.endsWith(QLatin1String("move.sql")) ? QStringLiteral("1")
                                                                           : QStringLiteral("2");
        auto p = std::make_shared<QProcess>();
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(pgbench,
                 {QStringLiteral("-n"), QStringLiteral("-f"), script, QStringLiteral("-c"), clients,
                  QStringLiteral("-j"), clients, QStringLiteral("-t"), QStringLiteral("1500"),
                  QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                  QString::number(f.rootCluster().port()), QStringLiteral("-U"),
                  QStringLiteral("postgres"), QStringLiteral("root")});
        QVERIFY2(p->waitForStarted(10000), qPrintable(pgbench));
        loads.append(p);
    }
    // The leaf's worker runs while the tables are added under the load: each
    // copy starts at its own point of the load.
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    for (const Mapping &m : mappings()) {
        QThread::msleep(300);
        QStringList args = {f.leafIni(), QStringLiteral("add-table"), m.source,
                            QStringLiteral("--dest-table=") + m.dest, QStringLiteral("--create")};
        if (!m.condition.isEmpty())
            args.append(QStringLiteral("--copy-condition=") + m.condition);
        if (!m.columns.isEmpty())
            args.append(QStringLiteral("--columns=") + m.columns.join(QLatin1Char(',')));
        auto added = f.ferryOk(args);
        QVERIFY_RESULT(added);
        QVERIFY2(added->out.contains(QStringLiteral("as ") + m.dest), qPrintable(added->out));
        if (!m.condition.isEmpty())
            QVERIFY2(added->out.contains(QStringLiteral("where ") + m.condition),
                     qPrintable(added->out));
    }
    for (const auto &p : loads) {
        QVERIFY2(p->waitForFinished(120000), "the load did not finish in 120 s");
        const QString output = QString::fromLocal8Bit(p->readAll());
        QVERIFY2(p->exitCode() == 0, qPrintable(output));
    }
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 60000));
    for (const Mapping &m : mappings()) {
        auto diff = f.compare(m.source, m.dest, QStringLiteral("leaf"), m.condition, m.columns);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
    // The load did move rows both ways, and the node holds only matching ones.
    auto moved = f.value(f.rootDb(), QStringLiteral("SELECT count(*) FILTER (WHERE userid > "
                                                    "100000) > 0 AND count(*) FILTER (WHERE "
                                                    "engname = 'back') > 0 FROM "
                                                    "digoal_01.user_info"));
    QVERIFY_RESULT(moved);
    QCOMPARE(*moved, QStringLiteral("t"));
    auto outside = f.value(f.leafAdminDb(),
                           QStringLiteral("SELECT (SELECT count(*) FROM digoal_02.user_info1 "
                                          "WHERE userid >= 1000) + (SELECT count(*) FROM "
                                          "digoal_02.user_session1 WHERE login_count % 2 <> 0)"));
    QVERIFY_RESULT(outside);
    QCOMPARE(*outside, QStringLiteral("0"));
    auto held
        = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM digoal_02.user_session1"));
    QVERIFY_RESULT(held);
    QVERIFY2(held->toInt() > 0, "no session row matched: the test proves nothing");

    // `tables` shows each table's destination, condition and columns.
    const FerryRun tables = f.ferry({f.leafIni(), QStringLiteral("tables")});
    QCOMPARE(tables.exitCode, 0);
    QVERIFY2(tables.out.contains(QStringLiteral("dest=digoal_02.user_info1 where=(userid<1000)")),
             qPrintable(tables.out));
    QVERIFY2(tables.out.contains(QStringLiteral("columns=id,userid,logout_time")),
             qPrintable(tables.out));
}

void TestRowCondition::badConditionsAreRefused()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE ROLE someone NOLOGIN"),
         QStringLiteral("CREATE FUNCTION public.someones(int) RETURNS boolean LANGUAGE sql "
                        "IMMUTABLE AS 'SELECT $1 > 0'"),
         QStringLiteral("ALTER FUNCTION public.someones(int) OWNER TO someone"),
         QStringLiteral("CREATE FUNCTION public.mine(int) RETURNS boolean LANGUAGE sql "
                        "IMMUTABLE AS 'SELECT $1 > 0'"),
         QStringLiteral("CREATE DOMAIN public.short_text AS text CHECK (length(VALUE) < 100)")}));
    const QString before = f.ferry({f.leafIni(), QStringLiteral("tables")}).out;
    const auto refused = [&f](const QStringList &extra, const QString &fragment) {
        QStringList args
            = {f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.extra")};
        args += extra;
        const FerryRun run = f.ferry(args);
        const QString all = run.out + run.err;
        if (run.exitCode != 0 && all.contains(fragment) && all.count(QLatin1Char('\n')) == 1)
            return true;
        qWarning().noquote() << "exit" << run.exitCode << all;
        return false;
    };
    const auto cond = [](const QString &c) {
        return QStringLiteral("--copy-condition=") + c;
    };
    QVERIFY(refused({cond(QStringLiteral("id <"))}, QStringLiteral("syntax error")));
    QVERIFY(refused({cond(QStringLiteral("nope < 3"))},
                    QStringLiteral("column \"nope\" does not exist")));
    QVERIFY(refused({cond(QStringLiteral("id + 1"))}, QStringLiteral("must be type boolean")));
    QVERIFY(refused({cond(QStringLiteral("random() < 0.5"))},
                    QStringLiteral("random(), which is not IMMUTABLE")));
    // Rows would leave these without an event: not the same answer for ever.
    QVERIFY(refused({cond(QStringLiteral("id > 0 AND now() > '2020-01-01'"))},
                    QStringLiteral("now(), which is not IMMUTABLE")));
    QVERIFY(refused({cond(QStringLiteral("(id::text || now()::date::text) LIKE '1%'"))},
                    QStringLiteral("not IMMUTABLE")));
    QVERIFY(refused({cond(QStringLiteral("v::public.short_text IS NOT NULL"))},
                    QStringLiteral("casts to a domain")));
    QVERIFY(refused({cond(QStringLiteral("id IN (SELECT id FROM digoal_01.user_info)"))},
                    QStringLiteral("may use only the row's own columns")));
    QVERIFY(
        refused({cond(QStringLiteral("id IN (SELECT 1)"))}, QStringLiteral("reads a subquery")));
    QVERIFY(
        refused({cond(QStringLiteral("public.someones(id)"))}, QStringLiteral("owned by someone")));
    QVERIFY(refused({cond(QStringLiteral("id > 0; DROP TABLE digoal_01.extra"))},
                    QStringLiteral("holds a ';'")));
    QVERIFY(refused({cond(QStringLiteral("true) OR (true"))},
                    QStringLiteral("closes a parenthesis it did not open")));
    QVERIFY(refused({cond(QStringLiteral("id > 0 /* open"))}, QStringLiteral("is not closed")));
    QVERIFY(refused({cond(QStringLiteral("ctid > '(0,1)'"))},
                    QStringLiteral("column \"ctid\" does not exist")));
    const FerryRun empty = f.ferry({f.leafIni(), QStringLiteral("add-table"),
                                    QStringLiteral("digoal_01.extra"), cond(QStringLiteral("  "))});
    QVERIFY2(empty.exitCode == 2 && empty.err.contains(QStringLiteral("needs an expression")),
             qPrintable(empty.err));
    QVERIFY(refused({QStringLiteral("--columns=v")}, QStringLiteral("must keep the primary key")));
    QVERIFY(refused({QStringLiteral("--columns=id,nope")},
                    QStringLiteral("names \"nope\", which digoal_01.extra")));
    QVERIFY(refused({QStringLiteral("--expect-sync"), QStringLiteral("--create")},
                    QStringLiteral("give one of them")));
    QVERIFY(refused({QStringLiteral("--expect-sync"), QStringLiteral("--skip-truncate")},
                    QStringLiteral("give one of them")));
    // A table already added with another mapping: refused, not ignored.
    const FerryRun again
        = f.ferry({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.user_info"),
                   cond(QStringLiteral("userid < 5"))});
    QVERIFY2(again.exitCode == 1
                 && again.err.contains(QStringLiteral("digoal_01.user_info is already added and "
                                                      "is replicated where userid<1000 here")),
             qPrintable(again.err));
    // Leaf-only options on the root.
    const FerryRun root
        = f.ferry({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.extra"),
                   cond(QStringLiteral("true"))});
    QVERIFY2(root.exitCode != 0
                 && root.err.contains(QStringLiteral("--copy-condition is for a leaf")),
             qPrintable(root.err));
    // Nothing changed.
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("tables")}).out, before);
    // An immutable function of this role's own, and a comment, are fine.
    QVERIFY_RESULT(f.ferryOk(
        {f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.extra"),
         QStringLiteral("--create"),
         cond(QStringLiteral("public.mine(id) AND id %2 = 0 AND v NOT LIKE '%1x' -- even"))}));
    QVERIFY_RESULT(f.waitSynced());
    QVERIFY_RESULT(f.run(f.rootDb(),
                         {QStringLiteral("UPDATE digoal_01.extra SET id = id + 1000 WHERE id < 20"),
                          QStringLiteral("INSERT INTO digoal_01.extra VALUES (-2, 'neg')")}));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.extra"), QStringLiteral("digoal_01.extra"),
                          QStringLiteral("leaf"), QStringLiteral("id > 0 AND id % 2 = 0"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    QVERIFY_RESULT(f.ferryOk(
        {f.leafIni(), QStringLiteral("remove-table"), QStringLiteral("digoal_01.extra")}));
}

void TestRowCondition::expectSyncAndSkipTruncate()
{
    CascadeFixture &f = *m_f;
    // --expect-sync: the node's table already holds the rows; no copy.
    QVERIFY_RESULT(f.run(f.leafAdminDb(),
                         {QStringLiteral("TRUNCATE digoal_01.extra"),
                          QStringLiteral("INSERT INTO digoal_01.extra SELECT id, v || '-here' "
                                         "FROM (SELECT g AS id, 'v' || g AS v FROM "
                                         "generate_series(1, 100) g) s")}));
    auto added = f.ferryOk({f.leafIni(), QStringLiteral("add-table"),
                            QStringLiteral("digoal_01.extra"), QStringLiteral("--expect-sync")});
    QVERIFY_RESULT(added);
    QVERIFY2(added->out.contains(QStringLiteral("in sync, not copied")), qPrintable(added->out));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.extra SET v = 'root' "
                                                     "WHERE id = 50")}));
    QVERIFY_RESULT(f.waitSynced());
    // Not copied: the node's own values stay where the root changed nothing.
    auto kept
        = f.value(f.leafAdminDb(), QStringLiteral("SELECT string_agg(v, ',' ORDER BY id) FROM "
                                                  "digoal_01.extra WHERE id IN (49, 50)"));
    QVERIFY_RESULT(kept);
    QCOMPARE(*kept, QStringLiteral("v49-here,root"));
    QVERIFY_RESULT(f.ferryOk(
        {f.leafIni(), QStringLiteral("remove-table"), QStringLiteral("digoal_01.extra")}));

    // --skip-truncate: the copy adds the source's rows to the node's own.
    QVERIFY_RESULT(f.run(f.leafAdminDb(),
                         {QStringLiteral("TRUNCATE digoal_01.extra"),
                          QStringLiteral("INSERT INTO digoal_01.extra VALUES (-1, 'mine')")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.extra"),
                   QStringLiteral("--skip-truncate"), QStringLiteral("--copy-condition=id > 0")}));
    QVERIFY_RESULT(f.waitSynced());
    auto rows = f.value(f.leafAdminDb(),
                        QStringLiteral("SELECT count(*) || ':' || count(*) FILTER (WHERE v = "
                                       "'mine') FROM digoal_01.extra"));
    QVERIFY_RESULT(rows);
    auto rootRows
        = f.value(f.rootDb(), QStringLiteral("SELECT count(*) FROM digoal_01.extra WHERE id > 0"));
    QVERIFY_RESULT(rootRows);
    QCOMPARE(*rows, QStringLiteral("%1:1").arg(rootRows->toInt() + 1));
    const FerryRun tables = f.ferry({f.leafIni(), QStringLiteral("tables")});
    QVERIFY2(tables.out.contains(QStringLiteral("skip-truncate")), qPrintable(tables.out));
}

void TestRowCondition::createFullMakesIndexes()
{
    CascadeFixture &f = *m_f;
    auto added = f.ferryOk(
        {f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.indexed"),
         QStringLiteral("--dest-table=digoal_04.indexed"), QStringLiteral("--create-full")});
    QVERIFY_RESULT(added);
    // The expression index is left to the DBA, and said so.
    QVERIFY2(added->err.contains(QStringLiteral("indexed_lower")), qPrintable(added->err));
    auto defs = f.value(f.leafAdminDb(),
                        QStringLiteral("SELECT string_agg(d, ' | ' ORDER BY d) FROM (SELECT "
                                       "regexp_replace(pg_get_indexdef(indexrelid), 'INDEX \\S+ "
                                       "ON', 'INDEX ON') AS d FROM pg_index WHERE indrelid = "
                                       "'digoal_04.indexed'::regclass) i"));
    QVERIFY_RESULT(defs);
    QCOMPARE(*defs,
             QStringLiteral("CREATE INDEX ON digoal_04.indexed USING btree (a DESC, c) | CREATE "
                            "UNIQUE INDEX ON digoal_04.indexed USING btree (b) | CREATE UNIQUE "
                            "INDEX ON digoal_04.indexed USING btree (id)"));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.indexed"), QStringLiteral("digoal_04.indexed"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

// A condition over a jsonb column (which the queue carries as text) holds
// like any other; and a table the root releases while the node lags gets its
// last events judged too: no row outside the condition arrives.
void TestRowCondition::jsonConditionAndRelease()
{
    CascadeFixture &f = *m_f;
    const QString where = QStringLiteral("doc->>'r' = 'eu'");
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE TABLE digoal_01.docs (id int PRIMARY KEY, doc jsonb, v int)"),
         QStringLiteral("INSERT INTO digoal_01.docs SELECT g, jsonb_build_object('r', CASE WHEN "
                        "g % 2 = 0 THEN 'eu' ELSE 'us' END), g FROM generate_series(1, 200) g")}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.docs")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.docs"),
                   QStringLiteral("--create"), QStringLiteral("--copy-condition=") + where}));
    QVERIFY_RESULT(f.waitSynced());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("INSERT INTO digoal_01.docs VALUES (1000, '{\"r\": \"eu\"}', 1), (1001, "
                        "'{\"r\": \"us\"}', 1)"),
         QStringLiteral("UPDATE digoal_01.docs SET doc = '{\"r\": \"us\"}' WHERE id <= 20"),
         QStringLiteral("UPDATE digoal_01.docs SET doc = '{\"r\": \"eu\"}' WHERE id BETWEEN 101 "
                        "AND 120"),
         QStringLiteral("UPDATE digoal_01.docs SET v = v + 1 WHERE id > 150")}));
    QVERIFY_RESULT(f.waitSynced());
    auto diff = f.compare(QStringLiteral("digoal_01.docs"), QStringLiteral("digoal_01.docs"),
                          QStringLiteral("leaf"), where);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));

    // The node stops; the root writes rows outside the condition, moves one
    // out, then releases the table; the node's last batches are judged too.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    QVERIFY_RESULT(
        f.run(f.rootDb(),
              {QStringLiteral("INSERT INTO digoal_01.docs VALUES (2001, '{\"r\": \"us\"}', 1)"),
               QStringLiteral("UPDATE digoal_01.docs SET doc = '{\"r\": \"us\"}' WHERE id = 40"),
               QStringLiteral("UPDATE digoal_01.docs SET v = -1 WHERE id = 41")}));
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("remove-table"), QStringLiteral("digoal_01.docs")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT NOT EXISTS (SELECT 1 FROM ferry.node_table "
                                            "WHERE dest_name = 'docs')")));
    diff = f.compare(QStringLiteral("digoal_01.docs"), QStringLiteral("digoal_01.docs"),
                     QStringLiteral("leaf"), where);
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
}

void TestRowCondition::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestRowCondition)
#include "tst_row_condition.moc"
