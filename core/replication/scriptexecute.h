#pragma once

#include "cascade/node.h"
#include "db/connection.h"
#include "replication/scriptrewrite.h"

#include <QDateTime>
#include <QString>

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

} // namespace ferry
