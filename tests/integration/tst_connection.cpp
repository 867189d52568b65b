// Connection against real servers: errors keep SQLSTATE and hide passwords,
// parameters are never interpolated, identifiers are quoted, transactions
// roll back unless committed, LISTEN/NOTIFY waits honour their timeout, a
// running statement can be canceled from another thread, and a connection
// survives its server being stopped and started again.
#include "db/connection.h"
#include "db/transaction.h"
#include "pgcluster.h"
#include "testutil.h"
#include "usersession.h"

#include <QElapsedTimer>
#include <QTest>
#include <QtConcurrent>

#include <libpq-fe.h>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

class TestConnection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void connects();
    void badTargetsGiveClearErrors_data();
    void badTargetsGiveClearErrors();
    void errorsKeepSqlStateAndDetail();
    void parametersAreNeverInterpolated();
    void identifiersAreQuoted();
    void transactionRollsBackUnlessCommitted();
    void commitOfAbortedTransactionFails();
    void noticesDoNotDisturb();
    void copyThroughExecIsRefusedCleanly();
    void listenWaitsWithTimeout();
    void notificationQueuedDuringQueryIsDelivered();
    void cancelFromAnotherThread();
    void serverStoppedMidSessionThenReconnect();

private:
    Connection open(const QString &db = QStringLiteral("postgres"));
    std::unique_ptr<PgCluster> m_cluster;
};

void TestConnection::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
}

void TestConnection::cleanupTestCase()
{
    m_cluster.reset();
}

Connection TestConnection::open(const QString &db)
{
    auto c = openUserSession(m_cluster->connectionString(db));
    if (!c)
        qFatal("cannot connect to the test cluster: %s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestConnection::connects()
{
    Connection c = open();
    QVERIFY(c.isOpen());
    QVERIFY(c.serverVersion() >= 130000);
    QVERIFY(c.backendPid() > 0);
    auto r = c.exec(QStringLiteral("SELECT current_setting('application_name')"));
    QVERIFY_RESULT(r);
    QCOMPARE(r->text(0, 0), QStringLiteral("ferry"));
    // The client socket uses short TCP keepalive intervals (a vanished peer
    // is noticed in about a minute); libpq reports the options in use.
    QString keepaliveIdle;
    PQconninfoOption *options = PQconninfo(c.handle());
    for (PQconninfoOption *o = options; o && o->keyword; ++o) {
        if (qstrcmp(o->keyword, "keepalives_idle") == 0 && o->val)
            keepaliveIdle = QString::fromUtf8(o->val);
    }
    PQconninfoFree(options);
    QCOMPARE(keepaliveIdle, QStringLiteral("30"));

    // The user's own application_name wins over Ferry's default.
    auto named
        = openUserSession(m_cluster->connectionString() + QStringLiteral(" application_name=mine"));
    QVERIFY_RESULT(named);
    auto r2 = named->exec(QStringLiteral("SELECT current_setting('application_name')"));
    QVERIFY_RESULT(r2);
    QCOMPARE(r2->text(0, 0), QStringLiteral("mine"));
}

void TestConnection::badTargetsGiveClearErrors_data()
{
    QTest::addColumn<QString>("connectionString");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");

    QTest::newRow("closed port") << "host=127.0.0.1 port=1 user=postgres password=Sekr1tPw"
                                 << int(ErrorKind::Connection)
                                 << "could not connect to host=127.0.0.1";
    QTest::newRow("unknown host") << "host=no-such-host.invalid user=postgres password=Sekr1tPw"
                                  << int(ErrorKind::Connection) << "no-such-host.invalid";
    QTest::newRow("malformed") << "host=127.0.0.1 password=Sekr1tPw port" << int(ErrorKind::Config)
                               << "invalid connection string";
    QTest::newRow("unknown option") << "host=127.0.0.1 colour=blue password=Sekr1tPw"
                                    << int(ErrorKind::Config) << "unknown option \"colour\"";
}

void TestConnection::badTargetsGiveClearErrors()
{
    QFETCH(QString, connectionString);
    QFETCH(int, kind);
    QFETCH(QString, expected);

    QElapsedTimer clock;
    clock.start();
    auto c = openUserSession(connectionString);
    QVERIFY(!c.ok());
    const QString text = c.error().toString();
    QCOMPARE(int(c.error().kind()), kind);
    QVERIFY2(text.contains(expected), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("Sekr1tPw")), qPrintable(text));
    QVERIFY(!text.contains(QLatin1Char('\n')));
    QVERIFY2(clock.elapsed() < 15000, "connect_timeout must bound the wait");
}

void TestConnection::errorsKeepSqlStateAndDetail()
{
    Connection c = open();
    auto div = c.exec(QStringLiteral("SELECT 1/0"));
    QVERIFY(!div.ok());
    QCOMPARE(div.error().sqlState(), QStringLiteral("22012"));
    QCOMPARE(div.error().kind(), ErrorKind::Data);
    QVERIFY(div.error().message().contains(QLatin1String("division by zero")));

    auto syntax = c.exec(QStringLiteral("SELEC 1"));
    QVERIFY(!syntax.ok());
    QCOMPARE(syntax.error().sqlState(), QStringLiteral("42601"));
    QCOMPARE(syntax.error().kind(), ErrorKind::Sql);

    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TEMP TABLE u(k int PRIMARY KEY)")));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO u VALUES (1)")));
    auto dup = c.exec(QStringLiteral("INSERT INTO u VALUES (1)"));
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().sqlState(), QStringLiteral("23505"));
    QCOMPARE(dup.error().detail(), QStringLiteral("Key (k)=(1) already exists."));
    // The context names the server, masked.
    QVERIFY(dup.error().toString().startsWith(c.displayName()));
    // The connection is still usable after errors.
    auto ok = c.exec(QStringLiteral("SELECT count(*) FROM u"));
    QVERIFY_RESULT(ok);
    QCOMPARE(ok->toInt64(0, 0), 1);
}

