#include "config/jobconfig.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using ferry::ErrorKind;
using ferry::JobConfig;

// CONFIG.ini as londiste3 users write it (DESIGN §6): the seed's files, the
// template `ferry --ini` prints, and every way a file can be wrong.
class TestJobConfig : public QObject
{
    Q_OBJECT

private slots:
    void loads_data();
    void loads();
    void errors_data();
    void errors();
    void passwordNeverShown_data();
    void passwordNeverShown();
    void fileErrors_data();
    void fileErrors();
    void loadsFromFile();
    void templateLoadsToDefaults();
    void templateDocumentsDefaults();
    void templateDocumentsEveryKey();
};

namespace {

const QString kPath = QStringLiteral("cfg/node.ini"); // config_name: node

// The seed's dst2 file (section six), byte for byte: markdown's two trailing
// spaces included.
const QByteArray kSeedDst2
    = "[londiste3]  \n"
      "job_name = dst2_digoal_02  \n"
      "db = host=172.16.3.33 port=1919 user=postgres dbname=digoal_02 password=postgres  \n"
      "queue_name = replika  \n"
      "logfile = /home/postgres/londiste3/log/dst2_digoal_02.log  \n"
      "pidfile = /home/postgres/londiste3/pid/dst2_digoal_02.pid  \n"
      "parallel_copies = 16  \n";

const QByteArray kMinimal = "[ferry]\n"
                            "job_name = j\n"
                            "db = host=h dbname=d\n"
                            "queue_name = q\n";

// Every value, one per line; "$HOME" stands for the home folder, the db
// string is shown masked.
QString summary(const JobConfig &config)
{
    const QString home = QDir::homePath();
    const auto shown = [&home](QString path) {
        if (path == home || path.startsWith(home + QLatin1Char('/')))
            path.replace(0, home.size(), QStringLiteral("$HOME"));
        return path;
    };
    return QStringList{
        QStringLiteral("job_name=") + config.jobName(),
        QStringLiteral("db=") + config.db().masked(),
        QStringLiteral("queue_name=") + config.queueName(),
        QStringLiteral("logfile=") + shown(config.logFile()),
        QStringLiteral("pidfile=") + shown(config.pidFile()),
        QStringLiteral("loop_delay=%1").arg(config.loopDelay()),
        QStringLiteral("parallel_copies=%1").arg(config.parallelCopies()),
        QStringLiteral("lock_timeout=%1").arg(config.lockTimeout()),
        QStringLiteral("ticker=%1")
            .arg(config.ticker() ? QStringLiteral("on") : QStringLiteral("off")),
        QStringLiteral("ticker_period=%1").arg(config.tickerPeriod()),
        QStringLiteral("retry_delay=%1").arg(config.retryDelay()),
    }
        .join(QLatin1Char('\n'));
}

// The summary of kMinimal with the given lines replaced ("key=value").
QString expected(const QStringList &changes = {})
{
    QStringList lines = {
        QStringLiteral("job_name=j"),
        QStringLiteral("db=host=h dbname=d"),
        QStringLiteral("queue_name=q"),
        QStringLiteral("logfile=$HOME/log/j.log"),
        QStringLiteral("pidfile=$HOME/pid/j.pid"),
        QStringLiteral("loop_delay=1"),
        QStringLiteral("parallel_copies=1"),
        QStringLiteral("lock_timeout=10"),
        QStringLiteral("ticker=on"),
        QStringLiteral("ticker_period=1"),
        QStringLiteral("retry_delay=0.5"),
    };
    for (const QString &change : changes) {
        const QString key = change.section(QLatin1Char('='), 0, 0) + QLatin1Char('=');
        for (QString &line : lines) {
            if (line.startsWith(key))
                line = change;
        }
    }
    return lines.join(QLatin1Char('\n'));
}

// The lines of the template with every "#key = value" line made active.
QByteArray uncommentedTemplate()
{
    static const QRegularExpression commented(QStringLiteral("^#([a-z_]+ = )"),
                                              QRegularExpression::MultilineOption);
    QString text = JobConfig::templateText();
    text.replace(commented, QStringLiteral("\\1"));
    return text.toUtf8();
}

} // namespace

