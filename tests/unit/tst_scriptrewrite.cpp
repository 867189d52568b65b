// execute's per-node rewrite: names found by the SQL tokenizer, each rule of
// DESIGN §4 "Scripts through the queue".
#include "replication/scriptrewrite.h"

#include <QTest>

using namespace ferry;

class TestScriptRewrite : public QObject
{
    Q_OBJECT

private slots:
    void split();
    void splitKeepsBodiesWhole();
    void refused_data();
    void refused();
    void allowed();
    void rewrite_data();
    void rewrite();
    void unsure_data();
    void unsure();
    void quoting();
    void namedTables();
};

namespace {

// The seed's dst2: digoal_01.user_info -> digoal_02.user_info1; user_session
// renamed too; digoal_01.other is replicated but not subscribed here;
// public.kept keeps its name.
QList<ScriptTable> dst2()
{
    return {
        {QStringLiteral("digoal_01"), QStringLiteral("user_info"), QStringLiteral("digoal_02"),
         QStringLiteral("user_info1")},
        {QStringLiteral("digoal_01"), QStringLiteral("user_session"), QStringLiteral("digoal_02"),
         QStringLiteral("user_session1")},
        {QStringLiteral("digoal_01"), QStringLiteral("other"), {}, {}},
        {QStringLiteral("Mixed Case"), QStringLiteral("T.1"), QStringLiteral("dst"),
         QStringLiteral("User")},
        {QStringLiteral("public"), QStringLiteral("kept"), QStringLiteral("public"),
         QStringLiteral("kept")},
    };
}

// "sql" per statement run, "skip: why" per skipped one.
QString described(const QString &script)
{
    auto r = rewriteScript(script, dst2());
    if (!r)
        return QStringLiteral("error: ") + r.error().message();
    QStringList out;
    for (const RewrittenStatement &s : *r)
        out.append(s.skipped() ? QStringLiteral("skip: ") + s.skippedBecause : s.sql);
    return out.join(QStringLiteral(" | "));
}

} // namespace

void TestScriptRewrite::split()
{
    const QString script
        = QStringLiteral("-- a comment; not the end\n"
                         "ALTER TABLE a.b ADD COLUMN c1 int;\n"
                         "\n"
                         "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'x;y' $$ LANGUAGE sql;  \n"
                         "/* only /* a nested */ comment; */ ;\n"
                         "SELECT \"a;b\", E'\\';' ");
    auto s = splitScript(script);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message()));
    QCOMPARE(s->size(), 3);
    QCOMPARE(s->at(0).text, QStringLiteral("ALTER TABLE a.b ADD COLUMN c1 int"));
    QCOMPARE(s->at(0).line, 2);
    QCOMPARE(s->at(1).text,
             QStringLiteral("CREATE FUNCTION f() RETURNS text AS $$ SELECT 'x;y' $$ LANGUAGE sql"));
    QCOMPARE(s->at(1).line, 4);
    QCOMPARE(s->at(2).text, QStringLiteral("SELECT \"a;b\", E'\\';'"));
    QCOMPARE(s->at(2).line, 6);

    QVERIFY(!splitScript(QStringLiteral("SELECT 'open")));
}

// BEGIN ATOMIC bodies and a rule's ( ; ) actions are one statement each.
void TestScriptRewrite::splitKeepsBodiesWhole()
{
    const QString atomic
        = QStringLiteral("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
                         "BEGIN ATOMIC\n"
                         "  SELECT CASE WHEN a > 0 THEN 1 ELSE CASE WHEN a < 0 THEN -1 END END;\n"
                         "  SELECT 2;\n"
                         "END");
    const QString rule = QStringLiteral("CREATE RULE r AS ON INSERT TO x.t DO ALSO (NOTIFY a; "
                                        "NOTIFY b)");
    auto s = splitScript(atomic + QStringLiteral(";\n") + rule + QStringLiteral(";\nSELECT 3;"));
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message()));
    QCOMPARE(s->size(), 3);
    QCOMPARE(s->at(0).text, atomic);
    QCOMPARE(s->at(1).text, rule);
    QCOMPARE(s->at(1).line, 6);
    QCOMPARE(s->at(2).text, QStringLiteral("SELECT 3"));

    // ATOMIC without BEGIN before it is a name, and ends nothing.
    auto plain = splitScript(QStringLiteral("SELECT atomic FROM x.t; SELECT 4"));
    QVERIFY(plain);
    QCOMPARE(plain->size(), 2);
}

