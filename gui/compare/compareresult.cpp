#include "compare/compareresult.h"

namespace ferry::gui {

QString CompareText::tableTitle(const CompareTable &table)
{
    QString title = table.destination.isEmpty() ? table.name
                                                : tr("%1 → %2").arg(table.name, table.destination);
    if (!table.table.condition.isEmpty())
        title = tr("%1 where %2").arg(title, table.table.condition.simplified());
    return title;
}

QString CompareText::phase(ComparePhase phase)
{
    switch (phase) {
    case ComparePhase::WaitingForNode:
        return tr("waiting for the node to apply the provider's latest tick");
    case ComparePhase::Checksumming:
        return tr("counting and checksumming both sides");
    case ComparePhase::NarrowingDown:
        return tr("narrowing down to the rows that differ");
    case ComparePhase::Rechecking:
        break;
    }
    return tr("checking the differing rows again");
}

QString CompareText::verdict(const CompareRow &row)
{
    if (row.state != CompareRow::State::Compared || !row.result || !row.result->compared())
        return QString();
    return row.result->equal() ? tr("ok") : tr("MISMATCH");
}

QString CompareText::status(const CompareRow &row)
{
    switch (row.state) {
    case CompareRow::State::Waiting:
        return tr("waiting");
    case CompareRow::State::Running:
        return tr("%1…").arg(phase(row.phase));
    case CompareRow::State::Failed:
        return tr("failed: %1").arg(row.error);
    case CompareRow::State::NotRun:
        return tr("not compared: %1").arg(row.error);
    case CompareRow::State::Compared:
        break;
    }
    const TableComparison &c = *row.result;
    if (!c.compared())
        return tr("not compared: %1").arg(c.skipped);
    if (!c.equal())
        return c.tooMany ? tr("MISMATCH (more than listed)") : tr("MISMATCH");
    if (!c.inFlight.isEmpty())
        return tr("ok (%n row(s) were changes on their way)", nullptr, int(c.inFlight.size()));
    return tr("ok");
}

QString CompareText::kind(RowDifference::Kind kind)
{
    switch (kind) {
    case RowDifference::Kind::Missing:
        return tr("missing on the node");
    case RowDifference::Kind::Extra:
        return tr("extra on the node");
    case RowDifference::Kind::Changed:
        break;
    }
    return tr("changed");
}

QString CompareText::key(const QStringList &columns, const QStringList &key)
{
    QStringList parts;
    for (qsizetype i = 0; i < key.size(); ++i)
        parts.append(QStringLiteral("%1=%2").arg(columns.value(i), key.at(i)));
    return parts.join(QStringLiteral(", "));
}

} // namespace ferry::gui
