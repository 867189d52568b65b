// LagHistory over a LocalStore in a temporary file: one sample per node and status
// read (no lag for a node that did not answer), downsampling in SQL, pruning and
// thinning, and the history surviving a reopen of the store.
#include "cascade/cascadereader.h"
#include "cascade/cascadestatus.h"
#include "common/localstore.h"
#include "lag/laghistory.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ferry;
using namespace ferry::gui;

namespace {

const QString kRootLocation = QStringLiteral("host=10.0.0.1 port=5432 dbname=root user=ferry");
const QString kScope = QStringLiteral("replika@") + kRootLocation;

NodeStatus
node(const QString &name, NodeType type, std::optional<double> lag, bool reachable = true)
{
    NodeStatus n;
    n.name = name;
    n.type = type;
    n.location
        = type == NodeType::Root ? kRootLocation : QStringLiteral("host=10.0.0.2 dbname=") + name;
    n.lagSeconds = lag;
    n.reachable = reachable;
    return n;
}

StatusReply reply(qint64 atMs, const QList<NodeStatus> &nodes, quint64 token = 1)
{
    StatusReply r;
    r.token = token;
    r.ok = true;
    r.readAt = QDateTime::fromMSecsSinceEpoch(atMs);
    r.status.queue = QStringLiteral("replika");
    r.status.localNode = QStringLiteral("leaf");
    r.status.nodes = nodes;
    return r;
}

struct Row
{
    QString node;
    qint64 atMs;
    QVariant lag;
};

QList<Row> rows(LocalStore &store, const QString &where = QStringLiteral("1 = 1"))
{
    QList<Row> result;
    QSqlQuery q(store.database());
    if (!q.exec(QStringLiteral("SELECT node, at_ms, lag_s FROM lag_sample WHERE %1 "
                               "ORDER BY node, at_ms")
                    .arg(where)))
        qFatal("cannot read lag_sample");
    while (q.next())
        result.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2)});
    return result;
}

qint64 count(LocalStore &store)
{
    QSqlQuery q(store.database());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM lag_sample")) || !q.next())
        qFatal("cannot count lag_sample");
    return q.value(0).toLongLong();
}

bool insert(
    LocalStore &store, const QString &scope, const QString &node, qint64 atMs, const QVariant &lag)
{
    QSqlQuery q(store.database());
    q.prepare(QStringLiteral("INSERT INTO lag_sample (scope, node, at_ms, lag_s) "
                             "VALUES (?, ?, ?, ?)"));
    q.addBindValue(scope);
    q.addBindValue(node);
    q.addBindValue(atMs);
    q.addBindValue(lag);
    return q.exec();
}

const QVariant kNull = QVariant(QMetaType::fromType<double>());

} // namespace

namespace ferry::gui {
// Found by QCOMPARE through ADL.
char *toString(const LagPoint &point)
{
    return QTest::toString(
        QStringLiteral("(%1, %2)")
            .arg(point.atMs)
            .arg(point.lagSeconds ? QString::number(*point.lagSeconds) : QStringLiteral("none")));
}
} // namespace ferry::gui

class TestLagHistory : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void scopeIsQueueAtRootLocation();
    void recordsOneSamplePerNode();
    void failedReadRecordsNoLagForTheLastNodes();
    void samplesAreDownsampledInBuckets();
    void sevenDaysStaySmall();
    void pruneDropsOldAndThinsPastADay();
    void pruneRunsAtMostOnceAMinute();
    void survivesReopen();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
};

void TestLagHistory::init()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<LocalStore>(
        m_dir.filePath(QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".sqlite")));
    QVERIFY(m_store->open().ok());
}

void TestLagHistory::cleanup()
{
    m_store.reset();
}

void TestLagHistory::scopeIsQueueAtRootLocation()
{
    CascadeStatus status;
    QCOMPARE(LagHistory::scopeOf(status), QString());
    status.queue = QStringLiteral("replika");
    // The root is found by its type, wherever it is listed.
    status.nodes = {node(QStringLiteral("leaf"), NodeType::Leaf, 1.0),
                    node(QStringLiteral("root"), NodeType::Root, 0.0)};
    QCOMPARE(LagHistory::scopeOf(status), kScope);
}

