#pragma once

#include "db/connection.h"
#include "replication/tableregistry.h"

#include <optional>

namespace ferry {

// One side of a compared table, as the SQL of compare and repair needs it:
// the provider's table with the node's row condition, or the node's
// destination table. Both sides name the same columns (matched by name,
// sorted by name, so another column order compares equal) and order keys
// the same way: text keys in "C" order on both, whatever their collations.
struct TableSide
{
    QString table;           // schema-qualified, quoted
    QString alias;           // the name rows are known by (the provider's table name)
    QString condition;       // provider side only: the node's row condition
    QStringList columns;     // compared, quoted, sorted by name
    QStringList columnNames; // the same, unquoted
    QStringList keys;        // primary key columns, quoted, in key order
    QStringList keyNames;    // the same, unquoted
    QStringList columnTypes; // per compared column, its type on this side
    // Per compared column, how its value is read for the hash: the column,
    // or (provider side, where the node's type differs) the provider's
    // value as the node's type would hold it (numeric(10,2) rounds).
    QStringList hashed;
    // The two databases' encodings differ: a value's text is hashed as its
    // UTF-8 bytes, so the same characters hash alike on both.
    bool utf8Hash = false;
    // Every compared column is of one type on both sides whose hash tells
    // apart what its text does: the row hashes by hash_record_extended.
    bool recordHash = false;
    QStringList keyTypes;      // per key column, its type on this side (format_type)
    QList<bool> keyCollatable; // per key column: a collatable type ("C" order)

    // A key range: keys from `lower` (inclusive) up to `upper` (exclusive),
    // each a key as texts; empty optional: unbounded.
    struct Range
    {
        std::optional<QStringList> lower;
        std::optional<QStringList> upper;
    };

    // "FROM ONLY t AS alias WHERE condition AND range": `params` receives the
    // range's values (their $n follow the ones already in it).
    QString from(const Range &range, QVariantList &params) const;
    // The same over a sample of the table's pages (TABLESAMPLE SYSTEM).
    QString sampledFrom(double percent, const Range &range, QVariantList &params) const;
    // "FROM ONLY t AS alias WHERE condition AND ROW(key) = ROW($n...)": one row.
    QString fromKey(const QStringList &key, QVariantList &params) const;
    // Each compared column's text, NULL kept as NULL (format() would make it '').
    QString valueTexts() const;
    // The bucket of a row among `cuts` (sorted keys): 1 below the first,
    // i + 1 from the i-th on.
    QString bucketOf(const QList<QStringList> &cuts, QVariantList &params) const;
    // The key's order, "C" for text.
    QString keyOrder(bool descending = false) const;
    // Each key column's text (its output function, never a cast).
    QStringList keyTexts() const;
    // A row's 64-bit hash: its compared columns' text, as a row, hashed (or
    // with recordHash, the columns' own hashes combined in column order).
    QString rowHash() const;
    // ROW(key) OP ROW($n::type, ...) for one key ("=", "<=", ...): "C"
    // order for text in <, <=, >; equality as the key's own (so its index
    // serves it).
    QString keyCompare(const QString &op, const QStringList &key, QVariantList &params) const;
    QString keyEquals(const QStringList &key, QVariantList &params) const
    {
        return keyCompare(QStringLiteral("="), key, params);
    }

private:
    QString fromWhere(double percent,
                      const Range &range,
                      const QStringList *key,
                      QVariantList &params) const;
};

// Builds both sides of a node table: `provider` reads the provider's table
// (found by id) and the node's condition, `node` the destination. The
// compared columns are those both tables have, less the node's computed
// ones and, with a column list, the ones the node does not keep.
struct TableSides
{
    TableSide provider;
    TableSide node;
};
Result<TableSides>
describeSides(Connection &provider, Connection &node, const QString &queue, const NodeTable &table);

// SET LOCAL of every setting a value's text depends on, for compare's
// transactions on both sides: the same row reads as the same text.
QString pinnedTextSettings();

} // namespace ferry
