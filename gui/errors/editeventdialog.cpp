#include "errors/editeventdialog.h"

#include "db/sqllexer.h"

#include <QBoxLayout>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>

namespace ferry::gui {

QString EditEventDialog::eventText(const QueuedEventContent &content)
{
    QString text = tr("%1 on %2").arg(EventResolution::opName(content.op), content.table);
    if (!content.key.isEmpty())
        text += tr(" · key %1").arg(content.key);
    if (!content.data.isEmpty())
        text += QLatin1Char('\n') + tr("Row: %1").arg(content.data);
    return text;
}

EditEventDialog::EditEventDialog(const QString &node,
                                 const QueuedEventContent &content,
                                 QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("editEventDialog"));
    setWindowTitle(tr("Edit and Apply Event %1 on %2").arg(content.eventId).arg(node));

    auto *heading = new QLabel(tr("Event %1 on node %2").arg(content.eventId).arg(node), this);
    heading->setObjectName(QStringLiteral("editEventHeading"));
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    auto *event = new QLabel(eventText(content), this);
    event->setObjectName(QStringLiteral("editEventContent"));
    event->setWordWrap(true);
    event->setTextInteractionFlags(Qt::TextSelectableByMouse);
    event->setTextFormat(Qt::PlainText);

    auto *help = new QLabel(
        tr("The SQL below runs on node %1 in place of this event, in the same transaction as "
           "the rest of its batch. It starts as the statements Ferry runs for the event; change "
           "it as the node needs. If it fails, the node stops at this event again.")
            .arg(node),
        this);
    help->setObjectName(QStringLiteral("editEventHelp"));
    help->setWordWrap(true);
    help->setTextFormat(Qt::PlainText);

    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(QStringLiteral("replacementEdit"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setPlainText(
        content.sql.isEmpty()
            ? tr("-- Ferry runs no row statement for this event (%1): write the SQL to apply "
                 "in its place.\n")
                  .arg(EventResolution::opName(content.op))
            : content.sql + QLatin1Char('\n'));
    connect(m_edit, &QPlainTextEdit::textChanged, this, &EditEventDialog::updateApply);

    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("&Apply in Its Place…"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("applyReplacementButton"));
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelReplacementButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(event);
    layout->addWidget(help);
    layout->addWidget(m_edit, 1);
    layout->addWidget(buttons);
    resize(720, 420);
    updateApply();
}

QString EditEventDialog::sql() const
{
    return m_edit->toPlainText();
}

void EditEventDialog::updateApply()
{
    // Comments alone would replace the event with nothing.
    m_apply->setEnabled(holdsStatement(m_edit->toPlainText()));
}

} // namespace ferry::gui
