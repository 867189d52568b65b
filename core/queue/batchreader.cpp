#include "batchreader.h"

#include "db/transaction.h"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

namespace ferry {

namespace {

// Reads results until libpq has none left; returns the first failure.
Result<void> finishCommand(Connection &c)
{
    std::optional<Error> failure;
    while (PGresult *raw = PQgetResult(c.handle())) {
        QueryResult r(raw);
        const auto status = PQresultStatus(raw);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failure)
            failure = c.resultError(raw);
    }
    if (failure)
        return *failure;
    if (!c.isOpen())
        return c.resultError(nullptr);
    return {};
}

// A COPY OUT cannot be stopped by the client alone: ask the server to cancel
// it, then drain what is already on the way.
void abandonCopyOut(Connection &c)
{
    if (!c.isOpen())
        return;
    (void)c.cancelHandle().cancel();
    char *buffer = nullptr;
    while (PQgetCopyData(c.handle(), &buffer, 0) > 0)
        PQfreemem(buffer);
    (void)finishCommand(c);
}

// A decimal integer field of a COPY line, ending at the next tab.
bool takeNumber(const char *&p, const char *end, qint64 &value)
{
    bool negative = false;
    if (p < end && *p == '-') {
        negative = true;
        ++p;
    }
    const char *start = p;
    qint64 v = 0;
    while (p < end && *p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    if (p == start || p == end || *p != '\t')
        return false;
    ++p;
    value = negative ? -v : v;
    return true;
}

bool takeField(const char *&p, const char *end, QByteArrayView &field, char separator)
{
    const char *start = p;
    while (p < end && *p != separator)
        ++p;
    if (p == end)
        return false;
    field = QByteArrayView(start, p - start);
    ++p;
    return true;
}

// Splits one line of the batch query's COPY output into its six fields.
bool parseCopyLine(const char *line, int length, BatchReader::CopyLine &e)
{
    const char *p = line;
    const char *end = line + length;
    qint64 table = 0;
    QByteArrayView op;
    if (!takeNumber(p, end, e.id) || !takeNumber(p, end, e.txid) || !takeField(p, end, op, '\t')
        || op.size() != 1 || !takeNumber(p, end, table) || !takeField(p, end, e.key, '\t')
        || !takeField(p, end, e.data, '\n') || p != end)
        return false;
    e.op = Event::Op(op.at(0));
    e.tableId = int(table);
    e.line = QByteArrayView(line, length);
    return true;
}

} // namespace

QString BatchReader::decodedImage(const Connection &c,
                                  const QString &data,
                                  const QString &alias,
                                  const QStringList &columns,
                                  const QStringList &types,
                                  const QStringList &jsonText)
{
    if (columns.isEmpty())
        return QStringLiteral("(SELECT 1) AS %1").arg(alias);
    QStringList selected;
    QStringList declared;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString column = c.quoteIdentifier(columns.at(i));
        // json and jsonb values travel as their text, in a JSON string.
        if (jsonText.contains(columns.at(i))) {
            selected.append(QStringLiteral("(r.%1)::%2 AS %1").arg(column, types.value(i)));
            declared.append(column + QStringLiteral(" text"));
        } else {
            selected.append(QStringLiteral("r.") + column);
            declared.append(column + QLatin1Char(' ') + types.value(i));
        }
    }
    return QStringLiteral("(SELECT %1 FROM pg_catalog.json_to_record(%2) AS r (%3)) AS %4")
        .arg(selected.join(QStringLiteral(", ")), data, declared.join(QStringLiteral(", ")), alias);
}

Result<QList<BatchReader::JudgedRow>> BatchReader::judgeEvent(
    char op, int tableId, const QByteArray &key, const QByteArray &data, const RowFilter &filter)
{
    auto query = filteredQuery(
        QStringLiteral("SELECT 0::pg_catalog.int8 AS ev_id, 0::pg_catalog.int8 AS ev_txid, "
                       "$1::pg_catalog.\"char\" AS ev_op, $2::pg_catalog.int4 AS ev_table, "
                       "$3::pg_catalog.json AS ev_key, $4::pg_catalog.json AS ev_data"),
        {{tableId, filter}});
    if (!query)
        return query.error();
    auto r = m_connection.exec(*query,
                               {QString(QLatin1Char(op)), tableId,
                                key.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(key)),
                                data.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(data))});
    if (!r)
        return r.error();
    QList<JudgedRow> rows;
    for (int i = 0; i < r->rowCount(); ++i) {
        const QByteArray judged = r->bytes(i, 2);
        rows.append({judged.isEmpty() ? '?' : judged.at(0),
                     r->isNull(i, 4) ? QByteArray() : r->bytes(i, 4),
                     r->isNull(i, 5) ? QByteArray() : r->bytes(i, 5)});
    }
    return rows;
}

