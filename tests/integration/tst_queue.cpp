// Queue semantics, step by step against a real server: which events land in
// which batch (open transactions, rollbacks, savepoints), lagging consumers
// taking several ticks at once, the ticker's rules, NOTIFY after a tick,
// rotation and truncation of event tables, tick cleanup, and the Ticker
// class surviving a server restart.
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "testutil.h"
#include "usersession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <thread>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kConsumer = QStringLiteral("dst1");

// The "v" field of every Insert/Update event of a batch, in order.
QList<int> readValues(BatchReader &reader, const Batch &batch)
{
    QList<int> values;
    auto n = reader.readEvents(batch, [&values](const Event &e) {
        if (e.op == Event::Op::Insert || e.op == Event::Op::Update)
            values.append(
                QJsonDocument::fromJson(e.data).object().value(QStringLiteral("v")).toInt());
        return true;
    });
    if (!n)
        qWarning("readEvents failed: %s", qPrintable(n.error().toString()));
    return values;
}

} // namespace

class TestQueue : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void createAndDropQueue();
    void badQueueNamesAndUnknownQueues();
    void droppedTableIsForgotten();
    void consumerStartsAtLatestTick();
    void openTransactionLandsInLaterBatch();
    void rollbacksAndSavepointsNeverDelivered();
    void openBatchIsReturnedUntilFinished();
    void stoppedReadIsAnError();
    void laggingConsumerTakesSeveralTicks();
    void tickerRules();
    void notifyAfterTick();
    void rotationAndTruncation();
    void batchSpanningRotationReadsBothTables();
    void tickCleanupKeepsWhatConsumersNeed();
    void tickerSurvivesServerRestart();
    void maintenanceRefusesRepeatableRead();
    void consumerRegisteredLaterGetsOpenTransaction();

private:
    Connection connect();
    void write(Connection &c, const QString &sql);
    qint64 forceTick(Connection &c);
    qint64 count(Connection &c, const QString &sql);

    std::unique_ptr<PgCluster> m_cluster;
    int m_db = 0;
    QString m_database;
};

void TestQueue::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
}

void TestQueue::cleanupTestCase()
{
    m_cluster.reset();
}

// A fresh database per test with the schema, a queue, a captured table t and
// a consumer registered.
void TestQueue::init()
{
    m_database = QStringLiteral("q%1").arg(++m_db);
    QVERIFY_RESULT(m_cluster->createDatabase(m_database));
    Connection c = connect();
    QVERIFY_RESULT(SchemaInstaller::install(c));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v int)")));
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.createQueue(kQueue));
    QVERIFY_RESULT(admin.captureTable(kQueue, QStringLiteral("t")));
    QVERIFY_RESULT(admin.registerConsumer(kQueue, kConsumer));
}

Connection TestQueue::connect()
{
    auto c = openUserSession(m_cluster->connectionString(m_database));
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestQueue::write(Connection &c, const QString &sql)
{
    auto r = c.exec(sql);
    if (!r)
        qFatal("%s: %s", qPrintable(sql), qPrintable(r.error().toString()));
}

qint64 TestQueue::forceTick(Connection &c)
{
    auto t = QueueAdmin(c).tick(kQueue, true);
    if (!t || !t->has_value())
        qFatal("forced tick failed");
    return **t;
}

qint64 TestQueue::count(Connection &c, const QString &sql)
{
    auto r = c.exec(sql);
    if (!r)
        qFatal("%s: %s", qPrintable(sql), qPrintable(r.error().toString()));
    return r->toInt64(0, 0);
}

void TestQueue::createAndDropQueue()
{
    Connection c = connect();
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.createQueue(QStringLiteral("second")));
    auto dup = admin.createQueue(QStringLiteral("second"));
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().sqlState(), QStringLiteral("42710"));
    QVERIFY(dup.error().message().contains(QLatin1String("already exists")));
    QCOMPARE(count(c, QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry' "
                                     "AND tablename ~ '^event_\\d+_\\d+$'")),
             6);

    // A queue that still captures a table cannot be dropped by accident.
    auto busy = admin.dropQueue(kQueue);
    QVERIFY(!busy.ok());
    QCOMPARE(busy.error().sqlState(), QStringLiteral("2BP01"));
    QVERIFY(busy.error().message().contains(QLatin1String("public.t")));

    QVERIFY_RESULT(admin.dropQueue(QStringLiteral("second")));
    auto queues = admin.queues();
    QVERIFY_RESULT(queues);
    QCOMPARE(queues.value(), QStringList{kQueue});
    QCOMPARE(count(c, QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry' "
                                     "AND tablename ~ '^event_\\d+_\\d+$'")),
             3);
}

