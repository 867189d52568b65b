#include "applier.h"

#include "db/transaction.h"
#include "queue/schemainstaller.h"

#include <libpq-fe.h>

#include <limits>

namespace ferry {

namespace {

// One field of COPY's text format.
void appendCopyField(QByteArray &line, const QByteArray &value, bool isNull)
{
    if (isNull) {
        line += "\\N";
        return;
    }
    for (const char ch : value) {
        switch (ch) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        default:
            line += ch;
        }
    }
}

} // namespace

Applier::Applier(Connection &node, QString queue, QString consumer)
    : m_node(node)
    , m_queue(std::move(queue))
    , m_consumer(std::move(consumer))
{}

Result<void> Applier::prepare()
{
    if (auto r = SchemaInstaller::install(m_node); !r)
        return r.error();
    return {};
}

Result<std::optional<qint64>> Applier::completedTick()
{
    auto r = m_node.exec(
        QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE consumer_name = $1"),
        {m_consumer});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return std::optional<qint64>();
    return std::optional<qint64>(r->toInt64(0, 0));
}

QString Applier::target(const TableMapping &table) const
{
    return m_node.quoteQualified(table.targetSchema, table.targetName);
}

QString Applier::keyList(const QString &alias, const TableMapping &table) const
{
    QStringList parts;
    for (const QString &k : table.keyColumns)
        parts.append(alias + QLatin1Char('.') + m_node.quoteIdentifier(k));
    return parts.join(QStringLiteral(", "));
}

QString Applier::keyMatch(const QString &a, const QString &b, const TableMapping &table) const
{
    QStringList parts;
    for (const QString &k : table.keyColumns) {
        const QString q = m_node.quoteIdentifier(k);
        parts.append(QStringLiteral("%1.%2 = %3.%2").arg(a, q, b));
    }
    return parts.join(QStringLiteral(" AND "));
}

// The row's columns from a json_populate_record() alias, undoing the text
// form of json/jsonb columns (see ferry.decode_sql on the source).
QString Applier::decodedColumns(const QString &alias,
                                const QStringList &columns,
                                const TableMapping &table) const
{
    QStringList parts;
    for (const QString &c : columns) {
        const QString q = alias + QLatin1Char('.') + m_node.quoteIdentifier(c);
        if (table.jsonTextColumns.contains(c))
            parts.append(QStringLiteral("(%1 OPERATOR(pg_catalog.#>>) '{}')::%2")
                             .arg(q, m_types.value(table.sourceTableId).value(c)));
        else
            parts.append(q);
    }
    return parts.join(QStringLiteral(", "));
}

QString Applier::upsertTail(const QStringList &columns, const TableMapping &table) const
{
    QStringList sets;
    for (const QString &c : columns) {
        if (table.keyColumns.contains(c))
            continue;
        const QString q = m_node.quoteIdentifier(c);
        sets.append(QStringLiteral("%1 = EXCLUDED.%1").arg(q));
    }
    QStringList keys;
    for (const QString &k : table.keyColumns)
        keys.append(m_node.quoteIdentifier(k));
    if (sets.isEmpty())
        return QStringLiteral(" ON CONFLICT (%1) DO NOTHING").arg(keys.join(QStringLiteral(", ")));
    return QStringLiteral(" ON CONFLICT (%1) DO UPDATE SET %2")
        .arg(keys.join(QStringLiteral(", ")), sets.join(QStringLiteral(", ")));
}

// INSERT INTO target (columns) SELECT <decoded row> FROM source, the row
// rebuilt from dataExpr, WHERE condition ON CONFLICT (key) DO UPDATE ...
QString Applier::upsertSql(const TableMapping &table,
                           const QStringList &columns,
                           const QString &source,
                           const QString &dataExpr,
                           const QString &condition) const
{
    QStringList quoted;
    for (const QString &c : columns)
        quoted.append(m_node.quoteIdentifier(c));
    return QStringLiteral("INSERT INTO %1 (%2) SELECT %3 FROM %4, "
                          "pg_catalog.json_populate_record(NULL::%1, %5) d WHERE %6")
               .arg(target(table), quoted.join(QStringLiteral(", ")),
                    decodedColumns(QStringLiteral("d"), columns, table), source, dataExpr,
                    condition)
           + upsertTail(columns, table);
}

