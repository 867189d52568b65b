#include "compare/comparetablepicker.h"

#include "cascade/nodestate.h"
#include "common/asynctask.h"
#include "compare/compareresult.h"
#include "db/connectgate.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QLabel>
#include <QSpinBox>
#include <QToolButton>
#include <QTreeWidget>

namespace ferry::gui {

namespace {

constexpr int kKeyRole = Qt::UserRole + 1; // CompareTable::key

} // namespace

CompareTablePicker::CompareTablePicker(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("compareTablePicker"));
    m_nodeLabel = new QLabel(this);
    m_node = new QComboBox(this);
    m_node->setObjectName(QStringLiteral("compareNode"));
    m_nodeLabel->setBuddy(m_node);
    connect(m_node, &QComboBox::currentIndexChanged, this, &CompareTablePicker::onNodeChanged);
    m_waitLabel = new QLabel(this);
    m_wait = new QSpinBox(this);
    m_wait->setObjectName(QStringLiteral("compareWait"));
    m_wait->setRange(1, 3600);
    m_wait->setValue(SyncOptions().catchUpMs / 1000);
    m_waitLabel->setBuddy(m_wait);
    m_all = new QCheckBox(this);
    m_all->setObjectName(QStringLiteral("compareAllTables"));
    m_all->setTristate(true);
    connect(m_all, &QCheckBox::clicked, this, [this] {
        bool every = true;
        for (const CompareTable &t : std::as_const(m_entries))
            every = every && !m_unchecked.contains(t.key);
        setAllChecked(!every);
    });
    m_reload = new QToolButton(this);
    m_reload->setObjectName(QStringLiteral("compareReload"));
    m_reload->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_reload->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connect(m_reload, &QToolButton::clicked, this, [this] {
        ConnectGate::instance().retryAll(); // pressed: a refused login is tried again
        reload();
    });
    m_tables = new QTreeWidget(this);
    m_tables->setObjectName(QStringLiteral("compareTables"));
    m_tables->setRootIsDecorated(false);
    m_tables->setUniformRowHeights(true);
    m_tables->setColumnCount(ColumnCount);
    connect(m_tables, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        if (column != TableColumn)
            return;
        const QString key = item->data(TableColumn, kKeyRole).toString();
        if (item->checkState(TableColumn) == Qt::Checked)
            m_unchecked.remove(key);
        else
            m_unchecked.insert(key);
        updateAllCheck();
        emit checkedChanged();
    });
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("compareTablesEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *nodeRow = new QHBoxLayout;
    nodeRow->addWidget(m_nodeLabel);
    nodeRow->addWidget(m_node, 1);
    auto *waitRow = new QHBoxLayout;
    waitRow->addWidget(m_waitLabel);
    waitRow->addWidget(m_wait);
    waitRow->addStretch(1);
    auto *allRow = new QHBoxLayout;
    allRow->addWidget(m_all);
    allRow->addStretch(1);
    allRow->addWidget(m_reload);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(nodeRow);
    layout->addLayout(waitRow);
    layout->addLayout(allRow);
    layout->addWidget(m_tables, 1);
    layout->addWidget(m_empty);

    retranslateUi();
}

void CompareTablePicker::open(const JobConfig &config)
{
    close();
    m_config = config;
    m_open = true;
    m_choices = {Choice{QString(), true, QString()}};
    rebuildChooser(); // reads the tables when shown
}

void CompareTablePicker::close()
{
    m_open = false;
    ++m_token;
    m_config = JobConfig();
    m_localNode.clear();
    m_choices.clear();
    m_loading = false;
    m_read = false;
    m_readFor.clear();
    m_error.clear();
    m_entries.clear();
    m_info = NodeInfo();
    rebuildChooser();
}

void CompareTablePicker::setStatus(const StatusReply &reply)
{
    if (!m_open || !reply.ok)
        return;
    if (!reply.viaRoot)
        m_localNode = reply.status.localNode;
    QList<Choice> choices;
    for (const NodeStatus &n : reply.status.nodes) {
        if (n.type == NodeType::Root)
            continue; // it has no provider to compare with
        if (n.name == m_localNode)
            choices.prepend(Choice{n.name, true, QString()});
        else
            choices.append(Choice{n.name, false, n.location});
    }
    if (choices == m_choices)
        return;
    m_choices = choices;
    rebuildChooser();
}

