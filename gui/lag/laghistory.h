#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {
struct CascadeStatus;
}

namespace ferry::gui {

class LocalStore;
struct StatusReply;

// One point of a node's lag over time. No lag: the node did not answer (or its lag
// was unknown), which a chart shows as a gap, never as zero.
struct LagPoint
{
    qint64 atMs = 0; // UTC epoch in ms
    std::optional<double> lagSeconds;

    friend bool operator==(const LagPoint &a, const LagPoint &b)
    {
        return a.atMs == b.atMs && a.lagSeconds == b.lagSeconds;
    }
};

// Per node, oldest first.
using LagSeries = QHash<QString, QList<LagPoint>>;

// The lag of every node of a cascade over time, kept in the LocalStore's
// lag_sample table so that it survives restarts: one sample per node and status
// read, kept for kKeepDays; samples older than a day are thinned to one a minute
// (the largest lag of that minute), which keeps a week of 2 s reads small.
//
// Like its store, a LagHistory belongs to the thread that opened the store.
class LagHistory
{
public:
    static constexpr int kKeepDays = 8;
    static constexpr qint64 kKeepMs = qint64(kKeepDays) * 24 * 3600 * 1000;
    static constexpr qint64 kThinAfterMs = qint64(24) * 3600 * 1000;
    static constexpr qint64 kThinToMs = 60 * 1000;
    // prune() runs along with record() at most this often.
    static constexpr qint64 kPruneEveryMs = 60 * 1000;
    // samples() returns about this many points per node, whatever the range.
    static constexpr qint64 kTargetPoints = 600;

    explicit LagHistory(LocalStore *store);

    // Names a cascade across configs and restarts: "queue@root location" (locations
    // are stored without passwords). Empty when the status lists no node.
    static QString scopeOf(const CascadeStatus &status);

    // Stores one sample per node at reply.readAt, in one transaction. A reply that
    // could not read the cascade stores "no lag" for the nodes of the last status
    // read with the same token (the same opened config). Runs prune() now and then.
    bool record(const StatusReply &reply);

    // Each node's samples in [from, to], oldest first, downsampled to about
    // kTargetPoints: one point per bucket of bucketMs(from, to), at the bucket's
    // first sample, with the bucket's largest lag (no lag when none was known).
    LagSeries samples(const QString &scope, const QDateTime &from, const QDateTime &to) const;
    static qint64 bucketMs(qint64 fromMs, qint64 toMs);

    // Whether the scope has any sample at all (to tell "no history yet" from "none in
    // this range").
    bool hasSamples(const QString &scope) const;

    // Drops samples older than kKeepDays and thins those older than kThinAfterMs,
    // relative to `now`. Returns the number of samples removed, -1 on an error.
    int prune(const QDateTime &now);

private:
    LocalStore *m_store = nullptr;
    QElapsedTimer m_sincePrune; // invalid: prune with the next record
    // The last status read, for replies that could not read one.
    quint64 m_lastToken = 0;
    QString m_lastScope;
    QStringList m_lastNodes;
};

} // namespace ferry::gui
