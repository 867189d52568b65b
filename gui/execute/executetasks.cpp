#include "execute/executetasks.h"

#include "db/connectgate.h"

namespace ferry::gui {

ExecutePlanReply readScriptPlan(const JobConfig &config, const ScriptFile &file)
{
    const ConnectGate::Scope gated;
    ExecutePlanReply reply;
    auto root = Connection::open(config.db());
    if (!root) {
        reply.error = root.error().toString();
        return reply;
    }
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
    auto root = Connection::open(config.db());
    if (!root) {
        reply.error = root.error().toString();
        return reply;
    }
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
