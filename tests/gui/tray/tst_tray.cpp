// The tray worker and the Worker menu against a real root and leaf, each in a
// throwaway cluster of its own. TrayHealth's judgement is checked on made-up
// statuses first (there is no system tray offscreen; the state logic does not
// need one); then TrayController runs both workers in this process and turns
// green, red once (with exactly one notification) when the leaf refuses a
// change, green again once fixed, yellow when paused. The main window's
// Worker menu stops the in-process worker, shows a `ferry -d` daemon
// (FERRY_CLI) as running as daemon and stops it, all without stalling the UI.
// Stop and Quit ask first (their boxes are answered by clicking their
// buttons); a failed Pause shows its whole reason in a box; every action
// from the menu leaves an operator line in the worker's log. A connection
// profile of a node shows the worker and log of the job Ferry knows for it,
// or says that it knows none. Every daemon a test started is killed in
// cleanupTestCase(), also when a test failed.
//
// With FERRY_SCREENSHOT_DIR set, saves tray-menu.png, worker-menu.png,
// confirm-stop.png and pause-failed.png there.
#include "app/mainwindow.h"
#include "app/traywindow.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "common/localstore.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "lag/laghistory.h"
#include "lag/lagthreshold.h"
#include "pgcluster.h"
#include "profiles/connectionprofile.h"
#include "replication/tableregistry.h"
#include "rootandleaf.h"
#include "testutil.h"
#include "tray/traycontroller.h"
#include "tray/trayhealth.h"
#include "util/operatorlog.h"
#include "util/pidfile.h"
#include "workers/knownjob.h"
#include "workers/quitconfirmation.h"
#include "workers/workercontrol.h"
#include "workers/workermenu.h"
#include "workers/workerregistry.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>
#include <optional>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;
using Mode = WorkerControl::Mode;

Q_DECLARE_METATYPE(ferry::gui::TrayState)

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootNode = QStringLiteral("digoal_01");
const QString kLeafNode = QStringLiteral("dst1");
const QString kRootJob = QStringLiteral("root_job");
const QString kLeafJob = QStringLiteral("leaf_job");

NodeStatus node(const QString &name, NodeType type)
{
    NodeStatus n;
    n.name = name;
    n.type = type;
    n.tablesOk = 4;
    n.lagSeconds = 0.2;
    return n;
}

// A status read of the seed's cascade: root digoal_01 and leaf dst1, all fine.
StatusReply cascade(const QString &localNode)
{
    StatusReply reply;
    reply.ok = true;
    reply.status.queue = kQueue;
    reply.status.localNode = localNode;
    reply.status.nodes = {node(kRootNode, NodeType::Root), node(kLeafNode, NodeType::Leaf)};
    reply.status.nodes[1].providerNode = kRootNode;
    return reply;
}

TrayConfigStatus
config(const QString &job, const StatusReply &reply, Mode worker = Mode::RunningHere)
{
    TrayConfigStatus c;
    c.configPath = QStringLiteral("/etc/ferry/") + job + QStringLiteral(".ini");
    c.jobName = job;
    c.worker = worker;
    c.status = reply;
    return c;
}

// The colour at the centre of the state dot of a 64 px tray icon.
QColor dotColour(TrayState state)
{
    const QImage image = TrayController::stateIcon(state).pixmap(64, 64).toImage();
    return image.pixelColor(64 - 17, 64 - 17);
}

// A message box of that name showing now (the window's or the tray's).
QMessageBox *shownBox(const QString &name)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->objectName() == name && widget->isVisible())
            return qobject_cast<QMessageBox *>(widget);
    }
    return nullptr;
}

// Waits for the box `name`, clicks its button `button` and returns what the
// box said ("text\ninformative text"), or why it could not.
QString answerBox(const QString &name, const QString &button)
{
    QMessageBox *box = nullptr;
    if (!QTest::qWaitFor([&box, &name] { return (box = shownBox(name)) != nullptr; }, 5000))
        return QStringLiteral("no box %1").arg(name);
    const QString said = box->text() + QLatin1Char('\n') + box->informativeText();
    auto *clicked = box->findChild<QPushButton *>(button);
    if (!clicked)
        return QStringLiteral("no button %1 in: %2").arg(button, said);
    clicked->click();
    return said;
}

// The longest gap between the ticks of a 10 ms timer while it runs: how long
// the UI thread was kept from its events.
class Heartbeat
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_maxGap = qMax(m_maxGap, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start(10);
    }
    qint64 maxGap() const { return m_maxGap; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxGap = 0;
};

} // namespace

class TestTray : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void healthJudgesConfigs_data();
    void healthJudgesConfigs();
    void healthNotifiesOncePerTransition();
    void configToShowIsTheTroubledOne_data();
    void configToShowIsTheTroubledOne();
    void stateIconsAreColoured();
    void sameNodeIsMatched_data();
    void sameNodeIsMatched();
    void profileShowsTheKnownJob();
    void greenWhenWorkersRun();
    void openFerryShowsAWatchedConfig();
    void errorTurnsRedOnce();
    void pauseTurnsYellow();
    void lagOverThresholdNotifies();
    void workerMenuControlsTheOpenConfig();
    void daemonIsShownAndStopped();
    void failedPauseShowsTheReason();
    void keepInBackgroundEditsTheTray();
    void quitAsksFirst();
    void quitStopsWorkers();
    void ferrySignalsFerryGui();

private:
    QString writeConfig(const QString &name, const QString &db, const QString &job);
    QString logFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".log"));
    }
    QString pidFile(const QString &job) const
    {
        return m_dir.filePath(job + QStringLiteral(".pid"));
    }
    void saveScreenshot(const QPixmap &pixmap, const QString &name);
    // The window with `box` over its middle, as the user sees a window-modal box.
    void saveScreenshot(QWidget *window, QWidget *box, const QString &name);
    QString leafLog() const { return ferry::test::readText(logFile(kLeafJob)); }
    QAction *workerAction(const QString &name) const
    {
        return m_window->findChild<QAction *>(name);
    }
    // The line ferry-gui notes in a worker's log for an action of its user.
    static QString operatorLine(const QString &action)
    {
        const qint64 self = QCoreApplication::applicationPid();
        return QStringLiteral("%1 INFO operator %2 (ferry-gui pid %1): %3")
            .arg(QString::number(self), ferry::operatingSystemUser(), action);
    }
    // A connection profile of the leaf's node, without its CONFIG.ini.
    ConnectionProfile leafProfile() const
    {
        ConnectionProfile p;
        p.name = QStringLiteral("dst1 profile");
        p.host = QStringLiteral("localhost"); // leaf.ini says 127.0.0.1: the same server
        p.port = m_leaf->port();
        p.dbname = kLeafNode;
        p.user = QStringLiteral("postgres");
        p.queue = kQueue;
        return p;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    std::optional<Connection> m_rootDb;
    std::optional<Connection> m_leafDb;
    QString m_rootIni;
    QString m_leafIni;
    std::unique_ptr<WorkerRegistry> m_registry;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<TrayController> m_tray;
    std::unique_ptr<MainWindow> m_window;
    QList<qint64> m_daemons; // killed in cleanupTestCase()
};

