// R3 (issue 10): progress belongs to one (queue, consumer). Two queues in one
// database never share or overwrite each other's position; a leaf whose
// provider went back in time (restored from a backup) refuses to go on
// instead of taking new batches as already applied; a leaf whose provider is
// gone can still be dropped; and a consumer that stopped moving, which keeps
// the queue from rotating, is shown by `status`.
#include "cascadefixture.h"
#include "testutil.h"

#include <QProcess>
#include <QTest>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kTable = QStringLiteral("public.t");

Result<void> createOnBoth(CascadeFixture &f, const QString &ddl)
{
    for (const QString &db : {f.rootDb(), f.leafAdminDb()}) {
        if (auto r = f.value(db, ddl); !r)
            return r.error();
    }
    return {};
}

// A root and a leaf replicating public.t (id int pk, v text) with both
// workers running and rows 1-10 in sync.
Result<void> replicateT(CascadeFixture &f)
{
    if (auto r = f.start(); !r)
        return r;
    if (auto r
        = createOnBoth(f, QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, v text)"));
        !r)
        return r;
    if (auto r = f.createRootAndLeaves(); !r)
        return r;
    for (const QString &ini : {f.rootIni(), f.leafIni()}) {
        if (auto r = f.ferryOk({ini, QStringLiteral("add-table"), kTable}); !r)
            return r.error();
        if (auto r = f.startWorker(ini); !r)
            return r;
    }
    if (auto r = f.value(f.rootDb(), QStringLiteral("INSERT INTO public.t SELECT g, 'row ' || g "
                                                    "FROM generate_series(1, 10) g"));
        !r)
        return r.error();
    return f.waitSynced();
}

Result<void> equal(CascadeFixture &f, const QString &table)
{
    auto diff = f.compare(table);
    if (!diff)
        return diff.error();
    if (!diff->isEmpty())
        return Error(ErrorKind::Internal, *diff);
    return {};
}

// Both queues' leaves are synced, or the error says what their logs say.
Result<void> bothSynced(CascadeFixture &f, const QString &leaf1, const QString &leaf2)
{
    const QList<QPair<QString, QString>> queues
        = {{QStringLiteral("q1"), leaf1}, {QStringLiteral("q2"), leaf2}};
    for (const auto &[queue, ini] : queues) {
        if (auto r = f.waitSynced(QStringLiteral("leaf"), queue, 30000, QStringLiteral("dst"));
            !r) {
            QStringList tables;
            for (const QString &t : {QStringLiteral("public.a"), QStringLiteral("public.b")}) {
                auto diff = f.compare(t);
                tables.append(!diff             ? diff.error().toString()
                              : diff->isEmpty() ? t + QStringLiteral(" equal")
                                                : *diff);
            }
            return Error(ErrorKind::Internal,
                         QStringLiteral("%1; now %2; its worker's log ends: %3")
                             .arg(r.error().toString(), tables.join(QStringLiteral("; ")),
                                  f.logOf(ini).right(700)));
        }
    }
    return {};
}

Result<void> run(const QString &program, const QStringList &arguments)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error(ErrorKind::Io, QStringLiteral("%1 %2 failed: %3")
                                        .arg(program, arguments.join(QLatin1Char(' ')),
                                             QString::fromLocal8Bit(p.readAll()).trimmed()));
    return {};
}

// The lines `status` prints for the root, before its first child.
QStringList rootSection(const QString &status)
{
    QStringList lines;
    bool inRoot = false;
    for (const QString &line : status.split(QLatin1Char('\n'))) {
        if (line.endsWith(QLatin1String("(root)"))) {
            inRoot = true;
            continue;
        }
        if (line.startsWith(QLatin1String("  +--")))
            break;
        if (inRoot)
            lines.append(line);
    }
    return lines;
}

} // namespace

