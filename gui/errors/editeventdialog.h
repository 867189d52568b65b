#pragma once

#include "replication/eventresolution.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace ferry::gui {

// Edit and Apply: the SQL to run on a node in place of the event it is
// stopped at, starting from the statements Ferry runs for that event.
// Accepting it only says the user wants it applied; the page asks once more
// and then records it (EventResolution::replace).
class EditEventDialog : public QDialog
{
    Q_OBJECT

public:
    EditEventDialog(const QString &node, const QueuedEventContent &content, QWidget *parent);

    QString sql() const;
    QPlainTextEdit *editor() const { return m_edit; }
    QPushButton *applyButton() const { return m_apply; }

    // "INSERT on public.t · key (id)=(7)" and the row: what the event holds.
    static QString eventText(const QueuedEventContent &content);

private:
    void updateApply();

    QPlainTextEdit *m_edit = nullptr;
    QPushButton *m_apply = nullptr;
};

} // namespace ferry::gui
