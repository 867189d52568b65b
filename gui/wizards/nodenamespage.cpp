#include "wizards/nodenamespage.h"

#include "cascade/nodeadmin.h"
#include "config/jobconfig.h"
#include "wizards/nodewizard.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace ferry::gui {

NodeNamesPage::NodeNamesPage(bool leaf, QWidget *parent)
    : QWizardPage(parent)
    , m_leaf(leaf)
{
    setObjectName(QStringLiteral("namesPage"));
    setTitle(tr("Names"));
    setSubTitle(leaf ? tr("The leaf joins its provider's queue under a name of its own.")
                     : tr("The queue the cascade replicates through, and the root's name."));
    m_queue = new QLineEdit(leaf ? QString() : QStringLiteral("replika"), this);
    m_queue->setObjectName(QStringLiteral("namesQueue"));
    m_queue->setReadOnly(leaf);
    m_queue->setToolTip(leaf ? tr("The provider's queue: every node of a cascade uses the same.")
                             : tr("1 to 40 letters, digits, '_', '.' or '-'; the same on every "
                                  "node of the cascade."));
    m_node = new QLineEdit(this);
    m_node->setObjectName(QStringLiteral("namesNode"));
    m_node->setToolTip(tr("The node's name in the cascade: 1 to 128 letters, digits, '_', '-' or "
                          "'.'."));
    m_job = new QLineEdit(this);
    m_job->setObjectName(QStringLiteral("namesJob"));
    m_job->setToolTip(tr("The job's name (job_name): names the node's consumer and its log and "
                         "pid files; 1 to 128 characters without '/' or spaces."));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("namesError"));
    m_error->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&Queue:"), m_queue);
    form->addRow(tr("Nod&e name:"), m_node);
    form->addRow(tr("&Job name:"), m_job);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);

    connect(m_queue, &QLineEdit::textChanged, this, &NodeNamesPage::update);
    connect(m_node, &QLineEdit::textChanged, this, [this](const QString &name) {
        // The job's name follows the node's until it is typed itself.
        if (!m_jobEdited) {
            const QSignalBlocker block(m_job);
            m_job->setText(name);
        }
        update();
    });
    connect(m_job, &QLineEdit::textEdited, this, [this] { m_jobEdited = true; });
    connect(m_job, &QLineEdit::textChanged, this, &NodeNamesPage::update);
}

void NodeNamesPage::initializePage()
{
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (m_leaf && w) {
        m_queue->setText(w->queue());
        m_node->setFocus(); // the queue is the provider's
    }
    if (m_node->text().isEmpty() && w) {
        // The database's name is what the seed's nodes are called.
        m_node->setText(w->nodeDb().value(QStringLiteral("dbname")));
    }
    update();
}

QString NodeNamesPage::queue() const
{
    return m_queue->text().trimmed();
}

QString NodeNamesPage::nodeName() const
{
    return m_node->text().trimmed();
}

QString NodeNamesPage::jobName() const
{
    return m_job->text().trimmed();
}

QString NodeNamesPage::problem() const
{
    if (!JobConfig::queueNameProblem(queue()).isEmpty())
        return tr("Queue: use 1 to 40 letters, digits, '_', '.' or '-'.");
    if (!NodeAdmin::checkNodeName(nodeName()))
        return tr("Node name: use 1 to 128 letters, digits, '_', '-' or '.'.");
    if (!JobConfig::jobNameProblem(jobName()).isEmpty())
        return tr("Job name: use 1 to 128 characters without '/' or spaces.");
    if (auto *w = qobject_cast<NodeWizard *>(wizard())) {
        if (w->takenNodeNames().contains(nodeName()))
            return tr("Node name: queue %1 has a node named %2 already; choose another.")
                .arg(queue(), nodeName());
        if (w->takenJobNames().contains(jobName()))
            return tr("Job name: a node of queue %1 has job %2 already; choose another.")
                .arg(queue(), jobName());
    }
    return {};
}

bool NodeNamesPage::isComplete() const
{
    return problem().isEmpty();
}

void NodeNamesPage::update()
{
    m_error->setText(problem());
    emit completeChanged();
}

} // namespace ferry::gui
