// skip-event, replace-event and retry on a leaf whose table has a CHECK
// constraint the root lacks: a row with v = 13 fails there and stops the
// node at its event. The leaf's retry_delay is a minute, so whatever
// applies within the test's waits was woken by the command, not by the
// worker's own back-off.
#include "cascade/node.h"
#include "cascade/nodeerrorlog.h"
#include "cascadefixture.h"
#include "replication/eventresolution.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace ferry;
using namespace ferry::test;

class TestEventFix : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void skipStoppedEvent();
    void skipRefusals();
    void replaceEvent();
    void replacementThatFails();
    void skipTruncateAhead();
    void describeAndReplaceWithItsSql();
    void describeQuotesNamesAndValues();
    void retryAfterFix();
    void cleanupTestCase();

private:
    // Runs `sql` on the root in one transaction and waits until the leaf
    // is stopped at an event; returns that event's id.
    Result<qint64> stopAt(const QString &sql);
    Result<QString> leaf(const QString &sql) { return m_f->value(m_f->leafAdminDb(), sql); }
    Result<void> root(const QString &sql) { return m_f->run(m_f->rootDb(), {sql}); }
    QString rows(const QString &ids);

    std::unique_ptr<CascadeFixture> m_f;
};

Result<qint64> TestEventFix::stopAt(const QString &sql)
{
    auto before = leaf(QStringLiteral("SELECT coalesce(max(error_id), 0) FROM ferry.node_error"));
    if (!before)
        return before.error();
    if (auto r = root(QStringLiteral("BEGIN; %1; COMMIT").arg(sql)); !r)
        return r.error();
    const QString open = QStringLiteral("FROM ferry.node_error WHERE resolved_at IS NULL AND "
                                        "event_id IS NOT NULL AND error_id > %1")
                             .arg(*before);
    if (auto r = m_f->waitFor(m_f->leafAdminDb(),
                              QStringLiteral("SELECT EXISTS (SELECT 1 ") + open + QLatin1Char(')'));
        !r)
        return r.error();
    auto id = leaf(QStringLiteral("SELECT event_id ") + open);
    if (!id)
        return id.error();
    return id->toLongLong();
}

// "id=v,id=v" of the leaf's rows with these ids, in id order.
QString TestEventFix::rows(const QString &ids)
{
    auto r = leaf(QStringLiteral("SELECT coalesce(string_agg(id || '=' || v, ',' ORDER BY id), "
                                 "'') FROM public.t WHERE id IN (%1)")
                      .arg(ids));
    return r ? *r : r.error().toString();
}

void TestEventFix::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    const QString ddl = QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, v int)");
    const QString odd = QStringLiteral(
        "CREATE TABLE public.odd (id int PRIMARY KEY, \"user\" text, note text, n numeric)");
    QVERIFY_RESULT(f.run(f.rootDb(), {ddl, odd}));
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {ddl, odd,
                                QStringLiteral("ALTER TABLE public.t ADD CONSTRAINT leaf_only "
                                               "CHECK (v <> 13)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY(writeText(f.leafIni(), readText(f.leafIni()) + QStringLiteral("\nretry_delay = 60\n")));
    for (const QString &ini : {f.rootIni(), f.leafIni()})
        QVERIFY_RESULT(f.ferryOk({ini, QStringLiteral("add-table"), QStringLiteral("public.t"),
                                  QStringLiteral("public.odd")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitSynced());
}

void TestEventFix::skipStoppedEvent()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (101, 1); INSERT INTO "
                                       "public.t VALUES (102, 13); INSERT INTO public.t VALUES "
                                       "(103, 3)"));
    QVERIFY_RESULT(event);
    // A later transaction, in a later batch: not applied past the stop.
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t VALUES (104, 4)")));
    QThread::msleep(1000);
    QCOMPARE(rows(QStringLiteral("101, 102, 103, 104")), QString());

    QElapsedTimer clock;
    clock.start();
    auto run = f.ferryOk({f.leafIni(), QStringLiteral("skip-event")});
    QVERIFY_RESULT(run);
    QVERIFY2(run->out.contains(QStringLiteral("Skipped event %1 (INSERT public.t key (id)=(102)) "
                                              "on node 'leaf'")
                                   .arg(*event)),
             qPrintable(run->out));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 3 FROM public.t WHERE id IN (101, "
                                            "103, 104)"),
                             20000));
    QVERIFY2(clock.elapsed() < 20000, "woken by skip-event, not by the one-minute back-off");
    QCOMPARE(rows(QStringLiteral("101, 102, 103, 104")), QStringLiteral("101=1,103=3,104=4"));

    // The record, and the error log saying how the error went away.
    auto record
        = leaf(QStringLiteral("SELECT action || ' ' || ev_op::text || ' ' || table_name || ' ' "
                              "|| (ev_data->>'v') || ' ' || (done_by = session_user) || "
                              "' ' || (applied_at IS NOT NULL) FROM ferry.event_fix WHERE "
                              "ev_id = %1")
                   .arg(*event));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("skip I public.t 13 true true"));
    auto resolution = leaf(QStringLiteral("SELECT resolution FROM ferry.node_error WHERE "
                                          "event_id = %1 AND resolved_at IS NOT NULL")
                               .arg(*event));
    QVERIFY_RESULT(resolution);
    QVERIFY2(resolution->startsWith(QStringLiteral("resolved by skip-event by ")),
             qPrintable(*resolution));
    // As the Errors page reads it.
    auto db = Connection::open(f.leafAdminDb());
    QVERIFY_RESULT(db);
    auto entries = loadNodeErrors(*db, QStringLiteral("q"), 10);
    QVERIFY_RESULT(entries);
    bool found = false;
    for (const NodeErrorEntry &e : std::as_const(*entries)) {
        if (e.site.eventId != *event)
            continue;
        found = true;
        QVERIFY(e.resolvedAt.isValid());
        QCOMPARE(e.resolution, *resolution);
    }
    QVERIFY(found);
}

