// The harness itself: clusters start, hold several databases, stop and
// restart on the same port, and leave nothing behind.
#include "db/connection.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <memory>

using namespace ferry;
using ferry::test::PgCluster;

class TestPgCluster : public QObject
{
    Q_OBJECT

private slots:
    void startsSeveralDatabases();
    void twoClustersSideBySide();
    void restartKeepsPortAndData();
    void destructorStopsAndRemoves();
};

void TestPgCluster::startsSeveralDatabases()
{
    PgCluster cluster;
    QVERIFY_RESULT(cluster.start());
    QVERIFY(cluster.port() > 0);
    for (const auto &db : {QStringLiteral("digoal_01"), QStringLiteral("digoal_02")})
        QVERIFY_RESULT(cluster.createDatabase(db));

    auto c = Connection::open(cluster.connectionString(QStringLiteral("digoal_02")));
    QVERIFY_RESULT(c);
    auto r = c->exec(QStringLiteral("SELECT current_database(), inet_server_addr()::text, "
                                    "current_setting('server_version_num')::int, "
                                    "current_setting('unix_socket_directories')"));
    QVERIFY_RESULT(r);
    QCOMPARE(r->text(0, 0), QStringLiteral("digoal_02"));
    QCOMPARE(r->text(0, 1), QStringLiteral("127.0.0.1/32"));
    QVERIFY(r->toInt64(0, 2) >= 130000);
    // The socket lives in the cluster's own folder, never in /var/run/postgresql.
    QVERIFY(r->text(0, 3).startsWith(PgCluster::testRoot()));
    QVERIFY(QFileInfo(cluster.dataDirectory()).isDir());
}

void TestPgCluster::twoClustersSideBySide()
{
    PgCluster root;
    PgCluster leaf;
    QVERIFY_RESULT(root.start());
    QVERIFY_RESULT(leaf.start());
    QVERIFY(root.port() != leaf.port());
    QVERIFY(root.dataDirectory() != leaf.dataDirectory());
    auto a = Connection::open(root.connectionString());
    auto b = Connection::open(leaf.connectionString());
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QVERIFY_RESULT(a->exec(QStringLiteral("CREATE TABLE only_on_root(i int)")));
    auto r = b->exec(QStringLiteral("SELECT to_regclass('only_on_root') IS NULL"));
    QVERIFY_RESULT(r);
    QVERIFY(r->toBool(0, 0));
}

void TestPgCluster::restartKeepsPortAndData()
{
    PgCluster cluster;
    QVERIFY_RESULT(cluster.start());
    const int port = cluster.port();
    {
        auto c = Connection::open(cluster.connectionString());
        QVERIFY_RESULT(c);
        QVERIFY_RESULT(c->exec(QStringLiteral("CREATE TABLE kept AS SELECT 7 AS v")));
    }
    QVERIFY_RESULT(cluster.stop());
    QVERIFY(!cluster.isRunning());
    QVERIFY(!Connection::open(cluster.connectionString()).ok());
    QVERIFY_RESULT(cluster.start());
    QCOMPARE(cluster.port(), port);
    auto c = Connection::open(cluster.connectionString());
    QVERIFY_RESULT(c);
    auto r = c->exec(QStringLiteral("SELECT v FROM kept"));
    QVERIFY_RESULT(r);
    QCOMPARE(r->toInt64(0, 0), 7);
}

void TestPgCluster::destructorStopsAndRemoves()
{
    QString dir;
    QString connectionString;
    {
        auto cluster = std::make_unique<PgCluster>();
        QVERIFY_RESULT(cluster->start());
        dir = QFileInfo(cluster->dataDirectory()).absolutePath();
        connectionString = cluster->connectionString();
        QVERIFY(QDir(dir).exists());
    }
    QVERIFY(!QDir(dir).exists());
    auto c = Connection::open(connectionString);
    QVERIFY(!c.ok());
    QCOMPARE(c.error().kind(), ErrorKind::Connection);
}

QTEST_GUILESS_MAIN(TestPgCluster)
#include "tst_pgcluster.moc"
