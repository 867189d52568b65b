#include "util/version.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

// Drives the built `ferry` executable as a user would and checks what DESIGN §6
// promises: exit codes 0/1/2, one-line reasons on stderr, a --help that lists
// every command, and no password ever echoed.
class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void version_data();
    void version();
    void help_data();
    void help();
    void usageErrors_data();
    void usageErrors();
    void failures_data();
    void failures();
    void notBuiltCommands_data();
    void notBuiltCommands();
    void passwordsNeverShown_data();
    void passwordsNeverShown();
    void iniTemplate_data();
    void iniTemplate();
    void iniTemplateIsAConfig();
    void configProblems_data();
    void configProblems();
    void reloadWithoutItsPidfile();

private:
    QString writeConfig(const QString &name, const QByteArray &text);

    QTemporaryDir m_dir;
    QString m_config;  // a valid CONFIG.ini without warnings
    QString m_missing; // a path that does not exist
};

namespace {

struct Run
{
    int exitCode = -1; // -1: did not finish, -2: crashed
    QString out;
    QString err;
};

Run runFerry(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(FERRY_CLI), arguments);
    Run run;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

// The commands of DESIGN §6, written out here so the test does not trust the
// table it checks.
const QStringList &designCommands()
{
    static const QStringList commands = {
        QStringLiteral("create-root"),  QStringLiteral("create-branch"),
        QStringLiteral("create-leaf"),  QStringLiteral("worker"),
        QStringLiteral("ticker"),       QStringLiteral("add-table"),
        QStringLiteral("remove-table"), QStringLiteral("tables"),
        QStringLiteral("status"),       QStringLiteral("members"),
        QStringLiteral("compare"),      QStringLiteral("repair"),
        QStringLiteral("execute"),      QStringLiteral("resync"),
        QStringLiteral("pause"),        QStringLiteral("resume"),
        QStringLiteral("skip-event"),   QStringLiteral("wait-sync"),
        QStringLiteral("demo"),         QStringLiteral("add-seq"),
        QStringLiteral("remove-seq"),   QStringLiteral("seqs"),
    };
    return commands;
}

const QString kNotBuiltMark = QStringLiteral("(not yet built)");

// The --help entry of `command`: its synopsis line plus any continuation lines
// (a long synopsis puts its summary on the next, deeper-indented line).
QString helpEntry(const QString &help, const QString &command)
{
    const QStringList lines = help.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        const QString prefix = QStringLiteral("  ") + command;
        if (line != prefix && !line.startsWith(prefix + QLatin1Char(' ')))
            continue;
        QString entry = line;
        while (i + 1 < lines.size() && lines.at(i + 1).startsWith(QStringLiteral("      ")))
            entry += QLatin1Char('\n') + lines.at(++i);
        return entry;
    }
    return {};
}

} // namespace

QString TestCli::writeConfig(const QString &name, const QByteArray &text)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return path;
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_config = writeConfig(QStringLiteral("node.ini"),
                           "[ferry]\njob_name = test\ndb = host=h dbname=d\nqueue_name = q\n");
    QVERIFY(!m_config.isEmpty());
    m_missing = m_dir.filePath(QStringLiteral("missing.ini"));
}

void TestCli::version_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("long") << QStringLiteral("--version");
    QTest::newRow("short") << QStringLiteral("-V");
}

void TestCli::version()
{
    QFETCH(QString, option);
    const Run run = runFerry({option});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.err, QString());
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    QCOMPARE(lines.value(0), QStringLiteral("ferry ") + ferry::version());
    QVERIFY2(lines.value(1).startsWith(QStringLiteral("libpq ")), qPrintable(run.out));
    // Run from the build tree, it finds the source tree's scripts to read.
    QCOMPARE(lines.value(2), QStringLiteral("SQL scripts: %1/sql (the ones built in)")
                                 .arg(QStringLiteral(FERRY_SOURCE_DIR)));
}