// What cannot run in the script's one transaction, or would outlive it on
// the apply session: refused on the root, naming the line and why.
void TestScriptRewrite::refused_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("why");

    const QString ends = QStringLiteral("would end the script's transaction half-way");
    const QString opens = QStringLiteral("would open a transaction inside the script's own");
    const QString control = QStringLiteral("is transaction control");
    const QString session = QStringLiteral("SET without LOCAL would stay set");
    const QString role = QStringLiteral("would run the rest of the script as another role");
    const QString reset = QStringLiteral("changes the session that runs after the script too");
    const QString outside = QStringLiteral("cannot run inside the script's transaction");
    QTest::newRow("BEGIN") << QStringLiteral("BEGIN") << opens;
    QTest::newRow("BEGIN WORK") << QStringLiteral("begin work") << opens;
    QTest::newRow("START TRANSACTION")
        << QStringLiteral("START TRANSACTION") << QStringLiteral("START TRANSACTION would open");
    QTest::newRow("COMMIT") << QStringLiteral("COMMIT") << ends;
    QTest::newRow("END") << QStringLiteral("end") << ends;
    QTest::newRow("ROLLBACK") << QStringLiteral("ROLLBACK") << ends;
    QTest::newRow("ABORT") << QStringLiteral("ABORT") << ends;
    QTest::newRow("SAVEPOINT") << QStringLiteral("SAVEPOINT a") << control;
    QTest::newRow("RELEASE") << QStringLiteral("RELEASE SAVEPOINT a") << control;
    QTest::newRow("PREPARE TRANSACTION") << QStringLiteral("PREPARE TRANSACTION 'x'") << ends;
    QTest::newRow("COMMIT PREPARED") << QStringLiteral("COMMIT PREPARED 'x'") << ends;
    QTest::newRow("ROLLBACK PREPARED") << QStringLiteral("ROLLBACK PREPARED 'x'") << ends;
    QTest::newRow("SET") << QStringLiteral("SET search_path = x") << session;
    QTest::newRow("SET SESSION") << QStringLiteral("SET SESSION statement_timeout = 0") << session;
    QTest::newRow("SET TIME ZONE") << QStringLiteral("set time zone 'UTC'") << session;
    QTest::newRow("SET SESSION CHARACTERISTICS")
        << QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") << session;
    QTest::newRow("SET ROLE") << QStringLiteral("SET ROLE app") << role;
    QTest::newRow("SET LOCAL ROLE") << QStringLiteral("SET LOCAL ROLE app") << role;
    QTest::newRow("SET SESSION ROLE") << QStringLiteral("SET SESSION ROLE app") << role;
    QTest::newRow("SET SESSION AUTHORIZATION")
        << QStringLiteral("SET SESSION AUTHORIZATION app") << role;
    QTest::newRow("SET LOCAL SESSION AUTHORIZATION")
        << QStringLiteral("SET LOCAL SESSION AUTHORIZATION app") << role;
    QTest::newRow("RESET") << QStringLiteral("RESET search_path") << reset;
    QTest::newRow("RESET ROLE") << QStringLiteral("RESET ROLE") << reset;
    QTest::newRow("DISCARD") << QStringLiteral("DISCARD ALL") << reset;
    const QString prepared = QStringLiteral("keeps a prepared statement in the session");
    const QString temporary = QStringLiteral("a temporary object would stay in the session");
    const QString applies = QStringLiteral("would change how the rest of the batch applies");
    QTest::newRow("SET LOCAL search_path")
        << QStringLiteral("SET LOCAL search_path = x, public") << applies;
    QTest::newRow("SET LOCAL \"search_path\"")
        << QStringLiteral("set local \"search_path\" to x") << applies;
    QTest::newRow("SET LOCAL session_replication_role")
        << QStringLiteral("SET LOCAL session_replication_role = origin") << applies;
    QTest::newRow("SET LOCAL row_security")
        << QStringLiteral("SET LOCAL row_security = on") << applies;
    QTest::newRow("SET LOCAL ferry.apply_session")
        << QStringLiteral("SET LOCAL ferry.apply_session = off") << applies;
    QTest::newRow("PREPARE") << QStringLiteral("PREPARE p AS SELECT 1") << prepared;
    QTest::newRow("DEALLOCATE") << QStringLiteral("DEALLOCATE ALL") << prepared;
    QTest::newRow("LISTEN") << QStringLiteral("LISTEN chan") << reset;
    QTest::newRow("UNLISTEN") << QStringLiteral("UNLISTEN *") << reset;
    QTest::newRow("LOAD") << QStringLiteral("LOAD 'auto_explain'") << reset;
    QTest::newRow("DECLARE WITH HOLD")
        << QStringLiteral("DECLARE c CURSOR WITH HOLD FOR SELECT 1") << QStringLiteral("WITH HOLD");
    QTest::newRow("CREATE TEMP TABLE")
        << QStringLiteral("CREATE TEMP TABLE t (a int)") << temporary;
    QTest::newRow("CREATE GLOBAL TEMPORARY TABLE")
        << QStringLiteral("create global temporary table t (a int) on commit delete rows")
        << temporary;
    QTest::newRow("CREATE OR REPLACE TEMP VIEW")
        << QStringLiteral("CREATE OR REPLACE TEMP VIEW v AS SELECT 1") << temporary;
    QTest::newRow("VACUUM") << QStringLiteral("VACUUM (ANALYZE) x.t") << outside;
    QTest::newRow("CREATE DATABASE") << QStringLiteral("CREATE DATABASE d") << outside;
    QTest::newRow("DROP DATABASE") << QStringLiteral("DROP DATABASE IF EXISTS d") << outside;
    QTest::newRow("CREATE TABLESPACE")
        << QStringLiteral("CREATE TABLESPACE s LOCATION '/x'") << outside;
    QTest::newRow("CREATE INDEX CONCURRENTLY")
        << QStringLiteral("CREATE INDEX CONCURRENTLY i ON x.t (a)") << outside;
    QTest::newRow("CREATE UNIQUE INDEX CONCURRENTLY")
        << QStringLiteral("create unique index concurrently on x.t (a)") << outside;
    QTest::newRow("DROP INDEX CONCURRENTLY")
        << QStringLiteral("DROP INDEX CONCURRENTLY x.i") << outside;
    QTest::newRow("REINDEX CONCURRENTLY")
        << QStringLiteral("REINDEX TABLE CONCURRENTLY x.t") << outside;
    QTest::newRow("REINDEX (options) CONCURRENTLY")
        << QStringLiteral("REINDEX (VERBOSE) INDEX CONCURRENTLY x.i") << outside;
    QTest::newRow("REINDEX DATABASE") << QStringLiteral("REINDEX DATABASE d") << outside;
    QTest::newRow("ALTER SYSTEM") << QStringLiteral("ALTER SYSTEM SET work_mem = '1MB'") << outside;
    QTest::newRow("CLUSTER") << QStringLiteral("CLUSTER") << outside;
    QTest::newRow("CLUSTER VERBOSE") << QStringLiteral("CLUSTER VERBOSE") << outside;
    QTest::newRow("CLUSTER (VERBOSE)") << QStringLiteral("CLUSTER (VERBOSE)") << outside;
}

