#include "copyprogress.h"

#include <QLocale>

namespace ferry {

Result<QList<CopyProgress>> readCopyProgress(Connection &node, const QList<NodeTable> &tables)
{
    QList<CopyProgress> out;
    bool anyInCopy = false;
    for (const NodeTable &t : tables)
        anyInCopy = anyInCopy || t.mergeState == QLatin1String("in-copy");
    if (!anyInCopy || node.serverVersion() < 140000)
        return out;
    // Names, not oids, are matched: pg_class is read without a lock, so this never waits
    // for the copy's TRUNCATE (which keeps the table's oid and name).
    auto r = node.exec(
        QStringLiteral("SELECT n.nspname, c.relname, p.pid, p.tuples_processed, "
                       "p.bytes_processed, (extract(epoch FROM pg_catalog.clock_timestamp() - "
                       "a.xact_start) * 1000)::bigint FROM pg_catalog.pg_stat_progress_copy p "
                       "JOIN pg_catalog.pg_class c ON c.oid = p.relid "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = p.pid "
                       "WHERE p.datname = pg_catalog.current_database() "
                       "AND p.command = 'COPY FROM' ORDER BY p.pid"));
    if (!r)
        return std::move(r.error().withContext(QStringLiteral("reading the copies' progress")));
    for (int i = 0; i < r->rowCount(); ++i) {
        for (const NodeTable &t : tables) {
            if (t.mergeState != QLatin1String("in-copy") || t.destSchema != r->text(i, 0)
                || t.destName != r->text(i, 1))
                continue;
            CopyProgress p;
            p.sourceSchema = t.sourceSchema;
            p.sourceName = t.sourceName;
            p.backendPid = int(r->toInt64(i, 2));
            p.rowsCopied = r->toInt64(i, 3);
            p.bytesCopied = r->toInt64(i, 4);
            p.elapsedMs = r->isNull(i, 5) ? -1 : r->toInt64(i, 5);
            out.append(p);
        }
    }
    return out;
}

Result<void> estimateCopyTotals(Connection &provider, QList<CopyProgress> &copies)
{
    for (CopyProgress &p : copies) {
        // reltuples is -1 (0 before PostgreSQL 14) until the first VACUUM or ANALYZE.
        auto r = provider.exec(
            QStringLiteral("SELECT CASE WHEN c.reltuples <= 0 THEN NULL "
                           "WHEN c.relpages <= 0 THEN c.reltuples::bigint "
                           "ELSE round(c.reltuples::float8 / c.relpages "
                           "* (pg_catalog.pg_relation_size(c.oid) "
                           "/ pg_catalog.current_setting('block_size')::int))::bigint END "
                           "FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)"),
            {provider.quoteQualified(p.sourceSchema, p.sourceName)});
        if (!r)
            return std::move(r.error().withContext(
                QStringLiteral("estimating the rows of %1")
                    .arg(displayTableName(provider, p.sourceSchema, p.sourceName))));
        p.rowsTotal = r->rowCount() == 1 && !r->isNull(0, 0) ? r->toInt64(0, 0) : -1;
    }
    return {};
}

QString copyProgressText(const CopyProgress &p)
{
    const QLocale c = QLocale::c();
    QString text = c.toString(p.rowsCopied);
    if (p.rowsTotal > 0)
        text += QStringLiteral(" of ~%1").arg(c.toString(p.rowsTotal));
    text += QStringLiteral(" rows, %1 MB").arg(p.bytesCopied / (1024 * 1024));
    if (p.elapsedMs > 1000 && p.rowsCopied > 0) {
        const double perSecond = p.rowsCopied * 1000.0 / double(p.elapsedMs);
        text += QStringLiteral(", %1 rows/s").arg(c.toString(qint64(perSecond)));
        if (p.rowsTotal > p.rowsCopied)
            text += QStringLiteral(", about %1 s left")
                        .arg(qint64((p.rowsTotal - p.rowsCopied) / perSecond + 0.5));
    }
    return text;
}

} // namespace ferry
