#include "tablecopy.h"

#include "db/copystream.h"
#include "db/transaction.h"
#include "replication/copyindexes.h"
#include "replication/failuretext.h"
#include "replication/rowcondition.h"

#include <QSet>

namespace ferry {

namespace {

// A source this large (8 MB, some 100,000 rows of the seed's tables) loads
// faster without the node table's secondary indexes, built once at the end.
constexpr qint64 kSetIndexesAsideBytes = 8 * 1024 * 1024;

// Also: row security off, so a policy that would hide rows from this role
// fails the copy instead of copying less (R1); no statement_timeout a role's
// settings may carry (a copy takes as long as the table).
const QString kPinnedFormats
    = QStringLiteral("SET LOCAL search_path = pg_catalog, pg_temp; SET LOCAL row_security = off; "
                     "SET LOCAL statement_timeout = 0; "
                     "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; "
                     "SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; "
                     "SET LOCAL lc_monetary = 'C'");

// The provider's table behind a node's subscription, as it is now.
struct Source
{
    QString qualified; // schema-qualified, quoted
    QString display;
    QString oid;
    bool captured = false;
    QStringList keys;
};

Result<Source> findSource(Connection &provider, int tableId)
{
    auto r = provider.exec(QStringLiteral("SELECT t.table_oid::pg_catalog.regclass::pg_catalog."
                                          "text, t.table_oid, t.captured, "
                                          "pg_catalog.format('%s.%s', t.schema_name, "
                                          "t.table_name), pg_catalog.array_to_json(t.key_columns) "
                                          "FROM ferry.queue_table t WHERE t.table_id = $1"),
                           {tableId});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return Error(
            ErrorKind::Canceled,
            QStringLiteral("the provider has no table with id %1 (any more)").arg(tableId));
    return Source{r->text(0, 0), r->text(0, 3), r->text(0, 1), r->toBool(0, 2),
                  r->jsonStrings(0, 4)};
}

// Empties the node's table for its copy. TRUNCATE where it may; a table
// that other tables' foreign keys reference cannot be truncated alone, so
// its rows are deleted (deferrable keys are checked at COMMIT, when the
// copy is in; replica mode checks none).
// True when it truncated: the copy then holds the table's ACCESS EXCLUSIVE
// lock to its COMMIT.
Result<bool> emptyForCopy(Connection &leaf, const QString &dest, const QString &display)
{
    if (auto r = leaf.exec(QStringLiteral("SAVEPOINT ferry_empty; TRUNCATE ONLY %1; RELEASE "
                                          "SAVEPOINT ferry_empty")
                               .arg(dest));
        r)
        return true;
    else if (r.error().sqlState() != QLatin1String("0A000"))
        return std::move(
            r.error().withContext(QStringLiteral("emptying %1 for its copy").arg(display)));
    if (auto r = leaf.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_empty")); !r)
        return r.error();
    // Without replica mode a DELETE fires the referencing keys' actions: a
    // CASCADE or SET NULL would change rows of tables this node keeps.
    auto actions = leaf.exec(
        QStringLiteral("SELECT con.conrelid::pg_catalog.regclass::pg_catalog.text FROM "
                       "pg_catalog.pg_constraint con WHERE con.contype = 'f' AND con.confrelid = "
                       "$1::pg_catalog.regclass AND con.conrelid <> con.confrelid AND "
                       "con.confdeltype NOT IN ('a', 'r') AND "
                       "pg_catalog.current_setting('session_replication_role') <> 'replica'"),
        {dest});
    if (!actions)
        return actions.error();
    for (const QString &referencing : actions->column(0)) {
        auto rows = leaf.exec(
            QStringLiteral("SELECT EXISTS (SELECT 1 FROM ONLY %1 LIMIT 1)").arg(referencing));
        if (!rows)
            return rows.error();
        if (rows->toBool(0, 0))
            return Error(ErrorKind::Data,
                         QStringLiteral("emptying %1 for its copy would delete or change rows of "
                                        "%2 (its foreign key's ON DELETE action): empty %2 "
                                        "first, or let this node's role use "
                                        "session_replication_role")
                             .arg(display, referencing));
    }
    if (auto r = leaf.exec(QStringLiteral("DELETE FROM ONLY %1").arg(dest)); !r)
        return std::move(r.error().withContext(
            QStringLiteral("emptying %1 for its copy (other tables' foreign keys reference its "
                           "rows: empty those tables first, or let this node's role use "
                           "session_replication_role)")
                .arg(display)));
    return false;
}

// A BEFORE ROW trigger makes COPY FROM insert row by row (CopyFrom's
// CIM_SINGLE, whether the trigger fires or not): the leaf's write guard
// costs a large copy about a quarter of its time (bench/RESULTS.md). Where
// the copy holds the table alone (it truncated) and the role may, the
// guard is dropped for the load and made again before COMMIT, in the same
// transaction: a failed copy rolls both back. True when it was dropped.
Result<bool> liftWriteGuard(Connection &leaf, const QString &dest)
{
    if (auto r = leaf.exec(QStringLiteral("SAVEPOINT ferry_guard")); !r)
        return r.error();
    auto r = leaf.exec(QStringLiteral("SELECT ferry.allow_table(%1::pg_catalog.regclass) FROM "
                                      "pg_catalog.pg_trigger WHERE tgrelid = "
                                      "%1::pg_catalog.regclass AND tgname = '_ferry_deny'")
                           .arg(leaf.quoteLiteral(dest)));
    if (r) {
        if (auto done = leaf.exec(QStringLiteral("RELEASE SAVEPOINT ferry_guard")); !done)
            return done.error();
        return r->rowCount() > 0;
    }
    if (auto back = leaf.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_guard; RELEASE "
                                             "SAVEPOINT ferry_guard"));
        !back)
        return back.error();
    return false; // not the owner: the guard stays, the copy goes row by row
}

// The key of line `line` of the copy, read again from the source in the
// same (physical) order the copy read it; empty when it cannot tell.
QString keyOfLine(Connection &provider, const QString &source, const QStringList &keys, qint64 line)
{
    // The output function's text, never a cast another role may define.
    QStringList quoted;
    for (const QString &k : keys)
        quoted.append(
            QStringLiteral("pg_catalog.format('%s', %1)").arg(provider.quoteIdentifier(k)));
    auto r = provider.exec(QStringLiteral("SELECT %1 FROM ONLY %2 ORDER BY ctid OFFSET $1 LIMIT 1")
                               .arg(quoted.join(QStringLiteral(", ")), source),
                           {line - 1});
    if (!r || r->rowCount() == 0)
        return {};
    QStringList values;
    for (int i = 0; i < keys.size(); ++i)
        values.append(r->text(0, i));
    return formatKey(keys, values);
}

} // namespace

