#include "addtablestasks.h"

#include "cascade/node.h"

#include <QCoreApplication>

#include <optional>

namespace ferry::gui {

namespace {

// The node's session and, on a leaf, its provider's.
struct Opened
{
    std::optional<Connection> node;
    std::optional<Connection> provider;
    NodeInfo info;
    Connection &source() { return provider ? *provider : *node; }
};

Result<Opened> openNodeAndProvider(const JobConfig &config)
{
    auto db = Connection::open(withShortConnectTimeout(config.db()));
    if (!db)
        return db.error();
    auto info = requireNode(*db, config.queueName());
    if (!info)
        return info.error();
    Opened o;
    o.node.emplace(std::move(db.value()));
    o.info = info.value();
    if (o.info.type != NodeType::Root) {
        auto provider = connectToProvider(o.info);
        if (!provider)
            return provider.error();
        o.provider.emplace(std::move(provider.value()));
    }
    return o;
}

} // namespace

AddTablesCatalogReply readAddTablesCatalog(const JobConfig &config)
{
    AddTablesCatalogReply reply;
    auto opened = openNodeAndProvider(config);
    if (!opened) {
        reply.error = opened.error().toString();
        return reply;
    }
    auto tables = readTableCatalog(*opened->node, opened->info, opened->source());
    if (!tables) {
        reply.error = tables.error().toString();
        return reply;
    }
    reply.ok = true;
    reply.info = opened->info;
    reply.tables = tables.value();
    return reply;
}

AddTablesConditionReply checkAddTablesCondition(const JobConfig &config,
                                                const QString &schema,
                                                const QString &name,
                                                const QString &condition,
                                                int lockTimeoutMs)
{
    AddTablesConditionReply reply;
    auto opened = openNodeAndProvider(config);
    if (!opened) {
        reply.error = opened.error().toString();
        return reply;
    }
    auto rows = checkRowCondition(opened->source(), schema, name, condition, 3000, 1000000,
                                  lockTimeoutMs);
    if (!rows) {
        reply.error = rows.error().sqlState() == QLatin1String("55P03")
                          ? QCoreApplication::translate(
                                "AddTablesWizard", "%1 is busy on the provider: another session "
                                                   "holds a lock on it; press Validate again once "
                                                   "that session is done")
                                .arg(tableArgument(schema, name))
                          : rows.error().message();
        return reply;
    }
    reply.ok = true;
    reply.rows = rows.value();
    return reply;
}

AddTablesReply addChosenTables(const JobConfig &config, const QList<TableChoice> &choices)
{
    AddTablesReply reply;
    auto opened = openNodeAndProvider(config);
    if (!opened) {
        reply.error = opened.error().toString();
        return reply;
    }
    TableRegistry registry(*opened->node, opened->info);
    auto outcome = registry.add(choices, opened->provider ? &*opened->provider : nullptr);
    if (!outcome) {
        reply.error = outcome.error().message();
        return reply;
    }
    reply.ok = true;
    reply.outcome = outcome.value();
    return reply;
}

} // namespace ferry::gui
