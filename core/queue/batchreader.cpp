#include "batchreader.h"

#include "db/transaction.h"

#include <libpq-fe.h>

namespace ferry {

BatchReader::BatchReader(Connection &connection, QString queue, QString consumer)
    : m_connection(connection)
    , m_queue(std::move(queue))
    , m_consumer(std::move(consumer))
{}

Result<std::optional<Batch>> BatchReader::nextBatch()
{
    auto r
        = m_connection.exec(QStringLiteral("SELECT batch_id, prev_tick_id, tick_id, "
                                           "(extract(epoch FROM prev_tick_time) * 1000)::bigint, "
                                           "(extract(epoch FROM tick_time) * 1000)::bigint, "
                                           "estimated_events FROM ferry.next_batch($1, $2)"),
                            {m_queue, m_consumer});
    if (!r)
        return r.error();
    if (r->isNull(0, 0))
        return std::optional<Batch>();
    Batch b;
    b.id = r->toInt64(0, 0);
    b.prevTickId = r->toInt64(0, 1);
    b.tickId = r->toInt64(0, 2);
    b.prevTickTime = QDateTime::fromMSecsSinceEpoch(r->toInt64(0, 3), Qt::UTC);
    b.tickTime = QDateTime::fromMSecsSinceEpoch(r->toInt64(0, 4), Qt::UTC);
    b.estimatedEvents = r->toInt64(0, 5);
    return std::optional<Batch>(b);
}

Result<qint64> BatchReader::readEvents(const Batch &batch, const EventSink &sink)
{
    if (PQtransactionStatus(m_connection.handle()) != PQTRANS_IDLE)
        return Error(ErrorKind::Internal,
                     QStringLiteral("readEvents() called inside a transaction; it runs its own"));
    auto sql = m_connection.exec(QStringLiteral("SELECT ferry.batch_sql($1)"), {batch.id});
    if (!sql)
        return sql.error();

    auto tx = Transaction::begin(m_connection, QStringLiteral("READ ONLY"));
    if (!tx)
        return tx.error();
    if (auto r = m_connection.exec(QStringLiteral("DECLARE ferry_batch NO SCROLL CURSOR FOR ")
                                   + sql->text(0, 0));
        !r)
        return r.error().withContext(QStringLiteral("reading batch %1").arg(batch.id));

    const QString fetch = QStringLiteral("FETCH FORWARD %1 FROM ferry_batch").arg(m_fetchSize);
    qint64 count = 0;
    for (;;) {
        auto rows = m_connection.exec(fetch);
        if (!rows)
            return rows.error().withContext(QStringLiteral("reading batch %1").arg(batch.id));
        const int n = rows->rowCount();
        for (int i = 0; i < n; ++i) {
            Event e;
            e.id = rows->toInt64(i, 0);
            e.txid = rows->toInt64(i, 1);
            e.op = Event::Op(rows->bytes(i, 2).at(0));
            e.tableId = int(rows->toInt64(i, 3));
            e.key = rows->bytes(i, 4);
            e.data = rows->bytes(i, 5);
            ++count;
            if (!sink(e)) // the transaction rolls back; the batch stays open
                return Error(ErrorKind::Canceled,
                             QStringLiteral("reading batch %1 stopped after %2 events")
                                 .arg(batch.id)
                                 .arg(count));
        }
        if (n < m_fetchSize)
            break;
    }
    if (auto r = tx->commit(); !r)
        return r.error();
    return count;
}

Result<void> BatchReader::finishBatch(const Batch &batch)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.finish_batch($1)"), {batch.id});
    if (!r)
        return r.error();
    if (!r->toBool(0, 0))
        return Error(
            ErrorKind::Data,
            QStringLiteral("batch %1 of consumer %2 is not open").arg(batch.id).arg(m_consumer));
    return {};
}

Result<QHash<int, BatchReader::TableName>> BatchReader::tables()
{
    auto r = m_connection.exec(
        QStringLiteral("SELECT t.table_id, t.schema_name, t.table_name FROM ferry.queue_table t "
                       "JOIN ferry.queue q USING (queue_id) WHERE q.queue_name = $1"),
        {m_queue});
    if (!r)
        return r.error();
    QHash<int, TableName> names;
    for (int row = 0; row < r->rowCount(); ++row)
        names.insert(int(r->toInt64(row, 0)), TableName{r->text(row, 1), r->text(row, 2)});
    return names;
}

} // namespace ferry
