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
    void rewrite_data();
    void rewrite();
    void unsure_data();
    void unsure();
    void quoting();
};

namespace {

// The seed's dst2: digoal_01.user_info -> digoal_02.user_info1; user_session
// renamed too; digoal_01.other is replicated but not subscribed here.
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
    QTest::newRow("a name inside a string is not rewritten")
        << QStringLiteral("COMMENT ON TABLE digoal_01.user_info IS 'was digoal_01.user_info'")
        << QStringLiteral("COMMENT ON TABLE digoal_02.user_info1 IS 'was digoal_01.user_info'");
    QTest::newRow("E'' string") << QStringLiteral("SELECT E'digoal_01.user_info\\' x'")
                                << QStringLiteral("SELECT E'digoal_01.user_info\\' x'");
    QTest::newRow("a comment") << QStringLiteral(
        "SELECT /* digoal_01.user_info /* user_info */ */ 1 -- digoal_01.other\n, 2")
                               << QStringLiteral("SELECT /* digoal_01.user_info /* user_info */ "
                                                 "*/ 1 -- digoal_01.other\n, 2");
    QTest::newRow("a dollar quote")
        << QStringLiteral("DO $x$ BEGIN ALTER TABLE digoal_01.other ADD c int; END $x$")
        << QStringLiteral("DO $x$ BEGIN ALTER TABLE digoal_01.other ADD c int; END $x$");
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
}

void TestScriptRewrite::quoting()
{
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("user_info1")), QStringLiteral("user_info1"));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("User")), QStringLiteral("\"User\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("user")), QStringLiteral("\"user\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("1a")), QStringLiteral("\"1a\""));
    QCOMPARE(quoteNameIfNeeded(QStringLiteral("a\"b")), QStringLiteral("\"a\"\"b\""));
}

QTEST_APPLESS_MAIN(TestScriptRewrite)
#include "tst_scriptrewrite.moc"
