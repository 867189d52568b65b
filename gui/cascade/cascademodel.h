#pragma once

#include "cascade/cascadestatus.h"
#include "cascade/nodestate.h"

#include <QAbstractItemModel>

namespace ferry::gui {

// The cascade as a tree: the root on top, every node below its provider, one row per
// node with the columns of `ferry status`. A refresh with the same nodes in the same
// places only changes the cells (selection and expansion stay); any other change
// resets the model.
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
    };

    explicit CascadeModel(QObject *parent = nullptr);

    void setStatus(const CascadeStatus &status);
    void clear();
    const CascadeStatus &status() const { return m_status; }

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
    QVariant display(const NodeStatus &node, int column) const;
    QVariant toolTip(const NodeStatus &node, int column) const;

    CascadeStatus m_status;
    QList<Item> m_items; // parallel to m_status.nodes
    QList<int> m_topLevel;
};

} // namespace ferry::gui
