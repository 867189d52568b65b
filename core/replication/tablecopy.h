#pragma once

#include "replication/tableregistry.h"

namespace ferry {

struct TableCopyResult
{
    qint64 rows = 0;
    QByteArray snapshot;             // the provider's snapshot the copy read
    bool binary = false;             // COPY's binary format (both sides' types allowed it)
    qsizetype indexesBuiltAfter = 0; // secondary indexes set aside and built after the load
};

// The initial copy of one table a leaf subscribed (merge state in-copy):
// reads the table on the provider in a REPEATABLE READ transaction, replaces
// the leaf's rows with it in one transaction, and marks the table
// catching-up with the copy's snapshot. From then on the apply skips the
// events of transactions that snapshot saw (their rows were copied) and
// applies the rest, until a batch starts past the snapshot and the table is
// ok. Both sessions pin DateStyle, IntervalStyle, extra_float_digits,
// bytea_output and lc_monetary, so every value reads back as it was written.
// The table's node_table row stays locked to COMMIT, and what batches held
// for the table before that lock is deleted (see applierheld.cpp): the
// worker's batches go on while the copy runs, on sessions of its own.
Result<TableCopyResult> copyTable(Connection &provider,
                                  Connection &leaf,
                                  const QString &queue,
                                  const NodeTable &table,
                                  double lockTimeoutSeconds);

} // namespace ferry
