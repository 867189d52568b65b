#include "nodeerrorlog.h"

#include "cascade/node.h"

namespace ferry {

namespace {

QVariant optionalValue(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant();
}

std::optional<qint64> optionalAt(const QueryResult &r, int row, int column)
{
    if (r.isNull(row, column))
        return std::nullopt;
    return r.toInt64(row, column);
}

} // namespace

Result<void>
recordNodeError(Connection &node, const QString &queue, const Error &error, const ErrorSite &site)
{
    auto r = node.exec(
        QStringLiteral("SELECT ferry._record_node_error($1, $2, $3, $4, $5, $6, "
                       "$7, $8, $9)"),
        {queue, site.copy ? QStringLiteral("copy") : QStringLiteral("apply"),
         optionalValue(site.batchId), optionalValue(site.tickFrom), optionalValue(site.tickTo),
         optionalValue(site.eventId), site.table.isEmpty() ? QVariant() : QVariant(site.table),
         error.sqlState().isEmpty() ? QVariant() : QVariant(error.sqlState()), error.toString()});
    if (!r)
        return r.error();
    return {};
}

Result<void> resolveNodeErrors(Connection &node, const QString &queue, const QString &copiedTable)
{
    auto r = node.exec(QStringLiteral("SELECT ferry._resolve_node_errors($1, $2, $3)"),
                       {queue,
                        copiedTable.isEmpty() ? QStringLiteral("apply") : QStringLiteral("copy"),
                        copiedTable.isEmpty() ? QVariant() : QVariant(copiedTable)});
    if (!r)
        return r.error();
    return {};
}

Result<QList<NodeErrorEntry>> loadNodeErrors(Connection &node, const QString &queue, int limit)
{
    // A member whose schema is older than v10 has no resolution column yet:
    // it is read through the row's JSON, absent reads as empty.
    auto r = node.exec(
        QStringLiteral("SELECT error_id, node_name, kind = 'copy', extract(epoch FROM first_at), "
                       "extract(epoch FROM last_at), attempts, batch_id, tick_from, tick_to, "
                       "event_id, coalesce(table_name, ''), coalesce(sql_state, ''), message, "
                       "extract(epoch FROM resolved_at), coalesce(pg_catalog.to_jsonb(n) "
                       "OPERATOR(pg_catalog.->>) 'resolution', '') FROM ferry.node_error n "
                       "WHERE queue_name = $1 ORDER BY error_id DESC LIMIT $2"),
        {queue, limit});
    if (!r)
        return r.error();
    QList<NodeErrorEntry> entries;
    entries.reserve(r->rowCount());
    for (int i = 0; i < r->rowCount(); ++i) {
        NodeErrorEntry e;
        e.id = r->toInt64(i, 0);
        e.node = r->text(i, 1);
        e.site.copy = r->toBool(i, 2);
        e.firstAt = epochToDateTime(*r, i, 3);
        e.lastAt = epochToDateTime(*r, i, 4);
        e.attempts = int(r->toInt64(i, 5));
        e.site.batchId = optionalAt(*r, i, 6);
        e.site.tickFrom = optionalAt(*r, i, 7);
        e.site.tickTo = optionalAt(*r, i, 8);
        e.site.eventId = optionalAt(*r, i, 9);
        e.site.table = r->text(i, 10);
        e.sqlState = r->text(i, 11);
        e.message = r->text(i, 12);
        e.resolvedAt = epochToDateTime(*r, i, 13);
        e.resolution = r->text(i, 14);
        entries.append(e);
    }
    return entries;
}

} // namespace ferry