void TestCli::help_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("long") << QStringList{QStringLiteral("--help")};
    QTest::newRow("short") << QStringList{QStringLiteral("-h")};
    QTest::newRow("after config") << QStringList{QStringLiteral("node.ini"),
                                                 QStringLiteral("--help")};
    QTest::newRow("wins over command") << QStringList{
        QStringLiteral("-h"), QStringLiteral("node.ini"), QStringLiteral("nonsense")};
}

void TestCli::help()
{
    QFETCH(QStringList, arguments);
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.err, QString());
    QVERIFY(run.out.startsWith(
        QStringLiteral("Usage: ferry [-d|-s|-r] [-v|-q] CONFIG.ini COMMAND [ARGS...]\n")));

    int marked = 0;
    for (const QString &command : designCommands()) {
        const QString entry = helpEntry(run.out, command);
        QVERIFY2(!entry.isEmpty(), qPrintable(command + QStringLiteral(" is not listed")));
        // Synopsis, then a one-line summary.
        QVERIFY2(entry.simplified().size() > command.size() + 10, qPrintable(entry));
        // Built commands carry no mark; every other one does.
        static const QStringList builtCommands
            = {QStringLiteral("create-root"), QStringLiteral("create-leaf"),
               QStringLiteral("worker"),      QStringLiteral("ticker"),
               QStringLiteral("add-table"),   QStringLiteral("remove-table"),
               QStringLiteral("tables"),      QStringLiteral("status"),
               QStringLiteral("members"),     QStringLiteral("pause"),
               QStringLiteral("resume"),      QStringLiteral("wait-sync"),
               QStringLiteral("resync"),      QStringLiteral("add-seq"),
               QStringLiteral("remove-seq"),  QStringLiteral("seqs"),
               QStringLiteral("compare"),     QStringLiteral("repair"),
               QStringLiteral("skip-event"),  QStringLiteral("execute")};
        const bool built = builtCommands.contains(command);
        QVERIFY2(entry.contains(kNotBuiltMark) != built, qPrintable(entry));
        if (entry.contains(kNotBuiltMark))
            ++marked;
    }
    QVERIFY(
        helpEntry(run.out, QStringLiteral("create-leaf")).contains(QStringLiteral("--provider=")));
    const QString addTable = helpEntry(run.out, QStringLiteral("add-table"));
    // Every option add-table takes is offered.
    for (const char *option :
         {"--all", "--dest-table=SCHEMA.TABLE", "--copy-condition=SQL", "--columns=a,b,c",
          "--create", "--create-full", "--expect-sync", "--skip-truncate"})
        QVERIFY2(addTable.contains(QLatin1String(option)), qPrintable(addTable));
    QVERIFY2(
        helpEntry(run.out, QStringLiteral("add-seq")).contains(QLatin1String("SEQ... | --all")),
        qPrintable(helpEntry(run.out, QStringLiteral("add-seq"))));

    // The mark is explained whenever it is used.
    QCOMPARE(marked, designCommands().size() - 20);
    QVERIFY(run.out.contains(QStringLiteral("\nCommands marked (not yet built) are planned")));

    for (const char *option : {"\n  -d ", "\n  -s ", "\n  -r ", "\n  -v ", "\n  -q ",
                               "\n  -h, --help ", "\n  -V, --version ", "\n  --ini "})
        QVERIFY2(run.out.contains(QLatin1String(option)), option);
    for (const char *code : {"\n  0  success\n", "\n  1  failure", "\n  2  usage error"})
        QVERIFY2(run.out.contains(QLatin1String(code)), code);
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");

    const QString ini = QStringLiteral("node.ini");
    const QString status = QStringLiteral("status");
    QTest::newRow("no arguments") << QStringList{} << "missing CONFIG.ini and COMMAND";
    QTest::newRow("only options") << QStringList{QStringLiteral("-v")}
                                  << "missing CONFIG.ini and COMMAND";
    QTest::newRow("no command") << QStringList{ini} << "missing COMMAND after 'node.ini'";
    QTest::newRow("unknown long option")
        << QStringList{QStringLiteral("--bogus"), ini, status} << "unknown option '--bogus'";
    QTest::newRow("unknown short option")
        << QStringList{QStringLiteral("-x"), ini, status} << "unknown option '-x'";
    QTest::newRow("unknown in bundle")
        << QStringList{QStringLiteral("-vx"), ini, status} << "unknown option '-x'";
    QTest::newRow("lone dash") << QStringList{QStringLiteral("-"), ini, status}
                               << "unknown option '-'";
    QTest::newRow("unknown command")
        << QStringList{ini, QStringLiteral("frobnicate")} << "unknown command 'frobnicate'";
    QTest::newRow("newline in command")
        << QStringList{ini, QStringLiteral("a\nb")} << "unknown command 'a\\x0ab'";
    QTest::newRow("-d with -s") << QStringList{QStringLiteral("-d"), QStringLiteral("-s"), ini,
                                               QStringLiteral("worker")}
                                << "options -d and -s cannot be combined";
    QTest::newRow("-v with -q bundled") << QStringList{QStringLiteral("-vq"), ini, status}
                                        << "options -v and -q cannot be combined";
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.err, QStringLiteral("ferry: %1\nTry 'ferry --help'.\n").arg(reason));
}

