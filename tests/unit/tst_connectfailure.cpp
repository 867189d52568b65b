// What libpq says when it cannot connect, read into what to do about it. The
// messages are libpq's and the server's own (PostgreSQL 15), as they arrive
// after "could not connect to ...: "; tst_profiles meets several of them
// against a real server.
#include "db/connectfailure.h"

#include <QTest>

using ferry::ConnectFailure;

Q_DECLARE_METATYPE(ferry::ConnectFailure)

class TestConnectFailure : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
};

void TestConnectFailure::classify_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<ConnectFailure>("failure");
    QTest::addColumn<QString>("advice");

    QTest::newRow("no password") << "connection to server at \"127.0.0.1\", port 5432 failed: "
                                    "fe_sendauth: no password supplied"
                                 << ConnectFailure::NoPassword << "~/.pgpass";
    QTest::newRow("wrong password")
        << "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
           "authentication failed for user \"postgres\""
        << ConnectFailure::WrongPassword << "check the password and the user";
    QTest::newRow("peer") << "connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" "
                             "failed: FATAL:  Peer authentication failed for user \"ferry\""
                          << ConnectFailure::OsAuthFailed << "host=127.0.0.1";
    QTest::newRow("refused") << "connection to server at \"127.0.0.1\", port 1 failed: "
                                "Connection refused\n\tIs the server running on that host and "
                                "accepting TCP/IP connections?"
                             << ConnectFailure::NoServer << "check the host and port";
    QTest::newRow("no socket") << "connection to server on socket \"/tmp/.s.PGSQL.5433\" failed: "
                                  "No such file or directory\n\tIs the server running locally?"
                               << ConnectFailure::NoServer << "check the host and port";
    QTest::newRow("unknown host") << "could not translate host name \"db.invalid\" to address: "
                                     "Name or service not known"
                                  << ConnectFailure::UnknownHost << "check the host";
    QTest::newRow("timeout") << "timeout expired" << ConnectFailure::Timeout << "firewall";
    QTest::newRow("no database") << "connection to server at \"127.0.0.1\", port 5432 failed: "
                                    "FATAL:  database \"digoal_09\" does not exist"
                                 << ConnectFailure::NoDatabase << "check its name";
    QTest::newRow("no role") << "connection to server at \"127.0.0.1\", port 5432 failed: "
                                "FATAL:  role \"bob\" does not exist"
                             << ConnectFailure::NoRole << "check the user name";
    QTest::newRow("ldap") << "connection to server at \"db\", port 5432 failed: FATAL:  LDAP "
                             "authentication failed for user \"ann\""
                          << ConnectFailure::LoginRefused << "password or certificate";
    QTest::newRow("no login") << "connection to server at \"db\", port 5432 failed: FATAL:  role "
                                 "\"ro\" is not permitted to log in"
                              << ConnectFailure::NoLogin << "LOGIN";
    QTest::newRow("hba reject") << "connection to server at \"db\", port 5432 failed: FATAL:  "
                                   "pg_hba.conf rejects connection for host \"10.0.0.9\", user "
                                   "\"ann\", database \"x\", no encryption"
                                << ConnectFailure::NoHbaEntry << "pg_hba.conf";
    QTest::newRow("ssl not offered")
        << "connection to server at \"127.0.0.1\", port 5432 failed: server does not support "
           "SSL, but SSL was required"
        << ConnectFailure::SslMode << "sslmode";
    QTest::newRow("no root certificate")
        << "connection to server at \"db\", port 5432 failed: root certificate file "
           "\"/home/u/.postgresql/root.crt\" does not exist"
        << ConnectFailure::SslMode << "sslmode";
    QTest::newRow("no pg_hba line")
        << "connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  no pg_hba.conf entry "
           "for host \"10.0.0.9\", user \"ferry\", database \"digoal_01\", no encryption"
        << ConnectFailure::NoHbaEntry << "pg_hba.conf line";
    QTest::newRow("other") << "FATAL:  sorry, too many clients already" << ConnectFailure::Other
                           << "";
}

void TestConnectFailure::classify()
{
    QFETCH(QString, message);
    QFETCH(ConnectFailure, failure);
    QFETCH(QString, advice);
    QCOMPARE(ferry::classifyConnectFailure(message), failure);
    const QString text = ferry::connectFailureAdvice(failure);
    if (advice.isEmpty())
        QVERIFY(text.isEmpty());
    else
        QVERIFY2(text.contains(advice), qPrintable(text));
    QVERIFY(!text.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(TestConnectFailure)
#include "tst_connectfailure.moc"
