#include "statusformat.h"

namespace ferry::cli {

namespace {

constexpr int kDetailColumn = 30;

QString detail(const QString &prefix, const QString &text)
{
    return prefix.leftJustified(kDetailColumn) + text + QLatin1Char('\n');
}

QStringList detailLines(const NodeStatus &n)
{
    QStringList lines;
    if (!n.reachable) {
        lines.append(QStringLiteral("ERR: ") + n.error);
        return lines;
    }
    lines.append(
        QStringLiteral("Tables: %1/%2/%3").arg(n.tablesOk).arg(n.tablesCopying).arg(n.tablesError));
    lines.append(QStringLiteral("Lag: %1, Tick: %2")
                     .arg(n.lagSeconds ? formatLag(*n.lagSeconds) : QStringLiteral("?"),
                          n.tick ? QString::number(*n.tick) : QStringLiteral("?")));
    for (const QString &w : n.warnings)
        lines.append(QStringLiteral("WARN: ") + w);
    if (!n.error.isEmpty())
        lines.append(QStringLiteral("ERR: %1: %2").arg(n.name, n.error));
    return lines;
}

QString table(const QStringList &header, const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QString &h : header)
        widths.append(h.size());
    for (const QStringList &r : rows) {
        for (int i = 0; i < r.size() && i < widths.size(); ++i)
            widths[i] = qMax(widths[i], r.at(i).size());
    }
    auto line = [&](const QStringList &cells) {
        QString s;
        for (int i = 0; i < cells.size(); ++i)
            s += (i + 1 < cells.size() ? cells.at(i).leftJustified(widths[i] + 2) : cells.at(i));
        return s.trimmed() + QLatin1Char('\n');
    };
    QStringList dashes;
    for (int w : widths)
        dashes.append(QString(w, QLatin1Char('-')));
    QString out = line(header) + line(dashes);
    for (const QStringList &r : rows)
        out += line(r);
    return out;
}

} // namespace

QString formatCascadeStatus(const CascadeStatus &status)
{
    QString out
        = QStringLiteral("Queue: %1   Local node: %2\n\n").arg(status.queue, status.localNode);
    if (status.nodes.isEmpty())
        return out;
    const NodeStatus &root = status.nodes.first();
    const bool children = status.nodes.size() > 1;
    out += QStringLiteral("%1 (%2)\n").arg(root.name, nodeTypeName(root.type));
    for (const QString &l : detailLines(root))
        out += detail(children ? QStringLiteral("  |") : QString(), l);
    for (int i = 1; i < status.nodes.size(); ++i) {
        const NodeStatus &n = status.nodes.at(i);
        const bool last = i + 1 == status.nodes.size();
        out += QStringLiteral("  +--%1 (%2)\n").arg(n.name, nodeTypeName(n.type));
        for (const QString &l : detailLines(n))
            out += detail(last ? QString() : QStringLiteral("  |"), l);
    }
    return out;
}

QString formatNodeStatus(const NodeInfo &node,
                         const std::optional<NodeStatus> &status,
                         const QString &statusError)
{
    auto masked = [](const QString &location) {
        auto cs = ConnectionString::parse(location);
        return cs ? cs->masked() : ConnectionString::maskText(location);
    };
    QString out;
    out += QStringLiteral("Node: %1   Type: %2   Queue: %3\n")
               .arg(node.name, nodeTypeName(node.type), node.queue);
    out += QStringLiteral("Location: %1\n").arg(masked(node.location));
    if (node.type != NodeType::Root)
        out += QStringLiteral("Provider: %1 (%2)\n")
                   .arg(node.providerNode, masked(node.providerLocation));
    out += QStringLiteral("Job: %1\n").arg(node.workerName);
    out += QStringLiteral("Paused: %1\n")
               .arg(node.paused ? QStringLiteral("yes") : QStringLiteral("no"));
    if (status) {
        out += QStringLiteral("Tables: %1 ok, %2 copying, %3 with errors\n")
                   .arg(status->tablesOk)
                   .arg(status->tablesCopying)
                   .arg(status->tablesError);
        out += QStringLiteral("Tick: %1   Lag: %2\n")
                   .arg(status->tick ? QString::number(*status->tick) : QStringLiteral("?"),
                        status->lagSeconds ? formatLag(*status->lagSeconds) : QStringLiteral("?"));
        for (const QString &w : status->warnings)
            out += QStringLiteral("WARN: %1\n").arg(w);
    } else if (!statusError.isEmpty()) {
        out += QStringLiteral("Status: %1\n").arg(statusError);
    }
    out += QStringLiteral("Worker: %1\n")
               .arg(node.workerPid ? QStringLiteral("pid %1, last seen %2")
                                         .arg(node.workerPid)
                                         .arg(node.workerSeenAt.toString(Qt::ISODate))
                                   : QStringLiteral("not running"));
    out += QStringLiteral("Last error: %1\n")
               .arg(node.lastError.isEmpty() ? QStringLiteral("none") : node.lastError);
    return out;
}

