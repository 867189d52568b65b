#include "tray/traycontroller.h"

#include "app/application.h"
#include "cascade/cascademonitor.h"
#include "cascade/nodestate.h"
#include "common/localstore.h"
#include "workers/quitconfirmation.h"
#include "workers/workercontrol.h"
#include "workers/workerregistry.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QSystemTrayIcon>

#include <algorithm>

namespace ferry::gui {

namespace {

QPointer<TrayController> g_instance;

QColor stateColor(TrayState state)
{
    switch (state) {
    case TrayState::Ok:
        return QColor(0x2e, 0x9d, 0x4f); // resources/state/ok.svg
    case TrayState::Warning:
        return QColor(0xe0, 0xa1, 0x00);
    case TrayState::Error:
        return QColor(0xd6, 0x3a, 0x3a);
    }
    return {};
}

QPixmap stateIconPixmap(TrayState state, int size)
{
    QPixmap pixmap = applicationIcon().pixmap(size, size);
    if (pixmap.isNull()) {
        pixmap = QPixmap(size, size);
        pixmap.fill(Qt::transparent);
    }
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    // A dot in the lower right corner, ringed in white so it reads on any panel.
    const qreal dot = size * 0.5;
    const QRectF circle(size - dot - size * 0.02, size - dot - size * 0.02, dot, dot);
    painter.setPen(QPen(Qt::white, qMax(1.0, size / 16.0)));
    painter.setBrush(stateColor(state));
    painter.drawEllipse(circle);
    return pixmap;
}

// The icon of a config's line: how its worker is doing.
NodeState workerState(const WorkerControl *control)
{
    if (!control)
        return NodeState::Error;
    switch (control->mode()) {
    case WorkerControl::Mode::RunningHere:
    case WorkerControl::Mode::Daemon:
        return NodeState::Ok;
    case WorkerControl::Mode::Failed:
        return NodeState::Error;
    case WorkerControl::Mode::Unknown:
    case WorkerControl::Mode::NotRunning:
    case WorkerControl::Mode::Starting:
    case WorkerControl::Mode::Stopping:
        break;
    }
    return NodeState::Warning;
}

} // namespace

struct TrayController::Entry
{
    QString path;
    QString jobName;
    QString configError;
    std::unique_ptr<WorkerControl> control;
    std::unique_ptr<CascadeMonitor> monitor;
    std::optional<StatusReply> status;
};

TrayController::TrayController(LocalStore *store, WorkerRegistry *registry, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_registry(registry ? registry : WorkerRegistry::instance())
    , m_menu(std::make_unique<QMenu>())
{
    if (!g_instance)
        g_instance = this;
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_menu->installEventFilter(this);
    m_summaryAction = m_menu->addAction(QString(), this, &TrayController::openRequested);
    m_summaryAction->setObjectName(QStringLiteral("actionTraySummary"));
    m_configsSeparator = m_menu->addSeparator();
    m_openAction = m_menu->addAction(QString(), this, &TrayController::openRequested);
    m_openAction->setObjectName(QStringLiteral("actionTrayOpen"));
    m_menu->addSeparator();
    m_pauseAllAction = m_menu->addAction(QString(), this, &TrayController::pauseAll);
    m_pauseAllAction->setObjectName(QStringLiteral("actionTrayPauseAll"));
    m_resumeAllAction = m_menu->addAction(QString(), this, &TrayController::resumeAll);
    m_resumeAllAction->setObjectName(QStringLiteral("actionTrayResumeAll"));
    m_menu->addSeparator();
    m_quitAction = m_menu->addAction(QString(), this, &TrayController::requestQuit);
    m_quitAction->setObjectName(QStringLiteral("actionTrayQuit"));
    retranslateUi();
    reassess();
}

TrayController::~TrayController()
{
    // Before the menu it shows goes.
    if (m_icon) {
        delete m_icon;
        QApplication::setQuitOnLastWindowClosed(true);
    }
}

TrayController *TrayController::instance()
{
    return g_instance;
}

bool TrayController::isTrayAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

QStringList TrayController::backgroundConfigs(const LocalStore *store)
{
    return store ? store->setting(configsKey()).toStringList() : QStringList();
}

void TrayController::setKeptInBackground(LocalStore *store, const QString &configPath, bool keep)
{
    if (!store)
        return;
    const QString path = QFileInfo(configPath).absoluteFilePath();
    QStringList configs = backgroundConfigs(store);
    configs.removeAll(path);
    if (keep)
        configs.append(path);
    store->setSetting(configsKey(), configs);
}

bool TrayController::activate()
{
    if (!m_active) {
        m_active = true;
        reloadConfigs();
    }
    if (!m_icon && isTrayAvailable()) {
        m_icon = new QSystemTrayIcon(this);
        m_icon->setContextMenu(m_menu.get());
        connect(m_icon, &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger
                        || reason == QSystemTrayIcon::DoubleClick)
                        emit openRequested();
                });
        connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayController::openRequested);
        reassess();
    }
    if (m_icon) {
        m_icon->show();
        // The tray keeps the application alive when its window closes.
        QApplication::setQuitOnLastWindowClosed(false);
    }
    return isIconVisible();
}