void TestQueue::badQueueNamesAndUnknownQueues()
{
    Connection c = connect();
    QueueAdmin admin(c);
    auto bad = admin.createQueue(QStringLiteral("no spaces; drop"));
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().sqlState(), QStringLiteral("23514"));
    auto unknown = admin.tick(QStringLiteral("nope"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().sqlState(), QStringLiteral("42704"));
    QVERIFY(unknown.error().message().contains(QLatin1String("queue \"nope\" does not exist")));
    BatchReader reader(c, kQueue, QStringLiteral("not-registered"));
    auto nb = reader.nextBatch();
    QVERIFY(!nb.ok());
    QVERIFY(nb.error().message().contains(QLatin1String("not registered")));
}

void TestQueue::droppedTableIsForgotten()
{
    // DROP TABLE takes the triggers along; the queue must not keep counting
    // the table as captured (which would block drop_queue forever), and its
    // consumers learn in queue order that its events end (an 'R' event).
    // Installed by a superuser, the sql_drop event trigger does it at once.
    Connection c = connect();
    const QString capFunctions
        = QStringLiteral("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_cap\\_%'");
    const QString released
        = QStringLiteral("SELECT count(*) FROM ferry.event_1_0 WHERE ev_op = 'R'");
    write(c, QStringLiteral("INSERT INTO t VALUES (1, 1)"));
    write(c, QStringLiteral("DROP TABLE t"));
    QCOMPARE(count(c, capFunctions), 0);
    QCOMPARE(count(c, released), 1);

    // Without the event trigger (an install without superuser), maintenance
    // finds the table gone, also when a new table took its oid's place.
    write(c, QStringLiteral("ALTER EVENT TRIGGER ferry_forget_dropped DISABLE; "
                            "CREATE TABLE t (id int PRIMARY KEY, v int)"));
    QVERIFY_RESULT(QueueAdmin(c).captureTable(kQueue, QStringLiteral("t")));
    write(c, QStringLiteral("DROP TABLE t"));
    QCOMPARE(count(c, capFunctions), 3);
    auto lines
        = c.exec(QStringLiteral("SELECT array_to_string(ferry.maint_tables($1), '|')"), {kQueue});
    QVERIFY_RESULT(lines);
    QVERIFY2(lines->text(0, 0).contains(QLatin1String("table public.t was dropped")),
             qPrintable(lines->text(0, 0)));
    QCOMPARE(count(c, capFunctions), 0);
    QCOMPARE(count(c, released), 2);
    write(c, QStringLiteral("ALTER EVENT TRIGGER ferry_forget_dropped ENABLE"));
    QVERIFY_RESULT(QueueAdmin(c).dropQueue(kQueue));
}

void TestQueue::consumerStartsAtLatestTick()
{
    Connection c = connect();
    write(c, QStringLiteral("INSERT INTO t VALUES (1, 1)"));
    forceTick(c);
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.registerConsumer(kQueue, QStringLiteral("late")));
    write(c, QStringLiteral("INSERT INTO t VALUES (2, 2)"));
    forceTick(c);

    BatchReader early(c, kQueue, kConsumer);
    auto b1 = early.nextBatch();
    QVERIFY_RESULT(b1);
    QVERIFY(b1->has_value());
    QCOMPARE(readValues(early, **b1), (QList<int>{1, 2}));

    BatchReader late(c, kQueue, QStringLiteral("late"));
    auto b2 = late.nextBatch();
    QVERIFY_RESULT(b2);
    QVERIFY(b2->has_value());
    QCOMPARE(readValues(late, **b2), QList<int>{2});
    // Registering again keeps the position.
    auto again = admin.registerConsumer(kQueue, QStringLiteral("late"));
    QVERIFY_RESULT(again);
    QCOMPARE(again.value(), (*b2)->prevTickId);
}

