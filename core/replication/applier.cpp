#include "applier.h"

#include "db/transaction.h"
#include "queue/schemainstaller.h"
#include "replication/failuretext.h"
#include "replication/nodecatalog.h"
#include "replication/tableregistry.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

// The signature of the column names a row image (ev_data) carries, in
// order; 0 when the text cannot be read as a plain object (the table is
// then applied event by event, its columns read by the node).
quint64 columnSignature(QByteArrayView data)
{
    size_t hash = 0x9e3779b97f4a7c15ULL;
    const bool scanned = JsonMembers(data).forEach([&hash](QByteArrayView name, QByteArrayView) {
        hash = qHashBits(name.data(), size_t(name.size()), hash);
        return true;
    });
    return scanned && hash != 0 ? quint64(hash) : 0;
}

// A JSON member name as it stands in a COPY text field ("name", with COPY's
// and JSON's escapes) as the name itself.
QString decodeName(QByteArrayView token)
{
    if (!token.contains('\\'))
        return QString::fromUtf8(token.sliced(1, token.size() - 2));
    QByteArray json;
    for (qsizetype i = 0; i < token.size(); ++i) {
        const char c = token.at(i);
        if (c != '\\' || i + 1 == token.size()) {
            json.append(c);
            continue;
        }
        const char next = token.at(++i);
        json.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
    }
    const QJsonDocument doc = QJsonDocument::fromJson("[" + json + "]");
    return doc.array().at(0).toString();
}

QStringList memberNames(QByteArrayView data)
{
    QStringList names;
    JsonMembers(data).forEach([&names](QByteArrayView name, QByteArrayView) {
        names.append(decodeName(name));
        return true;
    });
    return names;
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
    auto r = m_node.exec(QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE "
                                        "queue_name = $1 AND consumer_name = $2"),
                         {m_queue, m_consumer});
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

QString Applier::keyMatch(const QString &a, const QString &b, const TableMapping &table) const
{
    // The key's own equality (its index's operator class: citext compares
    // without case), named with its schema: no operator found through a
    // search path decides which rows are deleted.
    const QStringList &equals = m_nodeTables.value(table.sourceTableId).keyEquals;
    QStringList parts;
    for (qsizetype i = 0; i < table.keyColumns.size(); ++i) {
        const QString q = m_node.quoteIdentifier(table.keyColumns.at(i));
        const QString op
            = i < equals.size() ? equals.at(i) : QStringLiteral("OPERATOR(pg_catalog.=)");
        parts.append(QStringLiteral("%1.%2 %4 %3.%2").arg(a, q, b, op));
    }
    return parts.join(QStringLiteral(" AND "));
}

// The row's columns from a json_populate_record() alias, undoing the text
// form of json/jsonb columns (see ferry.decode_sql on the source).
QString Applier::decodedColumns(const QString &alias,
                                const QStringList &columns,
                                const TableMapping &table) const
{
    const NodeTable &node = m_nodeTables[table.sourceTableId];
    QStringList parts;
    for (const QString &c : columns) {
        const QString q = alias + QLatin1Char('.') + m_node.quoteIdentifier(c);
        if (table.jsonTextColumns.contains(c))
            parts.append(QStringLiteral("(%1 OPERATOR(pg_catalog.#>>) '{}')::%2")
                             .arg(q, node.types.value(c)));
        else
            parts.append(q);
    }
    return parts.join(QStringLiteral(", "));
}

QString Applier::upsertTail(const QStringList &columns, const TableMapping &table) const
{
    // Key columns are set too: a key equal by its type's rules may be
    // spelled anew (numeric 1.0 -> 1.00, citext 'abc' -> 'ABC'). An identity
    // column GENERATED ALWAYS can only be set to its default: never set.
    const NodeTable &node = m_nodeTables[table.sourceTableId];
    QStringList sets;
    for (const QString &c : columns) {
        if (node.identityAlways.contains(c))
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
    // OVERRIDING SYSTEM VALUE: the root's value of an identity column the
    // node declares GENERATED ALWAYS.
    return QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE SELECT %3 FROM %4, "
                          "pg_catalog.json_populate_record(NULL::%1, %5) d WHERE %6")
               .arg(target(table), quoted.join(QStringLiteral(", ")),
                    decodedColumns(QStringLiteral("d"), columns, table), source, dataExpr,
                    condition)
           + upsertTail(columns, table);
}

