// Exactly-once batching under concurrency. Writer threads run a random mix of
// transactions against one captured table: single updates, multi-statement
// commits, rollbacks, rolled-back savepoints, transactions that stay open
// across several ticks, key changes, deletes, deadlocks. The Ticker runs
// meanwhile with a one-second rotation period, and a consumer reads batches,
// sometimes "crashing" before it finishes one. At the end every committed
// change must have been delivered exactly once, no rolled-back change at
// all, and replaying the delivered events in order must rebuild the table
// exactly; old event tables must really have been truncated.
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "queue/ticker.h"
#include "testutil.h"
#include "usersession.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <atomic>
#include <thread>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kConsumer = QStringLiteral("dst1");
constexpr int kSharedKeys = 200;
constexpr int kWriters = 3;

struct Row
{
    int v = 0;
    QString mark;
    bool operator==(const Row &o) const { return v == o.v && mark == o.mark; }
};

// What the writers did, as far as they know it committed.
struct Ledger
{
    QMutex mutex;
    QSet<QString> committed;  // marks of inserted/updated row images that committed
    QSet<QString> rolledBack; // marks that were written and then rolled back
    QStringList errors;       // unexpected failures
    std::atomic<qint64> transactions{0};
    std::atomic<qint64> deadlocks{0};
};

// One writer thread's transaction in progress.
class TxnWriter
{
public:
    TxnWriter(Connection &c, int writer, QRandomGenerator &random)
        : m_c(c)
        , m_writer(writer)
        , m_random(random)
    {}

    // Runs one random operation; false when the transaction failed.
    bool randomOp(QStringList &marks)
    {
        const int kind = m_random.bounded(10);
        const QString mark = QStringLiteral("w%1-%2").arg(m_writer).arg(++m_counter);
        if (kind < 5)
            return exec(QStringLiteral("UPDATE acct SET v = v + 1, mark = $1 WHERE id = $2"),
                        {mark, 1 + m_random.bounded(kSharedKeys)}, mark, marks);
        if (kind < 7) {
            m_owned.append(nextOwnedKey());
            return exec(QStringLiteral("INSERT INTO acct VALUES ($1, 0, $2)"),
                        {m_owned.last(), mark}, mark, marks);
        }
        if (kind < 8 && !m_owned.isEmpty()) // key change: the event must carry the old key
            return exec(QStringLiteral("UPDATE acct SET id = $1, mark = $2 WHERE id = $3"),
                        {nextOwnedKey(), mark, m_owned.takeFirst()}, mark, marks);
        if (kind < 9 && !m_owned.isEmpty())
            return exec(QStringLiteral("DELETE FROM acct WHERE id = $1"), {m_owned.takeFirst()},
                        QString(), marks);
        // A statement touching a range of rows: one event per row.
        const int from = 1 + m_random.bounded(kSharedKeys - 10);
        auto r = m_c.exec(QStringLiteral("UPDATE acct SET v = v + 1, mark = $1 || ':' || id "
                                         "WHERE id BETWEEN $2 AND $3 RETURNING mark"),
                          {mark, from, from + 5});
        if (!r)
            return fail(r.error());
        for (int i = 0; i < r->rowCount(); ++i)
            marks.append(r->text(i, 0));
        return true;
    }

    // A statement without parameters or marks (BEGIN, SAVEPOINT, ...).
    bool plain(const QString &sql)
    {
        auto r = m_c.exec(sql);
        if (!r)
            return fail(r.error());
        // COMMIT of an aborted transaction answers ROLLBACK without an error.
        if (sql == QLatin1String("COMMIT") && r->commandTag() != QLatin1String("COMMIT"))
            return fail(Error(ErrorKind::Server, QStringLiteral("COMMIT rolled back")));
        return true;
    }

    Error lastError;

private:
    int nextOwnedKey() { return 100000 * (m_writer + 1) + (++m_keys); }

    bool
    exec(const QString &sql, const QVariantList &params, const QString &mark, QStringList &marks)
    {
        auto r = m_c.exec(sql, params);
        if (!r)
            return fail(r.error());
        // A row that was deleted meanwhile is not updated: no event, no mark.
        if (r->affectedRows() == 1 && !mark.isEmpty())
            marks.append(mark);
        return true;
    }

    bool fail(const Error &e)
    {
        lastError = e;
        return false;
    }

