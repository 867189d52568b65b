#include "db/connection.h"
#include "db/connectionstring.h"
#include "testutil.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using ferry::ConnectionString;
using ferry::ErrorKind;

class TestConnectionString : public QObject
{
    Q_OBJECT

private slots:
    void parsesBothForms_data();
    void parsesBothForms();
    void maskedNeverShowsSecrets_data();
    void maskedNeverShowsSecrets();
    void maskTextHandlesUnparseableInput_data();
    void maskTextHandlesUnparseableInput();
    void parseErrorsQuoteNoSecret_data();
    void parseErrorsQuoteNoSecret();
    void toStringRoundTrips_data();
    void toStringRoundTrips();
    void displayName_data();
    void displayName();
    void setAndRemove();
    void sessionStringLeavesOutWhatTheSessionSets();
};

void TestConnectionString::parsesBothForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("port");
    QTest::addColumn<QString>("dbname");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("sslmode");

    QTest::newRow("keyword/value") << "host=172.16.3.33 port=1919 user=postgres dbname=digoal_02"
                                   << "172.16.3.33"
                                   << "1919"
                                   << "digoal_02"
                                   << "postgres"
                                   << "";
    QTest::newRow("spaces around =") << "host = h  port= 5 dbname =d"
                                     << "h"
                                     << "5"
                                     << "d"
                                     << ""
                                     << "";
    QTest::newRow("quoted value") << "dbname='my db' host=h sslmode=require"
                                  << "h"
                                  << ""
                                  << "my db"
                                  << ""
                                  << "require";
    QTest::newRow("escaped quote") << "dbname='it\\'s' host=h"
                                   << "h"
                                   << ""
                                   << "it's"
                                   << ""
                                   << "";
    QTest::newRow("uri") << "postgresql://digoal@db.example:5433/digoal_01?sslmode=verify-full"
                         << "db.example"
                         << "5433"
                         << "digoal_01"
                         << "digoal"
                         << "verify-full";
    QTest::newRow("uri percent-encoded") << "postgres://u%40x@h/db%20one"
                                         << "h"
                                         << ""
                                         << "db one"
                                         << "u@x"
                                         << "";
    QTest::newRow("multi-host") << "host=a,b port=1,2 dbname=d target_session_attrs=read-write"
                                << "a,b"
                                << "1,2"
                                << "d"
                                << ""
                                << "";
}

void TestConnectionString::parsesBothForms()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(QString, port);
    QFETCH(QString, dbname);
    QFETCH(QString, user);
    QFETCH(QString, sslmode);

    auto cs = ConnectionString::parse(text);
    QVERIFY_RESULT(cs);
    QCOMPARE(cs->value(QStringLiteral("host")), host);
    QCOMPARE(cs->value(QStringLiteral("port")), port);
    QCOMPARE(cs->value(QStringLiteral("dbname")), dbname);
    QCOMPARE(cs->value(QStringLiteral("user")), user);
    QCOMPARE(cs->value(QStringLiteral("sslmode")), sslmode);
    QCOMPARE(cs->contains(QStringLiteral("port")), !port.isEmpty());
}

void TestConnectionString::maskedNeverShowsSecrets_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");

    // The seed's own connection strings carry password=postgres inline.
    QTest::newRow("seed") << "host=172.16.3.33 port=1919 user=postgres dbname=digoal_02 "
                             "password=postgres"
                          << "password=postgres";
    QTest::newRow("quoted with spaces") << "host=h password='s3 cr\\'et' dbname=d"
                                        << "s3 cr";
    QTest::newRow("uri userinfo") << "postgresql://u:Tops3cret@h/d"
                                  << "Tops3cret";
    QTest::newRow("uri parameter") << "postgresql://u@h/d?password=Tops3cret&sslmode=require"
                                   << "Tops3cret";
    QTest::newRow("sslpassword") << "host=h sslpassword=KeyPass99 sslkey=/k"
                                 << "KeyPass99";
}