Result<void> Applier::loadNodeTables(const QList<TableMapping> &tables)
{
    // Every table not known yet, in one query for the columns and one for
    // the foreign keys between them.
    QList<TableMapping> missing;
    QStringList names;
    for (const TableMapping &t : tables) {
        if (m_nodeTables.contains(t.sourceTableId))
            continue;
        missing.append(t);
        names.append(target(t));
    }
    if (missing.isEmpty())
        return {};
    auto r = m_node.exec(
        QStringLiteral(
            "SELECT t.i, a.attname, a.atttypid::pg_catalog.regtype::pg_catalog.text, "
            "a.attgenerated <> '', a.attidentity = 'a', "
            "(SELECT pg_catalog.format('OPERATOR(%I.%s)', n.nspname, o.oprname) "
            "FROM pg_catalog.pg_index x "
            "CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(x.indkey::pg_catalog.int2[]), "
            "pg_catalog.unnest(x.indclass::pg_catalog.oid[])) k(attnum, opclass) "
            "JOIN pg_catalog.pg_opclass c ON c.oid = k.opclass "
            "JOIN pg_catalog.pg_amop ao ON ao.amopfamily = c.opcfamily AND ao.amoplefttype = "
            "c.opcintype AND ao.amoprighttype = c.opcintype AND ao.amopstrategy = 3 "
            "AND ao.amopmethod = c.opcmethod "
            "JOIN pg_catalog.pg_operator o ON o.oid = ao.amopopr "
            "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
            "WHERE x.indrelid = a.attrelid AND x.indisprimary AND k.attnum = a.attnum) "
            "FROM pg_catalog.json_array_elements_text($1::pg_catalog.json) WITH ORDINALITY "
            "t(name, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = "
            "t.name::pg_catalog.regclass WHERE a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY t.i, a.attnum"),
        {jsonArrayOf(names)});
    if (!r)
        return r.error().withContext(QStringLiteral("reading the columns of the node's tables"));
    for (const TableMapping &t : std::as_const(missing))
        m_nodeTables.insert(t.sourceTableId, {});
    QHash<int, QHash<QString, QString>> keyEquals;
    for (int row = 0; row < r->rowCount(); ++row) {
        const TableMapping &t = missing.at(r->toInt64(row, 0) - 1);
        NodeTable &n = m_nodeTables[t.sourceTableId];
        const QString name = r->text(row, 1);
        n.columns.append(name);
        n.types.insert(name, r->text(row, 2));
        if (r->toBool(row, 3))
            n.generated.insert(name);
        if (r->toBool(row, 4))
            n.identityAlways.insert(name);
        if (!r->isNull(row, 5))
            keyEquals[t.sourceTableId].insert(name, r->text(row, 5));
    }
    for (const TableMapping &t : std::as_const(missing)) {
        NodeTable &n = m_nodeTables[t.sourceTableId];
        for (const QString &k : t.keyColumns)
            n.keyEquals.append(keyEquals.value(t.sourceTableId)
                                   .value(k, QStringLiteral("OPERATOR(pg_catalog.=)")));
    }
    if (tables.size() < 2)
        return {};
    // Foreign keys between the batch's tables decide their order.
    QStringList all;
    for (const TableMapping &t : tables)
        all.append(target(t));
    auto fk = foreignKeysBetween(m_node, all);
    if (!fk)
        return fk.error();
    for (const TableMapping &t : tables)
        m_nodeTables[t.sourceTableId].references.clear();
    for (const auto &[child, parent] : std::as_const(*fk))
        m_nodeTables[tables.at(child).sourceTableId].references.append(
            tables.at(parent).sourceTableId);
    return {};
}

QList<int> Applier::applyOrder(const QList<int> &ids) const
{
    // Kahn's order over the references between these tables; a cycle keeps
    // the id order for what is left (event-by-event apply sorts it out).
    QList<int> left = ids;
    std::sort(left.begin(), left.end());
    QList<int> order;
    while (!left.isEmpty()) {
        bool progressed = false;
        for (qsizetype i = 0; i < left.size(); ++i) {
            bool ready = true;
            for (const int parent : m_nodeTables.value(left.at(i)).references)
                ready = ready && (parent == left.at(i) || !left.contains(parent));
            if (ready) {
                order.append(left.takeAt(i));
                progressed = true;
                break;
            }
        }
        if (!progressed)
            order.append(left.takeFirst());
    }
    return order;
}

void Applier::markFailed(const TableMapping &table, qint64 event)
{
    m_failedEvent = event;
    m_failedTable = displayTableName(m_node, table.targetSchema, table.targetName);
    m_failedTableId = table.sourceTableId;
}

