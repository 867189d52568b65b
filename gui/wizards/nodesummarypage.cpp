#include "wizards/nodesummarypage.h"

#include "common/asynctask.h"
#include "wizards/nodecreation.h"
#include "wizards/nodewizard.h"

#include <QDir>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QVBoxLayout>

namespace ferry::gui {

namespace {

// What Create answers: the node, or why not and what it could not undo.
struct Created
{
    Result<NodeInfo> node;
    QStringList notUndone;
};

} // namespace

NodeSummaryPage::NodeSummaryPage(QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("summaryPage"));
    setTitle(tr("Summary"));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Create"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("summaryText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commands = new QPlainTextEdit(this);
    m_commands->setObjectName(QStringLiteral("summaryCommands"));
    m_commands->setReadOnly(true);
    m_commands->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_commands->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_commands->setToolTip(tr("The same from a terminal; passwords come from ~/.pgpass."));
    auto *label = new QLabel(tr("The same with the &ferry command:"), this);
    label->setBuddy(m_commands);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("summaryBusy"));
    m_busy->setRange(0, 0);
    m_busy->hide();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("summaryError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(label);
    layout->addWidget(m_commands, 1);
    layout->addWidget(m_busy);
    layout->addWidget(m_error);
}

void NodeSummaryPage::initializePage()
{
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (!w)
        return;
    QString what
        = w->kind() == NodeKind::Root
              ? tr("Create makes %1 the root node %2 of queue %3")
                    .arg(w->nodeDb().displayName(), w->nodeName(), w->queue())
              : tr("Create makes %1 the leaf node %2 of queue %3, provider %4")
                    .arg(w->nodeDb().displayName(), w->nodeName(), w->queue(), w->providerName());
    QString text = tr("%1, and writes its job %2 to %3.")
                       .arg(what, w->jobName(), QDir::toNativeSeparators(w->configPath()));
    if (w->createsDatabase())
        text += QLatin1Char(' ')
                + tr("It creates database %1 first.")
                      .arg(w->nodeDb().value(QStringLiteral("dbname")));
    m_text->setText(text + QLatin1Char(' ') + tr("If a step fails, what it made is undone."));
    m_commands->setPlainText(w->equivalentCommands());
    m_error->clear();
}

bool NodeSummaryPage::isComplete() const
{
    return !m_creating;
}

QString NodeSummaryPage::errorText() const
{
    return m_error->text();
}

QString NodeSummaryPage::commandsText() const
{
    return m_commands->toPlainText();
}

bool NodeSummaryPage::validatePage()
{
    if (m_created)
        return true;
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (!w || m_creating)
        return false;
    NodeCreation c;
    c.kind = w->kind();
    c.setup.db = w->nodeDb();
    c.setup.queue = w->queue();
    c.setup.nodeName = w->nodeName();
    c.setup.workerName = w->jobName();
    if (c.kind == NodeKind::Leaf) {
        c.setup.provider = w->provider();
        c.setup.location = w->nodeDb();
    }
    c.createDatabase = w->createsDatabase();
    c.configPath = w->configPath();
    c.replaceConfig = w->replacesConfig();
    c.config.jobName = w->jobName();
    c.config.db = w->nodeDb();
    c.config.queueName = w->queue();
    c.config.logFile = w->logFile();
    c.config.pidFile = w->pidFile();

    m_creating = true;
    w->setCreating(true);
    m_busy->show();
    m_error->setText(tr("Creating node %1…").arg(c.setup.nodeName));
    emit completeChanged();
    runAsync<Created>(
        this,
        [c] {
            Created created{Error(), {}};
            created.node = createNode(c, &created.notUndone);
            return created;
        },
        [this, w, path = c.configPath](const Created &created) {
            const Result<NodeInfo> &node = created.node;
            m_creating = false;
            w->setCreating(false);
            m_busy->hide();
            emit completeChanged();
            if (!node && created.notUndone.isEmpty()) {
                m_error->setText(tr("Nothing was made: %1").arg(node.error().toString()));
                return;
            }
            if (!node) {
                // What the undo could not remove is the DBA's to clean up.
                m_error->setText(tr("Create failed: %1. Not undone: %2")
                                     .arg(node.error().toString(),
                                          created.notUndone.join(QStringLiteral("; "))));
                return;
            }
            m_created = true;
            m_error->clear();
            w->onCreated(path);
            w->next();
        });
    return false;
}

} // namespace ferry::gui
