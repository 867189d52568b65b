#include "cascade/cascademodel.h"

#include "lag/laghistory.h"
#include "lag/lagtext.h"
#include "lag/lagthreshold.h"

#include <QColor>
#include <QFont>
#include <QHash>

namespace ferry::gui {

namespace {

const QString kNone = QStringLiteral("—");

} // namespace

CascadeModel::CascadeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_threshold(new LagThreshold(nullptr, this))
{
    connect(m_threshold, &LagThreshold::changed, this, &CascadeModel::refreshAll);
}

void CascadeModel::setStore(LocalStore *store)
{
    m_threshold->setStore(store);
}

QList<int> CascadeModel::parentsOf(const QList<NodeStatus> &nodes)
{
    QHash<QString, int> byName;
    for (int i = 0; i < nodes.size(); ++i)
        byName.insert(nodes.at(i).name, i);
    QList<int> parents(nodes.size(), -1);
    for (int i = 0; i < nodes.size(); ++i) {
        const NodeStatus &n = nodes.at(i);
        if (n.type != NodeType::Root && !n.providerNode.isEmpty())
            parents[i] = byName.value(n.providerNode, -1);
        if (parents[i] == i)
            parents[i] = -1;
    }
    // A provider loop would leave nodes that no top-level row reaches.
    for (int i = 0; i < nodes.size(); ++i) {
        int p = parents[i];
        for (int steps = 0; p >= 0; ++steps) {
            if (p == i || steps > nodes.size()) {
                parents[i] = -1;
                break;
            }
            p = parents[p];
        }
    }
    return parents;
}

void CascadeModel::setStatus(const CascadeStatus &status)
{
    const QList<int> parents = parentsOf(status.nodes);
    bool sameShape
        = status.nodes.size() == m_status.nodes.size() && status.localNode == m_status.localNode;
    for (int i = 0; sameShape && i < status.nodes.size(); ++i) {
        sameShape = status.nodes.at(i).name == m_status.nodes.at(i).name
                    && parents.at(i) == m_items.at(i).parent;
    }
    if (!sameShape) {
        beginResetModel();
        m_status = status;
        m_scope = LagHistory::scopeOf(m_status);
        build();
        endResetModel();
        return;
    }
    m_status = status;
    m_scope = LagHistory::scopeOf(m_status);
    refreshAll();
}

void CascadeModel::refreshAll()
{
    for (int i = 0; i < m_items.size(); ++i) {
        const QModelIndex first = createIndex(m_items.at(i).row, 0, quintptr(i));
        const QModelIndex last = createIndex(m_items.at(i).row, ColumnCount - 1, quintptr(i));
        emit dataChanged(first, last);
    }
}

double CascadeModel::thresholdOf(const NodeStatus &node) const
{
    return m_threshold->secondsFor(m_scope, node.name);
}

bool CascadeModel::isOver(const NodeStatus &node) const
{
    return m_threshold->values().isOver(m_scope, node);
}

NodeState CascadeModel::stateOf(const NodeStatus &node) const
{
    return nodeStateOf(node, thresholdOf(node));
}

QString CascadeModel::message(const NodeStatus &node) const
{
    QString text = NodeStateText::message(node);
    if (isOver(node)) {
        const QString lag = LagText::overThreshold(*node.lagSeconds, thresholdOf(node));
        text = text.isEmpty() ? lag : text + QStringLiteral("; ") + lag;
    }
    return text;
}

void CascadeModel::clear()
{
    setStatus(CascadeStatus());
}

void CascadeModel::build()
{
    const QList<int> parents = parentsOf(m_status.nodes);
    m_items = QList<Item>(m_status.nodes.size());
    m_topLevel.clear();
    for (int i = 0; i < m_status.nodes.size(); ++i) {
        Item &item = m_items[i];
        item.parent = parents.at(i);
        QList<int> &siblings = item.parent < 0 ? m_topLevel : m_items[item.parent].children;
        item.row = int(siblings.size());
        siblings.append(i);
    }
}

QModelIndex CascadeModel::indexOfNode(const QString &name, int column) const
{
    for (int i = 0; i < m_status.nodes.size(); ++i) {
        if (m_status.nodes.at(i).name == name)
            return createIndex(m_items.at(i).row, column, quintptr(i));
    }
    return {};
}

const NodeStatus *CascadeModel::node(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    return &m_status.nodes.at(int(index.internalId()));
}

void CascadeModel::retranslate()
{
    emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    refreshAll();
}

QModelIndex CascadeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const QList<int> &rows
        = parent.isValid() ? m_items.at(int(parent.internalId())).children : m_topLevel;
    if (row >= rows.size())
        return {};
    return createIndex(row, column, quintptr(rows.at(row)));
}