void TestEventFix::skipRefusals()
{
    CascadeFixture &f = *m_f;
    auto applied = leaf(QStringLiteral("SELECT max(ev_id) FROM ferry.event_fix"));
    QVERIFY_RESULT(applied);
    QVERIFY(!applied->isEmpty());
    // An event of a batch the node applied.
    FerryRun run = f.ferry({f.leafIni(), QStringLiteral("skip-event"), *applied});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("was applied on node 'leaf' already")),
             qPrintable(run.err));
    // An id the queue never had.
    run = f.ferry({f.leafIni(), QStringLiteral("skip-event"), QStringLiteral("987654321")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("is not in queue 'q'")), qPrintable(run.err));
    // No id, and the node is not stopped.
    run = f.ferry({f.leafIni(), QStringLiteral("skip-event")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("node 'leaf' is not stopped at an event")),
             qPrintable(run.err));
    QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    // Nothing was recorded for them.
    auto count = leaf(QStringLiteral("SELECT count(*) FROM ferry.event_fix"));
    QVERIFY_RESULT(count);
    QCOMPARE(*count, QStringLiteral("1"));
}

void TestEventFix::replaceEvent()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (201, 1); INSERT INTO "
                                       "public.t VALUES (202, 13); INSERT INTO public.t VALUES "
                                       "(203, 3)"));
    QVERIFY_RESULT(event);
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t VALUES (204, 4)")));
    // At the event's place: 201 is in (it comes before), 203 not yet.
    const QString file = f.folder() + QStringLiteral("/replace.sql");
    QVERIFY(writeText(file, QStringLiteral("UPDATE public.t SET v = v + 100 WHERE id IN (201, "
                                           "203);\nINSERT INTO public.t VALUES (202, 14) -- "
                                           "corrected")));
    auto run
        = f.ferryOk({f.leafIni(), QStringLiteral("replace-event"), QString::number(*event), file});
    QVERIFY_RESULT(run);
    QVERIFY2(run->out.contains(
                 QStringLiteral("Replaced event %1 (INSERT public.t key (id)=(202))").arg(*event)),
             qPrintable(run->out));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 4 FROM public.t WHERE id IN (201, "
                                            "202, 203, 204)"),
                             20000));
    QCOMPARE(rows(QStringLiteral("201, 202, 203, 204")),
             QStringLiteral("201=101,202=14,203=3,204=4"));
    auto record = leaf(QStringLiteral("SELECT action || ' ' || (replacement LIKE '%corrected') "
                                      "|| ' ' || (applied_at IS NOT NULL) FROM ferry.event_fix "
                                      "WHERE ev_id = %1")
                           .arg(*event));
    QVERIFY_RESULT(record);
    QCOMPARE(*record, QStringLiteral("replace true true"));
    auto resolution = leaf(QStringLiteral("SELECT resolution FROM ferry.node_error WHERE "
                                          "event_id = %1 AND resolved_at IS NOT NULL")
                               .arg(*event));
    QVERIFY_RESULT(resolution);
    QVERIFY2(resolution->startsWith(QStringLiteral("resolved by replace-event by ")),
             qPrintable(*resolution));
}