bool TrayController::isIconVisible() const
{
    return m_icon && m_icon->isVisible();
}

void TrayController::reloadConfigs()
{
    if (!m_active)
        return;
    const QStringList wanted = backgroundConfigs(m_store);
    // Dropped configs are only no longer watched; their workers keep running
    // until stopped (the window may be using them).
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [&wanted](const std::unique_ptr<Entry> &e) {
                                       return !wanted.contains(e->path);
                                   }),
                    m_entries.end());
    for (const QString &path : wanted) {
        if (!findEntry(path))
            addEntry(path);
    }
    rebuildConfigActions();
    reassess();
}

void TrayController::addEntry(const QString &path)
{
    auto entry = std::make_unique<Entry>();
    Entry *e = entry.get();
    e->path = path;
    m_entries.push_back(std::move(entry));
    auto config = JobConfig::load(path);
    if (!config) {
        e->configError = config.error().toString();
        return;
    }
    e->jobName = config->jobName();
    e->control = std::make_unique<WorkerControl>(m_registry);
    connect(e->control.get(), &WorkerControl::changed, this, &TrayController::reassess);
    e->control->setConfig(*config);
    e->monitor = std::make_unique<CascadeMonitor>();
    e->monitor->setIntervalSeconds(m_intervalSeconds);
    connect(e->monitor.get(), &CascadeMonitor::statusRead, this, [this, e](const StatusReply &r) {
        e->status = r;
        e->control->setStatus(r);
        reassess();
    });
    connect(e->control.get(), &WorkerControl::nodeChanged, e->monitor.get(),
            &CascadeMonitor::refresh);
    e->monitor->open(*config);
    e->control->ensureRunning();
}

void TrayController::setRefreshIntervalSeconds(int seconds)
{
    m_intervalSeconds = qMax(1, seconds);
    for (const auto &e : m_entries) {
        if (e->monitor)
            e->monitor->setIntervalSeconds(m_intervalSeconds);
    }
}

QList<WorkerControl *> TrayController::controls() const
{
    QList<WorkerControl *> list;
    for (const auto &e : m_entries) {
        if (e->control)
            list.append(e->control.get());
    }
    return list;
}

TrayController::Entry *TrayController::findEntry(const QString &path) const
{
    for (const auto &e : m_entries) {
        if (e->path == path)
            return e.get();
    }
    return nullptr;
}

WorkerControl *TrayController::control(const QString &configPath) const
{
    const Entry *e = findEntry(QFileInfo(configPath).absoluteFilePath());
    return e ? e->control.get() : nullptr;
}

CascadeMonitor *TrayController::monitor(const QString &configPath) const
{
    const Entry *e = findEntry(QFileInfo(configPath).absoluteFilePath());
    return e ? e->monitor.get() : nullptr;
}

QIcon TrayController::stateIcon(TrayState state)
{
    QIcon icon;
    for (int size : {16, 22, 32, 64})
        icon.addPixmap(stateIconPixmap(state, size));
    return icon;
}

void TrayController::pauseAll()
{
    // Not the roots: they apply nothing (NodeAdmin refuses to pause them).
    for (WorkerControl *control : controls()) {
        if (control->canPause())
            control->setPaused(true);
    }
}

void TrayController::resumeAll()
{
    for (WorkerControl *control : controls()) {
        if (control->canResume())
            control->setPaused(false);
    }
}

