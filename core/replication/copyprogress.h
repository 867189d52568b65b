#pragma once

#include "replication/tableregistry.h"

namespace ferry {

// How far the initial copy of one table has got, as the node's server reports it.
struct CopyProgress
{
    QString sourceSchema; // the table as its NodeTable names it
    QString sourceName;
    int backendPid = 0;    // the node's session that runs the COPY
    qint64 rowsCopied = 0; // written so far, not committed yet
    qint64 bytesCopied = 0;
    qint64 rowsTotal = -1; // the provider's estimate of the source's rows; -1: unknown
    qint64 elapsedMs = -1; // since the copy's transaction began on the node; -1: unknown
};

// "1234567 of ~2000000 rows, 180 MB, 410000 rows/s, about 2 s left": the
// rate from the copy's own time so far, the time left from the estimate.
QString copyProgressText(const CopyProgress &p);

// The initial copies running now into the in-copy tables among `tables`, read from
// pg_stat_progress_copy on the node's database (the worker's COPY FROM STDIN into the
// destination table). Empty when none runs, and on PostgreSQL before 14, which reports
// no COPY progress. Totals stay unknown: estimateCopyTotals() asks the provider.
Result<QList<CopyProgress>> readCopyProgress(Connection &node, const QList<NodeTable> &tables);

// Fills rowsTotal from the provider's statistics of each source table: pg_class.reltuples
// scaled to the table's current size, as the planner estimates it. A table never
// vacuumed or analyzed has no estimate: its total stays -1.
Result<void> estimateCopyTotals(Connection &provider, QList<CopyProgress> &copies);

} // namespace ferry
