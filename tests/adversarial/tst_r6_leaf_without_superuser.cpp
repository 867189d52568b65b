// R6 (issue 10): a leaf without superuser applies what the root committed.
// The leaf configs connect as ferry_leaf, a plain role that owns the leaf
// database and its tables (no session_replication_role = replica for it:
// its foreign keys, identity and generated columns all stay in force).
// Identity and generated columns, foreign keys between subscribed tables and
// tables referenced by a foreign key each copy and apply, or `add-table`
// refuses them up front with the reason; never a retry loop.
#include "cascadefixture.h"
#include "testutil.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace ferry;
using namespace ferry::test;

namespace {

const int kSyncMs = 15000;

CascadeFixture::Options plainLeafRole()
{
    CascadeFixture::Options options;
    options.leafUser = QStringLiteral("ferry_leaf");
    return options;
}

// The fixture started, `rootDdl` run on the root and `leafDdl` on the leaf as
// the leaf's own role (so ferry_leaf owns the leaf tables), root and leaf
// created.
Result<void> setUp(CascadeFixture &f, const QString &rootDdl, const QString &leafDdl)
{
    if (auto r = f.start(); !r)
        return r;
    if (auto r = f.value(f.rootDb(), rootDdl); !r)
        return r.error();
    if (auto r = f.value(f.leafDb(), leafDdl); !r)
        return r.error();
    return f.createRootAndLeaves();
}

Result<void> addTables(CascadeFixture &f, const QString &ini, const QStringList &tables)
{
    if (auto r = f.ferryOk(QStringList{ini, QStringLiteral("add-table")} + tables); !r)
        return r.error();
    return {};
}

Result<void> startWorkers(CascadeFixture &f)
{
    if (auto r = f.startWorker(f.rootIni()); !r)
        return r;
    return f.startWorker(f.leafIni());
}

// Synced, and every table of `tables` equal on root and leaf; else what
// differs and the end of the leaf worker's log.
Result<void> syncedAndEqual(CascadeFixture &f, const QStringList &tables)
{
    if (auto r = f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), kSyncMs); !r)
        return Error(ErrorKind::Internal,
                     QStringLiteral("%1; the leaf worker's log ends: %2")
                         .arg(r.error().toString(), f.logOf(f.leafIni()).right(600)));
    for (const QString &t : tables) {
        auto diff = f.compare(t);
        if (!diff)
            return diff.error();
        if (!diff->isEmpty())
            return Error(ErrorKind::Internal, *diff);
    }
    return {};
}

const QString kParentChild = QStringLiteral(
    "CREATE TABLE public.parent (id int PRIMARY KEY, v text); CREATE TABLE public.child (id int "
    "PRIMARY KEY, parent_id int REFERENCES public.parent, v text)");

const QString kParentChildRows = QStringLiteral(
    "INSERT INTO public.parent SELECT g, 'p' || g FROM generate_series(1, 5) g; INSERT INTO "
    "public.child SELECT g, g % 5 + 1, 'c' || g FROM generate_series(1, 20) g");

const QStringList kBoth = {QStringLiteral("public.parent"), QStringLiteral("public.child")};

// The root's changes to parent and child, each waited for and compared.
Result<void> parentChildSteps(CascadeFixture &f)
{
    const QStringList steps = {
        // parent and child in one transaction
        QStringLiteral("BEGIN; INSERT INTO public.parent VALUES (10, 'p10'); INSERT INTO "
                       "public.child VALUES (100, 10, 'c100'); COMMIT"),
        // child, then its parent, deleted in one transaction
        QStringLiteral("BEGIN; DELETE FROM public.child WHERE id = 100; DELETE FROM "
                       "public.parent WHERE id = 10; COMMIT"),
        // children moved to a new parent, the old parent deleted
        QStringLiteral("BEGIN; INSERT INTO public.parent VALUES (20, 'p20'); UPDATE "
                       "public.child SET parent_id = 20 WHERE parent_id = 1; DELETE FROM "
                       "public.parent WHERE id = 1; COMMIT"),
        QStringLiteral("TRUNCATE public.parent, public.child"),
        QStringLiteral("INSERT INTO public.parent VALUES (30, 'p30'), (31, 'p31'); INSERT "
                       "INTO public.child VALUES (300, 30, 'c300'), (301, 31, 'c301')"),
    };
    for (const QString &step : steps) {
        if (auto r = f.value(f.rootDb(), step); !r)
            return r.error();
        if (auto r = syncedAndEqual(f, kBoth); !r)
            return Error(ErrorKind::Internal,
                         QStringLiteral("after %1: %2").arg(step, r.error().toString()));
    }
    return {};
}

} // namespace

