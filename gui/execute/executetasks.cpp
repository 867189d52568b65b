#include "execute/executetasks.h"

#include "db/connectgate.h"

#include <QCoreApplication>

#include <optional>

namespace ferry::gui {

namespace {

// The config's node when it is not the root: the page says so in its own
// words (the core's error names the command line).
QString notRoot(Connection &db, const QString &queue)
{
    auto node = loadNodeInfo(db, queue);
    if (!node || !node->has_value() || (*node)->type == NodeType::Root)
        return QString();
    return QCoreApplication::translate(
               "ferry::gui::ExecuteView",
               "Scripts run on the root: this config's node %1 is a %2; open the root's config "
               "and run the script there.")
        .arg((*node)->name, nodeTypeName((*node)->type));
}

// The config's root, or nothing with the reply saying why (a node that is
// not the root: `notRoot` set).
template<typename Reply>
std::optional<Connection> openRoot(const JobConfig &config, Reply &reply)
{
    auto root = Connection::open(config.db());
    if (!root) {
        reply.error = root.error().toString();
        return std::nullopt;
    }
    if (const QString problem = notRoot(*root, config.queueName()); !problem.isEmpty()) {
        reply.error = problem;
        reply.notRoot = true;
        return std::nullopt;
    }
    return std::move(*root);
}

} // namespace

ExecutePlanReply readScriptPlan(const JobConfig &config, const ScriptFile &file)
{
    const ConnectGate::Scope gated;
    ExecutePlanReply reply;
    auto root = openRoot(config, reply);
    if (!root)
        return reply;
    auto plan = planScript(*root, config.queueName(), file);
    if (!plan) {
        reply.error = plan.error().toString();
        return reply;
    }
    reply.ok = true;
    reply.plan = *plan;
    return reply;
}

ExecuteRunReply runScriptOnRoot(const JobConfig &config, const ScriptFile &file, bool force)
{
    const ConnectGate::Scope gated;
    ExecuteRunReply reply;
    auto root = openRoot(config, reply);
    if (!root)
        return reply;
    auto done = executeScript(*root, config.queueName(), file, force);
    if (done) {
        reply.ok = true;
        reply.done = *done;
        if (auto node = requireRoot(*root, config.queueName()))
            reply.rootNode = node->name;
        return reply;
    }
    reply.error = done.error().toString();
    // Refused as run before? The page then offers to run it again.
    if (!force) {
        auto before = earlierRun(*root, config.queueName(), file);
        if (before && *before) {
            reply.ranBefore = true;
            reply.error = **before;
        }
    }
    return reply;
}

ExecuteProgressReply readScriptProgress(const JobConfig &config, qint64 eventId)
{
    const ConnectGate::Scope gated;
    ExecuteProgressReply reply;
    auto root = Connection::open(config.db());
    if (!root) {
        reply.error = root.error().toString();
        return reply;
    }
    auto nodes = scriptProgress(*root, config.queueName(), eventId);
    if (!nodes) {
        reply.error = nodes.error().toString();
        return reply;
    }
    reply.ok = true;
    reply.nodes = *nodes;
    return reply;
}

} // namespace ferry::gui
