#include "tableside.h"

#include "replication/rowcondition.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace ferry {

namespace {

QString keyColumn(const TableSide &side, int i, bool ordered = true)
{
    return ordered && side.keyCollatable.at(i) ? side.keys.at(i) + QStringLiteral(" COLLATE \"C\"")
                                               : side.keys.at(i);
}

QString keyValue(const TableSide &side, int i, int param, bool ordered)
{
    QString v = QStringLiteral("$%1::%2").arg(QString::number(param), side.keyTypes.at(i));
    if (ordered && side.keyCollatable.at(i))
        v += QStringLiteral(" COLLATE \"C\"");
    return v;
}

QString keyRow(const TableSide &side, bool ordered = true)
{
    QStringList parts;
    for (int i = 0; i < side.keys.size(); ++i)
        parts.append(keyColumn(side, i, ordered));
    return QStringLiteral("ROW(%1)").arg(parts.join(QStringLiteral(", ")));
}

QString
valueRow(const TableSide &side, const QStringList &key, QVariantList &params, bool ordered = true)
{
    QStringList parts;
    for (int i = 0; i < side.keys.size(); ++i) {
        params.append(key.value(i));
        parts.append(keyValue(side, i, int(params.size()), ordered));
    }
    return QStringLiteral("ROW(%1)").arg(parts.join(QStringLiteral(", ")));
}

struct Column
{
    QString name;
    QString type;
    bool collatable = false;
    bool generated = false;
    QString baseType; // a domain's base type (its checks never run for a key value)
    bool builtIn = false;
    bool deterministic = true; // its collation (if any) tells apart what differs in bytes
};

// Types whose hash opclass tells apart exactly the values whose texts
// differ (not numeric: 1.0 = 1.00; not float: -0 = 0; not interval: 1 day
// = 24 hours; not jsonb, arrays, domains): a row of only these hashes by
// hash_record_extended, without writing it out as text first (30% less
// time on pgbench_accounts). format_type's names, the typmod dropped.
bool hashesAsItsText(const Column &c)
{
    static const QSet<QString> kTypes{
        QStringLiteral("smallint"),
        QStringLiteral("integer"),
        QStringLiteral("bigint"),
        QStringLiteral("boolean"),
        QStringLiteral("date"),
        QStringLiteral("uuid"),
        QStringLiteral("bytea"),
        QStringLiteral("oid"),
        QStringLiteral("text"),
        QStringLiteral("character varying"),
        QStringLiteral("character"),
        QStringLiteral("timestamp without time zone"),
        QStringLiteral("timestamp with time zone"),
    };
    QString type = c.type;
    type.remove(QRegularExpression(QStringLiteral("\\([0-9, ]*\\)")));
    return c.builtIn && c.deterministic && kTypes.contains(type);
}

Result<QList<Column>> columnsOf(Connection &db, const QString &relation)
{
    auto r
        = db.exec(QStringLiteral(
                      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                      "t.typcollation <> 0, a.attgenerated <> '', pg_catalog.format_type(CASE "
                      "WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, CASE WHEN "
                      "t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END), a.atttypid < "
                      "16384, COALESCE((SELECT co.collisdeterministic FROM pg_catalog.pg_collation "
                      "co WHERE co.oid = a.attcollation), true) FROM pg_catalog.pg_attribute a "
                      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE a.attrelid = "
                      "$1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped"),
                  {relation});
    if (!r)
        return r.error();
    QList<Column> out;
    for (int i = 0; i < r->rowCount(); ++i)
        out.append({r->text(i, 0), r->text(i, 1), r->toBool(i, 2), r->toBool(i, 3), r->text(i, 4),
                    r->toBool(i, 5), r->toBool(i, 6)});
    return out;
}

Result<QString> encodingOf(Connection &db)
{
    auto r = db.exec(QStringLiteral("SELECT pg_catalog.current_setting('server_encoding')"));
    if (!r)
        return r.error();
    return r->text(0, 0);
}

} // namespace

QString TableSide::from(const Range &range, QVariantList &params) const
{
    return sampledFrom(0, range, params);
}

QString TableSide::fromKey(const QStringList &key, QVariantList &params) const
{
    return fromWhere(0, Range(), &key, params);
}

QString TableSide::sampledFrom(double percent, const Range &range, QVariantList &params) const
{
    return fromWhere(percent, range, nullptr, params);
}