void TestQueue::openTransactionLandsInLaterBatch()
{
    Connection c = connect();
    Connection writer = connect();
    write(writer, QStringLiteral("BEGIN"));
    write(writer, QStringLiteral("INSERT INTO t VALUES (10, 10)"));
    write(c, QStringLiteral("INSERT INTO t VALUES (11, 11)")); // commits at once
    const qint64 t1 = forceTick(c);                            // 10 still running

    BatchReader reader(c, kQueue, kConsumer);
    auto b1 = reader.nextBatch();
    QVERIFY_RESULT(b1);
    QCOMPARE((*b1)->tickId, t1);
    QCOMPARE(readValues(reader, **b1), QList<int>{11});
    QVERIFY_RESULT(reader.finishBatch(**b1));

    write(writer, QStringLiteral("UPDATE t SET v = 12 WHERE id = 10"));
    write(writer, QStringLiteral("COMMIT"));
    const qint64 t2 = forceTick(c);
    auto b2 = reader.nextBatch();
    QVERIFY_RESULT(b2);
    QCOMPARE((*b2)->prevTickId, t1);
    QCOMPARE((*b2)->tickId, t2);
    QCOMPARE(readValues(reader, **b2), (QList<int>{10, 12}));
    QVERIFY_RESULT(reader.finishBatch(**b2));

    auto none = reader.nextBatch();
    QVERIFY_RESULT(none);
    QVERIFY(!none->has_value());
}

void TestQueue::rollbacksAndSavepointsNeverDelivered()
{
    Connection c = connect();
    write(c, QStringLiteral("BEGIN; INSERT INTO t VALUES (1, 1); ROLLBACK"));
    write(c, QStringLiteral("BEGIN; INSERT INTO t VALUES (2, 2); SAVEPOINT a; "
                            "INSERT INTO t VALUES (3, 3); UPDATE t SET v = 22 WHERE id = 2; "
                            "ROLLBACK TO SAVEPOINT a; INSERT INTO t VALUES (4, 4); "
                            "SAVEPOINT b; UPDATE t SET v = 44 WHERE id = 4; RELEASE SAVEPOINT b; "
                            "COMMIT"));
    // A failed statement aborts its transaction: nothing of it may appear.
    QVERIFY(
        !c.exec(QStringLiteral("BEGIN; INSERT INTO t VALUES (5, 5); INSERT INTO t VALUES (2, 0)"))
             .ok());
    write(c, QStringLiteral("ROLLBACK"));
    forceTick(c);

    BatchReader reader(c, kQueue, kConsumer);
    auto b = reader.nextBatch();
    QVERIFY_RESULT(b);
    QCOMPARE(readValues(reader, **b), (QList<int>{2, 4, 44}));
}

void TestQueue::openBatchIsReturnedUntilFinished()
{
    Connection c = connect();
    write(c, QStringLiteral("INSERT INTO t VALUES (1, 1)"));
    forceTick(c);
    BatchReader reader(c, kQueue, kConsumer);
    auto first = reader.nextBatch();
    QVERIFY_RESULT(first);
    // More ticks arrive, but a consumer that crashed mid-batch gets the same batch back.
    write(c, QStringLiteral("INSERT INTO t VALUES (2, 2)"));
    forceTick(c);
    auto again = reader.nextBatch();
    QVERIFY_RESULT(again);
    QCOMPARE((*again)->id, (*first)->id);
    QCOMPARE((*again)->tickId, (*first)->tickId);
    QCOMPARE(readValues(reader, **again), QList<int>{1});
    QCOMPARE(readValues(reader, **again), QList<int>{1}); // reading twice gives the same events
    QVERIFY_RESULT(reader.finishBatch(**again));
    auto finishedTwice = reader.finishBatch(**again);
    QVERIFY(!finishedTwice.ok());
    auto next = reader.nextBatch();
    QVERIFY_RESULT(next);
    QVERIFY((*next)->id != (*first)->id);
    QCOMPARE(readValues(reader, **next), QList<int>{2});
}

