#include "lag/laghistory.h"

#include "cascade/cascadereader.h"
#include "cascade/cascadestatus.h"
#include "common/localstore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry::gui {

namespace {

// How far prune() has thinned, so each run only looks at the samples that aged
// past kThinAfterMs since the last one.
QString thinnedKey()
{
    return QStringLiteral("lag/thinnedUntilMs");
}

QVariant lagValue(const std::optional<double> &lag)
{
    return lag ? QVariant(*lag) : QVariant(QMetaType::fromType<double>());
}

} // namespace

LagHistory::LagHistory(LocalStore *store)
    : m_store(store)
{}

QString LagHistory::scopeOf(const CascadeStatus &status)
{
    if (status.nodes.isEmpty())
        return QString();
    const NodeStatus *root = &status.nodes.first(); // the root comes first
    for (const NodeStatus &n : status.nodes) {
        if (n.type == NodeType::Root) {
            root = &n;
            break;
        }
    }
    return status.queue + QLatin1Char('@') + root->location;
}

bool LagHistory::record(const StatusReply &reply)
{
    if (!m_store || !m_store->isOpen() || !reply.readAt.isValid())
        return false;
    QString scope;
    QList<std::pair<QString, std::optional<double>>> rows;
    if (reply.ok) {
        scope = scopeOf(reply.status);
        m_lastToken = reply.token;
        m_lastScope = scope;
        m_lastNodes.clear();
        for (const NodeStatus &n : reply.status.nodes) {
            m_lastNodes << n.name;
            rows.append({n.name, n.reachable ? n.lagSeconds : std::nullopt});
        }
    } else if (reply.token == m_lastToken) {
        // Nothing could be read: the nodes seen last have no lag now.
        scope = m_lastScope;
        for (const QString &node : std::as_const(m_lastNodes))
            rows.append({node, std::nullopt});
    }
    if (scope.isEmpty() || rows.isEmpty())
        return false;

    QSqlDatabase db = m_store->database();
    if (!db.transaction())
        return false;
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT OR REPLACE INTO lag_sample (scope, node, at_ms, lag_s) "
                                  "VALUES (?, ?, ?, ?)"));
    const qint64 atMs = reply.readAt.toMSecsSinceEpoch();
    for (const auto &[node, lag] : std::as_const(rows)) {
        insert.addBindValue(scope);
        insert.addBindValue(node);
        insert.addBindValue(atMs);
        insert.addBindValue(lagValue(lag));
        if (!insert.exec()) {
            qWarning("lag history: %s", qPrintable(insert.lastError().text()));
            db.rollback();
            return false;
        }
    }
    if (!db.commit())
        return false;

    if (!m_sincePrune.isValid() || m_sincePrune.hasExpired(kPruneEveryMs)) {
        m_sincePrune.start();
        prune(QDateTime::currentDateTimeUtc());
    }
    return true;
}

qint64 LagHistory::bucketMs(qint64 fromMs, qint64 toMs)
{
    return qMax<qint64>(1, (toMs - fromMs) / kTargetPoints);
}