QString TableSide::fromWhere(double percent,
                             const Range &range,
                             const QStringList *key,
                             QVariantList &params) const
{
    QStringList where;
    if (!condition.isEmpty())
        where.append(conditionSql(condition));
    if (key)
        where.append(keyEquals(*key, params));
    if (range.lower)
        where.append(keyRow(*this) + QStringLiteral(" >= ")
                     + valueRow(*this, *range.lower, params));
    if (range.upper)
        where.append(keyRow(*this) + QStringLiteral(" < ") + valueRow(*this, *range.upper, params));
    QString sql = QStringLiteral("FROM ONLY %1 AS %2").arg(table, alias);
    if (percent > 0)
        sql += QStringLiteral(" TABLESAMPLE SYSTEM (%1)").arg(QString::number(percent, 'f', 4));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    return sql;
}

QString TableSide::bucketOf(const QList<QStringList> &cuts, QVariantList &params) const
{
    if (keys.size() == 1) {
        // One key column: a binary search over the cuts (width_bucket counts
        // the cuts at or below the key, in "C" order for text).
        QStringList values;
        for (const QStringList &cut : cuts) {
            params.append(cut.value(0));
            values.append(
                QStringLiteral("$%1::%2").arg(QString::number(params.size()), keyTypes.at(0)));
        }
        return QStringLiteral("pg_catalog.width_bucket(%1, ARRAY[%2]) + 1")
            .arg(keyColumn(*this, 0), values.join(QStringLiteral(", ")));
    }
    QString cases;
    for (qsizetype i = 0; i < cuts.size(); ++i)
        cases += QStringLiteral(" WHEN %1 THEN %2")
                     .arg(keyCompare(QStringLiteral("<"), cuts.at(i), params),
                          QString::number(i + 1));
    return QStringLiteral("CASE%1 ELSE %2 END").arg(cases, QString::number(cuts.size() + 1));
}

QString TableSide::keyOrder(bool descending) const
{
    QStringList parts;
    for (int i = 0; i < keys.size(); ++i)
        parts.append(keyColumn(*this, i) + (descending ? QStringLiteral(" DESC") : QString()));
    return parts.join(QStringLiteral(", "));
}

QStringList TableSide::keyTexts() const
{
    QStringList out;
    for (const QString &k : keys)
        out.append(QStringLiteral("pg_catalog.format('%s', %1)").arg(k));
    return out;
}

QString TableSide::valueTexts() const
{
    QStringList parts;
    for (const QString &c : columns)
        parts.append(QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE pg_catalog.format('%s', "
                                    "%1) END")
                         .arg(c));
    return parts.join(QStringLiteral(", "));
}

QString TableSide::rowHash() const
{
    if (recordHash)
        // Hashed once more as text: hash_record_extended is linear in the
        // columns' hashes (31 * h + h(column)), so a sum of such row hashes
        // would not see one column's values swapped between rows.
        return QStringLiteral(
                   "pg_catalog.hashtextextended(pg_catalog.hash_record_extended(ROW(%1), "
                   "0)::pg_catalog.text COLLATE \"C\", 0)")
            .arg(columns.join(QStringLiteral(", ")));
    const QString text = QStringLiteral("(ROW(%1)::pg_catalog.text)")
                             .arg((hashed.isEmpty() ? columns : hashed).join(QStringLiteral(", ")));
    // Across encodings, the UTF-8 bytes (escaped to ASCII) are what is hashed.
    const QString bytes = utf8Hash ? QStringLiteral("pg_catalog.encode(pg_catalog.convert_to(%1, "
                                                    "'UTF8'), 'escape')")
                                         .arg(text)
                                   : text;
    return QStringLiteral("pg_catalog.hashtextextended(%1 COLLATE \"C\", 0)").arg(bytes);
}

QString TableSide::keyCompare(const QString &op, const QStringList &key, QVariantList &params) const
{
    const bool ordered = op != QLatin1String("=");
    return keyRow(*this, ordered) + QLatin1Char(' ') + op + QLatin1Char(' ')
           + valueRow(*this, key, params, ordered);
}