void TestCli::failures_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");

    const QString status = QStringLiteral("status");
    QTest::newRow("missing config")
        << QStringList{m_missing, status}
        << QStringLiteral("cannot read config file '%1': No such file or directory").arg(m_missing);
    QTest::newRow("config is a directory")
        << QStringList{m_dir.path(), status}
        << QStringLiteral("cannot read config file '%1': Is a directory").arg(m_dir.path());
    QTest::newRow("missing config wins over not built")
        << QStringList{m_missing, QStringLiteral("demo")}
        << QStringLiteral("cannot read config file '%1': No such file or directory").arg(m_missing);
    const QString demo = QStringLiteral("demo");
    QTest::newRow("-d demo not built") << QStringList{QStringLiteral("-d"), m_config, demo}
                                       << "command 'demo' is not built yet in this version";
    QTest::newRow("option after config") << QStringList{m_config, QStringLiteral("-v"), demo}
                                         << "command 'demo' is not built yet in this version";
    QTest::newRow("options end at --") << QStringList{QStringLiteral("--"), m_config, demo}
                                       << "command 'demo' is not built yet in this version";
    QTest::newRow("command args are the command's")
        << QStringList{m_config, demo, QStringLiteral("--bogus")}
        << "command 'demo' is not built yet in this version";
}

void TestCli::failures()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.err, QStringLiteral("ferry: %1\n").arg(reason));
}

void TestCli::notBuiltCommands_data()
{
    QTest::addColumn<QString>("command");
    for (const QString &command : designCommands())
        QTest::newRow(qPrintable(command)) << command;
}

void TestCli::notBuiltCommands()
{
    QFETCH(QString, command);
    const Run help = runFerry({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    if (!helpEntry(help.out, command).contains(kNotBuiltMark))
        QSKIP("built: the command's own tests cover it");

    // What --help marks as not built must say so when run, in one line.
    const Run run = runFerry({m_config, command});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.err,
             QStringLiteral("ferry: command '%1' is not built yet in this version\n").arg(command));
}

void TestCli::passwordsNeverShown_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("echoed"); // the message quotes the argument, masked

    const QString keyword = QStringLiteral("host=h dbname=d password=secret123");
    const QString uri = QStringLiteral("postgresql://ferry:secret123@h:5432/d");
    const QString leaf = QStringLiteral("create-leaf");
    const QString dst = QStringLiteral("dst1");
    QTest::newRow("create-leaf keyword form")
        << QStringList{m_config, leaf, dst, keyword, QStringLiteral("--provider=") + keyword} << 1
        << false;
    QTest::newRow("create-leaf uri form")
        << QStringList{m_config, leaf, dst, uri, QStringLiteral("--provider=") + uri} << 1 << false;
    QTest::newRow("create-leaf, config missing")
        << QStringList{m_missing, leaf, dst, keyword} << 1 << false;
    QTest::newRow("as config path") << QStringList{keyword, QStringLiteral("status")} << 1 << true;
    QTest::newRow("as config path, no command") << QStringList{uri} << 2 << true;
    QTest::newRow("as command") << QStringList{m_config, uri} << 2 << true;
    QTest::newRow("as option before command")
        << QStringList{QStringLiteral("--provider=") + keyword, m_config, leaf} << 2 << true;
    const QString badDb
        = writeConfig(QStringLiteral("bad-db.ini"), "[ferry]\njob_name = j\nqueue_name = q\n"
                                                    "db = host=h password='secret123\n");
    QTest::newRow("in CONFIG.ini, unparseable")
        << QStringList{badDb, QStringLiteral("status")} << 1 << false;
    const QString wrapped
        = writeConfig(QStringLiteral("wrapped-db.ini"), "[ferry]\njob_name = j\nqueue_name = q\n"
                                                        "db = host=h\npassword = secret123\n");
    QTest::newRow("in CONFIG.ini, a warning")
        << QStringList{wrapped, QStringLiteral("status")} << 1 << false;
}