void TestLagHistory::recordsOneSamplePerNode()
{
    LagHistory history(m_store.get());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(
        history.record(reply(now, {node(QStringLiteral("root"), NodeType::Root, 0.5),
                                   node(QStringLiteral("leaf"), NodeType::Leaf, 3.25),
                                   // Unreachable: no lag, even with an old number.
                                   node(QStringLiteral("gone"), NodeType::Leaf, 9.0, false),
                                   node(QStringLiteral("new"), NodeType::Leaf, std::nullopt)})));
    const QList<Row> stored = rows(*m_store);
    QCOMPARE(stored.size(), 4);
    QCOMPARE(stored[0].node, QStringLiteral("gone"));
    QVERIFY(stored[0].lag.isNull());
    QCOMPARE(stored[1].node, QStringLiteral("leaf"));
    QCOMPARE(stored[1].lag.toDouble(), 3.25);
    QCOMPARE(stored[2].node, QStringLiteral("new"));
    QVERIFY(stored[2].lag.isNull());
    QCOMPARE(stored[3].node, QStringLiteral("root"));
    QCOMPARE(stored[3].lag.toDouble(), 0.5);
    for (const Row &row : stored)
        QCOMPARE(row.atMs, now);
    QSqlQuery q(m_store->database());
    QVERIFY(q.exec(QStringLiteral("SELECT DISTINCT scope FROM lag_sample")) && q.next());
    QCOMPARE(q.value(0).toString(), kScope);
    QVERIFY(!q.next());

    // What samples() gives back: no lag stays "none", never zero.
    const LagSeries series = history.samples(kScope, QDateTime::fromMSecsSinceEpoch(now - 1000),
                                             QDateTime::fromMSecsSinceEpoch(now + 1000));
    QCOMPARE(series.size(), 4);
    QCOMPARE(series.value(QStringLiteral("leaf")), (QList<LagPoint>{{now, 3.25}}));
    QCOMPARE(series.value(QStringLiteral("gone")), (QList<LagPoint>{{now, std::nullopt}}));
    QVERIFY(history.hasSamples(kScope));
    QVERIFY(!history.hasSamples(QStringLiteral("other@x")));
    QVERIFY(history
                .samples(QStringLiteral("other@x"), QDateTime::fromMSecsSinceEpoch(0),
                         QDateTime::fromMSecsSinceEpoch(now + 1000))
                .isEmpty());
}

void TestLagHistory::failedReadRecordsNoLagForTheLastNodes()
{
    LagHistory history(m_store.get());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    StatusReply failed;
    failed.token = 7;
    failed.ok = false;
    failed.error = QStringLiteral("could not connect");
    failed.readAt = QDateTime::fromMSecsSinceEpoch(now);
    // Nothing read yet in this config: nothing to record.
    QVERIFY(!history.record(failed));
    QCOMPARE(count(*m_store), 0);

    QVERIFY(history.record(reply(now + 1000,
                                 {node(QStringLiteral("root"), NodeType::Root, 0.0),
                                  node(QStringLiteral("leaf"), NodeType::Leaf, 1.0)},
                                 7)));
    failed.readAt = QDateTime::fromMSecsSinceEpoch(now + 2000);
    QVERIFY(history.record(failed));
    const QList<Row> stored = rows(*m_store, QStringLiteral("at_ms = %1").arg(now + 2000));
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].node, QStringLiteral("leaf"));
    QVERIFY(stored[0].lag.isNull());
    QCOMPARE(stored[1].node, QStringLiteral("root"));
    QVERIFY(stored[1].lag.isNull());

    // Another opened config (another token) does not write into this one's history.
    failed.token = 8;
    failed.readAt = QDateTime::fromMSecsSinceEpoch(now + 3000);
    QVERIFY(!history.record(failed));
    QCOMPARE(count(*m_store), 4);
}

