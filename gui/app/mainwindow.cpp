#include "app/mainwindow.h"

#include "app/application.h"
#include "cascade/cascadeactions.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "common/emptystatewidget.h"
#include "common/localstore.h"
#include "common/messagebox.h"
#include "compare/compareview.h"
#include "config/jobconfig.h"
#include "errors/errorlogview.h"
#include "execute/executeview.h"
#include "lag/lagchartwidget.h"
#include "lag/laghistory.h"
#include "profiles/passwordvault.h"
#include "profiles/profilesdialog.h"
#include "tray/traycontroller.h"
#include "util/version.h"
#include "workers/knownjob.h"
#include "workers/workermenu.h"
#include "workers/workerregistry.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace ferry::gui {

namespace {

constexpr int kStatusMessageMs = 10000;

QString geometryKey()
{
    return QStringLiteral("MainWindow/geometry");
}

QString stateKey()
{
    return QStringLiteral("MainWindow/state");
}

QString recentKey()
{
    return QStringLiteral("recentConfigs");
}

QString lastFolderKey()
{
    return QStringLiteral("lastConfigFolder");
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_ownStore(std::make_unique<LocalStore>())
    , m_store(m_ownStore.get())
{
    // Without its store the window still works; settings are then not kept.
    if (auto opened = m_store->open(); !opened)
        qWarning("%s", qPrintable(opened.error().toString()));
    setUp();
}

MainWindow::MainWindow(LocalStore *store, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
{
    Q_ASSERT(m_store);
    setUp();
}

void MainWindow::setUp()
{
    setObjectName(QStringLiteral("MainWindow"));
    // The product name is not translated.
    setWindowTitle(QStringLiteral("Ferry"));
    setWindowIcon(applicationIcon());

    createActions();
    createMenus();

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_connectionLabel->setContentsMargins(6, 0, 6, 0);
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addWidget(m_connectionLabel, 1);

    m_emptyState = new EmptyStateWidget(this);
    connect(m_emptyState, &EmptyStateWidget::openRequested, this, &MainWindow::chooseConfig);
    m_cascadeView = new CascadeView(this);
    connect(m_cascadeView, &CascadeView::loaded, this, &MainWindow::cascadeLoaded);
    m_workerMenu = new WorkerMenu(m_store, m_cascadeView->monitor(), this);
    createCascadeActions();
    menuBar()->insertMenu(m_helpMenu->menuAction(), m_workerMenu);
    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("centralStack"));
    m_stack->addWidget(m_emptyState);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("configTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_cascadeView, QString());
    m_lagHistory = std::make_unique<LagHistory>(m_store);
    m_lagChart = new LagChartWidget(m_store, this);
    m_tabs->addTab(m_lagChart, QString());
    connect(m_cascadeView->monitor(), &CascadeMonitor::statusRead, this, &MainWindow::recordLag);
    m_errorLog = new ErrorLogView(this);
    m_errorLog->setStore(m_store);
    m_tabs->addTab(m_errorLog, QString());
    connect(m_cascadeView->monitor(), &CascadeMonitor::statusRead, m_errorLog,
            &ErrorLogView::setStatus);
    m_compareView = new CompareView(this);
    m_compareView->setStore(m_store);
    m_tabs->addTab(m_compareView, QString());
    connect(m_cascadeView->monitor(), &CascadeMonitor::statusRead, m_compareView,
            &CompareView::setStatus);
    m_executeView = new ExecuteView(this);
    m_tabs->addTab(m_executeView, QString());
    m_stack->addWidget(m_tabs);
    setCentralWidget(m_stack);

    retranslateUi();
    restoreSettings();
    m_cascadeView->setStore(m_store); // after the import of older settings
    rebuildRecentMenu();
    updateForConfig();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_openAction = new QAction(this);
    m_openAction->setObjectName(QStringLiteral("actionOpenConfig"));
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setIcon(QIcon(QStringLiteral(":/icons/open.svg")));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseConfig);

    m_profilesAction = new QAction(this);
    m_profilesAction->setObjectName(QStringLiteral("actionProfiles"));
    m_profilesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(m_profilesAction, &QAction::triggered, this, &MainWindow::showProfiles);

    m_closeAction = new QAction(this);
    m_closeAction->setObjectName(QStringLiteral("actionCloseConfig"));
    m_closeAction->setShortcut(QKeySequence::Close);
    connect(m_closeAction, &QAction::triggered, this, &MainWindow::closeConfig);

    m_clearRecentAction = new QAction(this);
    m_clearRecentAction->setObjectName(QStringLiteral("actionClearRecent"));
    connect(m_clearRecentAction, &QAction::triggered, this, [this] {
        m_store->removeSetting(recentKey());
        rebuildRecentMenu();
    });

    m_quitAction = new QAction(this);
    m_quitAction->setObjectName(QStringLiteral("actionQuit"));
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::close);

    m_refreshAction = new QAction(this);
    m_refreshAction->setObjectName(QStringLiteral("actionRefresh"));
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setIcon(QIcon(QStringLiteral(":/icons/refresh.svg")));
    connect(m_refreshAction, &QAction::triggered, this, [this] { m_cascadeView->refreshNow(); });

    m_aboutAction = new QAction(this);
    m_aboutAction->setObjectName(QStringLiteral("actionAbout"));
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    m_aboutQtAction = new QAction(this);
    m_aboutQtAction->setObjectName(QStringLiteral("actionAboutQt"));
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createCascadeActions()
{
    m_cascadeActions = new CascadeActions(m_cascadeView, this);
    connect(m_cascadeActions, &CascadeActions::newRootRequested, this,
            &MainWindow::newRootRequested);
    connect(m_cascadeActions, &CascadeActions::addLeafRequested, this,
            &MainWindow::addLeafRequested);
    connect(m_cascadeActions, &CascadeActions::addTablesRequested, this,
            &MainWindow::addTablesRequested);
    connectWizards();
    connect(m_cascadeActions, &CascadeActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, kStatusMessageMs); });

