#include "applier.h"

#include "db/transaction.h"
#include "queue/schemainstaller.h"
#include "replication/tableregistry.h"

#include <QElapsedTimer>
#include <QVarLengthArray>

#include <libpq-fe.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace ferry {

namespace {

// The top-level members of a JSON object held in a field of COPY's text
// format (JSON text with COPY's backslash escapes on top), as raw tokens.
// Both escapings are deterministic, so two equal token bytes are the same
// JSON text. Anything unexpected (not an object, whitespace COPY escaped)
// makes forEach() give up and return false.
class JsonMembers
{
public:
    explicit JsonMembers(QByteArrayView text)
        : m_p(text.data())
        , m_end(text.data() + text.size())
    {}

    // Calls f(name, value) per member while f returns true.
    template<typename F>
    bool forEach(F f)
    {
        skipSpaces();
        if (!take('{'))
            return false;
        skipSpaces();
        if (!take('}')) {
            for (;;) {
                skipSpaces();
                const char *name = m_p;
                if (!skipString())
                    return false;
                const QByteArrayView nameToken(name, m_p - name);
                skipSpaces();
                if (!take(':'))
                    return false;
                skipSpaces();
                const char *value = m_p;
                if (!skipValue())
                    return false;
                if (!f(nameToken, QByteArrayView(value, m_p - value)))
                    return false;
                skipSpaces();
                if (take(','))
                    continue;
                if (take('}'))
                    break;
                return false;
            }
        }
        skipSpaces();
        return m_p == m_end;
    }

private:
    bool take(char c)
    {
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    void skipSpaces()
    {
        while (m_p < m_end && *m_p == ' ')
            ++m_p;
    }
    // One character of the JSON text: COPY writes a backslash as two.
    bool skipUnit()
    {
        m_p += (m_p < m_end && *m_p == '\\') ? 2 : 1;
        return m_p <= m_end;
    }
    bool skipString()
    {
        if (!take('"'))
            return false;
        while (m_p < m_end) {
            if (*m_p == '"') {
                ++m_p;
                return true;
            }
            if (m_end - m_p >= 2 && m_p[0] == '\\' && m_p[1] == '\\') {
                // JSON's backslash: it and the character it escapes.
                m_p += 2;
                if (m_p >= m_end || !skipUnit())
                    return false;
                continue;
            }
            if (!skipUnit())
                return false;
        }
        return false;
    }
    bool skipValue()
    {
        if (m_p >= m_end)
            return false;
        if (*m_p == '"')
            return skipString();
        if (*m_p == '{' || *m_p == '[') {
            int depth = 0;
            while (m_p < m_end) {
                const char c = *m_p;
                if (c == '"') {
                    if (!skipString())
                        return false;
                    continue;
                }
                if (c == '\\')
                    return false;
                ++m_p;
                if (c == '{' || c == '[')
                    ++depth;
                else if ((c == '}' || c == ']') && --depth == 0)
                    return true;
            }
            return false;
        }
        const char *start = m_p;
        while (m_p < m_end
               && ((*m_p >= '0' && *m_p <= '9') || (*m_p >= 'a' && *m_p <= 'z')
                   || (*m_p >= 'A' && *m_p <= 'Z') || *m_p == '-' || *m_p == '+' || *m_p == '.'))
            ++m_p;
        return m_p > start;
    }

    const char *m_p;
    const char *m_end;
};

// Whether an update keeps its row's key: every member of the old key (ev_key)
// appears in the new row (ev_data) with the same JSON text. Equal text
// decodes to the same value on the node; anything else, or any doubt, counts
// as a key change, which is always applied correctly (only more slowly).
bool keyUnchanged(QByteArrayView key, QByteArrayView data)
{
    QVarLengthArray<std::pair<QByteArrayView, QByteArrayView>, 4> old;
    if (!JsonMembers(key).forEach([&old](QByteArrayView name, QByteArrayView value) {
            old.append({name, value});
            return true;
        })
        || old.isEmpty())
        return false;
    int matched = 0;
    bool same = true;
    const bool scanned = JsonMembers(data).forEach([&](QByteArrayView name, QByteArrayView value) {
        for (const auto &k : old) {
            if (k.first == name) {
                if (k.second != value)
                    same = false;
                ++matched;
            }
        }
        return same;
    });
    return scanned && same && matched == old.size();
}

// A column name for the temporary net table that none of the target's own
// columns has.
QString freeName(const QString &base, const QStringList &taken)
{
    QString name = base;
    while (taken.contains(name))
        name += QLatin1Char('_');
    return name;
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

Result<void> Applier::loadColumns(const QList<TableMapping> &tables)
{
    // Every table not known yet, in one query. Generated columns are
    // computed by the node itself.
    QList<TableMapping> missing;
    QStringList names;
    for (const TableMapping &t : tables) {
        if (m_columns.contains(t.sourceTableId))
            continue;
        missing.append(t);
        QString quoted = target(t);
        quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
        names.append(QLatin1Char('"') + quoted + QLatin1Char('"'));
    }
    if (missing.isEmpty())
        return {};
    auto r = m_node.exec(
        QStringLiteral("SELECT t.i, a.attname, a.atttypid::pg_catalog.regtype::text "
                       "FROM unnest($1::text[]) WITH ORDINALITY t(name, i) "
                       "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.name::pg_catalog.regclass "
                       "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
                       "ORDER BY t.i, a.attnum"),
        {QStringLiteral("{%1}").arg(names.join(QLatin1Char(',')))});
    if (!r)
        return r.error().withContext(QStringLiteral("reading the columns of the node's tables"));
    for (qsizetype i = 0; i < missing.size(); ++i) {
        m_columns.insert(missing.at(i).sourceTableId, {});
        m_types.insert(missing.at(i).sourceTableId, {});
    }
    for (int row = 0; row < r->rowCount(); ++row) {
        const int id = missing.at(r->toInt64(row, 0) - 1).sourceTableId;
        m_columns[id].append(r->text(row, 1));
        m_types[id].insert(r->text(row, 1), r->text(row, 2));
    }
    return {};
}

Result<QStringList> Applier::columnsOf(const TableMapping &table)
{
    if (!m_columns.contains(table.sourceTableId)) {
        if (auto r = loadColumns({table}); !r)
            return r.error();
    }
    return m_columns.value(table.sourceTableId);
}

Result<void> Applier::configureTransaction()
{
    // One round trip: under load every extra one is a wait for the CPU.
    // - Capture writes money with lc_monetary = 'C'; read it back the same way.
    // - The net effect of a 100,000-event batch is sorted in memory, not on
    //   disk: work_mem is raised for this transaction, never lowered.
    // - Only superusers (or roles granted SET on it, PG 15+) may use replica
    //   mode; others apply with their triggers on (the deny trigger lets
    //   ferry.apply_session pass).
    // - The events' temporary table lives as long as the session (emptied at
    //   commit); a batch's events fit in the session's buffers for temporary
    //   tables (8 MB by default, settable only before the first one). Its
    //   columns are those of the provider's batch query, so the provider's
    //   COPY lines go in unchanged; ev_key is NULL for an update that keeps
    //   its key.
    if (auto r = m_node.exec(QStringLiteral(
            "SET LOCAL ferry.apply_session = on; SET LOCAL lc_monetary = 'C'; "
            "SELECT pg_catalog.set_config('work_mem', GREATEST(pg_catalog.pg_size_bytes("
            "pg_catalog.current_setting('work_mem')), 64 * 1024 * 1024) / 1024 || 'kB', true); "
            "DO $ferry$ BEGIN "
            "BEGIN SET LOCAL session_replication_role = replica; "
            "EXCEPTION WHEN OTHERS THEN NULL; END; "
            "IF pg_catalog.to_regclass('pg_temp.ferry_ev') IS NULL THEN "
            "BEGIN PERFORM pg_catalog.set_config('temp_buffers', '64MB', false); "
            "EXCEPTION WHEN OTHERS THEN NULL; END; "
            "CREATE TEMP TABLE ferry_ev (ev_id bigint, ev_txid bigint, ev_op \"char\", "
            "ev_table int, ev_key json, ev_data json) ON COMMIT DELETE ROWS; "
            "END IF; END $ferry$"));
        !r)
        return r.error();
    return {};
}

Result<void> Applier::copyEvents(const Batch &batch,
                                 BatchReader &reader,
                                 const QHash<int, TableMapping> &tables,
                                 ApplyResult &result,
                                 Streamed &streamed)
{
    QueryResult started(PQexec(m_node.handle(), "COPY ferry_ev FROM STDIN"));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN)
        return m_node.resultError(started.get());
    // Tables whose key may be compared as JSON text (no json key column,
    // whose text form travels differently in ev_key and ev_data).
    QHash<int, bool> plainKeys;
    QByteArray rewritten;
    bool sent = true;
    auto read = reader.streamEvents(batch, [&](const BatchReader::CopyLine &e) {
        // Only this node's tables, and nothing a table's copy already holds.
        const auto table = tables.constFind(e.tableId);
        if (table == tables.cend() || (table->skipSeenBy && table->skipSeenBy->sees(e.txid)))
            return true;
        ++result.applied;
        QByteArrayView line = e.line;
        int shape = 0;
        switch (e.op) {
        case Event::Op::Insert:
            shape = Inserts;
            break;
        case Event::Op::Delete:
            shape = Deletes;
            break;
        case Event::Op::Truncate:
            ++streamed.truncates;
            break;
        case Event::Op::Update: {
            auto plain = plainKeys.constFind(e.tableId);
            if (plain == plainKeys.cend()) {
                bool none = true;
                for (const QString &k : table->keyColumns)
                    none = none && !table->jsonTextColumns.contains(k);
                plain = plainKeys.insert(e.tableId, none);
            }
            if (*plain && keyUnchanged(e.key, e.data)) {
                // Same key: the row's new image is all the node needs.
                shape = Updates;
                const qsizetype keyAt = e.key.data() - e.line.data();
                rewritten.clear();
                rewritten.append(e.line.first(keyAt));
                rewritten.append("\\N");
                rewritten.append(e.line.sliced(keyAt + e.key.size()));
                line = rewritten;
            } else {
                shape = KeyChanges;
            }
            break;
        }
        }
        streamed.shapes[e.tableId] |= shape;
        sent = PQputCopyData(m_node.handle(), line.data(), int(line.size())) == 1;
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

Result<QStringList>
Applier::setBasedSql(qint64 from, qint64 to, const TableMapping &table, int shape)
{
    auto targetColumns = columnsOf(table);
    if (!targetColumns)
        return targetColumns.error();
    const QStringList &columns = targetColumns.value();
    const QString t = target(table);
    const QString range = QStringLiteral("e.ev_table = %1 AND e.ev_id > %2 AND e.ev_id < %3")
                              .arg(table.sourceTableId)
                              .arg(from)
                              .arg(to);
    // Only inserts: every key comes once (a second insert of a key needs a
    // delete or key change between), so the events are their net effect.
    // Should that ever not hold, ON CONFLICT fails with 21000 and the
    // segment is applied event by event.
    if (shape == Inserts)
        return QStringList{upsertSql(table, columns, QStringLiteral("ferry_ev e"),
                                     QStringLiteral("e.ev_data"),
                                     range + QStringLiteral(" AND e.ev_op = 'I'"))};

    // The net effect per key: the newest image wins; at the same event an
    // upsert (the new key) beats the delete of the old key. Rows are decoded
    // once, here, and carried as typed columns.
    QStringList wanted = columns;
    for (const QString &k : table.keyColumns) {
        if (!wanted.contains(k))
            wanted.append(k);
    }
    QStringList fromData;
    QStringList fromKey;
    for (const QString &c : wanted) {
        const QString q = m_node.quoteIdentifier(c);
        fromData.append(QStringLiteral("r.") + q);
        fromKey.append(QStringLiteral("k.") + q);
    }
    QStringList keyNames;
    for (const QString &k : table.keyColumns)
        keyNames.append(m_node.quoteIdentifier(k));
    const QString keys = keyNames.join(QStringLiteral(", "));
    QStringList decodedParts;
    for (const QString &c : columns) {
        const QString q = QStringLiteral("n.") + m_node.quoteIdentifier(c);
        decodedParts.append(table.jsonTextColumns.contains(c)
                                ? QStringLiteral("(%1 OPERATOR(pg_catalog.#>>) '{}')::%2")
                                      .arg(q, m_types.value(table.sourceTableId).value(c))
                                : q);
    }
    QStringList insertColumns;
    for (const QString &c : columns)
        insertColumns.append(m_node.quoteIdentifier(c));
    const QString insertHead = QStringLiteral("INSERT INTO %1 (%2) SELECT %3 FROM ")
                                   .arg(t, insertColumns.join(QStringLiteral(", ")),
                                        decodedParts.join(QStringLiteral(", ")));

    if (!(shape & (KeyChanges | Deletes))) {
        // Nothing to delete: one statement, no temporary table.
        QStringList rowKeys;
        for (const QString &k : keyNames)
            rowKeys.append(QStringLiteral("r.") + k);
        const QString sql
            = insertHead
              + QStringLiteral("(SELECT DISTINCT ON (%1) %2 FROM ferry_ev e, "
                               "pg_catalog.json_populate_record(NULL::%3, e.ev_data) r "
                               "WHERE %4 AND e.ev_op IN ('I', 'U') ORDER BY %1, e.ev_id DESC) n")
                    .arg(rowKeys.join(QStringLiteral(", ")), fromData.join(QStringLiteral(", ")), t,
                         range)
              + upsertTail(columns, table);
        return QStringList{sql};
    }

    const QString evId = freeName(QStringLiteral("ferry_ev_id"), wanted);
    const QString upsert = freeName(QStringLiteral("ferry_upsert"), wanted);
    const QString net = QStringLiteral("CREATE TEMP TABLE ferry_net ON COMMIT DROP AS "
                                       "SELECT DISTINCT ON (%1) * FROM ("
                                       "SELECT %2, e.ev_id AS %5, true AS %6 FROM ferry_ev e, "
                                       "pg_catalog.json_populate_record(NULL::%4, e.ev_data) r "
                                       "WHERE %7 AND e.ev_op IN ('I', 'U') "
                                       "UNION ALL "
                                       "SELECT %3, e.ev_id, false FROM ferry_ev e, "
                                       "pg_catalog.json_populate_record(NULL::%4, e.ev_key) k "
                                       "WHERE %7 AND e.ev_op IN ('U', 'D') AND e.ev_key IS NOT NULL"
                                       ") a ORDER BY %1, %5 DESC, %6 DESC")
                            .arg(keys, fromData.join(QStringLiteral(", ")),
                                 fromKey.join(QStringLiteral(", ")), t, evId, upsert, range);
    const QString del
        = QStringLiteral("DELETE FROM %1 t USING ferry_net n WHERE NOT n.%2 AND %3")
              .arg(t, upsert, keyMatch(QStringLiteral("t"), QStringLiteral("n"), table));
    const QString ins = insertHead + QStringLiteral("ferry_net n WHERE n.%1").arg(upsert)
                        + upsertTail(columns, table);
    return QStringList{net, del, ins, QStringLiteral("DROP TABLE ferry_net")};
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
    // Set-based apply needs no index on the events; event by event does. It
    // is dropped again before COMMIT, so later batches' COPY need not keep it.
    if (!m_eventIndex) {
        if (auto r = m_node.exec(QStringLiteral("CREATE INDEX ferry_ev_id ON ferry_ev (ev_id)"));
            !r)
            return r.error();
        m_eventIndex = true;
    }
    auto events
        = m_node.exec(QStringLiteral("SELECT ev_id, ev_op, ev_key IS NOT NULL FROM ferry_ev "
                                     "e WHERE e.ev_table = $1 AND e.ev_id > $2 AND "
                                     "e.ev_id < $3 ORDER BY ev_id"),
                      {table.sourceTableId, from, to});
    if (!events)
        return events.error();
    for (int i = 0; i < events->rowCount(); ++i) {
        const qint64 id = events->toInt64(i, 0);
        const char op = events->bytes(i, 1).at(0);
        // An update that changes the key deletes the old one first; one that
        // keeps it (no ev_key) is a single upsert, like Londiste's UPDATE.
        Result<QueryResult> r = QueryResult();
        if (op == 'D' || (op == 'U' && events->toBool(i, 2)))
            r = m_node.exec(del, {id});
        if (r && (op == 'I' || op == 'U'))
            r = m_node.exec(ins, {id});
        if (!r) {
            m_failedEvent = id;
            m_failedTable = displayTableName(m_node, table.targetSchema, table.targetName);
            return r.error().withContext(
                QStringLiteral("event %1 on %2").arg(id).arg(m_failedTable));
        }
    }
    return {};
}

Result<void>
Applier::applySegment(qint64 from, qint64 to, const TableMapping &table, int shape, bool &rowByRow)
{
    if (m_alwaysRowByRow) {
        rowByRow = true;
        return applyRowByRow(from, to, table);
    }
    auto statements = setBasedSql(from, to, table, shape);
    if (!statements)
        return statements.error();
    // One round trip: the statements run in a savepoint, in one query string
    // (the server stops at the first error, leaving the savepoint to return to).
    auto setBased = m_node.exec(QStringLiteral("SAVEPOINT ferry_segment; ")
                                + statements->join(QStringLiteral("; "))
                                + QStringLiteral("; RELEASE SAVEPOINT ferry_segment"));
    if (setBased)
        return {};
    // Only a constraint that set-based order broke justifies a second try
    // (21000: a key inserted twice, which ON CONFLICT cannot do at once).
    if (setBased.error().kind() != ErrorKind::Data
        && setBased.error().sqlState() != QLatin1String("21000"))
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
    QElapsedTimer clock;
    clock.start();
    m_eventIndex = false;
    m_failedEvent.reset();
    m_failedTable.clear();
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

    Streamed streamed;
    if (auto r = copyEvents(batch, reader, tables, result, streamed); !r)
        return r.error();
    result.streamNs = clock.nsecsElapsed();

    // TRUNCATE events cut the batch into segments applied in order; the
    // client only counted them, the node knows where they are.
    std::optional<QueryResult> truncates;
    if (streamed.truncates > 0) {
        auto r = m_node.exec(QStringLiteral(
            "SELECT ev_id, ev_table FROM ferry_ev WHERE ev_op = 'T' ORDER BY ev_id"));
        if (!r)
            return r.error();
        truncates.emplace(std::move(r.value()));
    }
    QList<int> present = streamed.shapes.keys();
    std::sort(present.begin(), present.end());
    QList<TableMapping> applied;
    for (const int id : std::as_const(present))
        applied.append(tables.value(id));
    if (auto r = loadColumns(applied); !r)
        return r.error();
    const int cuts = truncates ? truncates->rowCount() : 0;
    qint64 from = 0;
    for (int s = 0; s <= cuts; ++s) {
        const bool last = s == cuts;
        const qint64 to = last ? std::numeric_limits<qint64>::max() : truncates->toInt64(s, 0);
        for (const int id : std::as_const(present)) {
            const int shape = streamed.shapes.value(id);
            if (shape == 0)
                continue; // only TRUNCATEs
            if (auto r = applySegment(from, to, tables.value(id), shape, result.rowByRow); !r)
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
    if (m_eventIndex) {
        if (auto r = m_node.exec(QStringLiteral("DROP INDEX ferry_ev_id")); !r)
            return r.error();
    }
    result.statementsNs = clock.nsecsElapsed() - result.streamNs;

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
    result.commitNs = clock.nsecsElapsed() - result.streamNs - result.statementsNs;
    return result;
}

} // namespace ferry
