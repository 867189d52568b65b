#include "tray/trayhealth.h"

#include "cascade/nodestate.h"
#include "common/loginadvice.h"
#include "lag/laghistory.h"
#include "lag/lagtext.h"

#include <QFileInfo>

namespace ferry::gui {

namespace {

// How many problems the tooltip lists before "and N more".
constexpr int kToolTipLines = 6;

// 2: something of the config is in error, 1: a warning, 0: all fine.
int severity(const TrayConfigStatus &c)
{
    if (c.worker == WorkerControl::Mode::Failed || (c.status && !c.status->ok))
        return 2;
    int worst
        = c.worker == WorkerControl::Mode::RunningHere || c.worker == WorkerControl::Mode::Daemon
              ? 0
              : 1;
    if (!c.status)
        return qMax(worst, 1);
    for (const NodeStatus &node : c.status->status.nodes) {
        const NodeState state = nodeStateOf(node);
        if (state == NodeState::Error || state == NodeState::Unreachable || node.tablesError > 0)
            return 2;
        if (state == NodeState::Warning)
            worst = 1;
    }
    return worst;
}

} // namespace

QString configToShow(const QList<TrayConfigStatus> &configs)
{
    QString chosen;
    int worst = -1;
    for (const TrayConfigStatus &c : configs) {
        if (!c.configError.isEmpty())
            continue;
        if (const int s = severity(c); s > worst) {
            worst = s;
            chosen = c.configPath;
        }
    }
    return chosen;
}

QList<TrayAlert> TrayHealth::update(const QList<TrayConfigStatus> &configs,
                                    const LagThresholds &lagThresholds)
{
    QMap<QString, QString> errors;
    QMap<QString, QString> warnings;
    QMap<QString, QString> lagging;
    for (const TrayConfigStatus &c : configs) {
        const QString job = c.jobName.isEmpty() ? QFileInfo(c.configPath).fileName() : c.jobName;
        if (!c.configError.isEmpty()) {
            errors.insert(QStringLiteral("config:") + c.configPath,
                          tr("%1: %2").arg(QFileInfo(c.configPath).fileName(), c.configError));
            continue;
        }
        const QString workerKey = QStringLiteral("worker:") + c.configPath;
        switch (c.worker) {
        case WorkerControl::Mode::Failed:
            errors.insert(workerKey, tr("%1: worker failed: %2").arg(job, c.workerError));
            break;
        case WorkerControl::Mode::NotRunning:
            warnings.insert(workerKey, tr("%1: worker not running").arg(job));
            break;
        case WorkerControl::Mode::Unknown:
        case WorkerControl::Mode::Starting:
            warnings.insert(workerKey, tr("%1: worker starting").arg(job));
            break;
        case WorkerControl::Mode::Stopping:
            warnings.insert(workerKey, tr("%1: worker stopping").arg(job));
            break;
        case WorkerControl::Mode::RunningHere:
        case WorkerControl::Mode::Daemon:
            break;
        }

        if (!c.status) {
            warnings.insert(QStringLiteral("status:") + c.configPath,
                            tr("%1: no status read yet").arg(job));
            continue;
        }
        if (!c.status->ok) {
            errors.insert(QStringLiteral("status:") + c.configPath,
                          tr("%1: cannot read the status: %2")
                              .arg(job, c.status->authFailed ? LoginAdvice::refused(c.status->error)
                                                             : c.status->error));
            continue;
        }
        CascadeStatus cascade = c.status->status;
        LoginAdvice::explain(cascade); // a refused login says what to do
        const QString scope = LagHistory::scopeOf(cascade);
        for (const NodeStatus &node : cascade.nodes) {
            const QString key = cascade.queue + QLatin1Char('/') + node.name;
            const NodeState state = nodeStateOf(node);
            const QString message = NodeStateText::message(node);
            if (state == NodeState::Error || state == NodeState::Unreachable) {
                errors.insert(
                    QStringLiteral("node:") + key,
                    tr("%1: %2 — %3").arg(node.name, NodeStateText::stateName(state), message));
            } else if (node.tablesError > 0) {
                errors.insert(QStringLiteral("node:") + key,
                              tr("%1: tables in error: %2").arg(node.name).arg(node.tablesError));
            } else if (state == NodeState::Warning) {
                warnings.insert(QStringLiteral("node:") + key,
                                tr("%1: %2").arg(node.name, message));
            }
            if (lagThresholds.isOver(scope, node)) {
                lagging.insert(
                    QStringLiteral("lag:") + key,
                    tr("%1: %2").arg(
                        node.name, LagText::overThreshold(
                                       *node.lagSeconds, lagThresholds.forNode(scope, node.name))));
            }
        }
    }

    QList<TrayAlert> alerts;
    for (auto it = errors.cbegin(); it != errors.cend(); ++it) {
        if (!m_errors.contains(it.key()))
            alerts.append({true, it.value()});
    }
    for (auto it = lagging.cbegin(); it != lagging.cend(); ++it) {
        if (!m_lagging.contains(it.key()))
            alerts.append({false, it.value()});
    }

    m_configCount = int(configs.size());
    m_lagging = QSet<QString>(lagging.keyBegin(), lagging.keyEnd());
    warnings.insert(lagging);
    m_errors = errors;
    m_warnings = warnings;
    m_state = !m_errors.isEmpty()     ? TrayState::Error
              : !m_warnings.isEmpty() ? TrayState::Warning
                                      : TrayState::Ok;
    return alerts;
}

QString TrayHealth::toolTip() const
{
    QString head;
    if (m_configCount == 0) {
        head = tr("Ferry: no background workers");
    } else {
        switch (m_state) {
        case TrayState::Ok:
            head = tr("Ferry: all OK, background workers: %1").arg(m_configCount);
            break;
        case TrayState::Warning:
            head = tr("Ferry: warnings: %1").arg(m_warnings.size());
            break;
        case TrayState::Error:
            head = tr("Ferry: errors: %1").arg(m_errors.size());
            break;
        }
    }
    QStringList lines = errors() + warnings();
    if (lines.size() > kToolTipLines) {
        const int more = int(lines.size()) - kToolTipLines;
        lines = lines.mid(0, kToolTipLines);
        lines.append(tr("… and %1 more").arg(more));
    }
    lines.prepend(head);
    return lines.join(QLatin1Char('\n'));
}

} // namespace ferry::gui
