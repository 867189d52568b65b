#pragma once

#include <QMenu>

class QCloseEvent;

namespace ferry {
class JobConfig;
}

namespace ferry::gui {

class CascadeMonitor;
class LocalStore;
class WorkerControl;

// The main window's Worker menu (objectName "menuWorker") for the open
// config: its worker's state, Start (here), Start as Daemon, Stop, Pause,
// Resume, each enabled when it applies; Keep Worker Running in Background
// (the tray's list, LocalStore tray/configs); Hide to Tray and Close to Tray
// (LocalStore tray/closeToTray), offered where a system tray exists.
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

    void setConfig(const JobConfig &config);
    void clearConfig();
    WorkerControl *control() const { return m_control; }

    // For the window's closeEvent(): true when the window hid in the tray
    // instead of closing (the event is then ignored). A close the user asked
    // for on the window's frame hides it when Close to Tray is on or the tray
    // already shows; a close from the program or File > Quit, with the tray
    // showing, quits the application (the workers stop first).
    bool hideToTrayOnClose(QCloseEvent *event);

signals:
    // A one-line result for the status bar (an action that failed).
    void message(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateActions();
    void hideToTray();

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
};

} // namespace ferry::gui