class TestR3Progress : public QObject
{
    Q_OBJECT
private slots:
    // Issue 10, item 4 (R3). The root database is the root of two queues (q1
    // captures public.a, q2 public.b) and the leaf database a leaf of both,
    // with the same job_name "dst" in both leaf configs. Each queue's
    // progress must be its own: every round of inserts reaches the leaf
    // through both queues. The old node kept one completed_tick row per
    // consumer name: create-leaf for q2 deleted q1's, and the two queues'
    // tick ids overwrote each other, so batches were taken as already
    // applied (rows lost) or the workers stuck on "another worker" errors.
    void twoQueuesOneLeafDatabaseSameJobName()
    {
        CascadeFixture f;
        QVERIFY_RESULT(f.start());
        QVERIFY_RESULT(
            createOnBoth(f, QStringLiteral("CREATE TABLE public.a (id int PRIMARY KEY, v text); "
                                           "CREATE TABLE public.b (id int PRIMARY KEY, v text)")));
        const QString root1 = f.writeConfig(QStringLiteral("root1"), QStringLiteral("src1_job"),
                                            f.rootDb(), QStringLiteral("q1"));
        const QString root2 = f.writeConfig(QStringLiteral("root2"), QStringLiteral("src2_job"),
                                            f.rootDb(), QStringLiteral("q2"));
        const QString leaf1 = f.writeConfig(QStringLiteral("leaf1"), QStringLiteral("dst"),
                                            f.leafDb(), QStringLiteral("q1"));
        const QString leaf2 = f.writeConfig(QStringLiteral("leaf2"), QStringLiteral("dst"),
                                            f.leafDb(), QStringLiteral("q2"));
        QVERIFY_RESULT(f.ferryOk({root1, QStringLiteral("create-root"), QStringLiteral("src1")}));
        QVERIFY_RESULT(f.ferryOk({root2, QStringLiteral("create-root"), QStringLiteral("src2")}));
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("SELECT ferry.set_queue_config('q1', 'idle_period', "
                                               "'200 ms'), ferry.set_queue_config('q2', "
                                               "'idle_period', '200 ms')")));
        QVERIFY_RESULT(f.ferryOk({root1, QStringLiteral("add-table"), QStringLiteral("public.a")}));
        QVERIFY_RESULT(f.ferryOk({root2, QStringLiteral("add-table"), QStringLiteral("public.b")}));
        QVERIFY_RESULT(f.ferryOk({leaf1, QStringLiteral("create-leaf"), QStringLiteral("dst1"),
                                  f.leafDb(), QStringLiteral("--provider=") + f.rootDb()}));
        QVERIFY_RESULT(f.ferryOk({leaf1, QStringLiteral("add-table"), QStringLiteral("public.a")}));
        // q1's leaf has made progress before q2's leaf is created.
        QVERIFY_RESULT(f.startWorker(root1));
        QVERIFY_RESULT(f.startWorker(leaf1));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.a SELECT g, 'a' || g "
                                                          "FROM generate_series(1, 5) g")));
        QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q1"), 30000,
                                    QStringLiteral("dst")));

        QVERIFY_RESULT(f.ferryOk({leaf2, QStringLiteral("create-leaf"), QStringLiteral("dst2"),
                                  f.leafDb(), QStringLiteral("--provider=") + f.rootDb()}));
        QVERIFY_RESULT(f.ferryOk({leaf2, QStringLiteral("add-table"), QStringLiteral("public.b")}));
        QVERIFY_RESULT(f.startWorker(root2));
        QVERIFY_RESULT(f.startWorker(leaf2));
        // q1 ticks ahead of q2, so their tick ids differ.
        for (int i = 0; i < 10; ++i)
            QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q1', true)")));

        for (int round = 1; round <= 4; ++round) {
            QVERIFY_RESULT(f.value(
                f.rootDb(),
                QStringLiteral("INSERT INTO public.a SELECT g, 'a' || g FROM generate_series(%1, "
                               "%2) g; INSERT INTO public.b SELECT g, 'b' || g FROM "
                               "generate_series(%1, %2) g; UPDATE public.a SET v = v || '+' WHERE "
                               "id % 3 = %3")
                    .arg(round * 100)
                    .arg(round * 100 + 20)
                    .arg(round % 3)));
            QVERIFY_RESULT(bothSynced(f, leaf1, leaf2));
            QVERIFY_RESULT(equal(f, QStringLiteral("public.a")));
            QVERIFY_RESULT(equal(f, QStringLiteral("public.b")));
        }
    }

    // Issue 10, item 14 (R3): a provider restored from a backup. The leaf
    // has applied ticks the restored root no longer has; the root's tick
    // ids start again below the leaf's completed tick. The leaf must refuse
    // (node error "restored from a backup") rather than take the restored
    // root's new batches as already applied. The old leaf skipped them: the
    // new row never arrived and nothing said so (or, later, a misleading
    // "another worker" error).
    void providerRestoredFromBackupIsRefused()
    {
        CascadeFixture::Options options;
        options.separateLeafCluster = true;
        CascadeFixture f(options);
        QVERIFY_RESULT(replicateT(f));

        // The backup: a copy of the stopped root's data directory.
        const QString data = f.rootCluster().dataDirectory();
        const QString backup = data + QStringLiteral(".backup");
        QVERIFY_RESULT(f.stopWorker(f.rootIni()));
        QVERIFY_RESULT(f.stopWorker(f.leafIni()));
        QVERIFY_RESULT(f.rootCluster().stop(QStringLiteral("fast")));
        QVERIFY_RESULT(run(QStringLiteral("cp"), {QStringLiteral("-a"), data, backup}));
        QVERIFY_RESULT(f.rootCluster().start());
        QVERIFY_RESULT(f.startWorker(f.rootIni()));
        QVERIFY_RESULT(f.startWorker(f.leafIni()));

        // Life goes on after the backup: the leaf applies more ticks.
        for (int round = 1; round <= 3; ++round) {
            QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.t VALUES (%1, "
                                                              "'after the backup')")
                                                   .arg(10 + round)));
            for (int i = 0; i < 10; ++i)
                QVERIFY_RESULT(
                    f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
            QVERIFY_RESULT(f.waitSynced());
        }
        auto leafTick
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT tick_id FROM ferry.completed_tick"));
        QVERIFY_RESULT(leafTick);

        // The root is restored from the backup.
        QVERIFY_RESULT(f.stopWorker(f.rootIni()));
        QVERIFY_RESULT(f.stopWorker(f.leafIni()));
        QVERIFY_RESULT(f.rootCluster().stop(QStringLiteral("fast")));
        QVERIFY_RESULT(run(QStringLiteral("rm"), {QStringLiteral("-rf"), data}));
        QVERIFY_RESULT(run(QStringLiteral("mv"), {backup, data}));
        QVERIFY_RESULT(f.rootCluster().start());
        auto rootTick = f.value(f.rootDb(), QStringLiteral("SELECT max(tick_id) FROM ferry.tick"));
        QVERIFY_RESULT(rootTick);
        QVERIFY2(rootTick->toLongLong() < leafTick->toLongLong(),
                 qPrintable(QStringLiteral("the restored root is at tick %1, the leaf at %2: the "
                                           "scenario needs the leaf ahead")
                                .arg(*rootTick, *leafTick)));
        QVERIFY_RESULT(f.startWorker(f.rootIni()));
        QVERIFY_RESULT(f.startWorker(f.leafIni()));
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("INSERT INTO public.t VALUES (100, 'after the "
                                               "restore')")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));

        auto refused = f.waitFor(
            f.leafAdminDb(),
            QStringLiteral("SELECT coalesce(last_error, '') LIKE '%restored from a backup%' FROM "
                           "ferry.node_info"),
            30000);
        if (!refused) {
            auto seen = f.value(
                f.leafAdminDb(),
                QStringLiteral("SELECT format('node error: %s | row 100 on the leaf: %s | leaf "
                               "tick: %s', coalesce((SELECT last_error FROM ferry.node_info), "
                               "'none'), EXISTS (SELECT 1 FROM public.t WHERE id = 100), (SELECT "
                               "tick_id FROM ferry.completed_tick))"));
            QFAIL(qPrintable(QStringLiteral("the leaf did not refuse the restored provider in "
                                            "30 s: %1")
                                 .arg(seen ? *seen : seen.error().toString())));
        }
        // Nothing of the restored root's timeline was taken as applied.
        auto tick
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT tick_id FROM ferry.completed_tick"));
        QVERIFY_RESULT(tick);
        QCOMPARE(*tick, *leafTick);
        auto status = f.ferry({f.leafIni(), QStringLiteral("status")});
        QVERIFY2(status.out.contains(QLatin1String("ERR:"))
                     && status.out.contains(QLatin1String("restored from a backup")),
                 qPrintable(status.out + status.err));
    }

    // Issue 10, item 14 (R3): a leaf whose provider is gone for good. A
    // plain drop-node cannot reach the root and says how to go on
    // (--force); drop-node --force removes the leaf's own records and its
    // write guard, so the table is an ordinary table again, and warns that
    // the root still lists the node. The old leaf could not be dropped at
    // all (and --force was a usage error): its deny triggers stayed.
    void dropNodeForceWhenProviderIsGone()
    {
        CascadeFixture::Options options;
        options.separateLeafCluster = true;
        CascadeFixture f(options);
        QVERIFY_RESULT(replicateT(f));
        const QString guards = QStringLiteral(
            "SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid = 'public.t'::regclass AND "
            "tgname LIKE '\\_ferry\\_deny%'");
        auto before = f.value(f.leafAdminDb(), guards);
        QVERIFY_RESULT(before);
        QVERIFY2(before->toInt() > 0, "the leaf table has no write guard to begin with");

        QVERIFY_RESULT(f.stopWorker(f.leafIni()));
        QVERIFY_RESULT(f.stopWorker(f.rootIni()));
        QVERIFY_RESULT(f.rootCluster().stop(QStringLiteral("fast")));

        const FerryRun plain
            = f.ferry({f.leafIni(), QStringLiteral("drop-node"), QStringLiteral("leaf")});
        QVERIFY2(plain.exitCode == 1 && plain.err.contains(QLatin1String("--force")),
                 qPrintable(QStringLiteral("exit %1: %2").arg(plain.exitCode).arg(plain.err)));

        const FerryRun forced = f.ferry({f.leafIni(), QStringLiteral("drop-node"),
                                         QStringLiteral("leaf"), QStringLiteral("--force")});
        QVERIFY2(forced.exitCode == 0,
                 qPrintable(QStringLiteral("exit %1: %2").arg(forced.exitCode).arg(forced.err)));
        QVERIFY2(forced.err.contains(QLatin1String("root")), qPrintable(forced.err));
        auto nodes
            = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM ferry.node_info"));
        QVERIFY_RESULT(nodes);
        QCOMPARE(*nodes, QStringLiteral("0"));
        auto after = f.value(f.leafAdminDb(), guards);
        QVERIFY_RESULT(after);
        QCOMPARE(*after, QStringLiteral("0"));
        QVERIFY_RESULT(
            f.value(f.leafDb(), QStringLiteral("INSERT INTO public.t VALUES (1000, 'local')")));
        auto count = f.value(f.leafDb(), QStringLiteral("SELECT count(*) FROM public.t"));
        QVERIFY_RESULT(count);
        QCOMPARE(*count, QStringLiteral("11"));
    }

    // Issue 10, item 14 (R3): a consumer that stops moving keeps every event
    // table from rotating. With the leaf's worker stopped, events waiting,
    // and the leaf's position two hours old, `status` on the root shows a
    // WARN: line under the root naming the consumer (leaf_job), saying it
    // has not moved and how many events the queue keeps for it. The old
    // status had no such warning.
    void stuckConsumerWarnsInStatus()
    {
        CascadeFixture f;
        QVERIFY_RESULT(replicateT(f));
        QVERIFY_RESULT(f.stopWorker(f.leafIni()));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("INSERT INTO public.t SELECT g, 'late' "
                                                          "FROM generate_series(11, 510) g")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));
        // The leaf's position is two hours old (as if it stopped then).
        QVERIFY_RESULT(f.value(
            f.rootDb(),
            QStringLiteral("UPDATE ferry.tick t SET tick_time = t.tick_time - interval '2 hours' "
                           "FROM ferry.consumer c JOIN ferry.queue q USING (queue_id) WHERE "
                           "q.queue_name = 'q' AND c.consumer_name = 'leaf_job' AND t.queue_id = "
                           "q.queue_id AND t.tick_id <= c.last_tick; UPDATE ferry.consumer SET "
                           "active_at = active_at - interval '2 hours', registered_at = "
                           "registered_at - interval '2 hours' WHERE consumer_name = "
                           "'leaf_job'")));
        // The root keeps ticking.
        QVERIFY_RESULT(
            f.value(f.rootDb(), QStringLiteral("INSERT INTO public.t VALUES (511, 'x')")));
        QVERIFY_RESULT(f.value(f.rootDb(), QStringLiteral("SELECT ferry.ticker('q', true)")));

        const FerryRun status = f.ferry({f.rootIni(), QStringLiteral("status")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.err));
        bool warned = false;
        for (const QString &line : rootSection(status.out)) {
            QString text = line.trimmed();
            if (text.startsWith(QLatin1Char('|')))
                text = text.mid(1).trimmed();
            if (text.startsWith(QLatin1String("WARN:")) && text.contains(QLatin1String("leaf_job"))
                && text.contains(QLatin1String("not moved"))
                && text.contains(QLatin1String("events")))
                warned = true;
        }
        QVERIFY2(warned, qPrintable(status.out));
    }
};

QTEST_GUILESS_MAIN(TestR3Progress)
#include "tst_r3_progress.moc"