void TestQueue::stoppedReadIsAnError()
{
    Connection c = connect();
    write(c, QStringLiteral("INSERT INTO t SELECT g, g FROM generate_series(1, 10) g"));
    forceTick(c);
    BatchReader reader(c, kQueue, kConsumer);
    reader.setFetchSize(0); // clamped to 1, not an endless loop
    auto b = reader.nextBatch();
    QVERIFY_RESULT(b);
    int seen = 0;
    auto stopped = reader.readEvents(**b, [&seen](const Event &) { return ++seen < 3; });
    QVERIFY(!stopped.ok());
    QCOMPARE(stopped.error().kind(), ErrorKind::Canceled);
    QCOMPARE(seen, 3);
    // Inside a caller's transaction it refuses instead of committing it.
    write(c, QStringLiteral("BEGIN"));
    auto nested = reader.readEvents(**b, [](const Event &) { return true; });
    QVERIFY(!nested.ok());
    write(c, QStringLiteral("ROLLBACK"));
    // The batch is still open and complete.
    QCOMPARE(readValues(reader, **b).size(), 10);
}

void TestQueue::laggingConsumerTakesSeveralTicks()
{
    Connection c = connect();
    QVERIFY_RESULT(QueueAdmin(c).setQueueConfig(kQueue, QStringLiteral("max_batch_events"),
                                                QStringLiteral("25")));
    QList<qint64> ticks;
    for (int tick = 0; tick < 5; ++tick) {
        write(c, QStringLiteral("INSERT INTO t SELECT g, g FROM generate_series(%1, %2) g")
                     .arg(tick * 10 + 1)
                     .arg(tick * 10 + 10));
        ticks.append(forceTick(c));
    }
    // One tick of 40 events, larger than the bound: still delivered, alone.
    write(c, QStringLiteral("INSERT INTO t SELECT g, g FROM generate_series(51, 90) g"));
    ticks.append(forceTick(c));

    BatchReader reader(c, kQueue, kConsumer);
    QList<QPair<qint64, int>> seen; // (end tick, events)
    int total = 0;
    for (;;) {
        auto b = reader.nextBatch();
        QVERIFY_RESULT(b);
        if (!b->has_value())
            break;
        const QList<int> values = readValues(reader, **b);
        seen.append({(*b)->tickId, int(values.size())});
        total += int(values.size());
        QCOMPARE((*b)->estimatedEvents, qint64(values.size()));
        QVERIFY_RESULT(reader.finishBatch(**b));
    }
    // 10+10 fit in 25, then 10+10, then 10 (+40 would exceed), then the 40 alone.
    const QList<QPair<qint64, int>> expected
        = {{ticks[1], 20}, {ticks[3], 20}, {ticks[4], 10}, {ticks[5], 40}};
    QCOMPARE(seen, expected);
    QCOMPARE(total, 90);
}

void TestQueue::tickerRules()
{
    Connection c = connect();
    QueueAdmin admin(c);
    QVERIFY_RESULT(
        admin.setQueueConfig(kQueue, QStringLiteral("tick_period"), QStringLiteral("300 ms")));
    QVERIFY_RESULT(
        admin.setQueueConfig(kQueue, QStringLiteral("idle_period"), QStringLiteral("1 s")));
    QVERIFY_RESULT(
        admin.setQueueConfig(kQueue, QStringLiteral("tick_max_events"), QStringLiteral("5")));
    forceTick(c);

    // Nothing happened and idle_period has not passed: no tick, and nothing written.
    // (Targets are evaluated in order: the ticker runs before the xid check.)
    auto quiet
        = c.exec(QStringLiteral("SELECT ferry.ticker($1), txid_current_if_assigned()"), {kQueue});
    QVERIFY_RESULT(quiet);
    QVERIFY(quiet->isNull(0, 0));
    QVERIFY(quiet->isNull(0, 1));

    // One event: no tick before tick_period, a tick after it.
    write(c, QStringLiteral("INSERT INTO t VALUES (1, 1)"));
    auto early = admin.tick(kQueue);
    QVERIFY_RESULT(early);
    QVERIFY(!early->has_value());
    QThread::msleep(350);
    auto due = admin.tick(kQueue);
    QVERIFY_RESULT(due);
    QVERIFY(due->has_value());

    // tick_max_events waiting: a tick at once.
    write(c, QStringLiteral("INSERT INTO t SELECT g, g FROM generate_series(2, 6) g"));
    auto full = admin.tick(kQueue);
    QVERIFY_RESULT(full);
    QVERIFY(full->has_value());

    // Idle: a tick after idle_period even without events.
    auto idle = admin.tick(kQueue);
    QVERIFY_RESULT(idle);
    QVERIFY(!idle->has_value());
    QThread::msleep(1050);
    auto idleTick = admin.tick(kQueue);
    QVERIFY_RESULT(idleTick);
    QVERIFY(idleTick->has_value());
}

