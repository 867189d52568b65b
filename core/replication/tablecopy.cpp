#include "tablecopy.h"

#include "db/copystream.h"
#include "db/transaction.h"

namespace ferry {

namespace {

const QString kPinnedFormats
    = QStringLiteral("SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; "
                     "SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; "
                     "SET LOCAL lc_monetary = 'C'");

} // namespace

Result<TableCopyResult> copyTable(Connection &provider,
                                  Connection &leaf,
                                  const QString &queue,
                                  const NodeTable &table,
                                  double lockTimeoutSeconds)
{
    const QString source = provider.quoteQualified(table.sourceSchema, table.sourceName);
    const QString dest = leaf.quoteQualified(table.destSchema, table.destName);

    auto columns = leaf.exec(QStringLiteral("SELECT attname FROM pg_catalog.pg_attribute WHERE "
                                            "attrelid = $1::text::regclass AND attnum > 0 AND "
                                            "NOT attisdropped AND attgenerated = '' "
                                            "ORDER BY attnum"),
                             {dest});
    if (!columns)
        return std::move(
            columns.error().withContext(QStringLiteral("reading the columns of %1").arg(dest)));
    QStringList quotedSource;
    QStringList quotedDest;
    for (const QString &c : columns->column(0)) {
        quotedSource.append(provider.quoteIdentifier(c));
        quotedDest.append(leaf.quoteIdentifier(c));
    }

    auto read
        = Transaction::begin(provider, QStringLiteral("ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    if (!read)
        return read.error();
    if (auto r = provider.exec(kPinnedFormats); !r)
        return r.error();
    // The first statement fixes the transaction's snapshot: this one.
    auto snapshot = provider.exec(QStringLiteral("SELECT pg_catalog.pg_current_snapshot()::text"));
    if (!snapshot)
        return snapshot.error();
    TableCopyResult result;
    result.snapshot = snapshot->bytes(0, 0);

    auto write = Transaction::begin(leaf);
    if (!write)
        return write.error();
    if (auto r = leaf.exec(kPinnedFormats
                           + QStringLiteral("; SET LOCAL ferry.apply_session = on; "
                                            "SET LOCAL lock_timeout = %1")
                                 .arg(qint64(lockTimeoutSeconds * 1000)));
        !r)
        return r.error();
    if (!leaf.exec(QStringLiteral("SAVEPOINT ferry_role; SET LOCAL session_replication_role = "
                                  "replica"))
             .ok()) {
        if (auto r = leaf.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_role")); !r)
            return r.error();
    }
    // Still wanted? remove-table may have run since the worker looked.
    auto still = leaf.exec(QStringLiteral("SELECT 1 FROM ferry.node_table WHERE queue_name = $1 "
                                          "AND source_schema = $2 AND source_name = $3 AND "
                                          "merge_state = 'in-copy' FOR UPDATE"),
                           {queue, table.sourceSchema, table.sourceName});
    if (!still)
        return still.error();
    if (still->rowCount() == 0)
        return Error(ErrorKind::Canceled,
                     QStringLiteral("table %1 is no longer waiting for its copy").arg(dest));
    if (auto r = leaf.exec(QStringLiteral("TRUNCATE ") + dest); !r)
        return std::move(
            r.error().withContext(QStringLiteral("emptying %1 for its copy").arg(dest)));
    auto copied = copyBetween(
        provider,
        QStringLiteral("COPY (SELECT %1 FROM %2) TO STDOUT")
            .arg(quotedSource.join(QStringLiteral(", ")), source),
        leaf,
        QStringLiteral("COPY %1 (%2) FROM STDIN").arg(dest, quotedDest.join(QStringLiteral(", "))));
    if (!copied)
        return std::move(
            copied.error().withContext(QStringLiteral("copying %1 from the provider").arg(dest)));
    result.rows = copied->rows;
    if (auto r = leaf.exec(QStringLiteral("UPDATE ferry.node_table SET merge_state = "
                                          "'catching-up', copy_snapshot = $4, copied_rows = $5, "
                                          "copied_at = now(), last_error = NULL "
                                          "WHERE queue_name = $1 AND source_schema = $2 AND "
                                          "source_name = $3"),
                           {queue, table.sourceSchema, table.sourceName,
                            QString::fromLatin1(result.snapshot), result.rows});
        !r)
        return r.error();
    if (auto r = write->commit(); !r)
        return r.error();
    (void)read->rollback(); // read only: nothing to keep
    return result;
}

} // namespace ferry
