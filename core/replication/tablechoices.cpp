#include "tablechoices.h"

#include "db/transaction.h"
#include "replication/rowcondition.h"
#include "util/shellquote.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace ferry {

namespace {

QString key(const QString &schema, const QString &name)
{
    return schema + QChar(0) + name;
}

} // namespace

Result<QList<CatalogTable>>
readTableCatalog(Connection &node, const NodeInfo &info, Connection &provider)
{
    auto candidates = rootTableCandidates(provider);
    if (!candidates)
        return candidates.error();
    // What the provider replicates: the root's captured tables.
    NodeInfo root;
    root.queue = info.queue;
    root.name = info.type == NodeType::Root ? info.name : info.providerNode;
    root.type = NodeType::Root;
    auto replicated = TableRegistry(provider, root).list();
    if (!replicated)
        return replicated.error();
    QSet<QString> captured;
    for (const NodeTable &t : *replicated)
        captured.insert(key(t.sourceSchema, t.sourceName));
    QSet<QString> here = captured;
    if (info.type != NodeType::Root) {
        auto mine = TableRegistry(node, info).list();
        if (!mine)
            return mine.error();
        here.clear();
        for (const NodeTable &t : *mine)
            here.insert(key(t.sourceSchema, t.sourceName));
    }
    auto columns = provider.exec(QStringLiteral(
        "SELECT n.nspname, c.relname, pg_catalog.array_to_json(ARRAY(SELECT a.attname FROM "
        "pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT "
        "a.attisdropped ORDER BY a.attnum)), pg_catalog.array_to_json(ferry._primary_key(c.oid)) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'ferry' AND n.nspname !~ '^pg_'"));
    if (!columns)
        return columns.error();
    QHash<QString, int> rowOf;
    for (int i = 0; i < columns->rowCount(); ++i)
        rowOf.insert(key(columns->text(i, 0), columns->text(i, 1)), i);

    QList<CatalogTable> out;
    for (const TableCandidate &c : *candidates) {
        CatalogTable t;
        t.schema = c.schema;
        t.name = c.name;
        t.rowEstimate = c.rowEstimate < 0 ? -1 : c.rowEstimate;
        t.hasPrimaryKey = c.hasPrimaryKey;
        t.replicated = captured.contains(key(c.schema, c.name));
        t.added = here.contains(key(c.schema, c.name));
        t.refusal = c.refusal();
        if (t.refusal.isEmpty() && !t.replicated && info.type != NodeType::Root)
            t.refusal
                = QStringLiteral("not replicated by %1: add it there first").arg(info.providerNode);
        if (const int row = rowOf.value(key(c.schema, c.name), -1); row >= 0) {
            t.columns = columns->jsonStrings(row, 2);
            if (!columns->isNull(row, 3))
                t.keyColumns = columns->jsonStrings(row, 3);
        }
        out.append(t);
    }
    return out;
}

namespace {

Result<ConditionRows> checkRowConditionNow(Connection &provider,
                                           const QString &schema,
                                           const QString &name,
                                           const QString &condition,
                                           int timeoutMs,
                                           qint64 limit)
{
    const QString qualified = provider.quoteQualified(schema, name);
    if (auto r = checkConditionOn(provider, qualified, name, condition); !r)
        return r.error();
    // Read as the copy reads it: the table's own rows, known by its name.
    const QString select
        = QStringLiteral("SELECT 1 FROM ONLY %1 AS %2 WHERE %3")
              .arg(qualified, provider.quoteIdentifier(name), conditionSql(condition));
    {
        auto tx = Transaction::begin(provider, QStringLiteral("READ ONLY"));
        if (!tx)
            return tx.error();
        if (auto r = provider.exec(
                QStringLiteral("SELECT pg_catalog.set_config('statement_timeout', $1, true)"),
                {QString::number(timeoutMs)});
            !r)
            return r.error();
        auto counted = provider.exec(
            QStringLiteral("SELECT count(*) FROM (%1 LIMIT %2) s").arg(select).arg(limit + 1));
        if (counted) {
            const qint64 rows = counted->toInt64(0, 0);
            if (rows > limit)
                return ConditionRows{limit, ConditionRows::Kind::AtLeast};
            return ConditionRows{rows, ConditionRows::Kind::Exact};
        }
        if (counted.error().sqlState() != QLatin1String("57014")) // not a timeout
            return counted.error();
    }
    // Too many rows to count now: what the planner expects.
    auto plan = provider.exec(QStringLiteral("EXPLAIN (FORMAT JSON) ") + select);
    if (!plan)
        return plan.error();
    const QJsonArray top = QJsonDocument::fromJson(plan->text(0, 0).toUtf8()).array();
    const double rows = top.at(0)
                            .toObject()
                            .value(QStringLiteral("Plan"))
                            .toObject()
                            .value(QStringLiteral("Plan Rows"))
                            .toDouble();
    return ConditionRows{qint64(rows), ConditionRows::Kind::Estimate};
}

} // namespace

Result<ConditionRows> checkRowCondition(Connection &provider,
                                        const QString &schema,
                                        const QString &name,
                                        const QString &condition,
                                        int timeoutMs,
                                        qint64 limit,
                                        int lockTimeoutMs)
{
    // A table another session holds (ALTER TABLE, VACUUM FULL, LOCK) would
    // keep the check waiting for ever: every statement below waits at most
    // lockTimeoutMs, and the session gets its own setting back.
    auto previous
        = provider.exec(QStringLiteral("SELECT pg_catalog.current_setting('lock_timeout'), "
                                       "pg_catalog.set_config('lock_timeout', $1, false)"),
                        {QString::number(lockTimeoutMs)});
    if (!previous)
        return previous.error();
    const QString kept = previous->text(0, 0);
    auto result = checkRowConditionNow(provider, schema, name, condition, timeoutMs, limit);
    if (auto r = provider.exec(
            QStringLiteral("SELECT pg_catalog.set_config('lock_timeout', $1, false)"), {kept});
        !r && result)
        return r.error();
    return result;
}

QString identifierArgument(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_$]*$"));
    if (plain.match(name).hasMatch())
        return name;
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString tableArgument(const QString &schema, const QString &name)
{
    return identifierArgument(schema) + QLatin1Char('.') + identifierArgument(name);
}

QStringList addTableCommands(const QString &configPath, const QList<TableChoice> &choices)
{
    const QStringList start{QStringLiteral("ferry"), configPath, QStringLiteral("add-table")};
    QStringList plain = start;
    QStringList lines;
    for (const TableChoice &c : choices) {
        const AddTableOptions &o = c.options;
        QStringList options;
        if (!o.destTable.isEmpty())
            options.append(QStringLiteral("--dest-table=") + o.destTable);
        if (!o.condition.trimmed().isEmpty())
            options.append(QStringLiteral("--copy-condition=") + o.condition.trimmed());
        if (!o.columns.isEmpty())
            options.append(QStringLiteral("--columns=") + o.columns.join(QLatin1Char(',')));
        if (o.createFull)
            options.append(QStringLiteral("--create-full"));
        else if (o.create)
            options.append(QStringLiteral("--create"));
        if (o.expectSync)
            options.append(QStringLiteral("--expect-sync"));
        if (o.skipTruncate)
            options.append(QStringLiteral("--skip-truncate"));
        if (options.isEmpty())
            plain.append(c.name);
        else
            lines.append(shellCommand(start + QStringList{c.name} + options));
    }
    if (plain.size() > start.size())
        lines.prepend(shellCommand(plain));
    return lines;
}

} // namespace ferry
