#pragma once

#include "cascade/node.h"

#include <optional>

namespace ferry {

// One sequence of a node as `seqs` shows it.
struct NodeSequence
{
    int sourceSeqId = 0;  // the root's ferry.queue_sequence id
    QString sourceSchema; // its name on the root
    QString sourceName;
    QString destSchema; // the sequence on this node (on the root: the same)
    QString destName;
    // The last value the root handed out, as this node knows it (a leaf: as
    // its worker last read it); none: nothing handed out there yet.
    std::optional<qint64> rootValue;
    bool rootRead = false; // a leaf's worker read the root's value at least once
    // The last value this node's sequence handed out, read now; none:
    // nothing handed out (or set) since it was made.
    std::optional<qint64> nodeValue;
    // The root's value is past this node's (in the direction of its
    // increment): the worker's next round sets it.
    bool behind = false;
    // Why it is not followed: a code of ferry.advance_sequences() (sql/008),
    // empty when it is. problemText() says it.
    QString problem;
};

struct AddSequencesOutcome
{
    QStringList added;   // display names
    QStringList already; // were there before: left as they are
    QStringList skipped; // --all only: "name: reason"
};

// The sequences of a node (DESIGN §4, "Sequences as built"). On the root,
// adding one registers it with the queue; on a leaf it subscribes the leaf's
// sequence of the same name, which its worker then keeps at or past the
// root's value (SequenceSync). Every sequence of one command is checked
// first and all are added in one transaction, or none.
class SequenceRegistry
{
public:
    SequenceRegistry(Connection &node, NodeInfo info);

    // Names as "schema.sequence" or "sequence" (one schema must have it),
    // quoted where needed. `provider` is needed on a leaf.
    Result<AddSequencesOutcome> add(const QStringList &names, bool all, Connection *provider);
    // Root: the sequence is no longer replicated; leaf: no longer followed
    // (its value stays). Returns the display names.
    Result<QStringList> remove(const QStringList &names);
    Result<QList<NodeSequence>> list();

    // What `problem` means and what to do, in one clause. `role`: the role
    // this node's sessions use, as SQL names it (quote_ident), for the GRANT
    // that fixes it.
    static QString problemText(const Connection &db,
                               const NodeSequence &s,
                               const QString &nodeName,
                               const QString &role);

private:
    Result<AddSequencesOutcome> addOnRoot(const QStringList &names, bool all);
    Result<AddSequencesOutcome> addOnLeaf(const QStringList &names, bool all, Connection &provider);

    Connection &m_node;
    NodeInfo m_info;
};

} // namespace ferry
