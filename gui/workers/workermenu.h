#pragma once

#include "workers/quitconfirmation.h"
#include "workers/serviceinstall.h"
#include "workers/workercontrol.h"

#include <QMenu>
#include <QPointer>

class QCloseEvent;
class QMessageBox;

namespace ferry::gui {

class CascadeMonitor;
class LocalStore;

// The main window's Worker menu (objectName "menuWorker") for the open
// config: its worker's state, Start (here), Start as Daemon, Stop, Pause,
// Resume, each enabled when it applies; Keep Worker Running in Background
// (the tray's list, LocalStore tray/configs); Hide to Tray and Close to Tray
// (LocalStore tray/closeToTray), offered where a system tray exists.
//
// Stop asks first (a window-modal box, objectName "confirmStopWorker", naming
// the node and where its worker runs). An action that fails shows its reason
// and what to do in a window-modal box ("workerActionError") and as the
// state line's tooltip. A connection profile opened without a CONFIG.ini of
// a node Ferry knows has no worker here: the state line says so.
//
// Install as a Service… (ServiceInstallDialog) runs the open config's worker
// as ferry-worker@NAME: offered where the package's unit file exists, for a
// config whose job_name can name an instance; otherwise disabled with a
// tooltip that says why.
//
// It lives in its own class so the window only hands it the open config and
// asks it about closing.
class WorkerMenu : public QMenu
{
    Q_OBJECT

public:
    // `monitor`: the window's status reads of the open config (for paused).
    WorkerMenu(LocalStore *store, CascadeMonitor *monitor, QWidget *parent = nullptr);
    ~WorkerMenu() override;

    // A config without a path (a connection profile of a node whose job Ferry
    // does not know) leaves the menu without a worker, saying why.
    void setConfig(const JobConfig &config);
    void clearConfig();
    WorkerControl *control() const { return m_control; }

    // Where the service's unit and configs live and how root is reached
    // (ServiceInstallOptions::systemDefaults() unless set).
    void setServiceInstallOptions(const ServiceInstallOptions &options);
    const ServiceInstallOptions &serviceInstallOptions() const { return m_serviceOptions; }

    // For the window's closeEvent(): true when the window stays (the event is
    // then ignored). A close the user asked for on the window's frame hides
    // it in the tray when Close to Tray is on or the tray already shows. Any
    // other close quits Ferry (with the tray showing, File > Quit quits it
    // too): while workers run in this process it first asks
    // (QuitConfirmation), and on Quit stops them, then quits.
    bool interceptClose(QCloseEvent *event);

signals:
    // A one-line result for the status bar (an action that failed).
    void message(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateActions();
    void hideToTray();
    void askStop();
    void openServiceInstall();
    // Why Install as a Service is not offered now; empty when it is.
    QString serviceInstallProblem() const;
    void askQuit();
    void answerQuit(QuitConfirmation::Choice choice);
    void showFailure(WorkerControl::Action action, const QString &reason, const QString &advice);

    LocalStore *m_store = nullptr;
    CascadeMonitor *m_monitor = nullptr;
    WorkerControl *m_control = nullptr;
    QAction *m_stateAction = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_startDaemonAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_resumeAction = nullptr;
    QAction *m_keepAction = nullptr;
    QAction *m_hideAction = nullptr;
    QAction *m_closeToTrayAction = nullptr;
    QAction *m_installServiceAction = nullptr;
    ServiceInstallOptions m_serviceOptions;
    bool m_profileWithoutJob = false; // setConfig() got a config without a path
    bool m_quitConfirmed = false;
    QPointer<QMessageBox> m_stopBox;
    QPointer<QMessageBox> m_quitBox;
    QPointer<QMessageBox> m_errorBox;
    QPointer<QDialog> m_serviceDialog;
};

} // namespace ferry::gui