void TestQueue::notifyAfterTick()
{
    Connection c = connect();
    Connection listener = connect();
    QVERIFY_RESULT(listener.listen(QStringLiteral("ferry:") + kQueue));
    const qint64 tick = forceTick(c);
    auto n = listener.waitForNotification(5000);
    QVERIFY_RESULT(n);
    QVERIFY(n->has_value());
    QCOMPARE((*n)->payload, QString::number(tick));
    // Inside a transaction the NOTIFY waits for the commit, like the tick itself.
    write(c, QStringLiteral("BEGIN"));
    forceTick(c);
    auto none = listener.waitForNotification(200);
    QVERIFY_RESULT(none);
    QVERIFY(!none->has_value());
    write(c, QStringLiteral("COMMIT"));
    auto after = listener.waitForNotification(5000);
    QVERIFY_RESULT(after);
    QVERIFY(after->has_value());
}

void TestQueue::rotationAndTruncation()
{
    Connection c = connect();
    QueueAdmin admin(c);
    auto rotate = [&c] {
        auto r = c.exec(QStringLiteral("SELECT ferry.maint_rotate($1)"), {kQueue});
        return r.ok() && r->toBool(0, 0);
    };
    auto truncate = [&c] {
        auto r = c.exec(QStringLiteral("SELECT ferry.maint_truncate($1)"), {kQueue});
        return r.ok() ? int(r->toInt64(0, 0)) : -1;
    };
    auto rows = [this, &c](int table) {
        return count(c, QStringLiteral("SELECT count(*) FROM ferry.event_1_%1").arg(table));
    };

    // Not due yet (default rotation_period is 2 hours).
    write(c, QStringLiteral("INSERT INTO t VALUES (1, 1)"));
    QVERIFY(!rotate());
    QCOMPARE(rows(0), 1);

    QVERIFY_RESULT(
        admin.setQueueConfig(kQueue, QStringLiteral("rotation_period"), QStringLiteral("0")));
    QVERIFY(rotate());
    write(c, QStringLiteral("INSERT INTO t VALUES (2, 2)"));
    QCOMPARE(rows(0), 1);
    QCOMPARE(rows(1), 1); // capture functions now point at table 1
    forceTick(c);

    // The consumer has not read table 0's event: it must survive truncation.
    QCOMPARE(truncate(), 0);
    QCOMPARE(rows(0), 1);
    // A lock held on the table (a reader mid-batch) makes truncation skip it, not wait.
    BatchReader reader(c, kQueue, kConsumer);
    auto b = reader.nextBatch();
    QVERIFY_RESULT(b);
    QCOMPARE(readValues(reader, **b), (QList<int>{1, 2}));
    QVERIFY_RESULT(reader.finishBatch(**b));
    Connection holder = connect();
    write(holder, QStringLiteral("BEGIN; LOCK TABLE ferry.event_1_0 IN ACCESS SHARE MODE"));
    QCOMPARE(truncate(), 0);
    write(holder, QStringLiteral("COMMIT"));
    QCOMPARE(truncate(), 1);
    QCOMPARE(rows(0), 0);
    QCOMPARE(rows(1), 1); // the current table is never truncated

    // Rotation waits until the next table has been emptied: 1 -> 2 is free,
    // 2 -> 0 is free (truncated above), 0 -> 1 must wait for table 1's event.
    QVERIFY(rotate());
    write(c, QStringLiteral("INSERT INTO t VALUES (3, 3)"));
    QVERIFY(rotate());
    QVERIFY(!rotate());
    QCOMPARE(count(c, QStringLiteral("SELECT rotations FROM ferry.queue")), 3);
    forceTick(c);
    auto b2 = reader.nextBatch();
    QVERIFY_RESULT(b2);
    QCOMPARE(readValues(reader, **b2), QList<int>{3});
    QVERIFY_RESULT(reader.finishBatch(**b2));
    QCOMPARE(truncate(), 2);
    QVERIFY(rotate());

    // No consumer at all: events before the latest tick are needed by nobody
    // (a consumer registering now starts at that tick); later ones are kept.
    write(c, QStringLiteral("INSERT INTO t VALUES (4, 4)"));
    QVERIFY(rotate());
    QVERIFY_RESULT(admin.unregisterConsumer(kQueue, kConsumer));
    QCOMPARE(truncate(), 0);
    forceTick(c);
    QVERIFY(truncate() >= 1);
    QCOMPARE(count(c, QStringLiteral("SELECT (SELECT count(*) FROM ferry.event_1_0) + "
                                     "(SELECT count(*) FROM ferry.event_1_1) + "
                                     "(SELECT count(*) FROM ferry.event_1_2)")),
             0);
}