QString TestTray::writeConfig(const QString &name, const QString &db, const QString &job)
{
    const QString path = m_dir.filePath(name);
    const QString text = QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                        "logfile = %4\npidfile = %5\n"
                                        "loop_delay = 0.2\nticker_period = 0.2\n")
                             .arg(job, db, kQueue, logFile(job), pidFile(job));
    if (!ferry::test::writeText(path, text))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestTray::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tray"));
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    WorkerControl::setFerryProgram(QStringLiteral(FERRY_CLI));
    // The registry of this process: the window's Worker menu finds it too.
    m_registry = std::make_unique<WorkerRegistry>();
    QCOMPARE(WorkerRegistry::instance(), m_registry.get());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("ferry.sqlite")));
    QVERIFY_RESULT(m_store->open());

    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
    QVERIFY_RESULT(m_root->createDatabase(kRootNode));
    QVERIFY_RESULT(m_leaf->createDatabase(kLeafNode));
    const QString rootDb = m_root->connectionString(kRootNode);
    const QString leafDb = m_leaf->connectionString(kLeafNode);
    auto root = Connection::open(rootDb);
    auto leaf = Connection::open(leafDb);
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(leaf);
    m_rootDb.emplace(std::move(root).value());
    m_leafDb.emplace(std::move(leaf).value());
    QVERIFY_RESULT(ferry::test::createSeedSchema(*m_rootDb, false));
    QVERIFY_RESULT(ferry::test::createSeedSchema(*m_leafDb, false));
    QVERIFY_RESULT(m_rootDb->exec(
        QStringLiteral("INSERT INTO digoal_01.user_info (userid, engname, cnname) "
                       "SELECT i, 'digoal.zhou', '德哥' FROM generate_series(1, 500) i")));

    auto nodes = ferry::test::createRootAndLeaf(rootDb, leafDb,
                                                {kQueue, kRootNode, kRootJob, kLeafNode, kLeafJob});
    QVERIFY_RESULT(nodes);
    QVERIFY_RESULT(TableRegistry(*m_rootDb, nodes->root).add({}, true, nullptr));
    QVERIFY_RESULT(TableRegistry(*m_leafDb, nodes->leaf).add({}, true, &*m_rootDb));

    m_rootIni = writeConfig(QStringLiteral("root.ini"), rootDb, kRootJob);
    m_leafIni = writeConfig(QStringLiteral("leaf.ini"), leafDb, kLeafJob);
}