    Connection &m_c;
    int m_writer;
    QRandomGenerator &m_random;
    QList<int> m_owned;
    int m_counter = 0;
    int m_keys = 0;
};

void writerLoop(Connection c, int writer, quint32 seed, qint64 durationMs, Ledger &ledger)
{
    QRandomGenerator random(seed);
    TxnWriter txn(c, writer, random);
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < durationMs) {
        const int scenario = random.bounded(100);
        QStringList kept;    // marks this transaction will commit
        QStringList dropped; // marks it writes and rolls back
        bool ok = true;
        if (scenario < 35) { // autocommit single statement
            ok = txn.randomOp(kept);
        } else {
            ok = txn.plain(QStringLiteral("BEGIN"));
            const int ops = 1 + random.bounded(4);
            for (int i = 0; ok && i < ops; ++i)
                ok = txn.randomOp(kept);
            if (ok && scenario >= 80) { // a savepoint whose work is rolled back
                ok = txn.plain(QStringLiteral("SAVEPOINT s"));
                for (int i = 0; ok && i < 2; ++i)
                    ok = txn.randomOp(dropped);
                ok = ok && txn.plain(QStringLiteral("ROLLBACK TO SAVEPOINT s"));
                ok = ok && txn.randomOp(kept);
            }
            if (ok && scenario >= 70 && scenario < 80) { // stays open across ticks
                QThread::msleep(50 + random.bounded(300));
                ok = txn.randomOp(kept);
            }
            if (ok && scenario >= 60 && scenario < 70) { // rolled back on purpose
                dropped += kept;
                kept.clear();
                ok = txn.plain(QStringLiteral("ROLLBACK"));
            } else if (ok) {
                ok = txn.plain(QStringLiteral("COMMIT"));
            }
        }
        if (!ok) {
            // Deadlocks and key collisions are part of the game: the transaction is gone.
            const Error e = txn.lastError;
            (void)c.exec(QStringLiteral("ROLLBACK"));
            dropped += kept;
            kept.clear();
            if (e.kind() == ErrorKind::Retry) {
                ++ledger.deadlocks;
            } else {
                QMutexLocker lock(&ledger.mutex);
                ledger.errors.append(e.toString());
            }
        }
        ++ledger.transactions;
        QMutexLocker lock(&ledger.mutex);
        for (const QString &m : std::as_const(kept))
            ledger.committed.insert(m);
        for (const QString &m : std::as_const(dropped))
            ledger.rolledBack.insert(m);
    }
}

} // namespace

class TestExactlyOnce : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyCommittedChangeExactlyOnce();

private:
    Connection connect();
    std::unique_ptr<PgCluster> m_cluster;
};

void TestExactlyOnce::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("digoal_01")));
}

void TestExactlyOnce::cleanupTestCase()
{
    m_cluster.reset();
}

