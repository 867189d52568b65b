// R5 (issue 10): text arrives as it left. Every Ferry connection uses
// client_encoding = UTF8 (whatever the config's connection string or the
// database's default says), so a LATIN1 leaf converts what a UTF8 root sends;
// a character the leaf's encoding cannot hold is an error naming the table
// and the row's key, never mojibake. The test's own sessions say
// client_encoding=UTF8 themselves, so what they read is what the node holds.
#include "cascadefixture.h"
#include "testutil.h"

#include <QTest>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kLatin1 = QStringLiteral("ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE "
                                       "template0");

QString utf8(const QString &connectionString)
{
    return connectionString + QStringLiteral(" client_encoding=UTF8");
}

// The first column of every row of `query`, read as a UTF8 client.
Result<QStringList> column(CascadeFixture &f, const QString &connectionString, const QString &query)
{
    auto c = f.sql(utf8(connectionString));
    if (!c)
        return c.error();
    auto r = c->exec(query);
    if (!r)
        return r.error();
    return r->column(0);
}

Result<QStringList> rowsOf(CascadeFixture &f, const QString &connectionString, const QString &table)
{
    return column(f, connectionString,
                  QStringLiteral("SELECT ROW(id, s)::text FROM %1 ORDER BY id").arg(table));
}

CascadeFixture::Options latin1Leaves(const QStringList &names)
{
    CascadeFixture::Options options;
    options.leafDatabases = names;
    options.leafDatabaseOptions = kLatin1;
    return options;
}

// Forces a tick and waits until the leaf either applied it or stopped on an
// error (node or table); returns the node's error, empty when it applied.
Result<QString> appliedOrFailed(CascadeFixture &f,
                                const QString &leafDatabase = QStringLiteral("leaf"))
{
    auto tick = f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)"));
    if (!tick)
        return tick.error();
    if (auto r = f.waitFor(utf8(f.leafAdminDb(leafDatabase)),
                           QStringLiteral("SELECT (SELECT last_error IS NOT NULL FROM "
                                          "ferry.node_info) OR coalesce((SELECT tick_id FROM "
                                          "ferry.completed_tick), 0) >= %1")
                               .arg(*tick));
        !r)
        return r.error();
    return f.value(utf8(f.leafAdminDb(leafDatabase)),
                   QStringLiteral("SELECT coalesce(last_error, '') FROM ferry.node_info"));
}

} // namespace