void TestConnectionString::maskedNeverShowsSecrets()
{
    QFETCH(QString, text);
    QFETCH(QString, secret);

    auto cs = ConnectionString::parse(text);
    QVERIFY_RESULT(cs);
    const QString masked = cs->masked();
    QVERIFY2(!masked.contains(secret), qPrintable(masked));
    QVERIFY2(masked.contains(QStringLiteral("********")), qPrintable(masked));
    QVERIFY(!cs->displayName().contains(secret));
    // The unmasked form keeps the secret for libpq.
    auto again = ConnectionString::parse(cs->toString());
    QVERIFY_RESULT(again);
    QCOMPARE(again->params(), cs->params());
    // maskText on the raw input hides it too.
    const QString maskedRaw = ConnectionString::maskText(text);
    QVERIFY2(!maskedRaw.contains(secret), qPrintable(maskedRaw));
}

void TestConnectionString::maskTextHandlesUnparseableInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("kept");

    QTest::newRow("unterminated quote") << "host=h password='abc def"
                                        << "abc def"
                                        << "host=h";
    QTest::newRow("garbage around") << "oops host=h password=hunter22 nonsense"
                                    << "hunter22"
                                    << "nonsense";
    QTest::newRow("in a sentence") << "cannot use 'password = pw1234' here"
                                   << "pw1234"
                                   << "here";
    QTest::newRow("uri in text") << "see postgres://me:pw1234@h:5/db now"
                                 << "pw1234"
                                 << "@h:5/db now";
}

void TestConnectionString::maskTextHandlesUnparseableInput()
{
    QFETCH(QString, text);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString masked = ConnectionString::maskText(text);
    QVERIFY2(!masked.contains(secret), qPrintable(masked));
    QVERIFY2(masked.contains(kept), qPrintable(masked));
}

void TestConnectionString::parseErrorsQuoteNoSecret_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("expected");

    QTest::newRow("stray word") << "host=h password=pw secretword9"
                                << "secretword9"
                                << "without \"=value\"";
    QTest::newRow("unterminated") << "host=h password='secretword9"
                                  << "secretword9"
                                  << "unterminated";
    QTest::newRow("unknown option") << "hots=h password=secretword9"
                                    << "secretword9"
                                    << "unknown option \"hots\"";
    QTest::newRow("bad uri") << "postgresql://u:secretword9@[::1/d"
                             << "secretword9"
                             << "URI";
    QTest::newRow("empty") << "   "
                           << ""
                           << "empty connection string";
}

void TestConnectionString::parseErrorsQuoteNoSecret()
{
    QFETCH(QString, text);
    QFETCH(QString, secret);
    QFETCH(QString, expected);

    auto cs = ConnectionString::parse(text);
    QVERIFY(!cs.ok());
    QCOMPARE(cs.error().kind(), ErrorKind::Config);
    const QString message = cs.error().toString();
    QVERIFY2(message.contains(expected), qPrintable(message));
    if (!secret.isEmpty())
        QVERIFY2(!message.contains(secret), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
}

void TestConnectionString::toStringRoundTrips_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << "digoal_01";
    QTest::newRow("space") << "my db";
    QTest::newRow("quote") << "it's";
    QTest::newRow("backslash") << "C:\\dir\\";
    QTest::newRow("empty") << "";
    QTest::newRow("unicode") << QStringLiteral("数据库 \u00e9");
    QTest::newRow("equals and tab") << "a=b\tc";
}

void TestConnectionString::toStringRoundTrips()
{
    QFETCH(QString, value);
    ConnectionString cs;
    cs.set(QStringLiteral("host"), QStringLiteral("127.0.0.1"));
    cs.set(QStringLiteral("dbname"), value);
    cs.set(QStringLiteral("password"), value);
    auto parsed = ConnectionString::parse(cs.toString());
    QVERIFY_RESULT(parsed);
    QCOMPARE(parsed->value(QStringLiteral("dbname")), value);
    QCOMPARE(parsed->value(QStringLiteral("password")), value);
}