void TestConnection::parametersAreNeverInterpolated()
{
    Connection c = open();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TEMP TABLE p(t text, n int, b bool, z text)")));
    const QString hostile = QStringLiteral("x'); DROP TABLE p; --\\ \"\u6570\u636e\U0001F600");
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO p VALUES ($1, $2, $3, $4)"),
                          {hostile, 42, true, QVariant()}));
    auto r
        = c.exec(QStringLiteral("SELECT t, n, b, z IS NULL, count(*) OVER () FROM p WHERE t = $1"),
                 {hostile});
    QVERIFY_RESULT(r);
    QCOMPARE(r->rowCount(), 1);
    QCOMPARE(r->text(0, 0), hostile);
    QCOMPARE(r->toInt64(0, 1), 42);
    QVERIFY(r->toBool(0, 2));
    QVERIFY(r->toBool(0, 3));
    QVERIFY(r->isNull(0, 0) == false);
    QCOMPARE(r->columnIndex(QStringLiteral("n")), 1);

    // Wrong parameter count is a clean error, not a crash.
    auto bad = c.exec(QStringLiteral("SELECT $1::int + $2::int"), {1});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().sqlState(), QStringLiteral("08P01"));
    QVERIFY_RESULT(c.exec(QStringLiteral("SELECT 1")));
}

void TestConnection::identifiersAreQuoted()
{
    Connection c = open();
    const QString schema = QStringLiteral("My \"Schema\"");
    const QString table = QStringLiteral("user info; drop");
    QCOMPARE(c.quoteIdentifier(QStringLiteral("a\"b")), QStringLiteral("\"a\"\"b\""));
    const QString qualified = c.quoteQualified(schema, table);
    QCOMPARE(qualified, QStringLiteral("\"My \"\"Schema\"\"\".\"user info; drop\""));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE SCHEMA ") + c.quoteIdentifier(schema)));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE %1 (\"Id\" int)").arg(qualified)));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO %1 VALUES (5)").arg(qualified)));
    auto r = c.exec(QStringLiteral("SELECT n.nspname, c.relname FROM pg_class c "
                                   "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                   "WHERE c.oid = $1::regclass"),
                    {qualified});
    QVERIFY_RESULT(r);
    QCOMPARE(r->text(0, 0), schema);
    QCOMPARE(r->text(0, 1), table);
    QVERIFY_RESULT(c.exec(QStringLiteral("DROP SCHEMA %1 CASCADE").arg(c.quoteIdentifier(schema))));
}