void TestTray::cleanupTestCase()
{
    m_window.reset();
    m_tray.reset();
    m_registry.reset(); // stops the in-process workers and joins them
    // Also a daemon whose pid the test never got to record (a failed wait).
    for (const QString &job : {kRootJob, kLeafJob}) {
        if (const auto holder = PidFile::runningPid(pidFile(job));
            holder && *holder != QCoreApplication::applicationPid())
            m_daemons.append(*holder);
    }
    for (qint64 pid : std::as_const(m_daemons)) {
        if (ferry::test::processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_rootDb.reset();
    m_leafDb.reset();
    m_root.reset();
    m_leaf.reset();
    QSettings().clear();
}

void TestTray::saveScreenshot(const QPixmap &pixmap, const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", m_dir.path());
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(QDir(dir).filePath(name)));
}

void TestTray::saveScreenshot(QWidget *window, QWidget *box, const QString &name)
{
    QPixmap picture = window->grab();
    const QPixmap over = box->grab();
    {
        QPainter painter(&picture);
        painter.drawPixmap((picture.width() - over.width()) / 2,
                           (picture.height() - over.height()) / 3, over);
    }
    saveScreenshot(picture, name);
}

void TestTray::healthJudgesConfigs_data()
{
    QTest::addColumn<QList<TrayConfigStatus>>("configs");
    QTest::addColumn<TrayState>("state");
    QTest::addColumn<QString>("firstProblem");

    const StatusReply ok = cascade(kLeafNode);
    QTest::newRow("all running, all ok")
        << QList<TrayConfigStatus>{config(kRootJob, cascade(kRootNode)), config(kLeafJob, ok)}
        << TrayState::Ok << QString();
    QTest::newRow("a daemon counts as running")
        << QList<TrayConfigStatus>{config(kLeafJob, ok, Mode::Daemon)} << TrayState::Ok
        << QString();

    StatusReply paused = ok;
    paused.status.nodes[1].warnings = {QStringLiteral("paused")};
    QTest::newRow("paused") << QList<TrayConfigStatus>{config(kLeafJob, paused)}
                            << TrayState::Warning << QStringLiteral("dst1: paused");
    QTest::newRow("worker not running")
        << QList<TrayConfigStatus>{config(kLeafJob, ok, Mode::NotRunning)} << TrayState::Warning
        << QStringLiteral("leaf_job: worker not running");
    StatusReply lagging = ok;
    lagging.status.nodes[1].lagSeconds = 42;
    QTest::newRow("lag over the threshold")
        << QList<TrayConfigStatus>{config(kLeafJob, lagging)} << TrayState::Warning
        << QStringLiteral("dst1: lag 42 s over the 30 s threshold");
    TrayConfigStatus waiting = config(kLeafJob, ok);
    waiting.status.reset();
    QTest::newRow("no status yet") << QList<TrayConfigStatus>{waiting} << TrayState::Warning
                                   << QStringLiteral("leaf_job: no status read yet");

    StatusReply stuck = ok;
    stuck.status.nodes[1].error = QStringLiteral("new row violates check constraint");
    QTest::newRow("node error, warnings elsewhere")
        << QList<TrayConfigStatus>{config(kRootJob, paused), config(kLeafJob, stuck)}
        << TrayState::Error << QStringLiteral("dst1: Error — new row violates check constraint");
    StatusReply gone = ok;
    gone.status.nodes[1].reachable = false;
    gone.status.nodes[1].error = QStringLiteral("unreachable: connection refused");
    QTest::newRow("unreachable") << QList<TrayConfigStatus>{config(kLeafJob, gone)}
                                 << TrayState::Error
                                 << QStringLiteral("dst1: Unreachable — connection refused");
    StatusReply copyFailed = ok;
    copyFailed.status.nodes[1].tablesError = 2;
    QTest::newRow("tables in error")
        << QList<TrayConfigStatus>{config(kLeafJob, copyFailed)} << TrayState::Error
        << QStringLiteral("dst1: tables in error: 2");
    TrayConfigStatus failed = config(kLeafJob, ok, Mode::Failed);
    failed.workerError = QStringLiteral("job leaf_job is already running (pid 7, pidfile x)");
    QTest::newRow("worker failed")
        << QList<TrayConfigStatus>{failed} << TrayState::Error
        << QStringLiteral("leaf_job: worker failed: job leaf_job is already running (pid 7, "
                          "pidfile x)");
    StatusReply unread;
    unread.error = QStringLiteral("could not connect");
    QTest::newRow("status unreadable")
        << QList<TrayConfigStatus>{config(kLeafJob, unread)} << TrayState::Error
        << QStringLiteral("leaf_job: cannot read the status: could not connect");
    // A refused login says what to do, with the server's reason.
    const QString refusedText
        = QStringLiteral("could not connect to host=h user=pwuser: connection to server at "
                         "\"h\", port 5432 failed: FATAL: password authentication failed for "
                         "user \"pwuser\"");
    StatusReply refused;
    refused.error = refusedText;
    refused.authFailed = true;
    QTest::newRow("login refused")
        << QList<TrayConfigStatus>{config(kLeafJob, refused)} << TrayState::Error
        << QStringLiteral("leaf_job: cannot read the status: authentication failed — fix the "
                          "password (File > Connection Profiles, the CONFIG.ini's db or .pgpass) "
                          "and press Refresh (password authentication failed for user \"pwuser\")");
    StatusReply memberRefused = ok;
    memberRefused.status.nodes[1].reachable = false;
    memberRefused.status.nodes[1].authFailed = true;
    memberRefused.status.nodes[1].error = QStringLiteral("unreachable: ") + refusedText;
    QTest::newRow("member's login refused")
        << QList<TrayConfigStatus>{config(kLeafJob, memberRefused)} << TrayState::Error
        << QStringLiteral("dst1: Unreachable — authentication failed — fix the password (File > "
                          "Connection Profiles, the CONFIG.ini's db or .pgpass) and press Refresh "
                          "(password authentication failed for user \"pwuser\")");
    TrayConfigStatus broken;
    broken.configPath = QStringLiteral("/etc/ferry/bad.ini");
    broken.configError = QStringLiteral("/etc/ferry/bad.ini:3: `db` is missing");
    QTest::newRow("config unusable")
        << QList<TrayConfigStatus>{broken} << TrayState::Error
        << QStringLiteral("bad.ini: /etc/ferry/bad.ini:3: `db` is missing");
    QTest::newRow("no configs") << QList<TrayConfigStatus>{} << TrayState::Ok << QString();
}

void TestTray::healthJudgesConfigs()
{
    QFETCH(QList<TrayConfigStatus>, configs);
    QFETCH(TrayState, state);
    QFETCH(QString, firstProblem);
    TrayHealth health;
    health.update(configs, LagThresholds{});
    QCOMPARE(health.state(), state);
    const QStringList problems = health.errors() + health.warnings();
    QCOMPARE(problems.value(0), firstProblem);
    const QString head = health.toolTip().section(QLatin1Char('\n'), 0, 0);
    if (configs.isEmpty())
        QCOMPARE(head, QStringLiteral("Ferry: no background workers"));
    else if (state == TrayState::Ok)
        QCOMPARE(head, QStringLiteral("Ferry: all OK, background workers: %1").arg(configs.size()));
    else if (state == TrayState::Error)
        QCOMPARE(head, QStringLiteral("Ferry: errors: %1").arg(health.errors().size()));
    else
        QCOMPARE(head, QStringLiteral("Ferry: warnings: %1").arg(health.warnings().size()));
}

void TestTray::healthNotifiesOncePerTransition()
{
    TrayHealth health;
    const StatusReply ok = cascade(kLeafNode);
    StatusReply stuck = ok;
    stuck.status.nodes[1].error = QStringLiteral("duplicate key");
    StatusReply lagging = ok;
    lagging.status.nodes[1].lagSeconds = 31;

    QVERIFY(health.update({config(kLeafJob, ok)}, LagThresholds{30}).isEmpty());
    // Into error: one alert, although two configs show the same node.
    auto alerts
        = health.update({config(kRootJob, stuck), config(kLeafJob, stuck)}, LagThresholds{30});
    QCOMPARE(alerts.size(), 1);
    QVERIFY(alerts.first().error);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: Error — duplicate key"));
    QCOMPARE(health.errors().size(), 1);
    // Still in error: nothing new, also when one config no longer sees it.
    QVERIFY(health.update({config(kRootJob, stuck), config(kLeafJob, stuck)}, LagThresholds{30})
                .isEmpty());
    QVERIFY(health.update({config(kRootJob, ok), config(kLeafJob, stuck)}, LagThresholds{30})
                .isEmpty());
    QCOMPARE(health.state(), TrayState::Error);
    // Fixed, then failing again: a second alert.
    QVERIFY(health.update({config(kLeafJob, ok)}, LagThresholds{30}).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);
    QCOMPARE(health.update({config(kLeafJob, stuck)}, LagThresholds{30}).size(), 1);
    // Lag over the threshold: one alert (a warning), once.
    QVERIFY(health.update({config(kLeafJob, ok)}, LagThresholds{30}).isEmpty());
    alerts = health.update({config(kLeafJob, lagging)}, LagThresholds{30});
    QCOMPARE(alerts.size(), 1);
    QVERIFY(!alerts.first().error);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: lag 31 s over the 30 s threshold"));
    QCOMPARE(health.state(), TrayState::Warning);
    QVERIFY(health.update({config(kLeafJob, lagging)}, LagThresholds{30}).isEmpty());
    // Under a higher threshold it is fine.
    QVERIFY(health.update({config(kLeafJob, lagging)}, LagThresholds{60}).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);

    // A node's own threshold counts for that node only, keyed by its cascade.
    LagThresholds own{60};
    const QString scope = LagHistory::scopeOf(lagging.status);
    QVERIFY(!scope.isEmpty());
    own.own[scope].insert(kLeafNode, 0.5);
    StatusReply bothLag = lagging;
    bothLag.status.nodes[0].lagSeconds = 31; // the root, under the default of 60 s
    bothLag.status.nodes[1].lagSeconds = 0.6;
    alerts = health.update({config(kLeafJob, bothLag)}, own);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: lag 600 ms over the 500 ms threshold"));
    QCOMPARE(health.warnings(),
             QStringList{QStringLiteral("dst1: lag 600 ms over the 500 ms threshold")});
    // The same name in another cascade keeps the default.
    LagThresholds elsewhere{60};
    elsewhere.own[QStringLiteral("other@host=elsewhere")].insert(kLeafNode, 0.5);
    QVERIFY(health.update({config(kLeafJob, bothLag)}, elsewhere).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);
}

void TestTray::configToShowIsTheTroubledOne_data()
{
    QTest::addColumn<QList<TrayConfigStatus>>("configs");
    QTest::addColumn<QString>("shown");

    const StatusReply ok = cascade(kLeafNode);
    const QString root = QStringLiteral("/etc/ferry/root_job.ini");
    const QString leaf = QStringLiteral("/etc/ferry/leaf_job.ini");
    QTest::newRow("all fine: the first")
        << QList<TrayConfigStatus>{config(kRootJob, cascade(kRootNode)), config(kLeafJob, ok)}
        << root;
    StatusReply stuck = ok;
    stuck.status.nodes[1].error = QStringLiteral("duplicate key");
    QTest::newRow("a node in error")
        << QList<TrayConfigStatus>{config(kRootJob, cascade(kRootNode)), config(kLeafJob, stuck)}
        << leaf;
    QTest::newRow("a worker not running")
        << QList<TrayConfigStatus>{config(kRootJob, cascade(kRootNode)),
                                   config(kLeafJob, ok, Mode::NotRunning)}
        << leaf;
    StatusReply paused = ok;
    paused.status.nodes[1].warnings = {QStringLiteral("paused")};
    QTest::newRow("an error before a warning")
        << QList<TrayConfigStatus>{config(kRootJob, paused), config(kLeafJob, ok, Mode::Failed)}
        << leaf;
    TrayConfigStatus broken;
    broken.configPath = QStringLiteral("/etc/ferry/bad.ini");
    broken.configError = QStringLiteral("/etc/ferry/bad.ini:3: `db` is missing");
    QTest::newRow("never one that cannot be loaded")
        << QList<TrayConfigStatus>{broken, config(kLeafJob, ok)} << leaf;
    QTest::newRow("only one that cannot be loaded") << QList<TrayConfigStatus>{broken} << QString();
    QTest::newRow("none") << QList<TrayConfigStatus>{} << QString();
}

void TestTray::configToShowIsTheTroubledOne()
{
    QFETCH(QList<TrayConfigStatus>, configs);
    QFETCH(QString, shown);
    QCOMPARE(configToShow(configs), shown);
}

void TestTray::stateIconsAreColoured()
{
    const QColor green = dotColour(TrayState::Ok);
    const QColor yellow = dotColour(TrayState::Warning);
    const QColor red = dotColour(TrayState::Error);
    QVERIFY2(green.green() > 120 && green.red() < 100, qPrintable(green.name()));
    QVERIFY2(yellow.red() > 180 && yellow.green() > 120 && yellow.blue() < 60,
             qPrintable(yellow.name()));
    QVERIFY2(red.red() > 180 && red.green() < 100, qPrintable(red.name()));
    // The application icon is still there around the dot.
    const QImage image = TrayController::stateIcon(TrayState::Ok).pixmap(64, 64).toImage();
    QCOMPARE(image.pixelColor(20, 20).alpha(), 255);
}

void TestTray::sameNodeIsMatched_data()
{
    QTest::addColumn<QString>("db");
    QTest::addColumn<QString>("queue");
    QTest::addColumn<bool>("same");
    const QString queue = kQueue;
    // Against host=127.0.0.1 port=5433 dbname=dst1 user=postgres, queue replika.
    QTest::newRow("the same") << QStringLiteral("host=127.0.0.1 port=5433 dbname=dst1") << queue
                              << true;
    QTest::newRow("another user, localhost, a URI")
        << QStringLiteral("postgresql://monitor@localhost:5433/dst1") << queue << true;
    QTest::newRow("the socket") << QStringLiteral("host=/tmp port=5433 dbname=dst1") << queue
                                << true;
    QTest::newRow("another queue") << QStringLiteral("host=127.0.0.1 port=5433 dbname=dst1")
                                   << QStringLiteral("other") << false;
    QTest::newRow("another database")
        << QStringLiteral("host=127.0.0.1 port=5433 dbname=dst2") << queue << false;
    QTest::newRow("another port, the default")
        << QStringLiteral("host=127.0.0.1 dbname=dst1") << queue << false;
    QTest::newRow("another host") << QStringLiteral("host=db2.example.com port=5433 dbname=dst1")
                                  << queue << false;
}

void TestTray::sameNodeIsMatched()
{
    QFETCH(QString, db);
    QFETCH(QString, queue);
    QFETCH(bool, same);
    const auto make = [](const QString &where, const QString &queueName) {
        return JobConfig::parse(QStringLiteral("[ferry]\njob_name = j\ndb = %1\nqueue_name = %2\n")
                                    .arg(where, queueName)
                                    .toUtf8(),
                                QString());
    };
    const auto job
        = make(QStringLiteral("host=127.0.0.1 port=5433 dbname=dst1 user=postgres"), kQueue);
    const auto other = make(db, queue);
    QVERIFY_RESULT(job);
    QVERIFY_RESULT(other);
    QCOMPARE(isSameNode(*job, *other), same);
    QCOMPARE(isSameNode(*other, *job), same);
}

void TestTray::profileShowsTheKnownJob()
{
    // Nothing runs yet, the tray keeps nothing, nothing was opened: a profile
    // of the leaf's node knows no job.
    QVERIFY(!m_registry->hasActiveWorkers());
    QVERIFY(TrayController::backgroundConfigs(m_store.get()).isEmpty());
    MainWindow window(m_store.get());
    window.resize(MainWindow::defaultSize());
    window.show();
    QVERIFY(window.recentConfigs().isEmpty());
    const ConnectionProfile profile = leafProfile();
    QSignalSpy loaded(&window, &MainWindow::cascadeLoaded);
    window.openProfile(profile);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(window.windowTitle(), QStringLiteral("dst1 profile — Ferry"));
    auto *log = window.findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"));
    auto *logTitle = window.findChild<QLabel *>(QStringLiteral("nodeLogTitle"));
    QVERIFY(log && logTitle);
    QTRY_COMPARE(log->placeholderText(),
                 QStringLiteral("No worker log is known for a connection profile: open the job's "
                                "CONFIG.ini (File > Open Config…) to see its worker's log."));
    QCOMPARE(logTitle->text(), QStringLiteral("Worker log"));
    // The Worker menu says why it offers nothing.
    auto *state = window.findChild<QAction *>(QStringLiteral("actionWorkerState"));
    QCOMPARE(state->text(), QStringLiteral("Worker: no CONFIG.ini known for this node"));
    QCOMPARE(state->toolTip(),
             QStringLiteral("Ferry knows no CONFIG.ini of this node: open the job's CONFIG.ini "
                            "(File > Open Config…) to start, stop, pause or resume its worker "
                            "here."));
    for (const char *name : {"actionWorkerStart", "actionWorkerStartDaemon", "actionWorkerStop",
                             "actionWorkerPause", "actionWorkerResume"}) {
        auto *action = window.findChild<QAction *>(QString::fromLatin1(name));
        QVERIFY2(action && !action->isEnabled(), name);
    }

    // Once its CONFIG.ini was opened (a recent config), the profile shows
    // that job's worker and log, still read through the profile.
    QVERIFY(window.openConfig(m_leafIni));
    QVERIFY(loaded.wait(15000));
    window.openProfile(profile);
    QCOMPARE(window.windowTitle(), QStringLiteral("dst1 profile — Ferry"));
    QCOMPARE(window.configPath(), QString());
    WorkerControl *control = window.workerMenu()->control();
    QCOMPARE(control->config().path(), m_leafIni);
    QCOMPARE(control->config().db().value(QStringLiteral("host")), QStringLiteral("127.0.0.1"));
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: not running"));
    QVERIFY(window.findChild<QAction *>(QStringLiteral("actionWorkerStart"))->isEnabled());
    QTRY_COMPARE(logTitle->text(), QStringLiteral("Worker log: ") + logFile(kLeafJob));
    QVERIFY(m_store->removeSetting(QStringLiteral("recentConfigs")));
}

void TestTray::greenWhenWorkersRun()
{
    QVERIFY(TrayController::backgroundConfigs(m_store.get()).isEmpty());
    TrayController::setKeptInBackground(m_store.get(), m_rootIni, true);
    TrayController::setKeptInBackground(m_store.get(), m_leafIni, true);
    QCOMPARE(TrayController::backgroundConfigs(m_store.get()), (QStringList{m_rootIni, m_leafIni}));
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);

    m_tray = std::make_unique<TrayController>(m_store.get(), m_registry.get());
    QCOMPARE(TrayController::instance(), m_tray.get());
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    m_tray->setRefreshIntervalSeconds(1);
    // Offscreen there is no system tray: no icon, the rest works the same.
    QCOMPARE(m_tray->activate(), TrayController::isTrayAvailable());
    QVERIFY(m_tray->isActive());
    QCOMPARE(m_tray->controls().size(), 2);

    // Nobody ran these workers: the tray starts both here.
    WorkerControl *root = m_tray->control(m_rootIni);
    WorkerControl *leaf = m_tray->control(m_leafIni);
    QVERIFY(root && leaf);
    QTRY_COMPARE_WITH_TIMEOUT(root->mode(), Mode::RunningHere, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(leaf->mode(), Mode::RunningHere, 10000);
    const qint64 self = QCoreApplication::applicationPid();
    QCOMPARE(leaf->stateText(), QStringLiteral("Worker: running here (pid %1)").arg(self));
    QVERIFY(m_registry->worker(m_rootIni) && m_registry->worker(m_leafIni));
    QTRY_COMPARE(PidFile::runningPid(pidFile(kLeafJob)), std::optional<qint64>(self));

    // Copied and caught up: green.
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              30000);
    QCOMPARE(m_tray->toolTip(), QStringLiteral("Ferry: all OK, background workers: 2"));
    QCOMPARE(notified.count(), 0);

    // The menu: a summary, a line per config, Open, Pause All, Resume All, Quit.
    QMenu *menu = m_tray->menu();
    QCOMPARE(menu->objectName(), QStringLiteral("trayMenu"));
    QStringList texts;
    for (QAction *action : menu->actions()) {
        if (!action->isSeparator())
            texts << action->text();
    }
    QCOMPARE(texts,
             (QStringList{QStringLiteral("Ferry: all OK, background workers: 2"),
                          QStringLiteral("root_job — Worker: running here (pid %1)").arg(self),
                          QStringLiteral("leaf_job — Worker: running here (pid %1)").arg(self),
                          QStringLiteral("&Open Ferry"), QStringLiteral("&Pause All"),
                          QStringLiteral("&Resume All"), QStringLiteral("&Quit")}));
    QSignalSpy open(m_tray.get(), &TrayController::openRequested);
    QSignalSpy openConfig(m_tray.get(), &TrayController::openConfigRequested);
    menu->findChild<QAction *>(QStringLiteral("actionTrayOpen"))->trigger();
    menu->findChild<QAction *>(QStringLiteral("actionTraySummary"))->trigger();
    QCOMPARE(open.count(), 2);
    const QList<QAction *> lines
        = menu->findChildren<QAction *>(QStringLiteral("actionTrayConfig"));
    QCOMPARE(lines.size(), 2);
    lines.last()->trigger();
    QCOMPARE(openConfig.count(), 1);
    QCOMPARE(openConfig.first().first().toString(), m_leafIni);
    menu->adjustSize();
    saveScreenshot(menu->grab(), QStringLiteral("tray-menu.png"));
}