Result<QString> BatchReader::filteredQuery(const QString &batchQuery,
                                           const QHash<int, RowFilter> &filters) const
{
    QList<int> ids = filters.keys();
    std::sort(ids.begin(), ids.end());
    // The columns' types as the provider has them now (a type changed on
    // the root decodes its new values); the ones recorded when the
    // condition was added where the table is gone.
    QStringList idList;
    for (int id : std::as_const(ids))
        idList.append(QString::number(id));
    auto now = m_connection.exec(
        QStringLiteral("SELECT t.table_id, a.attname, pg_catalog.format_type(CASE WHEN ty.typtype "
                       "= 'd' THEN ty.typbasetype ELSE a.atttypid END, CASE WHEN ty.typtype = "
                       "'d' THEN ty.typtypmod ELSE a.atttypmod END) FROM ferry.queue_table t "
                       "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.table_oid AND a.attnum "
                       "> 0 AND NOT a.attisdropped JOIN pg_catalog.pg_type ty ON ty.oid = "
                       "a.atttypid WHERE t.table_id = ANY ($1::pg_catalog.int4[])"),
        {QStringLiteral("{%1}").arg(idList.join(QLatin1Char(',')))});
    if (!now)
        return now.error();
    QHash<int, QHash<QString, QString>> current;
    for (int i = 0; i < now->rowCount(); ++i)
        current[int(now->toInt64(i, 0))].insert(now->text(i, 1), now->text(i, 2));

    // Per filtered table: whether an image matches, and its key as JSON.
    QString matches;
    QString newKey;
    for (int id : std::as_const(ids)) {
        const RowFilter &f = filters[id];
        QStringList types = f.types;
        const auto found = current.constFind(id);
        if (found != current.cend()) {
            for (qsizetype i = 0; i < f.columns.size(); ++i)
                types[i] = found->value(f.columns.at(i), f.types.value(i));
        }
        const QString image
            = decodedImage(m_connection, QStringLiteral("e.ev_data"),
                           m_connection.quoteIdentifier(f.name), f.columns, types, f.jsonText);
        matches += QStringLiteral(" WHEN e.ev_table = %1 THEN COALESCE((SELECT %2 FROM %3), "
                                  "false)")
                       .arg(QString::number(id),
                            QStringLiteral("(\n") + f.condition + QStringLiteral("\n)"), image);
        QStringList members;
        for (const QString &k : f.keyColumns)
            members.append(QStringLiteral("%1, e.ev_data OPERATOR(pg_catalog.->) %1")
                               .arg(m_connection.quoteLiteral(k)));
        newKey += QStringLiteral(" WHEN %1 THEN pg_catalog.json_build_object(%2)")
                      .arg(QString::number(id), members.join(QStringLiteral(", ")));
    }
    return QStringLiteral(
               "SELECT e.ev_id, e.ev_txid, v.op, e.ev_table, v.key, v.data FROM (%1) e CROSS "
               "JOIN LATERAL (SELECT CASE WHEN e.ev_op NOT IN ('I', 'U') THEN true%2 ELSE true "
               "END AS keep) c CROSS JOIN LATERAL (VALUES (e.ev_op, e.ev_key, e.ev_data, "
               "c.keep), ('D'::\"char\", e.ev_key, NULL::json, e.ev_op = 'U' AND NOT c.keep), "
               "('D'::\"char\", CASE e.ev_table%3 END, NULL::json, e.ev_op = 'U' AND NOT "
               "c.keep)) v (op, key, data, send) WHERE v.send")
        .arg(batchQuery, matches, newKey);
}

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