    const CascadeActions *a = m_cascadeActions;
    m_cascadeMenu = new QMenu(this);
    m_cascadeMenu->setObjectName(QStringLiteral("menuReplication"));
    m_cascadeMenu->addAction(a->newRootAction());
    m_cascadeMenu->addAction(a->addLeafAction());
    m_cascadeMenu->addAction(a->addTablesAction());
    m_cascadeMenu->addSeparator();
    m_cascadeMenu->addAction(a->resyncTablesAction());
    m_cascadeMenu->addAction(a->removeTablesAction());
    m_cascadeMenu->addSeparator();
    m_cascadeMenu->addAction(a->pauseAction());
    m_cascadeMenu->addAction(a->resumeAction());
    m_cascadeMenu->addSeparator();
    m_cascadeMenu->addAction(a->dropNodeAction());
    menuBar()->insertMenu(m_helpMenu->menuAction(), m_cascadeMenu);

    m_toolBar = addToolBar(QString());
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_openAction);
    m_toolBar->addAction(m_refreshAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(a->newRootAction());
    m_toolBar->addAction(a->addLeafAction());
    m_toolBar->addAction(a->addTablesAction());
    m_toolBar->addSeparator();
    m_toolBar->addAction(a->pauseAction());
    m_toolBar->addAction(a->resumeAction());
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->setObjectName(QStringLiteral("menuFile"));
    m_fileMenu->addAction(m_openAction);
    m_fileMenu->addAction(m_profilesAction);
    m_recentMenu = m_fileMenu->addMenu(QString());
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    m_fileMenu->addAction(m_closeAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->setObjectName(QStringLiteral("menuView"));
    m_viewMenu->addAction(m_refreshAction);

    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->setObjectName(QStringLiteral("menuHelp"));
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::retranslateUi()
{
    m_tabs->setTabText(m_tabs->indexOf(m_cascadeView), tr("Cascade"));
    m_tabs->setTabText(m_tabs->indexOf(m_lagChart), tr("Lag"));
    m_tabs->setTabText(m_tabs->indexOf(m_errorLog), tr("Errors"));
    m_tabs->setTabText(m_tabs->indexOf(m_compareView), tr("Compare"));
    m_tabs->setTabText(m_tabs->indexOf(m_executeView), tr("Execute"));

    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open Config…"));
    m_openAction->setStatusTip(tr("Open a Ferry job's CONFIG.ini and watch its cascade"));
    m_profilesAction->setText(tr("Connection &Profiles…"));
    m_profilesAction->setStatusTip(tr("Add, test, import and open saved node connections"));
    m_recentMenu->setTitle(tr("Open &Recent"));
    m_clearRecentAction->setText(tr("&Clear List"));
    m_closeAction->setText(tr("&Close Config"));
    m_closeAction->setStatusTip(tr("Stop watching the open config's cascade"));
    m_quitAction->setText(tr("&Quit"));
    m_quitAction->setStatusTip(tr("Close the window and quit Ferry"));

    m_viewMenu->setTitle(tr("&View"));
    m_refreshAction->setText(tr("&Refresh Now"));
    m_refreshAction->setStatusTip(tr("Read the status of every node now"));

    // Alt+I: C, A, S, D and E answer controls of the pages (Compare, Save, Use Default...).
    m_cascadeMenu->setTitle(tr("Repl&ication"));
    m_cascadeActions->retranslateUi();
    m_toolBar->setWindowTitle(tr("Main Toolbar"));
    // Text beside the icons for the toolbar's buttons; the menus keep the full text.
    m_openAction->setIconText(tr("Open"));
    m_openAction->setToolTip(m_openAction->statusTip());
    m_refreshAction->setIconText(tr("Refresh"));
    m_refreshAction->setToolTip(m_refreshAction->statusTip());

    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Ferry"));
    m_aboutAction->setStatusTip(tr("Show the version of Ferry"));
    m_aboutQtAction->setText(tr("About &Qt"));
    m_aboutQtAction->setStatusTip(tr("Show the version of Qt"));

    updateForConfig();
}

void MainWindow::chooseConfig()
{
    // Window-modal and not exec()'d (as getOpenFileName would): no nested event loop.
    auto *dialog = new QFileDialog(this, tr("Open Ferry Config"),
                                   m_store->setting(lastFolderKey()).toString(),
                                   tr("Ferry configs (*.ini);;All files (*)"));
    dialog->setObjectName(QStringLiteral("openConfigDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        if (path.isEmpty())
            return;
        m_store->setSetting(lastFolderKey(), QFileInfo(path).absolutePath());
        openConfig(path);
    });
    dialog->open();
}

bool MainWindow::openConfig(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    auto config = JobConfig::load(absolute);
    if (!config) {
        if (!QFileInfo::exists(absolute))
            forgetRecent(absolute);
        // JobConfig's errors name the file, line and key, never the password.
        showOpenError(QFileInfo(absolute).fileName(), config.error().toString());
        return false;
    }
    showJob(*config, absolute, QFileInfo(absolute).fileName(), absolute);
    rememberRecent(absolute);
    return true;
}

bool MainWindow::reopenLastConfig()
{
    const QString last = recentConfigs().value(0);
    if (last.isEmpty())
        return false;
    if (!QFileInfo::exists(last)) {
        forgetRecent(last);
        statusBar()->showMessage(
            tr("The last config, %1, is gone; it left the recent list.").arg(last),
            kStatusMessageMs);
        return false;
    }
    return openConfig(last);
}

void MainWindow::openProfile(const ConnectionProfile &profile)
{
    if (profile.passwordStore != PasswordStore::Keychain) {
        openProfileWith(profile, QString());
        return;
    }
    statusBar()->showMessage(tr("Reading the password of %1 from the keychain…").arg(profile.name),
                             kStatusMessageMs);
    Keychain::read(profile, this, [this, profile](Result<QString> password) {
        if (!password) {
            showOpenError(profile.name, password.error().toString());
            return;
        }
        openProfileWith(profile, *password);
    });
}

void MainWindow::openProfileWith(const ConnectionProfile &profile, const QString &password)
{
    auto config = profile.jobConfig(password);
    if (!config) {
        showOpenError(profile.name, config.error().toString());
        return;
    }
    if (profile.configPath.isEmpty()) {
        // A node whose job Ferry knows (its worker runs here, the tray keeps
        // it, it was opened before): the Worker menu controls that job's
        // worker and the log pane shows its log; the profile's connection
        // still reads the cascade.
        const auto job
            = knownJobOfNode(*config, TrayController::backgroundConfigs(m_store) + recentConfigs(),
                             WorkerRegistry::instance());
        showJob(job ? job->withDb(config->db()) : *config, QString(), profile.name,
                profile.address(), job);
    } else
        showJob(*config, profile.configPath, QFileInfo(profile.configPath).fileName(),
                profile.configPath);
}

void MainWindow::showProfiles()
{
    // Window-modal and not exec()'d: no nested event loop.
    auto *dialog = new ProfilesDialog(m_store, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ProfilesDialog::openRequested, this, &MainWindow::openProfile);
    dialog->open();
}

void MainWindow::showOpenError(const QString &what, const QString &reason)
{
    statusBar()->showMessage(reason, kStatusMessageMs);
    // Window-modal and not exec()'d: no nested event loop, also when the config
    // came from the command line before the main loop runs.
    openMessageBox(this, QMessageBox::Warning, QStringLiteral("openConfigError"),
                   tr("Cannot Open Config"), tr("Ferry cannot use %1.").arg(what), reason);
}

void MainWindow::showJob(const JobConfig &config,
                         const QString &configPath,
                         const QString &title,
                         const QString &toolTip,
                         const std::optional<JobConfig> &workerJob)
{
    m_configPath = configPath;
    m_jobTitle = title;
    m_jobToolTip = toolTip;
    m_queue = config.queueName();
    m_database = config.db().displayName();
    m_cascadeView->open(config);
    m_workerMenu->setConfig(workerJob ? *workerJob : config);
    m_lagChart->close(); // opens with the config's first status read
    m_errorLog->open(config);
    m_compareView->open(config);
    m_executeView->open(config);
    m_stack->setCurrentWidget(m_tabs);
    updateForConfig();
}

void MainWindow::closeConfig()
{
    m_cascadeView->close();
    m_workerMenu->clearConfig();
    m_lagChart->close();
    m_errorLog->close();
    m_compareView->close();
    m_executeView->close();
    m_configPath.clear();
    m_jobTitle.clear();
    m_jobToolTip.clear();
    m_queue.clear();
    m_database.clear();
    m_stack->setCurrentWidget(m_emptyState);
    updateForConfig();
}

void MainWindow::recordLag(const StatusReply &reply)
{
    // Stored first, so that a chart opened now loads this read with its history.
    m_lagHistory->record(reply);
    // Reads further apart than a few intervals break the chart's lines.
    m_lagChart->setRefreshIntervalSeconds(m_cascadeView->refreshInterval());
    const QString scope = reply.ok ? LagHistory::scopeOf(reply.status) : QString();
    if (!scope.isEmpty() && scope != m_lagChart->scope()) {
        QStringList nodes;
        for (const NodeStatus &n : reply.status.nodes)
            nodes << n.name;
        m_lagChart->open(scope, nodes);
    }
    m_lagChart->addStatus(reply);
}

QStringList MainWindow::recentConfigs() const
{
    return m_store->setting(recentKey()).toStringList();
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentConfigs();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentConfigs)
        recent.removeLast();
    m_store->setSetting(recentKey(), recent);
    rebuildRecentMenu();
}

void MainWindow::forgetRecent(const QString &path)
{
    QStringList recent = recentConfigs();
    if (recent.removeAll(path) == 0)
        return;
    m_store->setSetting(recentKey(), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentConfigs();
    for (int i = 0; i < recent.size(); ++i) {
        const QString &path = recent.at(i);
        // &1 .. &8 as accelerators; the full path says which job it is.
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(path));
        action->setObjectName(QStringLiteral("recentConfig"));
        action->setData(path);
        connect(action, &QAction::triggered, this, [this, path] { openConfig(path); });
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(m_clearRecentAction);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateForConfig()
{
    const bool open = m_cascadeView->isOpen();
    m_closeAction->setEnabled(open);
    m_refreshAction->setEnabled(open);
    if (!open) {
        setWindowTitle(QStringLiteral("Ferry"));
        m_connectionLabel->setText(tr("Not connected to any database"));
        m_connectionLabel->setToolTip(QString());
        return;
    }
    setWindowTitle(QStringLiteral("%1 — Ferry").arg(m_jobTitle));
    m_connectionLabel->setText(tr("Queue %1 on %2").arg(m_queue, m_database));
    m_connectionLabel->setToolTip(m_jobToolTip);
}

void MainWindow::showAbout()
{
    // Window-modal and not exec()'d: the cascade keeps refreshing behind it.
    auto *box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("aboutDialog"));
    box->setWindowTitle(tr("About Ferry"));
    box->setIconPixmap(windowIcon().pixmap(64, 64));
    box->setTextFormat(Qt::RichText);
    box->setText(QStringLiteral("<h3>%1</h3>").arg(tr("Ferry %1").arg(ferry::version())));
    box->setInformativeText(
        tr("Trigger-based, queue-based logical replication for PostgreSQL, in the tradition "
           "of PgQ and Londiste 3, with a desktop manager."));
    box->setStandardButtons(QMessageBox::Close);
    fitTitle(box);
    box->open();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    // Close to Tray: the window hides and the background workers keep running;
    // a quit that would stop workers asks first.
    if (m_workerMenu->interceptClose(event))
        return;
    QMainWindow::closeEvent(event);
}

void MainWindow::restoreSettings()
{
    importLegacySettings();
    if (!restoreGeometry(m_store->setting(geometryKey()).toByteArray()))
        resize(defaultSize());
    restoreState(m_store->setting(stateKey()).toByteArray());
}

// Ferry 0.1 kept these in QSettings (~/.config/Ferry/ferry-gui.conf): they
// move into the local store once, and leave the old file.
void MainWindow::importLegacySettings()
{
    if (!m_store->isOpen())
        return;
    QSettings legacy;
    for (const QString &key : {geometryKey(), stateKey(), recentKey(), lastFolderKey(),
                               QStringLiteral("View/refreshInterval")}) {
        if (!legacy.contains(key))
            continue;
        if (!m_store->containsSetting(key))
            m_store->setSetting(key, legacy.value(key));
        legacy.remove(key);
    }
}

void MainWindow::saveSettings() const
{
    m_store->setSetting(geometryKey(), saveGeometry());
    m_store->setSetting(stateKey(), saveState());
}

} // namespace ferry::gui
