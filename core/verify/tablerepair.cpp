#include "tablerepair.h"

#include <QRegularExpression>

namespace ferry {

namespace {

// `side`'s values of one key's row (NULL kept), empty when the row is not
// there (or, on the provider, does not match the node's condition).
Result<std::optional<QList<QVariant>>>
rowValues(Connection &db, const TableSide &side, const QStringList &key, const QString &lockClause)
{
    QVariantList params;
    const QString match = side.keyEquals(key, params);
    const TableSide::Range all;
    QString from = side.from(all, params);
    from += (from.contains(QStringLiteral(" WHERE ")) ? QStringLiteral(" AND ")
                                                      : QStringLiteral(" WHERE "))
            + match;
    QStringList texts;
    for (const QString &c : side.columns)
        texts.append(
            QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE pg_catalog.format('%s', %1) END")
                .arg(c));
    auto r = db.exec(
        QStringLiteral("SELECT %1 %2%3").arg(texts.join(QStringLiteral(", ")), from, lockClause),
        params);
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return std::optional<QList<QVariant>>();
    QList<QVariant> values;
    for (int i = 0; i < r->columnCount(); ++i)
        values.append(r->isNull(0, i) ? QVariant() : QVariant(r->text(0, i)));
    return std::optional<QList<QVariant>>(values);
}

// The statement as a DBA reads it: each $n replaced by its literal, in one
// pass (a value holding "$1" stays as it is).
QString withLiterals(const Connection &db, const QString &sql, const QVariantList &params)
{
    static const QRegularExpression parameter(QStringLiteral("\\$([0-9]+)"));
    QString out;
    qsizetype from = 0;
    auto it = parameter.globalMatch(sql);
    while (it.hasNext()) {
        const auto m = it.next();
        out += sql.mid(from, m.capturedStart() - from);
        const int n = m.captured(1).toInt();
        const QVariant v = params.value(n - 1);
        out += v.isNull() ? QStringLiteral("NULL") : db.quoteLiteral(v.toString());
        from = m.capturedEnd();
    }
    return out + sql.mid(from);
}

} // namespace

TableRepairer::TableRepairer(
    Connection &lock, Connection &provider, Connection &node, NodeInfo info, CompareOptions options)
    : m_lock(lock)
    , m_provider(provider)
    , m_node(node)
    , m_info(std::move(info))
    , m_options(options)
{}

Result<RepairOutcome> TableRepairer::repair(const NodeTable &table, bool dryRun)
{
    RepairOutcome out;
    out.dryRun = dryRun;
    TableComparer comparer(m_lock, m_provider, m_node, m_info, m_options);
    auto before = comparer.compare(table);
    if (!before)
        return before.error();
    out.before = *before;
    if (!before->compared() || before->equal() || before->differences.isEmpty())
        return out;
    const QString display = displayTableName(m_node, table.destSchema, table.destName);
    // Writers of the provider's table wait while repair writes: a few
    // thousand rows at most; beyond, a new copy is the way.
    constexpr int kMaxRepaired = 2000;
    if (before->tooMany || before->differences.size() > kMaxRepaired)
        return Error(ErrorKind::Usage,
                     QStringLiteral("more than %1 rows of %2 differ: copy it again instead "
                                    "(ferry CONFIG.ini resync %2)")
                         .arg(QString::number(kMaxRepaired), display));
    auto sides = describeSides(m_provider, m_node, m_info.queue, table);
    if (!sides)
        return sides.error();

    // The provider's table stays locked until the node's transaction is
    // done: no change of it is on its way meanwhile.
    SyncPoint sync(m_lock, m_provider, m_node, m_info);
    if (auto r = sync.catchUp(m_options.sync); !r)
        return r.error();
    if (auto r = sync.lockAndSync(sides->provider.table, m_options.sync); !r)
        return r.error();
    const auto fail = [&](const Error &e) {
        (void)m_node.exec(QStringLiteral("ROLLBACK"));
        (void)m_provider.exec(QStringLiteral("ROLLBACK"));
        sync.release();
        return e;
    };
    if (auto r = m_provider.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ")
                                 + pinnedTextSettings() + QStringLiteral("; SELECT 1"));
        !r)
        return fail(r.error());
    // As the Applier writes: its setting and role pass the write guard;
    // replica mode where the role may, so user triggers stay silent.
    if (auto r = m_node.exec(QStringLiteral("BEGIN; ") + pinnedTextSettings()
                             + QStringLiteral("; SET LOCAL ferry.apply_session = on; SET "
                                              "CONSTRAINTS ALL DEFERRED"));
        !r)
        return fail(r.error());
    if (!m_node
             .exec(QStringLiteral("SAVEPOINT ferry_role; SET LOCAL session_replication_role = "
                                  "replica"))
             .ok()) {
        if (auto r = m_node.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_role")); !r)
            return fail(r.error());
    }
    if (auto r = writeDifferences(*sides, out); !r)
        return fail(r.error());
    // The lock must still be held (its session not ended by a timeout or
    // a broken connection) when the node commits: else a change of the
    // table may have come in meanwhile, and the rows written be stale.
    if (!dryRun && !sync.stillLocked())
        return fail(Error(ErrorKind::Connection,
                          QStringLiteral("the provider's lock on %1 was lost during the repair "
                                         "(its session ended): nothing was repaired; try again")
                              .arg(sides->provider.table)));
    if (auto r = m_node.exec(dryRun ? QStringLiteral("ROLLBACK") : QStringLiteral("COMMIT")); !r)
        return fail(r.error());
    (void)m_provider.exec(QStringLiteral("ROLLBACK"));
    sync.release();
    if (dryRun)
        return out;
    auto after = comparer.compare(table);
    if (!after)
        return after.error();
    out.after = *after;
    return out;
}

Result<void> TableRepairer::writeDifferences(const TableSides &sides, RepairOutcome &out)
{
    const TableSide &node = sides.node;
    QStringList set;
    for (const QString &c : node.columns) {
        if (!node.keys.contains(c))
            set.append(QStringLiteral("%1 = EXCLUDED.%1").arg(c));
    }
    // Deletes first, then updates and inserts, as the Applier orders them:
    // a row that moved to another key frees its unique values first.
    QList<RowDifference> ordered;
    for (const RowDifference &d : std::as_const(out.before.differences)) {
        if (d.kind == RowDifference::Kind::Extra)
            ordered.append(d);
    }
    for (const RowDifference &d : std::as_const(out.before.differences)) {
        if (d.kind != RowDifference::Kind::Extra)
            ordered.append(d);
    }
    for (const RowDifference &d : std::as_const(ordered)) {
        // Read again under the lock: what the node must hold now.
        auto wanted = rowValues(m_provider, sides.provider, d.key, QString());
        if (!wanted)
            return wanted.error();
        auto here = rowValues(m_node, node, d.key, QStringLiteral(" FOR UPDATE"));
        if (!here)
            return here.error();
        if (*wanted == *here)
            continue; // arrived meanwhile
        QString sql;
        QVariantList params;
        if (!wanted->has_value()) {
            QString match = node.keyEquals(d.key, params);
            sql = QStringLiteral("DELETE FROM ONLY %1 WHERE %2").arg(node.table, match);
            ++out.deleted;
        } else {
            QStringList values;
            for (qsizetype i = 0; i < node.columns.size(); ++i) {
                params.append(wanted->value().at(i));
                values.append(
                    QStringLiteral("$%1::%2").arg(params.size()).arg(node.columnTypes.at(i)));
            }
            sql = QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE VALUES (%3) ON "
                                 "CONFLICT (%4) DO ")
                      .arg(node.table, node.columns.join(QStringLiteral(", ")),
                           values.join(QStringLiteral(", ")), node.keys.join(QStringLiteral(", ")))
                  + (set.isEmpty()
                         ? QStringLiteral("NOTHING")
                         : QStringLiteral("UPDATE SET ") + set.join(QStringLiteral(", ")));
            ++(here->has_value() ? out.updated : out.inserted);
        }
        out.statements.append(withLiterals(m_node, sql, params));
        if (auto r = m_node.exec(sql, params); !r)
            return std::move(r.error().withContext(out.statements.last()));
    }
    return {};
}

} // namespace ferry
