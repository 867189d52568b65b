// Streaming COPY between two clusters: a million rows arrive intact while the
// client's memory stays flat, and every failure leaves the target untouched
// and both connections usable.
#include "db/connection.h"
#include "db/copystream.h"
#include "db/transaction.h"
#include "pgcluster.h"
#include "processmemory.h"
#include "testutil.h"
#include "usersession.h"

#include <QTest>

using namespace ferry;
using ferry::test::PgCluster;
using namespace ferry::test;

namespace {

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer keeps freed blocks in a quarantine (the asan preset sets it
// to 4 MB), which shows up as resident memory.
constexpr qint64 kMaxPeakGrowthKb = 24 * 1024;
#else
constexpr qint64 kMaxPeakGrowthKb = 8 * 1024;
#endif

} // namespace

class TestCopyStream : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void millionRowsWithFlatMemory();
    void binaryFormatAndAwkwardValues();
    void missingTargetTableLeavesSourceUsable();
    void sourceFailingMidStreamAbortsTarget();
    void targetConstraintViolationRollsBackCopy();
    void notACopyStatementIsRefused();
    void wrongDirectionLeavesConnectionsUsable();

private:
    Connection connect(PgCluster &cluster, const QString &db);
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
};

void TestCopyStream::initTestCase()
{
    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
    QVERIFY_RESULT(m_root->createDatabase(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(m_leaf->createDatabase(QStringLiteral("dst1")));
}

void TestCopyStream::cleanupTestCase()
{
    m_root.reset();
    m_leaf.reset();
}

Connection TestCopyStream::connect(PgCluster &cluster, const QString &db)
{
    auto c = openUserSession(cluster.connectionString(db));
    if (!c)
        qFatal("cannot connect: %s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestCopyStream::millionRowsWithFlatMemory()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    const QString columns = QStringLiteral("id int PRIMARY KEY, h text, t timestamptz, pad text");
    QVERIFY_RESULT(src.exec(QStringLiteral("CREATE TABLE big (%1)").arg(columns)));
    QVERIFY_RESULT(src.exec(
        QStringLiteral("INSERT INTO big SELECT i, md5(i::text), now() - i * interval '1 second', "
                       "repeat(chr(65 + i % 26), 40) FROM generate_series(1, 1000000) i")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("CREATE TABLE big (%1)").arg(columns)));

    const qint64 rssBefore = currentRssKb();
    QVERIFY(rssBefore > 0);
    QVERIFY(resetPeakRss());

    auto stats = copyBetween(src, QStringLiteral("COPY big TO STDOUT"), dst,
                             QStringLiteral("COPY big FROM STDIN"));
    QVERIFY_RESULT(stats);

    const qint64 peakGrowthKb = peakRssKb() - rssBefore;
    qInfo("copied %lld rows, %lld MB; client peak RSS grew by %lld kB", stats->rows,
          stats->bytes / (1024 * 1024), peakGrowthKb);
    QCOMPARE(stats->rows, 1000000);
    // ~95 MB of COPY data went through; holding even a tenth of it would show.
    QVERIFY(stats->bytes > 90 * 1024 * 1024);
    QVERIFY2(peakGrowthKb < kMaxPeakGrowthKb, qPrintable(QString::number(peakGrowthKb)));

    const QString checksum
        = QStringLiteral("SELECT count(*), sum(hashtext(b::text)::bigint) FROM big b");
    auto a = src.exec(checksum);
    auto b = dst.exec(checksum);
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QCOMPARE(b->toInt64(0, 0), 1000000);
    QCOMPARE(b->text(0, 1), a->text(0, 1));
    QVERIFY_RESULT(src.exec(QStringLiteral("DROP TABLE big")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("DROP TABLE big")));
}

void TestCopyStream::binaryFormatAndAwkwardValues()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    const QString table = QStringLiteral(
        "CREATE TABLE \"Odd Table\" (\"Key\" int PRIMARY KEY, t text, b bytea, j jsonb, "
        "a int[], f float8, n numeric)");
    QVERIFY_RESULT(src.exec(table));
    QVERIFY_RESULT(dst.exec(table));
    QVERIFY_RESULT(src.exec(
        QStringLiteral("INSERT INTO \"Odd Table\" VALUES ($1, $2, $3::bytea, $4, $5, $6, $7), "
                       "(2, NULL, NULL, NULL, NULL, 'NaN', NULL)"),
        {1, QStringLiteral("tab\there\nnewline \\ back 'q' \"dq\" \u6570\U0001F600"),
         QStringLiteral("\\x00ff10"), QStringLiteral("{\"k\": [1, null, \"v\"]}"),
         QStringLiteral("{1,NULL,3}"), QStringLiteral("-Infinity"),
         QStringLiteral("123456789.000000000001")}));

    auto stats = copyBetween(src, QStringLiteral("COPY \"Odd Table\" TO STDOUT (FORMAT binary)"),
                             dst, QStringLiteral("COPY \"Odd Table\" FROM STDIN (FORMAT binary)"));
    QVERIFY_RESULT(stats);
    QCOMPARE(stats->rows, 2);
    const QString dump = QStringLiteral("SELECT string_agg(o::text, '|' ORDER BY \"Key\") "
                                        "FROM \"Odd Table\" o");
    auto a = src.exec(dump);
    auto b = dst.exec(dump);
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QCOMPARE(b->text(0, 0), a->text(0, 0));
    QVERIFY(a->text(0, 0).contains(QStringLiteral("\U0001F600")));
}

void TestCopyStream::missingTargetTableLeavesSourceUsable()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    QVERIFY_RESULT(src.exec(QStringLiteral("CREATE TABLE only_src AS SELECT 1 AS v")));
    auto r = copyBetween(src, QStringLiteral("COPY only_src TO STDOUT"), dst,
                         QStringLiteral("COPY no_such_table FROM STDIN"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState(), QStringLiteral("42P01"));
    QVERIFY2(r.error().toString().contains(QLatin1String("starting COPY on target")),
             qPrintable(r.error().toString()));
    QVERIFY_RESULT(src.exec(QStringLiteral("SELECT 1")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("SELECT 1")));
}

void TestCopyStream::sourceFailingMidStreamAbortsTarget()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    QVERIFY_RESULT(dst.exec(QStringLiteral("CREATE TABLE half (v int)")));
    // Row 150000 divides by zero after many rows have already been streamed.
    auto r = copyBetween(
        src,
        QStringLiteral(
            "COPY (SELECT 1 / (150000 - i) FROM generate_series(1, 200000) i) TO STDOUT"),
        dst, QStringLiteral("COPY half FROM STDIN"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState(), QStringLiteral("22012"));
    auto count = dst.exec(QStringLiteral("SELECT count(*) FROM half"));
    QVERIFY_RESULT(count);
    QCOMPARE(count->toInt64(0, 0), 0);
    QVERIFY_RESULT(src.exec(QStringLiteral("SELECT 1")));
}

void TestCopyStream::targetConstraintViolationRollsBackCopy()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    QVERIFY_RESULT(dst.exec(QStringLiteral("CREATE TABLE uniq (v int PRIMARY KEY)")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("INSERT INTO uniq VALUES (-1)")));
    auto tx = Transaction::begin(dst);
    QVERIFY_RESULT(tx);
    auto r = copyBetween(
        src, QStringLiteral("COPY (SELECT i % 50000 FROM generate_series(1, 120000) i) TO STDOUT"),
        dst, QStringLiteral("COPY uniq FROM STDIN"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState(), QStringLiteral("23505"));
    QVERIFY_RESULT(tx->rollback());
    auto count = dst.exec(QStringLiteral("SELECT count(*) FROM uniq"));
    QVERIFY_RESULT(count);
    QCOMPARE(count->toInt64(0, 0), 1);
    QVERIFY_RESULT(src.exec(QStringLiteral("SELECT 1")));
}

void TestCopyStream::notACopyStatementIsRefused()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    QVERIFY_RESULT(dst.exec(QStringLiteral("CREATE TABLE nc (v int)")));
    auto r
        = copyBetween(src, QStringLiteral("SELECT 1"), dst, QStringLiteral("COPY nc FROM STDIN"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ErrorKind::Internal);
    auto count = dst.exec(QStringLiteral("SELECT count(*) FROM nc"));
    QVERIFY_RESULT(count);
    QCOMPARE(count->toInt64(0, 0), 0);
}

void TestCopyStream::wrongDirectionLeavesConnectionsUsable()
{
    Connection src = connect(*m_root, QStringLiteral("digoal_01"));
    Connection dst = connect(*m_leaf, QStringLiteral("dst1"));
    QVERIFY_RESULT(
        src.exec(QStringLiteral("CREATE TABLE wd AS SELECT generate_series(1, 50000) v")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("CREATE TABLE wd (v int)")));
    // The source statement reads instead of writing, and the other way round.
    auto a = copyBetween(src, QStringLiteral("COPY wd FROM STDIN"), dst,
                         QStringLiteral("COPY wd FROM STDIN"));
    QVERIFY(!a.ok());
    QCOMPARE(a.error().kind(), ErrorKind::Internal);
    auto b = copyBetween(src, QStringLiteral("COPY wd TO STDOUT"), dst,
                         QStringLiteral("COPY (SELECT 1) TO STDOUT"));
    QVERIFY(!b.ok());
    QCOMPARE(b.error().kind(), ErrorKind::Internal);
    QVERIFY_RESULT(src.exec(QStringLiteral("SELECT 1")));
    QVERIFY_RESULT(dst.exec(QStringLiteral("SELECT 1")));
    auto ok = copyBetween(src, QStringLiteral("COPY wd TO STDOUT"), dst,
                          QStringLiteral("COPY wd FROM STDIN"));
    QVERIFY_RESULT(ok);
    QCOMPARE(ok->rows, 50000);
}

QTEST_GUILESS_MAIN(TestCopyStream)
#include "tst_copystream.moc"
