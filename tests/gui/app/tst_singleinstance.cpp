// One ferry-gui per user: the real binary (FERRY_GUI_BINARY) offscreen, in a
// home, data folder and runtime folder of the test's own, so nothing of the
// user's is touched and a ferry-gui the user runs is not met. A second start
// hands its request to the first and exits 0 with one line; the first opens
// the last config when started without one; a crash leaves a socket and a
// lock that do not keep the next start from being the first.
#include "common/localstore.h"
#include "ferryprocess.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace ferry;
using ferry::gui::LocalStore;

namespace {

struct Run
{
    int exitCode = -1;
    QString err;
};

} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void secondStartHandsOver();
    void crashLeavesNoBlock();
    void goneLastConfigIsDropped();
    void trayWithoutTrayOpensTheLastConfig();

private:
    QProcessEnvironment environment() const;
    QString storePath() const
    {
        return m_home + QStringLiteral("/data/Ferry/ferry-gui/ferry.sqlite");
    }
    QString runtime() const { return m_home + QStringLiteral("/run"); }
    QStringList runtimeFiles() const
    {
        return QDir(runtime()).entryList(QDir::Files | QDir::System, QDir::Name);
    }
    void setRecent(const QStringList &paths);
    QStringList recent() const;
    // Starts the first ferry-gui and waits until it listens.
    void startFirst(const QStringList &arguments = {});
    Run run(const QStringList &arguments) const;
    QString config(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_home;
    std::unique_ptr<QProcess> m_first;
};

void TestSingleInstance::initTestCase()
{
    QVERIFY(m_dir.isValid());
    for (const QString &name : {QStringLiteral("a.ini"), QStringLiteral("b.ini")}) {
        // Loads; its database is not there, which the window only shows.
        QVERIFY(ferry::test::writeText(
            config(name), QStringLiteral("[ferry]\njob_name = %1\nqueue_name = replika\n"
                                         "db = host=127.0.0.1 port=1 dbname=x\n")
                              .arg(QFileInfo(name).baseName())));
    }
}

void TestSingleInstance::init()
{
    // A fresh home each test.
    static int n = 0;
    m_home = m_dir.filePath(QStringLiteral("home%1").arg(++n));
    QVERIFY(QDir().mkpath(runtime()));
    QVERIFY(QFile::setPermissions(runtime(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                 | QFileDevice::ExeOwner));
}

void TestSingleInstance::cleanup()
{
    if (m_first && m_first->state() != QProcess::NotRunning) {
        m_first->kill();
        m_first->waitForFinished(5000);
    }
    m_first.reset();
}

QProcessEnvironment TestSingleInstance::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), m_home);
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home + QStringLiteral("/config"));
    return env;
}

void TestSingleInstance::setRecent(const QStringList &paths)
{
    LocalStore store(storePath());
    QVERIFY_RESULT(store.open());
    QVERIFY(store.setSetting(QStringLiteral("recentConfigs"), paths));
}

QStringList TestSingleInstance::recent() const
{
    LocalStore store(storePath());
    if (!store.open())
        return {QStringLiteral("cannot open the store")};
    return store.setting(QStringLiteral("recentConfigs")).toStringList();
}

