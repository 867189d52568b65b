#pragma once

#include "db/connection.h"

#include <QHash>

namespace ferry {

// A leaf worker's part for sequences: brings the node's subscribed
// sequences up to the root's values, never down (ferry.advance_sequences),
// at most every intervalMs: one query to the provider for all values, one
// call on the node. It never fails the worker's round: the tables go on
// replicating whatever a sequence does. A sequence that cannot follow (gone
// on either side, no rights, out of range) is logged once with what to do,
// and again only when that changes; `seqs` shows it.
class SequenceSync
{
public:
    explicit SequenceSync(QString queue, int intervalMs = 1000);

    void runIfDue(Connection &node, Connection &provider, const QString &nodeName);

private:
    Result<void> run(Connection &node, Connection &provider, const QString &nodeName);

    QString m_queue;
    int m_intervalMs;
    qint64 m_nextAtMs = 0;
    QHash<int, QString> m_said; // the root's seq id -> the problem logged for it
    QString m_failure;          // the failure logged last, said once
};

} // namespace ferry