Result<QStringList> Applier::columnsOf(const TableMapping &table)
{
    if (m_columns.contains(table.sourceTableId))
        return m_columns.value(table.sourceTableId);
    // Generated columns are computed by the node itself.
    auto r
        = m_node.exec(QStringLiteral("SELECT attname, atttypid::pg_catalog.regtype::text "
                                     "FROM pg_catalog.pg_attribute "
                                     "WHERE attrelid = $1::text::regclass AND attnum > 0 "
                                     "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"),
                      {target(table)});
    if (!r)
        return r.error().withContext(
            QStringLiteral("reading the columns of %1").arg(target(table)));
    QHash<QString, QString> types;
    for (int i = 0; i < r->rowCount(); ++i)
        types.insert(r->text(i, 0), r->text(i, 1));
    m_types.insert(table.sourceTableId, types);
    m_columns.insert(table.sourceTableId, r->column(0));
    return r->column(0);
}

Result<void> Applier::configureTransaction()
{
    // Capture writes money with lc_monetary = 'C'; read it back the same way.
    if (auto r = m_node.exec(QStringLiteral("SET LOCAL ferry.apply_session = on; "
                                            "SET LOCAL lc_monetary = 'C'"));
        !r)
        return r.error();
    // Only superusers (or roles granted SET on it, PG 15+) may use replica mode.
    if (!m_node
             .exec(QStringLiteral("SAVEPOINT ferry_role; "
                                  "SET LOCAL session_replication_role = replica"))
             .ok()) {
        if (auto r = m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_role")); !r)
            return r.error();
    }
    if (auto r = m_node.exec(QStringLiteral("RELEASE SAVEPOINT ferry_role")); !r)
        return r.error();
    // The events' temporary table lives as long as the session (emptied at commit).
    auto exists = m_node.exec(QStringLiteral("SELECT to_regclass('pg_temp.ferry_ev') IS NOT NULL"));
    if (!exists)
        return exists.error();
    if (!exists->toBool(0, 0)) {
        if (auto r = m_node.exec(QStringLiteral("CREATE TEMP TABLE ferry_ev (ev_id bigint, ev_op "
                                                "\"char\", ev_table int, ev_key json, ev_data "
                                                "json) ON COMMIT DELETE ROWS"));
            !r)
            return r.error();
    }
    return {};
}

Result<void> Applier::copyEvents(const Batch &batch,
                                 BatchReader &reader,
                                 const QHash<int, TableMapping> &tables,
                                 ApplyResult &result)
{
    QueryResult started(PQexec(m_node.handle(), "COPY ferry_ev FROM STDIN"));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN)
        return m_node.resultError(started.get());
    QByteArray line;
    bool sent = true;
    auto read = reader.readEvents(batch, [&](const Event &e) {
        // Only this node's tables, and nothing a table's copy already holds.
        const auto table = tables.constFind(e.tableId);
        if (table == tables.cend() || (table->skipSeenBy && table->skipSeenBy->sees(e.txid)))
            return true;
        ++result.applied;
        line.clear();
        line += QByteArray::number(e.id);
        line += '\t';
        line += char(e.op);
        line += '\t';
        line += QByteArray::number(e.tableId);
        line += '\t';
        appendCopyField(line, e.key, e.key.isNull());
        line += '\t';
        appendCopyField(line, e.data, e.data.isNull());
        line += '\n';
        sent = PQputCopyData(m_node.handle(), line.constData(), int(line.size())) == 1;
        return sent;
    });
    if (!read || !sent) {
        PQputCopyEnd(m_node.handle(), "reading the batch failed");
        while (PGresult *rest = PQgetResult(m_node.handle()))
            PQclear(rest);
        if (!sent)
            return m_node.connectionError(QStringLiteral("sending events"));
        return read.error();
    }
    result.events = read.value();
    if (PQputCopyEnd(m_node.handle(), nullptr) != 1)
        return m_node.connectionError(QStringLiteral("finishing COPY"));
    std::optional<Error> failure;
    while (PGresult *raw = PQgetResult(m_node.handle())) {
        QueryResult r(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK && !failure)
            failure = m_node.resultError(raw);
    }
    if (failure)
        return *failure;
    return {};
}

