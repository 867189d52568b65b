// `ferry CONFIG.ini ticker` against a real server: it ticks the queues of
// the config's database until SIGTERM and then exits 0; a database without
// Ferry's schema and an unreachable one fail at once with one line.
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "testutil.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ferry;
using ferry::test::PgCluster;

class TestCliTicker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void ticksUntilTerminated();
    void refusesDatabaseWithoutFerry();
    void refusesUnreachableDatabase();

private:
    QString writeConfig(const QString &db);
    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_dir;
};

void TestCliTicker::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("digoal_01")));
    auto c = Connection::open(m_cluster->connectionString(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(c);
    QVERIFY_RESULT(SchemaInstaller::install(*c));
    QueueAdmin admin(*c);
    QVERIFY_RESULT(admin.createQueue(QStringLiteral("replika")));
    QVERIFY_RESULT(admin.setQueueConfig(QStringLiteral("replika"), QStringLiteral("idle_period"),
                                        QStringLiteral("100 ms")));
}

void TestCliTicker::cleanupTestCase()
{
    m_cluster.reset();
}

QString TestCliTicker::writeConfig(const QString &db)
{
    const QString path = m_dir.filePath(QStringLiteral("ticker.ini"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(QStringLiteral("[ferry]\njob_name = ticker_digoal_01\ndb = %1\nqueue_name = replika\n"
                           "ticker_period = 0.05\n")
                .arg(db)
                .toUtf8());
    return path;
}

void TestCliTicker::ticksUntilTerminated()
{
    const QString config = writeConfig(m_cluster->connectionString(QStringLiteral("digoal_01"))
                                       + QStringLiteral(" password=Sekr1tPw"));
    auto c = Connection::open(m_cluster->connectionString(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(c);
    auto ticks = [&c]() -> qint64 {
        auto r = c->exec(QStringLiteral("SELECT max(tick_id) FROM ferry.tick"));
        return r ? r->toInt64(0, 0) : -1;
    };
    const qint64 before = ticks();
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(ticks() >= before + 3, 10000);
    ferry.terminate(); // SIGTERM
    QVERIFY(ferry.waitForFinished(10000));
    QCOMPARE(ferry.exitStatus(), QProcess::NormalExit);
    QCOMPARE(ferry.exitCode(), 0);
    const QString err = QString::fromUtf8(ferry.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("ticker on postgres@127.0.0.1")), qPrintable(err));
    QVERIFY(!err.contains(QLatin1String("Sekr1tPw")));
}

void TestCliTicker::refusesDatabaseWithoutFerry()
{
    const QString config = writeConfig(m_cluster->connectionString(QStringLiteral("postgres")));
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    const QString err = QString::fromUtf8(ferry.readAllStandardError()).trimmed();
    QVERIFY2(err.startsWith(QLatin1String("ferry: "))
                 && err.contains(QLatin1String("no Ferry schema")),
             qPrintable(err));
    QVERIFY(!err.contains(QLatin1Char('\n')));
}

void TestCliTicker::refusesUnreachableDatabase()
{
    const QString config = writeConfig(
        QStringLiteral("host=127.0.0.1 port=1 dbname=x user=postgres password=Sekr1tPw"));
    QProcess ferry;
    ferry.start(QStringLiteral(FERRY_CLI), {config, QStringLiteral("ticker")});
    QVERIFY(ferry.waitForFinished(20000));
    QCOMPARE(ferry.exitCode(), 1);
    const QString err = QString::fromUtf8(ferry.readAllStandardError()).trimmed();
    QVERIFY2(err.contains(QLatin1String("could not connect")), qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("password=********")), qPrintable(err));
    QVERIFY(!err.contains(QLatin1String("Sekr1tPw")));
}

QTEST_GUILESS_MAIN(TestCliTicker)
#include "tst_cli_ticker.moc"