QString formatMembers(const NodeInfo &local, const QList<NodeMember> &members)
{
    QList<QStringList> rows;
    for (const NodeMember &m : members) {
        auto cs = ConnectionString::parse(m.location);
        rows.append({m.name, nodeTypeName(m.type), m.providerNode,
                     cs ? cs->masked() : ConnectionString::maskText(m.location)});
    }
    return QStringLiteral("Member info on %1@%2:\n").arg(local.name, local.queue)
           + table({QStringLiteral("node_name"), QStringLiteral("node_type"),
                    QStringLiteral("provider"), QStringLiteral("location")},
                   rows);
}

QString formatTables(const Connection &db,
                     const QList<NodeTable> &tables,
                     const QList<CopyProgress> &copies)
{
    QList<QStringList> rows;
    for (const NodeTable &t : tables) {
        const QString source = displayTableName(db, t.sourceSchema, t.sourceName);
        const QString dest = displayTableName(db, t.destSchema, t.destName);
        QString attrs;
        if (dest != source)
            attrs = QStringLiteral("dest=") + dest;
        const auto add = [&attrs](const QString &attr) {
            attrs += (attrs.isEmpty() ? QString() : QStringLiteral(" ")) + attr;
        };
        if (!t.columns.isEmpty())
            add(QStringLiteral("columns=") + t.columns.join(QLatin1Char(',')));
        if (!t.condition.isEmpty())
            add(QStringLiteral("where=(%1)").arg(t.condition.simplified()));
        if (t.skipTruncate)
            add(QStringLiteral("skip-truncate"));
        if (t.copiedRows >= 0)
            attrs += (attrs.isEmpty() ? QString() : QStringLiteral(" "))
                     + QStringLiteral("copied=%1").arg(t.copiedRows);
        QString state = t.mergeState;
        if (state == QLatin1String("in-copy")) {
            const CopyProgress *running = nullptr;
            for (const CopyProgress &p : copies) {
                if (p.sourceSchema == t.sourceSchema && p.sourceName == t.sourceName)
                    running = &p;
            }
            if (running) {
                // A condition copies part of the table: no total to go by.
                CopyProgress p = *running;
                if (!t.condition.isEmpty())
                    p.rowsTotal = -1;
                add(QStringLiteral("copying=") + copyProgressText(p));
            } else
                state = QStringLiteral("waiting"); // for its turn to be copied
        }
        if (!t.lastError.isEmpty())
            add(QStringLiteral("ERR: ") + t.lastError);
        // A table with an error is not ok, whatever its merge state: its
        // changes are not being applied (R1).
        rows.append({source, t.lastError.isEmpty() ? state : QStringLiteral("error"), attrs});
    }
    return QStringLiteral("Tables on node\n")
           + table({QStringLiteral("table_name"), QStringLiteral("merge_state"),
                    QStringLiteral("table_attrs")},
                   rows);
}

QString formatSequences(const Connection &db,
                        const NodeInfo &node,
                        const QList<NodeSequence> &sequences,
                        const QString &role)
{
    const auto value = [](const std::optional<qint64> &v) {
        return v ? QString::number(*v) : QStringLiteral("-");
    };
    QList<QStringList> rows;
    for (const NodeSequence &s : sequences) {
        QString state;
        if (!s.problem.isEmpty()) {
            state = QStringLiteral("ERR: ") + SequenceRegistry::problemText(db, s, node.name, role);
        } else if (!s.rootRead) {
            state = QStringLiteral("waiting for the worker");
        } else if (s.behind) {
            state = QStringLiteral("behind (the worker sets it)");
        } else {
            state = QStringLiteral("ok");
        }
        const QString name = displayTableName(db, s.destSchema, s.destName);
        const QString source = displayTableName(db, s.sourceSchema, s.sourceName);
        if (source != name)
            state += QStringLiteral(" (root: %1)").arg(source);
        rows.append({name, s.rootRead ? value(s.rootValue) : QStringLiteral("?"),
                     value(s.nodeValue), state});
    }
    return QStringLiteral("Sequences on node %1\n").arg(node.name)
           + table({QStringLiteral("sequence"), QStringLiteral("root_value"),
                    QStringLiteral("node_value"), QStringLiteral("state")},
                   rows);
}

} // namespace ferry::cli
