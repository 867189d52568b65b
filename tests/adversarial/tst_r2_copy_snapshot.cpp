// R2 (issue 10): the copy sees the table as it is when it copies it. A
// table's initial copy takes its snapshot on the provider only once it holds
// a lock on the source table that blocks rewrites (ALTER TABLE ... TYPE,
// CLUSTER, VACUUM FULL), and keeps that lock while it copies. A snapshot
// older than a rewrite sees the rewritten table empty: the copy then "copies"
// 0 rows and the table goes ok without a word.
#include "cascadefixture.h"
#include "testutil.h"

#include <QTest>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kRows = QStringLiteral("50000");

// Root and leaf with public.big (id int pk, v int): 50,000 rows on the root,
// the leaf's copy empty; the root captures it, the leaf has subscribed, the
// root's worker runs, the leaf's worker not yet.
Result<void> setUpBig(CascadeFixture &f)
{
    if (auto r = f.start(); !r)
        return r;
    for (const QString &db : {f.rootDb(), f.leafDb()}) {
        if (auto r
            = f.value(db, QStringLiteral("CREATE TABLE public.big (id int PRIMARY KEY, v int)"));
            !r)
            return r.error();
    }
    if (auto r = f.value(f.rootDb(), QStringLiteral("INSERT INTO public.big SELECT g, g FROM "
                                                    "generate_series(1, %1) g")
                                         .arg(kRows));
        !r)
        return r.error();
    if (auto r = f.createRootAndLeaves(); !r)
        return r;
    if (auto r
        = f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("public.big")});
        !r)
        return r.error();
    // Subscribed before the test locks the leaf table: add-table installs
    // the leaf's write guard on it, which needs a lock of its own.
    if (auto r
        = f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.big")});
        !r)
        return r.error();
    return f.startWorker(f.rootIni());
}

// True when another session of the leaf database waits for a lock it was
// not granted: of kind `lockType` ('relation' on public.big, or 'advisory').
QString waitingLockQuery(const QString &lockType, int exceptPid)
{
    return QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE NOT l.granted "
                          "AND l.pid <> %1 AND l.locktype = '%2' AND l.database = (SELECT oid "
                          "FROM pg_catalog.pg_database WHERE datname = "
                          "pg_catalog.current_database())%3)")
        .arg(exceptPid)
        .arg(lockType, lockType == QLatin1String("relation")
                           ? QStringLiteral(" AND l.relation = 'public.big'::regclass")
                           : QString());
}

} // namespace