Connection TestExactlyOnce::connect()
{
    auto c = openUserSession(m_cluster->connectionString(QStringLiteral("digoal_01")));
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestExactlyOnce::everyCommittedChangeExactlyOnce()
{
    const qint64 durationMs = qEnvironmentVariableIntValue("FERRY_STRESS_MS") > 0
                                  ? qEnvironmentVariableIntValue("FERRY_STRESS_MS")
                                  : 12000;
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u, %lld ms of load", seed, durationMs);

    Connection admin = connect();
    QVERIFY_RESULT(SchemaInstaller::install(admin));
    QVERIFY_RESULT(admin.exec(
        QStringLiteral(
            "CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL, mark text NOT NULL); "
            "INSERT INTO acct SELECT g, 0, 'seed' FROM generate_series(1, %1) g")
            .arg(kSharedKeys)));
    QueueAdmin queue(admin);
    QVERIFY_RESULT(queue.createQueue(kQueue));
    for (const auto &[key, value] : {std::pair{"tick_period", "20 ms"},
                                     {"tick_max_events", "300"},
                                     {"idle_period", "500 ms"},
                                     {"rotation_period", "1 s"},
                                     {"max_batch_events", "2000"}})
        QVERIFY_RESULT(
            queue.setQueueConfig(kQueue, QString::fromLatin1(key), QString::fromLatin1(value)));
    QVERIFY_RESULT(queue.captureTable(kQueue, QStringLiteral("acct")));
    QVERIFY_RESULT(queue.registerConsumer(kQueue, kConsumer));

    // The consumer's replica starts as the table is now (nothing changed since capture).
    QHash<int, Row> shadow;
    {
        auto rows = admin.exec(QStringLiteral("SELECT id, v, mark FROM acct"));
        QVERIFY_RESULT(rows);
        for (int i = 0; i < rows->rowCount(); ++i)
            shadow.insert(int(rows->toInt64(i, 0)),
                          Row{int(rows->toInt64(i, 1)), rows->text(i, 2)});
    }

    TickerOptions tickerOptions;
    tickerOptions.pollMs = 10;
    tickerOptions.maintenanceMs = 300;
    auto cs = ConnectionString::parse(m_cluster->connectionString(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(cs);
    Ticker ticker(cs.value(), tickerOptions);
    std::atomic_bool stopTicker{false};
    std::thread tickerThread([&] { ticker.run(stopTicker); });

    // Consumer: delivered events in order; sometimes it reads a batch and
    // "crashes" (new connection, batch not finished) to prove the batch comes
    // back identical.
    QList<Event> delivered;
    QStringList consumerErrors;
    std::atomic<qint64> targetTick{-1};
    std::atomic<int> batches{0};
    std::atomic<int> rereads{0};
    std::thread consumerThread([&] {
        QRandomGenerator random(seed ^ 0x5a5a5a5aU);
        auto open = [&] {
            return openUserSession(cs.value());
        };
        auto c = open();
        if (!c) {
            consumerErrors.append(c.error().toString());
            return;
        }
        QList<Event> crashed;
        qint64 crashedBatch = -1;
        for (;;) {
            BatchReader reader(*c, kQueue, kConsumer);
            reader.setFetchSize(500);
            auto b = reader.nextBatch();
            if (!b) {
                consumerErrors.append(b.error().toString());
                return;
            }
            if (!b->has_value()) {
                const qint64 target = targetTick.load();
                if (target > 0) {
                    auto last = c->exec(QStringLiteral("SELECT last_tick FROM ferry.consumer"));
                    if (last && last->toInt64(0, 0) >= target)
                        return;
                }
                QThread::msleep(5);
                continue;
            }
            QList<Event> events;
            bool ordered = true;
            auto n = reader.readEvents(**b, [&events, &ordered](const Event &e) {
                // Within a batch events come in queue order. Across batches
                // they need not: a transaction that wrote early and committed
                // late lands in a later batch, after smaller ids.
                ordered = ordered && (events.isEmpty() || events.last().id < e.id);
                events.append(e);
                return true;
            });
            if (!ordered)
                consumerErrors.append(QStringLiteral("batch %1 out of order").arg((*b)->id));
            if (!n) {
                consumerErrors.append(n.error().toString());
                return;
            }
            if (crashedBatch == (*b)->id) {
                ++rereads;
                if (crashed.size() != events.size())
                    consumerErrors.append(
                        QStringLiteral("batch %1 re-read with %2 events, first %3")
                            .arg((*b)->id)
                            .arg(events.size())
                            .arg(crashed.size()));
                for (int i = 0; i < qMin(crashed.size(), events.size()); ++i) {
                    if (crashed[i].id != events[i].id || crashed[i].data != events[i].data) {
                        consumerErrors.append(
                            QStringLiteral("batch %1 re-read differs at %2").arg((*b)->id).arg(i));
                        break;
                    }
                }
            } else if (random.bounded(10) == 0) {
                crashed = events; // "crash": drop the connection without finishing
                crashedBatch = (*b)->id;
                c = open();
                if (!c) {
                    consumerErrors.append(c.error().toString());
                    return;
                }
                continue;
            }
            if (auto f = reader.finishBatch(**b); !f) {
                consumerErrors.append(f.error().toString());
                return;
            }
            delivered += events;
            ++batches;
        }
    });

    Ledger ledger;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back(writerLoop, connect(), w, seed + quint32(w), durationMs,
                             std::ref(ledger));
    }
    for (auto &t : writers)
        t.join();

    // Everything is committed: one last tick covers it; the consumer drains up to it.
    auto last = queue.tick(kQueue, true);
    QVERIFY_RESULT(last);
    targetTick = **last;
    consumerThread.join();
    stopTicker = true;
    tickerThread.join();

    QVERIFY2(consumerErrors.isEmpty(), qPrintable(consumerErrors.join(QStringLiteral("; "))));
    QVERIFY2(ledger.errors.isEmpty(),
             qPrintable(ledger.errors.mid(0, 5).join(QStringLiteral("; "))));

    // 1. Every committed image exactly once; no rolled-back one.
    QHash<QString, int> seen;
    for (const Event &e : std::as_const(delivered)) {
        if (e.op == Event::Op::Insert || e.op == Event::Op::Update)
            ++seen
                [QJsonDocument::fromJson(e.data).object().value(QStringLiteral("mark")).toString()];
    }
    QStringList duplicates, missing, leaked;
    for (auto it = seen.cbegin(); it != seen.cend(); ++it) {
        if (it.value() > 1)
            duplicates.append(it.key());
        if (ledger.rolledBack.contains(it.key()))
            leaked.append(it.key());
    }
    for (const QString &m : std::as_const(ledger.committed)) {
        if (!seen.contains(m))
            missing.append(m);
    }
    qInfo("%lld transactions (%lld deadlocks), %d committed images, %d rolled back, "
          "%d events in %d batches, %d batches re-read after a simulated crash",
          ledger.transactions.load(), ledger.deadlocks.load(), int(ledger.committed.size()),
          int(ledger.rolledBack.size()), int(delivered.size()), batches.load(), rereads.load());
    QVERIFY2(duplicates.isEmpty(), qPrintable(duplicates.mid(0, 10).join(QLatin1Char(' '))));
    QVERIFY2(missing.isEmpty(), qPrintable(missing.mid(0, 10).join(QLatin1Char(' '))));
    QVERIFY2(leaked.isEmpty(), qPrintable(leaked.mid(0, 10).join(QLatin1Char(' '))));
    QCOMPARE(seen.size(), ledger.committed.size());
    QVERIFY(ledger.committed.size() > 1000);
    QVERIFY(!ledger.rolledBack.isEmpty());
    QVERIFY(rereads.load() > 0);

    // 2. Replaying in queue order rebuilds the table: every update and delete
    //    finds its row, every insert finds none.
    for (const Event &e : std::as_const(delivered)) {
        const QJsonObject data = QJsonDocument::fromJson(e.data).object();
        const int newId = data.value(QStringLiteral("id")).toInt();
        const int oldId
            = QJsonDocument::fromJson(e.key).object().value(QStringLiteral("id")).toInt();
        switch (e.op) {
        case Event::Op::Insert:
            QVERIFY2(!shadow.contains(newId), qPrintable(QString::number(e.id)));
            break;
        case Event::Op::Update:
        case Event::Op::Delete:
            QVERIFY2(shadow.remove(oldId) == 1, qPrintable(QString::number(e.id)));
            break;
        case Event::Op::Truncate:
        case Event::Op::Release:
        case Event::Op::Script:
            QFAIL("no truncate, release or script in this test");
        }
        if (e.op != Event::Op::Delete)
            shadow.insert(newId, Row{data.value(QStringLiteral("v")).toInt(),
                                     data.value(QStringLiteral("mark")).toString()});
    }
    auto rows = admin.exec(QStringLiteral("SELECT id, v, mark FROM acct"));
    QVERIFY_RESULT(rows);
    QCOMPARE(shadow.size(), rows->rowCount());
    for (int i = 0; i < rows->rowCount(); ++i) {
        const int id = int(rows->toInt64(i, 0));
        QVERIFY2(shadow.contains(id), qPrintable(QString::number(id)));
        QCOMPARE(shadow.value(id), (Row{int(rows->toInt64(i, 1)), rows->text(i, 2)}));
    }

    // 3. Tables rotated under load, and once the consumer is through, every
    //    old table is really emptied.
    auto state = admin.exec(QStringLiteral("SELECT rotations, cur_table FROM ferry.queue"));
    QVERIFY_RESULT(state);
    const qint64 rotations = state->toInt64(0, 0);
    qInfo("%lld rotations", rotations);
    QVERIFY(rotations >= durationMs / 1000 / 2);
    auto truncated = admin.exec(QStringLiteral("SELECT ferry.maint_truncate($1)"), {kQueue});
    QVERIFY_RESULT(truncated);
    const int current = int(state->toInt64(0, 1));
    for (int table = 0; table < 3; ++table) {
        if (table == current)
            continue;
        auto size
            = admin.exec(QStringLiteral("SELECT pg_relation_size('ferry.event_1_%1')").arg(table));
        QVERIFY_RESULT(size);
        QCOMPARE(size->toInt64(0, 0), 0);
    }
}

QTEST_GUILESS_MAIN(TestExactlyOnce)
#include "tst_exactlyonce.moc"
