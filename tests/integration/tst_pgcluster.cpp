// The harness itself: clusters start, hold several databases, stop and
// restart on the same port, and leave nothing behind.
#include "db/connection.h"
#include "pgcluster.h"
#include "testutil.h"
#include "usersession.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

class TestPgCluster : public QObject
{
    Q_OBJECT

private slots:
    void startsSeveralDatabases();
    void twoClustersSideBySide();
    void restartKeepsPortAndData();
    void destructorStopsAndRemoves();
    void earlyExitStillStopsServer();
    void crashedTestIsCleanedByFixtureScript();

private:
    struct Child
    {
        QString connectionString;
        QString root;
        int exitCode = 0;
        QProcess::ExitStatus status = QProcess::NormalExit;
    };
    // Runs this test binary as a child that starts a cluster and then ends
    // the way `how` says (exit: std::exit without destructors; abort: a crash).
    static Child runChild(const QString &how, const QString &root);
};

// The child side of runChild(): never returns.
[[noreturn]] static void childMain(const QByteArray &how)
{
    auto *cluster = new PgCluster; // deliberately leaked: no destructor may run
    if (auto r = cluster->start(); !r) {
        std::fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
        std::exit(2);
    }
    std::printf("%s\n", qPrintable(cluster->connectionString()));
    std::fflush(stdout);
    if (how == "abort")
        std::abort();
    std::exit(3);
}

void TestPgCluster::startsSeveralDatabases()
{
    PgCluster cluster;
    QVERIFY_RESULT(cluster.start());
    QVERIFY(cluster.port() > 0);
    for (const auto &db : {QStringLiteral("digoal_01"), QStringLiteral("digoal_02")})
        QVERIFY_RESULT(cluster.createDatabase(db));

    auto c = openUserSession(cluster.connectionString(QStringLiteral("digoal_02")));
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
    auto a = openUserSession(root.connectionString());
    auto b = openUserSession(leaf.connectionString());
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
        auto c = openUserSession(cluster.connectionString());
        QVERIFY_RESULT(c);
        QVERIFY_RESULT(c->exec(QStringLiteral("CREATE TABLE kept AS SELECT 7 AS v")));
    }
    QVERIFY_RESULT(cluster.stop());
    QVERIFY(!cluster.isRunning());
    QVERIFY(!openUserSession(cluster.connectionString()).ok());
    QVERIFY_RESULT(cluster.start());
    QCOMPARE(cluster.port(), port);
    auto c = openUserSession(cluster.connectionString());
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
    auto c = openUserSession(connectionString);
    QVERIFY(!c.ok());
    QCOMPARE(c.error().kind(), ErrorKind::Connection);
}

TestPgCluster::Child TestPgCluster::runChild(const QString &how, const QString &root)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FERRY_PGCLUSTER_CHILD"), how);
    env.insert(QStringLiteral("FERRY_TEST_ROOT"), root);
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), {});
    Child child;
    child.root = root;
    if (!p.waitForFinished(120000))
        return child;
    child.connectionString = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    child.exitCode = p.exitCode();
    child.status = p.exitStatus();
    return child;
}

void TestPgCluster::earlyExitStillStopsServer()
{
    const QString root = PgCluster::testRoot() + QStringLiteral("/child-exit");
    const Child child = runChild(QStringLiteral("exit"), root);
    QCOMPARE(child.status, QProcess::NormalExit);
    QCOMPARE(child.exitCode, 3);
    QVERIFY(child.connectionString.startsWith(QLatin1String("host=127.0.0.1")));
    // The atexit hook stopped the server and removed its folder.
    QVERIFY(!openUserSession(child.connectionString).ok());
    QVERIFY(QDir(root).isEmpty());
    QDir(root).removeRecursively();
}

void TestPgCluster::crashedTestIsCleanedByFixtureScript()
{
    // Mirrors the cleanup fixture's naming rule: the script only touches /tmp/ferry-tests-*.
    const QString root
        = QStringLiteral("/tmp/ferry-tests-crash-%1").arg(QCoreApplication::applicationPid());
    const Child child = runChild(QStringLiteral("abort"), root);
    QCOMPARE(child.status, QProcess::CrashExit);
    // A crash runs no hook: the server is still there...
    auto alive = openUserSession(child.connectionString);
    QVERIFY_RESULT(alive);
    // ...until the ctest cleanup fixture's script runs over the root.
    QProcess script;
    script.start(QStringLiteral(FERRY_CLEANUP_SCRIPT), {root});
    QVERIFY(script.waitForFinished(60000));
    QCOMPARE(script.exitCode(), 0);
    QVERIFY(script.readAllStandardOutput().contains("stopped 1 leftover server"));
    QVERIFY(!QDir(root).exists());
    auto result = alive->exec(QStringLiteral("SELECT 1"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), ErrorKind::Connection);
}

int main(int argc, char *argv[])
{
    const QByteArray how = qgetenv("FERRY_PGCLUSTER_CHILD");
    QCoreApplication app(argc, argv);
    if (!how.isEmpty())
        childMain(how);
    TestPgCluster test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_pgcluster.moc"
