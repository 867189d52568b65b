#include "verifycommands.h"

#include "dispatcher.h"

#include "cascade/node.h"
#include "replication/tableregistry.h"
#include "verify/comparesessions.h"
#include "verify/tablerepair.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace ferry::cli {

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

int failWith(const Error &error)
{
    QString text = error.toString();
    if (!error.hint().isEmpty())
        text += QStringLiteral(" - ") + error.hint().simplified();
    return fail(text);
}

// The node's sessions and, when TABLEs are named, only those tables (the
// same names remove-table and resync take: the root's or the node's).
Result<CompareSessions>
open(const CommandArgs &args, const JobConfig &config, const QString &command)
{
    auto s = openCompareSessions(
        config.db(), config.queueName(),
        command
            + QStringLiteral(" compares a node with its provider; %1 is the root of queue %2: "
                             "run it with a leaf's config"));
    if (!s)
        return s.error();
    if (args.positional.isEmpty())
        return s;
    QList<NodeTable> chosen;
    QStringList wanted = args.positional;
    for (const NodeTable &t : std::as_const(s->tables)) {
        const QStringList names = {displayTableName(*s->node, t.sourceSchema, t.sourceName),
                                   displayTableName(*s->node, t.destSchema, t.destName),
                                   t.sourceSchema + QLatin1Char('.') + t.sourceName,
                                   t.destSchema + QLatin1Char('.') + t.destName};
        bool asked = false;
        for (const QString &n : names)
            asked = wanted.removeAll(n) > 0 || asked;
        if (asked)
            chosen.append(t);
    }
    if (!wanted.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("node %1 does not replicate a table %2 ('ferry CONFIG.ini "
                                    "tables' lists those it does); nothing was compared")
                         .arg(s->info.name, wanted.first()));
    s->tables = chosen;
    return s;
}

Result<CompareOptions> optionsFrom(const CommandArgs &args)
{
    CompareOptions o;
    o.details = args.has(QStringLiteral("--details"));
    const auto seconds = [&args](const QString &option, double &into) -> Result<void> {
        if (!args.has(option))
            return {};
        bool ok = false;
        const double v = args.value(option).toDouble(&ok);
        if (!ok || v <= 0)
            return Error(ErrorKind::Usage,
                         QStringLiteral("%1 needs a number of seconds above 0, got '%2'")
                             .arg(option, args.value(option)));
        into = v;
        return {};
    };
    double wait = o.sync.catchUpMs / 1000.0;
    if (auto r = seconds(QStringLiteral("--wait"), wait); !r)
        return r.error();
    o.sync.catchUpMs = int(qMin(wait, 86400.0) * 1000);
    if (auto r = seconds(QStringLiteral("--lock-timeout"), o.sync.lockTimeoutSeconds); !r)
        return r.error();
    return o;
}

QString tableTitle(const Connection &db, const NodeTable &t)
{
    const QString source = displayTableName(db, t.sourceSchema, t.sourceName);
    const QString dest = displayTableName(db, t.destSchema, t.destName);
    QString title = source == dest ? source : QStringLiteral("%1 -> %2").arg(source, dest);
    if (!t.condition.isEmpty())
        title += QStringLiteral(" where %1").arg(t.condition.simplified());
    return title;
}

QString keyText(const QStringList &columns, const QStringList &key)
{
    QStringList parts;
    for (qsizetype i = 0; i < key.size(); ++i)
        parts.append(QStringLiteral("%1=%2").arg(columns.value(i), key.at(i)));
    return parts.join(QStringLiteral(", "));
}

QString kindName(RowDifference::Kind kind)
{
    switch (kind) {
    case RowDifference::Kind::Missing:
        return QStringLiteral("missing");
    case RowDifference::Kind::Extra:
        return QStringLiteral("extra");
    case RowDifference::Kind::Changed:
        break;
    }
    return QStringLiteral("changed");
}

QString valueText(const QString &v)
{
    return v.isNull() ? QStringLiteral("NULL") : QLatin1Char('\'') + v + QLatin1Char('\'');
}

