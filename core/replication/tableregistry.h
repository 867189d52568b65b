#pragma once

#include "cascade/node.h"
#include "replication/tablemapping.h"

namespace ferry {

// One table of a node as `tables` shows it.
struct NodeTable
{
    int sourceTableId = 0; // the provider's ferry.queue_table id (0 before it is known)
    QString sourceSchema;
    QString sourceName;
    QString destSchema;
    QString destName;
    QString mergeState; // in-copy, catching-up, ok
    QByteArray copySnapshot;
    qint64 copiedRows = -1;
    QString lastError;
    QString condition;            // the row condition; empty: every row
    QStringList conditionColumns; // the provider's columns it reads
    QStringList conditionTypes;   // their (base) types when it was added
    QStringList columns;          // the columns kept; empty: all
    bool skipTruncate = false;
};

struct AddTablesOutcome
{
    QStringList added;   // display names
    QStringList already; // were there before: left as they are
    QStringList skipped; // --all only: "name: reason"
};

// How add-table maps a leaf's table.
struct AddTableOptions
{
    // --dest-table=SCHEMA.TABLE: the one table named goes into this table of
    // the leaf (another schema and name); empty: the provider's schema and name.
    QString destTable;
    // --create: a destination that does not exist is made (its schema too)
    // from the provider's columns, types, NOT NULLs and primary key.
    bool create = false;
    // --create-full: as --create, and the provider's indexes too.
    bool createFull = false;
    // --copy-condition=SQL: only the source's rows that match it, in the copy
    // and in every later change (judged on the provider).
    QString condition;
    // --columns=a,b,c: only these columns (the primary key among them).
    QStringList columns;
    // --expect-sync: the node's table already holds the source's rows: no
    // copy, ok at once.
    bool expectSync = false;
    // --skip-truncate: the copy adds to the rows the table holds.
    bool skipTruncate = false;
    // Set by add(): the names with * or ? ('digoal_01.*'), matched against
    // "schema.table" of the tables --all would take.
    QStringList patterns;
};

// One table of add-table's own choice: its name and how it is mapped.
struct TableChoice
{
    QString name; // "schema.table", quoted where needed
    AddTableOptions options;
};

// A table of the root's database as add-table --all judges it.
struct TableCandidate
{
    QString schema;
    QString name;
    bool hasPrimaryKey = false;
    bool partitioned = false;
    QString partitions;      // a partitioned table's leaf partitions, ", "-separated
    qint64 rowEstimate = -1; // pg_class.reltuples; -1: unknown (never analyzed)
    // Why --all leaves it out ("no primary key", ...); empty: it can be added.
    QString refusal() const;
};

// The root's tables --all looks at (ordinary and partitioned, permanent,
// outside Ferry's and the system's schemas), by schema and name.
Result<QList<TableCandidate>> rootTableCandidates(Connection &root);

// The tables of a node. On the root, adding a table installs its capture
// triggers; on a leaf it subscribes the table, puts the deny trigger on it and
// leaves it in-copy for the worker to copy. Every table of one command is
// checked first and all are added in one transaction, or none.
class TableRegistry
{
public:
    TableRegistry(Connection &node, NodeInfo info);

    // Names as "schema.table" or "table" (resolved by the root's
    // search_path), quoted where needed ('"My Schema"."T"').
    Result<AddTablesOutcome> add(const QStringList &names,
                                 bool all,
                                 Connection *provider,
                                 const AddTableOptions &options = {});
    // Several tables, each with its own options (the desktop manager's Add
    // Tables wizard), checked as add-table checks one command's and added
    // in one transaction, or none. On the root the options must be empty.
    Result<AddTablesOutcome> add(const QList<TableChoice> &choices, Connection *provider);
    Result<QStringList> remove(const QStringList &names);
    // A leaf copies these tables again (`resync`): back to in-copy.
    Result<QStringList> resync(const QStringList &names);
    Result<QList<NodeTable>> list();

    // Brings a leaf's records up to date with its provider's tables
    // (`source`, from loadTableMappings): fills in the provider's table id of
    // rows made before schema 6 (by name, among captured tables), and
    // records the provider's current name of a table renamed there. Changes
    // `tables` to match.
    static Result<void> syncSources(Connection &node,
                                    const QString &queue,
                                    const QHash<int, TableMapping> &source,
                                    QList<NodeTable> &tables);
    // The tables a leaf worker applies, keyed by the provider's table id:
    // catching-up and ok ones, and in-copy ones marked as such (their changes
    // wait for the copy, but the provider's release still reaches them).
    static QHash<int, TableMapping> appliedMappings(const QHash<int, TableMapping> &source,
                                                    const QList<NodeTable> &tables);

private:
    // One add-table command's names and options, checked and its glob
    // patterns moved into options.patterns.
    struct Request
    {
        QStringList names;
        bool all = false;
        AddTableOptions options;
    };
    Result<Request>
    checkRequest(const QStringList &names, bool all, const AddTableOptions &options) const;
    // The node's tables `names` mean; `nothingDone` ends the error.
    Result<QList<NodeTable>>
    choose(const QStringList &names, const QString &command, const QString &nothingDone);
    Result<AddTablesOutcome>
    addOnRoot(const QStringList &names, bool all, const AddTableOptions &options);
    Result<AddTablesOutcome> addOnLeaf(const QList<Request> &requests, Connection &provider);

    Connection &m_node;
    NodeInfo m_info;
};

QString displayTableName(const Connection &c, const QString &schema, const QString &name);

// Forgets the events batches kept for a leaf table while its copy ran
// (remove-table, resync): the table's next copy holds their changes.
Result<void> forgetHeldEvents(Connection &node, const QString &queue, int sourceTableId);

} // namespace ferry