void TestQueue::batchSpanningRotationReadsBothTables()
{
    Connection c = connect();
    Connection writer = connect();
    QVERIFY_RESULT(QueueAdmin(c).setQueueConfig(kQueue, QStringLiteral("rotation_period"),
                                                QStringLiteral("0")));
    // A transaction writes before and after a rotation: its events sit in two tables.
    write(writer, QStringLiteral("BEGIN; INSERT INTO t VALUES (1, 1)"));
    auto r = c.exec(QStringLiteral("SELECT ferry.maint_rotate($1)"), {kQueue});
    QVERIFY_RESULT(r);
    QVERIFY(r->toBool(0, 0));
    write(writer, QStringLiteral("INSERT INTO t VALUES (2, 2); COMMIT"));
    write(c, QStringLiteral("INSERT INTO t VALUES (3, 3)"));
    forceTick(c);
    QCOMPARE(count(c, QStringLiteral("SELECT count(*) FROM ferry.event_1_0")), 1);
    QCOMPARE(count(c, QStringLiteral("SELECT count(*) FROM ferry.event_1_1")), 2);
    BatchReader reader(c, kQueue, kConsumer);
    auto b = reader.nextBatch();
    QVERIFY_RESULT(b);
    QCOMPARE(readValues(reader, **b), (QList<int>{1, 2, 3}));
}

void TestQueue::tickCleanupKeepsWhatConsumersNeed()
{
    Connection c = connect();
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.registerConsumer(kQueue, QStringLiteral("slow")));
    for (int i = 0; i < 5; ++i)
        forceTick(c);
    BatchReader fast(c, kQueue, kConsumer);
    for (;;) {
        auto b = fast.nextBatch();
        QVERIFY_RESULT(b);
        if (!b->has_value())
            break;
        QVERIFY_RESULT(fast.finishBatch(**b));
    }
    auto cleanup = [&c] {
        auto r = c.exec(QStringLiteral("SELECT ferry.maint_cleanup_ticks($1)"), {kQueue});
        return r.ok() ? r->toInt64(0, 0) : -1;
    };
    // "slow" still stands on tick 1: nothing may go.
    QCOMPARE(cleanup(), 0);
    QVERIFY_RESULT(admin.unregisterConsumer(kQueue, QStringLiteral("slow")));
    QCOMPARE(cleanup(), 5); // ticks 1..5 go, the consumer's tick 6 stays
    QCOMPARE(count(c, QStringLiteral("SELECT min(tick_id) FROM ferry.tick")), 6);
    auto next = fast.nextBatch();
    QVERIFY_RESULT(next);
    QVERIFY(!next->has_value());
}