void TestEventFix::replacementThatFails()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (251, 1); INSERT INTO "
                                       "public.t VALUES (252, 13)"));
    QVERIFY_RESULT(event);
    const QString file = f.folder() + QStringLiteral("/wrong.sql");
    // A COMMIT in it must not commit part of the batch.
    QVERIFY(writeText(file, QStringLiteral("INSERT INTO public.t VALUES (252, 14);\nCOMMIT;")));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("replace-event"), QString::number(*event), file}));
    // The batch fails again, naming the replacement; nothing of it is in.
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM ferry.node_error WHERE "
                                            "resolved_at IS NULL AND message LIKE '%%the SQL "
                                            "that replaces event %1 (replace-event)%%')")
                                 .arg(*event),
                             20000));
    QCOMPARE(rows(QStringLiteral("251, 252")), QString());
    // Skipping it instead gets the node going.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("skip-event"), QString::number(*event)}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.t WHERE id = "
                                            "251)"),
                             20000));
    QCOMPARE(rows(QStringLiteral("251, 252")), QStringLiteral("251=1"));
}

void TestEventFix::skipTruncateAhead()
{
    // Any kind of event, also one the node has not reached yet: a TRUNCATE
    // on the root, skipped on a paused leaf before it gets there.
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    QThread::msleep(300); // past the round that may have started
    QVERIFY_RESULT(root(QStringLiteral("TRUNCATE public.t")));
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t VALUES (401, 4)")));
    auto tables = m_f->value(f.rootDb(),
                             QStringLiteral("SELECT string_agg(format('SELECT ev_id FROM %s "
                                            "WHERE ev_op = ''T''', ferry._event_table(queue_id, "
                                            "table_no)), ' UNION ALL ') FROM ferry.event_table"));
    QVERIFY_RESULT(tables);
    auto truncate = m_f->value(f.rootDb(), *tables);
    QVERIFY_RESULT(truncate);
    QVERIFY(!truncate->isEmpty());
    auto run = f.ferryOk({f.leafIni(), QStringLiteral("skip-event"), *truncate});
    QVERIFY_RESULT(run);
    QVERIFY2(
        run->out.contains(QStringLiteral("Skipped event %1 (TRUNCATE public.t)").arg(*truncate)),
        qPrintable(run->out));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.t WHERE id = "
                                            "401)"),
                             20000));
    // The rows from before the TRUNCATE stayed.
    QCOMPARE(rows(QStringLiteral("101, 201, 251, 401")),
             QStringLiteral("101=1,201=101,251=1,401=4"));
    // Nothing of it is left on the root's side to catch up with.
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.t SELECT g, 0 FROM "
                                       "generate_series(1, 5) g")));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 5 FROM public.t WHERE id <= 5")));
}

void TestEventFix::describeAndReplaceWithItsSql()
{
    // The SQL the GUI's Edit and Apply starts from: what the Applier does for
    // the event, values as literals, on the node's table.
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("UPDATE public.t SET id = 502, v = 13 WHERE id = 401; "
                                       "DELETE FROM public.t WHERE id = 5"));
    QVERIFY_RESULT(event);
    auto db = Connection::open(f.leafAdminDb());
    QVERIFY_RESULT(db);
    auto node = requireNode(*db, QStringLiteral("q"));
    QVERIFY_RESULT(node);
    EventResolution resolution(*db, *node);
    auto content = resolution.describe(*event);
    QVERIFY_RESULT(content);
    QCOMPARE(content->op, 'U');
    QCOMPARE(content->table, QStringLiteral("public.t"));
    QCOMPARE(content->key, QStringLiteral("(id)=(401)"));
    QVERIFY2(content->data.contains(QLatin1String("502")), qPrintable(content->data));
    QCOMPARE(content->sql,
             QStringLiteral("DELETE FROM ONLY public.t WHERE id = '401';\n"
                            "INSERT INTO public.t (id, v) OVERRIDING SYSTEM VALUE\n"
                            "VALUES ('502', '13')\n"
                            "ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id, v = EXCLUDED.v;"));
    auto tables
        = f.value(f.rootDb(), QStringLiteral("SELECT string_agg(format('SELECT ev_id FROM %s WHERE "
                                             "ev_op = ''D''', ferry._event_table(queue_id, "
                                             "table_no)), ' UNION ALL ') FROM ferry.event_table"));
    QVERIFY_RESULT(tables);
    auto deleted = f.value(f.rootDb(), *tables);
    QVERIFY_RESULT(deleted);
    auto del = resolution.describe(deleted->toLongLong());
    QVERIFY_RESULT(del);
    QCOMPARE(del->sql, QStringLiteral("DELETE FROM ONLY public.t WHERE id = '5';"));

    // Run as the replacement, edited, in the batch's transaction.
    QString sql = content->sql;
    sql.replace(QStringLiteral("'13'"), QStringLiteral("'15'"));
    QVERIFY_RESULT(resolution.replace(*event, sql));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT NOT EXISTS (SELECT 1 FROM public.t WHERE id "
                                            "= 5)"),
                             20000));
    QCOMPARE(rows(QStringLiteral("5, 401, 502")), QStringLiteral("502=15"));
}

