#pragma once

#include "cascade/node.h"

#include <QList>

#include <optional>

namespace ferry {

// One node's line in `status`, read from the node's own database and the
// root's queue (tick times come from the root's clock only).
struct NodeStatus
{
    QString name;
    NodeType type = NodeType::Leaf;
    QString providerNode;
    QString location;
    bool reachable = true;
    bool authFailed = false; // unreachable because its server refused the login
    int tablesOk = 0;
    int tablesCopying = 0; // in-copy and catching-up
    int tablesError = 0;
    std::optional<qint64> tick;       // the last tick this node has (root: the newest)
    std::optional<double> lagSeconds; // how old the oldest change it lacks may be
    QString error;                    // ERR: the worker is stopped on this
    QStringList warnings;             // WARN: paused, worker not running, ticker stalled
};

struct CascadeStatus
{
    QString queue;
    QString localNode;
    QList<NodeStatus> nodes; // the root first, then its members in order
};

// Reads the status of every member of the cascade `db` belongs to: finds the
// root (the node itself or its provider), lists the members there and asks
// each. An unreachable member is reported as such, never with old numbers.
Result<CascadeStatus> readCascadeStatus(const ConnectionString &db, const QString &queue);

// "2h10m42s", "18s", "0.4s".
QString formatLag(double seconds);

} // namespace ferry
