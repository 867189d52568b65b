// The SQL lexer: what is a string, a quoted name, a comment, so a user's
// expression can be checked without guessing (add-table --copy-condition),
// and checkConditionText() on top of it.
#include "db/sqllexer.h"
#include "replication/rowcondition.h"
#include "testutil.h"

#include <QTest>

using namespace ferry;

Q_DECLARE_METATYPE(SqlToken::Kind)

class TestSqlLexer : public QObject
{
    Q_OBJECT

private slots:
    void tokens_data();
    void tokens();
    void unterminated_data();
    void unterminated();
    void conditions_data();
    void conditions();
};

namespace {

// "kind:text" per token, spaces left out.
QStringList described(const QString &sql)
{
    auto tokens = tokenizeSql(sql);
    if (!tokens)
        return {QStringLiteral("error: ") + tokens.error().message()};
    QStringList out;
    qsizetype covered = 0;
    for (const SqlToken &t : *tokens) {
        if (t.start != covered)
            return {QStringLiteral("gap at %1").arg(covered)};
        covered = t.start + t.length;
        static const char *names[]
            = {"space", "comment", "ident", "qident", "string", "number", "param", "op", "punct"};
        if (t.kind != SqlToken::Kind::Space)
            out.append(QLatin1String(names[int(t.kind)]) + QLatin1Char(':')
                       + t.text(sql).toString());
    }
    if (covered != sql.size())
        return {QStringLiteral("not covered")};
    return out;
}

QStringList expect(std::initializer_list<const char *> texts)
{
    QStringList out;
    for (const char *t : texts)
        out.append(QString::fromUtf8(t));
    return out;
}

} // namespace

void TestSqlLexer::tokens_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("plain") << QStringLiteral("userid<1000")
                           << expect({"ident:userid", "op:<", "number:1000"});
    QTest::newRow("quoted name with quote")
        << QStringLiteral("\"My \"\"Col\"\" ;\" = 1")
        << expect({"qident:\"My \"\"Col\"\" ;\"", "op:=", "number:1"});
    QTest::newRow("unicode name") << QStringLiteral("U&\"d\\0061t\" > 0")
                                  << expect({"qident:U&\"d\\0061t\"", "op:>", "number:0"});
    QTest::newRow("string with ; and ''")
        << QStringLiteral("a = 'it''s; (') AND b")
        << expect({"ident:a", "op:=", "string:'it''s; ('", "punct:)", "ident:AND", "ident:b"});
    QTest::newRow("E string") << QStringLiteral("x = E'\\' ;' ;")
                              << expect({"ident:x", "op:=", "string:E'\\' ;'", "punct:;"});
    QTest::newRow("standard string keeps backslash")
        << QStringLiteral("x = '\\' ;") << expect({"ident:x", "op:=", "string:'\\'", "punct:;"});
    QTest::newRow("bit, hex, national, unicode strings")
        << QStringLiteral("B'01' X'ff' N'n' U&'u'")
        << expect({"string:B'01'", "string:X'ff'", "string:N'n'", "string:U&'u'"});
    QTest::newRow("dollar quotes") << QStringLiteral("$$a;'$$ || $t$ $$ ) $t$")
                                   << expect({"string:$$a;'$$", "op:||", "string:$t$ $$ ) $t$"});
    QTest::newRow("parameter") << QStringLiteral("id = $12")
                               << expect({"ident:id", "op:=", "param:$12"});
    QTest::newRow("line comment") << QStringLiteral("a -- b ; )\n+ 1")
                                  << expect({"ident:a", "comment:-- b ; )", "op:+", "number:1"});
    QTest::newRow("nested comment") << QStringLiteral("a /* x /* y */ ; */ b")
                                    << expect({"ident:a", "comment:/* x /* y */ ; */", "ident:b"});
    QTest::newRow("operator then comment")
        << QStringLiteral("a +-- c\n1") << expect({"ident:a", "op:+", "comment:-- c", "number:1"});
    QTest::newRow("cast and numbers")
        << QStringLiteral("1.5e-3::numeric, .5")
        << expect({"number:1.5e-3", "op:::", "ident:numeric", "punct:,", "number:.5"});
    QTest::newRow("identifier with dollar") << QStringLiteral("a$b") << expect({"ident:a$b"});
    // Only ASCII digits make a parameter or a number: to the server `$٠$`
    // (ARABIC-INDIC DIGIT ZERO) opens a dollar quote, and `٠` is a name.
    QTest::newRow("non-ASCII digit after $ is a dollar quote tag")
        << QString::fromUtf8("$\u0660$ x; COMMIT; $\u0660$; \u0660")
        << expect({"string:$\u0660$ x; COMMIT; $\u0660$", "punct:;", "ident:\u0660"});
    // The server ends a -- comment at \r too.
    QTest::newRow("comment ends at CR")
        << QStringLiteral("a --x\r) b") << expect({"ident:a", "comment:--x", "punct:)", "ident:b"});
    // A no-break space is part of a name to the server.
    QTest::newRow("no-break space is a name's")
        << QString::fromUtf8("a\u00a0b") << expect({"ident:a\u00a0b"});
}