void TestEventFix::describeQuotesNamesAndValues()
{
    // A keyword as a column name, a quote in a value, NULL and a numeric
    // with more digits than a double keeps: the SQL says them exactly.
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    QThread::msleep(300); // past the round that may have started
    QVERIFY_RESULT(root(QStringLiteral("INSERT INTO public.odd VALUES (1, 'o''brien', NULL, "
                                       "12345678901234567890.123456789)")));
    auto tables = m_f->value(f.rootDb(),
                             QStringLiteral("SELECT string_agg(format('SELECT ev_id FROM %s "
                                            "WHERE ev_op = ''I'' AND ev_data::text LIKE "
                                            "''%%brien%%''', ferry._event_table(queue_id, "
                                            "table_no)), ' UNION ALL ') FROM ferry.event_table"));
    QVERIFY_RESULT(tables);
    auto id = m_f->value(f.rootDb(), *tables);
    QVERIFY_RESULT(id);
    QVERIFY(!id->isEmpty());
    auto db = Connection::open(f.leafAdminDb());
    QVERIFY_RESULT(db);
    auto node = requireNode(*db, QStringLiteral("q"));
    QVERIFY_RESULT(node);
    auto content = EventResolution(*db, *node).describe(id->toLongLong());
    QVERIFY_RESULT(content);
    QCOMPARE(content->table, QStringLiteral("public.odd"));
    QCOMPARE(content->key, QStringLiteral("(id)=(1)"));
    QCOMPARE(content->sql,
             QStringLiteral("INSERT INTO public.odd (id, \"user\", note, n) OVERRIDING SYSTEM "
                            "VALUE\nVALUES ('1', 'o''brien', NULL, "
                            "'12345678901234567890.123456789')\nON CONFLICT (id) DO UPDATE SET "
                            "id = EXCLUDED.id, \"user\" = EXCLUDED.\"user\", note = "
                            "EXCLUDED.note, n = EXCLUDED.n;"));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    QVERIFY_RESULT(
        f.waitFor(f.leafAdminDb(),
                  QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.odd WHERE \"user\" "
                                 "= 'o''brien')"),
                  20000));
}

void TestEventFix::retryAfterFix()
{
    CascadeFixture &f = *m_f;
    auto event = stopAt(QStringLiteral("INSERT INTO public.t VALUES (301, 13)"));
    QVERIFY_RESULT(event);
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("ALTER TABLE public.t DROP CONSTRAINT leaf_only")}));
    QElapsedTimer clock;
    clock.start();
    auto run = f.ferryOk({f.leafIni(), QStringLiteral("retry")});
    QVERIFY_RESULT(run);
    QVERIFY2(run->out.contains(QStringLiteral("Asked the worker of node 'leaf' to try again now")),
             qPrintable(run->out));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT EXISTS (SELECT 1 FROM public.t WHERE id = "
                                            "301)"),
                             10000));
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(rows(QStringLiteral("301")), QStringLiteral("301=13"));
    // The worker got past it by itself: no operator's resolution.
    auto resolution = leaf(QStringLiteral("SELECT coalesce(resolution, 'none') FROM "
                                          "ferry.node_error WHERE event_id = %1 AND resolved_at "
                                          "IS NOT NULL")
                               .arg(*event));
    QVERIFY_RESULT(resolution);
    QCOMPARE(*resolution, QStringLiteral("none"));

    // Without a worker, retry says so.
    QVERIFY_RESULT(f.stopWorker(f.leafIni()));
    run = f.ferryOk({f.leafIni(), QStringLiteral("retry")});
    QVERIFY_RESULT(run);
    QVERIFY2(run->out.contains(QStringLiteral("No worker runs for node 'leaf'")),
             qPrintable(run->out));
}

void TestEventFix::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestEventFix)
#include "tst_eventfix.moc"
