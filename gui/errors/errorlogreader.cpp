#include "errors/errorlogreader.h"

#include "cascade/cascadereader.h"
#include "db/connectgate.h"

#include <algorithm>

namespace ferry::gui {

ErrorLogReply readErrorLog(const ErrorLogRequest &request)
{
    const ConnectGate::Scope gated; // one failed login per location, shared with the cascade view
    ErrorLogReply reply;
    reply.token = request.token;
    const QString queue = request.config.queueName();
    reply.membersAsked = int(request.members.size());
    for (const ErrorLogRequest::Member &member : request.members) {
        ConnectionString where = request.config.db();
        if (member.name != request.localNode) {
            auto located = memberLocation(member.location);
            if (!located) {
                reply.problems << QStringLiteral("%1: %2").arg(member.name,
                                                               located.error().toString());
                continue;
            }
            where = *located;
        }
        auto db = Connection::open(where);
        if (!db) {
            reply.problems << QStringLiteral("%1: %2").arg(member.name, db.error().toString());
            continue;
        }
        auto entries = loadNodeErrors(*db, queue, request.limitPerNode);
        if (!entries) {
            // A node whose schema predates the error log has none to show.
            if (entries.error().sqlState() != QLatin1String("42P01")) {
                reply.problems << QStringLiteral("%1: %2").arg(member.name,
                                                               entries.error().toString());
                continue;
            }
        } else {
            reply.entries += *entries;
        }
        ++reply.membersRead;
    }
    std::stable_sort(
        reply.entries.begin(), reply.entries.end(),
        [](const NodeErrorEntry &a, const NodeErrorEntry &b) { return a.lastAt > b.lastAt; });
    reply.readAt = QDateTime::currentDateTime();
    return reply;
}

} // namespace ferry::gui