Result<void> Applier::applySetBased(qint64 from, qint64 to, const TableMapping &table)
{
    auto columns = columnsOf(table);
    if (!columns)
        return columns.error();
    const QString t = target(table);
    const QString keys = keyList(QStringLiteral("r"), table);
    const QString range = QStringLiteral("e.ev_table = %1 AND e.ev_id > %2 AND e.ev_id < %3")
                              .arg(table.sourceTableId)
                              .arg(from)
                              .arg(to);
    // Net effect per key: the newest action wins; at the same event an
    // upsert (the new key) beats the delete of the old key.
    const QString net = QStringLiteral(
        "CREATE TEMP TABLE ferry_net ON COMMIT DROP AS "
        "SELECT DISTINCT ON (%1) * FROM ("
        "SELECT %2, e.ev_id, true AS upsert, e.ev_data FROM ferry_ev e, "
        "pg_catalog.json_populate_record(NULL::%3, e.ev_data) r WHERE %4 AND e.ev_op IN ('I', 'U') "
        "UNION ALL "
        "SELECT %2, e.ev_id, false, NULL FROM ferry_ev e, "
        "pg_catalog.json_populate_record(NULL::%3, e.ev_key) r WHERE %4 AND e.ev_op IN ('U', 'D')"
        ") a ORDER BY %1, ev_id DESC, upsert DESC");
    QStringList keyNames;
    for (const QString &k : table.keyColumns)
        keyNames.append(m_node.quoteIdentifier(k));
    if (auto r = m_node.exec(net.arg(keyNames.join(QStringLiteral(", ")), keys, t, range)); !r)
        return r.error();
    const QString del
        = QStringLiteral("DELETE FROM %1 t USING ferry_net f WHERE NOT f.upsert AND %2")
              .arg(t, keyMatch(QStringLiteral("t"), QStringLiteral("f"), table));
    const QString ins = upsertSql(table, columns.value(), QStringLiteral("ferry_net f"),
                                  QStringLiteral("f.ev_data"), QStringLiteral("f.upsert"));
    for (const QString &sql : {del, ins, QStringLiteral("DROP TABLE ferry_net")}) {
        if (auto r = m_node.exec(sql); !r)
            return r.error();
    }
    return {};
}

Result<void> Applier::applyRowByRow(qint64 from, qint64 to, const TableMapping &table)
{
    auto columns = columnsOf(table);
    if (!columns)
        return columns.error();
    const QString t = target(table);
    // The row's data stays on the server: each statement picks its event by id.
    const QString del = QStringLiteral("DELETE FROM %1 t USING ferry_ev e, "
                                       "pg_catalog.json_populate_record(NULL::%1, e.ev_key) k "
                                       "WHERE e.ev_id = $1 AND %2")
                            .arg(t, keyMatch(QStringLiteral("t"), QStringLiteral("k"), table));
    const QString ins = upsertSql(table, columns.value(), QStringLiteral("ferry_ev e"),
                                  QStringLiteral("e.ev_data"), QStringLiteral("e.ev_id = $1"));
    // Set-based apply needs no index on the events; event by event does.
    if (auto r
        = m_node.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS ferry_ev_id ON ferry_ev (ev_id)"));
        !r)
        return r.error();
    auto events
        = m_node.exec(QStringLiteral("SELECT ev_id, ev_op FROM ferry_ev e WHERE e.ev_table = "
                                     "$1 AND e.ev_id > $2 AND e.ev_id < $3 ORDER BY ev_id"),
                      {table.sourceTableId, from, to});
    if (!events)
        return events.error();
    for (int i = 0; i < events->rowCount(); ++i) {
        const qint64 id = events->toInt64(i, 0);
        const char op = events->bytes(i, 1).at(0);
        // An update deletes the old key first: the key may have changed.
        if (op == 'U' || op == 'D') {
            if (auto r = m_node.exec(del, {id}); !r)
                return r.error().withContext(QStringLiteral("event %1").arg(id));
        }
        if (op == 'I' || op == 'U') {
            if (auto r = m_node.exec(ins, {id}); !r)
                return r.error().withContext(QStringLiteral("event %1").arg(id));
        }
    }
    return {};
}

