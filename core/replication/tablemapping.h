#pragma once

#include "db/connection.h"
#include "queue/batchreader.h"
#include "queue/snapshot.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace ferry {

// Where the events of one captured table go on a node: the provider's table
// (by its id, which survives a rename) and the node's target table, which
// may have another name and column order (columns match by name).
struct TableMapping
{
    int sourceTableId = 0;
    QString sourceSchema; // the provider's current name, for messages
    QString sourceName;
    QString targetSchema;
    QString targetName;
    QStringList keyColumns;      // the primary key, same names on both sides
    QStringList jsonTextColumns; // json/jsonb columns sent as text (ferry.queue_table)
    bool captured = true;        // false once the provider released the table
    // The node's row condition (judged on the provider) and the columns it
    // keeps; empty: every row, every column.
    QString condition;
    QStringList conditionColumns; // the provider's columns it reads
    QStringList conditionTypes;   // and their types when it was added
    QStringList columns;
    // While a freshly copied table catches up: events of transactions this
    // snapshot (the copy's) saw are already in the copied rows, so skipped.
    std::optional<Snapshot> skipSeenBy;
    // Still waiting for its copy: its changes are skipped (the copy will hold
    // them), but the provider's release of the table still ends the
    // subscription.
    bool inCopy = false;
    // Its copy runs now, in another session: whether that copy's snapshot
    // will see an event cannot be told yet, so its events are kept in
    // ferry.held_event until the copy committed (DESIGN §4, parallel copies).
    bool holdEvents = false;
};

// Every table a queue ever captured (also released ones, whose last event
// may still be on its way), mapped to the same schema and name, read from
// the provider's ferry.queue_table, by table id.
Result<QHash<int, TableMapping>> loadTableMappings(Connection &provider, const QString &queue);

// How the provider judges `table`'s row images for this node's row
// condition (the table must have one).
BatchReader::RowFilter rowFilterOf(const TableMapping &table);

} // namespace ferry