void TestScriptRewrite::refused()
{
    QFETCH(QString, statement);
    QFETCH(QString, why);
    const QString script = QStringLiteral("CREATE TABLE x.t (a int);\n-- then\n") + statement
                           + QStringLiteral(";\nSELECT 1;");
    auto s = splitScript(script);
    QVERIFY(!s);
    const QString message = s.error().message();
    QVERIFY2(message.startsWith(QStringLiteral("line 3 (")), qPrintable(message));
    QVERIFY2(message.contains(why), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));

    // A script queued before the root refused it stops a node, saying what to do there.
    auto r = rewriteScript(script, dst2());
    QVERIFY(!r);
    QVERIFY2(r.error().message().contains(why), qPrintable(r.error().message()));
    QVERIFY2(r.error().message().contains(QStringLiteral("skip-event")),
             qPrintable(r.error().message()));
}

// Transaction-scoped settings, and BEGIN/COMMIT that are no statement of their own.
void TestScriptRewrite::allowed()
{
    const QStringList fine{
        QStringLiteral("SET LOCAL lock_timeout = '5s'"),
        QStringLiteral("set local statement_timeout = 0"),
        QStringLiteral("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
        QStringLiteral("SET CONSTRAINTS ALL DEFERRED"),
        QStringLiteral("CREATE TEMP TABLE scratch (a int) ON COMMIT DROP"),
        QStringLiteral("DECLARE c CURSOR FOR SELECT 1"),
        QStringLiteral("CLUSTER x.t USING i"),
        QStringLiteral("CLUSTER VERBOSE x.t"),
        QStringLiteral("CREATE INDEX i ON x.t (a)"),
        QStringLiteral("REINDEX TABLE x.t"),
        QStringLiteral("UPDATE x.t SET a = 1"),
        QStringLiteral("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMIT; "
                       "SET ROLE app; END $$"),
        QStringLiteral("DO 'BEGIN RESET ALL; END'"),
        QStringLiteral("CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END"),
        QStringLiteral("SELECT \"commit\" FROM x.t"),
    };
    for (const QString &statement : fine) {
        auto s = splitScript(statement + QStringLiteral(";"));
        QVERIFY2(s, qPrintable(statement + QStringLiteral(": ")
                               + (s ? QString() : s.error().message())));
        QCOMPARE(s->size(), 1);
    }
}

void TestScriptRewrite::rewrite_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("expected");

    QTest::newRow("seed S8") << QStringLiteral(
        "alter table digoal_01.user_info add column c1 int;\n"
        "ALTER TABLE digoal_01.user_session ADD COLUMN c1 int;")
                             << QStringLiteral("alter table digoal_02.user_info1 add column c1 "
                                               "int | ALTER TABLE digoal_02.user_session1 ADD "
                                               "COLUMN c1 int");
    QTest::newRow("case folded, quoted names")
        << QStringLiteral("ALTER TABLE DIGOAL_01.\"user_info\" ADD c2 int")
        << QStringLiteral("ALTER TABLE digoal_02.user_info1 ADD c2 int");
    QTest::newRow("spaces and a comment in the name")
        << QStringLiteral("ALTER TABLE digoal_01 . /* x */ user_info ADD c2 int")
        << QStringLiteral("ALTER TABLE digoal_02.user_info1 ADD c2 int");
    QTest::newRow("quoted destination where needed")
        << QStringLiteral("CREATE INDEX ON \"Mixed Case\".\"T.1\" (a)")
        << QStringLiteral("CREATE INDEX ON dst.\"User\" (a)");
    QTest::newRow("unicode-escaped name")
        << QStringLiteral("ALTER TABLE U&\"d\\0069goal_01\".user_info ADD c2 int")
        << QStringLiteral("ALTER TABLE digoal_02.user_info1 ADD c2 int");
    QTest::newRow("a string is not rewritten")
        << QStringLiteral("COMMENT ON TABLE digoal_01.user_info IS 'user_info, digoal_01.x'")
        << QStringLiteral("COMMENT ON TABLE digoal_02.user_info1 IS 'user_info, digoal_01.x'");
    QTest::newRow("E'' string") << QStringLiteral("SELECT E'digoal_01.user\\' x'")
                                << QStringLiteral("SELECT E'digoal_01.user\\' x'");
    QTest::newRow("a comment") << QStringLiteral(
        "SELECT /* digoal_01.user_info /* user_info */ */ 1 -- digoal_01.other\n, 2")
                               << QStringLiteral("SELECT /* digoal_01.user_info /* user_info */ "
                                                 "*/ 1 -- digoal_01.other\n, 2");
    QTest::newRow("a dollar quote")
        << QStringLiteral("DO $x$ BEGIN ALTER TABLE x.other ADD c int; END $x$")
        << QStringLiteral("DO $x$ BEGIN ALTER TABLE x.other ADD c int; END $x$");
    QTest::newRow("a dollar quote naming a table kept under its name")
        << QStringLiteral("DO $$ BEGIN EXECUTE 'ALTER TABLE public.kept ADD c int'; END $$")
        << QStringLiteral("DO $$ BEGIN EXECUTE 'ALTER TABLE public.kept ADD c int'; END $$");
    QTest::newRow("a column named like a replicated schema")
        << QStringLiteral("UPDATE digoal_01.user_info SET digoal_01 = 1")
        << QStringLiteral("UPDATE digoal_02.user_info1 SET digoal_01 = 1");
    QTest::newRow("a schema that holds no replicated table")
        << QStringLiteral("DROP SCHEMA x CASCADE") << QStringLiteral("DROP SCHEMA x CASCADE");
    QTest::newRow("a trigger renamed")
        << QStringLiteral("ALTER TRIGGER t ON digoal_01.user_info RENAME TO t2")
        << QStringLiteral("ALTER TRIGGER t ON digoal_02.user_info1 RENAME TO t2");
    QTest::newRow("a policy renamed")
        << QStringLiteral("ALTER POLICY p ON digoal_01.user_info RENAME TO p2")
        << QStringLiteral("ALTER POLICY p ON digoal_02.user_info1 RENAME TO p2");
    QTest::newRow("a rule renamed")
        << QStringLiteral("ALTER RULE r ON digoal_01.user_info RENAME TO r2")
        << QStringLiteral("ALTER RULE r ON digoal_02.user_info1 RENAME TO r2");
    QTest::newRow("a column qualified by an alias")
        << QStringLiteral("UPDATE digoal_01.user_info u SET c = 1 WHERE u.c = 2")
        << QStringLiteral("UPDATE digoal_02.user_info1 u SET c = 1 WHERE u.c = 2");
    QTest::newRow("a column qualified by a table name kept here")
        << QStringLiteral("UPDATE public.kept SET c = 1 WHERE kept.c = 2")
        << QStringLiteral("UPDATE public.kept SET c = 1 WHERE kept.c = 2");
    QTest::newRow("a BEGIN ATOMIC body, whole")
        << QStringLiteral("CREATE FUNCTION f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC "
                          "SELECT 1; SELECT count(*) FROM digoal_01.user_info; END; SELECT 2")
        << QStringLiteral("CREATE FUNCTION f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC "
                          "SELECT 1; SELECT count(*) FROM digoal_02.user_info1; END | SELECT 2");
    QTest::newRow("a rule's actions, whole")
        << QStringLiteral("CREATE RULE r AS ON DELETE TO digoal_01.user_info DO ALSO "
                          "(NOTIFY a; NOTIFY b)")
        << QStringLiteral("CREATE RULE r AS ON DELETE TO digoal_02.user_info1 DO ALSO "
                          "(NOTIFY a; NOTIFY b)");
    QTest::newRow("quoted name with a dot in it")
        << QStringLiteral("CREATE TABLE public.\"digoal_01.user_info\" (a int)")
        << QStringLiteral("CREATE TABLE public.\"digoal_01.user_info\" (a int)");
    QTest::newRow("unicode-escaped quoted name with a dot")
        << QStringLiteral("CREATE TABLE public.U&\"digoal_01\\002euser_info\" (a int)")
        << QStringLiteral("CREATE TABLE public.U&\"digoal_01\\002euser_info\" (a int)");
    QTest::newRow("another schema's table") << QStringLiteral("ALTER TABLE x.y ADD c int")
                                            << QStringLiteral("ALTER TABLE x.y ADD c int");
    QTest::newRow("not subscribed here: skipped")
        << QStringLiteral("ALTER TABLE digoal_01.other ADD c int")
        << QStringLiteral("skip: this node does not replicate digoal_01.other");
    QTest::newRow("one skipped, one run")
        << QStringLiteral("ALTER TABLE digoal_01.other ADD c int; CREATE TABLE x.t (a int)")
        << QStringLiteral("skip: this node does not replicate digoal_01.other | CREATE TABLE "
                          "x.t (a int)");
    QTest::newRow("a column renamed")
        << QStringLiteral("ALTER TABLE digoal_01.user_info RENAME COLUMN a TO b")
        << QStringLiteral("ALTER TABLE digoal_02.user_info1 RENAME COLUMN a TO b");
    QTest::newRow("an unsubscribed table renamed: skipped")
        << QStringLiteral("ALTER TABLE digoal_01.other RENAME TO other2")
        << QStringLiteral("skip: this node does not replicate digoal_01.other");
    QTest::newRow("keywords and columns are no tables")
        << QStringLiteral("UPDATE digoal_01.user_info SET c1 = 0 WHERE c1 IS NULL")
        << QStringLiteral("UPDATE digoal_02.user_info1 SET c1 = 0 WHERE c1 IS NULL");
}

