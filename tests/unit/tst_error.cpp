#include "db/connectfailure.h"
#include "util/error.h"
#include "util/result.h"

#include <QTest>

using ferry::Error;
using ferry::ErrorKind;
using ferry::Result;

Q_DECLARE_METATYPE(ferry::ErrorKind)

class TestError : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
    void authFailureMessages_data();
    void authFailureMessages();
    void toStringIsOneLine();
    void contextStacks();
    void resultHoldsValueOrError();
};

void TestError::classify_data()
{
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<bool>("transient");

    QTest::newRow("connection failure") << "08006" << ErrorKind::Connection << true;
    QTest::newRow("connection exception") << "08000" << ErrorKind::Connection << true;
    QTest::newRow("admin shutdown") << "57P01" << ErrorKind::Connection << true;
    // A refused login: trying again as is cannot help (and may lock the role out).
    QTest::newRow("invalid password") << "28P01" << ErrorKind::Auth << false;
    QTest::newRow("invalid authorization") << "28000" << ErrorKind::Auth << false;
    QTest::newRow("no sqlstate (libpq)") << "" << ErrorKind::Connection << true;
    QTest::newRow("serialization") << "40001" << ErrorKind::Retry << true;
    QTest::newRow("deadlock") << "40P01" << ErrorKind::Retry << true;
    QTest::newRow("query canceled") << "57014" << ErrorKind::Canceled << false;
    QTest::newRow("lock not available") << "55P03" << ErrorKind::Canceled << false;
    QTest::newRow("unique violation") << "23505" << ErrorKind::Data << false;
    QTest::newRow("division by zero") << "22012" << ErrorKind::Data << false;
    QTest::newRow("syntax error") << "42601" << ErrorKind::Sql << false;
    QTest::newRow("undefined table") << "42P01" << ErrorKind::Sql << false;
    QTest::newRow("disk full") << "53100" << ErrorKind::Server << false;
    QTest::newRow("internal") << "XX000" << ErrorKind::Server << false;
}

void TestError::classify()
{
    QFETCH(QString, sqlState);
    QFETCH(ErrorKind, kind);
    QFETCH(bool, transient);
    const Error e = Error::fromServer(sqlState, QStringLiteral("m"));
    QCOMPARE(e.kind(), kind);
    QCOMPARE(e.isTransient(), transient);
    QCOMPARE(e.sqlState(), sqlState);
}

void TestError::authFailureMessages_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("refused");
    // libpq's messages (PostgreSQL 16) for a connection that failed.
    QTest::newRow("wrong password")
        << "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
           "authentication failed for user \"pwuser\""
        << true;
    QTest::newRow("no password") << "fe_sendauth: no password supplied" << true;
    QTest::newRow("ldap") << "FATAL:  LDAP authentication failed for user \"bob\"" << true;
    QTest::newRow("no hba entry") << "FATAL:  no pg_hba.conf entry for host \"10.0.0.5\", user "
                                     "\"bob\", database \"x\", no encryption"
                                  << true;
    QTest::newRow("hba reject") << "FATAL:  pg_hba.conf rejects connection for host \"10.0.0.5\""
                                << true;
    QTest::newRow("no role") << "FATAL:  role \"bob\" does not exist" << true;
    QTest::newRow("no login") << "FATAL:  role \"bob\" is not permitted to log in" << true;
    QTest::newRow("refused port")
        << "connection to server at \"127.0.0.1\", port 1 failed: Connection refused" << false;
    QTest::newRow("no database") << "FATAL:  database \"x\" does not exist" << false;
    QTest::newRow("starting up") << "FATAL:  the database system is starting up" << false;
    QTest::newRow("too many") << "FATAL:  sorry, too many clients already" << false;
}

void TestError::authFailureMessages()
{
    QFETCH(QString, message);
    QFETCH(bool, refused);
    QCOMPARE(ferry::isRefusedLogin(ferry::classifyConnectFailure(message)), refused);
}

void TestError::toStringIsOneLine()
{
    const Error e = Error::fromServer(QStringLiteral("42P01"),
                                      QStringLiteral("relation \"x\" does not exist\n  LINE 1"));
    const QString s = e.toString();
    QVERIFY(!s.contains(QLatin1Char('\n')));
    QCOMPARE(s, QStringLiteral("relation \"x\" does not exist LINE 1 (SQLSTATE 42P01)"));
}

void TestError::contextStacks()
{
    Error e(ErrorKind::Io, QStringLiteral("disk full"));
    e.withContext(QStringLiteral("writing batch")).withContext(QStringLiteral("node dst1"));
    QCOMPARE(e.toString(), QStringLiteral("node dst1: writing batch: disk full"));
    e.withKind(ErrorKind::InDoubt);
    QCOMPARE(e.kind(), ErrorKind::InDoubt);
}

void TestError::resultHoldsValueOrError()
{
    Result<int> good(42);
    QVERIFY(good.ok());
    QCOMPARE(good.value(), 42);

    Result<int> bad(Error(ErrorKind::Usage, QStringLiteral("no")));
    QVERIFY(!bad);
    QCOMPARE(bad.error().kind(), ErrorKind::Usage);

    Result<void> done;
    QVERIFY(done.ok());
    Result<void> failed(Error(ErrorKind::Io, QStringLiteral("x")));
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().message(), QStringLiteral("x"));

    Result<QString> moved(QStringLiteral("text"));
    const QString taken = std::move(moved).value();
    QCOMPARE(taken, QStringLiteral("text"));
}

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