void TestLagHistory::samplesAreDownsampledInBuckets()
{
    LagHistory history(m_store.get());
    // 10 minutes: buckets of 1 s. Four samples a second, lag = sample number; every
    // 10th second has no lag at all, every 7th has one sample without a lag.
    const qint64 from = 1700000000000;
    const qint64 to = from + 600 * 1000;
    QCOMPARE(LagHistory::bucketMs(from, to), 1000);
    QVERIFY(m_store->database().transaction());
    for (int i = 0; i <= 600 * 4; ++i) {
        const int second = i / 4;
        QVariant lag = double(i);
        if (second % 10 == 5 || (second % 7 == 3 && i % 4 == 3))
            lag = kNull;
        QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), from + i * 250, lag));
    }
    // Outside the range and in another scope: not returned.
    QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), from - 1, 1e6));
    QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), to + 1, 1e6));
    QVERIFY(insert(*m_store, QStringLiteral("x@y"), QStringLiteral("leaf"), from + 10, 1e6));
    QVERIFY(m_store->database().commit());

    const LagSeries series = history.samples(kScope, QDateTime::fromMSecsSinceEpoch(from),
                                             QDateTime::fromMSecsSinceEpoch(to));
    QCOMPARE(series.keys(), QStringList{QStringLiteral("leaf")});
    const QList<LagPoint> points = series.value(QStringLiteral("leaf"));
    QCOMPARE(points.size(), 601); // 600 buckets and the sample at `to` itself
    for (int second = 0; second <= 600; ++second) {
        const LagPoint &point = points.at(second);
        QCOMPARE(point.atMs, from + second * 1000);
        std::optional<double> expected = double(second * 4 + 3);
        if (second % 10 == 5)
            expected.reset();
        else if (second % 7 == 3)
            expected = double(second * 4 + 2); // its largest sample had no lag
        if (second == 600)
            expected = 2400.0;
        QCOMPARE(point.lagSeconds, expected);
    }
}

void TestLagHistory::sevenDaysStaySmall()
{
    LagHistory history(m_store.get());
    // A week of reads every 5 s for two nodes: 241,922 samples.
    const qint64 to = QDateTime::currentMSecsSinceEpoch();
    const qint64 from = to - 7 * 24 * 3600 * 1000LL;
    QVERIFY(m_store->database().transaction());
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("INSERT INTO lag_sample VALUES (?, ?, ?, ?)"));
    for (qint64 at = from; at <= to; at += 5000) {
        for (const QString &name : {QStringLiteral("leaf"), QStringLiteral("root")}) {
            q.addBindValue(kScope);
            q.addBindValue(name);
            q.addBindValue(at);
            q.addBindValue(double((at / 5000) % 100));
            QVERIFY(q.exec());
        }
    }
    QVERIFY(m_store->database().commit());
    QElapsedTimer clock;
    clock.start();
    const LagSeries series = history.samples(kScope, QDateTime::fromMSecsSinceEpoch(from),
                                             QDateTime::fromMSecsSinceEpoch(to));
    qInfo("7 days, 2 nodes, %lld samples read as %lld points per node in %lld ms", count(*m_store),
          qint64(series.value(QStringLiteral("leaf")).size()), clock.elapsed());
    QCOMPARE(series.size(), 2);
    const qint64 bucket = LagHistory::bucketMs(from, to);
    QCOMPARE(bucket, 7 * 24 * 3600 * 1000LL / 600);
    for (const QString &name : {QStringLiteral("leaf"), QStringLiteral("root")}) {
        const QList<LagPoint> points = series.value(name);
        QCOMPARE(points.size(), 601);
        for (int i = 0; i < points.size(); ++i) {
            // Each bucket starts at its first sample and holds every lag 0..99.
            const qint64 first = from + (i * bucket + 4999) / 5000 * 5000;
            QCOMPARE(points[i].atMs, first);
            if (i < 600)
                QCOMPARE(points[i].lagSeconds, std::optional<double>(99.0));
        }
    }
}

