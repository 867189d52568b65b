#include "tablemapping.h"

namespace ferry {

Result<QHash<int, TableMapping>> loadTableMappings(Connection &provider, const QString &queue)
{
    auto r = provider.exec(
        QStringLiteral(
            "SELECT t.table_id, t.schema_name, t.table_name, "
            "array_to_json(t.key_columns), array_to_json(t.json_text_columns), t.captured "
            "FROM ferry.queue_table t JOIN ferry.queue q USING (queue_id) "
            "WHERE q.queue_name = $1"),
        {queue});
    if (!r)
        return r.error();
    QHash<int, TableMapping> result;
    for (int i = 0; i < r->rowCount(); ++i) {
        TableMapping m;
        m.sourceTableId = int(r->toInt64(i, 0));
        m.sourceSchema = m.targetSchema = r->text(i, 1);
        m.sourceName = m.targetName = r->text(i, 2);
        m.keyColumns = r->jsonStrings(i, 3);
        m.jsonTextColumns = r->jsonStrings(i, 4);
        m.captured = r->toBool(i, 5);
        result.insert(m.sourceTableId, m);
    }
    return result;
}

BatchReader::RowFilter rowFilterOf(const TableMapping &table)
{
    BatchReader::RowFilter f;
    f.schema = table.sourceSchema;
    f.name = table.sourceName;
    f.condition = table.condition;
    f.keyColumns = table.keyColumns;
    f.columns = table.conditionColumns;
    f.types = table.conditionTypes;
    for (const QString &c : table.conditionColumns) {
        if (table.jsonTextColumns.contains(c))
            f.jsonText.append(c);
    }
    return f;
}

} // namespace ferry
