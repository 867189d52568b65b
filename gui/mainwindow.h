#pragma once

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace ferry::gui {

class CascadeView;
class EmptyStateWidget;
class LocalStore;

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
    static QSize defaultSize() { return {1000, 640}; }
    // How many configs File > Open Recent remembers.
    static constexpr int kMaxRecentConfigs = 8;

    // Opens the modal About Ferry box (objectName "aboutDialog").
    void showAbout();

    // Loads `path` with JobConfig::load and shows its cascade. On failure the one-line
    // reason (which never holds a password) goes to a window-modal message box
    // (objectName "openConfigError", not exec()'d) and the status bar, and whatever
    // was open stays open.
    bool openConfig(const QString &path);
    void closeConfig();
    // The open config's path; empty when none is open.
    QString configPath() const { return m_configPath; }
    QStringList recentConfigs() const;

    CascadeView *cascadeView() const { return m_cascadeView; }
    // The open config's pages: the cascade (tree and node detail), lag, errors.
    QTabWidget *tabs() const { return m_tabs; }
    LocalStore *store() const { return m_store; }

signals:
    // The first status of an opened config (and its node's detail) are shown.
    void cascadeLoaded();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void setUp();
    void createActions();
    void createMenus();
    void retranslateUi();
    void restoreSettings();
    void saveSettings() const;
    void chooseConfig();
    void rememberRecent(const QString &path);
    void forgetRecent(const QString &path);
    void rebuildRecentMenu();
    void updateForConfig();

    QMenu *m_fileMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_clearRecentAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTabWidget *m_tabs = nullptr;
    EmptyStateWidget *m_emptyState = nullptr;
    CascadeView *m_cascadeView = nullptr;

    std::unique_ptr<LocalStore> m_ownStore;
    LocalStore *m_store = nullptr;

    QString m_configPath;
    QString m_queue;
    QString m_database; // displayName() of the config's db: never a password
};

} // namespace ferry::gui