void TestScriptRewrite::rewrite()
{
    QFETCH(QString, script);
    QFETCH(QString, expected);
    QCOMPARE(described(script), expected);
}

void TestScriptRewrite::unsure_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("expected");

    QTest::newRow("unqualified") << QStringLiteral("SELECT 1;\nALTER TABLE user_info ADD c int")
                                 << QStringLiteral("line 2 of the script (ALTER TABLE user_info "
                                                   "ADD c int): user_info is the name of a "
                                                   "replicated table without its schema");
    QTest::newRow("subscribed and not")
        << QStringLiteral("INSERT INTO digoal_01.user_info SELECT * FROM digoal_01.other")
        << QStringLiteral("it names digoal_01.user_info, which this node replicates, and "
                          "digoal_01.other, which it does not");
    QTest::newRow("three-part name")
        << QStringLiteral("ALTER TABLE db.digoal_01.user_info ADD c int")
        << QStringLiteral("db.digoal_01.user_info names a replicated table in a three-part name");
    QTest::newRow("rename a subscribed table")
        << QStringLiteral("ALTER TABLE digoal_01.user_info RENAME TO user_info2")
        << QStringLiteral("renames or moves digoal_01.user_info, which this node keeps under its "
                          "own name");
    QTest::newRow("move a subscribed table")
        << QStringLiteral("ALTER TABLE digoal_01.user_info SET SCHEMA x")
        << QStringLiteral("renames or moves digoal_01.user_info");
    QTest::newRow("rename with IF EXISTS ONLY")
        << QStringLiteral("ALTER TABLE IF EXISTS ONLY digoal_01.user_info RENAME TO x")
        << QStringLiteral("renames or moves digoal_01.user_info");
    // PostgreSQL lets ALTER INDEX rename a table.
    QTest::newRow("ALTER INDEX renames a subscribed table")
        << QStringLiteral("ALTER INDEX IF EXISTS digoal_01.user_info RENAME TO x")
        << QStringLiteral("renames or moves digoal_01.user_info");
    QTest::newRow("DROP SCHEMA")
        << QStringLiteral("DROP SCHEMA digoal_01 CASCADE")
        << QStringLiteral("it names the schema digoal_01, which holds replicated tables");
    QTest::newRow("DROP SCHEMA IF EXISTS, a list")
        << QStringLiteral("DROP SCHEMA IF EXISTS x, DIGOAL_01")
        << QStringLiteral("it names the schema digoal_01");
    QTest::newRow("ALTER SCHEMA RENAME") << QStringLiteral("ALTER SCHEMA digoal_01 RENAME TO x")
                                         << QStringLiteral("it names the schema digoal_01");
    QTest::newRow("ALTER SCHEMA OWNER") << QStringLiteral("ALTER SCHEMA digoal_01 OWNER TO r")
                                        << QStringLiteral("it names the schema digoal_01");
    QTest::newRow("GRANT ON ALL TABLES IN SCHEMA")
        << QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA \"digoal_01\" TO r")
        << QStringLiteral("it names the schema digoal_01");
    QTest::newRow("a dollar-quoted body")
        << QStringLiteral("DO $$ BEGIN ALTER TABLE digoal_01.user_info ADD c int; END $$")
        << QStringLiteral("a string or dollar-quoted body names digoal_01.user_info, which is "
                          "not rewritten there");
    QTest::newRow("EXECUTE in a dollar-quoted body")
        << QStringLiteral("DO $f$ BEGIN EXECUTE 'ALTER TABLE Digoal_01 . \"user_info\" ADD c "
                          "int'; END $f$")
        << QStringLiteral("a string or dollar-quoted body names digoal_01.user_info");
    QTest::newRow("a table not replicated here, in a body")
        << QStringLiteral("DO $x$ BEGIN ALTER TABLE digoal_01.other ADD c int; END $x$")
        << QStringLiteral("a string or dollar-quoted body names digoal_01.other");
    QTest::newRow("a string")
        << QStringLiteral("COMMENT ON TABLE digoal_01.user_info IS 'was digoal_01.user_info'")
        << QStringLiteral("a string or dollar-quoted body names digoal_01.user_info");
    QTest::newRow("a string that is no SQL")
        << QStringLiteral("SELECT E'digoal_01.user_info\\' x'")
        << QStringLiteral("a string or dollar-quoted body names digoal_01.user_info");
    QTest::newRow("a column qualified by a renamed table's name")
        << QStringLiteral("UPDATE digoal_01.user_info SET c = 1 WHERE user_info.c = 2")
        << QStringLiteral("user_info.c qualifies a column with the table's name, which is "
                          "user_info1 on this node: give the table an alias");
    QTest::newRow("UESCAPE")
        << QStringLiteral("ALTER TABLE U&\"d!0069goal_01\" UESCAPE '!'.user_info ADD c int")
        << QStringLiteral("the name U&\"d!0069goal_01\" cannot be read for sure");
}

