#include "copyindexes.h"

#include <QHash>

namespace ferry {

Result<SetAsideIndexes> SetAsideIndexes::drop(Connection &node, const QString &table)
{
    auto indexes = node.exec(
        QStringLiteral(
            "SELECT i.indexrelid::pg_catalog.regclass::pg_catalog.text, "
            "pg_catalog.pg_get_indexdef(i.indexrelid), ts.spcname, "
            "pg_catalog.obj_description(i.indexrelid, 'pg_class'), i.indisclustered, "
            "i.indisreplident, pg_catalog.array_to_json(ARRAY(SELECT pg_catalog.format("
            "'ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s', "
            "i.indexrelid::pg_catalog.regclass, a.attnum, a.attstattarget) FROM "
            "pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid AND "
            "COALESCE(a.attstattarget::pg_catalog.int4, -1) >= 0 ORDER BY a.attnum)), "
            "pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class "
            "c ON c.oid = i.indexrelid "
            "LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace "
            "WHERE i.indrelid = $1::pg_catalog.regclass AND NOT i.indisprimary AND i.indisvalid "
            "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = "
            "i.indexrelid AND con.conrelid = i.indrelid) AND NOT EXISTS (SELECT 1 FROM "
            "pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_class'::"
            "pg_catalog.regclass AND d.refobjid = i.indexrelid AND d.deptype = 'n') "
            "AND (ts.oid IS NULL OR pg_catalog.has_tablespace_privilege(ts.oid, 'CREATE')) "
            "ORDER BY 1"),
        {table});
    if (!indexes)
        return indexes.error();
    SetAsideIndexes out;
    if (indexes->rowCount() == 0)
        return out;
    QStringList drops;
    for (int i = 0; i < indexes->rowCount(); ++i) {
        const QString name = indexes->text(i, 0);
        // Built where it was: its own tablespace, or the database's default
        // (not the session's default_tablespace).
        QStringList statements{QStringLiteral("SET LOCAL default_tablespace = %1")
                                   .arg(indexes->isNull(i, 2)
                                            ? QStringLiteral("''")
                                            : node.quoteIdentifier(indexes->text(i, 2))),
                               indexes->text(i, 1)};
        if (!indexes->isNull(i, 3))
            statements.append(QStringLiteral("COMMENT ON INDEX %1 IS %2")
                                  .arg(name, node.quoteLiteral(indexes->text(i, 3))));
        if (indexes->toBool(i, 4))
            statements.append(
                QStringLiteral("ALTER TABLE %1 CLUSTER ON %2").arg(table, indexes->text(i, 7)));
        if (indexes->toBool(i, 5))
            statements.append(QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY USING INDEX %2")
                                  .arg(table, indexes->text(i, 7)));
        statements += indexes->jsonStrings(i, 6);
        out.m_statements.append(statements);
        drops.append(name);
    }
    // Only the table's owner may: otherwise the indexes stay and are
    // maintained row by row, as before.
    if (auto r = node.exec(QStringLiteral("SAVEPOINT ferry_indexes; DROP INDEX %1; RELEASE "
                                          "SAVEPOINT ferry_indexes")
                               .arg(drops.join(QStringLiteral(", "))));
        !r) {
        if (auto back = node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_indexes; RELEASE "
                                                 "SAVEPOINT ferry_indexes"));
            !back)
            return back.error();
        return SetAsideIndexes();
    }
    return out;
}

Result<void> SetAsideIndexes::restore(Connection &node) const
{
    if (m_statements.isEmpty())
        return {};
    // Index builds sort in memory rather than on disk where they can.
    if (auto r = node.exec(
            QStringLiteral("SELECT pg_catalog.set_config('maintenance_work_mem', "
                           "GREATEST(pg_catalog.pg_size_bytes(pg_catalog.current_setting("
                           "'maintenance_work_mem')), 256 * 1024 * 1024) / 1024 || 'kB', true)"));
        !r)
        return r.error();
    for (const QStringList &statements : m_statements) {
        for (const QString &statement : statements) {
            if (auto r = node.exec(statement); !r)
                return std::move(r.error().withContext(
                    QStringLiteral("building an index again after the copy (%1)")
                        .arg(statements.value(1))));
        }
    }
    return {}; // SET LOCAL default_tablespace ends with the copy's transaction
}

Result<bool> binaryCopyFits(Connection &provider,
                            const QString &sourceOid,
                            Connection &node,
                            const QString &table,
                            const QStringList &columns)
{
    // A type is sent in binary only where its binary form means the same on
    // both servers: one of the core types initdb makes with a fixed oid
    // (below 10000), with send and receive functions, not a reg* type
    // (whose binary form is an oid of the server it came from), nor an
    // array of one. Anything else is 0, and the copy is in text.
    const QString typesSql = QStringLiteral(
        "SELECT pg_catalog.pg_encoding_to_char(d.encoding), pg_catalog.array_to_json(ARRAY("
        "SELECT pg_catalog.format('%s:%s', a.attname, CASE WHEN a.atttypid < 10000 AND "
        "t.typsend <> 0 AND t.typreceive <> 0 AND t.typname !~ '^_?reg' AND (e.oid IS NULL OR "
        "(e.typsend <> 0 AND e.typreceive <> 0 AND e.typname !~ '^reg')) THEN a.atttypid ELSE 0 "
        "END) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A' WHERE "
        "a.attrelid = $1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped)) FROM "
        "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()");
    auto here = node.exec(typesSql, {table});
    if (!here)
        return here.error();
    auto there = provider.exec(typesSql, {sourceOid});
    if (!there)
        return there.error();
    if (here->text(0, 0) != there->text(0, 0))
        return false;
    const auto typesOf = [](const QStringList &pairs) {
        QHash<QString, qint64> types;
        for (const QString &p : pairs) {
            const qsizetype colon = p.lastIndexOf(QLatin1Char(':'));
            types.insert(p.left(colon), p.mid(colon + 1).toLongLong());
        }
        return types;
    };
    const auto nodeTypes = typesOf(here->jsonStrings(0, 1));
    const auto sourceTypes = typesOf(there->jsonStrings(0, 1));
    for (const QString &c : columns) {
        const qint64 type = sourceTypes.value(c, -1);
        if (type <= 0 || nodeTypes.value(c, -2) != type)
            return false;
    }
    return true;
}

} // namespace ferry