Result<TableSides>
describeSides(Connection &provider, Connection &node, const QString &queue, const NodeTable &table)
{
    Q_UNUSED(queue);
    auto source
        = provider.exec(QStringLiteral("SELECT t.table_oid::pg_catalog.regclass::pg_catalog."
                                       "text, t.table_name, pg_catalog.array_to_json("
                                       "t.key_columns), t.captured FROM ferry.queue_table "
                                       "t WHERE t.table_id = $1"),
                        {table.sourceTableId});
    if (!source)
        return source.error();
    const QString display = displayTableName(node, table.destSchema, table.destName);
    if (source->rowCount() == 0 || !source->toBool(0, 3))
        return Error(
            ErrorKind::Usage,
            QStringLiteral("the provider no longer replicates the source of %1").arg(display));
    TableSides sides;
    sides.provider.table = source->text(0, 0);
    sides.provider.alias = provider.quoteIdentifier(source->text(0, 1));
    sides.provider.condition = table.condition;
    sides.node.table = node.quoteQualified(table.destSchema, table.destName);
    sides.node.alias = sides.provider.alias;
    const QStringList keys = source->jsonStrings(0, 2);

    auto there = columnsOf(provider, sides.provider.table);
    if (!there)
        return there.error();
    auto here = columnsOf(node, sides.node.table);
    if (!here)
        return std::move(
            here.error().withContext(QStringLiteral("reading the columns of %1").arg(display)));
    QHash<QString, Column> nodeColumns;
    for (const Column &c : *here)
        nodeColumns.insert(c.name, c);
    QHash<QString, Column> providerColumns;
    QStringList names;
    for (const Column &c : *there) {
        providerColumns.insert(c.name, c);
        if (!nodeColumns.contains(c.name) || nodeColumns.value(c.name).generated)
            continue;
        if (!table.columns.isEmpty() && !table.columns.contains(c.name))
            continue;
        names.append(c.name);
    }
    std::sort(names.begin(), names.end());
    // hash_record_extended: PostgreSQL 14 and later.
    bool byRecord = provider.serverVersion() >= 140000 && node.serverVersion() >= 140000;
    for (const QString &n : std::as_const(names)) {
        const QString column = provider.quoteIdentifier(n);
        const Column theirs = providerColumns.value(n);
        const Column ours = nodeColumns.value(n);
        sides.provider.columns.append(column);
        sides.provider.columnTypes.append(theirs.type);
        // Another type on the node (numeric(10,2) for numeric, timestamp(0)
        // for timestamp): the provider's value as the node holds it, where
        // the node's type is a built-in one both servers know.
        sides.provider.hashed.append(
            theirs.type == ours.type || !ours.builtIn
                ? column
                : QStringLiteral("(CASE WHEN %1 IS NULL THEN NULL ELSE pg_catalog.format('%s', "
                                 "%1)::%2 END)")
                      .arg(column, ours.type));
        sides.node.columns.append(node.quoteIdentifier(n));
        sides.node.columnTypes.append(ours.type);
        byRecord = byRecord && theirs.type == ours.type && hashesAsItsText(theirs)
                   && hashesAsItsText(ours);
    }
    auto providerEncoding = encodingOf(provider);
    if (!providerEncoding)
        return providerEncoding.error();
    auto nodeEncoding = encodingOf(node);
    if (!nodeEncoding)
        return nodeEncoding.error();
    sides.provider.utf8Hash = sides.node.utf8Hash = *providerEncoding != *nodeEncoding;
    // Text is hashed as its bytes: the same characters only in one encoding.
    sides.provider.recordHash = sides.node.recordHash = byRecord && !sides.provider.utf8Hash;
    sides.provider.keyNames = keys;
    sides.node.keyNames = keys;
    sides.provider.columnNames = names;
    sides.node.columnNames = names;
    for (const QString &k : keys) {
        if (!nodeColumns.contains(k) || !providerColumns.contains(k))
            return Error(ErrorKind::Usage,
                         QStringLiteral("key column %1 of %2 is missing on one side")
                             .arg(node.quoteIdentifier(k), display));
        sides.provider.keys.append(provider.quoteIdentifier(k));
        // A domain's base type: its checks (code its owner chose) never run
        // with the worker's rights on the provider for a key value.
        sides.provider.keyTypes.append(providerColumns.value(k).baseType);
        sides.provider.keyCollatable.append(providerColumns.value(k).collatable);
        sides.node.keys.append(node.quoteIdentifier(k));
        sides.node.keyTypes.append(nodeColumns.value(k).type);
        sides.node.keyCollatable.append(nodeColumns.value(k).collatable);
    }
    return sides;
}

QString pinnedTextSettings()
{
    return QStringLiteral(
        "SET LOCAL search_path = pg_catalog, pg_temp; SET LOCAL row_security = off; "
        "SET LOCAL statement_timeout = 0; SET LOCAL DateStyle = 'ISO, YMD'; "
        "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL TimeZone = 'UTC'; "
        "SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; "
        "SET LOCAL lc_monetary = 'C'");
}

} // namespace ferry