void TestTray::openFerryShowsAWatchedConfig()
{
    // The window as ferry-gui --tray has it: hidden, nothing open.
    MainWindow window(m_store.get());
    connectTrayToWindow(*m_tray, window);
    QVERIFY(!window.isVisible());
    QAction *open = m_tray->menu()->findChild<QAction *>(QStringLiteral("actionTrayOpen"));
    open->trigger();
    QVERIFY(window.isVisible());
    QCOMPARE(m_tray->configToShow(), m_rootIni); // all fine: the first
    QCOMPARE(window.configPath(), m_rootIni);
    QVERIFY(window.cascadeView()->isOpen());

    // With a config open, Open Ferry only shows the window.
    QVERIFY(window.openConfig(m_leafIni));
    window.hide();
    open->trigger();
    QVERIFY(window.isVisible());
    QCOMPARE(window.configPath(), m_leafIni);

    // A config's line opens that config.
    window.closeConfig();
    m_tray->menu()->findChildren<QAction *>(QStringLiteral("actionTrayConfig")).last()->trigger();
    QCOMPARE(window.configPath(), m_leafIni);
}

void TestTray::errorTurnsRedOnce()
{
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    // The leaf refuses what the root sends: a CHECK the root does not have.
    QVERIFY_RESULT(m_leafDb->exec(QStringLiteral("ALTER TABLE digoal_01.user_login_rec ADD "
                                                 "CONSTRAINT small_userid CHECK (userid < "
                                                 "1000000)")));
    QVERIFY_RESULT(m_rootDb->exec(
        QStringLiteral("INSERT INTO digoal_01.user_login_rec (userid) VALUES (2000000)")));
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Error, qPrintable(m_tray->toolTip()),
                              20000);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("Ferry: replication error"));
    const QString message = notified.at(0).at(1).toString();
    QVERIFY2(message.startsWith(QStringLiteral("dst1: Error — "))
                 && message.contains(QStringLiteral("violates check constraint \"small_userid\"")),
             qPrintable(message));
    QVERIFY(m_tray->toolTip().startsWith(QStringLiteral("Ferry: errors: 1\ndst1: Error — ")));
    // The worker keeps retrying; the status is read again and again: no second notification.
    QTRY_VERIFY_WITH_TIMEOUT(leafLog().count(QStringLiteral("violates check constraint")) >= 2,
                             10000);
    QTest::qWait(2500);
    QCOMPARE(m_tray->state(), TrayState::Error);
    QCOMPARE(notified.count(), 1);

    // Fixed: the leaf catches up and the tray is green again, without a notification.
    QVERIFY_RESULT(m_leafDb->exec(
        QStringLiteral("ALTER TABLE digoal_01.user_login_rec DROP CONSTRAINT small_userid")));
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              20000);
    QCOMPARE(notified.count(), 1);
}

