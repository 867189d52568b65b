#include "eventsql.h"

#include <QHash>
#include <QSet>

namespace ferry {

namespace {

// Column name -> value (as text, null for SQL NULL), in the JSON's order.
Result<QList<std::pair<QString, QVariant>>> members(Connection &node, const QByteArray &json)
{
    QList<std::pair<QString, QVariant>> out;
    if (json.isEmpty())
        return out;
    auto r = node.exec(
        QStringLiteral("SELECT key, value FROM pg_catalog.json_each_text($1::pg_catalog.json)"),
        {QString::fromUtf8(json)});
    if (!r)
        return r.error();
    for (int i = 0; i < r->rowCount(); ++i)
        out.append({r->text(i, 0), r->isNull(i, 1) ? QVariant() : QVariant(r->text(i, 1))});
    return out;
}

} // namespace

Result<QString> eventSql(Connection &node,
                         const QString &schema,
                         const QString &name,
                         const QStringList &keyColumns,
                         const EventRow &row)
{
    if (row.op != 'I' && row.op != 'U' && row.op != 'D' && row.op != 'T')
        return QString();
    // The node's own columns, quoted only where SQL needs it (the server's
    // quote_ident knows its keywords): a generated one takes no value, an
    // identity column GENERATED ALWAYS only the root's (OVERRIDING SYSTEM
    // VALUE) and is never updated.
    auto columns = node.exec(
        QStringLiteral("SELECT pg_catalog.quote_ident($2) || '.' || pg_catalog.quote_ident($3), "
                       "attname, pg_catalog.quote_ident(attname), attgenerated <> '', "
                       "attidentity = 'a' FROM pg_catalog.pg_attribute WHERE attrelid = "
                       "$1::pg_catalog.regclass AND attnum > 0 AND NOT attisdropped"),
        {node.quoteQualified(schema, name), schema, name});
    if (!columns)
        return columns.error();
    if (columns->rowCount() == 0)
        return QString();
    const QString target = columns->text(0, 0);
    QHash<QString, QString> quoted;
    QSet<QString> identityAlways;
    for (int i = 0; i < columns->rowCount(); ++i) {
        if (columns->toBool(i, 3))
            continue;
        quoted.insert(columns->text(i, 1), columns->text(i, 2));
        if (columns->toBool(i, 4))
            identityAlways.insert(columns->text(i, 1));
    }
    if (row.op == 'T')
        return QStringLiteral("TRUNCATE ONLY %1;").arg(target);

    auto literal = [&node](const QVariant &v) {
        return v.isNull() ? QStringLiteral("NULL") : node.quoteLiteral(v.toString());
    };
    QStringList statements;
    if (row.op == 'D' || (row.op == 'U' && !row.key.isEmpty())) {
        auto key = members(node, row.key.isEmpty() ? row.data : row.key);
        if (!key)
            return key.error();
        QStringList match;
        for (const auto &[column, value] : std::as_const(*key)) {
            if (!keyColumns.isEmpty() && !keyColumns.contains(column))
                continue;
            const QString q = quoted.value(column, node.quoteIdentifier(column));
            match.append(value.isNull() ? QStringLiteral("%1 IS NULL").arg(q)
                                        : QStringLiteral("%1 = %2").arg(q, literal(value)));
        }
        if (match.isEmpty())
            return Error(ErrorKind::Usage,
                         QStringLiteral("the event names no key of %1: write the statement "
                                        "by hand")
                             .arg(target));
        statements.append(QStringLiteral("DELETE FROM ONLY %1 WHERE %2;")
                              .arg(target, match.join(QStringLiteral(" AND "))));
    }
    if (row.op == 'D')
        return statements.join(QLatin1Char('\n'));

    auto data = members(node, row.data);
    if (!data)
        return data.error();
    QStringList names;
    QStringList values;
    QStringList sets;
    for (const auto &[column, value] : std::as_const(*data)) {
        const QString q = quoted.value(column);
        if (q.isEmpty())
            continue;
        names.append(q);
        values.append(literal(value));
        if (!identityAlways.contains(column))
            sets.append(QStringLiteral("%1 = EXCLUDED.%1").arg(q));
    }
    if (names.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("the event carries no column of %1: write the statement by "
                                    "hand")
                         .arg(target));
    QString insert
        = QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE\nVALUES (%3)")
              .arg(target, names.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")));
    if (!keyColumns.isEmpty()) {
        QStringList keys;
        for (const QString &k : keyColumns)
            keys.append(quoted.value(k, node.quoteIdentifier(k)));
        insert += sets.isEmpty()
                      ? QStringLiteral("\nON CONFLICT (%1) DO NOTHING")
                            .arg(keys.join(QStringLiteral(", ")))
                      : QStringLiteral("\nON CONFLICT (%1) DO UPDATE SET %2")
                            .arg(keys.join(QStringLiteral(", ")), sets.join(QStringLiteral(", ")));
    }
    statements.append(insert + QLatin1Char(';'));
    return statements.join(QLatin1Char('\n'));
}

} // namespace ferry