Result<void>
Applier::applySegment(qint64 from, qint64 to, const TableMapping &table, bool &rowByRow)
{
    if (m_alwaysRowByRow) {
        rowByRow = true;
        return applyRowByRow(from, to, table);
    }
    if (auto r = m_node.exec(QStringLiteral("SAVEPOINT ferry_segment")); !r)
        return r.error();
    auto setBased = applySetBased(from, to, table);
    if (setBased) {
        if (auto r = m_node.exec(QStringLiteral("RELEASE SAVEPOINT ferry_segment")); !r)
            return r.error();
        return {};
    }
    // Only a constraint that set-based order broke justifies a second try.
    if (setBased.error().kind() != ErrorKind::Data)
        return setBased.error();
    if (auto r = m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_segment")); !r)
        return r.error();
    rowByRow = true;
    return applyRowByRow(from, to, table);
}

Result<ApplyResult>
Applier::apply(const Batch &batch, BatchReader &reader, const QHash<int, TableMapping> &tables)
{
    ApplyResult result;
    // Rolls back whatever happens unless committed below.
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    if (auto r = configureTransaction(); !r)
        return r.error();

    auto done = m_node.exec(QStringLiteral("SELECT tick_id FROM ferry.completed_tick "
                                           "WHERE consumer_name = $1 FOR UPDATE"),
                            {m_consumer});
    if (!done)
        return done.error();
    if (done->rowCount() > 0) {
        const qint64 completed = done->toInt64(0, 0);
        if (completed >= batch.tickId) {
            result.alreadyApplied = true; // a crash after commit, before finish_batch
            return result;
        }
        if (completed != batch.prevTickId)
            return Error(ErrorKind::Data,
                         QStringLiteral("node %1 is at tick %2 but batch %3 starts at tick %4: "
                                        "is another worker running for this node?")
                             .arg(m_consumer)
                             .arg(completed)
                             .arg(batch.id)
                             .arg(batch.prevTickId));
    }

    if (auto r = copyEvents(batch, reader, tables, result); !r)
        return r.error();

    // TRUNCATE events cut the batch into segments applied in order.
    auto truncates = m_node.exec(
        QStringLiteral("SELECT ev_id, ev_table FROM ferry_ev WHERE ev_op = 'T' ORDER BY ev_id"));
    if (!truncates)
        return truncates.error();
    auto present = m_node.exec(QStringLiteral("SELECT DISTINCT ev_table FROM ferry_ev"));
    if (!present)
        return present.error();
    qint64 from = 0;
    for (int s = 0; s <= truncates->rowCount(); ++s) {
        const bool last = s == truncates->rowCount();
        const qint64 to = last ? std::numeric_limits<qint64>::max() : truncates->toInt64(s, 0);
        for (int i = 0; i < present->rowCount(); ++i) {
            const int id = int(present->toInt64(i, 0));
            if (!tables.contains(id))
                continue; // a table this node does not replicate
            if (auto r = applySegment(from, to, tables.value(id), result.rowByRow); !r)
                return r.error();
        }
        if (!last) {
            const int id = int(truncates->toInt64(s, 1));
            if (tables.contains(id)) {
                if (auto r = m_node.exec(QStringLiteral("TRUNCATE ") + target(tables.value(id)));
                    !r)
                    return r.error();
            }
        }
        from = to;
    }

    if (auto r = m_node.exec(
            QStringLiteral("INSERT INTO ferry.completed_tick (consumer_name, queue_name, tick_id, "
                           "batch_id) VALUES ($1, $2, $3, $4) ON CONFLICT (consumer_name) DO "
                           "UPDATE SET tick_id = EXCLUDED.tick_id, batch_id = EXCLUDED.batch_id, "
                           "applied_at = now()"),
            {m_consumer, m_queue, batch.tickId, batch.id});
        !r)
        return r.error();
    if (auto r = tx->commit(); !r)
        return r.error().withContext(QStringLiteral("applying batch %1").arg(batch.id));
    return result;
}

} // namespace ferry