void TestTray::pauseTurnsYellow()
{
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    // The root applies nothing and cannot be paused: Pause All leaves it alone.
    WorkerControl *root = m_tray->control(m_rootIni);
    WorkerControl *leaf = m_tray->control(m_leafIni);
    QVERIFY(root->isRoot());
    QVERIFY(!root->canPause());
    QVERIFY(!leaf->isRoot());
    QVERIFY(leaf->canPause());
    m_tray->menu()->findChild<QAction *>(QStringLiteral("actionTrayPauseAll"))->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Warning, qPrintable(m_tray->toolTip()),
                              10000);
    QTRY_COMPARE(m_tray->toolTip(), QStringLiteral("Ferry: warnings: 1\ndst1: paused"));
    QCOMPARE(leaf->paused(), std::optional<bool>(true));
    QVERIFY(!leaf->canPause());
    QVERIFY(leaf->canResume());
    QCOMPARE(root->paused(), std::optional<bool>(false));
    QVERIFY(root->lastError().isEmpty());
    auto paused = m_leafDb->exec(QStringLiteral("SELECT paused FROM ferry.node_info"));
    QVERIFY_RESULT(paused);
    QVERIFY(paused->toBool(0, 0));

    m_tray->menu()->findChild<QAction *>(QStringLiteral("actionTrayResumeAll"))->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              10000);
    QCOMPARE(leaf->paused(), std::optional<bool>(false));
    QCOMPARE(notified.count(), 0); // a pause is no error
}

void TestTray::lagOverThresholdNotifies()
{
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    // The leaf's own threshold, above what the root's own lag reaches between two ticks
    // (tick_period 1 s); the default stays at 30 s.
    QSignalSpy reads(m_tray->monitor(m_leafIni), &CascadeMonitor::statusRead);
    QTRY_VERIFY_WITH_TIMEOUT(!reads.isEmpty(), 10000);
    const QString scope = LagHistory::scopeOf(reads.first().first().value<StatusReply>().status);
    QVERIFY(!scope.isEmpty());
    LagThreshold thresholds(m_store.get());
    thresholds.setOwn(scope, kLeafNode, 3);
    QCOMPARE(LagThreshold::load(m_store.get()).forNode(scope, kLeafNode), 3.0);
    QCOMPARE(LagThreshold::load(m_store.get()).defaultSeconds, 30.0);
    WorkerControl *leaf = m_tray->control(m_leafIni);
    leaf->setPaused(true);
    QTRY_COMPARE(leaf->paused(), std::optional<bool>(true));
    // Changes wait on the paused leaf until its lag passes the threshold.
    QTimer writer;
    connect(&writer, &QTimer::timeout, this, [this] {
        (void)m_rootDb->exec(
            QStringLiteral("INSERT INTO digoal_01.user_logout_rec (userid) VALUES (1)"));
    });
    writer.start(200);
    QTRY_VERIFY_WITH_TIMEOUT(notified.count() >= 1, 15000);
    writer.stop();
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("Ferry: lag"));
    QVERIFY2(notified.at(0).at(1).toString().startsWith(QStringLiteral("dst1: lag ")),
             qPrintable(notified.at(0).at(1).toString()));
    QVERIFY2(notified.at(0).at(1).toString().endsWith(QStringLiteral(" over the 3 s threshold")),
             qPrintable(notified.at(0).at(1).toString()));
    QCOMPARE(m_tray->state(), TrayState::Warning);

    leaf->setPaused(false);
    thresholds.clearOwn(scope, kLeafNode);
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              15000);
    QCOMPARE(notified.count(), 1);
}

