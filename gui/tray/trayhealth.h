#pragma once

#include "cascade/cascadereader.h"
#include "lag/lagthreshold.h"
#include "workers/workercontrol.h"

#include <QCoreApplication>
#include <QMap>
#include <QSet>

#include <optional>

namespace ferry::gui {

// The tray icon's colour.
enum class TrayState {
    Ok,      // green: every node fine, every worker running
    Warning, // yellow: a warning (paused, worker not running, ...) or lag over its threshold
    Error,   // red: a node in error or unreachable, a worker that failed
};

// What the tray knows about one of its configs.
struct TrayConfigStatus
{
    QString configPath;
    QString jobName;
    QString configError; // the config could not be loaded (one line)
    WorkerControl::Mode worker = WorkerControl::Mode::Unknown;
    QString workerError;
    std::optional<StatusReply> status; // the last status read; empty before the first
};

// The config the window should show when it has none open (Open Ferry, a
// click on the icon): the first in error, else the first with a warning,
// else the first; never one that cannot be loaded. Empty when none.
QString configToShow(const QList<TrayConfigStatus> &configs);

// A problem that just appeared: a notification.
struct TrayAlert
{
    bool error = false; // false: lag over its threshold
    QString text;
};

// The tray's judgement over every config it watches, kept apart from any
// QSystemTrayIcon so it can be tested where there is no tray. A node seen by
// several configs (a root and its leaf both show the whole cascade) counts
// once. update() returns what newly went wrong, once per transition: an error
// (or a lag over the node's threshold, see LagThreshold) that stays is not
// reported again, one that went away and came back is.
class TrayHealth
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::TrayHealth)

public:
    QList<TrayAlert> update(const QList<TrayConfigStatus> &configs,
                            const LagThresholds &lagThresholds);

    TrayState state() const { return m_state; }
    // One line per problem, errors first; empty when all is well.
    QStringList errors() const { return m_errors.values(); }
    QStringList warnings() const { return m_warnings.values(); }
    // The icon's tooltip: the state, then the problems.
    QString toolTip() const;

private:
    TrayState m_state = TrayState::Warning; // nothing known yet
    int m_configCount = 0;
    QMap<QString, QString> m_errors; // key -> line
    QMap<QString, QString> m_warnings;
    QSet<QString> m_lagging; // keys of nodes over the threshold
};

} // namespace ferry::gui