QString describe(const Connection &db, const TableComparison &c, bool details)
{
    QString text = tableTitle(db, c.table) + QStringLiteral(": ");
    if (!c.compared())
        return text + QStringLiteral("not compared: ") + c.skipped + QLatin1Char('\n');
    text += QStringLiteral("provider %1 rows, checksum %2; node %3 rows, checksum %4: ")
                .arg(c.providerRows)
                .arg(c.providerChecksum)
                .arg(c.nodeRows)
                .arg(c.nodeChecksum);
    if (c.equal()) {
        text += QStringLiteral("ok");
        if (!c.inFlight.isEmpty())
            text += QStringLiteral(" (%1 row(s) were changes on their way)").arg(c.inFlight.size());
        return text + QLatin1Char('\n');
    }
    text += QStringLiteral("MISMATCH (missing %1, extra %2, changed %3%4)\n")
                .arg(c.missing)
                .arg(c.extra)
                .arg(c.changed)
                .arg(c.tooMany ? QStringLiteral(", and more: over the listing limit") : QString());
    for (const RowDifference &d : c.differences) {
        text += QStringLiteral("  %1 %2").arg(kindName(d.kind), keyText(c.keyColumns, d.key));
        if (details && d.kind == RowDifference::Kind::Changed) {
            QStringList cols;
            for (const QString &col : d.columns) {
                const qsizetype i = c.columns.indexOf(col);
                cols.append(QStringLiteral("%1: %2 | %3")
                                .arg(col, valueText(d.providerValues.value(i)),
                                     valueText(d.nodeValues.value(i))));
            }
            text += QStringLiteral(": ") + cols.join(QStringLiteral("; "));
        }
        text += QLatin1Char('\n');
    }
    if (!c.differences.isEmpty() && !details)
        text
            += QStringLiteral("  (--details shows the differing columns; repair fixes the rows)\n");
    return text;
}

QJsonObject toJson(const Connection &db, const TableComparison &c)
{
    QJsonObject o;
    o.insert(QStringLiteral("table"),
             displayTableName(db, c.table.sourceSchema, c.table.sourceName));
    o.insert(QStringLiteral("destination"),
             displayTableName(db, c.table.destSchema, c.table.destName));
    if (!c.table.condition.isEmpty())
        o.insert(QStringLiteral("condition"), c.table.condition);
    if (!c.compared()) {
        o.insert(QStringLiteral("status"), QStringLiteral("not-compared"));
        o.insert(QStringLiteral("reason"), c.skipped);
        return o;
    }
    o.insert(QStringLiteral("status"),
             c.equal() ? QStringLiteral("ok") : QStringLiteral("MISMATCH"));
    o.insert(QStringLiteral("tick"), c.tick);
    o.insert(QStringLiteral("provider"),
             QJsonObject{{QStringLiteral("rows"), c.providerRows},
                         {QStringLiteral("checksum"), c.providerChecksum}});
    o.insert(QStringLiteral("node"), QJsonObject{{QStringLiteral("rows"), c.nodeRows},
                                                 {QStringLiteral("checksum"), c.nodeChecksum}});
    o.insert(QStringLiteral("missing"), c.missing);
    o.insert(QStringLiteral("extra"), c.extra);
    o.insert(QStringLiteral("changed"), c.changed);
    o.insert(QStringLiteral("truncated"), c.tooMany);
    o.insert(QStringLiteral("key_columns"), QJsonArray::fromStringList(c.keyColumns));
    QJsonArray rows;
    for (const RowDifference &d : c.differences) {
        QJsonObject r{{QStringLiteral("kind"), kindName(d.kind)},
                      {QStringLiteral("key"), QJsonArray::fromStringList(d.key)}};
        if (!d.columns.isEmpty())
            r.insert(QStringLiteral("columns"), QJsonArray::fromStringList(d.columns));
        rows.append(r);
    }
    o.insert(QStringLiteral("differences"), rows);
    QJsonArray flight;
    for (const QStringList &k : c.inFlight)
        flight.append(QJsonArray::fromStringList(k));
    o.insert(QStringLiteral("in_flight"), flight);
    o.insert(QStringLiteral("milliseconds"), QJsonObject{{QStringLiteral("sync"), c.syncMs},
                                                         {QStringLiteral("checksum"), c.checksumMs},
                                                         {QStringLiteral("narrow"), c.narrowMs},
                                                         {QStringLiteral("recheck"), c.recheckMs}});
    return o;
}

} // namespace