void TestTray::workerMenuControlsTheOpenConfig()
{
    m_window = std::make_unique<MainWindow>(m_store.get());
    m_window->resize(MainWindow::defaultSize());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    auto *menu = m_window->findChild<QMenu *>(QStringLiteral("menuWorker"));
    QVERIFY(menu);
    QCOMPARE(menu, m_window->workerMenu());
    QCOMPARE(menu->title(), QStringLiteral("&Worker"));
    // Before Help, after the others.
    const QList<QAction *> bar = m_window->menuBar()->actions();
    QCOMPARE(bar.last()->menu()->objectName(), QStringLiteral("menuHelp"));
    QCOMPARE(bar.at(bar.size() - 2), menu->menuAction());

    // No config: nothing to do.
    auto *state = workerAction(QStringLiteral("actionWorkerState"));
    auto *start = workerAction(QStringLiteral("actionWorkerStart"));
    auto *startDaemon = workerAction(QStringLiteral("actionWorkerStartDaemon"));
    auto *stop = workerAction(QStringLiteral("actionWorkerStop"));
    auto *pause = workerAction(QStringLiteral("actionWorkerPause"));
    auto *resume = workerAction(QStringLiteral("actionWorkerResume"));
    auto *keep = workerAction(QStringLiteral("actionKeepInBackground"));
    auto *hide = workerAction(QStringLiteral("actionHideToTray"));
    auto *closeToTray = workerAction(QStringLiteral("actionCloseToTray"));
    for (QAction *a : {state, start, startDaemon, stop, pause, resume, keep, hide, closeToTray})
        QVERIFY(a);
    QCOMPARE(state->text(), QStringLiteral("Worker: no config open"));
    for (QAction *a : {state, start, startDaemon, stop, pause, resume, keep})
        QVERIFY2(!a->isEnabled(), qPrintable(a->objectName()));
    // Hide to Tray and Close to Tray need a system tray.
    QCOMPARE(hide->isEnabled(), TrayController::isTrayAvailable());
    QCOMPARE(closeToTray->isEnabled(), TrayController::isTrayAvailable());
    QVERIFY(closeToTray->isCheckable() && keep->isCheckable());

    // The leaf's worker runs in this process (the tray started it).
    QVERIFY(m_window->openConfig(m_leafIni));
    const qint64 self = QCoreApplication::applicationPid();
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: running here (pid %1)").arg(self));
    QVERIFY(!start->isEnabled());
    QVERIFY(!startDaemon->isEnabled());
    QVERIFY(stop->isEnabled());
    QTRY_VERIFY(pause->isEnabled() && !resume->isEnabled()); // paused = false, once read
    QVERIFY(keep->isEnabled());
    QVERIFY(keep->isChecked());

    // The picture: the window with its Worker menu open.
    QMenuBar *menuBar = m_window->menuBar();
    const QRect title = menuBar->actionGeometry(menu->menuAction());
    menu->popup(menuBar->mapToGlobal(title.bottomLeft()));
    QVERIFY(QTest::qWaitForWindowExposed(menu));
    QPixmap picture = m_window->grab();
    {
        QPainter painter(&picture);
        painter.drawPixmap(menuBar->mapTo(m_window.get(), title.bottomLeft()), menu->grab());
    }
    menu->hide();
    saveScreenshot(picture, QStringLiteral("worker-menu.png"));

    // A profile of the leaf's node: the worker running here and its log.
    m_window->openProfile(leafProfile());
    QCOMPARE(m_window->workerMenu()->control()->config().path(), m_leafIni);
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: running here (pid %1)").arg(self));
    QVERIFY(stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->findChild<QPlainTextEdit *>(QStringLiteral("nodeLog"))
            ->toPlainText()
            .contains(QStringLiteral("%1 INFO worker of leaf node 'dst1'").arg(self)),
        10000);
    QVERIFY(m_window->openConfig(m_leafIni));
    QTRY_VERIFY(pause->isEnabled() && !resume->isEnabled());

    // Pause and Resume from the menu, each noted in the worker's log.
    const QString pauseLine = operatorLine(QStringLiteral("pause node dst1"));
    const QString resumeLine = operatorLine(QStringLiteral("resume node dst1"));
    const qsizetype pausesBefore = leafLog().count(pauseLine);
    const qsizetype resumesBefore = leafLog().count(resumeLine);
    pause->trigger();
    QTRY_VERIFY(resume->isEnabled() && !pause->isEnabled());
    QCOMPARE(leafLog().count(pauseLine), pausesBefore + 1);
    resume->trigger();
    QTRY_VERIFY(pause->isEnabled() && !resume->isEnabled());
    QCOMPARE(leafLog().count(resumeLine), resumesBefore + 1);

    // Stop asks first, naming the node and where it runs; Cancel keeps it.
    stop->trigger();
    QTRY_VERIFY(shownBox(QStringLiteral("confirmStopWorker")));
    saveScreenshot(m_window.get(), shownBox(QStringLiteral("confirmStopWorker")),
                   QStringLiteral("confirm-stop.png"));
    QCOMPARE(
        answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerCancel")),
        QStringLiteral("Stop the worker of node dst1?\nIt runs here, inside this Ferry (pid "
                       "%1). Replication to dst1 stops until its worker is started again.")
            .arg(self));
    QTest::qWait(300);
    QCOMPARE(m_window->workerMenu()->control()->mode(), Mode::RunningHere);
    QCOMPARE(PidFile::runningPid(pidFile(kLeafJob)), std::optional<qint64>(self));
    const QString stopLine
        = operatorLine(QStringLiteral("stop worker of node dst1 (pid %1)").arg(self));
    QVERIFY(!leafLog().contains(stopLine));

    // Stop: the thread ends off the UI thread, the pidfile goes.
    {
        Heartbeat heartbeat;
        stop->trigger();
        QVERIFY(
            answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerStop"))
                .startsWith(QStringLiteral("Stop the worker of node dst1?")));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->workerMenu()->control()->mode(), Mode::NotRunning,
                                  5000);
        qInfo("longest UI heartbeat gap while the worker here stopped: %lld ms",
              heartbeat.maxGap());
        QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    }
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
    // Noted before the worker's own last line.
    const QString log = leafLog();
    QVERIFY2(log.contains(stopLine), qPrintable(log.right(2000)));
    QVERIFY(log.indexOf(stopLine)
            < log.lastIndexOf(QStringLiteral("%1 INFO leaf_job: worker stopped").arg(self)));
    // The menu follows the control's next state change event.
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: not running"));
    QVERIFY(start->isEnabled());
    QVERIFY(startDaemon->isEnabled());
    QVERIFY(!stop->isEnabled());
    // The tray sees it too: the leaf's worker is not running.
    QTRY_COMPARE(m_tray->control(m_leafIni)->mode(), Mode::NotRunning);
    QTRY_COMPARE(m_tray->state(), TrayState::Warning);
    // mode() reads the thread at once; the tray's summary follows its control's next
    // change event.
    QTRY_VERIFY2(m_tray->toolTip().contains(QStringLiteral("leaf_job: worker not running")),
                 qPrintable(m_tray->toolTip()));

    // Start (here) again from the menu: noted before the worker's "started".
    const QString startLine = operatorLine(QStringLiteral("start worker of node dst1 here"));
    const qsizetype startsBefore = leafLog().count(startLine);
    start->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state->text(),
                              QStringLiteral("Worker: running here (pid %1)").arg(self), 10000);
    QCOMPARE(leafLog().count(startLine), startsBefore + 1);
    QVERIFY(leafLog().lastIndexOf(startLine)
            < leafLog().lastIndexOf(QStringLiteral("%1 INFO leaf_job: worker started").arg(self)));
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              15000);
}

