#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace ferry {

// One statement of a script, as written, and the line it starts on.
struct ScriptStatement
{
    QString text;
    int line = 1;
};

// The statements of a script, split at top-level `;` by the SQL tokenizer
// (a `;` in a string, a quoted name, a dollar quote or a comment does not
// end one, nor one inside parentheses or a BEGIN ATOMIC ... END body);
// statements that are only space or comments are left out. A statement the
// script's one transaction cannot hold (transaction control, session-level
// SET, SET ROLE, RESET, DISCARD, VACUUM, ... CONCURRENTLY, ...) is an error
// naming its line and why (execute, DESIGN §4 "Scripts through the queue").
Result<QList<ScriptStatement>> splitScript(const QString &script);

// A table the provider replicates, and where this node keeps it (the
// destination is empty where the node does not subscribe it).
struct ScriptTable
{
    QString sourceSchema;
    QString sourceName;
    QString destSchema;
    QString destName;
    bool subscribed() const { return !destName.isEmpty(); }
};

// One statement as it runs on a node.
struct RewrittenStatement
{
    int line = 1;
    QString original;
    QString sql;            // what runs; empty when skipped
    QString skippedBecause; // why it does not run on this node
    QList<int> tables;      // the replicated tables it names: indexes into `replicated`
    bool skipped() const { return !skippedBecause.isEmpty(); }
};

// A script rewritten for one node (execute, DESIGN §4 "Scripts through the
// queue"): a qualified name of a table the node subscribes becomes the
// node's destination; a statement naming only replicated tables the node
// does not subscribe is skipped; a statement that names no replicated table
// runs as written. Whatever cannot be mapped with certainty (subscribed and
// unsubscribed tables together, a three-part name, a replicated table's
// name unqualified, a replicated schema after SCHEMA, a string naming a
// replicated schema.table the node keeps elsewhere, a column qualified by a
// renamed table's bare name, a subscribed table renamed or moved, what
// splitScript() refuses) is an error naming the statement's line and what
// to do on the node: never a guess.
Result<QList<RewrittenStatement>> rewriteScript(const QString &script,
                                                const QList<ScriptTable> &replicated);

// A name as SQL writes it: bare where the server reads it back unchanged
// (lower case, not a reserved word), quoted otherwise.
QString quoteNameIfNeeded(const QString &name);

} // namespace ferry
