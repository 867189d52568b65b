// The progress of an initial copy as the node's server reports it: a root and a leaf
// database in one cluster, a table of 2,000,000 narrow rows (analyzed on the root)
// copied by copyTable() on a worker thread while this thread reads readCopyProgress()
// and estimateCopyTotals() with connections of its own. Names that need quoting on
// purpose: every name reaches the server quoted or as a bound parameter.
#include "cascade/nodeadmin.h"
#include "db/connection.h"
#include "pgcluster.h"
#include "replication/copyprogress.h"
#include "replication/tablecopy.h"
#include "replication/tableregistry.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QTest>
#include <QtConcurrent>

#include <atomic>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kSchema = QStringLiteral("copy test");
const QString kTable = QStringLiteral("Big Rows");
const QString kFresh = QStringLiteral("never analyzed");
constexpr qint64 kRows = 2000000;

QString tablesSql()
{
    return QStringLiteral("CREATE SCHEMA \"copy test\"; "
                          "CREATE TABLE \"copy test\".\"Big Rows\" (id bigint NOT NULL, v int); "
                          "CREATE TABLE \"copy test\".\"never analyzed\" (id int PRIMARY KEY) "
                          "WITH (autovacuum_enabled = off)");
}

} // namespace

class TestCopyProgress : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void noCopyNoProgress();
    void progressWhileTheCopyRuns();
    void neverAnalyzedHasNoTotal();

private:
    Connection open(const QString &db);

    std::unique_ptr<PgCluster> m_cluster;
    QString m_rootDb;
    QString m_leafDb;
    NodeInfo m_leafInfo;
};

Connection TestCopyProgress::open(const QString &db)
{
    auto c = Connection::open(db);
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c.value());
}

void TestCopyProgress::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("root_db")));
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("leaf_db")));
    m_rootDb = m_cluster->connectionString(QStringLiteral("root_db"));
    m_leafDb = m_cluster->connectionString(QStringLiteral("leaf_db"));
    Connection root = open(m_rootDb);
    Connection leaf = open(m_leafDb);
    if (root.serverVersion() < 140000)
        QSKIP("pg_stat_progress_copy needs PostgreSQL 14 or later");
    QVERIFY_RESULT(root.exec(tablesSql()));
    QVERIFY_RESULT(leaf.exec(tablesSql()));
    // The key after the rows: one index build instead of two million insertions.
    QVERIFY_RESULT(root.exec(QStringLiteral("INSERT INTO \"copy test\".\"Big Rows\" "
                                            "SELECT i, i % 1000 FROM generate_series(1, %1) i; "
                                            "ALTER TABLE \"copy test\".\"Big Rows\" ADD PRIMARY "
                                            "KEY (id); ANALYZE \"copy test\".\"Big Rows\"")
                                 .arg(kRows)));
    QVERIFY_RESULT(
        leaf.exec(QStringLiteral("ALTER TABLE \"copy test\".\"Big Rows\" ADD PRIMARY KEY (id)")));
    QVERIFY_RESULT(root.exec(QStringLiteral("INSERT INTO \"copy test\".\"never analyzed\" "
                                            "SELECT generate_series(1, 1000)")));

    NodeSetup rootSetup;
    rootSetup.db = *ConnectionString::parse(m_rootDb);
    rootSetup.queue = kQueue;
    rootSetup.nodeName = QStringLiteral("root");
    rootSetup.workerName = QStringLiteral("root_job");
    auto rootInfo = NodeAdmin::createRoot(rootSetup);
    QVERIFY_RESULT(rootInfo);
    NodeSetup leafSetup;
    leafSetup.db = *ConnectionString::parse(m_leafDb);
    leafSetup.queue = kQueue;
    leafSetup.nodeName = QStringLiteral("leaf");
    leafSetup.workerName = QStringLiteral("leaf_job");
    leafSetup.location = leafSetup.db;
    leafSetup.provider = rootSetup.db;
    auto leafInfo = NodeAdmin::createLeaf(leafSetup);
    QVERIFY_RESULT(leafInfo);
    m_leafInfo = *leafInfo;
    QVERIFY_RESULT(TableRegistry(root, *rootInfo).add({}, true, nullptr));
    auto added = TableRegistry(leaf, m_leafInfo).add({}, true, &root);
    QVERIFY_RESULT(added);
    QCOMPARE(added->added.size(), 2);
}

void TestCopyProgress::cleanupTestCase()
{
    m_cluster.reset();
}

void TestCopyProgress::noCopyNoProgress()
{
    // Both tables wait for their copy, none runs: nothing to report.
    Connection leaf = open(m_leafDb);
    auto tables = TableRegistry(leaf, m_leafInfo).list();
    QVERIFY_RESULT(tables);
    QCOMPARE(tables->size(), 2);
    for (const NodeTable &t : *tables)
        QCOMPARE(t.mergeState, QStringLiteral("in-copy"));
    auto progress = readCopyProgress(leaf, *tables);
    QVERIFY_RESULT(progress);
    QVERIFY(progress->isEmpty());
}