void TestJobConfig::loads_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("values");
    QTest::addColumn<QStringList>("warnings");

    const QString w = kPath + QStringLiteral(":%1: %2");

    QTest::newRow("seed dst2, [londiste3]")
        << kSeedDst2
        << QStringLiteral("job_name=dst2_digoal_02\n"
                          "db=host=172.16.3.33 port=1919 dbname=digoal_02 user=postgres "
                          "password=********\n"
                          "queue_name=replika\n"
                          "logfile=/home/postgres/londiste3/log/dst2_digoal_02.log\n"
                          "pidfile=/home/postgres/londiste3/pid/dst2_digoal_02.pid\n"
                          "loop_delay=1\nparallel_copies=16\nlock_timeout=10\nticker=on\n"
                          "ticker_period=1\nretry_delay=0.5")
        << QStringList{w.arg(1).arg(
               QStringLiteral("section [londiste3] read as [ferry]; rename it to [ferry]"))};
    QTest::newRow("seed compare file, compare_sql")
        << kSeedDst2
               + "compare_sql = select count(1) as cnt, sum(hashtext(t.*::text)) as chksum "
                 "from only _TABLE_ t where userid<1000  \n"
        << QStringLiteral("job_name=dst2_digoal_02\n"
                          "db=host=172.16.3.33 port=1919 dbname=digoal_02 user=postgres "
                          "password=********\n"
                          "queue_name=replika\n"
                          "logfile=/home/postgres/londiste3/log/dst2_digoal_02.log\n"
                          "pidfile=/home/postgres/londiste3/pid/dst2_digoal_02.pid\n"
                          "loop_delay=1\nparallel_copies=16\nlock_timeout=10\nticker=on\n"
                          "ticker_period=1\nretry_delay=0.5")
        << QStringList{w.arg(1).arg(QStringLiteral(
                           "section [londiste3] read as [ferry]; rename it to [ferry]")),
                       w.arg(8).arg(QStringLiteral(
                           "key 'compare_sql' is a londiste3 setting ferry does not use; ignored "
                           "(compare applies each table's mapping and condition itself)"))};
    QTest::newRow("minimal, defaults") << kMinimal << expected() << QStringList{};
    QTest::newRow("every key set")
        << kMinimal
               + "loop_delay = 0.25\nparallel_copies = 16\nlock_timeout = 2.5\nticker = off\n"
                 "ticker_period = 3\nlogfile = /var/log/f.log\npidfile = /run/f.pid\n"
                 "retry_delay = 60\n"
        << expected({QStringLiteral("retry_delay=60"), QStringLiteral("loop_delay=0.25"),
                     QStringLiteral("parallel_copies=16"), QStringLiteral("lock_timeout=2.5"),
                     QStringLiteral("ticker=off"), QStringLiteral("ticker_period=3"),
                     QStringLiteral("logfile=/var/log/f.log"),
                     QStringLiteral("pidfile=/run/f.pid")})
        << QStringList{};
    QTest::newRow("interpolation")
        << QByteArray("[ferry]\njob_name = %(config_name)s_job\ndb = host=h dbname=d\n"
                      "queue_name = q\nlogfile = /var/log/%(job_name)s-%(QUEUE_NAME)s.log\n"
                      "pidfile = /run/%(job_name)s %% 100%.pid\n")
        << expected({QStringLiteral("job_name=node_job"),
                     QStringLiteral("logfile=/var/log/node_job-q.log"),
                     QStringLiteral("pidfile=/run/node_job % 100%.pid")})
        << QStringList{};
    QTest::newRow("interpolation through an unknown key")
        << kMinimal + "base = /srv/%(job_name)s\nlogfile = %(base)s/log\n"
        << expected({QStringLiteral("logfile=/srv/j/log")})
        << QStringList{w.arg(5).arg(QStringLiteral("unknown key 'base' in [ferry], ignored"))};
    QTest::newRow("not a reference")
        << kMinimal + "logfile = /x/%(job_name/%s/%(y\n"
        << expected({QStringLiteral("logfile=/x/%(job_name/%s/%(y")}) << QStringList{};
    QTest::newRow("~ expansion") << kMinimal + "logfile = ~/ferry/%(job_name)s.log\npidfile = ~\n"
                                 << expected({QStringLiteral("logfile=$HOME/ferry/j.log"),
                                              QStringLiteral("pidfile=$HOME")})
                                 << QStringList{};
    QTest::newRow("~ only at the start")
        << kMinimal + "logfile = /x/~/l\npidfile = ~other/p\n"
        << expected({QStringLiteral("logfile=/x/~/l"), QStringLiteral("pidfile=~other/p")})
        << QStringList{};
    QTest::newRow("empty logfile and pidfile")
        << kMinimal + "logfile =\npidfile = \n"
        << expected({QStringLiteral("logfile="), QStringLiteral("pidfile=")}) << QStringList{};
    QTest::newRow("comments and blank lines")
        << QByteArray("# a comment\n; another\n\n[ferry] # the job\n   \n  # indented\n"
                      "job_name = j\n;queue_name = nope\n\t\ndb = host=h dbname=d\n"
                      "#db = host=other\nqueue_name = q\n")
        << expected() << QStringList{};
    QTest::newRow("= spaces and quotes in values")
        << QByteArray("[ferry]\njob_name = j\n"
                      "db = host=h  dbname='my db' user = u options='-c search_path=a,b'\n"
                      "queue_name = q\nlogfile = /var/log/my \"ferry\" = 'x'.log\n")
        << expected({QStringLiteral("db=host=h dbname='my db' user=u options='-c search_path=a,b'"),
                     QStringLiteral("logfile=/var/log/my \"ferry\" = 'x'.log")})
        << QStringList{};
    QTest::newRow("# ; and % kept inside values")
        << QByteArray("[ferry]\njob_name = j\ndb = host=h dbname=d password=a#b;c%d\n"
                      "queue_name = q\nlogfile = /l#x ;y\n")
        << expected({QStringLiteral("db=host=h dbname=d password=********"),
                     QStringLiteral("logfile=/l#x ;y")})
        << QStringList{};
    QTest::newRow("':' delimiter and URI")
        << QByteArray("[ferry]\njob_name: j\ndb = postgresql://u:pw@h:5433/d?sslmode=require\n"
                      "queue_name=q\n")
        << expected({QStringLiteral("db=host=h port=5433 dbname=d user=u password=******** "
                                    "sslmode=require")})
        << QStringList{};
    QTest::newRow("keys and section in any case")
        << QByteArray("[FERRY]\nJob_Name = j\nDB = host=h dbname=d\nQueue_Name = q\n") << expected()
        << QStringList{};
    QTest::newRow("CRLF") << QByteArray(kMinimal).replace("\n", "\r\n") + "ticker = off\r\n"
                          << expected({QStringLiteral("ticker=off")}) << QStringList{};
    QTest::newRow("UTF-8 BOM") << "\xEF\xBB\xBF" + kMinimal << expected() << QStringList{};
    QTest::newRow("UTF-8 values") << QByteArray(
        "[ferry]\njob_name = 节点_1\ndb = host=h dbname=数据库\nqueue_name = q\n")
                                  << expected({QStringLiteral("job_name=节点_1"),
                                               QStringLiteral("db=host=h dbname=数据库"),
                                               QStringLiteral("logfile=$HOME/log/节点_1.log"),
                                               QStringLiteral("pidfile=$HOME/pid/节点_1.pid")})
                                  << QStringList{};
    QTest::newRow("duplicate key: later wins")
        << kMinimal + "parallel_copies = 2\nparallel_copies = 4\n"
        << expected({QStringLiteral("parallel_copies=4")})
        << QStringList{w.arg(6).arg(QStringLiteral(
               "key 'parallel_copies' is set again (first on line 5); this later value wins"))};
    QTest::newRow("repeated section continues")
        << kMinimal + "[ferry]\nqueue_name = q2\n"
        << expected({QStringLiteral("queue_name=q2")})
        << QStringList{w.arg(6).arg(QStringLiteral(
               "key 'queue_name' is set again (first on line 4); this later value wins"))};
    QTest::newRow("unknown keys")
        << kMinimal + "parallel_copy = 4\nloopdelay = 2\nticker_periods = 2\ncolour = red\n"
        << expected()
        << QStringList{
               w.arg(5).arg(QStringLiteral("unknown key 'parallel_copy' in [ferry], ignored; "
                                           "did you mean 'parallel_copies'?")),
               w.arg(6).arg(QStringLiteral(
                   "unknown key 'loopdelay' in [ferry], ignored; did you mean 'loop_delay'?")),
               w.arg(7).arg(QStringLiteral("unknown key 'ticker_periods' in [ferry], ignored; "
                                           "did you mean 'ticker_period'?")),
               w.arg(8).arg(QStringLiteral("unknown key 'colour' in [ferry], ignored"))};
    QTest::newRow("other sections")
        << QByteArray("[pgqd]\nlogfile = /x\n") + kMinimal + "[londiste3]\njob_name = other\n"
        << expected()
        << QStringList{
               w.arg(1).arg(QStringLiteral("section [pgqd] is not used by ferry; its keys are "
                                           "ignored")),
               w.arg(7).arg(QStringLiteral(
                   "section [londiste3] is not used by ferry; its keys are ignored"))};
    QTest::newRow("ticker words") << kMinimal + "ticker = No\n"
                                  << expected({QStringLiteral("ticker=off")}) << QStringList{};
    QTest::newRow("ticker = 1") << kMinimal + "ticker = 1\n" << expected() << QStringList{};
}

