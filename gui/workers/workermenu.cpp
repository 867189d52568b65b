#include "workers/workermenu.h"

#include "cascade/cascademonitor.h"
#include "common/localstore.h"
#include "config/jobconfig.h"
#include "tray/traycontroller.h"
#include "workers/workercontrol.h"

#include <QCloseEvent>
#include <QEvent>
#include <QMainWindow>
#include <QStatusBar>
#include <QTimer>

namespace ferry::gui {

namespace {

constexpr int kStatusMessageMs = 10000;

} // namespace

WorkerMenu::WorkerMenu(LocalStore *store, CascadeMonitor *monitor, QWidget *parent)
    : QMenu(parent)
    , m_store(store)
    , m_monitor(monitor)
    , m_control(new WorkerControl(nullptr, this))
{
    setObjectName(QStringLiteral("menuWorker"));
    const auto add = [this](const QString &name) {
        QAction *action = addAction(QString());
        action->setObjectName(name);
        return action;
    };
    m_stateAction = add(QStringLiteral("actionWorkerState"));
    m_stateAction->setEnabled(false); // a line of state, not a command
    addSeparator();
    m_startAction = add(QStringLiteral("actionWorkerStart"));
    m_startDaemonAction = add(QStringLiteral("actionWorkerStartDaemon"));
    m_stopAction = add(QStringLiteral("actionWorkerStop"));
    addSeparator();
    m_pauseAction = add(QStringLiteral("actionWorkerPause"));
    m_resumeAction = add(QStringLiteral("actionWorkerResume"));
    addSeparator();
    m_keepAction = add(QStringLiteral("actionKeepInBackground"));
    m_keepAction->setCheckable(true);
    addSeparator();
    m_hideAction = add(QStringLiteral("actionHideToTray"));
    m_closeToTrayAction = add(QStringLiteral("actionCloseToTray"));
    m_closeToTrayAction->setCheckable(true);
    m_closeToTrayAction->setChecked(
        m_store && m_store->setting(TrayController::closeToTrayKey(), false).toBool());

    connect(m_startAction, &QAction::triggered, m_control, &WorkerControl::start);
    connect(m_startDaemonAction, &QAction::triggered, m_control, &WorkerControl::startDaemon);
    connect(m_stopAction, &QAction::triggered, m_control, &WorkerControl::stop);
    connect(m_pauseAction, &QAction::triggered, m_control, [this] { m_control->setPaused(true); });
    connect(m_resumeAction, &QAction::triggered, m_control,
            [this] { m_control->setPaused(false); });
    connect(m_keepAction, &QAction::toggled, this, [this](bool keep) {
        if (!m_control->hasConfig())
            return;
        TrayController::setKeptInBackground(m_store, m_control->config().path(), keep);
        if (TrayController *tray = TrayController::instance())
            tray->reloadConfigs();
    });
    connect(m_hideAction, &QAction::triggered, this, &WorkerMenu::hideToTray);
    connect(m_closeToTrayAction, &QAction::toggled, this, [this](bool on) {
        if (m_store)
            m_store->setSetting(TrayController::closeToTrayKey(), on);
    });

    connect(m_control, &WorkerControl::changed, this, &WorkerMenu::updateActions);
    connect(m_control, &WorkerControl::actionFailed, this, [this](const QString &error) {
        if (auto *window = qobject_cast<QMainWindow *>(parentWidget()))
            window->statusBar()->showMessage(error, kStatusMessageMs);
        emit message(error);
    });
    if (m_monitor) {
        connect(m_monitor, &CascadeMonitor::statusRead, m_control, &WorkerControl::setStatus);
        // A pause shows in the cascade at once, not at the next refresh.
        connect(m_control, &WorkerControl::nodeChanged, m_monitor, &CascadeMonitor::refresh);
    }
    retranslateUi();
}

WorkerMenu::~WorkerMenu() = default;

void WorkerMenu::setConfig(const JobConfig &config)
{
    // A job opened from a profile without a CONFIG.ini has no pidfile or log
    // of its own to run a worker with.
    if (config.path().isEmpty())
        m_control->clearConfig();
    else
        m_control->setConfig(config);
    updateActions();
}

void WorkerMenu::clearConfig()
{
    m_control->clearConfig();
    updateActions();
}

bool WorkerMenu::hideToTrayOnClose(QCloseEvent *event)
{
    TrayController *tray = TrayController::instance();
    if (!tray)
        return false;
    if (!event->spontaneous()) {
        // File > Quit (or the program closing the window): with the icon
        // showing, nothing else would end the application.
        if (tray->isIconVisible())
            QTimer::singleShot(0, tray, &TrayController::quit);
        return false;
    }
    const bool closeToTray = m_closeToTrayAction->isChecked() && TrayController::isTrayAvailable();
    if (!closeToTray && !tray->isIconVisible())
        return false;
    if (!tray->activate())
        return false;
    event->ignore();
    if (QWidget *window = parentWidget())
        window->hide();
    return true;
}

void WorkerMenu::hideToTray()
{
    TrayController *tray = TrayController::instance();
    if (!tray || !tray->activate())
        return;
    if (QWidget *window = parentWidget())
        window->hide();
}

void WorkerMenu::updateActions()
{
    const bool open = m_control->hasConfig();
    m_stateAction->setText(m_control->stateText());
    m_stateAction->setToolTip(m_control->lastError());
    m_startAction->setEnabled(m_control->canStart());
    m_startDaemonAction->setEnabled(m_control->canStartDaemon());
    m_stopAction->setEnabled(m_control->canStop());
    m_pauseAction->setEnabled(m_control->canPause());
    m_resumeAction->setEnabled(m_control->canResume());
    m_keepAction->setEnabled(open);
    {
        const QSignalBlocker blocker(m_keepAction);
        m_keepAction->setChecked(
            open
            && TrayController::backgroundConfigs(m_store).contains(m_control->config().path()));
    }
    const bool tray = TrayController::instance() && TrayController::isTrayAvailable();
    m_hideAction->setEnabled(tray);
    m_closeToTrayAction->setEnabled(tray);
}

void WorkerMenu::retranslateUi()
{
    setTitle(tr("&Worker"));
    m_startAction->setText(tr("&Start"));
    m_startAction->setStatusTip(tr("Run the open config's worker inside Ferry"));
    m_startDaemonAction->setText(tr("Start as &Daemon"));
    m_startDaemonAction->setStatusTip(
        tr("Run the open config's worker as a daemon (ferry -d CONFIG.ini worker)"));
    m_stopAction->setText(tr("S&top"));
    m_stopAction->setStatusTip(tr("Stop the open config's worker, here or as a daemon"));
    m_pauseAction->setText(tr("&Pause"));
    m_pauseAction->setStatusTip(tr("Hold the node's worker before its next batch"));
    m_resumeAction->setText(tr("&Resume"));
    m_resumeAction->setStatusTip(tr("Let the node's worker apply batches again"));
    m_keepAction->setText(tr("&Keep Worker Running in Background"));
    m_keepAction->setStatusTip(
        tr("Run this worker from the tray whenever Ferry runs there (ferry-gui --tray)"));
    m_hideAction->setText(tr("&Hide to Tray"));
    m_hideAction->setStatusTip(tr("Hide the window; the background workers keep running"));
    m_closeToTrayAction->setText(tr("&Close to Tray"));
    m_closeToTrayAction->setStatusTip(tr("Closing the window keeps Ferry running in the tray"));
    updateActions();
}

void WorkerMenu::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMenu::changeEvent(event);
}

} // namespace ferry::gui
