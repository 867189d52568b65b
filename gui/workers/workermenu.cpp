#include "workers/workermenu.h"

#include "cascade/cascademonitor.h"
#include "common/localstore.h"
#include "common/messagebox.h"
#include "config/jobconfig.h"
#include "tray/traycontroller.h"
#include "workers/serviceinstalldialog.h"
#include "workers/workerregistry.h"

#include <QCloseEvent>
#include <QEvent>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
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
    , m_serviceOptions(ServiceInstallOptions::systemDefaults())
{
    setObjectName(QStringLiteral("menuWorker"));
    setToolTipsVisible(true); // the state line's tooltip holds the last failure
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
    m_installServiceAction = add(QStringLiteral("actionInstallService"));
    addSeparator();
    m_hideAction = add(QStringLiteral("actionHideToTray"));
    m_closeToTrayAction = add(QStringLiteral("actionCloseToTray"));
    m_closeToTrayAction->setCheckable(true);
    m_closeToTrayAction->setChecked(
        m_store && m_store->setting(TrayController::closeToTrayKey(), false).toBool());

    connect(m_startAction, &QAction::triggered, m_control, &WorkerControl::start);
    connect(m_startDaemonAction, &QAction::triggered, m_control, &WorkerControl::startDaemon);
    connect(m_stopAction, &QAction::triggered, this, &WorkerMenu::askStop);
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
    connect(m_installServiceAction, &QAction::triggered, this, &WorkerMenu::openServiceInstall);
    connect(m_hideAction, &QAction::triggered, this, &WorkerMenu::hideToTray);
    connect(m_closeToTrayAction, &QAction::toggled, this, [this](bool on) {
        if (m_store)
            m_store->setSetting(TrayController::closeToTrayKey(), on);
    });

    connect(m_control, &WorkerControl::changed, this, &WorkerMenu::updateActions);
    connect(m_control, &WorkerControl::actionFailed, this, &WorkerMenu::showFailure);
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
    m_profileWithoutJob = config.path().isEmpty();
    if (m_profileWithoutJob)
        m_control->clearConfig();
    else
        m_control->setConfig(config);
    updateActions();
}

void WorkerMenu::setServiceInstallOptions(const ServiceInstallOptions &options)
{
    m_serviceOptions = options;
    updateActions();
}

QString WorkerMenu::serviceInstallProblem() const
{
    if (!QFileInfo(m_serviceOptions.unitPath).isFile())
        return tr("Install Ferry's package to run workers as services: there is no %1.")
            .arg(m_serviceOptions.unitPath);
    if (!m_control->hasConfig())
        return tr("Open a job's CONFIG.ini (File > Open Config…) to run its worker as a service.");
    return serviceNameProblem(m_control->config().jobName());
}

void WorkerMenu::openServiceInstall()
{
    if (m_serviceDialog) {
        m_serviceDialog->raise();
        m_serviceDialog->activateWindow();
        return;
    }
    if (!serviceInstallProblem().isEmpty())
        return;
    const WorkerControl::Mode mode = m_control->mode();
    const bool runs = mode == WorkerControl::Mode::RunningHere
                      || mode == WorkerControl::Mode::Daemon
                      || mode == WorkerControl::Mode::Starting;
    auto *dialog
        = new ServiceInstallDialog(m_control->config(), m_serviceOptions, runs, parentWidget());
    m_serviceDialog = dialog;
    dialog->open();
}

void WorkerMenu::clearConfig()
{
    m_profileWithoutJob = false;
    m_control->clearConfig();
    updateActions();
}

bool WorkerMenu::interceptClose(QCloseEvent *event)
{
    TrayController *tray = TrayController::instance();
    if (tray && event->spontaneous()) {
        const bool closeToTray
            = m_closeToTrayAction->isChecked() && TrayController::isTrayAvailable();
        if ((closeToTray || tray->isIconVisible()) && tray->activate()) {
            event->ignore();
            if (QWidget *window = parentWidget())
                window->hide();
            return true;
        }
    }
    // This close quits Ferry.
    if (!m_quitConfirmed && WorkerRegistry::instance()->hasActiveWorkers()) {
        event->ignore();
        askQuit();
        return true;
    }
    m_quitConfirmed = false;
    // File > Quit (or the program closing the window): with the icon
    // showing, nothing else would end the application.
    if (tray && !event->spontaneous() && tray->isIconVisible())
        QTimer::singleShot(0, tray, &TrayController::quit);
    return false;
}

void WorkerMenu::askQuit()
{
    if (m_quitBox) {
        m_quitBox->raise();
        return;
    }
    const bool offerTray = TrayController::instance() && TrayController::isTrayAvailable();
    const QPointer<WorkerMenu> self(this);
    m_quitBox = QuitConfirmation::ask(parentWidget(), WorkerRegistry::instance(), offerTray,
                                      [self](QuitConfirmation::Choice choice) {
                                          if (self)
                                              self->answerQuit(choice);
                                      });
}

