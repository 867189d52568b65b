#include "wizards/privilegespage.h"

#include "common/asynctask.h"
#include "wizards/nodewizard.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace ferry::gui {

PrivilegesPage::PrivilegesPage(QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("privilegesPage"));
    setTitle(tr("Privileges"));
    setSubTitle(tr("What the node's role may do in its database, and the statements that grant "
                   "what is missing."));
    m_list = new QTextBrowser(this);
    m_list->setObjectName(QStringLiteral("privilegesList"));
    m_list->setToolTip(tr("What the node's role may do, and what each missing privilege means."));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("privilegesResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_grants = new QPlainTextEdit(this);
    m_grants->setObjectName(QStringLiteral("privilegesGrants"));
    m_grants->setReadOnly(true);
    m_grants->setMaximumHeight(90);
    m_grants->setToolTip(tr("Run these as a superuser (or the objects' owner), e.g. in psql, "
                            "then press Re-check."));
    m_grantsLabel = new QLabel(tr("&Statements that grant what is missing:"), this);
    m_grantsLabel->setBuddy(m_grants);
    m_recheck = new QPushButton(tr("&Re-check"), this);
    m_recheck->setObjectName(QStringLiteral("privilegesRecheck"));
    m_recheck->setToolTip(tr("Reads the role's privileges again."));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("privilegesBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();

    auto *row = new QHBoxLayout;
    row->addWidget(m_recheck);
    row->addWidget(m_busy);
    row->addWidget(m_result, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addLayout(row);
    layout->addWidget(m_grantsLabel);
    layout->addWidget(m_grants);
    connect(m_recheck, &QPushButton::clicked, this, &PrivilegesPage::recheck);
    setTabOrder(m_list, m_recheck);
    setTabOrder(m_recheck, m_grants);
}

void PrivilegesPage::initializePage()
{
    recheck();
}

bool PrivilegesPage::isComplete() const
{
    return !m_checking && m_checked && m_checked->sufficient();
}

QString PrivilegesPage::resultText() const
{
    return m_result->text();
}

QString PrivilegesPage::listText() const
{
    return m_list->toPlainText();
}

QString PrivilegesPage::grantsText() const
{
    return m_grants->toPlainText();
}

void PrivilegesPage::recheck()
{
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (!w)
        return;
    const ConnectionString db = w->nodeDb();
    const NodeKind kind = w->kind();
    const QString queue = w->queue();
    const bool create = w->createsDatabase();
    const quint64 generation = ++m_generation;
    m_checking = true;
    m_checked.reset();
    m_recheck->setEnabled(false);
    m_busy->show();
    m_result->setText(tr("Reading what %1 may do…").arg(db.displayName()));
    emit completeChanged();
    runAsync<Result<NodePrivileges>>(
        this, [db, kind, queue, create] { return checkNodePrivileges(db, kind, queue, create); },
        [this, generation](const Result<NodePrivileges> &checked) {
            if (generation != m_generation)
                return;
            m_checking = false;
            m_recheck->setEnabled(true);
            m_busy->hide();
            show(checked);
            emit completeChanged();
        });
}

void PrivilegesPage::show(const Result<NodePrivileges> &checked)
{
    m_list->clear();
    m_grants->clear();
    if (!checked) {
        m_result->setText(tr("Could not read the privileges: %1. Press Re-check.")
                              .arg(checked.error().toString()));
        return;
    }
    m_checked = *checked;
    // One row per check; what a missing one means under it, wrapped.
    QString html = QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\">");
    for (const PrivilegeCheck &c : checked->checks) {
        const QString state = c.granted  ? tr("yes")
                              : c.needed ? tr("missing: needed")
                                         : tr("missing: optional");
        const QString color = c.granted  ? QStringLiteral("#2e7d32")
                              : c.needed ? QStringLiteral("#c62828")
                                         : QStringLiteral("#b26a00");
        const QString mark = c.granted  ? QStringLiteral("\u2714")
                             : c.needed ? QStringLiteral("\u2716")
                                        : QStringLiteral("\u26a0");
        html += QStringLiteral("<tr><td width=\"150\" style=\"color:%1\">%2 %3</td><td>%4")
                    .arg(color, mark, state.toHtmlEscaped(), c.what.toHtmlEscaped());
        if (!c.granted)
            html += QStringLiteral("<br><span style=\"color:#666666\">%1</span>")
                        .arg(c.missing.toHtmlEscaped());
        html += QStringLiteral("</td></tr>");
    }
    m_list->setHtml(html + QStringLiteral("</table>"));
    m_grants->setPlainText(checked->grants().join(QLatin1Char('\n')));
    // Nothing to grant: nothing to show.
    m_grants->setVisible(!checked->grants().isEmpty());
    m_grantsLabel->setVisible(!checked->grants().isEmpty());
    const bool optionalMissing = !checked->grants().isEmpty();
    m_result->setText(
        checked->sufficient()
            ? (optionalMissing ? tr("Role %1 may make the node; the optional grants below lift "
                                    "the limits noted.")
                                     .arg(checked->role)
                               : tr("Role %1 may do everything the node needs.").arg(checked->role))
        : !checked->grants().isEmpty()
            ? tr("Something the node needs is missing (marked needed above): have a superuser "
                 "run the statements below, or choose another database, then press Re-check.")
            : tr("Something the node needs is missing (marked needed above): do what it says, "
                 "or choose another database, then press Re-check."));
}

} // namespace ferry::gui