void TestSqlLexer::tokens()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, expected);
    QCOMPARE(described(sql), expected);
}

void TestSqlLexer::unterminated_data()
{
    QTest::addColumn<QString>("sql");
    QTest::newRow("string") << QStringLiteral("a = 'x");
    QTest::newRow("E string") << QStringLiteral("a = E'x\\'");
    QTest::newRow("quoted name") << QStringLiteral("\"x");
    QTest::newRow("comment") << QStringLiteral("a /* /* */");
    QTest::newRow("dollar") << QStringLiteral("$q$ x $Q$");
}

void TestSqlLexer::unterminated()
{
    QFETCH(QString, sql);
    auto tokens = tokenizeSql(sql);
    QVERIFY(!tokens);
    QVERIFY2(tokens.error().message().contains(QStringLiteral("is not closed")),
             qPrintable(tokens.error().message()));
}

void TestSqlLexer::conditions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("refusal"); // empty: accepted
    QTest::newRow("seed") << QStringLiteral("userid<1000") << QString();
    QTest::newRow("parentheses") << QStringLiteral("(a < 1 OR b IN (1, 2)) AND c[1] = 2")
                                 << QString();
    QTest::newRow("; in a string") << QStringLiteral("name <> ';)'") << QString();
    QTest::newRow("trailing comment") << QStringLiteral("a < 1 -- the first ones") << QString();
    QTest::newRow("second statement")
        << QStringLiteral("a < 1; DELETE FROM t") << QStringLiteral("holds a ';'");
    QTest::newRow("breaks out") << QStringLiteral("true) OR (true")
                                << QStringLiteral("closes a parenthesis");
    QTest::newRow("left open") << QStringLiteral("(a < 1")
                               << QStringLiteral("leaves a parenthesis open");
    QTest::newRow("only a comment") << QStringLiteral("/* */ -- x") << QStringLiteral("empty");
    QTest::newRow("unclosed string") << QStringLiteral("a = 'x") << QStringLiteral("not closed");
    QTest::newRow("comment to CR, then a statement")
        << QStringLiteral("true --\r) ; CREATE TABLE x (i int); SELECT (1")
        << QStringLiteral("closes a parenthesis");
    QTest::newRow("string continued on another line")
        << QStringLiteral("'a''' = E'a'\n'\\'' ) ; SELECT (true --'")
        << QStringLiteral("continues a string on another line");
}

void TestSqlLexer::conditions()
{
    QFETCH(QString, condition);
    QFETCH(QString, refusal);
    auto checked = checkConditionText(condition);
    if (refusal.isEmpty()) {
        QVERIFY2(checked.ok(), qPrintable(checked ? QString() : checked.error().message()));
        return;
    }
    QVERIFY(!checked);
    QVERIFY2(checked.error().message().contains(refusal), qPrintable(checked.error().message()));
}

QTEST_GUILESS_MAIN(TestSqlLexer)
#include "tst_sqllexer.moc"
