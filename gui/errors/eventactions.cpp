#include "errors/eventactions.h"

#include "cascade/node.h"
#include "db/connectgate.h"

namespace ferry::gui {

EventActionReply runEventAction(const EventActionRequest &request)
{
    const ConnectGate::Scope gated; // a refused login is not tried again until the user acts
    EventActionReply reply;
    reply.kind = request.kind;
    auto db = Connection::open(request.where);
    if (!db) {
        reply.error = db.error().toString();
        return reply;
    }
    auto node = requireNode(*db, request.queue);
    if (!node) {
        reply.error = node.error().toString();
        return reply;
    }
    reply.node = node->name;
    EventResolution resolution(*db, *node);
    switch (request.kind) {
    case EventActionRequest::Describe: {
        auto content = resolution.describe(request.eventId);
        if (!content)
            reply.error = content.error().toString();
        else
            reply.content = *content;
        return reply;
    }
    case EventActionRequest::Skip:
    case EventActionRequest::Replace: {
        auto fix = request.kind == EventActionRequest::Skip
                       ? resolution.skip(request.eventId)
                       : resolution.replace(request.eventId, request.sql);
        if (!fix) {
            reply.error = fix.error().toString();
            return reply;
        }
        reply.fix = *fix;
        auto running = resolution.workerRunning();
        reply.workerRunning = running && *running;
        return reply;
    }
    case EventActionRequest::Retry: {
        auto running = resolution.retry();
        if (!running)
            reply.error = running.error().toString();
        else
            reply.workerRunning = *running;
        return reply;
    }
    }
    return reply;
}

} // namespace ferry::gui
