#include "wizards/providerpage.h"

#include "cascade/node.h"
#include "common/asynctask.h"
#include "db/connection.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ferry::gui {

struct ProviderPage::Checked
{
    QString error; // one line; empty when the provider will do
    QString queue;
    QString nodeName;
    QStringList nodeNames;
    QStringList jobNames;
};

namespace {

// The root node of `queue` at `where` (any queue with one when empty), and
// the names its cascade has taken.
ProviderPage::Checked checkProvider(const ConnectionString &where, const QString &queue)
{
    ProviderPage::Checked c;
    auto db = Connection::open(withShortConnectTimeout(where));
    if (!db) {
        c.error = db.error().toString();
        return c;
    }
    QString wanted = queue;
    if (wanted.isEmpty()) {
        auto queues = nodeQueues(*db);
        if (!queues) {
            c.error = queues.error().toString();
            return c;
        }
        if (queues->isEmpty()) {
            c.error = QStringLiteral("%1 is no Ferry node: make it a root first (New Root)")
                          .arg(db->displayName());
            return c;
        }
        // The queue this database is the root of; a node of another queue
        // is no provider for a leaf.
        QStringList roots;
        for (const QString &q : *queues) {
            auto node = loadNodeInfo(*db, q);
            if (!node) {
                c.error = node.error().toString();
                return c;
            }
            if (node->has_value() && node->value().type == NodeType::Root)
                roots << q;
        }
        if (roots.size() > 1) {
            c.error = QStringLiteral("%1 is the root of queues %2: open the config of the one "
                                     "you want and add the leaf from its cascade")
                          .arg(db->displayName(), QStringLiteral("'")
                                                      + roots.join(QStringLiteral("', '"))
                                                      + QStringLiteral("'"));
            return c;
        }
        wanted = roots.isEmpty() ? queues->first() : roots.first();
    }
    auto node = requireNode(*db, wanted);
    if (!node) {
        c.error = node.error().toString();
        return c;
    }
    if (node->type != NodeType::Root) {
        c.error = QStringLiteral("node '%1' is a %2: a leaf's provider must be the root")
                      .arg(node->name, nodeTypeName(node->type));
        return c;
    }
    auto members = loadMembers(*db, wanted);
    if (!members) {
        c.error = members.error().toString();
        return c;
    }
    c.queue = wanted;
    c.nodeName = node->name;
    for (const NodeMember &m : *members) {
        c.nodeNames << m.name;
        c.jobNames << m.workerName;
    }
    return c;
}

} // namespace

ProviderPage::ProviderPage(const QList<KnownNode> &nodes, QWidget *parent)
    : QWizardPage(parent)
    , m_nodes(nodes)
{
    setObjectName(QStringLiteral("providerPage"));
    setTitle(tr("Provider"));
    setSubTitle(tr("The node the new leaf reads its changes from: the cascade's root."));
    m_node = new QComboBox(this);
    m_node->setObjectName(QStringLiteral("providerNode"));
    m_node->setToolTip(tr("A node of the open cascade, or a connection entered below."));
    for (const KnownNode &n : m_nodes) {
        m_node->addItem(
            n.root ? tr("%1 (root of %2, %3)").arg(n.name, n.queue, n.connection.displayName())
                   : tr("%1 (%2)").arg(n.name, n.connection.displayName()));
    }
    m_node->addItem(tr("Another node: enter its connection"));
    m_connection = new QLineEdit(this);
    m_connection->setObjectName(QStringLiteral("providerConnection"));
    m_connection->setPlaceholderText(QStringLiteral("host=HOST port=5432 dbname=DB user=USER"));
    m_connection->setToolTip(tr("A libpq connection string to the root's database; its "
                                "password, if any, is used here only."));
    m_check = new QPushButton(tr("C&heck Provider"), this);
    m_check->setObjectName(QStringLiteral("providerCheck"));
    m_check->setToolTip(tr("Reads the node there and its cascade, off the window's thread."));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("providerBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("providerResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("&Provider:"), m_node);
    form->addRow(tr("&Connection:"), m_connection);
    auto *row = new QHBoxLayout;
    row->addWidget(m_check);
    row->addWidget(m_busy);
    row->addWidget(m_result, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(row);
    layout->addStretch(1);

    // The open cascade's root first: the provider a leaf has today.
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i).root) {
            m_node->setCurrentIndex(i);
            break;
        }
    }
    connect(m_node, &QComboBox::currentIndexChanged, this, &ProviderPage::picked);
    connect(m_connection, &QLineEdit::textChanged, this, [this] {
        ++m_generation;
        m_ok = false;
        m_result->setText(tr("Press Check Provider to go on."));
        emit completeChanged();
    });
    connect(m_check, &QPushButton::clicked, this, &ProviderPage::check);
    picked();
}

ConnectionString ProviderPage::connection() const
{
    const int i = m_node->currentIndex();
    if (i >= 0 && i < m_nodes.size())
        return m_nodes.at(i).connection;
    auto parsed = ConnectionString::parse(m_connection->text().trimmed());
    return parsed ? *parsed : ConnectionString();
}

QString ProviderPage::resultText() const
{
    return m_result->text();
}

bool ProviderPage::isComplete() const
{
    return !m_checking && m_ok;
}

void ProviderPage::picked()
{
    const int i = m_node->currentIndex();
    const bool known = i >= 0 && i < m_nodes.size();
    m_connection->setEnabled(!known);
    {
        const QSignalBlocker block(m_connection);
        m_connection->setText(known ? m_nodes.at(i).connection.masked() : QString());
    }
    ++m_generation;
    m_ok = false;
    emit completeChanged();
    if (known)
        check(); // nothing to type: read it at once
    else
        m_result->setText(tr("Enter the connection, then press Check Provider."));
}

void ProviderPage::check()
{
    const int i = m_node->currentIndex();
    const bool known = i >= 0 && i < m_nodes.size();
    if (!known) {
        auto parsed = ConnectionString::parse(m_connection->text().trimmed());
        if (m_connection->text().trimmed().isEmpty() || !parsed) {
            m_result->setText(tr("Enter a connection string such as host=HOST port=5432 "
                                 "dbname=DB user=USER."));
            return;
        }
    }
    const ConnectionString where = connection();
    const QString queue = known ? m_nodes.at(i).queue : QString();
    const quint64 generation = ++m_generation;
    const quint64 run = ++m_checkRun;
    m_checking = true;
    m_ok = false;
    m_check->setEnabled(false);
    m_busy->show();
    m_result->setText(tr("Reading the node at %1…").arg(where.displayName()));
    emit completeChanged();
    runAsync<Checked>(
        this, [where, queue] { return checkProvider(where, queue); },
        [this, generation, run](const Checked &c) {
            // The last check started has ended: not busy, whatever it found.
            if (run == m_checkRun) {
                m_checking = false;
                m_check->setEnabled(true);
                m_busy->hide();
            }
            // A result for a connection edited or switched since is dropped.
            if (generation == m_generation)
                onChecked(c);
            emit completeChanged();
        });
}

void ProviderPage::onChecked(const Checked &c)
{
    m_ok = c.error.isEmpty();
    if (!m_ok) {
        m_result->setText(tr("Cannot be the provider: %1").arg(c.error));
        return;
    }
    m_queue = c.queue;
    m_nodeName = c.nodeName;
    m_nodeNames = c.nodeNames;
    m_jobNames = c.jobNames;
    m_result->setText(tr("Root %1 of queue %2; nodes of its cascade: %3.")
                          .arg(c.nodeName, c.queue, c.nodeNames.join(QStringLiteral(", "))));
}

} // namespace ferry::gui