class TestR6LeafWithoutSuperuser : public QObject
{
    Q_OBJECT
private slots:
    // Issue 10, item 8 (R6). The leaf's key is GENERATED ALWAYS AS IDENTITY
    // (the root's is a plain int): the copy and every insert, update and
    // delete after it apply, with the root's ids. The old apply's INSERT
    // failed with 428C9 (cannot insert a non-DEFAULT value into column id)
    // and the whole node stalled on that batch.
    void identityAlwaysKeyOnLeafApplies()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(setUp(f,
                             QStringLiteral("CREATE TABLE public.i (id int PRIMARY KEY, v text)"),
                             QStringLiteral("CREATE TABLE public.i (id int GENERATED ALWAYS AS "
                                            "IDENTITY PRIMARY KEY, v text)")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.i SELECT g, 'v' || g "
                                                          "FROM generate_series(1, 5) g")));
        QVERIFY_RESULT(addTables(f, f.rootIni(), {QStringLiteral("public.i")}));
        QVERIFY_RESULT(addTables(f, f.leafIni(), {QStringLiteral("public.i")}));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.i")}));

        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("INSERT INTO public.i VALUES (10, 'ten'), (11, "
                                               "'eleven'); UPDATE public.i SET v = 'two' WHERE id "
                                               "= 2; DELETE FROM public.i WHERE id = 3")));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.i")}));
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("BEGIN; INSERT INTO public.i VALUES (12, 'x'); "
                                               "UPDATE public.i SET v = 'y' WHERE id = 12; DELETE "
                                               "FROM public.i WHERE id = 10; COMMIT")));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.i")}));
    }

    // Issue 10, item 8 (R6). A GENERATED ALWAYS identity column that is not
    // the key (seq) on the leaf, a plain column on the root: the leaf could
    // only store the root's values by overriding its own, so add-table
    // refuses it up front naming the column and why. The old add-table
    // accepted it and every batch then failed with 428C9.
    void identityAlwaysNonKeyOnLeafIsRefused()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(
            setUp(f, QStringLiteral("CREATE TABLE public.i2 (id int PRIMARY KEY, seq int, v text)"),
                  QStringLiteral("CREATE TABLE public.i2 (id int PRIMARY KEY, seq int GENERATED "
                                 "ALWAYS AS IDENTITY, v text)")));
        QVERIFY_RESULT(addTables(f, f.rootIni(), {QStringLiteral("public.i2")}));
        const FerryRun run
            = f.ferry({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.i2")});
        QVERIFY2(run.exitCode == 1 && run.err.contains(QLatin1String("seq"))
                     && run.err.contains(QLatin1String("GENERATED")),
                 qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        auto subscribed
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM ferry.node_table"));
        QVERIFY_RESULT(subscribed);
        QCOMPARE(*subscribed, QStringLiteral("0"));
    }

    // Issue 10, item 8 ("also check GENERATED ... STORED columns on either
    // side", R6). (a) g generated on both: copy and events equal (the leaf
    // computes g itself); (b) generated on the root, a plain column on the
    // leaf: the leaf stores the root's values, equal; (c) plain on the root,
    // generated on the leaf: add-table refuses naming column g (the leaf
    // would hold other values than the root).
    void generatedColumns()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(setUp(
            f,
            QStringLiteral(
                "CREATE TABLE public.g (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * "
                "2) STORED); CREATE TABLE public.g2 (id int PRIMARY KEY, a int, g int GENERATED "
                "ALWAYS AS (a * 2) STORED); CREATE TABLE public.g3 (id int PRIMARY KEY, a int, g "
                "int)"),
            QStringLiteral(
                "CREATE TABLE public.g (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * "
                "2) STORED); CREATE TABLE public.g2 (id int PRIMARY KEY, a int, g int); CREATE "
                "TABLE public.g3 (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * 2) "
                "STORED)")));
        QVERIFY_RESULT(
            f.value(f.rootDb(),
                    QStringLiteral(
                        "INSERT INTO public.g (id, a) SELECT x, x FROM generate_series(1, 5) x; "
                        "INSERT INTO public.g2 (id, a) SELECT x, x FROM generate_series(1, 5) "
                        "x; INSERT INTO public.g3 SELECT x, x, 7 FROM generate_series(1, 5) x")));
        QVERIFY_RESULT(addTables(f, f.rootIni(),
                                 {QStringLiteral("public.g"), QStringLiteral("public.g2"),
                                  QStringLiteral("public.g3")}));

        // (a) and (b)
        QVERIFY_RESULT(
            addTables(f, f.leafIni(), {QStringLiteral("public.g"), QStringLiteral("public.g2")}));
        QVERIFY_RESULT(startWorkers(f));
        const QStringList tables = {QStringLiteral("public.g"), QStringLiteral("public.g2")};
        QVERIFY_RESULT(syncedAndEqual(f, tables));
        for (const QString &t : tables)
            QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO %1 (id, a) VALUES (6, "
                                                              "60), (7, 70); UPDATE %1 SET a = a + "
                                                              "100 WHERE id IN (2, 6); DELETE FROM "
                                                              "%1 WHERE id = 3")
                                                   .arg(t)));
        QVERIFY_RESULT(syncedAndEqual(f, tables));
        auto g = f.value(f.leafAdminDb(),
                         QStringLiteral("SELECT string_agg(format('%s:%s', id, g), ' ' ORDER BY "
                                        "id) FROM public.g2"));
        QVERIFY_RESULT(g);
        QCOMPARE(*g, QStringLiteral("1:2 2:204 4:8 5:10 6:320 7:140"));

        // (c): refused, and nothing of it subscribed.
        const FerryRun run
            = f.ferry({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.g3")});
        static const QRegularExpression columnG(QStringLiteral("\\bg\\b"));
        QVERIFY2(run.exitCode == 1 && columnG.match(run.err).hasMatch()
                     && run.err.contains(QLatin1String("generated"), Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));

        auto subscribed = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM "
                                                                  "ferry.node_table WHERE "
                                                                  "source_name = 'g3'"));
        QVERIFY_RESULT(subscribed);
        QCOMPARE(*subscribed, QStringLiteral("0"));
    }

    // Issue 10, item 9 (R6). parent and child (child.parent_id REFERENCES
    // parent, NOT DEFERRABLE) on both sides, rows on the root before the
    // leaf adds both in one add-table. The copies succeed although parent
    // is referenced, and every change applies on a leaf whose foreign keys
    // stay in force: parent and child inserted in one transaction, child
    // then parent deleted in one, a child moved to a new parent and the old
    // parent deleted in one, TRUNCATE of both, new rows. The old copy's
    // TRUNCATE of parent failed (0A000) and was retried forever; the old
    // apply could delete the parent before its child (23503 forever).
    void foreignKeysBetweenSubscribedTables()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(setUp(f, kParentChild, kParentChild));
        QVERIFY_RESULT(f.value(f.rootDb(), kParentChildRows));
        QVERIFY_RESULT(addTables(f, f.rootIni(), kBoth));
        QVERIFY_RESULT(addTables(f, f.leafIni(), kBoth));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));

        QVERIFY_RESULT(parentChildSteps(f));
    }

    // Issue 10, item 9 (R6), the apply half on its own: the same leaf
    // without superuser, its foreign key added only once the copies are
    // done (so the old copy's TRUNCATE problem stays out of the way), then
    // the same changes. Parent and child changed in one batch must be
    // applied in an order the leaf's foreign key accepts. The old apply
    // took one table at a time (a DELETE of the parent before the child's)
    // and failed 23503 on every retry.
    void foreignKeyChangesApplyInOrderOnLeafWithoutSuperuser()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(setUp(f, kParentChild,
                             QStringLiteral("CREATE TABLE public.parent (id int PRIMARY KEY, v "
                                            "text); CREATE TABLE public.child (id int PRIMARY "
                                            "KEY, parent_id int, v text)")));
        QVERIFY_RESULT(f.value(f.rootDb(), kParentChildRows));
        QVERIFY_RESULT(addTables(f, f.rootIni(), kBoth));
        QVERIFY_RESULT(addTables(f, f.leafIni(), kBoth));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
        QVERIFY_RESULT(f.value(f.leafDb(), QStringLiteral("ALTER TABLE public.child ADD FOREIGN "
                                                          "KEY (parent_id) REFERENCES "
                                                          "public.parent")));
        QVERIFY_RESULT(parentChildSteps(f));
    }

    // Issue 10, item 9 (R6), with a superuser leaf (no leafUser) and the
    // foreign key on both sides from the start: the copies of a referenced
    // parent and its child succeed, TRUNCATE of both on the root empties
    // both on the leaf, and new rows replicate. The old copy's TRUNCATE of
    // parent failed (0A000) for a superuser too, and was retried forever.
    void referencedTablesCopyAndTruncateOnSuperuserLeaf()
    {
        CascadeFixture f;
        QVERIFY_RESULT(setUp(f, kParentChild, kParentChild));
        QVERIFY_RESULT(f.value(f.rootDb(), kParentChildRows));
        QVERIFY_RESULT(addTables(f, f.rootIni(), kBoth));
        QVERIFY_RESULT(addTables(f, f.leafIni(), kBoth));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("TRUNCATE public.parent, public.child")));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
        QVERIFY_RESULT(f.value(
            f.rootDb(), QStringLiteral("INSERT INTO public.parent VALUES (30, 'p30'); "
                                       "INSERT INTO public.child VALUES (300, 30, 'c300')")));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
    }

    // Issue 10, item 9 (R6), the TRUNCATE part with a superuser leaf (no
    // leafUser). The leaf's foreign key is added once the copies are done,
    // so the old copy's own TRUNCATE problem stays out of the way: then
    // `TRUNCATE public.parent, public.child` on the root must empty both on
    // the leaf, and later rows replicate. The old apply replayed the
    // TRUNCATE one table at a time, which PostgreSQL refuses for a
    // referenced table (0A000), even to a superuser: the node stalled.
    void truncateOfReferencedTablesAppliesOnSuperuserLeaf()
    {
        CascadeFixture f;
        QVERIFY_RESULT(setUp(f, kParentChild,
                             QStringLiteral("CREATE TABLE public.parent (id int PRIMARY KEY, v "
                                            "text); CREATE TABLE public.child (id int PRIMARY "
                                            "KEY, parent_id int, v text)")));
        QVERIFY_RESULT(f.value(f.rootDb(), kParentChildRows));
        QVERIFY_RESULT(addTables(f, f.rootIni(), kBoth));
        QVERIFY_RESULT(addTables(f, f.leafIni(), kBoth));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
        QVERIFY_RESULT(f.value(f.leafDb(), QStringLiteral("ALTER TABLE public.child ADD FOREIGN "
                                                          "KEY (parent_id) REFERENCES "
                                                          "public.parent")));

        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("TRUNCATE public.parent, public.child")));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
        auto left
            = f.value(f.leafDb(), QStringLiteral("SELECT (SELECT count(*) FROM public.parent) "
                                                 "+ (SELECT count(*) FROM public.child)"));
        QVERIFY_RESULT(left);
        QCOMPARE(*left, QStringLiteral("0"));
        QVERIFY_RESULT(f.value(
            f.rootDb(), QStringLiteral("INSERT INTO public.parent VALUES (30, 'p30'); "
                                       "INSERT INTO public.child VALUES (300, 30, 'c300')")));
        QVERIFY_RESULT(syncedAndEqual(f, kBoth));
    }

    // Issue 10, item 9 (R6). On the leaf (no superuser), public.p2 has rows
    // that rows of public.c2 reference, and c2 is not subscribed. The copy
    // of p2 would have to empty it first, which the foreign key forbids: so
    // add-table refuses p2 up front, naming public.c2. The old add-table
    // accepted it, and the copy then failed forever.
    void nonEmptyReferencedLeafTableRefusedUpFront()
    {
        CascadeFixture f(plainLeafRole());
        QVERIFY_RESULT(setUp(
            f, QStringLiteral("CREATE TABLE public.p2 (id int PRIMARY KEY, v text)"),
            QStringLiteral("CREATE TABLE public.p2 (id int PRIMARY KEY, v text); CREATE TABLE "
                           "public.c2 (id int PRIMARY KEY, p2_id int REFERENCES public.p2); "
                           "INSERT INTO public.p2 VALUES (1, 'local'), (2, 'local'); INSERT INTO "
                           "public.c2 VALUES (1, 1), (2, 2)")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.p2 VALUES (1, "
                                                          "'root'), (5, 'root')")));
        QVERIFY_RESULT(addTables(f, f.rootIni(), {QStringLiteral("public.p2")}));
        const FerryRun run
            = f.ferry({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.p2")});
        QVERIFY2(run.exitCode == 1 && run.err.contains(QLatin1String("public.c2")),
                 qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        auto rows = f.value(f.leafAdminDb(),
                            QStringLiteral("SELECT string_agg(format('%s:%s', id, v), ' ' ORDER BY "
                                           "id) FROM public.p2"));
        QVERIFY_RESULT(rows);
        QCOMPARE(*rows, QStringLiteral("1:local 2:local"));
    }

    // R1 under row security: a policy on a leaf table (FORCE ROW LEVEL
    // SECURITY binds its owner too) would silently keep the DELETE of a row
    // it hides from applying. Ferry's apply runs with row_security = off:
    // the batch fails, naming the table, and nothing is skipped; without the
    // policy it goes on.
    void rowSecurityCannotHideRowsFromApply()
    {
        CascadeFixture f(plainLeafRole());
        const QString ddl = QStringLiteral("CREATE TABLE public.rls (id int PRIMARY KEY, v text)");
        QVERIFY_RESULT(setUp(f, ddl, ddl));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.rls SELECT g, 'x' "
                                                          "FROM generate_series(1, 10) g")));
        QVERIFY_RESULT(addTables(f, f.rootIni(), {QStringLiteral("public.rls")}));
        QVERIFY_RESULT(addTables(f, f.leafIni(), {QStringLiteral("public.rls")}));
        QVERIFY_RESULT(startWorkers(f));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.rls")}));
        QVERIFY_RESULT(
            f.value(f.leafDb(), QStringLiteral("ALTER TABLE public.rls ENABLE ROW LEVEL SECURITY; "
                                               "ALTER TABLE public.rls FORCE ROW LEVEL SECURITY; "
                                               "CREATE POLICY hide5 ON public.rls USING (id <> 5) "
                                               "WITH CHECK (true)")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("DELETE FROM public.rls WHERE id = 5")));
        QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                                 QStringLiteral("SELECT last_error LIKE '%public.rls%' FROM "
                                                "ferry.node_table WHERE source_name = 'rls'"),
                                 kSyncMs));
        auto kept = f.value(f.leafAdminDb(),
                            QStringLiteral("SELECT count(*) FROM public.rls WHERE id = 5"));
        QVERIFY_RESULT(kept);
        QCOMPARE(*kept, QStringLiteral("1")); // held, not skipped: the batch waits
        QVERIFY_RESULT(f.value(f.leafDb(), QStringLiteral("DROP POLICY hide5 ON public.rls; "
                                                          "ALTER TABLE public.rls DISABLE ROW "
                                                          "LEVEL SECURITY")));
        QVERIFY_RESULT(f.stopWorker(f.leafIni()));
        QVERIFY_RESULT(f.startWorker(f.leafIni()));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.rls")}));
    }

    // A script through the queue (execute) applies on a leaf whose role is
    // not superuser: the role owns its tables and Ferry's record of applied
    // scripts. Without INSERT on that record the node stops at the script,
    // naming the GRANT; after it, retry applies the script once.
    void scriptAppliesOnLeafWithoutSuperuser()
    {
        CascadeFixture f(plainLeafRole());
        const QString ddl = QStringLiteral("CREATE TABLE public.s (id int PRIMARY KEY, v text)");
        QVERIFY_RESULT(setUp(f, ddl, ddl));
        QVERIFY_RESULT(addTables(f, f.rootIni(), {QStringLiteral("public.s")}));
        QVERIFY_RESULT(addTables(f, f.leafIni(), {QStringLiteral("public.s")}));
        QVERIFY_RESULT(startWorkers(f));
        const auto script = [&](const QString &name, const QString &sql) {
            const QString path = f.folder() + QLatin1Char('/') + name;
            QFile file(path);
            if (file.open(QIODevice::WriteOnly))
                file.write(sql.toUtf8());
            return path;
        };
        QVERIFY_RESULT(
            f.ferryOk({f.rootIni(), QStringLiteral("execute"),
                       script(QStringLiteral("a.sql"),
                              QStringLiteral("ALTER TABLE public.s ADD COLUMN a int"))}));
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("INSERT INTO public.s VALUES (1, 'x', 7)")));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.s")}));

        // The role takes its own right away, as a DBA's narrower grants would.
        QVERIFY_RESULT(f.value(f.leafDb(), QStringLiteral("REVOKE INSERT ON ferry.applied_script "
                                                          "FROM CURRENT_USER")));
        QVERIFY_RESULT(
            f.ferryOk({f.rootIni(), QStringLiteral("execute"),
                       script(QStringLiteral("b.sql"),
                              QStringLiteral("ALTER TABLE public.s ADD COLUMN b int"))}));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
        QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                                 QStringLiteral("SELECT coalesce(last_error LIKE '%script b.sql%"
                                                "GRANT SELECT, INSERT ON ferry.applied_script%"
                                                "then run retry%', false) FROM ferry.node_info"),
                                 kSyncMs));
        auto column
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM pg_attribute "
                                                      "WHERE attrelid = 'public.s'::regclass "
                                                      "AND attname = 'b'"));
        QVERIFY_RESULT(column);
        QCOMPARE(*column, QStringLiteral("0")); // the batch was rolled back

        QVERIFY_RESULT(f.value(f.leafDb(), QStringLiteral("GRANT INSERT ON ferry.applied_script TO "
                                                          "CURRENT_USER")));
        QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("retry")}));
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("INSERT INTO public.s VALUES (2, 'y', 8, 9)")));
        QVERIFY_RESULT(syncedAndEqual(f, {QStringLiteral("public.s")}));
        auto applied
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT string_agg(name, ',' ORDER "
                                                      "BY ev_id) FROM ferry.applied_script"));
        QVERIFY_RESULT(applied);
        QCOMPARE(*applied, QStringLiteral("a.sql,b.sql"));
    }
};

QTEST_GUILESS_MAIN(TestR6LeafWithoutSuperuser)
#include "tst_r6_leaf_without_superuser.moc"