class TestR5Text : public QObject
{
    Q_OBJECT
private slots:
    // Issue 10, item 10 (R5). UTF8 root, two LATIN1 leaves: "leaf" with the
    // config's plain connection string, "leaf2" with client_encoding=LATIN1
    // in its config's db. Row 1 'café' reaches them by the initial copy, row
    // 2 'naïve Ærø' and an update of row 1 by batches. Read back as UTF8,
    // every leaf holds exactly the root's text. The old worker never set
    // client_encoding: the leaf read the UTF8 bytes as LATIN1 and stored
    // 'cafÃ©' without a word.
    void latin1LeafReceivesTextAsItLeft()
    {
        CascadeFixture f(latin1Leaves({QStringLiteral("leaf"), QStringLiteral("leaf2")}));
        QVERIFY_RESULT(f.start());
        const QString ddl = QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, s text)");
        for (const QString &db : {f.rootDb(), f.leafAdminDb(QStringLiteral("leaf")),
                                  f.leafAdminDb(QStringLiteral("leaf2"))})
            QVERIFY_RESULT(f.value(utf8(db), ddl));
        QVERIFY_RESULT(
            f.value(utf8(f.rootDb()), QStringLiteral("INSERT INTO public.t VALUES (1, 'café')")));
        QVERIFY_RESULT(f.createRootAndLeaves());
        // leaf2's worker asks for LATIN1 itself; Ferry must still talk UTF8.
        const QString leaf2 = f.writeConfig(QStringLiteral("leaf2"), QStringLiteral("leaf2_job"),
                                            f.leafDb(QStringLiteral("leaf2"))
                                                + QStringLiteral(" client_encoding=LATIN1"));
        QCOMPARE(leaf2, f.leafIni(QStringLiteral("leaf2")));
        QVERIFY_RESULT(
            f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("public.t")}));
        for (const QString &ini : {f.leafIni(), leaf2})
            QVERIFY_RESULT(
                f.ferryOk({ini, QStringLiteral("add-table"), QStringLiteral("public.t")}));
        for (const QString &ini : {f.rootIni(), f.leafIni(), leaf2})
            QVERIFY_RESULT(f.startWorker(ini));
        for (const QString &leaf : {QStringLiteral("leaf"), QStringLiteral("leaf2")})
            QVERIFY_RESULT(f.waitSynced(leaf));

        QVERIFY_RESULT(f.value(utf8(f.rootDb()),
                               QStringLiteral("INSERT INTO public.t VALUES (2, 'naïve Ærø'); "
                                              "INSERT INTO public.t VALUES (3, 'plain')")));
        for (const QString &leaf : {QStringLiteral("leaf"), QStringLiteral("leaf2")})
            QVERIFY_RESULT(f.waitSynced(leaf));
        QVERIFY_RESULT(
            f.value(utf8(f.rootDb()), QStringLiteral("UPDATE public.t SET s = s || ' ÿ£' "
                                                     "WHERE id IN (1, 3)")));
        for (const QString &leaf : {QStringLiteral("leaf"), QStringLiteral("leaf2")})
            QVERIFY_RESULT(f.waitSynced(leaf));

        const QStringList expected
            = {QStringLiteral("(1,\"café ÿ£\")"), QStringLiteral("(2,\"naïve Ærø\")"),
               QStringLiteral("(3,\"plain ÿ£\")")};
        auto root = rowsOf(f, f.rootDb(), QStringLiteral("public.t"));
        QVERIFY_RESULT(root);
        QCOMPARE(*root, expected);
        for (const QString &leaf : {QStringLiteral("leaf"), QStringLiteral("leaf2")}) {
            auto rows = rowsOf(f, f.leafAdminDb(leaf), QStringLiteral("public.t"));
            QVERIFY_RESULT(rows);
            QVERIFY2(*rows == expected, qPrintable(QStringLiteral("%1 holds %2, the root %3")
                                                       .arg(leaf, rows->join(QStringLiteral(" ")),
                                                            expected.join(QStringLiteral(" ")))));
        }
    }

    // Issue 10, item 10 (R5), apply path. After rows 1-2 are in sync, the
    // root inserts (3, '中文'), which LATIN1 cannot hold. The leaf stops on
    // that batch with an error naming public.t and the key (id)=(3); rows
    // 1-2 stay as they were and row 3 is not there. The old leaf stored the
    // UTF8 bytes as LATIN1 characters (mojibake) and went on.
    void characterLeafCannotHoldIsAnErrorNamingTableAndKey()
    {
        CascadeFixture f(latin1Leaves({QStringLiteral("leaf")}));
        QVERIFY_RESULT(f.start());
        for (const QString &db : {f.rootDb(), f.leafAdminDb()})
            QVERIFY_RESULT(f.value(
                utf8(db), QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, s text)")));
        QVERIFY_RESULT(f.createRootAndLeaves());
        for (const QString &ini : {f.rootIni(), f.leafIni()}) {
            QVERIFY_RESULT(
                f.ferryOk({ini, QStringLiteral("add-table"), QStringLiteral("public.t")}));
            QVERIFY_RESULT(f.startWorker(ini));
        }
        QVERIFY_RESULT(f.value(utf8(f.rootDb()), QStringLiteral("INSERT INTO public.t VALUES (1, "
                                                                "'café'), (2, 'Ærø')")));
        QVERIFY_RESULT(f.waitSynced());

        QVERIFY_RESULT(
            f.value(utf8(f.rootDb()), QStringLiteral("INSERT INTO public.t VALUES (3, '中文')")));
        auto error = appliedOrFailed(f);
        QVERIFY_RESULT(error);
        auto rows = rowsOf(f, f.leafAdminDb(), QStringLiteral("public.t"));
        QVERIFY_RESULT(rows);
        const QString seen = QStringLiteral("node error: '%1'; leaf rows: %2")
                                 .arg(*error, rows->join(QStringLiteral(" ")));
        QVERIFY2(error->contains(QLatin1String("public.t"))
                     && error->contains(QLatin1String("(id)=(3)")),
                 qPrintable(seen));
        QVERIFY2(*rows == QStringList({QStringLiteral("(1,café)"), QStringLiteral("(2,Ærø)")}),
                 qPrintable(seen));
        const FerryRun status = f.ferry({f.leafIni(), QStringLiteral("status")});
        QVERIFY2(status.out.contains(QLatin1String("ERR:"))
                     && status.out.contains(QLatin1String("(id)=(3)")),
                 qPrintable(status.out + status.err));
    }

    // Issue 10, item 10 (R5), copy path. public.u holds (6, 'ok') and
    // (7, '中') on the root before the leaf subscribes: the leaf's copy
    // cannot store row 7, so the table shows an error naming the key
    // (id)=(7) in `tables`, and the leaf holds no rows of public.u (a copy
    // is all or nothing). The old copy stored mojibake and said ok.
    void characterLeafCannotHoldFailsTheCopyNamingTheKey()
    {
        CascadeFixture f(latin1Leaves({QStringLiteral("leaf")}));
        QVERIFY_RESULT(f.start());
        for (const QString &db : {f.rootDb(), f.leafAdminDb()})
            QVERIFY_RESULT(f.value(
                utf8(db), QStringLiteral("CREATE TABLE public.u (id int PRIMARY KEY, s text)")));
        QVERIFY_RESULT(f.value(utf8(f.rootDb()),
                               QStringLiteral("INSERT INTO public.u VALUES (6, 'ok'), (7, '中')")));
        QVERIFY_RESULT(f.createRootAndLeaves());
        for (const QString &ini : {f.rootIni(), f.leafIni()}) {
            QVERIFY_RESULT(
                f.ferryOk({ini, QStringLiteral("add-table"), QStringLiteral("public.u")}));
            QVERIFY_RESULT(f.startWorker(ini));
        }
        // The copy has either failed or (wrongly) finished.
        QVERIFY_RESULT(f.waitFor(utf8(f.leafAdminDb()),
                                 QStringLiteral("SELECT last_error IS NOT NULL OR merge_state <> "
                                                "'in-copy' FROM ferry.node_table WHERE "
                                                "source_name = 'u'")));
        const FerryRun tables = f.ferry({f.leafIni(), QStringLiteral("tables")});
        auto rows = rowsOf(f, f.leafAdminDb(), QStringLiteral("public.u"));
        QVERIFY_RESULT(rows);
        const QString seen = QStringLiteral("tables (exit %1): %2%3; leaf rows: %4")
                                 .arg(tables.exitCode)
                                 .arg(tables.out, tables.err, rows->join(QStringLiteral(" ")));
        bool named = false;
        for (const QString &line : tables.out.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("public.u"))
                && line.contains(QLatin1String("(id)=(7)")))
                named = true;
        }
        QVERIFY2(named, qPrintable(seen));
        QVERIFY2(rows->isEmpty(), qPrintable(seen));
    }
};

QTEST_GUILESS_MAIN(TestR5Text)
#include "tst_r5_text.moc"
