#pragma once

#include "tray/trayhealth.h"

#include <QIcon>
#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QMenu;
class QMessageBox;
class QSystemTrayIcon;

namespace ferry::gui {

class CascadeMonitor;
class LocalStore;
class WorkerControl;
class WorkerRegistry;

// ferry-gui in the background (`ferry-gui --tray`, Worker > Hide to Tray):
// keeps the workers of the configs chosen with Worker > Keep Worker Running
// in Background (LocalStore key tray/configs) running on threads of this
// process, watches their cascades (one CascadeMonitor each, off the UI
// thread) and shows the result as a green, yellow or red icon with a menu:
// Open Ferry, Pause All, Resume All, Quit. It notifies once when a node turns
// to error or its lag goes over its threshold (LagThreshold: the node's own or
// the default, 30 s unless set).
//
// A worker that already runs elsewhere on this machine (`ferry -d`, another
// window) is left there and watched. The judgement lives in TrayHealth and
// works without a system tray (offscreen, or a desktop without one); then
// only the icon is missing.
class TrayController : public QObject
{
    Q_OBJECT

public:
    // `registry` null: WorkerRegistry::instance(). `store` outlives this.
    explicit TrayController(LocalStore *store,
                            WorkerRegistry *registry = nullptr,
                            QObject *parent = nullptr);
    ~TrayController() override;

    // The controller of this process (the first one made); may be null.
    static TrayController *instance();
    // A system tray to put the icon in exists.
    static bool isTrayAvailable();

    // The LocalStore keys (the lag thresholds are LagThreshold's).
    static QString configsKey() { return QStringLiteral("tray/configs"); }
    static QString closeToTrayKey() { return QStringLiteral("tray/closeToTray"); }
    // The absolute paths of the configs whose workers run in the background.
    static QStringList backgroundConfigs(const LocalStore *store);
    static void setKeptInBackground(LocalStore *store, const QString &configPath, bool keep);

    // Starts watching the background configs, starts the workers no one runs
    // and shows the icon where a tray exists; returns whether it shows.
    bool activate();
    bool isActive() const { return m_active; }
    bool isIconVisible() const;
    // Reads tray/configs again (the Worker menu changed it); new configs
    // are watched and their workers started, dropped ones only unwatched.
    void reloadConfigs();
    void setRefreshIntervalSeconds(int seconds);

    TrayState state() const { return m_health.state(); }
    // What the tray knows of each of its configs, in tray/configs order.
    QList<TrayConfigStatus> configStatuses() const;
    // The watched config the window should show when it has none open.
    QString configToShow() const { return gui::configToShow(configStatuses()); }
    const TrayHealth &health() const { return m_health; }
    QString toolTip() const { return m_health.toolTip(); }
    // A green, yellow or red dot on the application icon.
    static QIcon stateIcon(TrayState state);
    QMenu *menu() const { return m_menu.get(); }
    QList<WorkerControl *> controls() const;
    WorkerControl *control(const QString &configPath) const;
    CascadeMonitor *monitor(const QString &configPath) const;

    void pauseAll();
    void resumeAll();
    // The menu's Quit: while workers run here, asks first (QuitConfirmation,
    // without a parent window), then quit(); Hide to Tray hides the windows.
    void requestQuit();
    // Stops this process's workers (without blocking), then quits; asks
    // nothing (SIGTERM from `ferry -s` comes here).
    void quit();

signals:
    void stateChanged();
    // Also shown by the icon where there is one.
    void notified(const QString &title, const QString &message);
    // Open Ferry, the summary line, or a click on the icon: show the main window.
    void openRequested();
    // A config's line in the menu: show the main window with that config.
    void openConfigRequested(const QString &configPath);

private:
    struct Entry;

    // The entry of an absolute CONFIG.ini path; null when there is none.
    Entry *findEntry(const QString &path) const;
    void addEntry(const QString &path);
    void reassess();
    void notify(const TrayAlert &alert);
    void retranslateUi();
    void rebuildConfigActions();
    bool eventFilter(QObject *watched, QEvent *event) override;

    LocalStore *m_store = nullptr;
    WorkerRegistry *m_registry = nullptr;
    std::unique_ptr<QMenu> m_menu; // no parent widget: the tray owns no window
    QAction *m_summaryAction = nullptr;
    QAction *m_configsSeparator = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_pauseAllAction = nullptr;
    QAction *m_resumeAllAction = nullptr;
    QAction *m_quitAction = nullptr;
    QList<QAction *> m_configActions;
    QSystemTrayIcon *m_icon = nullptr;
    std::vector<std::unique_ptr<Entry>> m_entries;
    TrayHealth m_health;
    bool m_active = false;
    bool m_quitting = false;
    QPointer<QMessageBox> m_quitBox;
    int m_intervalSeconds = 2;
};

} // namespace ferry::gui
