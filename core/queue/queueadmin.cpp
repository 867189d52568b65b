#include "queueadmin.h"

namespace ferry {

Result<int> QueueAdmin::createQueue(const QString &queue)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.create_queue($1)"), {queue});
    if (!r)
        return r.error();
    return int(r->toInt64(0, 0));
}

Result<void> QueueAdmin::dropQueue(const QString &queue)
{
    if (auto r = m_connection.exec(QStringLiteral("SELECT ferry.drop_queue($1)"), {queue}); !r)
        return r.error();
    return {};
}

Result<void>
QueueAdmin::setQueueConfig(const QString &queue, const QString &key, const QString &value)
{
    if (auto r = m_connection.exec(QStringLiteral("SELECT ferry.set_queue_config($1, $2, $3)"),
                                   {queue, key, value});
        !r)
        return r.error();
    return {};
}

Result<QStringList> QueueAdmin::queues()
{
    auto r = m_connection.exec(QStringLiteral("SELECT queue_name FROM ferry.queue ORDER BY 1"));
    if (!r)
        return r.error();
    return r->column(0);
}

Result<qint64> QueueAdmin::registerConsumer(const QString &queue, const QString &consumer)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.register_consumer($1, $2)"),
                               {queue, consumer});
    if (!r)
        return r.error();
    return r->toInt64(0, 0);
}

Result<bool> QueueAdmin::unregisterConsumer(const QString &queue, const QString &consumer)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.unregister_consumer($1, $2)"),
                               {queue, consumer});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

Result<int> QueueAdmin::captureTable(const QString &queue, const QString &table)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.capture_table($1, $2::text::regclass)"),
                               {queue, table});
    if (!r)
        return r.error();
    return int(r->toInt64(0, 0));
}

Result<bool> QueueAdmin::releaseTable(const QString &queue, const QString &table)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.release_table($1, $2::text::regclass)"),
                               {queue, table});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

Result<void> QueueAdmin::denyWrites(const QString &table)
{
    if (auto r
        = m_connection.exec(QStringLiteral("SELECT ferry.deny_table($1::text::regclass)"), {table});
        !r)
        return r.error();
    return {};
}

Result<void> QueueAdmin::allowWrites(const QString &table)
{
    if (auto r = m_connection.exec(QStringLiteral("SELECT ferry.allow_table($1::text::regclass)"),
                                   {table});
        !r)
        return r.error();
    return {};
}

Result<std::optional<qint64>> QueueAdmin::tick(const QString &queue, bool force)
{
    auto r = m_connection.exec(QStringLiteral("SELECT ferry.ticker($1, $2)"), {queue, force});
    if (!r)
        return r.error();
    if (r->isNull(0, 0))
        return std::optional<qint64>();
    return std::optional<qint64>(r->toInt64(0, 0));
}

} // namespace ferry
