#pragma once

#include "cascade/node.h"
#include "db/connection.h"
#include "replication/tablemapping.h"

#include <QDateTime>

#include <optional>

namespace ferry {

// What skip-event and replace-event did (one row of ferry.event_fix).
struct EventFix
{
    qint64 eventId = 0;
    bool replaced = false; // else skipped
    char op = 0;           // the event's ev_op: 'I', 'U', 'D', 'T', ...
    QString table;         // the node's table ("schema.table"), else the provider's
    QString key;           // "(id)=(7)"; empty for a TRUNCATE
    QString by;            // the role that recorded it
    QDateTime at;
};

// An event of the provider's queue as the operator sees it before skipping or
// replacing it (the GUI's confirmations).
struct QueuedEventContent
{
    qint64 eventId = 0;
    char op = 0;
    QString table; // as for EventFix
    QString key;   // "(id)=(7)"; empty for a TRUNCATE
    QString data;  // the row as the queue holds it (JSON); empty for a DELETE
    // The statements Ferry runs for it on this node, with the event's values
    // as literals (the start of a replacement); empty for an event that is
    // no row change (execute, remove-table).
    QString sql;
};

// The operator's way out of a failed event on a leaf (`ferry CONFIG.ini
// skip-event | replace-event | retry`, the GUI's Errors page): a failed
// event stops its node at its batch, which the worker retries with back-off.
// skip() and replace() record in the node's ferry.event_fix what the next
// attempt of the event's batch does instead of applying the event (the
// Applier drops it, or runs the given SQL at its place, in the batch's
// transaction); the error log marks the node's open error on that event
// resolved, saying how, by whom and when; and the worker is woken. retry()
// only wakes the worker: its back-off wait ends at once.
//
// An event is refused when the provider's queue no longer holds it or this
// node applied it already (its transaction is in the node's last tick).
class EventResolution
{
public:
    EventResolution(Connection &node, NodeInfo info);

    // The event the node is stopped at now: the one its open apply error names.
    Result<qint64> stoppedAt();
    // Skips `eventId`, or without one the event the node is stopped at.
    Result<EventFix> skip(std::optional<qint64> eventId);
    // Applies `sql` in place of `eventId`.
    Result<EventFix> replace(qint64 eventId, const QString &sql);
    // What `eventId` holds and the SQL Ferry would run for it here.
    Result<QueuedEventContent> describe(qint64 eventId);
    // Ends the worker's back-off wait; whether a worker runs for the node.
    Result<bool> retry();
    // Whether a worker runs for the node now (holds its worker lock).
    Result<bool> workerRunning();

    // The channel a leaf's worker listens to on its node while it waits to
    // retry a failed batch.
    static QString retryChannel(const QString &queue);
    // "INSERT", "UPDATE", ... for an ev_op.
    static QString opName(char op);

private:
    struct Found;
    // The event from the provider's queue, with its table as this node names it.
    Result<Found> find(Connection &provider, qint64 eventId);
    Result<EventFix> record(qint64 eventId, const QString &replacement);
    // A script event's SQL as it would run here (rewritten to this node's
    // names; where that is unsure, the script as the root ran it, with why).
    QString scriptHere(const QByteArray &eventData, const QHash<int, TableMapping> &tables) const;

    Connection &m_node;
    NodeInfo m_info;
};

} // namespace ferry