int compareTables(const CommandArgs &args, const JobConfig &config)
{
    auto options = optionsFrom(args);
    if (!options)
        return usageError(options.error());
    auto s = open(args, config, QStringLiteral("compare"));
    if (!s)
        return s.error().kind() == ErrorKind::Usage ? usageError(s.error()) : failWith(s.error());
    TableComparer comparer(*s->lock, *s->provider, *s->node, s->info, *options);
    const bool json = args.has(QStringLiteral("--json"));
    QJsonArray results;
    bool allEqual = true;
    for (const NodeTable &t : std::as_const(s->tables)) {
        auto c = comparer.compare(t);
        if (!c) {
            if (json) {
                results.append(
                    QJsonObject{{QStringLiteral("table"),
                                 displayTableName(*s->node, t.sourceSchema, t.sourceName)},
                                {QStringLiteral("status"), QStringLiteral("error")},
                                {QStringLiteral("reason"), c.error().toString()}});
                allEqual = false;
                continue;
            }
            return failWith(Error(c.error()).withContext(
                QStringLiteral("comparing %1").arg(tableTitle(*s->node, t))));
        }
        allEqual = allEqual && c->equal();
        if (json)
            results.append(toJson(*s->node, *c));
        else
            out() << describe(*s->node, *c, options->details);
        out().flush();
    }
    if (json)
        out() << QJsonDocument(QJsonObject{{QStringLiteral("node"), s->info.name},
                                           {QStringLiteral("tables"), results}})
                     .toJson(QJsonDocument::Indented);
    out().flush();
    return allEqual ? ExitSuccess : ExitFailure;
}

int repairTables(const CommandArgs &args, const JobConfig &config)
{
    auto options = optionsFrom(args);
    if (!options)
        return usageError(options.error());
    auto s = open(args, config, QStringLiteral("repair"));
    if (!s)
        return s.error().kind() == ErrorKind::Usage ? usageError(s.error()) : failWith(s.error());
    const bool dry = args.has(QStringLiteral("--dry-run"));
    TableRepairer repairer(*s->lock, *s->provider, *s->node, s->info, *options);
    bool allEqual = true;
    for (const NodeTable &t : std::as_const(s->tables)) {
        auto r = repairer.repair(t, dry);
        if (!r)
            return failWith(Error(r.error()).withContext(
                QStringLiteral("repairing %1").arg(tableTitle(*s->node, t))));
        const QString title = tableTitle(*s->node, t);
        if (!r->before.compared()) {
            out() << title << QStringLiteral(": not repaired: ") << r->before.skipped << Qt::endl;
            allEqual = false;
            continue;
        }
        if (r->statements.isEmpty()) {
            out() << title << QStringLiteral(": ok, nothing to repair") << Qt::endl;
            continue;
        }
        for (const QString &statement : std::as_const(r->statements))
            out() << statement << QStringLiteral(";") << Qt::endl;
        if (dry) {
            out() << title
                  << QStringLiteral(": would insert %1, update %2, delete %3 row(s) (dry run: "
                                    "nothing was changed)")
                         .arg(r->inserted)
                         .arg(r->updated)
                         .arg(r->deleted)
                  << Qt::endl;
            allEqual = false;
            continue;
        }
        const bool fixed = r->after && r->after->equal();
        out() << title
              << QStringLiteral(": inserted %1, updated %2, deleted %3 row(s); compared again: %4")
                     .arg(r->inserted)
                     .arg(r->updated)
                     .arg(r->deleted)
                     .arg(fixed ? QStringLiteral("ok") : QStringLiteral("MISMATCH"))
              << Qt::endl;
        allEqual = allEqual && fixed;
    }
    return allEqual ? ExitSuccess : ExitFailure;
}

} // namespace ferry::cli
