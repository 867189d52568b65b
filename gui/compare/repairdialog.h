#pragma once

#include "verify/tablerepair.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace ferry::gui {

// What repairing one table would change, from a dry run: the counts and every
// statement with its values, read-only, and Repair / Cancel. Window-modal,
// opened with open() (no nested event loop); accepted() means Repair.
class RepairDialog : public QDialog
{
    Q_OBJECT

public:
    RepairDialog(const QString &table,
                 const QString &node,
                 const RepairOutcome &dryRun,
                 QWidget *parent = nullptr);

    QString countsText() const;
    QString sqlText() const;
    QPushButton *repairButton() const { return m_repair; }
    QPushButton *cancelButton() const { return m_cancel; }

    // "insert 1, update 3, delete 1"
    static QString counts(const RepairOutcome &outcome);

private:
    QLabel *m_counts = nullptr;
    QPlainTextEdit *m_sql = nullptr;
    QPushButton *m_repair = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace ferry::gui