void TestSingleInstance::startFirst(const QStringList &arguments)
{
    m_first = std::make_unique<QProcess>();
    m_first->setProcessEnvironment(environment());
    m_first->start(QStringLiteral(FERRY_GUI_BINARY), arguments);
    QVERIFY2(m_first->waitForStarted(10000), qPrintable(m_first->errorString()));
    // It holds the lock (QLockFile writes its pid first), then listens; a
    // lock or socket a crash left does not count.
    const QString pid = QString::number(m_first->processId());
    const auto holds = [this, &pid] {
        const QStringList locks
            = QDir(runtime()).entryList({QStringLiteral("ferry-gui-*.lock")}, QDir::Files);
        return locks.size() == 1
               && ferry::test::readText(runtime() + QLatin1Char('/') + locks.first())
                          .section(QLatin1Char('\n'), 0, 0)
                      == pid;
    };
    QTRY_VERIFY_WITH_TIMEOUT(holds(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(
        QDir(runtime()).entryList({QStringLiteral("ferry-gui-*.socket")}, QDir::System).size(), 1,
        15000);
}

Run TestSingleInstance::run(const QStringList &arguments) const
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setWorkingDirectory(m_dir.path());
    process.start(QStringLiteral(FERRY_GUI_BINARY), arguments);
    Run r;
    if (!process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished(5000);
        r.err = QStringLiteral("did not finish");
        return r;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

void TestSingleInstance::secondStartHandsOver()
{
    // Started without a config, the first opens the last one.
    setRecent({config(QStringLiteral("a.ini"))});
    startFirst();
    const qint64 pid = m_first->processId();
    const QString running
        = QStringLiteral("ferry-gui: Ferry is already running (pid %1); ").arg(pid);

    Run second = run({});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.err, running
                             + QStringLiteral("its window is shown with %1.\n")
                                   .arg(config(QStringLiteral("a.ini"))));

    // A config, given relative to the second's folder: the first opens it.
    second = run({QStringLiteral("b.ini")});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(
        second.err,
        running
            + QStringLiteral("its window now shows %1.\n").arg(config(QStringLiteral("b.ini"))));
    QCOMPARE(recent().value(0), config(QStringLiteral("b.ini")));
    // One it cannot open: its window says why (a message box there).
    second = run({QStringLiteral("missing.ini")});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.err, running
                             + QStringLiteral("its window says why it cannot open %1.\n")
                                   .arg(config(QStringLiteral("missing.ini"))));

    second = run({QStringLiteral("--tray")});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.err, running + QStringLiteral("it keeps the background workers running.\n"));

    // --version and --screenshot are not handed over.
    second = run({QStringLiteral("--version")});
    QCOMPARE(second.exitCode, 0);
    const QString picture = m_dir.filePath(QStringLiteral("beside.png"));
    second = run({QStringLiteral("--screenshot"), picture});
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    QVERIFY(QFileInfo::exists(picture));

    // The first is still the one, and ends cleanly; its files go with it.
    QCOMPARE(m_first->state(), QProcess::Running);
    m_first->terminate();
    QVERIFY(m_first->waitForFinished(10000));
    QCOMPARE(m_first->exitCode(), 0);
    QCOMPARE(runtimeFiles(), QStringList());
}

void TestSingleInstance::crashLeavesNoBlock()
{
    startFirst();
    const QStringList files = runtimeFiles();
    QCOMPARE(files.size(), 2); // the lock and the socket
    ::kill(pid_t(m_first->processId()), SIGKILL);
    QVERIFY(m_first->waitForFinished(5000));
    QCOMPARE(runtimeFiles(), files); // left behind

    // The next start is the first: it takes the stale lock and listens anew.
    startFirst();
    const qint64 pid = m_first->processId();
    const Run second = run({});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.err,
             QStringLiteral("ferry-gui: Ferry is already running (pid %1); its window is shown.\n")
                 .arg(pid));
}

void TestSingleInstance::goneLastConfigIsDropped()
{
    const QString gone = config(QStringLiteral("gone.ini"));
    setRecent({gone, config(QStringLiteral("a.ini"))});
    startFirst();
    // The empty window (no message box: MainWindow's test sees to that).
    const Run second = run({});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.err.endsWith(QLatin1String("its window is shown.\n")), qPrintable(second.err));
    QCOMPARE(recent(), QStringList{config(QStringLiteral("a.ini"))});
}

void TestSingleInstance::trayWithoutTrayOpensTheLastConfig()
{
    // No system tray offscreen: --tray shows the window, which opens the last
    // config like a start without arguments (not the empty window).
    setRecent({config(QStringLiteral("a.ini"))});
    startFirst({QStringLiteral("--tray")});
    const Run second = run({});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(
        second.err.endsWith(
            QStringLiteral("its window is shown with %1.\n").arg(config(QStringLiteral("a.ini")))),
        qPrintable(second.err));
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
