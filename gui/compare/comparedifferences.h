#pragma once

#include "compare/compareresult.h"

#include <QWidget>

class QLabel;
class QTableWidget;
class QTreeWidget;

namespace ferry::gui {

// The Compare page's drill-down into one table: its differing keys (missing
// on the node, extra on the node, changed, with the columns that differ) and,
// for the selected key, the provider's and the node's values side by side,
// one line per compared column; a differing column is marked "≠", in bold
// and on a background (never by color alone).
class CompareDifferences : public QWidget
{
    Q_OBJECT

public:
    enum KeyColumn { KindColumn, KeyValueColumn, ColumnsColumn };
    enum RowColumn { NameColumn, ProviderColumn, NodeColumn };
    static QString differsMarker() { return QStringLiteral("≠"); }

    explicit CompareDifferences(QWidget *parent = nullptr);

    // The rows of `row` that differ; null: no table is selected (`anyRows`:
    // the run has some to select).
    void showTable(const CompareRow *row, bool anyRows);

    QString titleText() const;
    QTreeWidget *keys() const { return m_keys; }
    QTableWidget *rowView() const { return m_rowView; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void render();
    void renderRow();

    std::optional<CompareRow> m_row;
    bool m_anyRows = false;
    QLabel *m_title = nullptr;
    QTreeWidget *m_keys = nullptr;
    QTableWidget *m_rowView = nullptr;
};

} // namespace ferry::gui