void WorkerMenu::answerQuit(QuitConfirmation::Choice choice)
{
    switch (choice) {
    case QuitConfirmation::Choice::Quit:
        // The workers leave their pidfiles and node locks cleanly while the
        // window closes; Ferry quits once they ended.
        m_quitConfirmed = true;
        WorkerRegistry::instance()->stopAllAndQuit(WorkerControl::kStopTimeoutMs);
        if (QWidget *window = parentWidget())
            window->close();
        break;
    case QuitConfirmation::Choice::HideToTray:
        hideToTray();
        break;
    case QuitConfirmation::Choice::Cancel:
        break;
    }
}

void WorkerMenu::askStop()
{
    if (!m_control->canStop() || m_stopBox)
        return;
    const QString node = m_control->nodeLabel();
    const QString where = m_control->mode() == WorkerControl::Mode::Daemon
                              ? tr("It runs as a daemon (pid %1).").arg(m_control->daemonPid())
                              : tr("It runs here, inside this Ferry (pid %1).")
                                    .arg(QCoreApplication::applicationPid());
    auto *box = new QMessageBox(parentWidget());
    m_stopBox = box;
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("confirmStopWorker"));
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(tr("Stop Worker"));
    box->setText(tr("Stop the worker of node %1?").arg(node));
    box->setInformativeText(
        where + QLatin1Char(' ')
        + tr("Replication to %1 stops until its worker is started again.").arg(node));
    QPushButton *stop = box->addButton(tr("S&top Worker"), QMessageBox::DestructiveRole);
    stop->setObjectName(QStringLiteral("confirmStopWorkerStop"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("confirmStopWorkerCancel"));
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    // The answer counts for the config it was asked about only.
    const QString path = m_control->config().path();
    connect(box, &QMessageBox::finished, this, [this, box, stop, path] {
        if (box->clickedButton() == stop && m_control->hasConfig()
            && m_control->config().path() == path)
            m_control->stop();
    });
    fitTitle(box);
    box->open();
}

void WorkerMenu::showFailure(WorkerControl::Action action,
                             const QString &reason,
                             const QString &advice)
{
    const QString node = m_control->nodeLabel();
    QString what;
    switch (action) {
    case WorkerControl::Action::Start:
        what = tr("The worker of node %1 could not start.").arg(node);
        break;
    case WorkerControl::Action::StartDaemon:
        what = tr("The worker of node %1 could not start as a daemon.").arg(node);
        break;
    case WorkerControl::Action::Stop:
        what = tr("The worker of node %1 could not be stopped.").arg(node);
        break;
    case WorkerControl::Action::Pause:
        what = tr("Node %1 could not be paused.").arg(node);
        break;
    case WorkerControl::Action::Resume:
        what = tr("Node %1 could not be resumed.").arg(node);
        break;
    }
    // The status bar keeps the short form; the box has the whole reason.
    if (auto *window = qobject_cast<QMainWindow *>(parentWidget()))
        window->statusBar()->showMessage(what, kStatusMessageMs);
    emit message(what);
    // One box: a newer failure replaces what the open one says.
    if (!m_errorBox) {
        m_errorBox = new QMessageBox(parentWidget());
        m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
        m_errorBox->setObjectName(QStringLiteral("workerActionError"));
        m_errorBox->setIcon(QMessageBox::Warning);
        m_errorBox->setWindowTitle(tr("Worker"));
        m_errorBox->setStandardButtons(QMessageBox::Close);
        m_errorBox->button(QMessageBox::Close)
            ->setObjectName(QStringLiteral("workerActionErrorClose"));
        fitTitle(m_errorBox);
    }
    m_errorBox->setText(what);
    m_errorBox->setInformativeText(reason + QStringLiteral("\n\n") + advice);
    m_errorBox->open();
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
    if (!open && m_profileWithoutJob) {
        m_stateAction->setText(tr("Worker: no CONFIG.ini known for this node"));
        m_stateAction->setToolTip(
            tr("Ferry knows no CONFIG.ini of this node: open the job's CONFIG.ini (File > Open "
               "Config…) to start, stop, pause or resume its worker here."));
    } else {
        m_stateAction->setText(m_control->stateText());
        m_stateAction->setToolTip(m_control->lastError());
    }
    m_startAction->setEnabled(m_control->canStart());
    m_startDaemonAction->setEnabled(m_control->canStartDaemon());
    m_stopAction->setEnabled(m_control->canStop());
    m_pauseAction->setEnabled(m_control->canPause());
    m_resumeAction->setEnabled(m_control->canResume());
    m_keepAction->setEnabled(open);
    const QString serviceProblem = serviceInstallProblem();
    m_installServiceAction->setEnabled(serviceProblem.isEmpty());
    m_installServiceAction->setToolTip(
        serviceProblem.isEmpty() ? m_installServiceAction->statusTip() : serviceProblem);
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
    m_installServiceAction->setText(tr("&Install as a Service…"));
    m_installServiceAction->setStatusTip(
        tr("Run this worker as the system service ferry-worker@NAME, started at boot"));
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
