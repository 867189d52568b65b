#pragma once

#include "cascade/cascadestatus.h"

#include <QCoreApplication>
#include <QIcon>

namespace ferry::gui {

// How a node is doing, from best to worst. Unreachable means its database did not
// answer: no numbers are shown for it, never old ones.
enum class NodeState { Ok, Warning, Error, Unreachable };

// The state `status` shows for a node: WARN: lines make a warning, an ERR: line an
// error, a database that did not answer makes it unreachable.
NodeState nodeStateOf(const NodeStatus &status);
// The same, with a lag over `lagThresholdSeconds` making an OK node a warning.
NodeState nodeStateOf(const NodeStatus &status, double lagThresholdSeconds);

// A 16 px icon per state (embedded SVGs under :/icons/state).
QIcon nodeStateIcon(NodeState state);

// The texts the window shows for what core reports in English: states, node types,
// merge states and the WARN: lines of `status`, in the user's language.
class NodeStateText
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::NodeStateText)

public:
    static QString stateName(NodeState state);
    static QString typeName(NodeType type);
    static QString mergeStateName(const QString &mergeState);
    // One WARN: line of `status`; a line this version does not know stays as it is.
    static QString warning(const QString &coreWarning);
    // The error or warning column: the ERR: text first, then the WARN: lines.
    static QString message(const NodeStatus &status);
};

} // namespace ferry::gui
