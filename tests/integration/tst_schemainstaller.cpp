// Versioned install of the ferry schema: fresh install, install twice (no-op),
// upgrade in place from an older version with data kept, refusal of a newer
// version, and uninstall that removes every trigger it put on user tables.
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "testutil.h"
#include "usersession.h"

#include <QTest>
#include <QtConcurrent>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

class TestSchemaInstaller : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void freshInstall();
    void installTwiceIsNoOp();
    void upgradesOlderVersionInPlace();
    void refusesNewerVersion();
    void concurrentInstallsRunScriptsOnce();
    void uninstallRemovesTriggers();

private:
    Connection connect();
    std::unique_ptr<PgCluster> m_cluster;
    int m_db = 0;
    QString m_database;
};

void TestSchemaInstaller::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY(SchemaInstaller::latestVersion() >= 2);
}

void TestSchemaInstaller::cleanupTestCase()
{
    m_cluster.reset();
}

// Every test gets a database of its own.
void TestSchemaInstaller::init()
{
    m_database = QStringLiteral("inst%1").arg(++m_db);
    QVERIFY_RESULT(m_cluster->createDatabase(m_database));
}

Connection TestSchemaInstaller::connect()
{
    auto c = openUserSession(m_cluster->connectionString(m_database));
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestSchemaInstaller::freshInstall()
{
    Connection c = connect();
    auto before = SchemaInstaller::installedVersion(c);
    QVERIFY_RESULT(before);
    QCOMPARE(before.value(), 0);

    auto outcome = SchemaInstaller::install(c);
    QVERIFY_RESULT(outcome);
    QCOMPARE(outcome->fromVersion, 0);
    QCOMPARE(outcome->toVersion, SchemaInstaller::latestVersion());
    QVERIFY(outcome->changed());

    auto after = SchemaInstaller::installedVersion(c);
    QVERIFY_RESULT(after);
    QCOMPARE(after.value(), SchemaInstaller::latestVersion());
    // The installed schema works: a queue can be created.
    QVERIFY_RESULT(QueueAdmin(c).createQueue(QStringLiteral("replika")));
}

void TestSchemaInstaller::installTwiceIsNoOp()
{
    Connection c = connect();
    QVERIFY_RESULT(SchemaInstaller::install(c));
    QVERIFY_RESULT(QueueAdmin(c).createQueue(QStringLiteral("replika")));
    auto again = SchemaInstaller::install(c);
    QVERIFY_RESULT(again);
    QVERIFY(!again->changed());
    auto queues = QueueAdmin(c).queues();
    QVERIFY_RESULT(queues);
    QCOMPARE(queues.value(), QStringList{QStringLiteral("replika")});
}

void TestSchemaInstaller::upgradesOlderVersionInPlace()
{
    Connection c = connect();
    auto v1 = SchemaInstaller::install(c, 1);
    QVERIFY_RESULT(v1);
    QCOMPARE(v1->toVersion, 1);
    // Version 1 has queues but no capture yet.
    QVERIFY_RESULT(QueueAdmin(c).createQueue(QStringLiteral("replika")));
    QVERIFY_RESULT(
        QueueAdmin(c).registerConsumer(QStringLiteral("replika"), QStringLiteral("dst1")));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)")));
    QVERIFY(!QueueAdmin(c).captureTable(QStringLiteral("replika"), QStringLiteral("t")).ok());

    auto up = SchemaInstaller::install(c);
    QVERIFY_RESULT(up);
    QCOMPARE(up->fromVersion, 1);
    QCOMPARE(up->toVersion, SchemaInstaller::latestVersion());
    // Data of version 1 survived and the new capability works on it.
    auto consumers = c.exec(QStringLiteral("SELECT consumer_name FROM ferry.consumer"));
    QVERIFY_RESULT(consumers);
    QCOMPARE(consumers->rowCount(), 1);
    QCOMPARE(consumers->text(0, 0), QStringLiteral("dst1"));
    QVERIFY_RESULT(QueueAdmin(c).captureTable(QStringLiteral("replika"), QStringLiteral("t")));
}

void TestSchemaInstaller::refusesNewerVersion()
{
    Connection c = connect();
    QVERIFY_RESULT(SchemaInstaller::install(c));
    QVERIFY_RESULT(c.exec(QStringLiteral("UPDATE ferry.schema_version SET version = 999")));
    auto r = SchemaInstaller::install(c);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ErrorKind::Config);
    const QString text = r.error().toString();
    QVERIFY2(text.contains(QLatin1String("version 999")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("upgrade Ferry")), qPrintable(text));
    QVERIFY(!text.contains(QLatin1Char('\n')));
    auto still = SchemaInstaller::installedVersion(c);
    QVERIFY_RESULT(still);
    QCOMPARE(still.value(), 999);
}

void TestSchemaInstaller::concurrentInstallsRunScriptsOnce()
{
    // Two sessions install at once: the advisory lock makes the second wait
    // and then find the schema there.
    Connection a = connect();
    Connection b = connect();
    QVERIFY_RESULT(a.exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(a.exec(QStringLiteral("SELECT pg_advisory_xact_lock($1)"), {0x4665727279LL}));
    auto future = QtConcurrent::run([&b] { return SchemaInstaller::install(b); });
    QThread::msleep(300);
    QVERIFY(!future.isFinished()); // waiting for the lock
    QVERIFY_RESULT(a.exec(QStringLiteral("COMMIT")));
    auto second = future.result();
    QVERIFY_RESULT(second);
    QCOMPARE(second->fromVersion, 0);
    auto first = SchemaInstaller::install(a);
    QVERIFY_RESULT(first);
    QVERIFY(!first->changed());
}

void TestSchemaInstaller::uninstallRemovesTriggers()
{
    Connection c = connect();
    QVERIFY_RESULT(SchemaInstaller::install(c));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE keep (id int PRIMARY KEY, v text)")));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE replica (id int PRIMARY KEY)")));
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.createQueue(QStringLiteral("replika")));
    QVERIFY_RESULT(admin.captureTable(QStringLiteral("replika"), QStringLiteral("keep")));
    QVERIFY_RESULT(admin.denyWrites(QStringLiteral("replica")));
    auto triggers
        = c.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
    QVERIFY_RESULT(triggers);
    QCOMPARE(triggers->toInt64(0, 0), 6);

    QVERIFY_RESULT(SchemaInstaller::uninstall(c));
    auto left = c.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
    QVERIFY_RESULT(left);
    QCOMPARE(left->toInt64(0, 0), 0);
    auto version = SchemaInstaller::installedVersion(c);
    QVERIFY_RESULT(version);
    QCOMPARE(version.value(), 0);
    // User tables and their data are untouched and writable again.
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO keep VALUES (1, 'x')")));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO replica VALUES (1)")));
}

QTEST_GUILESS_MAIN(TestSchemaInstaller)
#include "tst_schemainstaller.moc"
