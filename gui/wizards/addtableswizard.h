#pragma once

#include "config/jobconfig.h"
#include "replication/tablechoices.h"

#include <QWizard>

class QLabel;

namespace ferry::gui {

class AddTablesMappingPage;
class AddTablesSummaryPage;
class AddTablesTablesPage;

// Sets a word-wrapped label's text and makes room for all its lines: a
// QWizard page's layout does not ask a label for its height at a width.
void setWrappedText(QLabel *label, const QString &text);

// One chosen table as the Mapping page edits it.
struct AddTablesMapping
{
    CatalogTable table;
    QString destSchema; // default: the provider's
    QString destName;
    QString condition;        // as typed; empty: every row
    QString checkedCondition; // the text Validate last judged (trimmed)
    bool conditionOk = false; // ... and whether the provider took it
    QString conditionResult;  // the rows it matches, or the error
    QStringList columns;      // kept, in the table's order
    bool create = true;       // make the destination when it is missing
    bool createFull = false;  // ... with the provider's indexes
    // Validate was pressed for the text as it stands and the provider took it.
    bool conditionValid() const
    {
        return condition.trimmed().isEmpty()
               || (conditionOk && checkedCondition == condition.trimmed());
    }
};

// Adds tables to one node (a leaf, or the root) from its provider's live
// catalog: Tables (pick them), Mapping (a leaf's destinations, row
// conditions, columns; the root skips it), Summary (the equivalent `ferry
// add-table` commands; Finish adds them all in one transaction, as
// TableRegistry::add does for one command). Every database call runs off the
// UI thread; nothing is written before Finish, so Cancel on any page adds
// nothing.
class AddTablesWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId { TablesPage, MappingPage, SummaryPage };

    // `node` reaches the node. `otherNode` names the node when `node` is
    // another node's config pointed at its database (the main window's open
    // config): its path and job are not this node's, so the commands name
    // OTHERNODE.ini and say so. Empty: `node` is the node's own config.
    explicit AddTablesWizard(const JobConfig &node,
                             QWidget *parent = nullptr,
                             const QString &otherNode = QString());

    // Shows a wizard for `node` with open(), never exec(): the window behind
    // it keeps refreshing. It deletes itself when closed.
    static AddTablesWizard *
    open(QWidget *parent, const JobConfig &node, const QString &otherNode = QString());

    const JobConfig &config() const { return m_config; }
    // The node's config as the commands name it: config()'s path, or
    // NODE.ini for another node.
    QString commandConfig() const;
    // Set when config() is not the node's own: what commandConfig() stands for.
    QString commandConfigNote() const;
    const NodeInfo &node() const { return m_node; }
    bool isRoot() const { return m_node.type == NodeType::Root; }
    bool isCatalogLoaded() const { return m_loaded; }
    QString catalogError() const { return m_catalogError; }
    const QList<CatalogTable> &catalog() const { return m_catalog; }
    // A database call is under way: pages wait for it.
    bool isBusy() const { return m_busy; }

    // The tables the Tables page checked, each with its mapping.
    QList<AddTablesMapping> &mappings() { return m_mappings; }
    void setChosen(const QList<CatalogTable> &tables);
    QList<TableChoice> choices() const;
    QStringList commands() const;
    QString addError() const { return m_addError; }

    void loadCatalog();
    // Checks mappings()[index]'s condition on the provider and counts its rows.
    void validateCondition(int index);
    // How long Validate waits for a lock another session holds on the table.
    void setLockTimeout(int ms) { m_lockTimeoutMs = ms; }

    int nextId() const override;
    void accept() override; // Finish: adds the tables, then closes
    void reject() override; // not while the tables are being added

    AddTablesTablesPage *tablesPage() const { return m_tablesPage; }
    AddTablesMappingPage *mappingPage() const { return m_mappingPage; }
    AddTablesSummaryPage *summaryPage() const { return m_summaryPage; }

signals:
    void catalogLoaded();
    void conditionChecked(int index);
    void busyChanged(bool busy);
    // After Finish: the destinations ("schema.table") now added; their
    // copies start with the node's worker.
    void tablesAdded(const QStringList &tables);
    void addFailed(const QString &error);

private:
    void setBusy(bool busy);

    JobConfig m_config;
    QString m_otherNode;
    NodeInfo m_node;
    bool m_loaded = false;
    QString m_catalogError;
    QList<CatalogTable> m_catalog;
    QList<AddTablesMapping> m_mappings;
    bool m_busy = false;
    int m_lockTimeoutMs = 5000;
    bool m_adding = false;
    bool m_added = false;
    QString m_addError;
    AddTablesTablesPage *m_tablesPage = nullptr;
    AddTablesMappingPage *m_mappingPage = nullptr;
    AddTablesSummaryPage *m_summaryPage = nullptr;
};

} // namespace ferry::gui