void TestTray::daemonIsShownAndStopped()
{
    auto *state = workerAction(QStringLiteral("actionWorkerState"));
    auto *stop = workerAction(QStringLiteral("actionWorkerStop"));
    auto *startDaemon = workerAction(QStringLiteral("actionWorkerStartDaemon"));
    WorkerControl *control = m_window->workerMenu()->control();
    stop->trigger();
    QVERIFY(answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerStop"))
                .startsWith(QStringLiteral("Stop the worker of node dst1?")));
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 5000);

    // A worker started with `ferry -d` outside this process.
    const auto run
        = ferry::test::runFerry(QStringLiteral(FERRY_CLI),
                                {QStringLiteral("-d"), m_leafIni, QStringLiteral("worker")}, 30000);
    const qint64 pid = ferry::test::readText(pidFile(kLeafJob)).trimmed().toLongLong();
    if (pid > 1)
        m_daemons.append(pid);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::Daemon, 5000);
    QCOMPARE(control->daemonPid(), pid);
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: running as daemon (pid %1)").arg(pid));
    QVERIFY(stop->isEnabled());
    QVERIFY(!startDaemon->isEnabled());
    QTRY_COMPARE(m_tray->control(m_leafIni)->mode(), Mode::Daemon);
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              15000);

    // Stop from the menu: it asks, naming the daemon's pid; then SIGTERM
    // through the pidfile, waited for off the UI thread.
    {
        Heartbeat heartbeat;
        stop->trigger();
        QCOMPARE(
            answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerStop")),
            QStringLiteral("Stop the worker of node dst1?\nIt runs as a daemon (pid %1). "
                           "Replication to dst1 stops until its worker is started again.")
                .arg(pid));
        QCOMPARE(control->mode(), Mode::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 10000);
        qInfo("longest UI heartbeat gap while the daemon stopped: %lld ms", heartbeat.maxGap());
        QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    }
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
    QTRY_VERIFY(!ferry::test::processAlive(pid));
    QVERIFY(leafLog().contains(QStringLiteral("%1 INFO leaf_job: worker stopped").arg(pid)));
    // ferry-gui noted the stop before the daemon's last line.
    const QString stopLine
        = operatorLine(QStringLiteral("stop worker of node dst1 (pid %1)").arg(pid));
    QVERIFY2(leafLog().contains(stopLine), qPrintable(leafLog().right(2000)));
    QVERIFY(leafLog().indexOf(stopLine)
            < leafLog().indexOf(QStringLiteral("%1 INFO leaf_job: worker stopped").arg(pid)));

    // Start as Daemon from the menu runs `ferry -d`, noted, then stop it again.
    const QString daemonLine = operatorLine(QStringLiteral("start worker of node dst1 as daemon"));
    QVERIFY(!leafLog().contains(daemonLine));
    startDaemon->trigger();
    QCOMPARE(control->mode(), Mode::Starting);
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::Daemon, 15000);
    const qint64 second = control->daemonPid();
    m_daemons.append(second);
    QVERIFY(second > 1 && second != pid);
    QCOMPARE(ferry::test::readText(pidFile(kLeafJob)), QStringLiteral("%1\n").arg(second));
    QVERIFY(control->lastError().isEmpty());
    QVERIFY(leafLog().contains(daemonLine));
    QVERIFY(leafLog().indexOf(daemonLine)
            < leafLog().indexOf(QStringLiteral("%1 INFO leaf_job: worker started").arg(second)));
    stop->trigger();
    answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerStop"));
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 10000);
    QTRY_VERIFY(!ferry::test::processAlive(second));
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));

    // A start here while a daemon holds the pidfile fails with the one-line reason.
    const auto again
        = ferry::test::runFerry(QStringLiteral(FERRY_CLI),
                                {QStringLiteral("-d"), m_leafIni, QStringLiteral("worker")}, 30000);
    const qint64 third = ferry::test::readText(pidFile(kLeafJob)).trimmed().toLongLong();
    if (third > 1)
        m_daemons.append(third);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QSignalSpy failed(control, &WorkerControl::actionFailed);
    QTRY_COMPARE(control->mode(), Mode::Daemon);
    control->start(); // the menu offers no Start now; the control still refuses it cleanly
    QTRY_COMPARE_WITH_TIMEOUT(m_registry->worker(m_leafIni)->state(), WorkerThread::State::Failed,
                              5000);
    const QString already = QStringLiteral("job leaf_job is already running (pid %1, pidfile %2)")
                                .arg(third)
                                .arg(pidFile(kLeafJob));
    QCOMPARE(m_registry->worker(m_leafIni)->lastError(), already);
    // Still shown where it runs, once the failed start has settled.
    QTRY_COMPARE(control->mode(), Mode::Daemon);
    // The failed start says why, once.
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(1).toString(), already);
    const QString said
        = answerBox(QStringLiteral("workerActionError"), QStringLiteral("workerActionErrorClose"));
    QVERIFY2(said.startsWith(QStringLiteral("The worker of node dst1 could not start.\n") + already
                             + QStringLiteral("\n\nFix the cause (the worker's log ")),
             qPrintable(said));
    stop->trigger();
    answerBox(QStringLiteral("confirmStopWorker"), QStringLiteral("confirmStopWorkerStop"));
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 10000);
    QTRY_VERIFY(!ferry::test::processAlive(third));
    QCOMPARE(failed.count(), 1);

    // Back to a worker here for the tests that follow.
    workerAction(QStringLiteral("actionWorkerStart"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::RunningHere, 10000);
}

void TestTray::failedPauseShowsTheReason()
{
    // A config whose database does not answer: nothing listens on port 1.
    const QString closedIni = writeConfig(
        QStringLiteral("closed.ini"),
        QStringLiteral("host=127.0.0.1 port=1 dbname=dst1 user=postgres connect_timeout=5"),
        QStringLiteral("closed_job"));
    MainWindow window(m_store.get());
    window.resize(MainWindow::defaultSize());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openConfig(closedIni));
    auto *state = window.findChild<QAction *>(QStringLiteral("actionWorkerState"));
    auto *pause = window.findChild<QAction *>(QStringLiteral("actionWorkerPause"));
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: not running"));
    QVERIFY(pause->isEnabled()); // paused or not: unknown, the status cannot be read
    WorkerControl *control = window.workerMenu()->control();
    QSignalSpy failed(control, &WorkerControl::actionFailed);
    pause->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    const QString reason = control->lastError();
    QVERIFY2(reason.contains(QStringLiteral("127.0.0.1")) && reason.contains(QStringLiteral("1"))
                 && !reason.contains(QLatin1Char('\n')),
             qPrintable(reason));
    // The whole reason where the user sees it, and what to do.
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = shownBox(QStringLiteral("workerActionError"))));
    QCOMPARE(box->parentWidget(), &window);
    QCOMPARE(box->windowModality(), Qt::WindowModal);
    QCOMPARE(box->text(), QStringLiteral("Node postgres@127.0.0.1:1/dst1 could not be paused."));
    // A failed connection gets its cause's advice (here: nothing listens).
    QCOMPARE(box->informativeText(),
             reason
                 + QStringLiteral("\n\nNo server answers at this host and port: check them, and "
                                  "that the server runs and listens there."));
    // The state line's tooltip keeps it; the status bar has the short form.
    QCOMPARE(state->toolTip(), reason);
    QCOMPARE(window.statusBar()->currentMessage(), box->text());
    saveScreenshot(&window, box, QStringLiteral("pause-failed.png"));
    box->findChild<QPushButton *>(QStringLiteral("workerActionErrorClose"))->click();
    QTRY_VERIFY(!shownBox(QStringLiteral("workerActionError")));
    // Nothing happened to the node: nothing noted in its log.
    QVERIFY(!QFileInfo::exists(logFile(QStringLiteral("closed_job"))));
}

void TestTray::keepInBackgroundEditsTheTray()
{
    auto *keep = workerAction(QStringLiteral("actionKeepInBackground"));
    QVERIFY(keep->isChecked());
    keep->trigger(); // off
    QVERIFY(!keep->isChecked());
    QCOMPARE(TrayController::backgroundConfigs(m_store.get()), QStringList{m_rootIni});
    QCOMPARE(m_tray->controls().size(), 1);
    QCOMPARE(m_tray->control(m_leafIni), nullptr);
    // Its worker keeps running: only the tray stopped watching it.
    QCOMPARE(m_window->workerMenu()->control()->mode(), Mode::RunningHere);
    keep->trigger(); // on again
    QCOMPARE(TrayController::backgroundConfigs(m_store.get()), (QStringList{m_rootIni, m_leafIni}));
    QCOMPARE(m_tray->controls().size(), 2);
    QTRY_COMPARE(m_tray->control(m_leafIni)->mode(), Mode::RunningHere);
    QTRY_VERIFY2_WITH_TIMEOUT(m_tray->state() == TrayState::Ok, qPrintable(m_tray->toolTip()),
                              15000);
}

