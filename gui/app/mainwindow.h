#pragma once

#include "config/jobconfig.h"

#include <QMainWindow>

#include <memory>
#include <optional>

class QAction;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;
class QToolBar;

namespace ferry::gui {

class CascadeActions;
class CascadeView;
class CompareView;
class ExecuteView;
class EmptyStateWidget;
class ErrorLogView;
class LagChartWidget;
class LagHistory;
class LocalStore;
class WorkerMenu;
struct ConnectionProfile;
struct StatusReply;

// The desktop manager's main window: the empty state until a job's CONFIG.ini is
// opened (File > Open Config…, the recent list, or `ferry-gui CONFIG.ini`), then the
// live view of that node's cascade. Lag charts and the error log join it as core
// grows. Geometry, window state and the recent configs are kept in QSettings.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Uses the store at LocalStore::defaultPath(), owned by the window.
    explicit MainWindow(QWidget *parent = nullptr);
    // Uses `store` (opened by the caller, outliving the window).
    explicit MainWindow(LocalStore *store, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The size of a first start, before any geometry was saved.
    // It fits a 1366x768 screen with a panel and the window's frame.
    static QSize defaultSize() { return {1000, 640}; }
    // How many configs File > Open Recent remembers.
    static constexpr int kMaxRecentConfigs = 8;

    // Opens the window-modal About Ferry box (objectName "aboutDialog"), not exec()'d.
    void showAbout();

    // Loads `path` with JobConfig::load and shows its cascade. On failure the one-line
    // reason (which never holds a password) goes to a window-modal message box
    // (objectName "openConfigError", not exec()'d) and the status bar, and whatever
    // was open stays open.
    bool openConfig(const QString &path);
    // Opens the first of recentConfigs(), as `ferry-gui` does at its start.
    // One that is gone leaves the list with a line in the status bar, no
    // message box. False when nothing was opened.
    bool reopenLastConfig();
    void closeConfig();
    // Shows a saved profile's cascade: its CONFIG.ini when it was imported from
    // one, else a config made of the profile (with the worker and log of the
    // node's job when Ferry knows it: knownJobOfNode). A keychain password is read first
    // (asynchronously); failures go to the same message box as openConfig's.
    void openProfile(const ferry::gui::ConnectionProfile &profile);
    // File > Connection Profiles (window-modal, returns at once).
    void showProfiles();
    // The open config's path; empty when none is open.
    QString configPath() const { return m_configPath; }
    QStringList recentConfigs() const;

    CascadeView *cascadeView() const { return m_cascadeView; }
    // The open config's pages: the cascade (tree and node detail), lag, errors, compare,
    // execute.
    QTabWidget *tabs() const { return m_tabs; }
    LocalStore *store() const { return m_store; }
    // Worker: start, stop, pause the open config's worker; the tray.
    WorkerMenu *workerMenu() const { return m_workerMenu; }
    LagChartWidget *lagChart() const { return m_lagChart; }
    ErrorLogView *errorLog() const { return m_errorLog; }
    CompareView *compareView() const { return m_compareView; }
    ExecuteView *executeView() const { return m_executeView; }
    // The Replication menu's actions, also in the toolbar and the context menus.
    CascadeActions *cascadeActions() const { return m_cascadeActions; }
    // The toolbar (objectName "mainToolBar") with the common actions.
    QToolBar *toolBar() const { return m_toolBar; }

signals:
    // The first status of an opened config (and its node's detail) are shown.
    void cascadeLoaded();
    // Replication > New Root…: a new cascade is to be made.
    void newRootRequested();
    // Add Leaf… on a node: a new leaf is to be made with `providerNode` as provider.
    void addLeafRequested(const QString &providerNode);
    // Add Tables… on a node: tables are to be chosen for `nodeName`.
    void addTablesRequested(const QString &nodeName);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void setUp();
    // Replication > New Root, Add Leaf, Add Tables open their wizards
    // (wizardlaunch.cpp); what a wizard made is shown when it is done.
    void connectWizards();
    void openNewRootWizard();
    void openNewLeafWizard(const QString &providerNode);
    void openAddTablesWizard(const QString &nodeName);
    void createActions();
    void createMenus();
    void createCascadeActions();
    void retranslateUi();
    void restoreSettings();
    void importLegacySettings();
    void saveSettings() const;
    void chooseConfig();
    void openProfileWith(const ConnectionProfile &profile, const QString &password);
    void showOpenError(const QString &what, const QString &reason);
    // `configPath` empty: a profile without CONFIG.ini. `title` and `toolTip`
    // name the job in the window title and the status bar. `workerJob`: the
    // job whose worker the Worker menu controls, when not `config` (a
    // profile of a node whose job Ferry knows).
    void showJob(const JobConfig &config,
                 const QString &configPath,
                 const QString &title,
                 const QString &toolTip,
                 const std::optional<JobConfig> &workerJob = std::nullopt);
    void rememberRecent(const QString &path);
    void forgetRecent(const QString &path);
    void rebuildRecentMenu();
    void updateForConfig();
    void recordLag(const StatusReply &reply);

    QMenu *m_fileMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_cascadeMenu = nullptr;
    QToolBar *m_toolBar = nullptr;
    CascadeActions *m_cascadeActions = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_profilesAction = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_clearRecentAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTabWidget *m_tabs = nullptr;
    ErrorLogView *m_errorLog = nullptr;
    CompareView *m_compareView = nullptr;
    ExecuteView *m_executeView = nullptr;
    EmptyStateWidget *m_emptyState = nullptr;
    CascadeView *m_cascadeView = nullptr;
    WorkerMenu *m_workerMenu = nullptr;
    LagChartWidget *m_lagChart = nullptr;
    std::unique_ptr<LagHistory> m_lagHistory;

    std::unique_ptr<LocalStore> m_ownStore;
    LocalStore *m_store = nullptr;

    QString m_configPath; // empty also for a profile without CONFIG.ini
    QString m_jobTitle;   // the CONFIG.ini's file name or the profile's name
    QString m_jobToolTip; // its path or the profile's address
    QString m_queue;
    QString m_database; // displayName() of the config's db: never a password
};

} // namespace ferry::gui
