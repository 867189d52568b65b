#include "compare/repairdialog.h"

#include <QBoxLayout>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>

namespace ferry::gui {

RepairDialog::RepairDialog(const QString &table,
                           const QString &node,
                           const RepairOutcome &dryRun,
                           QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("repairDialog"));
    setWindowTitle(tr("Repair %1").arg(table));
    setWindowModality(Qt::WindowModal);

    auto *title = new QLabel(tr("Repair %1 on node %2?").arg(table, node), this);
    title->setObjectName(QStringLiteral("repairTitle"));
    title->setWordWrap(true);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);

    m_counts = new QLabel(tr("Changes to the node's table: %1 row(s).").arg(counts(dryRun)), this);
    m_counts->setObjectName(QStringLiteral("repairCounts"));
    m_counts->setWordWrap(true);

    auto *how = new QLabel(tr("Repair writes these rows in one transaction on the node while "
                              "the provider's table is held for writes (a SHARE lock), then "
                              "compares the table again. It reads the differing rows once more "
                              "first, so rows that changed meanwhile are written as they are "
                              "then."),
                           this);
    how->setObjectName(QStringLiteral("repairHow"));
    how->setWordWrap(true);
    how->setForegroundRole(QPalette::PlaceholderText);

    m_sql = new QPlainTextEdit(this);
    m_sql->setObjectName(QStringLiteral("repairSql"));
    m_sql->setReadOnly(true);
    m_sql->setLineWrapMode(QPlainTextEdit::WidgetWidth); // a statement read whole
    m_sql->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_sql->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QStringList statements;
    for (const QString &s : dryRun.statements)
        statements.append(s + QLatin1Char(';'));
    m_sql->setPlainText(statements.join(QStringLiteral("\n\n")));

    auto *buttons = new QDialogButtonBox(this);
    m_repair = buttons->addButton(tr("&Repair"), QDialogButtonBox::AcceptRole);
    m_repair->setObjectName(QStringLiteral("repairConfirm"));
    m_repair->setAutoDefault(false);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("repairCancel"));
    m_cancel->setDefault(true); // Enter does not write to the node
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_counts);
    layout->addWidget(how);
    layout->addWidget(m_sql, 1);
    layout->addWidget(buttons);
    resize(760, 420);
}

QString RepairDialog::counts(const RepairOutcome &outcome)
{
    return tr("insert %1, update %2, delete %3")
        .arg(outcome.inserted)
        .arg(outcome.updated)
        .arg(outcome.deleted);
}

QString RepairDialog::countsText() const
{
    return m_counts->text();
}

QString RepairDialog::sqlText() const
{
    return m_sql->toPlainText();
}

} // namespace ferry::gui
