#include "cascade/nodestate.h"

#include <QRegularExpression>

namespace ferry::gui {

namespace {

// What core puts before the error of a member it could not connect to.
const QLatin1String kUnreachablePrefix("unreachable: ");

} // namespace

NodeState nodeStateOf(const NodeStatus &status)
{
    if (!status.reachable)
        return NodeState::Unreachable;
    if (!status.error.isEmpty())
        return NodeState::Error;
    if (!status.warnings.isEmpty())
        return NodeState::Warning;
    return NodeState::Ok;
}

NodeState nodeStateOf(const NodeStatus &status, double lagThresholdSeconds)
{
    const NodeState state = nodeStateOf(status);
    if (state == NodeState::Ok && status.lagSeconds && *status.lagSeconds > lagThresholdSeconds)
        return NodeState::Warning;
    return state;
}

QIcon nodeStateIcon(NodeState state)
{
    switch (state) {
    case NodeState::Ok:
        return QIcon(QStringLiteral(":/icons/state/ok.svg"));
    case NodeState::Warning:
        return QIcon(QStringLiteral(":/icons/state/warning.svg"));
    case NodeState::Error:
        return QIcon(QStringLiteral(":/icons/state/error.svg"));
    case NodeState::Unreachable:
        return QIcon(QStringLiteral(":/icons/state/unreachable.svg"));
    }
    return {};
}

QString NodeStateText::stateName(NodeState state)
{
    switch (state) {
    case NodeState::Ok:
        return tr("OK");
    case NodeState::Warning:
        return tr("Warning");
    case NodeState::Error:
        return tr("Error");
    case NodeState::Unreachable:
        return tr("Unreachable");
    }
    return {};
}

QString NodeStateText::typeName(NodeType type)
{
    switch (type) {
    case NodeType::Root:
        return tr("root");
    case NodeType::Branch:
        return tr("branch");
    case NodeType::Leaf:
        return tr("leaf");
    }
    return {};
}

QString NodeStateText::mergeStateName(const QString &mergeState)
{
    if (mergeState == QLatin1String("ok"))
        return tr("ok");
    if (mergeState == QLatin1String("in-copy"))
        return tr("waiting for copy");
    if (mergeState == QLatin1String("catching-up"))
        return tr("catching up");
    return mergeState;
}

QString NodeStateText::warning(const QString &coreWarning)
{
    // The WARN: lines of core/cascade/cascadestatus.cpp; the test of this class keeps
    // the patterns in step with them.
    if (coreWarning == QLatin1String("paused"))
        return tr("paused");
    if (coreWarning == QLatin1String("worker has never run"))
        return tr("worker has never run");
    static const QRegularExpression notRunning(
        QStringLiteral("^worker not running \\(last seen (\\S+) ago\\)$"));
    static const QRegularExpression stalled(
        QStringLiteral("^ticker stalled: last tick (\\S+) ago, events waiting$"));
    static const QRegularExpression tickerDown(
        QStringLiteral("^ticker not running: last tick (\\S+) ago$"));
    if (const auto m = notRunning.match(coreWarning); m.hasMatch())
        return tr("worker not running (last seen %1 ago)").arg(m.captured(1));
    if (const auto m = stalled.match(coreWarning); m.hasMatch())
        return tr("ticker stalled: last tick %1 ago, events waiting").arg(m.captured(1));
    if (const auto m = tickerDown.match(coreWarning); m.hasMatch())
        return tr("ticker not running: last tick %1 ago").arg(m.captured(1));
    static const QRegularExpression stuckNode(
        QStringLiteral("^consumer (\\S+) \\(node (\\S+)\\) has not moved for (\\S+): the queue "
                       "keeps (\\d+) events \\(([^)]*)\\) for it; .*$"));
    static const QRegularExpression stuckOrphan(
        QStringLiteral("^consumer (\\S+) \\(no node\\) has not moved for (\\S+): the queue keeps "
                       "(\\d+) events \\(([^)]*)\\) for it; .*$"));
    if (const auto m = stuckNode.match(coreWarning); m.hasMatch())
        return tr("consumer %1 of node %2 has not moved for %3: the queue keeps %4 events (%5) "
                  "for it; start its worker, or drop the node if it is gone")
            .arg(m.captured(1), m.captured(2), m.captured(3), m.captured(4), m.captured(5));
    if (const auto m = stuckOrphan.match(coreWarning); m.hasMatch())
        return tr("consumer %1 (no node) has not moved for %2: the queue keeps %3 events (%4) "
                  "for it; unregister it on the root if nothing reads it")
            .arg(m.captured(1), m.captured(2), m.captured(3), m.captured(4));
    return coreWarning;
}

QString NodeStateText::message(const NodeStatus &status)
{
    QStringList parts;
    if (!status.error.isEmpty()) {
        QString error = status.error;
        if (!status.reachable && error.startsWith(kUnreachablePrefix))
            error = error.mid(kUnreachablePrefix.size()); // the state column says it
        parts.append(error);
    }
    for (const QString &w : status.warnings)
        parts.append(warning(w));
    return parts.join(QStringLiteral("; "));
}

} // namespace ferry::gui