void TestTray::quitAsksFirst()
{
    // Both workers run here, the window shows the leaf's config.
    QCOMPARE(m_registry->activeConfigs().size(), 2);
    const QString said
        = QStringLiteral("Quit Ferry and stop the workers running in it?\nRunning here: leaf_job "
                         "(postgres@127.0.0.1:%1/dst1), root_job (postgres@127.0.0.1:%2/"
                         "digoal_01). Replication through their nodes stops until their workers "
                         "are started again.")
              .arg(m_leaf->port())
              .arg(m_root->port());
    // File > Quit (Ctrl+Q): Cancel keeps everything running and the window open.
    auto *quit = m_window->findChild<QAction *>(QStringLiteral("actionQuit"));
    QCOMPARE(quit->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = shownBox(QStringLiteral("confirmQuit"))));
    QCOMPARE(box->parentWidget(), m_window.get());
    QCOMPARE(box->windowModality(), Qt::WindowModal);
    // Hide to Tray only where a tray exists (not offscreen).
    QCOMPARE(box->findChild<QPushButton *>(QStringLiteral("confirmQuitHide")) != nullptr,
             TrayController::isTrayAvailable());
    QCOMPARE(answerBox(QStringLiteral("confirmQuit"), QStringLiteral("confirmQuitCancel")), said);
    QTest::qWait(300);
    QVERIFY(m_window->isVisible());
    QCOMPARE(m_registry->activeConfigs().size(), 2);
    QCOMPARE(m_window->workerMenu()->control()->mode(), Mode::RunningHere);

    // Quit: the workers stop cleanly, the window closes, and each worker's log
    // says who stopped it.
    const QString quitLine
        = operatorLine(QStringLiteral("stop worker of node postgres@127.0.0.1:%1/dst1 (pid %2)")
                           .arg(m_leaf->port())
                           .arg(QCoreApplication::applicationPid()));
    const qsizetype quitsBefore = leafLog().count(quitLine);
    {
        Heartbeat heartbeat;
        quit->trigger();
        QCOMPARE(answerBox(QStringLiteral("confirmQuit"), QStringLiteral("confirmQuitQuit")), said);
        QTRY_VERIFY_WITH_TIMEOUT(!m_registry->hasActiveWorkers(), 5000);
        QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    }
    QTRY_VERIFY(!m_window->isVisible());
    for (const QString &job : {kRootJob, kLeafJob})
        QVERIFY(!QFileInfo::exists(pidFile(job)));
    QVERIFY2(leafLog().count(quitLine) == quitsBefore + 1, qPrintable(leafLog().right(1500)));

    // Started again (the tray's controls) for the tray's Quit.
    m_tray->control(m_rootIni)->start();
    m_tray->control(m_leafIni)->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->control(m_rootIni)->mode(), Mode::RunningHere, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->control(m_leafIni)->mode(), Mode::RunningHere, 10000);
}

void TestTray::quitStopsWorkers()
{
    QVERIFY(m_registry->hasActiveWorkers());
    auto *quit = m_tray->menu()->findChild<QAction *>(QStringLiteral("actionTrayQuit"));
    // The tray's Quit asks too (no window to belong to); Cancel keeps them.
    quit->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = shownBox(QStringLiteral("confirmQuit"))));
    QCOMPARE(box->parentWidget(), nullptr);
    QVERIFY(answerBox(QStringLiteral("confirmQuit"), QStringLiteral("confirmQuitCancel"))
                .startsWith(QStringLiteral("Quit Ferry and stop the workers running in it?")));
    QTest::qWait(300);
    QCOMPARE(m_registry->activeConfigs().size(), 2);

    // Where a tray exists the box offers to keep them running there.
    std::optional<QuitConfirmation::Choice> choice;
    QVERIFY(QuitConfirmation::ask(nullptr, m_registry.get(), true,
                                  [&choice](QuitConfirmation::Choice c) { choice = c; }));
    QVERIFY(answerBox(QStringLiteral("confirmQuit"), QStringLiteral("confirmQuitHide"))
                .endsWith(QStringLiteral(" Hide to Tray keeps them running in the background.")));
    QTRY_VERIFY(choice.has_value());
    QCOMPARE(*choice, QuitConfirmation::Choice::HideToTray);
    QCOMPARE(m_registry->activeConfigs().size(), 2);

    Heartbeat heartbeat;
    quit->trigger();
    QVERIFY(answerBox(QStringLiteral("confirmQuit"), QStringLiteral("confirmQuitQuit"))
                .startsWith(QStringLiteral("Quit Ferry and stop the workers running in it?")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_registry->hasActiveWorkers(), 5000);
    QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    for (const QString &job : {kRootJob, kLeafJob}) {
        QVERIFY(!QFileInfo::exists(pidFile(job)));
        QCOMPARE(m_registry
                     ->worker(m_dir.filePath(job == kRootJob ? QStringLiteral("root.ini")
                                                             : QStringLiteral("leaf.ini")))
                     ->state(),
                 WorkerThread::State::Stopped);
    }
}

void TestTray::ferrySignalsFerryGui()
{
    // The real `ferry-gui --tray` in a home of its own, with leaf.ini kept in
    // the background: it runs the leaf's worker and holds its pidfile.
    const QString home = m_dir.filePath(QStringLiteral("home"));
    {
        LocalStore store(home + QStringLiteral("/data/Ferry/ferry-gui/ferry.sqlite"));
        QVERIFY_RESULT(store.open());
        QVERIFY(store.setSetting(TrayController::configsKey(), QStringList{m_leafIni}));
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess gui;
    gui.setProcessEnvironment(env);
    gui.start(QStringLiteral(FERRY_GUI_BINARY), {QStringLiteral("--tray")});
    QVERIFY2(gui.waitForStarted(10000), qPrintable(gui.errorString()));
    const qint64 pid = gui.processId();
    QTRY_COMPARE_WITH_TIMEOUT(ferry::test::readText(pidFile(kLeafJob)),
                              QStringLiteral("%1\n").arg(pid), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        leafLog().contains(QStringLiteral("%1 INFO worker of leaf node 'dst1'").arg(pid)), 10000);

    // `ferry -r`: SIGHUP to ferry-gui, which reloads its workers' configs.
    auto run = ferry::test::runFerry(QStringLiteral(FERRY_CLI),
                                     {QStringLiteral("-r"), m_leafIni, QStringLiteral("worker")});
    QCOMPARE(run.exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        leafLog().contains(QStringLiteral("%1 INFO reloaded config %2").arg(pid).arg(m_leafIni)),
        10000);
    QCOMPARE(gui.state(), QProcess::Running);

    // `ferry -s`: SIGTERM; ferry-gui stops its worker cleanly and quits.
    run = ferry::test::runFerry(QStringLiteral(FERRY_CLI),
                                {QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(run.err, QStringLiteral("ferry: stopped leaf_job (pid %1)\n").arg(pid));
    QVERIFY(gui.waitForFinished(10000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), 0);
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
    QVERIFY(leafLog().contains(QStringLiteral("%1 INFO leaf_job: worker stopped").arg(pid)));
    // No tray offscreen: it said so and showed its window instead.
    if (!TrayController::isTrayAvailable())
        QVERIFY(QString::fromUtf8(gui.readAllStandardError())
                    .contains(QStringLiteral("No system tray found")));
}

QTEST_MAIN(TestTray)
#include "tst_tray.moc"