QString CompareTablePicker::currentId() const
{
    const int i = m_node->currentIndex();
    return i >= 0 && i < m_choices.size() ? m_choices.at(i).id() : QStringLiteral("\x1f none");
}

QString CompareTablePicker::nodeText() const
{
    return m_info.name.isEmpty() ? m_node->currentText() : m_info.name;
}

void CompareTablePicker::rebuildChooser()
{
    const bool hadSelection = m_node->currentIndex() >= 0;
    const QString selected = m_node->currentData().toString();
    {
        const QSignalBlocker blocker(m_node);
        m_node->clear();
        int index = 0;
        for (int i = 0; i < m_choices.size(); ++i) {
            const Choice &c = m_choices.at(i);
            QString text = c.name;
            if (c.local)
                text = tr("%1 (this config's node)")
                           .arg(c.name.isEmpty() ? m_config.db().displayName() : c.name);
            m_node->addItem(text, c.id());
            if (hadSelection && c.id() == selected)
                index = i;
        }
        m_node->setCurrentIndex(m_choices.isEmpty() ? -1 : index);
    }
    if (currentId() != m_readFor)
        onNodeChanged();
    else
        render(); // the same node: its texts only
}

void CompareTablePicker::onNodeChanged()
{
    ++m_token;
    m_loading = false;
    m_read = false;
    m_error.clear();
    m_readFor = currentId();
    m_entries.clear();
    m_info = NodeInfo();
    render();
    emit checkedChanged();
    if (m_open && isVisible() && !m_choices.isEmpty())
        reload();
}

Result<CompareTarget> CompareTablePicker::target() const
{
    const int i = m_node->currentIndex();
    if (i < 0 || i >= m_choices.size())
        return Error(ErrorKind::Usage, tr("no node to compare is chosen"));
    const Choice &c = m_choices.at(i);
    CompareTarget target;
    target.node = c.name;
    target.queue = m_config.queueName();
    if (c.local) {
        target.db = m_config.db();
        return target;
    }
    if (c.location.isEmpty())
        return Error(ErrorKind::Usage, tr("the location of node %1 is not known").arg(c.name));
    auto where = memberLocation(c.location);
    if (!where)
        return where.error();
    target.db = *where;
    return target;
}

void CompareTablePicker::reload()
{
    if (!m_open || m_choices.isEmpty() || m_busy)
        return;
    auto where = target();
    const quint64 token = ++m_token;
    m_readFor = currentId();
    if (!where) {
        CompareTablesReply failed;
        failed.token = token;
        failed.error = where.error().toString();
        onTables(failed);
        return;
    }
    m_loading = true;
    render();
    emit checkedChanged();
    runAsync<CompareTablesReply>(
        this, [where = *where, token] { return readCompareTables(where, token); },
        [this](const CompareTablesReply &reply) { onTables(reply); });
}

void CompareTablePicker::onTables(const CompareTablesReply &reply)
{
    if (reply.token != m_token)
        return;
    m_loading = false;
    m_read = true;
    m_entries = reply.tables;
    m_info = reply.info;
    m_error = reply.ok ? QString() : reply.error;
    render();
    emit checkedChanged();
    emit tablesLoaded();
}

void CompareTablePicker::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget *w : std::initializer_list<QWidget *>{m_node, m_wait, m_all, m_reload, m_tables})
        w->setEnabled(m_open && !busy);
}

QList<CompareTable> CompareTablePicker::checkedTables() const
{
    QList<CompareTable> checked;
    for (const CompareTable &t : std::as_const(m_entries)) {
        if (!m_unchecked.contains(t.key))
            checked.append(t);
    }
    return checked;
}

bool CompareTablePicker::canCompare() const
{
    return m_open && !m_loading && !checkedTables().isEmpty();
}

int CompareTablePicker::waitMs() const
{
    return m_wait->value() * 1000;
}

QString CompareTablePicker::emptyText() const
{
    return m_empty->isHidden() ? QString() : m_empty->text();
}