void TestScriptRewrite::unsure()
{
    QFETCH(QString, script);
    QFETCH(QString, expected);
    auto r = rewriteScript(script, dst2());
    QVERIFY(!r);
    QVERIFY2(r.error().message().contains(expected), qPrintable(r.error().message()));
    QVERIFY(r.error().message().contains(QStringLiteral("skip-event")));
    QVERIFY(!r.error().message().contains(QLatin1Char('\n')));
    // The script is queued and rewritten the same way each time: retrying cannot help.
    QVERIFY(!r.error().message().contains(QStringLiteral("retry")));
    if (!r.error().message().contains(QStringLiteral("renames or moves")))
        QVERIFY2(r.error().message().contains(
                     QStringLiteral("replace the event with this node's version of the script "
                                    "(replace-event), or run it here by hand and then "
                                    "skip-event")),
                 qPrintable(r.error().message()));
}

void TestScriptRewrite::quoting()
{
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("user_info1")), QStringLiteral("user_info1"));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("User")), QStringLiteral("\"User\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("user")), QStringLiteral("\"user\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("1a")), QStringLiteral("\"1a\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("a\"b")), QStringLiteral("\"a\"\"b\""));
}

// Each statement says which replicated tables it names (the root locks
// them, a node waits only for their copies): run, skipped or neither.
void TestScriptRewrite::namedTables()
{
    auto r = rewriteScript(QStringLiteral("ALTER TABLE digoal_01.user_info ADD c int;\n"
                                          "SELECT 1;\n"
                                          "UPDATE digoal_01.other SET v = 'x';\n"
                                          "INSERT INTO digoal_01.user_session SELECT * FROM "
                                          "digoal_01.user_info u WHERE u.userid < 5"),
                           dst2());
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->size(), 4);
    QCOMPARE(r->at(0).tables, QList<int>{0});
    QCOMPARE(r->at(1).tables, QList<int>{});
    QVERIFY(r->at(2).skipped());
    QCOMPARE(r->at(2).tables, QList<int>{2});
    QCOMPARE(r->at(3).tables, (QList<int>{1, 0}));
}

QTEST_APPLESS_MAIN(TestScriptRewrite)
#include "tst_scriptrewrite.moc"