void TestJobConfig::loads()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, values);
    QFETCH(QStringList, warnings);
    const auto config = JobConfig::parse(text, kPath);
    QVERIFY_RESULT(config);
    QCOMPARE(summary(*config), values);
    QCOMPARE(config->warnings(), warnings);
    QCOMPARE(config->path(), kPath);
}

void TestJobConfig::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");

    const QByteArray job = "job_name = j\n";
    const QByteArray db = "db = host=h dbname=d\n";
    const QByteArray queue = "queue_name = q\n";
    const QString at = kPath + QStringLiteral(":%1: %2");

    QTest::newRow("empty file") << QByteArray()
                                << kPath
                                       + QStringLiteral(": no [ferry] section (run 'ferry --ini' "
                                                        "for a template)");
    QTest::newRow("only another section")
        << QByteArray("[pgqd]\nlogfile = x\n")
        << kPath + QStringLiteral(": no [ferry] section (run 'ferry --ini' for a template)");
    QTest::newRow("missing job_name")
        << "[ferry]\n" + db + queue
        << kPath + QStringLiteral(": missing required key 'job_name' in [ferry]");
    QTest::newRow("missing db") << "[ferry]\n" + job + queue
                                << kPath + QStringLiteral(": missing required key 'db' in [ferry]");
    QTest::newRow("missing queue_name")
        << "[ferry]\n" + job + db
        << kPath + QStringLiteral(": missing required key 'queue_name' in [ferry]");
    QTest::newRow("missing queue_name, londiste3")
        << "[londiste3]\n" + job + db
        << kPath + QStringLiteral(": missing required key 'queue_name' in [londiste3]");
    QTest::newRow("empty job_name") << "[ferry]\njob_name =\n" + db + queue
                                    << at.arg(2).arg(QStringLiteral("required key 'job_name' is "
                                                                    "empty"));
    QTest::newRow("empty db") << "[ferry]\n" + job + "db =   \n" + queue
                              << at.arg(3).arg(QStringLiteral("required key 'db' is empty"));
    QTest::newRow("empty queue_name (londiste3's template)")
        << "[ferry]\n" + job + db + "queue_name =\n"
        << at.arg(4).arg(QStringLiteral("required key 'queue_name' is empty"));
    QTest::newRow("key before any section")
        << job + "[ferry]\n"
        << at.arg(1).arg(
               QStringLiteral("key 'job_name' comes before any section; put [ferry] above it"));
    QTest::newRow("line without =")
        << "[ferry]\n" + job + "just words\n"
        << at.arg(3).arg(QStringLiteral("expected 'key = value', a [section] or a # comment"));
    QTest::newRow("line with empty key")
        << QByteArray("[ferry]\n= value\n")
        << at.arg(2).arg(QStringLiteral("expected 'key = value', a [section] or a # comment"));
    QTest::newRow("unclosed section")
        << QByteArray("[ferry\n") << at.arg(1).arg(QStringLiteral("malformed section header"));
    QTest::newRow("empty section name")
        << QByteArray("[ ]\n") << at.arg(1).arg(QStringLiteral("malformed section header"));
    QTest::newRow("text after section")
        << QByteArray("[ferry] x\n") << at.arg(1).arg(QStringLiteral("malformed section header"));

    const QByteArray base = "[ferry]\n" + job + db + queue; // the next key is on line 5
    const auto bad = [&](const char *key, const char *value, const QString &rule) {
        QTest::addRow("%s = %s", key, value)
            << base + key + " = " + value + "\n"
            << at.arg(5).arg(QStringLiteral("%1 %2, got '%3'")
                                 .arg(QLatin1String(key), rule, QString::fromUtf8(value)));
    };
    const QString copies = QStringLiteral("must be a whole number >= 1");
    for (const char *value : {"abc", "0", "-3", "1.5", "99999999999", "16 tables"})
        bad("parallel_copies", value, copies);
    const QString secondsRule = QStringLiteral("must be a number of seconds > 0 and <= 86400");
    for (const char *key : {"loop_delay", "lock_timeout", "ticker_period", "retry_delay"}) {
        for (const char *value : {"-1", "0", "abc", "nan", "inf", "86401", "1s"})
            bad(key, value, secondsRule);
    }
    bad("ticker", "maybe", QStringLiteral("must be on or off"));
    QTest::newRow("ticker empty") << base + "ticker =\n"
                                  << at.arg(5).arg(QStringLiteral("ticker must be on or off, got "
                                                                  "''"));
    QTest::newRow("loop_delay empty")
        << base + "loop_delay =\n"
        << at.arg(5).arg(QStringLiteral("loop_delay ") + secondsRule + QStringLiteral(", got ''"));

    QTest::newRow("queue_name with space")
        << "[ferry]\n" + job + db + "queue_name = my queue\n"
        << at.arg(4).arg(QStringLiteral("queue_name must be 1 to 40 letters, digits, '_', '.' or "
                                        "'-', got 'my queue'"));
    QTest::newRow("queue_name too long")
        << "[ferry]\n" + job + db + "queue_name = " + QByteArray(41, 'q') + "\n"
        << at.arg(4).arg(QStringLiteral("queue_name must be 1 to 40 letters, digits, '_', '.' or "
                                        "'-', got '%1'")
                             .arg(QString(41, QLatin1Char('q'))));
    QTest::newRow("job_name with /")
        << "[ferry]\njob_name = a/b\n" + db + queue
        << at.arg(2).arg(
               QStringLiteral("job_name must be 1 to 128 characters without '/' or spaces, got "
                              "'a/b'"));
    QTest::newRow("job_name with space")
        << "[ferry]\njob_name = a b\n" + db + queue
        << at.arg(2).arg(
               QStringLiteral("job_name must be 1 to 128 characters without '/' or spaces, got "
                              "'a b'"));
    QTest::newRow("unknown reference")
        << base + "logfile = /x/%(jobname)s.log\n"
        << at.arg(5).arg(QStringLiteral("%(jobname)s in 'logfile' names no key of [ferry] "
                                        "(%(job_name)s and %(config_name)s are available)"));
    QTest::newRow("unknown reference in job_name")
        << "[ferry]\njob_name = %(nope)s\n" + db + queue
        << at.arg(2).arg(QStringLiteral("%(nope)s in 'job_name' names no key of [ferry] "
                                        "(%(job_name)s and %(config_name)s are available)"));
    QTest::newRow("reference loop")
        << base + "a = %(b)s\nb = %(a)s\nlogfile = %(a)s\n"
        << at.arg(7).arg(QStringLiteral("%(...)s references in 'logfile' nest too deep (a loop?)"));
    QTest::newRow("self reference")
        << "[ferry]\njob_name = %(job_name)s\n" + db + queue
        << at.arg(2).arg(
               QStringLiteral("%(...)s references in 'job_name' nest too deep (a loop?)"));
    QTest::newRow("db does not parse")
        << "[ferry]\n" + job + "db = host=h dbname\n" + queue
        << at.arg(3).arg(QStringLiteral("db: invalid connection string: a keyword without "
                                        "\"=value\" (write keyword=value, quote values with "
                                        "spaces in single quotes)"));
    QTest::newRow("db unknown option")
        << "[ferry]\n" + job + "db = host=h colour=red\n" + queue
        << at.arg(3).arg(QStringLiteral("db: invalid connection string: unknown option "
                                        "\"colour\""));
    QTest::newRow("not UTF-8") << "[ferry]\njob_name = \xff\xfe\n" + db + queue
                               << kPath + QStringLiteral(": not UTF-8 text");
}

