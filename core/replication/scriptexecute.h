#pragma once

#include "cascade/node.h"
#include "db/connection.h"
#include "replication/scriptrewrite.h"
#include "replication/tablemapping.h"

#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

// A script as the DBA gave it (execute FILE): its file name and text.
struct ScriptFile
{
    QString name;   // the file's name, without its folder
    QByteArray raw; // the file's bytes: what the hash covers
    QString sql() const { return QString::fromUtf8(raw); }
    QString sha256() const;
};

// This database's node of `queue`, which must be the root ("Node is not
// root node" otherwise: scripts start on the root only).
Result<NodeInfo> requireRoot(Connection &db, const QString &queue);

// The root's record of `file` (same name and hash) run before, as one line
// ("add_column.sql with the same content ran on the root at ... by ...
// (event N)"); empty when it never ran there.
Result<std::optional<QString>>
earlierRun(Connection &root, const QString &queue, const ScriptFile &file);

struct ExecutedScript
{
    qint64 eventId = 0;
    int statements = 0;
};

// Runs `file` on the root of `queue` in one transaction and, in the same
// transaction, puts it into the queue as an 'E' event for every node
// (ferry.enqueue_script). Refused on a non-root node ("Node is not root
// node"), and for a name and hash the root ran already unless `force`. A
// statement that fails names the file and its line; nothing is enqueued.
Result<ExecutedScript>
executeScript(Connection &root, const QString &queue, const ScriptFile &file, bool force);

// For execute --dry-run: the tables the root of `queue` replicates now, each
// with where `node` keeps it (empty where it does not subscribe it): what
// rewriteScript() maps a script with on that node.
Result<QList<ScriptTable>> scriptTablesOf(Connection &root, Connection &node, const QString &queue);

// The tables an 'E' event's script was written against (its "tables": one
// [schema, name, table id] each, as the root had them), each where this node
// keeps it by the provider's table id (`tables`, the node's applied
// mappings); no destination where the node does not subscribe it. What the
// Applier rewrites the script against, and Edit and Apply too.
QList<ScriptTable> scriptTablesHere(const QJsonArray &entries,
                                    const QHash<int, TableMapping> &tables);

// How a script would run on one node of the cascade (execute --dry-run).
struct NodeScriptPlan
{
    QString node;
    bool reached = false; // false: `error` says why the node could not be read
    QString error;        // unreachable, or a statement it cannot map for sure
    QList<RewrittenStatement> statements;
};

// The whole cascade's plan for a script: the root runs it as written, each
// other node as rewriteScript() maps it with that node's tables.
struct ScriptPlan
{
    QString root;
    QList<ScriptStatement> rootStatements;
    QList<NodeScriptPlan> nodes; // every member but the root, in loadMembers() order
};

// Reads every node of `queue` (connecting to each at its stored location
// with a short timeout); a node that cannot be read or mapped has its error
// in its plan. Fails only where the root or the script cannot be read.
Result<ScriptPlan> planScript(Connection &root, const QString &queue, const ScriptFile &file);

// How far a queued script (its event) got on a node.
enum class ScriptNodeState {
    Waiting,     // not applied yet, no error about it
    Applied,     // ferry.applied_script has the event
    Skipped,     // the operator skipped it there (skip-event)
    Replaced,    // the operator ran other SQL in its place (replace-event)
    Failed,      // the node stopped at it: `message` is its error
    Unreachable, // the node could not be read now: `message` says why
};

struct NodeScriptProgress
{
    QString node;
    ScriptNodeState state = ScriptNodeState::Waiting;
    QString message;
    QDateTime at;          // when it was applied, skipped or replaced there
    int statementsRun = 0; // applied: what ran and what the node skipped
    int statementsSkipped = 0;
};

// Per node but the root (which ran it already), how far event `eventId` of
// `queue` got.
Result<QList<NodeScriptProgress>>
scriptProgress(Connection &root, const QString &queue, qint64 eventId);
// The same for the node in `db`.
Result<NodeScriptProgress> scriptProgressOn(Connection &db, const QString &queue, qint64 eventId);

} // namespace ferry
