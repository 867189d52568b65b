#include "cascadestatus.h"

#include <QLocale>
#include <QtConcurrent>

namespace ferry {

namespace {

// A worker beats every 5 s; after this long without one it is not running.
constexpr double kWorkerSilentSeconds = 30.0;
// A consumer whose position is this old holds the root's queue back.
constexpr int kConsumerStuckSeconds = 15 * 60;

struct QueueClock
{
    qint64 latestTick = 0;
    double latestTickAge = 0; // seconds, by the root's clock
    bool eventsWaiting = false;
    double tickPeriod = 1;
    double idlePeriod = 60;
};

Result<QueueClock> readQueueClock(Connection &root, const QString &queue)
{
    auto r = root.exec(
        QStringLiteral("SELECT t.tick_id, extract(epoch FROM now() - t.tick_time), "
                       "ferry._event_count(q.queue_id) > t.tick_event_seq, "
                       "extract(epoch FROM q.tick_period), extract(epoch FROM q.idle_period) "
                       "FROM ferry.queue q JOIN ferry.tick t USING (queue_id) "
                       "WHERE q.queue_name = $1 ORDER BY t.tick_id DESC LIMIT 1"),
        {queue});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return Error(ErrorKind::Config, QStringLiteral("queue '%1' has no ticks").arg(queue));
    QueueClock c;
    c.latestTick = r->toInt64(0, 0);
    c.latestTickAge = r->text(0, 1).toDouble();
    c.eventsWaiting = r->toBool(0, 2);
    c.tickPeriod = r->text(0, 3).toDouble();
    c.idlePeriod = r->text(0, 4).toDouble();
    return c;
}

// The age of the oldest change a node at `tick` may lack, by the root's clock.
Result<std::optional<double>>
lagAt(Connection &root, const QString &queue, const QueueClock &clock, qint64 tick)
{
    if (tick >= clock.latestTick)
        return std::optional<double>(clock.eventsWaiting ? clock.latestTickAge : 0.0);
    auto r = root.exec(QStringLiteral("SELECT extract(epoch FROM now() - t.tick_time) FROM "
                                      "ferry.tick t JOIN ferry.queue q USING (queue_id) "
                                      "WHERE q.queue_name = $1 AND t.tick_id = $2"),
                       {queue, tick});
    if (!r)
        return r.error();
    if (r->rowCount() == 0)
        return std::optional<double>();
    return std::optional<double>(r->text(0, 0).toDouble());
}

void addWorkerWarnings(NodeStatus &s, Connection &db, const QString &queue)
{
    auto r = db.exec(QStringLiteral("SELECT paused, extract(epoch FROM now() - worker_seen_at), "
                                    "worker_pid IS NOT NULL, last_error FROM ferry.node_info "
                                    "WHERE queue_name = $1"),
                     {queue});
    if (!r || r->rowCount() == 0)
        return;
    if (r->toBool(0, 0))
        s.warnings.append(QStringLiteral("paused"));
    if (r->isNull(0, 1))
        s.warnings.append(QStringLiteral("worker has never run"));
    else if (!r->toBool(0, 2) || r->text(0, 1).toDouble() > kWorkerSilentSeconds)
        s.warnings.append(QStringLiteral("worker not running (last seen %1 ago)")
                              .arg(formatLag(r->text(0, 1).toDouble())));
    s.error = r->text(0, 3);
}

// A consumer that stopped moving keeps every event since its position in
// the root's queue: the event tables cannot be truncated and grow. Said on
// the root's line, with how much it keeps, and what to do if it is gone.
void addConsumerWarnings(NodeStatus &s, Connection &root, const QString &queue)
{
    auto r = root.exec(
        QStringLiteral(
            "SELECT c.consumer_name, extract(epoch FROM now() - t.tick_time), "
            "(SELECT l.node_name FROM ferry.node_location l WHERE l.queue_name = q.queue_name "
            "AND l.worker_name = c.consumer_name), ferry._event_count(q.queue_id) - "
            "t.tick_event_seq, (SELECT sum(pg_total_relation_size(format('ferry.event_%s_%s', "
            "e.queue_id, e.table_no)::regclass)) FROM ferry.event_table e WHERE e.queue_id = "
            "q.queue_id) FROM ferry.consumer c JOIN ferry.queue q USING (queue_id) JOIN "
            "ferry.tick t ON t.queue_id = c.queue_id AND t.tick_id = c.last_tick WHERE "
            "q.queue_name = $1 AND c.last_tick < (SELECT max(tick_id) FROM ferry.tick x WHERE "
            "x.queue_id = q.queue_id) AND now() - t.tick_time > $2::interval "
            "ORDER BY t.tick_time"),
        {queue, QStringLiteral("%1 seconds").arg(kConsumerStuckSeconds)});
    if (!r)
        return;
    for (int i = 0; i < r->rowCount(); ++i) {
        const QString consumer = r->text(i, 0);
        const QString node = r->text(i, 2);
        const QString size = QLocale::c().formattedDataSize(r->toInt64(i, 4), 1,
                                                            QLocale::DataSizeTraditionalFormat);
        const QString advice
            = node.isEmpty()
                  ? QStringLiteral("if nothing reads it, SELECT ferry.unregister_consumer(%1, %2) "
                                   "on the root")
                        .arg(root.quoteLiteral(queue), root.quoteLiteral(consumer))
                  : QStringLiteral("start its worker, or drop-node %1 if that node is gone")
                        .arg(node);
        s.warnings.append(
            QStringLiteral("consumer %1 (%2) has not moved for %3: the queue keeps %4 events "
                           "(%5) for it; %6")
                .arg(consumer,
                     node.isEmpty() ? QStringLiteral("no node") : QStringLiteral("node ") + node,
                     formatLag(r->text(i, 1).toDouble()), QString::number(r->toInt64(i, 3)), size,
                     advice));
    }
}

} // namespace

QString formatLag(double seconds)
{
    if (seconds < 10)
        return QString::number(qMax(0.0, seconds), 'f', 1) + QLatin1Char('s');
    qint64 s = qint64(seconds);
    QString out;
    if (s >= 3600) {
        out += QString::number(s / 3600) + QLatin1Char('h');
        s %= 3600;
    }
    if (!out.isEmpty() || s >= 60) {
        out += QString::number(s / 60) + QLatin1Char('m');
        s %= 60;
    }
    return out + QString::number(s) + QLatin1Char('s');
}

Result<CascadeStatus> readCascadeStatus(const ConnectionString &dbString, const QString &queue)
{
    auto db = Connection::open(dbString);
    if (!db)
        return db.error();
    auto self = requireNode(*db, queue);
    if (!self)
        return self.error();

    CascadeStatus status;
    status.queue = queue;
    status.localNode = self->name;

    std::optional<Connection> rootOwned;
    Connection *root = &*db;
    if (self->type != NodeType::Root) {
        auto where = ConnectionString::parse(self->providerLocation);
        if (!where)
            return where.error();
        auto opened = Connection::open(*where);
        if (!opened)
            return std::move(opened.error().withContext(
                QStringLiteral("node '%1' cannot reach its provider '%2'")
                    .arg(self->name, self->providerNode)));
        rootOwned.emplace(std::move(opened.value()));
        root = &*rootOwned;
    }
    auto members = loadMembers(*root, queue);
    if (!members)
        return members.error();
    auto clock = readQueueClock(*root, queue);
    if (!clock)
        return clock.error();

    for (const NodeMember &m : *members) {
        NodeStatus s;
        s.name = m.name;
        s.type = m.type;
        s.providerNode = m.providerNode;
        s.location = m.location;
        if (m.type == NodeType::Root) {
            auto n = root->exec(QStringLiteral("SELECT count(*) FROM ferry.queue_table t JOIN "
                                               "ferry.queue q USING (queue_id) WHERE "
                                               "q.queue_name = $1 AND t.captured"),
                                {queue});
            if (n)
                s.tablesOk = int(n->toInt64(0, 0));
            s.tick = clock->latestTick;
            s.lagSeconds = clock->eventsWaiting ? clock->latestTickAge : 0.0;
            if (clock->eventsWaiting && clock->latestTickAge > qMax(10.0, 10 * clock->tickPeriod))
                s.warnings.append(QStringLiteral("ticker stalled: last tick %1 ago, events "
                                                 "waiting")
                                      .arg(formatLag(clock->latestTickAge)));
            else if (clock->latestTickAge > clock->idlePeriod + 30)
                s.warnings.append(QStringLiteral("ticker not running: last tick %1 ago")
                                      .arg(formatLag(clock->latestTickAge)));
            addWorkerWarnings(s, *root, queue);
            addConsumerWarnings(s, *root, queue);
            status.nodes.append(s);
            continue;
        }
        // Other members are asked in their own databases.
        Connection *nodeDb = nullptr;
        std::optional<Connection> owned;
        if (m.name == self->name) {
            nodeDb = &*db;
        } else {
            auto where = ConnectionString::parse(m.location);
            if (!where) {
                s.reachable = false;
                s.error = where.error().toString();
                status.nodes.append(s);
                continue;
            }
            auto opened = Connection::open(withShortConnectTimeout(*where));
            if (!opened) {
                s.reachable = false;
                s.authFailed = opened.error().kind() == ErrorKind::Auth;
                s.error = QStringLiteral("unreachable: ") + opened.error().toString();
                status.nodes.append(s);
                continue;
            }
            owned.emplace(std::move(opened.value()));
            nodeDb = &*owned;
        }
        auto tables = nodeDb->exec(QStringLiteral("SELECT merge_state, last_error IS NOT NULL FROM "
                                                  "ferry.node_table WHERE queue_name = $1"),
                                   {queue});
        if (tables) {
            for (int i = 0; i < tables->rowCount(); ++i) {
                if (tables->toBool(i, 1))
                    ++s.tablesError;
                else if (tables->text(i, 0) == QLatin1String("ok"))
                    ++s.tablesOk;
                else
                    ++s.tablesCopying;
            }
        }
        auto done = nodeDb->exec(QStringLiteral("SELECT tick_id FROM ferry.completed_tick WHERE "
                                                "queue_name = $1 AND consumer_name = $2"),
                                 {queue, m.workerName});
        std::optional<qint64> tick;
        if (done && done->rowCount() == 1)
            tick = done->toInt64(0, 0);
        if (!tick) {
            // Nothing applied yet: the node is where its consumer started.
            auto c = root->exec(QStringLiteral("SELECT c.last_tick FROM ferry.consumer c JOIN "
                                               "ferry.queue q USING (queue_id) WHERE "
                                               "q.queue_name = $1 AND c.consumer_name = $2"),
                                {queue, m.workerName});
            if (c && c->rowCount() == 1)
                tick = c->toInt64(0, 0);
        }
        s.tick = tick;
        if (tick) {
            auto lag = lagAt(*root, queue, *clock, *tick);
            if (lag)
                s.lagSeconds = lag.value();
        }
        addWorkerWarnings(s, *nodeDb, queue);
        status.nodes.append(s);
    }
    return status;
}

} // namespace ferry