LagSeries
LagHistory::samples(const QString &scope, const QDateTime &from, const QDateTime &to) const
{
    LagSeries series;
    if (!m_store || !m_store->isOpen())
        return series;
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 toMs = to.toMSecsSinceEpoch();
    // The nodes come from a loose index scan (one primary-key seek per node), so that
    // each node's range is a primary-key range too: a short range over a week of
    // history reads only its own samples. MAX() skips NULL, so a bucket has no lag
    // only when none of its samples had one.
    QSqlQuery query(m_store->database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "WITH RECURSIVE nodes (node) AS ("
        " SELECT MIN(node) FROM lag_sample WHERE scope = ?"
        " UNION ALL"
        " SELECT (SELECT MIN(node) FROM lag_sample WHERE scope = ? AND node > nodes.node)"
        " FROM nodes WHERE nodes.node IS NOT NULL) "
        "SELECT s.node, MIN(s.at_ms), MAX(s.lag_s) FROM nodes JOIN lag_sample AS s"
        " ON s.scope = ? AND s.node = nodes.node AND s.at_ms >= ? AND s.at_ms <= ? "
        "GROUP BY s.node, (s.at_ms - ?) / ? "
        "ORDER BY s.node, MIN(s.at_ms)"));
    query.addBindValue(scope);
    query.addBindValue(scope);
    query.addBindValue(scope);
    query.addBindValue(fromMs);
    query.addBindValue(toMs);
    query.addBindValue(fromMs);
    query.addBindValue(bucketMs(fromMs, toMs));
    if (!query.exec()) {
        qWarning("lag history: %s", qPrintable(query.lastError().text()));
        return series;
    }
    while (query.next()) {
        LagPoint point;
        point.atMs = query.value(1).toLongLong();
        if (!query.isNull(2))
            point.lagSeconds = query.value(2).toDouble();
        series[query.value(0).toString()].append(point);
    }
    return series;
}

bool LagHistory::hasSamples(const QString &scope) const
{
    if (!m_store || !m_store->isOpen())
        return false;
    QSqlQuery query(m_store->database());
    query.prepare(QStringLiteral("SELECT 1 FROM lag_sample WHERE scope = ? LIMIT 1"));
    query.addBindValue(scope);
    return query.exec() && query.next();
}

int LagHistory::prune(const QDateTime &now)
{
    if (!m_store || !m_store->isOpen())
        return -1;
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 keepFrom = nowMs - kKeepMs;
    // Minute-aligned, so that a minute is never split between two runs.
    const qint64 thinTo = (nowMs - kThinAfterMs) / kThinToMs * kThinToMs;
    qint64 thinFrom = m_store->setting(thinnedKey(), keepFrom).toLongLong();
    thinFrom = qMax(thinFrom, keepFrom) / kThinToMs * kThinToMs;

    QSqlDatabase db = m_store->database();
    if (!db.transaction())
        return -1;
    int removed = 0;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("DELETE FROM lag_sample WHERE at_ms < ?"));
    query.addBindValue(keepFrom);
    bool ok = query.exec();
    removed += ok ? query.numRowsAffected() : 0;
    if (ok && thinFrom < thinTo) {
        // Keeps, per scope, node and minute, the sample with the largest lag (the
        // earliest of equals; a minute without any lag keeps one "no lag").
        query.prepare(
            QStringLiteral("DELETE FROM lag_sample WHERE at_ms >= ? AND at_ms < ? AND EXISTS ("
                           " SELECT 1 FROM lag_sample AS k"
                           " WHERE k.scope = lag_sample.scope AND k.node = lag_sample.node"
                           " AND k.at_ms >= lag_sample.at_ms - lag_sample.at_ms % ?"
                           " AND k.at_ms < lag_sample.at_ms - lag_sample.at_ms % ? + ?"
                           " AND (IFNULL(k.lag_s, -1) > IFNULL(lag_sample.lag_s, -1)"
                           "  OR (IFNULL(k.lag_s, -1) = IFNULL(lag_sample.lag_s, -1)"
                           "   AND k.at_ms < lag_sample.at_ms)))"));
        query.addBindValue(thinFrom);
        query.addBindValue(thinTo);
        query.addBindValue(kThinToMs);
        query.addBindValue(kThinToMs);
        query.addBindValue(kThinToMs);
        ok = query.exec();
        removed += ok ? query.numRowsAffected() : 0;
    }
    if (!ok) {
        qWarning("lag history: %s", qPrintable(query.lastError().text()));
        db.rollback();
        return -1;
    }
    if (!db.commit())
        return -1;
    if (thinFrom < thinTo)
        m_store->setSetting(thinnedKey(), thinTo);
    return removed;
}

} // namespace ferry::gui
