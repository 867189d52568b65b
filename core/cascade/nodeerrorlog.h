#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

// Where a worker met an error: the batch it was applying and, when
// event-by-event apply found it, the event and its table.
struct ErrorSite
{
    bool copy = false; // a table's initial copy, not a batch
    std::optional<qint64> batchId;
    std::optional<qint64> tickFrom;
    std::optional<qint64> tickTo;
    std::optional<qint64> eventId;
    QString table;
};

// One row of a node's error log (ferry.node_error).
struct NodeErrorEntry
{
    qint64 id = 0;
    QString node;
    QDateTime firstAt;
    QDateTime lastAt;
    int attempts = 0;
    ErrorSite site;
    QString sqlState;
    QString message;      // one line, masked like every error Ferry stores
    QDateTime resolvedAt; // invalid while the worker is still stuck on it
    // How an operator resolved it ("resolved by skip-event by alice at ...");
    // empty when the worker got past it by itself.
    QString resolution;
};

// Appends to the node's error log, or counts one more attempt when the
// worker meets its open error again (see sql/005_node_error.sql).
Result<void>
recordNodeError(Connection &node, const QString &queue, const Error &error, const ErrorSite &site);
// The worker is past its open apply errors, or (with `copiedTable`) the
// open copy errors of that table.
Result<void>
resolveNodeErrors(Connection &node, const QString &queue, const QString &copiedTable = QString());
// The newest `limit` entries, newest first.
Result<QList<NodeErrorEntry>> loadNodeErrors(Connection &node, const QString &queue, int limit);

} // namespace ferry
