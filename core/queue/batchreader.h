#pragma once

#include "db/connection.h"
#include "queue/event.h"

#include <QHash>

#include <functional>

namespace ferry {

// The consumer side of a queue: next batch, its events, finish.
// readEvents() streams the events in queue order through a server-side
// cursor a few thousand rows at a time; streamEvents() streams them with
// COPY in no particular order, as text lines ready to be forwarded into
// another server's COPY (what the Applier does). Either way a batch of any
// size (a 500k-row transaction, or hours of backlog after a stopped ticker)
// is read with bounded client memory.
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

    // One event as a line of COPY's text format: the fields of an Event in
    // the order id, txid, op, table id, key, data, tab-separated. The views
    // point into libpq's buffer and are valid during the sink call only.
    struct CopyLine
    {
        qint64 id = 0;
        qint64 txid = 0;
        Event::Op op = Event::Op::Insert;
        int tableId = 0;
        QByteArrayView key;  // still COPY-escaped; "\\N" for NULL
        QByteArrayView data; // idem
        QByteArrayView line; // the whole line, with its final newline
    };
    using CopyLineSink = std::function<bool(const CopyLine &)>;

    // A node's row condition on one table (add-table --copy-condition),
    // judged on the provider for each row image while the batch streams: an
    // insert that does not match is not sent; an update that does not match
    // is sent as deletes of its old and new keys (the row may be there from
    // before, or have moved in under its old key). Deletes and truncates
    // pass as they are.
    struct RowFilter
    {
        QString schema; // the provider's table, as it is named now
        QString name;
        QString condition;
        QStringList keyColumns;
        // The columns the condition reads and their types when it was
        // added (used where the provider no longer has the table); json and
        // jsonb columns among them travel as text (jsonText).
        QStringList columns;
        QStringList types;
        QStringList jsonText;
    };

    // The columns `columns` of a row image, decoded from the JSON `data`
    // (an SQL expression) as a derived table known as `alias`, each as its
    // (base) type in `types`: what a row condition is judged over, on the
    // provider, for every image; add-table checks the condition in the same
    // form. No other column is decoded, so no other type is involved.
    static QString decodedImage(const Connection &c,
                                const QString &data,
                                const QString &alias,
                                const QStringList &columns,
                                const QStringList &types,
                                const QStringList &jsonText);

    BatchReader(Connection &connection, QString queue, QString consumer);

    // The consumer's open batch, or a new one; empty when no new tick exists.
    Result<std::optional<Batch>> nextBatch();
    // Calls sink for every event of the batch in queue order; returns the
    // count. Runs its own read-only transaction: call it outside one.
    Result<qint64> readEvents(const Batch &batch, const EventSink &sink);
    // Calls sink for every event of the batch, in no particular order (the
    // provider neither sorts nor waits for the client between chunks: one
    // `COPY (batch query) TO STDOUT`); returns the count. A caller that needs
    // queue order sorts by id itself. Stopping works as for readEvents(); the
    // connection stays usable. Runs inside or outside a transaction.
    Result<qint64> streamEvents(const Batch &batch,
                                const CopyLineSink &sink,
                                const QHash<int, RowFilter> &filters = {});
    // The row changes a node with `filter` applies for one event of table
    // `tableId`, judged on the provider as a batch's are: the event itself,
    // nothing (its row does not match), or for an UPDATE that leaves the
    // condition the DELETEs of its old and new key. Each as (op, key, data).
    struct JudgedRow
    {
        char op = 0;
        QByteArray key;
        QByteArray data;
    };
    Result<QList<JudgedRow>> judgeEvent(char op,
                                        int tableId,
                                        const QByteArray &key,
                                        const QByteArray &data,
                                        const RowFilter &filter);
    // One event of the batch by its id (for an error message that names it);
    // empty when the batch has no such event.
    Result<std::optional<Event>> readEvent(const Batch &batch, qint64 eventId);
    // Marks the batch done: the consumer moves to the batch's end tick.
    Result<void> finishBatch(const Batch &batch);
    // table_id -> name, for the tables ever captured by this queue.
    Result<QHash<int, TableName>> tables();

    void setFetchSize(int rows) { m_fetchSize = qMax(1, rows); }

private:
    // The batch query wrapped so the provider applies `filters`.
    Result<QString> filteredQuery(const QString &batchQuery,
                                  const QHash<int, RowFilter> &filters) const;

    Connection &m_connection;
    QString m_queue;
    QString m_consumer;
    int m_fetchSize = 5000;
};

} // namespace ferry