void TestJobConfig::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto config = JobConfig::parse(text, kPath);
    QVERIFY2(!config.ok(), qPrintable(config.ok() ? summary(*config) : QString()));
    QCOMPARE(config.error().kind(), ErrorKind::Config);
    QCOMPARE(config.error().toString(), message);
}

void TestJobConfig::passwordNeverShown_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("loads");

    const QByteArray job = "job_name = j\n";
    const QByteArray queue = "queue_name = q\n";
    QTest::newRow("unterminated quote")
        << "[ferry]\n" + job + "db = host=h password='secret123\n" + queue << kPath << false;
    QTest::newRow("unknown option after password")
        << "[ferry]\n" + job + "db = password=secret123 secret123=x\n" + queue << kPath << false;
    QTest::newRow("uri with bad parameter")
        << "[ferry]\n" + job + "db = postgresql://u:secret123@h/d?secret123=1\n" + queue << kPath
        << false;
    QTest::newRow("unknown reference in db")
        << "[ferry]\n" + job + "db = host=h password=%(secret123)s\n" + queue << kPath << false;
    QTest::newRow("reference loop in db")
        << "[ferry]\n" + job + "db = host=h password=secret123%(db)s\n" + queue << kPath << false;
    QTest::newRow("password on a line of its own")
        << "[ferry]\n" + job + "db = host=h\n  secret123\n" + queue << kPath << false;
    QTest::newRow("connection string wrapped onto a key")
        << "[ferry]\n" + job + "db = host=h\npassword=secret123\n" + queue << kPath << true;
    QTest::newRow("repeated db") << "[ferry]\n" + job
                                        + "db = host=h password=secret123\ndb = host=h\n" + queue
                                 << kPath << true;
    QTest::newRow("db before section")
        << "db = host=h password=secret123\n[ferry]\n" + job + queue << kPath << false;
    QTest::newRow("db in another section")
        << "[other]\ndb = host=h password=secret123\n[ferry]\n" + job + queue << kPath << false;
    QTest::newRow("password in the path")
        << QByteArray("[ferry]\n") + job << QStringLiteral("host=h password=secret123") << false;
}

