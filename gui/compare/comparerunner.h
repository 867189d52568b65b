#pragma once

#include "db/connectionstring.h"
#include "verify/tablerepair.h"

#include <QMutex>

#include <atomic>
#include <functional>

// Compare and repair for the Compare page, as `ferry CONFIG.ini compare` and
// `repair` run them: the node's database opened, requireNode, two sessions on
// its provider (the table lock, the reads), TableRegistry::list() for the
// tables, one TableComparer for the run. These functions block: the page runs
// them on worker threads only, each opens and closes its own connections,
// through the process's ConnectGate.
namespace ferry::gui {

// The node to compare with its provider and how to reach it: the config's own
// node with the config's db (with its password), another with its stored
// location (.pgpass gives the password, as for the cascade view's reads).
struct CompareTarget
{
    QString node; // its name; empty while no status named it
    ConnectionString db;
    QString queue;
};

// One of the node's tables, as the page lists it.
struct CompareTable
{
    NodeTable table;
    QString key;         // the source's "schema.name", unquoted: identifies it
    QString name;        // the source, as `ferry tables` writes it
    QString destination; // empty when the same as the source
};

struct CompareTablesReply
{
    quint64 token = 0;
    bool ok = false;
    QString error; // one line, masked
    NodeInfo info;
    QList<CompareTable> tables;
};

// The node's tables (TableRegistry::list()).
CompareTablesReply readCompareTables(const CompareTarget &target, quint64 token);

// Stops a run: cancel() may be called from any thread, before, during or
// after it; the run's queries are canceled on both servers at once.
class CompareControl
{
public:
    void cancel();
    bool canceled() const { return m_canceled.load(); }

    // The run's comparer while it lives (the runner's thread).
    void attach(TableComparer *comparer);
    void detach();

private:
    QMutex m_mutex;
    TableComparer *m_comparer = nullptr;
    std::atomic_bool m_canceled{false};
};

struct CompareRequest
{
    CompareTarget target;
    QStringList keys; // CompareTable::key of the tables to compare, in order
    CompareOptions options;
};

// One table's end: its comparison, or why there is none.
struct CompareTableOutcome
{
    std::optional<TableComparison> comparison;
    QString error;       // failed: one line
    bool notRun = false; // not compared: canceled, or stopped after another's error
};

struct CompareCallbacks
{
    std::function<void(const QString &key)> started;
    std::function<void(const QString &key, ComparePhase phase)> phase;
    std::function<void(const QString &key, const CompareTableOutcome &outcome)> done;
};

struct CompareRunEnd
{
    QString error; // the run could not start (no connection, not a leaf): one line
    bool canceled = false;
    NodeInfo info;
};

// Compares the tables one after the other, calling back on the runner's
// thread as each starts, changes phase and ends. An error of one table (a
// table the provider lacks) leaves the others to be compared; one that stops
// the node's comparisons (a lost connection, a node that does not catch up)
// ends the run, the rest marked not run.
CompareRunEnd runCompare(const CompareRequest &request,
                         CompareControl &control,
                         const CompareCallbacks &callbacks);

struct RepairRequest
{
    CompareTarget target;
    QString key; // CompareTable::key
    bool dryRun = true;
    CompareOptions options;
};

struct RepairReply
{
    bool ok = false;
    QString error; // one line
    RepairOutcome outcome;
};

// TableRepairer::repair() of one table.
RepairReply runRepair(const RepairRequest &request);

} // namespace ferry::gui
