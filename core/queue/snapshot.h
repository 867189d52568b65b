#pragma once

#include <QByteArray>
#include <QVector>

#include <optional>

namespace ferry {

// A pg_snapshot as text ("xmin:xmax:xip,xip,..."), read on the client so a
// node can tell which of a provider's transactions a snapshot saw without
// asking the server for every event.
struct Snapshot
{
    qint64 xmin = 0;
    qint64 xmax = 0;
    QVector<qint64> inProgress; // sorted

    static std::optional<Snapshot> parse(const QByteArray &text);

    // Whether the transaction had committed when the snapshot was taken
    // (for a transaction known to have committed by now).
    bool sees(qint64 txid) const;
    // Whether every transaction this snapshot sees is also seen by `later`.
    bool isCoveredBy(const Snapshot &later) const { return later.xmin >= xmax; }
};

} // namespace ferry