Result<qint64> BatchReader::streamEvents(const Batch &batch,
                                         const CopyLineSink &sink,
                                         const QHash<int, RowFilter> &filters)
{
    auto sql = m_connection.exec(QStringLiteral("SELECT ferry.batch_sql($1)"), {batch.id});
    if (!sql)
        return sql.error();
    // The order is the caller's business here: without it the provider
    // streams rows as its scan finds them instead of sorting the batch first.
    QString query = sql->text(0, 0);
    const QString orderBy = QStringLiteral(" ORDER BY 1");
    if (query.endsWith(orderBy))
        query.chop(orderBy.size());
    // Row conditions are judged in a transaction that reads values back as
    // the copy did (the same settings the copy pins).
    std::optional<Transaction> pinned;
    if (!filters.isEmpty()) {
        auto filtered = filteredQuery(query, filters);
        if (!filtered)
            return filtered.error();
        query = *filtered;
        if (PQtransactionStatus(m_connection.handle()) == PQTRANS_IDLE) {
            auto tx = Transaction::begin(m_connection, QStringLiteral("READ ONLY"));
            if (!tx)
                return tx.error();
            pinned.emplace(std::move(*tx));
        }
        if (auto r = m_connection.exec(QStringLiteral(
                "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET "
                "LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; SET LOCAL "
                "lc_monetary = 'C'"));
            !r)
            return r.error();
    }
    const auto context = [&batch, &filters, this](const Error &e) {
        QString text = QStringLiteral("reading batch %1").arg(batch.id);
        QStringList judged;
        for (auto it = filters.cbegin(); it != filters.cend(); ++it)
            judged.append(QStringLiteral("%1 (%2)").arg(
                m_connection.quoteQualified(it->schema, it->name), it->condition.simplified()));
        // Only an error of the server's reading can be a condition's.
        if (!judged.isEmpty() && e.kind() != ErrorKind::Connection) {
            judged.sort();
            text += QStringLiteral(" with the row conditions of %1 (judged on the provider: a "
                                   "condition the provider's table no longer fits stops the node "
                                   "here; remove-table the table and add-table it again with one "
                                   "that fits)")
                        .arg(judged.join(QStringLiteral(", ")));
        }
        return text;
    };

    // One statement, whatever the query holds (extended protocol).
    QueryResult started(PQexecParams(
        m_connection.handle(),
        (QStringLiteral("COPY (") + query + QStringLiteral(") TO STDOUT")).toUtf8().constData(), 0,
        nullptr, nullptr, nullptr, nullptr, 0));
    if (PQresultStatus(started.get()) != PGRES_COPY_OUT) {
        Error e = m_connection.resultError(started.get());
        (void)finishCommand(m_connection);
        return e.withContext(context(e));
    }
    qint64 count = 0;
    CopyLine e;
    for (;;) {
        char *buffer = nullptr;
        const int length = PQgetCopyData(m_connection.handle(), &buffer, 0);
        if (length > 0) {
            std::unique_ptr<char, void (*)(void *)> owned(buffer, PQfreemem);
            if (!parseCopyLine(buffer, length, e)) {
                abandonCopyOut(m_connection);
                return Error(ErrorKind::Internal,
                             QStringLiteral("unexpected COPY line in batch %1").arg(batch.id));
            }
            ++count;
            if (!sink(e)) {
                owned.reset();
                abandonCopyOut(m_connection);
                return Error(ErrorKind::Canceled,
                             QStringLiteral("reading batch %1 stopped after %2 events")
                                 .arg(batch.id)
                                 .arg(count));
            }
            continue;
        }
        if (length == -1)
            break; // done; the command's status follows
        // -2: the provider failed or the connection broke mid-stream.
        Error failure = m_connection.resultError(nullptr);
        if (auto r = finishCommand(m_connection); !r)
            failure = r.error();
        return failure.withContext(context(failure));
    }
    if (auto r = finishCommand(m_connection); !r)
        return r.error().withContext(context(r.error()));
    if (pinned) {
        if (auto r = pinned->commit(); !r)
            return r.error();
    }
    return count;
}

Result<std::optional<Event>> BatchReader::readEvent(const Batch &batch, qint64 eventId)
{
    auto sql = m_connection.exec(QStringLiteral("SELECT ferry.batch_sql($1)"), {batch.id});
    if (!sql)
        return sql.error();
    auto r = m_connection.exec(QStringLiteral("SELECT * FROM (") + sql->text(0, 0)
                                   + QStringLiteral(") e WHERE ev_id = $1"),
                               {eventId});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return std::optional<Event>();
    Event e;
    e.id = r->toInt64(0, 0);
    e.txid = r->toInt64(0, 1);
    e.op = Event::Op(r->bytes(0, 2).at(0));
    e.tableId = int(r->toInt64(0, 3));
    e.key = r->bytes(0, 4);
    e.data = r->bytes(0, 5);
    return std::optional<Event>(e);
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
