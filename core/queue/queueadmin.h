#pragma once

#include "db/connection.h"

namespace ferry {

// Administration of the queues in one database (normally the root node):
// queues, consumers, captured tables and deny triggers. Each call is one
// statement on the connection it was given and runs in the caller's
// transaction, if any. Table names are passed to PostgreSQL as parameters
// and resolved there (regclass), so "schema.table" and quoted names such as
// '"Odd Schema"."My Table"' both work and nothing is interpolated.
class QueueAdmin
{
public:
    explicit QueueAdmin(Connection &connection)
        : m_connection(connection)
    {}

    Result<int> createQueue(const QString &queue);
    Result<void> dropQueue(const QString &queue);
    // Known keys: rotation_period, tick_period, idle_period (intervals as
    // text, e.g. "2 hours"), tick_max_events, max_batch_events.
    Result<void> setQueueConfig(const QString &queue, const QString &key, const QString &value);
    Result<QStringList> queues();

    // A new consumer starts at the latest tick; registering again keeps its position.
    Result<qint64> registerConsumer(const QString &queue, const QString &consumer);
    Result<bool> unregisterConsumer(const QString &queue, const QString &consumer);

    // Installs the capture triggers; returns the table's id in the queue.
    Result<int> captureTable(const QString &queue, const QString &table);
    Result<bool> releaseTable(const QString &queue, const QString &table);

    // Leaf side: refuse application writes to a table (Ferry's apply passes).
    Result<void> denyWrites(const QString &table);
    Result<void> allowWrites(const QString &table);

    // Puts a tick if one is due (or always with force); the new tick id, if any.
    Result<std::optional<qint64>> tick(const QString &queue, bool force = false);

private:
    Connection &m_connection;
};

} // namespace ferry