void TrayController::requestQuit()
{
    if (m_quitting)
        return;
    if (m_quitBox) {
        m_quitBox->raise();
        return;
    }
    const QPointer<TrayController> self(this);
    m_quitBox = QuitConfirmation::ask(
        nullptr, m_registry, isIconVisible(), [self](QuitConfirmation::Choice choice) {
            if (!self)
                return;
            if (choice == QuitConfirmation::Choice::Quit) {
                self->quit();
            } else if (choice == QuitConfirmation::Choice::HideToTray) {
                // The workers keep running; only the windows go.
                for (QWidget *window : QApplication::topLevelWidgets()) {
                    if (qobject_cast<QMainWindow *>(window))
                        window->hide();
                }
            }
        });
}

void TrayController::quit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    m_quitAction->setEnabled(false);
    // The workers leave their pidfiles and node locks cleanly first; the UI
    // keeps running meanwhile. One stuck in a long statement is waited for no
    // longer than `ferry -s` waits (the registry then joins it on the way out).
    m_registry->stopAllAndQuit(WorkerControl::kStopTimeoutMs);
}

QList<TrayConfigStatus> TrayController::configStatuses() const
{
    QList<TrayConfigStatus> configs;
    for (const auto &e : m_entries) {
        TrayConfigStatus c;
        c.configPath = e->path;
        c.jobName = e->jobName;
        c.configError = e->configError;
        if (e->control) {
            c.worker = e->control->mode();
            c.workerError = e->control->lastError();
        }
        c.status = e->status;
        configs.append(c);
    }
    return configs;
}

void TrayController::reassess()
{
    const TrayState before = m_health.state();
    const QList<TrayAlert> alerts = m_health.update(configStatuses(), LagThreshold::load(m_store));

    m_summaryAction->setText(m_health.toolTip().section(QLatin1Char('\n'), 0, 0));
    m_summaryAction->setIcon(stateIcon(m_health.state()));
    for (int i = 0; i < m_configActions.size() && i < int(m_entries.size()); ++i) {
        const Entry &e = *m_entries.at(size_t(i));
        const QString name = e.jobName.isEmpty() ? QFileInfo(e.path).fileName() : e.jobName;
        QAction *action = m_configActions.at(i);
        action->setText(e.control ? QStringLiteral("%1 — %2").arg(name, e.control->stateText())
                                  : tr("%1 — cannot use the config").arg(name));
        action->setIcon(nodeStateIcon(workerState(e.control.get())));
    }
    const bool any = !controls().isEmpty();
    m_pauseAllAction->setEnabled(any);
    m_resumeAllAction->setEnabled(any);
    if (m_icon) {
        m_icon->setIcon(stateIcon(m_health.state()));
        m_icon->setToolTip(m_health.toolTip());
    }
    if (m_health.state() != before)
        emit stateChanged();
    for (const TrayAlert &alert : alerts)
        notify(alert);
}

void TrayController::notify(const TrayAlert &alert)
{
    const QString title = alert.error ? tr("Ferry: replication error") : tr("Ferry: lag");
    emit notified(title, alert.text);
    if (isIconVisible() && QSystemTrayIcon::supportsMessages()) {
        m_icon->showMessage(title, alert.text,
                            alert.error ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning);
    }
}

void TrayController::rebuildConfigActions()
{
    qDeleteAll(m_configActions);
    m_configActions.clear();
    for (const auto &e : m_entries) {
        auto *action = new QAction(m_menu.get());
        action->setObjectName(QStringLiteral("actionTrayConfig"));
        action->setData(e->path);
        action->setToolTip(e->path);
        connect(action, &QAction::triggered, this,
                [this, path = e->path] { emit openConfigRequested(path); });
        m_menu->insertAction(m_configsSeparator, action);
        m_configActions.append(action);
    }
}

void TrayController::retranslateUi()
{
    m_openAction->setText(tr("&Open Ferry"));
    m_pauseAllAction->setText(tr("&Pause All"));
    m_pauseAllAction->setStatusTip(tr("Pause the nodes of every background worker"));
    m_resumeAllAction->setText(tr("&Resume All"));
    m_resumeAllAction->setStatusTip(tr("Resume the nodes of every background worker"));
    m_quitAction->setText(tr("&Quit"));
    m_quitAction->setStatusTip(tr("Stop the workers running here and quit Ferry"));
}

bool TrayController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_menu.get() && event->type() == QEvent::LanguageChange) {
        retranslateUi();
        reassess();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace ferry::gui
