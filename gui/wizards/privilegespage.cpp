#include "wizards/privilegespage.h"

#include "common/asynctask.h"
#include "wizards/nodewizard.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ferry::gui {

PrivilegesPage::PrivilegesPage(QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("privilegesPage"));
    setTitle(tr("Privileges"));
    setSubTitle(tr("What the node's role may do in its database, and the statements that grant "
                   "what is missing."));
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("privilegesList"));
    m_list->setHeaderLabels({tr("Privilege"), tr("State")});
    m_list->setRootIsDecorated(false);
    m_list->setWordWrap(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    m_list->setToolTip(tr("Hover a line for what a missing privilege means."));
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
    auto *grantsLabel = new QLabel(tr("&Statements that grant what is missing:"), this);
    grantsLabel->setBuddy(m_grants);
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
    layout->addWidget(grantsLabel);
    layout->addWidget(m_grants);
    connect(m_recheck, &QPushButton::clicked, this, &PrivilegesPage::recheck);
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
    for (const PrivilegeCheck &c : checked->checks) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, c.what);
        const QString state = c.granted  ? tr("granted")
                              : c.needed ? tr("missing: needed")
                                         : tr("missing: optional");
        item->setText(1, state);
        item->setIcon(1, style()->standardIcon(c.granted  ? QStyle::SP_DialogApplyButton
                                               : c.needed ? QStyle::SP_MessageBoxCritical
                                                          : QStyle::SP_MessageBoxWarning));
        if (!c.granted) {
            item->setToolTip(0, c.missing);
            item->setToolTip(1, c.missing);
            // What it means, under the line, for those who do not hover.
            auto *note = new QTreeWidgetItem(m_list);
            note->setText(0, QStringLiteral("    ") + c.missing);
            note->setForeground(0, palette().brush(QPalette::PlaceholderText));
            note->setFlags(Qt::ItemIsEnabled);
        }
    }
    m_grants->setPlainText(checked->grants().join(QLatin1Char('\n')));
    const bool optionalMissing = !checked->grants().isEmpty();
    m_result->setText(
        checked->sufficient()
            ? (optionalMissing ? tr("Role %1 may make the node; the optional grants below lift "
                                    "the limits noted.")
                                     .arg(checked->role)
                               : tr("Role %1 may do everything the node needs.").arg(checked->role))
            : tr("Something the node needs is missing (marked needed above): have a superuser "
                 "run the statements below, or choose another database, then press Re-check."));
}

} // namespace ferry::gui