void TestLagHistory::pruneDropsOldAndThinsPastADay()
{
    LagHistory history(m_store.get());
    const qint64 minute = 60 * 1000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / minute * minute + 30 * 1000;
    const qint64 day = 24 * 60 * minute;
    QVERIFY(m_store->database().transaction());
    // Too old: gone.
    QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), now - 9 * day, 1.0));
    QVERIFY(insert(*m_store, QStringLiteral("x@y"), QStringLiteral("n"), now - 8 * day - 1, 1.0));
    // Two days old, a sample a second for three whole minutes: one sample a minute stays,
    // the largest lag; the second minute has no lag at all and keeps one "no lag".
    const qint64 thinStart = (now - 2 * day) / minute * minute;
    for (int s = 0; s < 180; ++s) {
        QVariant lag = double((s * 37) % 60);
        if (s >= 60 && s < 120)
            lag = kNull;
        QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), thinStart + s * 1000, lag));
    }
    // Younger than a day: untouched.
    for (int s = 0; s < 10; ++s)
        QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), now - 3600 * 1000 + s * 1000,
                       double(s)));
    QVERIFY(m_store->database().commit());

    QCOMPARE(history.prune(QDateTime::fromMSecsSinceEpoch(now)), 2 + 177);
    const QList<Row> left = rows(*m_store);
    QCOMPARE(left.size(), 3 + 10);
    // Minute 1: s * 37 % 60 takes every value 0..59 once, 59 at s = 47.
    QCOMPARE(left[0].atMs, thinStart + 47 * 1000);
    QCOMPARE(left[0].lag.toDouble(), 59.0);
    QCOMPARE(left[1].atMs, thinStart + 60 * 1000); // the first "no lag" of minute 2
    QVERIFY(left[1].lag.isNull());
    QCOMPARE(left[2].atMs, thinStart + 167 * 1000); // 167 * 37 % 60 = 59
    QCOMPARE(left[2].lag.toDouble(), 59.0);
    for (int s = 0; s < 10; ++s)
        QCOMPARE(left[3 + s].atMs, now - 3600 * 1000 + s * 1000);

    // The thinned part is not looked at again; a second run removes nothing.
    QCOMPARE(history.prune(QDateTime::fromMSecsSinceEpoch(now)), 0);
    QCOMPARE(count(*m_store), 13);
}

void TestLagHistory::pruneRunsAtMostOnceAMinute()
{
    LagHistory history(m_store.get());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 old = now - 9 * 24 * 3600 * 1000LL;
    QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), old, 1.0));
    // The first record prunes.
    QVERIFY(history.record(reply(now, {node(QStringLiteral("root"), NodeType::Root, 0.0)})));
    QCOMPARE(count(*m_store), 1);
    QVERIFY(insert(*m_store, kScope, QStringLiteral("leaf"), old, 1.0));
    // Within the minute: records do not prune.
    for (int i = 1; i <= 5; ++i)
        QVERIFY(history.record(
            reply(now + i * 1000, {node(QStringLiteral("root"), NodeType::Root, 0.0)})));
    QCOMPARE(count(*m_store), 1 + 1 + 5);
    QCOMPARE(history.prune(QDateTime::fromMSecsSinceEpoch(now)), 1);
    QCOMPARE(count(*m_store), 6);
}

void TestLagHistory::survivesReopen()
{
    const QString path = m_store->path();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<LagPoint> expected;
    {
        LagHistory history(m_store.get());
        for (int i = 0; i < 5; ++i) {
            const std::optional<double> lag
                = i == 2 ? std::nullopt : std::optional<double>(i * 1.5);
            QVERIFY(history.record(reply(
                now + i * 2000, {node(QStringLiteral("root"), NodeType::Root, 0.0),
                                 node(QStringLiteral("leaf"), NodeType::Leaf, lag, i != 2)})));
            expected.append({now + i * 2000, lag});
        }
    }
    m_store.reset();
    LocalStore reopened(path);
    QVERIFY(reopened.open().ok());
    LagHistory history(&reopened);
    const LagSeries series = history.samples(kScope, QDateTime::fromMSecsSinceEpoch(now - 60000),
                                             QDateTime::fromMSecsSinceEpoch(now + 60000));
    QCOMPARE(series.size(), 2);
    QCOMPARE(series.value(QStringLiteral("leaf")), expected);
    QCOMPARE(series.value(QStringLiteral("root")).size(), 5);
}

QTEST_GUILESS_MAIN(TestLagHistory)
#include "tst_laghistory.moc"
