// The tray worker and the Worker menu against a real root and leaf, each in a
// throwaway cluster of its own. TrayHealth's judgement is checked on made-up
// statuses first (there is no system tray offscreen; the state logic does not
// need one); then TrayController runs both workers in this process and turns
// green, red once (with exactly one notification) when the leaf refuses a
// change, green again once fixed, yellow when paused. The main window's
// Worker menu stops the in-process worker, shows a `ferry -d` daemon
// (FERRY_CLI) as running as daemon and stops it, all without stalling the UI.
// Every daemon a test started is killed in cleanupTestCase(), also when a
// test failed.
//
// With FERRY_SCREENSHOT_DIR set, saves tray-menu.png and worker-menu.png there.
#include "app/mainwindow.h"
#include "cascade/cascademonitor.h"
#include "common/localstore.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "replication/tableregistry.h"
#include "rootandleaf.h"
#include "testutil.h"
#include "tray/traycontroller.h"
#include "tray/trayhealth.h"
#include "util/pidfile.h"
#include "workers/workercontrol.h"
#include "workers/workermenu.h"
#include "workers/workerregistry.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
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
    void stateIconsAreColoured();
    void greenWhenWorkersRun();
    void errorTurnsRedOnce();
    void pauseTurnsYellow();
    void lagOverThresholdNotifies();
    void workerMenuControlsTheOpenConfig();
    void daemonIsShownAndStopped();
    void keepInBackgroundEditsTheTray();
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
    QString leafLog() const { return ferry::test::readText(logFile(kLeafJob)); }
    QAction *workerAction(const QString &name) const
    {
        return m_window->findChild<QAction *>(name);
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
        << QStringLiteral("dst1: lag 42s, over 30s");
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
    health.update(configs, TrayController::kDefaultLagThresholdSeconds);
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

    QVERIFY(health.update({config(kLeafJob, ok)}, 30).isEmpty());
    // Into error: one alert, although two configs show the same node.
    auto alerts = health.update({config(kRootJob, stuck), config(kLeafJob, stuck)}, 30);
    QCOMPARE(alerts.size(), 1);
    QVERIFY(alerts.first().error);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: Error — duplicate key"));
    QCOMPARE(health.errors().size(), 1);
    // Still in error: nothing new, also when one config no longer sees it.
    QVERIFY(health.update({config(kRootJob, stuck), config(kLeafJob, stuck)}, 30).isEmpty());
    QVERIFY(health.update({config(kRootJob, ok), config(kLeafJob, stuck)}, 30).isEmpty());
    QCOMPARE(health.state(), TrayState::Error);
    // Fixed, then failing again: a second alert.
    QVERIFY(health.update({config(kLeafJob, ok)}, 30).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);
    QCOMPARE(health.update({config(kLeafJob, stuck)}, 30).size(), 1);
    // Lag over the threshold: one alert (a warning), once.
    QVERIFY(health.update({config(kLeafJob, ok)}, 30).isEmpty());
    alerts = health.update({config(kLeafJob, lagging)}, 30);
    QCOMPARE(alerts.size(), 1);
    QVERIFY(!alerts.first().error);
    QCOMPARE(alerts.first().text, QStringLiteral("dst1: lag 31s, over 30s"));
    QCOMPARE(health.state(), TrayState::Warning);
    QVERIFY(health.update({config(kLeafJob, lagging)}, 30).isEmpty());
    // Under a higher threshold it is fine.
    QVERIFY(health.update({config(kLeafJob, lagging)}, 60).isEmpty());
    QCOMPARE(health.state(), TrayState::Ok);
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

void TestTray::greenWhenWorkersRun()
{
    QVERIFY(TrayController::backgroundConfigs(m_store.get()).isEmpty());
    TrayController::setKeptInBackground(m_store.get(), m_rootIni, true);
    TrayController::setKeptInBackground(m_store.get(), m_leafIni, true);
    QCOMPARE(TrayController::backgroundConfigs(m_store.get()), (QStringList{m_rootIni, m_leafIni}));
    QCOMPARE(TrayController::lagThresholdSeconds(m_store.get()), 30.0);

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
    // Above what the root's own lag reaches between two ticks (tick_period 1 s).
    QVERIFY(m_store->setSetting(TrayController::lagThresholdKey(), 3.0));
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
    QVERIFY(notified.at(0).at(1).toString().endsWith(QStringLiteral(", over 3.0s")));
    QCOMPARE(m_tray->state(), TrayState::Warning);

    leaf->setPaused(false);
    QVERIFY(m_store->removeSetting(TrayController::lagThresholdKey()));
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

    // Stop: the thread ends off the UI thread, the pidfile goes.
    {
        Heartbeat heartbeat;
        stop->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->workerMenu()->control()->mode(), Mode::NotRunning,
                                  5000);
        qInfo("longest UI heartbeat gap while the worker here stopped: %lld ms",
              heartbeat.maxGap());
        QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    }
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
    // The menu follows the control's next state change event.
    QTRY_COMPARE(state->text(), QStringLiteral("Worker: not running"));
    QVERIFY(start->isEnabled());
    QVERIFY(startDaemon->isEnabled());
    QVERIFY(!stop->isEnabled());
    // The tray sees it too: the leaf's worker is not running.
    QTRY_COMPARE(m_tray->control(m_leafIni)->mode(), Mode::NotRunning);
    QTRY_COMPARE(m_tray->state(), TrayState::Warning);
    QVERIFY2(m_tray->toolTip().contains(QStringLiteral("leaf_job: worker not running")),
             qPrintable(m_tray->toolTip()));

    // Start (here) again from the menu.
    start->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state->text(),
                              QStringLiteral("Worker: running here (pid %1)").arg(self), 10000);
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

    // Stop from the menu: SIGTERM through the pidfile, waited for off the UI thread.
    {
        Heartbeat heartbeat;
        stop->trigger();
        QCOMPARE(control->mode(), Mode::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 10000);
        qInfo("longest UI heartbeat gap while the daemon stopped: %lld ms", heartbeat.maxGap());
        QVERIFY2(heartbeat.maxGap() < 100, qPrintable(QString::number(heartbeat.maxGap())));
    }
    QVERIFY(!QFileInfo::exists(pidFile(kLeafJob)));
    QTRY_VERIFY(!ferry::test::processAlive(pid));
    QVERIFY(leafLog().contains(QStringLiteral("%1 INFO leaf_job: worker stopped").arg(pid)));

    // Start as Daemon from the menu runs `ferry -d`, then stop it again.
    startDaemon->trigger();
    QCOMPARE(control->mode(), Mode::Starting);
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::Daemon, 15000);
    const qint64 second = control->daemonPid();
    m_daemons.append(second);
    QVERIFY(second > 1 && second != pid);
    QCOMPARE(ferry::test::readText(pidFile(kLeafJob)), QStringLiteral("%1\n").arg(second));
    QVERIFY(control->lastError().isEmpty());
    stop->trigger();
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
    QCOMPARE(m_registry->worker(m_leafIni)->lastError(),
             QStringLiteral("job leaf_job is already running (pid %1, pidfile %2)")
                 .arg(third)
                 .arg(pidFile(kLeafJob)));
    QCOMPARE(control->mode(), Mode::Daemon); // still shown where it runs
    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::NotRunning, 10000);
    QTRY_VERIFY(!ferry::test::processAlive(third));
    QCOMPARE(failed.count(), 0);

    // Back to a worker here for the tests that follow.
    workerAction(QStringLiteral("actionWorkerStart"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(control->mode(), Mode::RunningHere, 10000);
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

void TestTray::quitStopsWorkers()
{
    QVERIFY(m_registry->hasActiveWorkers());
    Heartbeat heartbeat;
    m_tray->menu()->findChild<QAction *>(QStringLiteral("actionTrayQuit"))->trigger();
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