QModelIndex CascadeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int p = m_items.at(int(child.internalId())).parent;
    if (p < 0)
        return {};
    return createIndex(m_items.at(p).row, 0, quintptr(p));
}

int CascadeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_topLevel.size());
    if (parent.column() != 0)
        return 0;
    return int(m_items.at(int(parent.internalId())).children.size());
}

int CascadeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant CascadeModel::data(const QModelIndex &index, int role) const
{
    const NodeStatus *n = node(index);
    if (!n)
        return {};
    const bool local = n->name == m_status.localNode;
    switch (role) {
    case Qt::DisplayRole:
        return display(*n, index.column());
    case Qt::ToolTipRole:
        return toolTip(*n, index.column());
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return nodeStateIcon(stateOf(*n));
        return {};
    case Qt::FontRole:
        if (local && index.column() == NameColumn) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ForegroundRole:
        // The lag that made the warning, in the warning icon's amber.
        if (index.column() == LagColumn && isOver(*n))
            return QColor(0xb4, 0x53, 0x09);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == LagColumn || index.column() == TickColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (index.column() == TablesColumn)
            return QVariant::fromValue(Qt::AlignHCenter | Qt::AlignVCenter);
        return {};
    case NodeNameRole:
        return n->name;
    case NodeStateRole:
        return int(stateOf(*n));
    case IsLocalRole:
        return local;
    case LagThresholdRole:
        return thresholdOf(*n);
    case LagOverThresholdRole:
        return isOver(*n);
    default:
        return {};
    }
}

QVariant CascadeModel::display(const NodeStatus &n, int column) const
{
    const bool numbers = n.reachable;
    switch (column) {
    case NameColumn:
        return n.name;
    case TypeColumn:
        return NodeStateText::typeName(n.type);
    case StateColumn:
        return NodeStateText::stateName(stateOf(n));
    case LagColumn:
        return numbers && n.lagSeconds ? LagText::seconds(*n.lagSeconds) : kNone;
    case TickColumn:
        return numbers && n.tick ? QString::number(*n.tick) : kNone;
    case TablesColumn:
        if (!numbers)
            return kNone;
        return QStringLiteral("%1 / %2 / %3")
            .arg(n.tablesOk)
            .arg(n.tablesCopying)
            .arg(n.tablesError);
    case MessageColumn:
        return message(n);
    default:
        return {};
    }
}

QVariant CascadeModel::toolTip(const NodeStatus &n, int column) const
{
    switch (column) {
    case NameColumn: {
        auto where = ConnectionString::parse(n.location);
        const QString location = where ? where->displayName() : QString();
        if (n.name == m_status.localNode)
            return tr("%1: the node of the open config, at %2").arg(n.name, location);
        return tr("%1, at %2").arg(n.name, location);
    }
    case TablesColumn:
        if (!n.reachable)
            return {};
        return tr("%1 tables ok, %2 being copied or catching up, %3 with errors")
            .arg(n.tablesOk)
            .arg(n.tablesCopying)
            .arg(n.tablesError);
    case StateColumn:
    case MessageColumn: {
        // Why it is not OK: the errors, the warnings and a lag over its threshold.
        const QString text = message(n);
        return text.isEmpty() ? QVariant() : QVariant(text);
    }
    case LagColumn: {
        const QString what
            = tr("How old the oldest change this node may still lack is, by the root's clock");
        if (isOver(n))
            return LagText::overThreshold(*n.lagSeconds, thresholdOf(n)) + QLatin1Char('\n') + what;
        return tr("%1 (alert above %2)").arg(what, LagText::seconds(thresholdOf(n)));
    }
    default:
        return {};
    }
}

QVariant CascadeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == TablesColumn)
        return tr("Tables that replicate, that are being copied or catching up, and that "
                  "stopped on an error");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Node");
    case TypeColumn:
        return tr("Type");
    case StateColumn:
        return tr("State");
    case LagColumn:
        return tr("Lag");
    case TickColumn:
        return tr("Tick");
    case TablesColumn:
        return tr("Tables ok / copying / error");
    case MessageColumn:
        return tr("Errors and warnings");
    default:
        return {};
    }
}

} // namespace ferry::gui
