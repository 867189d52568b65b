#include "nodecatalog.h"

#include "db/queryresult.h"

namespace ferry {

Result<QList<std::pair<int, int>>> foreignKeysBetween(Connection &node, const QStringList &tables)
{
    auto r = node.exec(
        QStringLiteral("SELECT a.i, b.i FROM pg_catalog.json_array_elements_text("
                       "$1::pg_catalog.json) WITH ORDINALITY a(name, i) JOIN "
                       "pg_catalog.pg_constraint c ON c.conrelid = a.name::pg_catalog.regclass "
                       "AND c.contype = 'f' JOIN pg_catalog.json_array_elements_text("
                       "$1::pg_catalog.json) WITH ORDINALITY b(name, i) ON c.confrelid = "
                       "b.name::pg_catalog.regclass WHERE a.i <> b.i"),
        {jsonArrayOf(tables)});
    if (!r)
        return std::move(r.error().withContext(QStringLiteral("reading the node's foreign keys")));
    QList<std::pair<int, int>> keys;
    for (int row = 0; row < r->rowCount(); ++row)
        keys.append({int(r->toInt64(row, 0) - 1), int(r->toInt64(row, 1) - 1)});
    return keys;
}

} // namespace ferry