void TestQueue::tickerSurvivesServerRestart()
{
    PgCluster own;
    QVERIFY_RESULT(own.start());
    auto setup = openUserSession(own.connectionString());
    QVERIFY_RESULT(setup);
    QVERIFY_RESULT(SchemaInstaller::install(*setup));
    QVERIFY_RESULT(QueueAdmin(*setup).createQueue(kQueue));
    QVERIFY_RESULT(QueueAdmin(*setup).setQueueConfig(kQueue, QStringLiteral("idle_period"),
                                                     QStringLiteral("100 ms")));
    auto cs
        = ConnectionString::parse(own.connectionString() + QStringLiteral(" password=Sekr1tPw"));
    QVERIFY_RESULT(cs);

    TickerOptions options;
    options.pollMs = 50;
    options.maintenanceMs = 200;
    options.retryMinMs = 50;
    options.retryMaxMs = 200;
    Ticker ticker(cs.value(), options);
    std::atomic_bool stop{false};
    std::thread thread([&] { ticker.run(stop); });

    auto ticks = [&own]() -> qint64 {
        auto c = openUserSession(own.connectionString());
        if (!c)
            return -1;
        auto r = c->exec(QStringLiteral("SELECT max(tick_id) FROM ferry.tick"));
        return r ? r->toInt64(0, 0) : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= 3, 10000);
    QVERIFY_RESULT(own.stop(QStringLiteral("fast")));
    QThread::msleep(500); // the ticker now fails and backs off
    QVERIFY_RESULT(own.start());
    const qint64 afterRestart = ticks();
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= afterRestart + 3, 10000);
    stop = true;
    thread.join();
}

void TestQueue::maintenanceRefusesRepeatableRead()
{
    // Under REPEATABLE READ maint_truncate would judge a table by an old
    // snapshot and could drop events committed since: it refuses instead.
    Connection c = connect();
    write(c, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ"));
    for (const QString &call : {QStringLiteral("SELECT ferry.maint_truncate($1)"),
                                QStringLiteral("SELECT ferry.maint_rotate($1)"),
                                QStringLiteral("SELECT ferry.ticker($1, true)"),
                                QStringLiteral("SELECT ferry.maint_cleanup_ticks($1)")}) {
        auto r = c.exec(call, {kQueue});
        QVERIFY2(!r.ok(), qPrintable(call));
        QCOMPARE(r.error().sqlState(), QStringLiteral("25000"));
        QVERIFY(r.error().message().contains(QLatin1String("READ COMMITTED")));
        write(c, QStringLiteral("ROLLBACK; BEGIN ISOLATION LEVEL REPEATABLE READ"));
    }
    write(c, QStringLiteral("ROLLBACK"));
}

void TestQueue::consumerRegisteredLaterGetsOpenTransaction()
{
    // No consumer yet; a transaction is open across a tick and commits after
    // it; maintenance runs; a consumer then registers at that tick. The
    // transaction's events belong to the consumer's first batch and must
    // not have been truncated away.
    Connection c = connect();
    QVERIFY_RESULT(QueueAdmin(c).unregisterConsumer(kQueue, kConsumer));
    QVERIFY_RESULT(QueueAdmin(c).setQueueConfig(kQueue, QStringLiteral("rotation_period"),
                                                QStringLiteral("0")));
    Connection writer = connect();
    write(writer, QStringLiteral("BEGIN; INSERT INTO t VALUES (7, 7)"));
    forceTick(c);
    write(writer, QStringLiteral("COMMIT"));
    auto r = c.exec(QStringLiteral("SELECT ferry.maint_rotate($1), ferry.maint_truncate($1)"),
                    {kQueue});
    QVERIFY_RESULT(r);
    QVERIFY(r->toBool(0, 0)); // rotated: the event now sits in a non-current table
    QVERIFY_RESULT(QueueAdmin(c).registerConsumer(kQueue, QStringLiteral("late")));
    forceTick(c);
    BatchReader reader(c, kQueue, QStringLiteral("late"));
    auto b = reader.nextBatch();
    QVERIFY_RESULT(b);
    QVERIFY(b->has_value());
    QCOMPARE(readValues(reader, **b), QList<int>{7});
}

QTEST_GUILESS_MAIN(TestQueue)
#include "tst_queue.moc"
