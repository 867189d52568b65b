#include "tablecompare.h"

#include <QElapsedTimer>
#include <QHash>

#include <future>

namespace ferry {

namespace {

const QChar kKeySeparator(0x1f);

// A key's texts, as one hash key.
QString joined(const QStringList &key)
{
    return key.join(kKeySeparator);
}

QStringList rowKey(const QueryResult &r, int row, int keys)
{
    QStringList key;
    for (int i = 0; i < keys; ++i)
        key.append(r.text(row, i));
    return key;
}

// Key texts aliased k0, k1, ... for a subquery.
QString aliasedKeys(const TableSide &side)
{
    QStringList parts;
    const QStringList texts = side.keyTexts();
    for (int i = 0; i < texts.size(); ++i)
        parts.append(QStringLiteral("%1 AS ferry_k%2").arg(texts.at(i)).arg(i));
    return parts.join(QStringLiteral(", "));
}

QString keyAliases(int keys)
{
    QStringList parts;
    for (int i = 0; i < keys; ++i)
        parts.append(QStringLiteral("ferry_k%1").arg(i));
    return parts.join(QStringLiteral(", "));
}

} // namespace

Result<std::pair<QueryResult, QueryResult>> queryBoth(Connection &provider,
                                                      const QString &providerSql,
                                                      const QVariantList &providerParams,
                                                      Connection &node,
                                                      const QString &nodeSql,
                                                      const QVariantList &nodeParams)
{
    auto onNode = std::async(std::launch::async, [&]() { return node.exec(nodeSql, nodeParams); });
    auto here = provider.exec(providerSql, providerParams);
    auto there = onNode.get();
    if (!here)
        return std::move(here.error().withContext(QStringLiteral("on the provider")));
    if (!there)
        return std::move(there.error().withContext(QStringLiteral("on the node")));
    return std::pair<QueryResult, QueryResult>(std::move(here.value()), std::move(there.value()));
}

TableComparer::TableComparer(
    Connection &lock, Connection &provider, Connection &node, NodeInfo info, CompareOptions options)
    : m_lock(lock)
    , m_provider(provider)
    , m_node(node)
    , m_info(std::move(info))
    , m_options(options)
    , m_cancelProvider(provider.cancelHandle())
    , m_cancelNode(node.cancelHandle())
    , m_cancelLock(lock.cancelHandle())
{}

void TableComparer::cancel()
{
    m_canceled = true;
    for (const CancelHandle *h : {&m_cancelProvider, &m_cancelNode, &m_cancelLock}) {
        if (h->isValid())
            (void)h->cancel();
    }
}

void TableComparer::phase(ComparePhase phase) const
{
    if (m_progress)
        m_progress(phase);
}

void TableComparer::endSnapshots()
{
    (void)m_provider.exec(QStringLiteral("ROLLBACK"));
    (void)m_node.exec(QStringLiteral("ROLLBACK"));
}

Result<TableComparison> TableComparer::compare(const NodeTable &table)
{
    TableComparison out;
    out.table = table;
    if (!table.lastError.isEmpty()) {
        out.skipped = QStringLiteral("its changes stop at an error (%1); compare it once it is "
                                     "ok")
                          .arg(table.lastError);
        return out;
    }
    if (table.mergeState != QLatin1String("ok")) {
        out.skipped = QStringLiteral("it is %1, not in sync yet; compare it once it is ok (ferry "
                                     "CONFIG.ini wait-sync)")
                          .arg(table.mergeState);
        return out;
    }
    auto sides = describeSides(m_provider, m_node, m_info.queue, table);
    if (!sides)
        return sides.error();
    m_sides = std::move(*sides);
    out.columns = m_sides.provider.columnNames;
    out.keyColumns = m_sides.provider.keyNames;

    QElapsedTimer clock;
    clock.start();
    SyncPoint sync(m_lock, m_provider, m_node, m_info);
    sync.setStop(&m_canceled);
    phase(ComparePhase::WaitingForNode);
    if (auto r = sync.catchUp(m_options.sync); !r)
        return r.error();
    if (auto r = sync.lockAndSync(m_sides.provider.table, m_options.sync); !r)
        return r.error();
    auto opened = sync.openSnapshots();
    sync.release();
    if (!opened)
        return opened.error();
    out.tick = sync.tick();
    out.syncMs = clock.restart();

    phase(ComparePhase::Checksumming);
    auto sums = checksums({});
    if (!sums) {
        endSnapshots();
        return canceledOr(sums.error());
    }
    m_providerTotal = sums->first.rows;
    m_nodeTotal = sums->second.rows;
    out.providerRows = sums->first.rows;
    out.providerChecksum = sums->first.sum;
    out.nodeRows = sums->second.rows;
    out.nodeChecksum = sums->second.sum;
    out.checksumMs = clock.restart();
    if (sums->first != sums->second) {
        phase(ComparePhase::NarrowingDown);
        if (auto r = narrow({}, sums->first, sums->second, out); !r) {
            endSnapshots();
            return canceledOr(r.error());
        }
    }
    endSnapshots();
    out.narrowMs = clock.restart();
    if (!out.differences.isEmpty() && !out.tooMany) {
        phase(ComparePhase::Rechecking);
        if (auto r = recheck(out); !r)
            return canceledOr(r.error());
    }
    out.recheckMs = clock.elapsed();
    return out;
}

Error TableComparer::canceledOr(const Error &e) const
{
    return m_canceled ? Error(ErrorKind::Canceled, QStringLiteral("compare canceled")) : e;
}

Result<std::pair<TableComparer::Checksum, TableComparer::Checksum>>
TableComparer::checksums(const TableSide::Range &range)
{
    const auto sql = [](const TableSide &side, const TableSide::Range &r, QVariantList &params) {
        return QStringLiteral("SELECT count(*), COALESCE(sum(ferry_h), 0)::pg_catalog.text FROM "
                              "(SELECT %1 AS ferry_h %2) s")
            .arg(side.rowHash(), side.from(r, params));
    };
    QVariantList pp;
    QVariantList np;
    const QString providerSql = sql(m_sides.provider, range, pp);
    const QString nodeSql = sql(m_sides.node, range, np);
    auto both = queryBoth(m_provider, providerSql, pp, m_node, nodeSql, np);
    if (!both)
        return both.error();
    return std::pair<Checksum, Checksum>(
        Checksum{both->first.toInt64(0, 0), both->first.text(0, 1)},
        Checksum{both->second.toInt64(0, 0), both->second.text(0, 1)});
}

Result<void> TableComparer::narrow(const TableSide::Range &range,
                                   const Checksum &provider,
                                   const Checksum &node,
                                   TableComparison &out)
{
    if (m_canceled)
        return Error(ErrorKind::Canceled, QStringLiteral("compare canceled"));
    if (out.differences.size() >= m_options.maxListed) {
        out.tooMany = true;
        return {};
    }
    if (provider.rows + node.rows <= m_options.leafRows)
        return keyByKey(range, out);
    // Ranges cut from the key distribution of the side with more rows here:
    // every n-th key in key order ("C" order for text on both sides).
    const bool fromProvider = provider.rows >= node.rows;
    const TableSide &side = fromProvider ? m_sides.provider : m_sides.node;
    Connection &db = fromProvider ? m_provider : m_node;
    const qint64 rows = qMax(provider.rows, node.rows);
    const int keys = int(side.keys.size());
    // A one-column key is bucketed by a binary search (width_bucket), so a
    // large range is cut at once into ranges small enough to read key by
    // key (about leafRows / 2 rows each, at most 1024): one more scan of
    // the table instead of one a level. Other keys take a chain of row
    // comparisons per row, whose cost grows with the cuts: fanOut.
    const int fan
        = keys == 1 ? int(qMin<qint64>(
              1024, qMax<qint64>(m_options.fanOut, rows / qMax(1, m_options.leafRows / 2))))
                    : m_options.fanOut;
    // The cut keys are picked in the server from the range's keys in order:
    // every n-th of n_all (ferry_n), where n leaves `fan` ranges.
    const auto pickCuts = [&](const QString &from, const QString &enough,
                              QVariantList &params) -> Result<QList<QStringList>> {
        auto r = db.exec(QStringLiteral("SELECT %1 FROM (SELECT %2, pg_catalog.row_number() OVER "
                                        "(ORDER BY %3) AS ferry_rn, pg_catalog.count(*) OVER () "
                                        "AS ferry_n %4) s WHERE %5 AND pg_catalog.mod(ferry_rn, "
                                        "GREATEST(ferry_n / %6, 1)) = 0 AND ferry_rn < ferry_n "
                                        "ORDER BY ferry_rn")
                             .arg(keyAliases(keys), aliasedKeys(side), side.keyOrder(), from,
                                  enough, QString::number(fan)),
                         params);
        if (!r)
            return r.error();
        QList<QStringList> picked;
        for (int i = 0; i < r->rowCount(); ++i) {
            const QStringList key = rowKey(*r, i, keys);
            if (picked.isEmpty() || picked.last() != key)
                picked.append(key);
        }
        return picked;
    };
    QList<QStringList> cuts;
    // A large range: the cuts from a sample of the table's pages (enough
    // rows for every range to start on a page of its own, where rows lie
    // in key order), instead of a window over every key of the range.
    constexpr qint64 kSampleFrom = 200000;
    const double sampleRows = qMax(30000.0, 64.0 * fan);
    const qint64 total = qMax<qint64>(1, qMax(m_providerTotal, m_nodeTotal));
    if (rows >= kSampleFrom) {
        QVariantList sp;
        const double percent = qBound(0.01, 100.0 * sampleRows / double(total), 100.0);
        auto sampled = pickCuts(side.sampledFrom(percent, range, sp),
                                QStringLiteral("ferry_n >= %1").arg(4 * fan), sp);
        if (!sampled)
            return sampled.error();
        cuts = *sampled;
    }
    if (cuts.isEmpty()) {
        QVariantList bp;
        auto all = pickCuts(side.from(range, bp), QStringLiteral("true"), bp);
        if (!all)
            return all.error();
        cuts = *all;
    }
    if (cuts.isEmpty())
        return keyByKey(range, out);

    // Both sides' checksum per range, in one scan each; range b holds the
    // keys from cut b - 1 up to (not including) cut b.
    const auto bucketSql = [&cuts](const TableSide &s, const TableSide::Range &r,
                                   QVariantList &params) {
        const QString bucket = s.bucketOf(cuts, params);
        return QStringLiteral("SELECT ferry_b, count(*), COALESCE(sum(ferry_h), 0)::pg_catalog."
                              "text FROM (SELECT %1 AS ferry_b, %2 AS ferry_h %3) s GROUP BY "
                              "ferry_b")
            .arg(bucket, s.rowHash(), s.from(r, params));
    };
    QVariantList pp;
    QVariantList np;
    const QString providerSql = bucketSql(m_sides.provider, range, pp);
    const QString nodeSql = bucketSql(m_sides.node, range, np);
    auto both = queryBoth(m_provider, providerSql, pp, m_node, nodeSql, np);
    if (!both)
        return both.error();
    const auto byBucket = [](const QueryResult &r) {
        QHash<qint64, Checksum> sums;
        for (int i = 0; i < r.rowCount(); ++i)
            sums.insert(r.toInt64(i, 0), Checksum{r.toInt64(i, 1), r.text(i, 2)});
        return sums;
    };
    const auto p = byBucket(both->first);
    const auto n = byBucket(both->second);
    const Checksum none{0, QStringLiteral("0")};
    for (qsizetype b = 1; b <= cuts.size() + 1; ++b) {
        const Checksum pc = p.value(b, none);
        const Checksum nc = n.value(b, none);
        if (pc == nc)
            continue;
        TableSide::Range sub;
        sub.lower = b == 1 ? range.lower : std::optional<QStringList>(cuts.at(b - 2));
        sub.upper = b == cuts.size() + 1 ? range.upper : std::optional<QStringList>(cuts.at(b - 1));
        if (auto r = narrow(sub, pc, nc, out); !r)
            return r;
        if (out.tooMany)
            return {};
    }
    return {};
}

Result<void> TableComparer::keyByKey(const TableSide::Range &range, TableComparison &out)
{
    const auto sql = [](const TableSide &s, const TableSide::Range &r, QVariantList &params) {
        return QStringLiteral("SELECT %1, %2 AS ferry_h %3")
            .arg(s.keyTexts().join(QStringLiteral(", ")), s.rowHash(), s.from(r, params));
    };
    QVariantList pp;
    QVariantList np;
    const QString providerSql = sql(m_sides.provider, range, pp);
    const QString nodeSql = sql(m_sides.node, range, np);
    auto both = queryBoth(m_provider, providerSql, pp, m_node, nodeSql, np);
    if (!both)
        return both.error();
    const int keys = int(m_sides.provider.keys.size());
    QHash<QString, QString> nodeRows;
    for (int i = 0; i < both->second.rowCount(); ++i)
        nodeRows.insert(joined(rowKey(both->second, i, keys)), both->second.text(i, keys));
    const auto add = [&](RowDifference::Kind kind, const QStringList &key) {
        if (out.differences.size() >= m_options.maxListed) {
            out.tooMany = true;
            return;
        }
        RowDifference d;
        d.kind = kind;
        d.key = key;
        out.differences.append(d);
        ++(kind == RowDifference::Kind::Missing ? out.missing
           : kind == RowDifference::Kind::Extra ? out.extra
                                                : out.changed);
    };
    for (int i = 0; i < both->first.rowCount(); ++i) {
        const QStringList key = rowKey(both->first, i, keys);
        const auto found = nodeRows.find(joined(key));
        if (found == nodeRows.end()) {
            add(RowDifference::Kind::Missing, key);
            continue;
        }
        if (*found != both->first.text(i, keys))
            add(RowDifference::Kind::Changed, key);
        nodeRows.erase(found);
    }
    for (int i = 0; i < both->second.rowCount(); ++i) {
        const QStringList key = rowKey(both->second, i, keys);
        if (nodeRows.contains(joined(key)))
            add(RowDifference::Kind::Extra, key);
    }
    return {};
}

Result<void> TableComparer::recheck(TableComparison &out)
{
    // A newer synced point: a difference that was a change on its way has
    // arrived by now.
    SyncPoint sync(m_lock, m_provider, m_node, m_info);
    sync.setStop(&m_canceled);
    if (auto r = sync.lockAndSync(m_sides.provider.table, m_options.sync); !r)
        return r.error();
    auto opened = sync.openSnapshots();
    sync.release();
    if (!opened)
        return opened.error();
    const auto hashOf = [](Connection &db, const TableSide &s,
                           const QStringList &key) -> Result<std::optional<QString>> {
        QVariantList params;
        const QString from = s.fromKey(key, params);
        auto r = db.exec(QStringLiteral("SELECT %1 %2").arg(s.rowHash(), from), params);
        if (!r)
            return r.error();
        if (r->rowCount() == 0)
            return std::optional<QString>();
        return std::optional<QString>(r->text(0, 0));
    };
    QList<RowDifference> still;
    out.missing = out.extra = out.changed = 0;
    for (RowDifference d : std::as_const(out.differences)) {
        auto p = hashOf(m_provider, m_sides.provider, d.key);
        if (!p) {
            endSnapshots();
            return p.error();
        }
        auto n = hashOf(m_node, m_sides.node, d.key);
        if (!n) {
            endSnapshots();
            return n.error();
        }
        if (*p == *n) {
            out.inFlight.append(d.key);
            continue;
        }
        d.kind = !p->has_value()   ? RowDifference::Kind::Extra
                 : !n->has_value() ? RowDifference::Kind::Missing
                                   : RowDifference::Kind::Changed;
        ++(d.kind == RowDifference::Kind::Missing ? out.missing
           : d.kind == RowDifference::Kind::Extra ? out.extra
                                                  : out.changed);
        if (m_options.details) {
            if (auto r = readDetails(d); !r) {
                endSnapshots();
                return r.error();
            }
        }
        still.append(d);
    }
    out.differences = still;
    out.allInFlight = still.isEmpty() && !out.inFlight.isEmpty();
    out.tick = sync.tick();
    // The counts and checksums stand as read at the first point; the keys
    // are those that still differ at this one.
    endSnapshots();
    return {};
}

Result<void> TableComparer::readDetails(RowDifference &d)
{
    const auto valuesOf = [&d](Connection &db, const TableSide &s) -> Result<QStringList> {
        QVariantList params;
        const QString from = s.fromKey(d.key, params);
        auto r = db.exec(QStringLiteral("SELECT %1 %2").arg(s.valueTexts(), from), params);
        if (!r)
            return r.error();
        QStringList values;
        if (r->rowCount() == 0)
            return values;
        for (int i = 0; i < r->columnCount(); ++i)
            values.append(r->isNull(0, i) ? QString() : r->text(0, i));
        return values;
    };
    auto p = valuesOf(m_provider, m_sides.provider);
    if (!p)
        return p.error();
    auto n = valuesOf(m_node, m_sides.node);
    if (!n)
        return n.error();
    d.providerValues = *p;
    d.nodeValues = *n;
    d.columns.clear();
    if (!p->isEmpty() && !n->isEmpty()) {
        for (qsizetype i = 0; i < p->size(); ++i) {
            if (p->at(i) != n->at(i) || p->at(i).isNull() != n->at(i).isNull())
                d.columns.append(m_sides.provider.columnNames.at(i));
        }
    }
    return {};
}

} // namespace ferry