void CompareTablePicker::render()
{
    {
        const QSignalBlocker blocker(m_tables);
        m_tables->clear();
        for (const CompareTable &t : std::as_const(m_entries)) {
            auto *item = new QTreeWidgetItem(m_tables);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            item->setData(TableColumn, kKeyRole, t.key);
            item->setCheckState(TableColumn,
                                m_unchecked.contains(t.key) ? Qt::Unchecked : Qt::Checked);
            item->setText(TableColumn, t.name);
            item->setText(DestinationColumn, t.destination);
            item->setText(ConditionColumn, t.table.condition.simplified());
            item->setToolTip(TableColumn, CompareText::tableTitle(t));
            item->setToolTip(ConditionColumn, t.table.condition);
            // The words of the cascade view's table list.
            if (!t.table.lastError.isEmpty()) {
                item->setText(StateColumn, NodeStateText::stateName(NodeState::Error));
                item->setIcon(StateColumn, QIcon(QStringLiteral(":/icons/state/error.svg")));
                item->setToolTip(StateColumn, t.table.lastError);
            } else {
                item->setText(StateColumn, NodeStateText::mergeStateName(t.table.mergeState));
                if (t.table.mergeState != QLatin1String("ok")) {
                    item->setIcon(StateColumn, QIcon(QStringLiteral(":/icons/state/warning.svg")));
                    item->setToolTip(StateColumn, tr("Not in sync yet: compared once it is ok."));
                }
            }
        }
        for (int c = 0; c < ConditionColumn; ++c)
            m_tables->resizeColumnToContents(c);
    }

    QString text;
    if (!m_open)
        text = tr("Open a config to compare its node's tables with the provider's.");
    else if (m_choices.isEmpty())
        text = tr("This cascade has no leaf to compare: the root has no provider.");
    else if (m_loading)
        text = tr("Reading the node's tables…");
    else if (!m_read)
        text = tr("The node's tables are read when this page is shown.");
    else if (!m_error.isEmpty())
        text = tr("Cannot read the node's tables: %1").arg(m_error);
    else if (m_entries.isEmpty())
        text = tr("This node replicates no table yet (ferry CONFIG.ini add-table).");
    m_empty->setText(text);
    m_empty->setVisible(!text.isEmpty());
    updateAllCheck();
    setBusy(m_busy);
}

void CompareTablePicker::setAllChecked(bool checked)
{
    for (const CompareTable &t : std::as_const(m_entries)) {
        if (checked)
            m_unchecked.remove(t.key);
        else
            m_unchecked.insert(t.key);
    }
    render();
    emit checkedChanged();
}

void CompareTablePicker::updateAllCheck()
{
    qsizetype checked = 0;
    for (const CompareTable &t : std::as_const(m_entries))
        checked += m_unchecked.contains(t.key) ? 0 : 1;
    const QSignalBlocker blocker(m_all);
    m_all->setCheckState(checked == 0                  ? Qt::Unchecked
                         : checked == m_entries.size() ? Qt::Checked
                                                       : Qt::PartiallyChecked);
}

void CompareTablePicker::retranslateUi()
{
    m_nodeLabel->setText(tr("&Node:"));
    m_node->setToolTip(tr("The node whose tables are compared with its provider's: this "
                          "config's node or another leaf of the cascade (its password comes "
                          "from .pgpass)"));
    m_waitLabel->setText(tr("Wai&t for the node up to"));
    m_wait->setSuffix(tr(" s"));
    m_wait->setToolTip(tr("How long compare waits for the node to apply the provider's latest "
                          "tick before it says the node lags (nothing is compared then)"));
    m_all->setText(tr("&All tables"));
    m_reload->setText(tr("Reload"));
    m_reload->setToolTip(tr("Read the node's tables again"));
    m_tables->setHeaderLabels({tr("Table"), tr("State"), tr("Destination"), tr("Row condition")});
    if (!m_choices.isEmpty())
        rebuildChooser();
    else
        render();
}

void CompareTablePicker::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void CompareTablePicker::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_open && !m_loading && (!m_read || m_readFor != currentId()))
        reload();
}

} // namespace ferry::gui