Result<TableCopyResult> copyTable(Connection &provider,
                                  Connection &leaf,
                                  const QString &queue,
                                  const NodeTable &table,
                                  double lockTimeoutSeconds)
{
    const QString dest = leaf.quoteQualified(table.destSchema, table.destName);
    const QString destDisplay = displayTableName(leaf, table.destSchema, table.destName);
    const QString lockTimeout
        = QStringLiteral("SET LOCAL lock_timeout = %1").arg(qint64(lockTimeoutSeconds * 1000));

    // The node's side first: its lock is taken before any on the root, so
    // the copy never holds the root's table while it waits for the node.
    auto write = Transaction::begin(leaf);
    if (!write)
        return write.error();
    if (auto r = leaf.exec(kPinnedFormats
                           + QStringLiteral("; SET LOCAL ferry.apply_session = on; "
                                            "SET CONSTRAINTS ALL DEFERRED"));
        !r)
        return r.error();
    if (!leaf.exec(QStringLiteral("SAVEPOINT ferry_role; SET LOCAL session_replication_role = "
                                  "replica"))
             .ok()) {
        if (auto r = leaf.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_role")); !r)
            return r.error();
    }
    // Still wanted? remove-table, or the provider's release, may have come
    // since. The row stays locked to COMMIT: a batch that finds it locked
    // keeps the table's events (ferry.held_event); one that holds it
    // (FOR SHARE) is waited for without a lock_timeout, so no snapshot is
    // taken before that batch committed (applierheld.cpp).
    auto still = leaf.exec(QStringLiteral("SELECT 1 FROM ferry.node_table WHERE queue_name = $1 "
                                          "AND source_table_id = $2 AND merge_state = 'in-copy' "
                                          "FOR UPDATE"),
                           {queue, table.sourceTableId});
    if (!still)
        return still.error();
    if (still->rowCount() == 0)
        return Error(ErrorKind::Canceled,
                     QStringLiteral("table %1 is no longer waiting for its copy").arg(destDisplay));
    // What batches held for the table before this lock: they committed
    // before the snapshot below is taken, so it holds all of their changes.
    if (auto r = leaf.exec(QStringLiteral("DELETE FROM ferry.held_event WHERE queue_name = $1 AND "
                                          "source_table_id = $2"),
                           {queue, table.sourceTableId});
        !r)
        return r.error();
    if (auto r = leaf.exec(lockTimeout); !r)
        return r.error();
    auto nodeColumns = leaf.exec(
        QStringLiteral("SELECT attname, attgenerated <> '' FROM pg_catalog.pg_attribute WHERE "
                       "attrelid = $1::pg_catalog.text::pg_catalog.regclass AND attnum > 0 AND "
                       "NOT attisdropped ORDER BY attnum"),
        {dest});
    if (!nodeColumns)
        return std::move(
            nodeColumns.error().withContext(QStringLiteral("reading the columns of %1").arg(dest)));
    QSet<QString> onNode;
    QSet<QString> computed;
    for (int i = 0; i < nodeColumns->rowCount(); ++i) {
        onNode.insert(nodeColumns->text(i, 0));
        if (nodeColumns->toBool(i, 1))
            computed.insert(nodeColumns->text(i, 0));
    }
    // --skip-truncate: the copy adds to what the table holds.
    bool truncated = false;
    if (!table.skipTruncate) {
        auto emptied = emptyForCopy(leaf, dest, destDisplay);
        if (!emptied)
            return emptied.error();
        truncated = *emptied;
    } else if (auto r = leaf.exec(
                   QStringLiteral("LOCK TABLE ONLY %1 IN SHARE ROW EXCLUSIVE MODE").arg(dest));
               !r) {
        return r.error();
    }

    // R2: the copy's snapshot is taken only once it holds a lock on the
    // source that a rewrite (ALTER TABLE ... TYPE, CLUSTER, VACUUM FULL)
    // needs too: a rewrite that committed first is seen whole, one that
    // comes later waits for the copy. The name is looked up outside the
    // copy's transaction (a SELECT inside would fix its snapshot early) and
    // checked again under the lock.
    auto source = findSource(provider, table.sourceTableId);
    if (!source)
        return source.error();
    if (!source->captured)
        return Error(ErrorKind::Canceled,
                     QStringLiteral("the provider no longer replicates %1: its release reaches "
                                    "this node with the next batches")
                         .arg(source->display));
    if (!table.condition.isEmpty()) {
        if (auto checked
            = checkConditionOn(provider, source->qualified, table.sourceName, table.condition);
            !checked)
            return Error(ErrorKind::Data,
                         QStringLiteral("the row condition of %1 no longer passes its checks on "
                                        "the provider (%2): remove-table it here and add-table it "
                                        "with one that does")
                             .arg(destDisplay, checked.error().message()));
    }
    auto read
        = Transaction::begin(provider, QStringLiteral("ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    if (!read)
        return read.error();
    // The source is read in its physical order (no synchronized scan
    // starting midway), so a line the node refuses can be found again.
    if (auto r = provider.exec(kPinnedFormats
                               + QStringLiteral("; SET LOCAL synchronize_seqscans "
                                                "= off; ")
                               + lockTimeout + QStringLiteral("; LOCK TABLE ONLY ")
                               + source->qualified + QStringLiteral(" IN ACCESS SHARE MODE"));
        !r)
        return std::move(r.error().withContext(
            QStringLiteral("locking %1 on the provider for its copy").arg(source->display)));
    // The first statement after the lock fixes the transaction's snapshot.
    auto snapshot = provider.exec(
        QStringLiteral("SELECT pg_catalog.pg_current_snapshot()::pg_catalog.text, "
                       "(SELECT t.captured AND t.table_oid OPERATOR(pg_catalog.=) "
                       "$2::pg_catalog.regclass FROM ferry.queue_table t WHERE t.table_id = $1)"),
        {table.sourceTableId, source->qualified});
    if (!snapshot)
        return snapshot.error();
    if (!snapshot->toBool(0, 1))
        return Error(ErrorKind::Canceled,
                     QStringLiteral("%1 changed on the provider while its copy started: tried "
                                    "again")
                         .arg(source->display));
    TableCopyResult result;
    result.snapshot = snapshot->bytes(0, 0);

    // R1: every column the source's changes carry must have a place here;
    // the node's own computed columns are left to it.
    auto sourceColumns = provider.exec(
        QStringLiteral("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = "
                       "$1::pg_catalog.oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
        {source->oid});
    if (!sourceColumns)
        return sourceColumns.error();
    QStringList quotedSource;
    QStringList quotedDest;
    for (const QString &c : sourceColumns->column(0)) {
        if (!table.columns.isEmpty() && !table.columns.contains(c))
            continue; // not kept here (add-table --columns)
        if (!onNode.contains(c))
            return Error(ErrorKind::Data,
                         QStringLiteral("%1 has column %2, which %3 on this node lacks: add the "
                                        "column to %3 here (with the root's type); the copy is "
                                        "tried again by itself")
                             .arg(source->display, leaf.quoteIdentifier(c), destDisplay));
        if (computed.contains(c))
            continue;
        quotedSource.append(provider.quoteIdentifier(c));
        quotedDest.append(leaf.quoteIdentifier(c));
    }
    // A large table loads into a table without its secondary indexes and
    // builds them once at the end (in this transaction: never lost); text
    // or binary as the two servers' column types allow.
    std::optional<SetAsideIndexes> setAside;
    bool guardLifted = false;
    if (!table.skipTruncate) {
        auto size = provider.exec(
            QStringLiteral("SELECT pg_catalog.pg_relation_size($1::pg_catalog.oid) >= $2"),
            {source->oid, kSetIndexesAsideBytes});
        if (!size)
            return size.error();
        if (size->toBool(0, 0)) {
            auto dropped = SetAsideIndexes::drop(leaf, dest);
            if (!dropped)
                return dropped.error();
            setAside = std::move(*dropped);
            if (truncated) {
                auto lifted = liftWriteGuard(leaf, dest);
                if (!lifted)
                    return lifted.error();
                guardLifted = *lifted;
            }
        }
    }
    QStringList plainColumns;
    for (const QString &c : sourceColumns->column(0)) {
        if ((table.columns.isEmpty() || table.columns.contains(c)) && !computed.contains(c))
            plainColumns.append(c);
    }
    auto binary = binaryCopyFits(provider, source->oid, leaf, dest, plainColumns);
    if (!binary)
        return binary.error();
    const QString format = *binary ? QStringLiteral(" (FORMAT binary)") : QString();

    // The condition is checked again (a function it calls may have been
    // joined by a closer overload since, a column dropped); and with it the
    // source is still read in its physical order (no parallel or index
    // scan), so a line the node refuses can be found again.
    if (!table.condition.isEmpty()) {
        if (auto r = provider.exec(QStringLiteral(
                "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_indexscan = off; "
                "SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_bitmapscan = off"));
            !r)
            return r.error();
    }
    // The row condition, judged here as every later row image is judged:
    // on the provider, over the table's own columns.
    const QString where
        = table.condition.isEmpty()
              ? QString()
              : QStringLiteral(" AS %1 WHERE %2")
                    .arg(provider.quoteIdentifier(table.sourceName), conditionSql(table.condition));
    auto copied = copyBetween(
        provider,
        QStringLiteral("COPY (SELECT %1 FROM ONLY %2%3) TO STDOUT%4")
            .arg(quotedSource.join(QStringLiteral(", ")), source->qualified, where, format),
        leaf,
        QStringLiteral("COPY %1 (%2) FROM STDIN%3")
            .arg(dest, quotedDest.join(QStringLiteral(", ")), format));
    if (!copied) {
        Error e = copied.error();
        QString key;
        if (const auto line = e.copyLine()) {
            (void)read->rollback();
            if (auto again = Transaction::begin(
                    provider, QStringLiteral("ISOLATION LEVEL REPEATABLE READ READ ONLY"))) {
                (void)provider.exec(kPinnedFormats
                                    + QStringLiteral("; SET LOCAL synchronize_seqscans = off"));
                key = keyOfLine(provider, source->qualified + where, source->keys, *line);
            }
        }
        return std::move(e.withContext(
            QStringLiteral("copying %1 from the provider%2%3")
                .arg(destDisplay, key.isEmpty() ? QString() : QStringLiteral(", key ") + key,
                     encodingAdvice(e))));
    }
    result.rows = copied->rows;
    result.binary = *binary;
    if (setAside) {
        if (auto r = setAside->restore(leaf); !r)
            return r.error();
        result.indexesBuiltAfter = setAside->count();
    }
    if (guardLifted) {
        if (auto r = leaf.exec(QStringLiteral("SELECT ferry.deny_table(%1::pg_catalog.regclass)")
                                   .arg(leaf.quoteLiteral(dest)));
            !r)
            return std::move(r.error().withContext(
                QStringLiteral("putting the write guard of %1 back after its copy")
                    .arg(destDisplay)));
    }
    if (auto r = leaf.exec(
            QStringLiteral("UPDATE ferry.node_table SET merge_state = "
                           "'catching-up', copy_snapshot = $3, copied_rows = $4, "
                           "copied_at = pg_catalog.now(), last_error = NULL "
                           "WHERE queue_name = $1 AND source_table_id = $2"),
            {queue, table.sourceTableId, QString::fromLatin1(result.snapshot), result.rows});
        !r)
        return r.error();
    if (auto r = write->commit(); !r)
        return r.error();
    (void)read->rollback(); // read only: nothing to keep
    return result;
}

} // namespace ferry