void TestConnectionString::displayName_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("full") << "host=h port=5 user=u dbname=d password=x"
                          << "u@h:5/d";
    QTest::newRow("no host") << "dbname=d"
                             << "localhost/d";
    QTest::newRow("hostaddr") << "hostaddr=10.0.0.1 dbname=d"
                              << "10.0.0.1/d";
}

void TestConnectionString::displayName()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    auto cs = ConnectionString::parse(text);
    QVERIFY_RESULT(cs);
    QCOMPARE(cs->displayName(), expected);
}

void TestConnectionString::setAndRemove()
{
    auto cs = ConnectionString::parse(QStringLiteral("host=h dbname=d"));
    QVERIFY_RESULT(cs);
    cs->set(QStringLiteral("dbname"), QStringLiteral("other"));
    cs->set(QStringLiteral("sslmode"), QStringLiteral("require"));
    QCOMPARE(cs->toString(), QStringLiteral("host=h dbname=other sslmode=require"));
    cs->remove(QStringLiteral("host"));
    QCOMPARE(cs->toString(), QStringLiteral("dbname=other sslmode=require"));
    QVERIFY(!cs->contains(QStringLiteral("host")));
}

void TestConnectionString::sessionStringLeavesOutWhatTheSessionSets()
{
    // A session sets connect_timeout, keepalives, client_encoding and
    // options itself, so libpq takes them neither from PG* variables nor
    // from a service file: a service given them would connect otherwise.
    for (const QString &name : QProcess::systemEnvironment()) {
        if (name.startsWith(QStringLiteral("PG")))
            qunsetenv(qPrintable(name.section(QLatin1Char('='), 0, 0)));
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString serviceFile = dir.filePath(QStringLiteral("pg_service.conf"));
    QFile file(serviceFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[svc]\nport=6001\nconnect_timeout=3\nkeepalives_idle=99\n"
               "options=-c work_mem=64kB\nclient_encoding=LATIN1\n");
    file.close();
    qputenv("PGSERVICEFILE", QFile::encodeName(serviceFile));
    qputenv("PGSERVICE", "svc");
    qputenv("PGHOST", "h9");
    qputenv("PGCONNECT_TIMEOUT", "7");
    qputenv("PGCLIENTENCODING", "SQL_ASCII");
    qputenv("PGAPPNAME", "nightly");
    qputenv("PGUSER", "repl");

    auto own = ConnectionString::parse(QStringLiteral("dbname=d"));
    QVERIFY_RESULT(own);
    // What libpq alone would complete, and what the session really uses.
    QVERIFY(own->withEnvironment().contains(QStringLiteral("connect_timeout")));
    QCOMPARE(ferry::Connection::sessionConnectionString(*own).toString(),
             QStringLiteral("host=h9 port=6001 dbname=d user=repl application_name=nightly"));

    // Options come from PGOPTIONS only, as Connection::sessionOptions reads them.
    qputenv("PGOPTIONS", " -c work_mem=1MB ");
    QCOMPARE(ferry::Connection::sessionConnectionString(*own).value(QStringLiteral("options")),
             QStringLiteral("-c work_mem=1MB"));

    // The string's own values stay: the session uses them.
    auto set = ConnectionString::parse(
        QStringLiteral("dbname=d connect_timeout=5 options='-c work_mem=2MB'"));
    QVERIFY_RESULT(set);
    const ConnectionString session = ferry::Connection::sessionConnectionString(*set);
    QCOMPARE(session.value(QStringLiteral("connect_timeout")), QStringLiteral("5"));
    QCOMPARE(session.value(QStringLiteral("options")), QStringLiteral("-c work_mem=2MB"));
    for (const char *name : {"PGSERVICEFILE", "PGSERVICE", "PGHOST", "PGCONNECT_TIMEOUT",
                             "PGCLIENTENCODING", "PGAPPNAME", "PGOPTIONS", "PGUSER"})
        qunsetenv(name);
}

QTEST_GUILESS_MAIN(TestConnectionString)
#include "tst_connectionstring.moc"