Result<QStringList>
Applier::writableColumns(const TableMapping &table, const QStringList &carried, qint64 event)
{
    const NodeTable &node = m_nodeTables[table.sourceTableId];
    // A node that keeps some columns only (add-table --columns) ignores the rest.
    QStringList kept = carried;
    if (!table.columns.isEmpty())
        kept.removeIf([&table](const QString &c) { return !table.columns.contains(c); });
    for (const QString &c : std::as_const(kept)) {
        if (node.columns.contains(c))
            continue;
        markFailed(table, event);
        return Error(ErrorKind::Data,
                     QStringLiteral("event %1 of %2 carries column %3, which %4 on this node "
                                    "lacks: make schema changes through the queue (ferry "
                                    "ROOT.ini execute FILE), or add it to %4 here as the root "
                                    "has it (its type and default; if the root renamed a "
                                    "column, rename it here), then the worker goes on by "
                                    "itself; nothing of the batch was applied")
                         .arg(event)
                         .arg(displayTableName(m_node, table.sourceSchema, table.sourceName),
                              m_node.quoteIdentifier(c), m_failedTable));
    }
    const QSet<QString> has(kept.cbegin(), kept.cend());
    QStringList columns;
    for (const QString &c : node.columns) {
        if (!has.contains(c) || node.generated.contains(c))
            continue;
        if (node.identityAlways.contains(c) && !table.keyColumns.contains(c)) {
            // add-table refuses it; a table added before it did is told here.
            markFailed(table, event);
            return Error(ErrorKind::Data,
                         QStringLiteral("column %1 of %2 on this node is GENERATED ALWAYS AS "
                                        "IDENTITY: the root's values cannot be written into it "
                                        "(ALTER TABLE %2 ALTER COLUMN %1 SET GENERATED BY "
                                        "DEFAULT here); nothing of the batch was applied")
                             .arg(m_node.quoteIdentifier(c), m_failedTable));
        }
        columns.append(c);
    }
    return columns;
}