void TestJobConfig::passwordNeverShown()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, path);
    QFETCH(bool, loads);
    const auto config = JobConfig::parse(text, path);
    QCOMPARE(config.ok(), loads);
    const QString shown
        = config.ok() ? config->warnings().join(QLatin1Char('\n')) : config.error().toString();
    QVERIFY(!shown.isEmpty());
    QVERIFY2(!shown.contains(QStringLiteral("secret123")), qPrintable(shown));
}

void TestJobConfig::fileErrors_data()
{
    QTest::addColumn<QString>("name"); // in a fresh temporary folder
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing") << QStringLiteral("missing.ini")
                             << QStringLiteral("No such file or directory");
    QTest::newRow("directory") << QStringLiteral("dir.ini") << QStringLiteral("Is a directory");
    QTest::newRow("unreadable") << QStringLiteral("unreadable.ini")
                                << QStringLiteral("Permission denied");
    QTest::newRow("below a file") << QStringLiteral("file.ini/node.ini")
                                  << QStringLiteral("Not a directory");
    QTest::newRow("too big") << QStringLiteral("big.ini")
                             << QStringLiteral("larger than 1 MiB, not a config file");
}

void TestJobConfig::fileErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("dir.ini")));
    for (const char *file : {"unreadable.ini", "file.ini", "big.ini"}) {
        QFile f(dir.filePath(QLatin1String(file)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(kMinimal) > 0);
        if (qstrcmp(file, "big.ini") == 0)
            QVERIFY(f.write(QByteArray(1024 * 1024, '#')) > 0);
    }
    QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("unreadable.ini")), {}));
    if (name == QLatin1String("unreadable.ini")) {
        QFile probe(dir.filePath(name));
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("this user reads files without read permission (root)");
    }

    const QString path = dir.filePath(name);
    const auto config = JobConfig::load(path);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().kind(), ErrorKind::Config);
    QCOMPARE(config.error().toString(),
             QStringLiteral("cannot read config file '%1': %2").arg(path, reason));
}