class TestR2CopySnapshot : public QObject
{
    Q_OBJECT
private slots:
    // Issue 10, item 1 (R2). The leaf's copy of public.big has to wait for a
    // lock on the leaf table (an application holds it); meanwhile the root
    // rewrites the table (ALTER COLUMN ... TYPE). The copy must then see the
    // rewritten table with its 50,000 rows. The old copy took its snapshot
    // on the root before waiting for any lock: that snapshot is older than
    // the rewrite, sees the new table empty, and the leaf ends with 0 rows
    // and the table ok.
    void copyWaitingForLeafLockSeesRewrittenTable()
    {
        CascadeFixture f;
        QVERIFY_RESULT(setUpBig(f));

        auto holder = f.sql(f.leafDb());
        QVERIFY_RESULT(holder);
        QVERIFY_RESULT(
            holder->exec(QStringLiteral("BEGIN; LOCK TABLE public.big IN ACCESS EXCLUSIVE MODE")));
        QVERIFY_RESULT(f.startWorker(f.leafIni()));
        // The leaf worker's copy is blocked on the leaf table.
        QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                                 waitingLockQuery(QStringLiteral("relation"), holder->backendPid()),
                                 8000));

        // The root rewrites the table while the copy waits. A copy that
        // holds nothing on the root yet lets the rewrite through at once; one
        // that already holds its root lock makes it fail on its lock_timeout
        // (also right by R2). Either way the copy must see every row.
        auto root = f.sql(f.rootDb());
        QVERIFY_RESULT(root);
        QVERIFY_RESULT(root->exec(QStringLiteral("SET lock_timeout = '5s'")));
        auto rewrite
            = root->exec(QStringLiteral("ALTER TABLE public.big ALTER COLUMN v TYPE bigint"));
        QVERIFY2(rewrite.ok() || rewrite.error().sqlState() == QLatin1String("55P03"),
                 qPrintable(rewrite.ok() ? QString() : rewrite.error().toString()));

        // The application lets go of the leaf table: the copy goes on.
        QVERIFY_RESULT(holder->exec(QStringLiteral("ROLLBACK")));

        QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 45000));
        auto count = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM public.big"));
        QVERIFY_RESULT(count);
        QVERIFY2(*count == kRows,
                 qPrintable(QStringLiteral("the leaf has %1 rows of public.big after its copy, "
                                           "the root %2; worker log: %3")
                                .arg(*count, kRows, f.logOf(f.leafIni()).right(600))));
        auto diff = f.compare(QStringLiteral("public.big"));
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }

    // R2, the other half: while the copy reads the root table it holds a
    // lock there that blocks a rewrite. The copy is held in the middle of
    // its rows (a trigger on the leaf table waits for an advisory lock the
    // test holds at row 25,000); an ALTER COLUMN ... TYPE on the root must
    // wait for it (here: fail on its own lock_timeout) rather than rewrite
    // under the copy. Once the copy is let go, rows are equal, and the
    // rewrite then goes through and later changes still replicate. (The old
    // copy already kept its lock from its COPY statement to its end: this is
    // a guard for the new code, not a defect of the old.)
    void rewriteWaitsForRunningCopy()
    {
        CascadeFixture f;
        QVERIFY_RESULT(setUpBig(f));
        // A trigger that fires for the copy's rows too (ALWAYS: also under
        // session_replication_role = replica) and stops at row 25,000 until
        // the test's advisory lock is released.
        QVERIFY_RESULT(f.value(
            f.leafDb(),
            QStringLiteral("CREATE FUNCTION public.hold_copy() RETURNS trigger LANGUAGE plpgsql AS "
                           "$$ BEGIN IF NEW.id = 25000 THEN PERFORM "
                           "pg_catalog.pg_advisory_lock_shared(4242); PERFORM "
                           "pg_catalog.pg_advisory_unlock_shared(4242); END IF; RETURN NEW; END "
                           "$$; CREATE TRIGGER hold_copy BEFORE INSERT ON public.big FOR EACH ROW "
                           "EXECUTE FUNCTION public.hold_copy(); ALTER TABLE public.big ENABLE "
                           "ALWAYS TRIGGER hold_copy")));
        auto holder = f.sql(f.leafDb());
        QVERIFY_RESULT(holder);
        QVERIFY_RESULT(holder->exec(QStringLiteral("SELECT pg_catalog.pg_advisory_lock(4242)")));
        QVERIFY_RESULT(f.startWorker(f.leafIni()));
        QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                                 waitingLockQuery(QStringLiteral("advisory"), holder->backendPid()),
                                 15000));

        // The copy is mid-way: on the root it holds a lock on public.big.
        auto root = f.sql(f.rootDb());
        QVERIFY_RESULT(root);
        auto held = root->exec(
            QStringLiteral("SELECT string_agg(l.mode, ', ') FROM pg_catalog.pg_locks l WHERE "
                           "l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.relation = "
                           "'public.big'::regclass"));
        QVERIFY_RESULT(held);
        QVERIFY2(!held->text(0, 0).isEmpty(),
                 "no session holds a lock on the root's public.big while its copy runs");
        QVERIFY_RESULT(root->exec(QStringLiteral("SET lock_timeout = '2s'")));
        auto rewrite
            = root->exec(QStringLiteral("ALTER TABLE public.big ALTER COLUMN v TYPE bigint"));
        QVERIFY2(!rewrite.ok(), "ALTER TABLE ... TYPE rewrote the root table under a running copy");
        QVERIFY2(rewrite.error().sqlState() == QLatin1String("55P03"),
                 qPrintable(rewrite.error().toString()));

        QVERIFY_RESULT(holder->exec(QStringLiteral("SELECT pg_catalog.pg_advisory_unlock(4242)")));
        QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 45000));
        auto diff = f.compare(QStringLiteral("public.big"));
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));

        // Now nothing holds the table: the rewrite goes through, and the
        // rows written after it replicate.
        QVERIFY_RESULT(root->exec(QStringLiteral("SET lock_timeout = '10s'")));
        QVERIFY_RESULT(
            root->exec(QStringLiteral("ALTER TABLE public.big ALTER COLUMN v TYPE bigint")));
        QVERIFY_RESULT(root->exec(QStringLiteral(
            "UPDATE public.big SET v = v + 1 WHERE id % 1000 = 0; INSERT INTO public.big "
            "VALUES (50001, 50001)")));
        QVERIFY_RESULT(f.waitSynced());
        diff = f.compare(QStringLiteral("public.big"));
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
};

QTEST_GUILESS_MAIN(TestR2CopySnapshot)
#include "tst_r2_copy_snapshot.moc"
