#pragma once

#include "cascade/cascadereader.h"
#include "cascade/copyratetracker.h"

#include <QWidget>

#include <optional>

class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTreeWidget;

namespace ferry::gui {

class CascadeModel;

// The pane under the cascade tree: the selected node's place in the cascade and lag,
// its lag threshold (its own or the default, editable here), its tables with their
// merge state and copied rows (a progress bar with the time left while a table's copy
// runs), and, for the open config's own node, the tail of its worker's logfile. It
// only shows what CascadeMonitor read.
class NodeDetailWidget : public QWidget
{
    Q_OBJECT

public:
    explicit NodeDetailWidget(QWidget *parent = nullptr);

    // The tree's model: the cascade's scope and lag thresholds come from it. Without
    // one the threshold row is hidden.
    void setCascadeModel(CascadeModel *model);

    // No node selected.
    void clear();
    // A node was selected: its header from the status, tables still being read.
    void showNode(const NodeStatus &status, bool local, const QString &localNode);
    void showDetail(const NodeDetail &detail);

    QString nodeName() const { return m_node ? m_node->name : QString(); }
    // The node's tables (objectName "nodeTables"): several may be selected.
    QTreeWidget *tableList() const { return m_tables; }
    // The selected tables by the name the node's table list gives them
    // (the source's "schema.table"): what remove-table and resync take.
    QStringList selectedTables() const { return m_selectedTables; }
    // Where the node keeps `table` (its destination, else the same name).
    QString destinationOf(const QString &table) const;
    QSplitter *splitter() const { return m_splitter; }

signals:
    // The user chose other tables, or chosen ones are gone.
    void tableSelectionChanged();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void retranslateUi();
    void render();
    void renderTables();
    void renderTableRows();
    QStringList selectedInList() const;
    void renderLog();
    void renderThreshold();
    void setOwnThreshold(double seconds);
    void useDefaultThreshold();

    QStackedWidget *m_pages = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QWidget *m_thresholdRow = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QDoubleSpinBox *m_thresholdSpin = nullptr;
    QLabel *m_thresholdNote = nullptr;
    QPushButton *m_thresholdDefault = nullptr;
    QLabel *m_tablesTitle = nullptr;
    QLabel *m_tablesNote = nullptr;
    QTreeWidget *m_tables = nullptr;
    QLabel *m_logTitle = nullptr;
    QPlainTextEdit *m_log = nullptr;
    // The log pane follows the end of the log until the user scrolls up, also
    // while wrapped lines are laid out after the text was set.
    bool m_followLog = true;
    QSplitter *m_splitter = nullptr;
    QStringList m_selectedTables;
    bool m_rendering = false;

    CascadeModel *m_model = nullptr;
    bool m_sized = false;
    std::optional<NodeStatus> m_node;
    bool m_local = false;
    QString m_localNode;
    std::optional<NodeDetail> m_detail;
    CopyRateTracker m_copyRates; // the shown node's running copies
};

} // namespace ferry::gui
