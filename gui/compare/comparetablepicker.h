#pragma once

#include "cascade/cascadereader.h"
#include "compare/comparerunner.h"

#include <QSet>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QToolButton;
class QTreeWidget;

namespace ferry::gui {

// The Compare page's left side: which node to compare (the config's own by
// default; the other leaves and branches once the cascade's status names
// them, never the root) and a checkable list of its tables, all checked at
// first, with their state, destination and row condition. The tables are
// read off the UI thread when the page is shown and when the node changes.
class CompareTablePicker : public QWidget
{
    Q_OBJECT

public:
    enum Column { TableColumn, StateColumn, DestinationColumn, ConditionColumn, ColumnCount };

    explicit CompareTablePicker(QWidget *parent = nullptr);

    void open(const JobConfig &config);
    void close();
    // The nodes to offer, from the cascade's latest status.
    void setStatus(const StatusReply &reply);
    // Reads the chosen node's tables again.
    void reload();
    // While a run or a repair goes on, nothing here changes.
    void setBusy(bool busy);

    // How to reach the chosen node.
    Result<CompareTarget> target() const;
    // The chosen node as its tables were read (its name and provider).
    NodeInfo info() const { return m_info; }
    QString nodeText() const;
    QList<CompareTable> checkedTables() const;
    // The node's tables are read and some are checked.
    bool canCompare() const;
    // How long compare waits for the node to apply the provider's tick.
    int waitMs() const;

    QComboBox *nodeChooser() const { return m_node; }
    QSpinBox *waitSeconds() const { return m_wait; }
    QTreeWidget *tableList() const { return m_tables; }
    QString emptyText() const;

signals:
    void tablesLoaded();
    void checkedChanged();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    // A node the chooser offers.
    struct Choice
    {
        QString name; // empty: the config's node before a status named it
        bool local = false;
        QString location; // another node's stored location
        QString id() const { return local ? QString() : name; }
        bool operator==(const Choice &o) const
        {
            return name == o.name && local == o.local && location == o.location;
        }
    };

    void retranslateUi();
    void rebuildChooser();
    void onNodeChanged();
    QString currentId() const;
    void onTables(const CompareTablesReply &reply);
    void render();
    void setAllChecked(bool checked);
    void updateAllCheck();

    JobConfig m_config;
    bool m_open = false;
    bool m_busy = false;
    QString m_localNode; // the config's node, from the status
    QList<Choice> m_choices;
    quint64 m_token = 0; // answers to older reads are dropped
    bool m_loading = false;
    bool m_read = false;
    QString m_readFor; // the Choice::id() whose tables are shown or read
    QString m_error;   // why they could not be read
    QList<CompareTable> m_entries;
    QSet<QString> m_unchecked; // by key, kept across reads
    NodeInfo m_info;

    QLabel *m_nodeLabel = nullptr;
    QComboBox *m_node = nullptr;
    QLabel *m_waitLabel = nullptr;
    QSpinBox *m_wait = nullptr;
    QCheckBox *m_all = nullptr;
    QToolButton *m_reload = nullptr;
    QTreeWidget *m_tables = nullptr;
    QLabel *m_empty = nullptr;
};

} // namespace ferry::gui