void TestCli::passwordsNeverShown()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(bool, echoed);
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QCOMPARE(run.out, QString());
    QVERIFY(run.err.startsWith(QStringLiteral("ferry: ")));
    QVERIFY2(!run.err.contains(QStringLiteral("secret123")), qPrintable(run.err));
    QCOMPARE(run.err.contains(QStringLiteral("********")), echoed);
}

void TestCli::iniTemplate_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("alone") << QStringList{QStringLiteral("--ini")};
    QTest::newRow("after CONFIG.ini, as londiste3")
        << QStringList{m_config, QStringLiteral("--ini")};
    QTest::newRow("CONFIG.ini need not exist") << QStringList{m_missing, QStringLiteral("--ini")};
    QTest::newRow("with -q") << QStringList{QStringLiteral("-q"), QStringLiteral("--ini")};
    QTest::newRow("wins over command")
        << QStringList{QStringLiteral("--ini"), m_config, QStringLiteral("nonsense")};
}

void TestCli::iniTemplate()
{
    QFETCH(QStringList, arguments);
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.err, QString());
    QVERIFY(run.out.startsWith(QStringLiteral("[ferry]\n")));
    // Required keys active with an example, the rest commented out with their
    // defaults, as `londiste3 --ini` prints them.
    for (const char *key : {"\njob_name = ", "\ndb = ", "\nqueue_name = "})
        QVERIFY2(run.out.contains(QLatin1String(key)), key);
    for (const char *key :
         {"\n#loop_delay = 1.0\n", "\n#parallel_copies = 1\n", "\n#lock_timeout = 10\n",
          "\n#ticker = on\n", "\n#ticker_period = 1.0\n", "\n#logfile = ~/log/%(job_name)s.log\n",
          "\n#pidfile = ~/pid/%(job_name)s.pid\n"})
        QVERIFY2(run.out.contains(QLatin1String(key)), key);
    QCOMPARE(run.out, runFerry({QStringLiteral("--ini")}).out);
}

void TestCli::iniTemplateIsAConfig()
{
    const Run ini = runFerry({QStringLiteral("--ini")});
    QCOMPARE(ini.exitCode, 0);
    const QString path = writeConfig(QStringLiteral("template.ini"), ini.out.toUtf8());
    QVERIFY(!path.isEmpty());
    const Run run = runFerry({path, QStringLiteral("demo")});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err, QStringLiteral("ferry: command 'demo' is not built yet in this version\n"));
}

