#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace ferry {

// One captured change, as read from a batch.
struct Event
{
    // Release: the root stopped capturing the table (remove-table, DROP
    // TABLE); the table's last event, so a node learns it in queue order.
    // Script: a script run on the root (execute), of no table (tableId 0);
    // every node applies it at its place in the stream.
    enum class Op : char {
        Insert = 'I',
        Update = 'U',
        Delete = 'D',
        Truncate = 'T',
        Release = 'R',
        Script = 'E'
    };

    qint64 id = 0;   // queue order: the order of changes to one row
    qint64 txid = 0; // the writing transaction (64-bit, with epoch)
    Op op = Op::Insert;
    int tableId = 0; // ferry.queue_table.table_id
    QByteArray key;  // JSON object of the old primary key (Update, Delete); empty otherwise
    QByteArray data; // JSON object of the new row (Insert, Update); empty otherwise
};

// A range of ticks a consumer processes as one unit.
struct Batch
{
    qint64 id = 0;
    qint64 prevTickId = 0;
    qint64 tickId = 0;
    QDateTime prevTickTime;
    QDateTime tickTime;
    qint64 estimatedEvents = 0;
};

} // namespace ferry
