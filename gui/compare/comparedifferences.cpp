#include "compare/comparedifferences.h"

#include <QBoxLayout>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>

namespace ferry::gui {

namespace {

constexpr int kIndexRole = Qt::UserRole + 1; // into TableComparison::differences

// A differing column's background.
const QColor kDiffers(255, 214, 214);

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

void markDiffering(QTableWidgetItem *item)
{
    QFont bold = item->font();
    bold.setBold(true);
    item->setFont(bold);
    item->setBackground(kDiffers);
    item->setForeground(QColor(Qt::black)); // readable on the light background in dark themes
}

// A value as the row view shows it: NULL apart from the text 'NULL', and a
// side without the row.
QTableWidgetItem *valueCell(const QString &value, bool present, const QString &absent)
{
    if (present && !value.isNull())
        return cell(value);
    auto *item = cell(present ? QStringLiteral("NULL") : absent);
    QFont italic = item->font();
    italic.setItalic(true);
    item->setFont(italic);
    item->setForeground(QPalette().brush(QPalette::PlaceholderText));
    return item;
}

} // namespace

CompareDifferences::CompareDifferences(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("compareDifferences"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("compareKeysTitle"));
    m_title->setWordWrap(true);
    m_keys = new QTreeWidget(this);
    m_keys->setObjectName(QStringLiteral("compareKeys"));
    m_keys->setRootIsDecorated(false);
    m_keys->setUniformRowHeights(true);
    m_keys->setColumnCount(3);
    connect(m_keys, &QTreeWidget::currentItemChanged, this, &CompareDifferences::renderRow);
    m_rowView = new QTableWidget(this);
    m_rowView->setObjectName(QStringLiteral("compareRowView"));
    m_rowView->setColumnCount(3);
    m_rowView->verticalHeader()->hide();
    m_rowView->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rowView->horizontalHeader()->setStretchLastSection(true);
    m_rowView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rowView->setWordWrap(false);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("compareDrillSplitter"));
    split->addWidget(m_keys);
    split->addWidget(m_rowView);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);
    retranslateUi();
}

void CompareDifferences::showTable(const CompareRow *row, bool anyRows)
{
    m_anyRows = anyRows;
    m_row = row ? std::optional<CompareRow>(*row) : std::nullopt;
    render();
}

QString CompareDifferences::titleText() const
{
    return m_title->text();
}

void CompareDifferences::render()
{
    {
        const QSignalBlocker blocker(m_keys);
        m_keys->clear();
    }
    if (!m_row) {
        m_title->setText(m_anyRows ? tr("Select a table with MISMATCH to see the rows that differ.")
                                   : QString());
        renderRow();
        return;
    }
    const QString title = CompareText::tableTitle(m_row->table);
    if (!m_row->result || !m_row->result->compared()) {
        m_title->setText(tr("%1: %2").arg(title, CompareText::status(*m_row)));
    } else if (m_row->result->equal()) {
        m_title->setText(tr("%1 matches its provider: nothing differs.").arg(title));
    } else {
        const TableComparison &c = *m_row->result;
        QString text = tr("Rows of %1 that differ: %2 (key %3). Select one to see both sides.")
                           .arg(title)
                           .arg(c.differences.size())
                           .arg(c.keyColumns.join(QStringLiteral(", ")));
        if (c.tooMany)
            text += QLatin1Char(' ')
                    + tr("More rows differ than are listed: the counts are lower bounds, and "
                         "the table is best copied again (ferry CONFIG.ini resync TABLE).");
        else if (c.differences.isEmpty())
            text = tr("%1: the checksums differ, but no row differed when checked again; "
                      "compare it once more.")
                       .arg(title);
        m_title->setText(text);
        const QSignalBlocker blocker(m_keys);
        for (int d = 0; d < c.differences.size(); ++d) {
            const RowDifference &diff = c.differences.at(d);
            auto *key = new QTreeWidgetItem(m_keys);
            key->setText(KindColumn, CompareText::kind(diff.kind));
            key->setText(KeyValueColumn, CompareText::key(c.keyColumns, diff.key));
            key->setText(ColumnsColumn, diff.columns.join(QStringLiteral(", ")));
            key->setData(KindColumn, kIndexRole, d);
        }
        for (int column = 0; column < ColumnsColumn; ++column)
            m_keys->resizeColumnToContents(column);
        if (m_keys->topLevelItemCount() > 0)
            m_keys->setCurrentItem(m_keys->topLevelItem(0));
    }
    renderRow();
}

void CompareDifferences::renderRow()
{
    m_rowView->clearContents();
    m_rowView->setRowCount(0);
    QTreeWidgetItem *keyItem = m_keys->currentItem();
    if (!m_row || !m_row->result || !keyItem)
        return;
    const TableComparison &c = *m_row->result;
    const int d = keyItem->data(KindColumn, kIndexRole).toInt();
    if (d < 0 || d >= c.differences.size())
        return;
    const RowDifference &diff = c.differences.at(d);
    if (diff.providerValues.isEmpty() && diff.nodeValues.isEmpty()) {
        m_rowView->setRowCount(1);
        m_rowView->setItem(0, NameColumn, cell(tr("(not read)")));
        m_rowView->setItem(
            0, ProviderColumn,
            cell(tr("More rows differ than are listed; their values are not read.")));
        return;
    }
    const bool onProvider = diff.kind != RowDifference::Kind::Extra;
    const bool onNode = diff.kind != RowDifference::Kind::Missing;
    m_rowView->setRowCount(int(c.columns.size()));
    for (int r = 0; r < c.columns.size(); ++r) {
        const QString &column = c.columns.at(r);
        const bool differs = diff.columns.contains(column);
        QString name = c.keyColumns.contains(column) ? tr("%1 (key)").arg(column) : column;
        if (differs)
            name = differsMarker() + QLatin1Char(' ') + name;
        QTableWidgetItem *items[] = {
            cell(name),
            valueCell(diff.providerValues.value(r), onProvider, tr("no row on the provider")),
            valueCell(diff.nodeValues.value(r), onNode, tr("no row on the node")),
        };
        for (int col = NameColumn; col <= NodeColumn; ++col) {
            if (differs) {
                markDiffering(items[col]);
                items[col]->setToolTip(
                    tr("This column differs between the provider and the node."));
            }
            m_rowView->setItem(r, col, items[col]);
        }
    }
    m_rowView->resizeColumnToContents(NameColumn);
    m_rowView->resizeColumnToContents(ProviderColumn);
}

void CompareDifferences::retranslateUi()
{
    m_keys->setHeaderLabels({tr("Difference"), tr("Key"), tr("Differing columns")});
    m_rowView->setHorizontalHeaderLabels({tr("Column"), tr("Provider"), tr("Node")});
    render();
}

void CompareDifferences::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace ferry::gui