void TestCli::configProblems_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("err");

    // A command not built yet: the config is read and checked, nothing connects.
    const QString status = QStringLiteral("demo");
    const QString notBuilt
        = QStringLiteral("ferry: command 'demo' is not built yet in this version\n");
    const QByteArray base = "[ferry]\njob_name = j\ndb = host=h dbname=d\nqueue_name = q\n";

    const QString typo = writeConfig(QStringLiteral("typo.ini"), base + "parallel_copy = 4\n");
    const QString typoWarning
        = QStringLiteral(
              "ferry: warning: %1:5: unknown key 'parallel_copy' in [ferry], ignored; did you mean "
              "'parallel_copies'?\n")
              .arg(typo);
    QTest::newRow("typo: warning, then not built")
        << QStringList{typo, status} << 1 << typoWarning + notBuilt;
    QTest::newRow("typo, -v: warning, then not built")
        << QStringList{QStringLiteral("-v"), typo, status} << 1 << typoWarning + notBuilt;
    QTest::newRow("typo, -q: no warning")
        << QStringList{QStringLiteral("-q"), typo, status} << 1 << notBuilt;

    const QString londiste = writeConfig(
        QStringLiteral("dst2_digoal_02.ini"),
        "[londiste3]\njob_name = dst2_digoal_02\n"
        "db = host=172.16.3.33 port=1919 user=postgres dbname=digoal_02 password=postgres\n"
        "queue_name = replika\nparallel_copies = 16\n");
    QTest::newRow("londiste3 file")
        << QStringList{londiste, status} << 1
        << QStringLiteral("ferry: warning: %1:1: section [londiste3] read as [ferry]; rename it "
                          "to [ferry]\n")
                   .arg(londiste)
               + notBuilt;

    const QString noQueue = writeConfig(QStringLiteral("no-queue.ini"),
                                        "[ferry]\njob_name = j\ndb = host=h dbname=d\n");
    const QString noQueueError
        = QStringLiteral("ferry: %1: missing required key 'queue_name' in [ferry]\n").arg(noQueue);
    QTest::newRow("missing queue_name") << QStringList{noQueue, status} << 1 << noQueueError;
    QTest::newRow("missing queue_name, -q")
        << QStringList{QStringLiteral("-q"), noQueue, status} << 1 << noQueueError;
    QTest::newRow("missing queue_name wins over not built")
        << QStringList{noQueue, QStringLiteral("demo")} << 1 << noQueueError;

    const QString empty = writeConfig(QStringLiteral("empty.ini"), {});
    QTest::newRow("empty config")
        << QStringList{empty, status} << 1
        << QStringLiteral("ferry: %1: no [ferry] section (run 'ferry --ini' for a template)\n")
               .arg(empty);

    const QString badValue
        = writeConfig(QStringLiteral("bad-value.ini"), base + "typo_key = 1\nloop_delay = -1\n");
    QTest::newRow("bad value: error only, no warnings")
        << QStringList{badValue, status} << 1
        << QStringLiteral("ferry: %1:6: loop_delay must be a number of seconds > 0 and <= 86400, "
                          "got '-1'\n")
               .arg(badValue);
}

void TestCli::configProblems()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, err);
    QVERIFY(!arguments.contains(QString())); // every config was written
    const Run run = runFerry(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.err, err);
}

void TestCli::reloadWithoutItsPidfile()
{
    // -r finds the job through the pidfile the config names now: when nobody
    // holds it (the job is not running, or started with another pidfile),
    // the one line says a restart is needed, not only that nothing runs.
    const QString pidFile = m_dir.filePath(QStringLiteral("moved.pid"));
    const QString config
        = writeConfig(QStringLiteral("moved.ini"),
                      "[ferry]\njob_name = moved\ndb = host=h dbname=d\nqueue_name = q\npidfile = "
                          + pidFile.toUtf8() + "\n");
    QVERIFY(!config.isEmpty());
    for (const char *command : {"worker", "ticker"}) {
        const Run run = runFerry({QStringLiteral("-r"), config, QLatin1String(command)});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.out, QString());
        QCOMPARE(run.err,
                 QStringLiteral("ferry: job moved is not running with pidfile %1 (no process holds "
                                "it); if `pidfile` in %2 changed since the job started, a reload "
                                "cannot find it: restart it instead (stop it through the old "
                                "pidfile, then start it)\n")
                     .arg(pidFile, config));
    }
    QVERIFY(!QFileInfo::exists(pidFile));
    // Other commands refuse -r as before.
    const Run status = runFerry({QStringLiteral("-r"), config, QStringLiteral("status")});
    QCOMPARE(status.exitCode, 2);
    QVERIFY2(status.err.startsWith(
                 QLatin1String("ferry: -d, -s and -r go with worker and ticker only\n")),
             qPrintable(status.err));
}

QTEST_GUILESS_MAIN(TestCli)

#include "tst_cli.moc"