void TestConnection::transactionRollsBackUnlessCommitted()
{
    Connection c = open();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE tx(i int)")));
    {
        auto tx = Transaction::begin(c);
        QVERIFY_RESULT(tx);
        QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO tx VALUES (1)")));
        // leaves scope without commit
    }
    {
        auto tx = Transaction::begin(c, QStringLiteral("ISOLATION LEVEL REPEATABLE READ"));
        QVERIFY_RESULT(tx);
        auto iso = c.exec(QStringLiteral("SHOW transaction_isolation"));
        QVERIFY_RESULT(iso);
        QCOMPARE(iso->text(0, 0), QStringLiteral("repeatable read"));
        QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO tx VALUES (2)")));
        QVERIFY_RESULT(tx->commit());
        QVERIFY(!tx->isActive());
    }
    Connection other = open();
    auto r = other.exec(QStringLiteral("SELECT array_agg(i)::text FROM tx"));
    QVERIFY_RESULT(r);
    QCOMPARE(r->text(0, 0), QStringLiteral("{2}"));
    QVERIFY_RESULT(c.exec(QStringLiteral("DROP TABLE tx")));
}

void TestConnection::commitOfAbortedTransactionFails()
{
    Connection c = open();
    auto tx = Transaction::begin(c);
    QVERIFY_RESULT(tx);
    QVERIFY(!c.exec(QStringLiteral("SELECT 1/0")).ok());
    auto commit = tx->commit();
    QVERIFY(!commit.ok());
    QVERIFY(commit.error().message().contains(QLatin1String("rolled back")));
    QVERIFY_RESULT(c.exec(QStringLiteral("SELECT 1")));
}

void TestConnection::noticesDoNotDisturb()
{
    Connection c = open();
    auto r
        = c.exec(QStringLiteral("DO $$BEGIN RAISE NOTICE 'hello'; RAISE WARNING 'careful'; END$$"));
    QVERIFY_RESULT(r);
    QVERIFY_RESULT(c.exec(QStringLiteral("SELECT 1")));
}

void TestConnection::copyThroughExecIsRefusedCleanly()
{
    Connection c = open();
    QVERIFY_RESULT(
        c.exec(QStringLiteral("CREATE TEMP TABLE cp AS SELECT generate_series(1, 1000) v")));
    auto out = c.exec(QStringLiteral("COPY cp TO STDOUT"));
    QVERIFY(!out.ok());
    QCOMPARE(out.error().kind(), ErrorKind::Internal);
    auto in = c.exec(QStringLiteral("COPY cp FROM STDIN"));
    QVERIFY(!in.ok());
    QCOMPARE(in.error().kind(), ErrorKind::Internal);
    // Nothing was added and the connection still answers.
    auto count = c.exec(QStringLiteral("SELECT count(*) FROM cp"));
    QVERIFY_RESULT(count);
    QCOMPARE(count->toInt64(0, 0), 1000);
}

void TestConnection::listenWaitsWithTimeout()
{
    Connection listener = open();
    Connection sender = open();
    QVERIFY_RESULT(listener.listen(QStringLiteral("ferry tick")));

    QElapsedTimer clock;
    clock.start();
    auto none = listener.waitForNotification(300);
    QVERIFY_RESULT(none);
    QVERIFY(!none->has_value());
    QVERIFY2(clock.elapsed() >= 290, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));

    // A notification sent while we wait wakes us at once, long before the timeout.
    auto future = QtConcurrent::run([&sender] {
        QThread::msleep(200);
        return sender
            .exec(QStringLiteral("SELECT pg_notify($1, $2)"),
                  {QStringLiteral("ferry tick"), QStringLiteral("tick 42")})
            .ok();
    });
    clock.restart();
    auto got = listener.waitForNotification(10000);
    QVERIFY(future.result());
    QVERIFY_RESULT(got);
    QVERIFY(got->has_value());
    QCOMPARE((*got)->channel, QStringLiteral("ferry tick"));
    QCOMPARE((*got)->payload, QStringLiteral("tick 42"));
    QCOMPARE((*got)->backendPid, sender.backendPid());
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));

    // After UNLISTEN nothing arrives.
    QVERIFY_RESULT(listener.unlisten(QStringLiteral("ferry tick")));
    QVERIFY_RESULT(sender.exec(QStringLiteral("NOTIFY \"ferry tick\"")));
    auto after = listener.waitForNotification(200);
    QVERIFY_RESULT(after);
    QVERIFY(!after->has_value());
}

