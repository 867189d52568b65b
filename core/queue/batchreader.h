#pragma once

#include "db/connection.h"
#include "queue/event.h"

#include <QHash>

#include <functional>

namespace ferry {

// The consumer side of a queue: next batch, its events in order, finish.
// Events are streamed through a server-side cursor a few thousand rows at a
// time, so a batch of any size (a 500k-row transaction, or hours of backlog
// after a stopped ticker) is read with bounded client memory.
//
// Uses the connection it is given; owns no thread. The consumer must have
// been registered (QueueAdmin::registerConsumer).
class BatchReader
{
public:
    struct TableName
    {
        QString schema;
        QString name;
    };
    // Return false to stop reading: readEvents() then fails with
    // ErrorKind::Canceled and the batch stays open.
    using EventSink = std::function<bool(const Event &)>;

    BatchReader(Connection &connection, QString queue, QString consumer);

    // The consumer's open batch, or a new one; empty when no new tick exists.
    Result<std::optional<Batch>> nextBatch();
    // Calls sink for every event of the batch in queue order; returns the
    // count. Runs its own read-only transaction: call it outside one.
    Result<qint64> readEvents(const Batch &batch, const EventSink &sink);
    // Marks the batch done: the consumer moves to the batch's end tick.
    Result<void> finishBatch(const Batch &batch);
    // table_id -> name, for the tables ever captured by this queue.
    Result<QHash<int, TableName>> tables();

    void setFetchSize(int rows) { m_fetchSize = qMax(1, rows); }

private:
    Connection &m_connection;
    QString m_queue;
    QString m_consumer;
    int m_fetchSize = 5000;
};

} // namespace ferry
