#pragma once

#include "db/connection.h"

namespace ferry {

struct CopyStats
{
    qint64 rows = 0;  // as reported by the target's COPY command tag
    qint64 bytes = 0; // COPY data moved, in the wire format chosen by the SQL
};

// Streams `COPY ... TO STDOUT` on source into `COPY ... FROM STDIN` on target,
// one COPY row at a time: memory stays flat whatever the table size. Both
// statements must use the same format (text, csv or binary). On any failure
// the target's COPY is aborted, so the target gets all the rows or none
// (within its transaction), and both connections are left usable where the
// servers are still reachable.
Result<CopyStats> copyBetween(Connection &source,
                              const QString &copyOutSql,
                              Connection &target,
                              const QString &copyInSql);

} // namespace ferry
