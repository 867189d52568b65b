#pragma once

#include <QWizardPage>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace ferry::gui {

class AddTablesWizard;

// The Add Tables wizard's first page: the provider's tables as a tree
// (schema → table) with their row estimates, primary key and state; those
// that cannot be added are disabled, the reason in their tooltip. A schema's
// check box checks its tables; the filter hides what does not match.
class AddTablesTablesPage : public QWizardPage
{
    Q_OBJECT

public:
    enum Column { NameColumn, RowsColumn, KeyColumn, StateColumn, ColumnCount };

    explicit AddTablesTablesPage(AddTablesWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;

    QTreeWidget *tree() const { return m_tree; }
    QLineEdit *filter() const { return m_filter; }
    // The table item of schema.name; null when the tree has none.
    QTreeWidgetItem *tableItem(const QString &schema, const QString &name) const;

private:
    void onCatalog();
    // A table's box or a schema's (which checks its tables) changed.
    void onItemChanged(QTreeWidgetItem *item);
    // A schema's box from its tables': checked, partly or not.
    void syncSchemaBox(QTreeWidgetItem *schema);
    void applyFilter();
    void updateStatus();

    AddTablesWizard *m_wizard;
    bool m_filling = false;
    QLabel *m_filterLabel = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeWidget *m_tree = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_reload = nullptr;
};

} // namespace ferry::gui
