#pragma once

#include <QWizardPage>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace ferry::gui {

class AddTablesWizard;

// The Add Tables wizard's last page: what Finish does and the `ferry
// add-table` commands that do the same from a terminal (copyable); an error
// of the add itself stays here, nothing added.
class AddTablesSummaryPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit AddTablesSummaryPage(AddTablesWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;

    QPlainTextEdit *commandBox() const { return m_commands; }
    QPushButton *copyButton() const { return m_copy; }
    QLabel *errorLabel() const { return m_error; }
    // Under the commands when they name another node's config.
    QLabel *configNote() const { return m_configNote; }

private:
    AddTablesWizard *m_wizard;
    QLabel *m_what = nullptr;
    QPlainTextEdit *m_commands = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_configNote = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace ferry::gui