void TestJobConfig::loadsFromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("dst2_digoal_02.ini"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.write("[ferry]\njob_name = %(config_name)s\ndb = host=h dbname=d\n"
                       "queue_name = replika\nparallel_copy = 16\n")
            > 0);
    file.close();

    const auto config = JobConfig::load(path);
    QVERIFY_RESULT(config);
    QCOMPARE(config->path(), path);
    QCOMPARE(config->jobName(), QStringLiteral("dst2_digoal_02"));
    QCOMPARE(config->pidFile(), QDir::homePath() + QStringLiteral("/pid/dst2_digoal_02.pid"));
    QCOMPARE(config->warnings(),
             QStringList{path
                         + QStringLiteral(":5: unknown key 'parallel_copy' in [ferry], "
                                          "ignored; did you mean 'parallel_copies'?")});
}

void TestJobConfig::templateLoadsToDefaults()
{
    const auto config = JobConfig::parse(JobConfig::templateText().toUtf8(), kPath);
    QVERIFY_RESULT(config);
    QCOMPARE(config->warnings(), QStringList{});
    QCOMPARE(summary(*config),
             expected({QStringLiteral("job_name=dst1_digoal_01"),
                       QStringLiteral("db=host=127.0.0.1 port=5432 dbname=somedb"),
                       QStringLiteral("queue_name=replika"),
                       QStringLiteral("logfile=$HOME/log/dst1_digoal_01.log"),
                       QStringLiteral("pidfile=$HOME/pid/dst1_digoal_01.pid")}));
    // The same values as a default-constructed JobConfig promises.
    const JobConfig defaults;
    QCOMPARE(config->loopDelay(), defaults.loopDelay());
    QCOMPARE(config->parallelCopies(), defaults.parallelCopies());
    QCOMPARE(config->lockTimeout(), defaults.lockTimeout());
    QCOMPARE(config->ticker(), defaults.ticker());
    QCOMPARE(config->tickerPeriod(), defaults.tickerPeriod());
}