void TestConnection::notificationQueuedDuringQueryIsDelivered()
{
    Connection c = open();
    QVERIFY_RESULT(c.listen(QStringLiteral("self")));
    // Our own NOTIFY arrives with the query's response; the wait must find it in the buffer.
    QVERIFY_RESULT(c.exec(QStringLiteral("NOTIFY self, 'mine'")));
    auto got = c.waitForNotification(0);
    QVERIFY_RESULT(got);
    QVERIFY(got->has_value());
    QCOMPARE((*got)->payload, QStringLiteral("mine"));
}

void TestConnection::cancelFromAnotherThread()
{
    Connection c = open();
    const CancelHandle cancel = c.cancelHandle();
    QVERIFY(cancel.isValid());
    QElapsedTimer clock;
    clock.start();
    auto future = QtConcurrent::run([cancel] {
        QThread::msleep(300);
        return cancel.cancel().ok();
    });
    auto r = c.exec(QStringLiteral("SELECT pg_sleep(30)"));
    QVERIFY(future.result());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState(), QStringLiteral("57014"));
    QCOMPARE(r.error().kind(), ErrorKind::Canceled);
    QVERIFY(clock.elapsed() < 10000);
    QVERIFY_RESULT(c.exec(QStringLiteral("SELECT 1")));
}

void TestConnection::serverStoppedMidSessionThenReconnect()
{
    PgCluster own; // a cluster of its own: stopping the shared one would disturb other tests
    QVERIFY_RESULT(own.start());
    auto opened = openUserSession(own.connectionString() + QStringLiteral(" password=Sekr1tPw"));
    QVERIFY_RESULT(opened);
    Connection c = std::move(opened).value();
    QVERIFY_RESULT(c.listen(QStringLiteral("wake")));
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE survived AS SELECT 1 AS v")));

    QVERIFY_RESULT(own.stop(QStringLiteral("fast")));

    auto broken = c.exec(QStringLiteral("SELECT v FROM public.survived"));
    QVERIFY(!broken.ok());
    QCOMPARE(broken.error().kind(), ErrorKind::Connection);
    QVERIFY(broken.error().isTransient());
    QVERIFY(!broken.error().toString().contains(QLatin1String("Sekr1tPw")));
    QVERIFY(!c.isOpen());

    // While the server is down, reconnecting fails cleanly and can be repeated.
    auto refused = c.reconnect();
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind(), ErrorKind::Connection);
    QVERIFY(!refused.error().toString().contains(QLatin1String("Sekr1tPw")));
    QVERIFY(refused.error().toString().contains(QLatin1String("********")));
    auto waitBroken = c.waitForNotification(50);
    QVERIFY(!waitBroken.ok());

    QVERIFY_RESULT(own.start());
    QVERIFY_RESULT(c.reconnect());
    auto r = c.exec(QStringLiteral("SELECT v FROM public.survived"));
    QVERIFY_RESULT(r);
    QCOMPARE(r->toInt64(0, 0), 1);

    // LISTEN was renewed by the reconnect.
    auto sender = openUserSession(own.connectionString());
    QVERIFY_RESULT(sender);
    QVERIFY_RESULT(sender->exec(QStringLiteral("NOTIFY wake, 'again'")));
    auto got = c.waitForNotification(5000);
    QVERIFY_RESULT(got);
    QVERIFY(got->has_value());
    QCOMPARE((*got)->payload, QStringLiteral("again"));
}

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
