#include "compare/comparereport.h"

#include <QLocale>

namespace ferry::gui {

namespace {

QString csvField(const QString &value)
{
    if (value.isNull())
        return QString(); // NULL: nothing between the commas
    static const QString special = QStringLiteral(",\"\r\n");
    bool quote = value.isEmpty() || value.front().isSpace() || value.back().isSpace();
    for (const QChar c : value)
        quote = quote || special.contains(c);
    if (!quote)
        return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString csvLine(const QStringList &fields)
{
    QStringList out;
    for (const QString &f : fields)
        out.append(csvField(f));
    return out.join(QLatin1Char(',')) + QLatin1Char('\n');
}

// A count or rows; not known: a null field.
QString number(qint64 n, bool known)
{
    return known && n >= 0 ? QString::number(n) : QString();
}

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString htmlValue(const QString &value)
{
    return value.isNull() ? QStringLiteral("<span class=\"null\">NULL</span>") : escaped(value);
}

// One value of a differing row: the provider's and the node's, by column.
QString valueOf(const TableComparison &c, const QStringList &values, const QString &column)
{
    const qsizetype i = c.columns.indexOf(column);
    return i < 0 ? QString() : values.value(i);
}

} // namespace

QString CompareReportWriter::csv(const CompareReport &report)
{
    QString out
        = csvLine({tr("Node"), tr("Table"), tr("Destination"), tr("Condition"), tr("Status"),
                   tr("Provider rows"), tr("Node rows"), tr("Provider checksum"),
                   tr("Node checksum"), tr("Missing"), tr("Extra"), tr("Changed"), tr("Tick")});
    for (const CompareRow &row : report.rows) {
        const bool compared = row.result && row.result->compared();
        const TableComparison c = compared ? *row.result : TableComparison();
        out += csvLine(
            {report.node, row.table.name,
             row.table.destination.isEmpty() ? row.table.name : row.table.destination,
             row.table.table.condition, CompareText::status(row), number(c.providerRows, compared),
             number(c.nodeRows, compared), compared ? c.providerChecksum : QString(),
             compared ? c.nodeChecksum : QString(), number(c.missing, compared),
             number(c.extra, compared), number(c.changed, compared), number(c.tick, compared)});
    }
    out += QLatin1Char('\n');
    out += csvLine({tr("Table"), tr("Difference"), tr("Key"), tr("Column"), tr("Provider value"),
                    tr("Node value")});
    for (const CompareRow &row : report.rows) {
        if (!row.result)
            continue;
        const TableComparison &c = *row.result;
        for (const RowDifference &d : c.differences) {
            const QString key = CompareText::key(c.keyColumns, d.key);
            if (d.kind != RowDifference::Kind::Changed || d.columns.isEmpty()) {
                out += csvLine({row.table.name, CompareText::kind(d.kind), key, QString(),
                                QString(), QString()});
                continue;
            }
            for (const QString &column : d.columns)
                out += csvLine({row.table.name, CompareText::kind(d.kind), key, column,
                                valueOf(c, d.providerValues, column),
                                valueOf(c, d.nodeValues, column)});
        }
    }
    return out;
}

QString CompareReportWriter::html(const CompareReport &report)
{
    const QString title = tr("Ferry compare report: node %1").arg(report.node);
    QString out
        = QStringLiteral("<!DOCTYPE html>\n<html lang=\"%1\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<title>%2</title>\n<style>\n"
                         "body { font-family: sans-serif; margin: 1.5em; }\n"
                         "table { border-collapse: collapse; margin-bottom: 1.5em; }\n"
                         "th, td { border: 1px solid #b0b0b0; padding: 3px 8px; "
                         "vertical-align: top; }\n"
                         "th { background: #eeeeee; text-align: left; }\n"
                         "td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
                         "td.mismatch { font-weight: bold; color: #a40000; }\n"
                         "td.diff { font-weight: bold; background: #ffd9d9; }\n"
                         ".null { font-style: italic; color: #666666; }\n"
                         "</style>\n</head>\n<body>\n<h1>%2</h1>\n")
              .arg(QLocale().bcp47Name(), escaped(title));
    out += QStringLiteral("<p>%1</p>\n")
               .arg(escaped(tr("Node %1 compared with its provider %2 (queue %3), %4.")
                                .arg(report.node, report.provider, report.queue,
                                     QLocale().toString(report.finishedAt, QLocale::LongFormat))));
    out += QStringLiteral("<table>\n<tr>");
    for (const QString &h :
         {tr("Table"), tr("Provider rows"), tr("Node rows"), tr("Provider checksum"),
          tr("Node checksum"), tr("Status"), tr("Missing"), tr("Extra"), tr("Changed")})
        out += QStringLiteral("<th>%1</th>").arg(escaped(h));
    out += QStringLiteral("</tr>\n");
    for (const CompareRow &row : report.rows) {
        const bool compared = row.result && row.result->compared();
        const TableComparison c = compared ? *row.result : TableComparison();
        const auto num = [compared](qint64 n) {
            return QStringLiteral("<td class=\"num\">%1</td>")
                .arg(compared ? QLocale().toString(n) : QString());
        };
        out += QStringLiteral("<tr><td>%1</td>").arg(escaped(CompareText::tableTitle(row.table)));
        out += num(c.providerRows) + num(c.nodeRows);
        out += QStringLiteral("<td class=\"num\">%1</td><td class=\"num\">%2</td>")
                   .arg(escaped(c.providerChecksum), escaped(c.nodeChecksum));
        out += QStringLiteral("<td%1>%2</td>")
                   .arg(row.mismatch() ? QStringLiteral(" class=\"mismatch\"") : QString(),
                        escaped(CompareText::status(row)));
        out += num(c.missing) + num(c.extra) + num(c.changed) + QStringLiteral("</tr>\n");
    }
    out += QStringLiteral("</table>\n");

    for (const CompareRow &row : report.rows) {
        if (!row.result || row.result->differences.isEmpty())
            continue;
        const TableComparison &c = *row.result;
        out += QStringLiteral("<h2>%1</h2>\n")
                   .arg(escaped(
                       tr("Rows of %1 that differ").arg(CompareText::tableTitle(row.table))));
        out += QStringLiteral("<table>\n<tr>");
        for (const QString &h :
             {tr("Difference"), tr("Key"), tr("Column"), tr("Provider"), tr("Node")})
            out += QStringLiteral("<th>%1</th>").arg(escaped(h));
        out += QStringLiteral("</tr>\n");
        for (const RowDifference &d : c.differences) {
            const QString kind = escaped(CompareText::kind(d.kind));
            const QString key = escaped(CompareText::key(c.keyColumns, d.key));
            if (d.kind != RowDifference::Kind::Changed || d.columns.isEmpty()) {
                out += QStringLiteral("<tr><td>%1</td><td>%2</td><td></td><td></td><td></td>"
                                      "</tr>\n")
                           .arg(kind, key);
                continue;
            }
            for (const QString &column : d.columns)
                out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>≠ %3</td>"
                                      "<td class=\"diff\">%4</td><td class=\"diff\">%5</td></tr>\n")
                           .arg(kind, key, escaped(column),
                                htmlValue(valueOf(c, d.providerValues, column)),
                                htmlValue(valueOf(c, d.nodeValues, column)));
        }
        out += QStringLiteral("</table>\n");
    }
    out += QStringLiteral("</body>\n</html>\n");
    return out;
}

} // namespace ferry::gui
