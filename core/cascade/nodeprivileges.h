#pragma once

#include "db/connectionstring.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace ferry {

// One thing a node's role may or may not do in its database.
struct PrivilegeCheck
{
    QString what;         // "create schema ferry in database \"db\""
    bool granted = false; //
    bool needed = true;   // false: the node works without it, with what `missing` says
    QString missing;      // what lacking it means, and what to do
    QString grant;        // the statement (identifiers quoted) a superuser or owner runs
};

// What the role of a future root or leaf may do where the node will be: what
// create-root or create-leaf and then add-table will need of it.
struct NodePrivileges
{
    QString role;
    QString database;
    bool superuser = false;
    QList<PrivilegeCheck> checks;

    // Every needed check granted: the node can be made.
    bool sufficient() const;
    // The statements that fix every missing check, needed ones first.
    QStringList grants() const;
};

enum class NodeKind { Root, Leaf };

// Connects to `db` and checks, for a node of `queue`:
// - that the database is no node of `queue` yet;
// - CREATE on the database (Ferry installs schema ferry), or, where the
//   schema is there, the right to change it (its owner's role);
// - superuser: a root without it has no event triggers (ALTER and DROP of a
//   replicated table are caught up by maintenance, every 30 s); a leaf
//   without it (or, from PostgreSQL 15, SET on session_replication_role)
//   applies without replica mode (R6);
// - which user tables it does not own: triggers on them (capture on a root,
//   the write guard on a leaf) need their owner's rights.
// With `databaseWillBeCreated`, `db`'s database does not exist yet: the check
// runs on the server's postgres database and asks for CREATEDB instead.
Result<NodePrivileges> checkNodePrivileges(const ConnectionString &db,
                                           NodeKind kind,
                                           const QString &queue,
                                           bool databaseWillBeCreated = false);

} // namespace ferry