void TestCopyProgress::progressWhileTheCopyRuns()
{
    Connection leaf = open(m_leafDb);
    Connection provider = open(m_rootDb);
    auto tables = TableRegistry(leaf, m_leafInfo).list();
    QVERIFY_RESULT(tables);
    NodeTable big;
    for (const NodeTable &t : *tables) {
        if (t.sourceName == kTable)
            big = t;
    }
    QCOMPARE(big.sourceSchema, kSchema);
    QCOMPARE(big.destName, kTable);
    // The same tables as if the copy were done: a running COPY into an ok table is
    // none of readCopyProgress's business.
    QList<NodeTable> allOk = *tables;
    for (NodeTable &t : allOk)
        t.mergeState = QStringLiteral("ok");

    auto reltuples = provider.exec(
        QStringLiteral("SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = "
                       "pg_catalog.to_regclass($1)"),
        {provider.quoteQualified(kSchema, kTable)});
    QVERIFY_RESULT(reltuples);
    const qint64 estimate = reltuples->toInt64(0, 0);
    QVERIFY2(qAbs(estimate - kRows) <= kRows / 10, qPrintable(QString::number(estimate)));

    // The copy on a thread with its own two sessions, as the worker runs it.
    std::atomic_int copierPid{0};
    const QString rootDb = m_rootDb;
    const QString leafDb = m_leafDb;
    QFuture<Result<TableCopyResult>> copy
        = QtConcurrent::run([rootDb, leafDb, big, &copierPid]() -> Result<TableCopyResult> {
              auto from = Connection::open(rootDb);
              if (!from)
                  return from.error();
              auto to = Connection::open(leafDb);
              if (!to)
                  return to.error();
              copierPid = to->backendPid();
              return copyTable(*from, *to, kQueue, big, 10.0);
          });

    QList<CopyProgress> samples;
    int whileOk = 0;
    QElapsedTimer elapsed;
    elapsed.start();
    while (!copy.isFinished()) {
        auto progress = readCopyProgress(leaf, *tables);
        QVERIFY_RESULT(progress);
        if (!progress->isEmpty()) {
            QCOMPARE(progress->size(), 1);
            QVERIFY_RESULT(estimateCopyTotals(provider, *progress));
            samples.append(progress->first());
            auto none = readCopyProgress(leaf, allOk);
            QVERIFY_RESULT(none);
            whileOk += int(none->size());
        }
        QTest::qSleep(20);
    }
    const qint64 copyMs = elapsed.elapsed();
    const Result<TableCopyResult> &copied = copy.result();
    QVERIFY_RESULT(copied);
    QCOMPARE(copied->rows, kRows);
    qInfo("copy of %lld rows took %lld ms; %lld progress samples", kRows, copyMs,
          qint64(samples.size()));

    QVERIFY2(samples.size() >= 3, qPrintable(QString::number(samples.size())));
    QCOMPARE(whileOk, 0);
    qint64 distinct = 0;
    for (int i = 0; i < samples.size(); ++i) {
        const CopyProgress &s = samples.at(i);
        QCOMPARE(s.sourceSchema, kSchema);
        QCOMPARE(s.sourceName, kTable);
        QCOMPARE(s.backendPid, copierPid.load());
        QCOMPARE(s.rowsTotal, estimate); // the table has not changed since ANALYZE
        QVERIFY(s.rowsCopied >= 0 && s.rowsCopied <= kRows);
        QVERIFY(s.bytesCopied >= 0);
        if (i > 0) {
            QVERIFY2(s.rowsCopied >= samples.at(i - 1).rowsCopied,
                     qPrintable(QStringLiteral("%1 after %2")
                                    .arg(s.rowsCopied)
                                    .arg(samples.at(i - 1).rowsCopied)));
            distinct += s.rowsCopied > samples.at(i - 1).rowsCopied ? 1 : 0;
        }
    }
    // Seen moving, mid-way.
    QVERIFY2(distinct >= 2, qPrintable(QString::number(distinct)));
    QVERIFY(samples.first().rowsCopied < samples.last().rowsCopied);

    // Committed: the table is catching up and no copy is reported, also to a caller
    // that still believes it in-copy.
    auto after = TableRegistry(leaf, m_leafInfo).list();
    QVERIFY_RESULT(after);
    for (const NodeTable &t : *after) {
        if (t.sourceName == kTable) {
            QCOMPARE(t.mergeState, QStringLiteral("catching-up"));
            QCOMPARE(t.copiedRows, kRows);
        }
    }
    auto none = readCopyProgress(leaf, *after);
    QVERIFY_RESULT(none);
    QVERIFY(none->isEmpty());
    auto stale = readCopyProgress(leaf, *tables);
    QVERIFY_RESULT(stale);
    QVERIFY(stale->isEmpty());
}

void TestCopyProgress::neverAnalyzedHasNoTotal()
{
    Connection provider = open(m_rootDb);
    const QString name = provider.quoteQualified(kSchema, kFresh);
    auto reltuples
        = provider.exec(QStringLiteral("SELECT reltuples FROM pg_catalog.pg_class WHERE oid = "
                                       "pg_catalog.to_regclass($1)"),
                        {name});
    QVERIFY_RESULT(reltuples);
    QCOMPARE(reltuples->text(0, 0), QStringLiteral("-1"));

    QList<CopyProgress> copies(2);
    copies[0].sourceSchema = kSchema;
    copies[0].sourceName = kFresh;
    copies[0].rowsTotal = 123; // replaced
    // A name that is no table (dropped meanwhile) has no total either.
    copies[1].sourceSchema = kSchema;
    copies[1].sourceName = QStringLiteral("gone\"; DROP TABLE x; --");
    QVERIFY_RESULT(estimateCopyTotals(provider, copies));
    QCOMPARE(copies[0].rowsTotal, qint64(-1));
    QCOMPARE(copies[1].rowsTotal, qint64(-1));

    // Once analyzed it has one.
    QVERIFY_RESULT(provider.exec(QStringLiteral("ANALYZE ") + name));
    QVERIFY_RESULT(estimateCopyTotals(provider, copies));
    QCOMPARE(copies[0].rowsTotal, qint64(1000));
}

QTEST_GUILESS_MAIN(TestCopyProgress)
#include "tst_copyprogress.moc"
