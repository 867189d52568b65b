#pragma once

#include "cascade/cascadestatus.h"
#include "cascade/nodestate.h"

#include <QAbstractItemModel>

namespace ferry::gui {

class LagThreshold;
class LocalStore;

// The cascade as a tree: the root on top, every node below its provider, one row per
// node with the columns of `ferry status`. A refresh with the same nodes in the same
// places only changes the cells (selection and expansion stay); any other change
// resets the model. A node whose lag is over its threshold (LagThreshold, read from
// the store given to setStore()) shows as a warning that says so.
class CascadeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TypeColumn,
        StateColumn,
        LagColumn,
        TickColumn,
        TablesColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        NodeNameRole = Qt::UserRole + 1, // QString, on every column
        NodeStateRole,                   // int(NodeState)
        IsLocalRole,                     // bool: the node of the open config
        LagThresholdRole,                // double: the node's threshold in seconds
        LagOverThresholdRole,            // bool: its lag is over that threshold
    };

    explicit CascadeModel(QObject *parent = nullptr);

    void setStatus(const CascadeStatus &status);
    void clear();
    const CascadeStatus &status() const { return m_status; }
    // LagHistory::scopeOf(status()): the name the nodes' thresholds are kept under.
    QString scope() const { return m_scope; }

    // Where the lag thresholds are kept; without a store the default of 30 s applies.
    void setStore(LocalStore *store);
    LagThreshold *lagThreshold() const { return m_threshold; }

    QModelIndex indexOfNode(const QString &name, int column = NameColumn) const;
    const NodeStatus *node(const QModelIndex &index) const;

    // Re-reads every text after the UI language changed.
    void retranslate();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant
    headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Item
    {
        int parent = -1; // index into m_status.nodes; -1 for a top-level row
        int row = 0;     // under its parent
        QList<int> children;
    };
    // Parent of each node (by providerNode), -1 on top. Loops and unknown providers
    // put a node on top rather than losing it.
    static QList<int> parentsOf(const QList<NodeStatus> &nodes);
    void build();
    void refreshAll();
    double thresholdOf(const NodeStatus &node) const;
    bool isOver(const NodeStatus &node) const;
    NodeState stateOf(const NodeStatus &node) const;
    QString message(const NodeStatus &node) const;
    QVariant display(const NodeStatus &node, int column) const;
    QVariant toolTip(const NodeStatus &node, int column) const;

    CascadeStatus m_status;
    QString m_scope;
    LagThreshold *m_threshold = nullptr;
    QList<Item> m_items; // parallel to m_status.nodes
    QList<int> m_topLevel;
};

} // namespace ferry::gui
