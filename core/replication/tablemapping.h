#pragma once

#include "db/connection.h"
#include "queue/snapshot.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace ferry {

// Where the events of one captured table go on a node. The target has the
// same column names as the source (renames of whole tables are allowed).
struct TableMapping
{
    int sourceTableId = 0;
    QString targetSchema;
    QString targetName;
    QStringList keyColumns;      // the primary key, same names on both sides
    QStringList jsonTextColumns; // json/jsonb columns sent as text (ferry.queue_table)
    // While a freshly copied table catches up: events of transactions this
    // snapshot (the copy's) saw are already in the copied rows, so skipped.
    std::optional<Snapshot> skipSeenBy;
};

// The tables a queue captures, mapped to the same schema and name on the
// node (renamed targets come with the table registry of issue 4), read from
// the provider's ferry.queue_table.
Result<QHash<int, TableMapping>> loadTableMappings(Connection &provider, const QString &queue);

} // namespace ferry
