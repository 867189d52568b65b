#pragma once

#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace ferry::gui {

class AddTablesWizard;

// The Add Tables wizard's Mapping page (a leaf's): per chosen table its
// destination schema and name, a row condition checked on the provider
// (Validate: the rows it matches), the columns kept and whether a missing
// destination is made; one field renames a schema for every table at once.
// Next waits until every condition was validated and the destinations differ.
class AddTablesMappingPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit AddTablesMappingPage(AddTablesWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;

    QListWidget *tableList() const { return m_tables; }
    QLineEdit *destSchema() const { return m_destSchema; }
    QLineEdit *destName() const { return m_destName; }
    QLineEdit *condition() const { return m_condition; }
    QPushButton *validateButton() const { return m_validate; }
    QLabel *conditionResult() const { return m_result; }
    QListWidget *columnList() const { return m_columns; }
    QCheckBox *createBox() const { return m_create; }
    QCheckBox *indexesBox() const { return m_indexes; }
    QComboBox *renameFrom() const { return m_renameFrom; }
    QLineEdit *renameTo() const { return m_renameTo; }
    QPushButton *renameButton() const { return m_rename; }
    // What keeps Next disabled, in one line; empty when nothing does.
    QString problem() const;

private:
    void showCurrent();
    void storeCurrent();
    void refreshList();
    void showResult();
    void renameSchema();
    void updateProblem();

    AddTablesWizard *m_wizard;
    bool m_showing = false;
    QListWidget *m_tables = nullptr;
    QComboBox *m_renameFrom = nullptr;
    QLineEdit *m_renameTo = nullptr;
    QPushButton *m_rename = nullptr;
    QGroupBox *m_form = nullptr;
    QLineEdit *m_destSchema = nullptr;
    QLineEdit *m_destName = nullptr;
    QLineEdit *m_condition = nullptr;
    QPushButton *m_validate = nullptr;
    QLabel *m_result = nullptr;
    QListWidget *m_columns = nullptr;
    QCheckBox *m_create = nullptr;
    QCheckBox *m_indexes = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace ferry::gui