Result<void> Applier::configureTransaction()
{
    // One round trip: under load every extra one is a wait for the CPU.
    // - search_path pinned again for the transaction (the session already
    //   starts with it; a pooler may have dropped startup options).
    // - Deferrable constraints (a foreign key declared DEFERRABLE) are
    //   checked at COMMIT, when the whole batch is in, as on the source.
    // - Row security off: a policy that would hide rows from this role makes
    //   the batch fail rather than skip them (R1); no statement_timeout a
    //   role's settings may carry cancels a batch again and again.
    // - Capture writes money with lc_monetary = 'C'; read it back the same way.
    // - The net effect of a 100,000-event batch is sorted in memory, not on
    //   disk: work_mem is raised for this transaction, never lowered.
    // - Only superusers (or roles granted SET on it, PG 15+) may use replica
    //   mode; others apply with their triggers on (the write guard lets
    //   ferry.apply_session pass for members of the node's apply role).
    // - The events' temporary table lives as long as the session (emptied at
    //   commit); a batch's events fit in the session's buffers for temporary
    //   tables (8 MB by default, settable only before the first one). Its
    //   columns are those of the provider's batch query, so the provider's
    //   COPY lines go in unchanged; ev_key is NULL for an update that keeps
    //   its key.
    if (auto r = m_node.exec(QStringLiteral(
            "SET LOCAL search_path = pg_catalog, pg_temp; SET CONSTRAINTS ALL DEFERRED; "
            "SET LOCAL row_security = off; SET LOCAL statement_timeout = 0; "
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

Result<void> Applier::checkPosition(const Batch &batch, ApplyResult &result)
{
    auto done = m_node.exec(QStringLiteral("SELECT tick_id, tick_epoch_ms FROM "
                                           "ferry.completed_tick WHERE queue_name = $1 AND "
                                           "consumer_name = $2 FOR UPDATE"),
                            {m_queue, m_consumer});
    if (!done)
        return done.error();
    if (done->rowCount() == 0)
        return {};
    const qint64 completed = done->toInt64(0, 0);
    // The provider's time of that tick: a tick of the same number with
    // another time is another tick (schema 6 on; earlier rows have none).
    const std::optional<qint64> completedAt
        = done->isNull(0, 1) ? std::nullopt : std::optional<qint64>(done->toInt64(0, 1));
    // Within a millisecond: extract(epoch) rounds as float8 on PostgreSQL 13
    // and as numeric later, so a provider's upgrade may move the last digit.
    const auto sameTick = [&completedAt](const QDateTime &at) {
        return !completedAt || qAbs(*completedAt - at.toMSecsSinceEpoch()) <= 1;
    };
    if (completed == batch.tickId && sameTick(batch.tickTime)) {
        result.alreadyApplied = true; // a crash after commit, before finish_batch
        return {};
    }
    if (completed == batch.prevTickId && sameTick(batch.prevTickTime))
        return {};
    if (completed >= batch.prevTickId)
        return Error(ErrorKind::Data,
                     QStringLiteral("this node applied the provider's tick %1, but the "
                                    "provider's batch %2 runs from tick %3 to %4 and those ticks "
                                    "are not the ones it applied: was the provider restored from "
                                    "a backup? Nothing was applied; this node must be copied "
                                    "afresh (drop-node it, then create-leaf and add-table again)")
                         .arg(completed)
                         .arg(batch.id)
                         .arg(batch.prevTickId)
                         .arg(batch.tickId));
    return Error(ErrorKind::Data,
                 QStringLiteral("this node applied up to tick %1 but the provider's next batch "
                                "%2 starts at tick %3: the changes between are missing here (was "
                                "this node's database restored from a backup, or its consumer "
                                "moved by hand?). Nothing was applied; this node must be copied "
                                "afresh (drop-node it, then create-leaf and add-table again)")
                     .arg(completed)
                     .arg(batch.id)
                     .arg(batch.prevTickId));
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
    // Row conditions are judged on the provider, where the copy judged them.
    QHash<int, BatchReader::RowFilter> filters;
    // Also for a table the root released: its last events, before the
    // release, are judged like all others (never written unjudged).
    for (const TableMapping &t : tables) {
        if (t.condition.isEmpty() || t.inCopy)
            continue;
        filters.insert(t.sourceTableId, rowFilterOf(t));
    }
    auto read = reader.streamEvents(
        batch,
        [&](const BatchReader::CopyLine &e) {
            if (e.op == Event::Op::Script) {
                // Of no table: every node runs it, in order (applyScript).
                streamed.scripts.append(e.id);
                return true;
            }
            const auto table = tables.constFind(e.tableId);
            if (table == tables.cend())
                return true; // not a table of this node
            if (e.op == Event::Op::Release) {
                // The table's last event; never skipped: a copy's snapshot that
                // saw the release does not make the subscription stay.
                streamed.released.append(e.tableId);
                return true;
            }
            // Nothing a table's copy already holds or will hold.
            if (table->inCopy || (table->skipSeenBy && table->skipSeenBy->sees(e.txid)))
                return true;
            if (table->holdEvents) {
                // Kept as read, for after its copy (storeHeldEvents).
                streamed.held.insert(e.tableId);
                streamed.lines.append(e.id);
                sent = PQputCopyData(m_node.handle(), e.line.data(), int(e.line.size())) == 1;
                return sent;
            }
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
            case Event::Op::Release:
                ++streamed.truncates;
                break;
            case Event::Op::Script:
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
            if (shape & (Inserts | Updates | KeyChanges)) {
                // Which columns the image carries (R1: only those are written).
                auto &sets = streamed.columnSets[e.tableId];
                const quint64 signature = columnSignature(e.data);
                auto set = sets.find(signature);
                if (set == sets.end())
                    sets.insert(signature,
                                {signature == 0 ? QStringList() : memberNames(e.data), e.id, e.id});
                else
                    set->lastEvent = qMax(set->lastEvent, e.id);
            }
            streamed.shapes[e.tableId] |= shape;
            streamed.lines.append(e.id);
            sent = PQputCopyData(m_node.handle(), line.data(), int(line.size())) == 1;
            return sent;
        },
        filters);
    if (!read || !sent) {
        PQputCopyEnd(m_node.handle(), "reading the batch failed");
        std::optional<Error> nodeSide;
        while (PGresult *rest = PQgetResult(m_node.handle())) {
            QueryResult r(rest);
            if (PQresultStatus(rest) == PGRES_FATAL_ERROR && !nodeSide)
                nodeSide = m_node.resultError(rest);
        }
        if (!sent) {
            // The node refused a line (text it cannot hold): say which.
            if (nodeSide && m_node.isOpen())
                return failedCopy(*nodeSide, batch, reader, tables, streamed);
            return m_node.connectionError(QStringLiteral("sending events"));
        }
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
        return failedCopy(*failure, batch, reader, tables, streamed);
    return {};
}

Error Applier::failedCopy(const Error &copyError,
                          const Batch &batch,
                          BatchReader &reader,
                          const QHash<int, TableMapping> &tables,
                          const Streamed &streamed)
{
    // The node names the line it could not take; the line names the event,
    // and the provider still has it: its table and key make the message.
    const auto line = copyError.copyLine();
    if (!line || *line < 1 || *line > streamed.lines.size() || !m_node.isOpen())
        return copyError;
    const qint64 eventId = streamed.lines.at(*line - 1);
    auto event = reader.readEvent(batch, eventId);
    if (!event || !event->has_value() || !tables.contains(event->value().tableId))
        return copyError;
    const TableMapping &table = tables[event->value().tableId];
    markFailed(table, eventId);
    QString key;
    {
        const QByteArray &json
            = event->value().key.isEmpty() ? event->value().data : event->value().key;
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        QStringList values;
        for (const QString &k : table.keyColumns) {
            const QJsonValue v = object.value(k);
            values.append(
                v.isString()
                    ? v.toString()
                    : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                          .mid(1)
                          .chopped(1));
        }
        key = QStringLiteral(", key ") + formatKey(table.keyColumns, values);
    }
    Error e = copyError;
    const QString what = encodingAdvice(copyError);
    return std::move(e.withContext(
        QStringLiteral("event %1 on %2%3%4").arg(eventId).arg(m_failedTable, key, what)));
}

Result<QList<Applier::Segment>> Applier::segments(const Streamed &streamed)
{
    constexpr qint64 kEnd = std::numeric_limits<qint64>::max();
    if (streamed.truncates == 0)
        return QList<Segment>{{0, kEnd, {}}};
    // TRUNCATE events cut the batch into segments applied in order. One
    // statement's TRUNCATE of several tables (a table and those whose
    // foreign keys reference it) arrives as adjacent events of one
    // transaction: they are replayed as one statement, which is what lets
    // it pass the node's foreign keys too.
    // Events of other transactions may have taken ids between them: those are
    // of other tables (the TRUNCATE holds its tables' locks to its commit),
    // so they go after the TRUNCATE with no harm; one of the same
    // transaction between two TRUNCATEs keeps them apart.
    auto r = m_node.exec(QStringLiteral(
        "SELECT t.ev_id, t.ev_table, t.prev_tx = t.ev_txid AND NOT EXISTS (SELECT 1 FROM "
        "ferry_ev x WHERE x.ev_txid = t.ev_txid AND x.ev_id > t.prev_id AND x.ev_id < t.ev_id) "
        "FROM (SELECT ev_id, ev_table, ev_txid, pg_catalog.lag(ev_id) OVER w AS prev_id, "
        "pg_catalog.lag(ev_txid) OVER w AS prev_tx FROM ferry_ev WHERE ev_op = 'T' "
        "WINDOW w AS (ORDER BY ev_id)) t ORDER BY t.ev_id"));
    if (!r)
        return r.error();
    QList<Segment> out;
    qint64 from = 0;
    for (int i = 0; i < r->rowCount(); ++i) {
        const qint64 id = r->toInt64(i, 0);
        const int table = int(r->toInt64(i, 1));
        if (r->toBool(i, 2) && !out.isEmpty() && out.last().truncateAfter.size() > 0) {
            // Joins the previous TRUNCATE; the next segment starts after the
            // group's first event, so what lies between is applied after it.
            if (!out.last().truncateAfter.contains(table))
                out.last().truncateAfter.append(table);
            continue;
        }
        out.append({from, id, {table}});
        from = id;
    }
    out.append({from, kEnd, {}});
    return out;
}

Result<Applier::SetBased> Applier::setBasedSql(const Segment &segment,
                                               const TableMapping &table,
                                               const QStringList &columns,
                                               int shape)
{
    const QString t = target(table);
    const QString range = QStringLiteral("e.ev_table = %1 AND e.ev_id > %2 AND e.ev_id < %3")
                              .arg(table.sourceTableId)
                              .arg(segment.from)
                              .arg(segment.to);
    SetBased out;
    // Only inserts: every key comes once (a second insert of a key needs a
    // delete or key change between), so the events are their net effect.
    // Should that ever not hold, ON CONFLICT fails with 21000 and the
    // segment is applied event by event.
    if (shape == Inserts) {
        out.upserts.append(upsertSql(table, columns, QStringLiteral("ferry_ev e"),
                                     QStringLiteral("e.ev_data"),
                                     range + QStringLiteral(" AND e.ev_op = 'I'")));
        return out;
    }

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
    QStringList insertColumns;
    for (const QString &c : columns)
        insertColumns.append(m_node.quoteIdentifier(c));
    const QString insertHead
        = QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE SELECT %3 FROM ")
              .arg(t, insertColumns.join(QStringLiteral(", ")),
                   decodedColumns(QStringLiteral("n"), columns, table));

    if (!(shape & (KeyChanges | Deletes))) {
        // Nothing to delete: one statement, no temporary table.
        QStringList rowKeys;
        for (const QString &k : keyNames)
            rowKeys.append(QStringLiteral("r.") + k);
        out.upserts.append(
            insertHead
            + QStringLiteral("(SELECT DISTINCT ON (%1) %2 FROM ferry_ev e, "
                             "pg_catalog.json_populate_record(NULL::%3, e.ev_data) r "
                             "WHERE %4 AND e.ev_op IN ('I', 'U') ORDER BY %1, e.ev_id DESC) n")
                  .arg(rowKeys.join(QStringLiteral(", ")), fromData.join(QStringLiteral(", ")), t,
                       range)
            + upsertTail(columns, table));
        return out;
    }

    const QString evId = freeName(QStringLiteral("ferry_ev_id"), wanted);
    const QString upsert = freeName(QStringLiteral("ferry_upsert"), wanted);
    const QString net = QStringLiteral("ferry_net_%1").arg(table.sourceTableId);
    out.deletes.append(QStringLiteral("CREATE TEMP TABLE %8 ON COMMIT DROP AS "
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
                                fromKey.join(QStringLiteral(", ")), t, evId, upsert, range, net));
    out.deletes.append(
        QStringLiteral("DELETE FROM ONLY %1 t USING %2 n WHERE NOT n.%3 AND %4")
            .arg(t, net, upsert, keyMatch(QStringLiteral("t"), QStringLiteral("n"), table)));
    out.upserts.append(insertHead + QStringLiteral("%1 n WHERE n.%2").arg(net, upsert)
                       + upsertTail(columns, table));
    out.upserts.append(QStringLiteral("DROP TABLE %1").arg(net));
    return out;
}

Result<void> Applier::applyRowByRow(const Segment &segment, const QHash<int, TableMapping> &tables)
{
    // Set-based apply needs no index on the events; event by event does. It
    // is dropped again before COMMIT, so later batches' COPY need not keep it.
    if (!m_eventIndex) {
        if (auto r = m_node.exec(QStringLiteral("CREATE INDEX ferry_ev_id ON ferry_ev (ev_id)"));
            !r)
            return r.error();
        m_eventIndex = true;
    }
    // Every event of the segment, of every table, in queue order: the order
    // the root committed them in, which its constraints (and so the node's
    // same ones) accepted. With each: the columns its image carries, and its
    // key as text for a message.
    QStringList keyCases;
    for (const TableMapping &t : tables) {
        if (t.inCopy)
            continue;
        QStringList parts;
        for (const QString &k : t.keyColumns)
            parts.append(QStringLiteral("COALESCE(e.ev_key, e.ev_data) OPERATOR(pg_catalog.->>) %1")
                             .arg(m_node.quoteLiteral(k)));
        keyCases.append(
            QStringLiteral("WHEN %1 THEN pg_catalog.array_to_json(ARRAY[%2])")
                .arg(QString::number(t.sourceTableId), parts.join(QStringLiteral(", "))));
    }
    auto events = m_node.exec(
        QStringLiteral("SELECT ev_id, ev_table, ev_op, ev_key IS NOT NULL, CASE WHEN ev_op IN "
                       "('I', 'U') THEN pg_catalog.array_to_json(ARRAY(SELECT "
                       "pg_catalog.json_object_keys(e.ev_data))) END, CASE ev_table %1 END "
                       "FROM ferry_ev e WHERE e.ev_id > $1 AND e.ev_id < $2 AND e.ev_op <> 'T' "
                       "ORDER BY ev_id")
            .arg(keyCases.join(QLatin1Char(' '))),
        {segment.from, segment.to});
    if (!events)
        return events.error();
    // The row's data stays on the server: each statement picks its event by id.
    QHash<QString, QString> statements;
    QHash<QByteArray, QStringList> carriedByText;
    for (int i = 0; i < events->rowCount(); ++i) {
        const qint64 id = events->toInt64(i, 0);
        const TableMapping &table = tables[int(events->toInt64(i, 1))];
        const char op = events->bytes(i, 2).at(0);
        auto fail = [&](Error e) {
            const QStringList values = events->jsonStrings(i, 5);
            markFailed(table, id);
            return std::move(
                e.withContext(QStringLiteral("event %1 on %2, key %3")
                                  .arg(id)
                                  .arg(m_failedTable, formatKey(table.keyColumns, values))));
        };
        // An update that changes the key deletes the old one first; one that
        // keeps it (no ev_key) is a single upsert, like Londiste's UPDATE.
        if (op == 'D' || (op == 'U' && events->toBool(i, 3))) {
            const QString key = QStringLiteral("D%1").arg(table.sourceTableId);
            if (!statements.contains(key))
                statements.insert(
                    key, QStringLiteral("DELETE FROM ONLY %1 t USING ferry_ev e, "
                                        "pg_catalog.json_populate_record(NULL::%1, e.ev_key) k "
                                        "WHERE e.ev_id = $1 AND %2")
                             .arg(target(table),
                                  keyMatch(QStringLiteral("t"), QStringLiteral("k"), table)));
            if (auto r = m_node.exec(statements.value(key), {id}); !r)
                return fail(r.error());
        }
        if (op != 'I' && op != 'U')
            continue;
        const QByteArray carriedText = events->bytes(i, 4);
        auto carried = carriedByText.constFind(carriedText);
        if (carried == carriedByText.cend())
            carried = carriedByText.insert(carriedText, events->jsonStrings(i, 4));
        auto columns = writableColumns(table, *carried, id);
        if (!columns)
            return columns.error();
        const QString key = QStringLiteral("U%1:%2")
                                .arg(table.sourceTableId)
                                .arg(columns->join(QLatin1Char(',')));
        if (!statements.contains(key))
            statements.insert(key, upsertSql(table, *columns, QStringLiteral("ferry_ev e"),
                                             QStringLiteral("e.ev_data"),
                                             QStringLiteral("e.ev_id = $1")));
        if (auto r = m_node.exec(statements.value(key), {id}); !r)
            return fail(r.error());
    }
    return {};
}

Result<void> Applier::applySegment(const Segment &segment,
                                   const QList<int> &order,
                                   const QHash<int, TableMapping> &tables,
                                   const Streamed &streamed,
                                   bool &rowByRow)
{
    // A table whose images carried more than one set of columns in this
    // batch (the root changed it meanwhile), or whose images could not be
    // read, is applied event by event, each with its own columns; with it
    // the whole segment, to keep the queue's order between tables.
    bool eventByEvent = m_alwaysRowByRow;
    QHash<int, QStringList> columns;
    for (const int id : order) {
        const int shape = streamed.shapes.value(id);
        if (shape == 0)
            continue; // only TRUNCATEs
        // The column sets of this segment's rows: one that starts after it
        // (rows after a script that added a column) or ends before it (rows
        // before a script that dropped one) is not checked here.
        auto sets = streamed.columnSets.value(id);
        const bool any = !sets.isEmpty();
        sets.removeIf([&segment](const auto &set) {
            return set.value().firstEvent >= segment.to || set.value().lastEvent <= segment.from;
        });
        if (sets.size() > 1 || sets.contains(0)) {
            eventByEvent = true;
            continue;
        }
        if (sets.isEmpty() && any) {
            // Its rows come in a later segment: this one may delete.
            columns.insert(id, tables[id].keyColumns);
            continue;
        }
        if (sets.isEmpty()) {
            // Only deletes: they name nothing but the key.
            columns.insert(id, tables[id].keyColumns);
            continue;
        }
        auto writable
            = writableColumns(tables[id], sets.cbegin()->names, sets.cbegin()->firstEvent);
        if (!writable)
            return writable.error();
        columns.insert(id, *writable);
    }
    if (eventByEvent) {
        rowByRow = true;
        return applyRowByRow(segment, tables);
    }
    // Deletes first, the tables referencing others before those they
    // reference; then the upserts, referenced tables first.
    QStringList deletes;
    QStringList upserts;
    for (qsizetype i = 0; i < order.size(); ++i) {
        const int id = order.at(i);
        const int shape = streamed.shapes.value(id);
        if (shape == 0)
            continue;
        auto sql = setBasedSql(segment, tables[id], columns.value(id), shape);
        if (!sql)
            return sql.error();
        deletes = sql->deletes + deletes;
        upserts += sql->upserts;
    }
    if (deletes.isEmpty() && upserts.isEmpty())
        return {};
    // One round trip: the statements run in a savepoint, in one query string
    // (the server stops at the first error, leaving the savepoint to return to).
    auto setBased = m_node.exec(QStringLiteral("SAVEPOINT ferry_segment; ")
                                + (deletes + upserts).join(QStringLiteral("; "))
                                + QStringLiteral("; RELEASE SAVEPOINT ferry_segment"));
    if (setBased)
        return {};
    // A constraint that set-based order broke (21000: a key inserted twice,
    // which ON CONFLICT cannot do at once; a foreign key) passes event by
    // event; any other error (a privilege, a trigger's) fails there again,
    // but naming its event, table and key.
    const ErrorKind kind = setBased.error().kind();
    if (kind == ErrorKind::Connection || kind == ErrorKind::InDoubt || kind == ErrorKind::Canceled)
        return setBased.error();
    if (auto r = m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_segment")); !r)
        return r.error();
    rowByRow = true;
    return applyRowByRow(segment, tables);
}

Result<ApplyResult>
Applier::apply(const Batch &batch, BatchReader &reader, const QHash<int, TableMapping> &given)
{
    ApplyResult result;
    QElapsedTimer clock;
    clock.start();
    m_eventIndex = false;
    m_failedEvent.reset();
    m_failedTable.clear();
    m_failedTableId = 0;
    m_replacements.clear();
    // Rolls back whatever happens unless committed below.
    auto tx = Transaction::begin(m_node);
    if (!tx)
        return tx.error();
    if (auto r = configureTransaction(); !r)
        return r.error();
    if (auto r = checkPosition(batch, result); !r || result.alreadyApplied)
        return r ? Result<ApplyResult>(result) : Result<ApplyResult>(r.error());

    // From here on the tables as this transaction sees them, not as the
    // caller read them before it began (a copy may have ended since).
    QSet<int> withHeld;
    auto locked = lockCopyStates(given, withHeld);
    if (!locked)
        return locked.error();
    const QHash<int, TableMapping> &tables = *locked;

    Streamed streamed;
    if (auto r = copyEvents(batch, reader, tables, result, streamed); !r)
        return r.error();
    if (auto r = storeHeldEvents(streamed); !r)
        return r.error();
    if (auto r = takeHeldEvents(tables, withHeld, streamed, result); !r)
        return r.error();
    if (auto r = takeEventFixes(batch, streamed, result); !r)
        return r.error();
    result.streamNs = clock.nsecsElapsed();

    QList<int> present = streamed.shapes.keys();
    QList<TableMapping> applied;
    for (const int id : std::as_const(present))
        applied.append(tables.value(id));
    if (auto r = loadNodeTables(applied); !r)
        return r.error();
    const QList<int> order = applyOrder(present);
    auto cuts = segments(streamed);
    if (!cuts)
        return cuts.error();
    for (const Segment &segment : cutAtReplacements(cutAtScripts(*cuts, streamed.scripts))) {
        if (auto r = applySegment(segment, order, tables, streamed, result.rowByRow); !r)
            return r.error();
        if (auto r = applyReplacement(segment); !r)
            return r.error();
        if (segment.scriptAfter != 0) {
            if (auto r = applyScript(batch, reader, segment.scriptAfter, tables, result); !r)
                return r.error();
            // The script may have changed the node's tables: read them again.
            m_nodeTables.clear();
            if (auto r = loadNodeTables(applied); !r)
                return r.error();
            continue;
        }
        if (segment.truncateAfter.isEmpty())
            continue;
        QStringList targets;
        for (const int id : segment.truncateAfter)
            targets.append(target(tables.value(id)));
        // ONLY: a node table's own inheritance children are tables of their own.
        if (auto r
            = m_node.exec(QStringLiteral("TRUNCATE ONLY ") + targets.join(QStringLiteral(", ")));
            !r) {
            const TableMapping &first = tables[segment.truncateAfter.first()];
            markFailed(first, segment.to);
            const QString what = r.error().sqlState() == QLatin1String("0A000") ? QStringLiteral(
                                     " (a table of this node references it by a foreign key "
                                     "and is not truncated with it on the root: truncate it "
                                     "here too, add it to this node, or drop the foreign key)")
                                                                                : QString();
            return std::move(r.error().withContext(
                QStringLiteral("event %1: TRUNCATE %2%3")
                    .arg(QString::number(segment.to), targets.join(QStringLiteral(", ")), what)));
        }
    }
    if (m_eventIndex) {
        if (auto r = m_node.exec(QStringLiteral("DROP INDEX ferry_ev_id")); !r)
            return r.error();
    }

    // The provider no longer replicates these: their last events are in,
    // the node stops subscribing them in the same transaction (their rows
    // stay; application writes are allowed again).
    for (const int id : std::as_const(streamed.released)) {
        const TableMapping &t = tables[id];
        auto gone
            = m_node.exec(QStringLiteral("DELETE FROM ferry.node_table WHERE queue_name = $1 AND "
                                         "source_table_id = $2 RETURNING dest_schema, dest_name"),
                          {m_queue, id});
        if (!gone)
            return gone.error();
        if (gone->rowCount() == 0)
            continue;
        if (auto r = dropHeldEvents(id); !r)
            return r.error();
        // Removing the deny triggers needs the table's owner: without, the
        // subscription still ends and the log says what is left to do.
        const QString dest = m_node.quoteQualified(gone->text(0, 0), gone->text(0, 1));
        if (auto r = m_node.exec(QStringLiteral("SAVEPOINT ferry_allow; SELECT "
                                                "ferry.allow_table(pg_catalog.to_regclass(%1)) "
                                                "WHERE pg_catalog.to_regclass(%1) IS NOT NULL; "
                                                "RELEASE SAVEPOINT ferry_allow")
                                     .arg(m_node.quoteLiteral(dest)));
            !r) {
            if (auto back = m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_allow")); !back)
                return back.error();
            result.notes.append(
                QStringLiteral("the deny triggers of %1 stay (%2): drop them as its owner "
                               "(DROP TRIGGER _ferry_deny ON %1; DROP TRIGGER _ferry_deny_truncate "
                               "ON %1)")
                    .arg(dest, r.error().toString()));
        }
        result.released.append(displayTableName(m_node, t.targetSchema, t.targetName));
    }
    result.statementsNs = clock.nsecsElapsed() - result.streamNs;

    if (auto r = m_node.exec(
            QStringLiteral("INSERT INTO ferry.completed_tick (queue_name, consumer_name, tick_id, "
                           "batch_id, tick_epoch_ms) VALUES ($1, $2, $3, $4, $5) "
                           "ON CONFLICT (queue_name, consumer_name) DO UPDATE SET tick_id = "
                           "EXCLUDED.tick_id, batch_id = EXCLUDED.batch_id, tick_epoch_ms = "
                           "EXCLUDED.tick_epoch_ms, applied_at = pg_catalog.now()"),
            {m_queue, m_consumer, batch.tickId, batch.id, batch.tickTime.toMSecsSinceEpoch()});
        !r)
        return r.error();
    if (auto r = tx->commit(); !r)
        return r.error().withContext(QStringLiteral("applying batch %1").arg(batch.id));
    result.commitNs = clock.nsecsElapsed() - result.streamNs - result.statementsNs;
    result.tables = tables;
    return result;
}

} // namespace ferry