void TestJobConfig::templateDocumentsDefaults()
{
    // Uncommenting every documented default must change nothing.
    const QByteArray text = uncommentedTemplate();
    QVERIFY(text != JobConfig::templateText().toUtf8());
    const auto plain = JobConfig::parse(JobConfig::templateText().toUtf8(), kPath);
    const auto uncommented = JobConfig::parse(text, kPath);
    QVERIFY_RESULT(plain);
    QVERIFY_RESULT(uncommented);
    QCOMPARE(uncommented->warnings(), QStringList{});
    QCOMPARE(summary(*uncommented), summary(*plain));
}

void TestJobConfig::templateDocumentsEveryKey()
{
    const QString text = JobConfig::templateText();
    QVERIFY(text.startsWith(QStringLiteral("[ferry]\n")));
    const QStringList required
        = {QStringLiteral("job_name"), QStringLiteral("db"), QStringLiteral("queue_name")};
    const QStringList optional
        = {QStringLiteral("logfile"),       QStringLiteral("pidfile"),
           QStringLiteral("loop_delay"),    QStringLiteral("parallel_copies"),
           QStringLiteral("lock_timeout"),  QStringLiteral("ticker"),
           QStringLiteral("ticker_period"), QStringLiteral("retry_delay")};
    const QStringList lines = text.split(QLatin1Char('\n'));
    const auto documented = [&lines](const QString &line) {
        const qsizetype at = lines.indexOf(line);
        // Each key follows a comment that says what it does and its default.
        return at > 0 && lines.at(at - 1).startsWith(QLatin1Char('#'));
    };
    for (const QString &key : required) {
        const auto at = std::find_if(lines.cbegin(), lines.cend(), [&key](const QString &line) {
            return line.startsWith(key + QStringLiteral(" = "));
        });
        QVERIFY2(at != lines.cend() && documented(*at), qPrintable(key));
    }
    for (const QString &key : optional) {
        const auto at = std::find_if(lines.cbegin(), lines.cend(), [&key](const QString &line) {
            return line.startsWith(QLatin1Char('#') + key + QStringLiteral(" = "));
        });
        QVERIFY2(at != lines.cend() && documented(*at), qPrintable(key));
        QVERIFY2(lines.at(lines.indexOf(*at) - 1).contains(QStringLiteral("default")),
                 qPrintable(key));
    }
}

QTEST_GUILESS_MAIN(TestJobConfig)

#include "tst_jobconfig.moc"
