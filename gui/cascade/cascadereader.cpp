#include "cascade/cascadereader.h"

#include "db/connectgate.h"
#include "replication/copyprogress.h"
#include "replication/tableregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <chrono>

namespace ferry::gui {

namespace {

constexpr qint64 kLogReadBytes = 256 * 1024;
constexpr int kLogLines = 200;

qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The copies running into the node's tables, with the provider's row estimates, and
// when their progress was read. Only extra detail: when it cannot be read, the tables
// show without it.
QList<CopyProgress>
readCopies(Connection &db, const NodeInfo &info, const QList<NodeTable> &tables, qint64 &sampledMs)
{
    auto copies = readCopyProgress(db, tables);
    sampledMs = monotonicMs(); // the provider may take a while to answer
    if (!copies || copies->isEmpty())
        return {};
    if (info.type != NodeType::Root && !info.providerLocation.isEmpty()) {
        if (auto where = memberLocation(info.providerLocation)) {
            if (auto provider = Connection::open(*where))
                (void)estimateCopyTotals(*provider, *copies);
        }
    }
    return *copies;
}

} // namespace

Result<ConnectionString> memberLocation(const QString &location)
{
    auto where = ConnectionString::parse(location);
    if (!where)
        return where.error();
    return withShortConnectTimeout(*where);
}

StatusReply readStatus(const StatusRequest &request)
{
    const ConnectGate::Scope gated;
    StatusReply reply;
    reply.token = request.token;
    const QString queue = request.config.queueName();
    auto status = readCascadeStatus(request.config.db(), queue);
    reply.readAt = QDateTime::currentDateTime();
    if (status) {
        reply.ok = true;
        reply.status = std::move(status).value();
        return reply;
    }
    reply.error = status.error().toString();
    reply.authFailed = status.error().kind() == ErrorKind::Auth;
    const bool unreachable = status.error().kind() == ErrorKind::Connection || reply.authFailed;
    if (!unreachable || request.rootLocation.isEmpty())
        return reply;
    auto root = memberLocation(request.rootLocation);
    if (!root)
        return reply;
    auto viaRoot = readCascadeStatus(*root, queue);
    reply.readAt = QDateTime::currentDateTime();
    if (!viaRoot)
        return reply;
    reply.ok = true;
    reply.viaRoot = true;
    reply.status = std::move(viaRoot).value();
    if (!request.localNode.isEmpty())
        reply.status.localNode = request.localNode;
    return reply;
}

NodeDetail readNodeDetail(const DetailRequest &request)
{
    const ConnectGate::Scope gated;
    NodeDetail detail;
    detail.token = request.token;
    detail.node = request.node;
    detail.local = request.local;
    if (request.local) {
        detail.log = readLogTail(resolvedLogFile(request.config), kLogLines);
        detail.log->noConfig = request.config.path().isEmpty();
    }

    ConnectionString where = request.config.db();
    if (!request.local) {
        if (request.location.isEmpty()) {
            // Never fall back to libpq's defaults: that would be some other server.
            detail.error
                = QStringLiteral("the location of node '%1' is not known yet").arg(request.node);
            detail.readAt = QDateTime::currentDateTime();
            return detail;
        }
        auto member = memberLocation(request.location);
        if (!member) {
            detail.error = member.error().toString();
            detail.readAt = QDateTime::currentDateTime();
            return detail;
        }
        where = *member;
    }
    auto db = Connection::open(where);
    if (!db) {
        detail.error = db.error().toString();
    } else if (auto info = requireNode(*db, request.config.queueName()); !info) {
        detail.error = info.error().toString();
    } else {
        detail.info = info.value();
        TableRegistry registry(*db, info.value());
        if (auto tables = registry.list(); !tables) {
            detail.error = tables.error().toString();
        } else {
            detail.ok = true;
            qint64 sampledMs = 0;
            const QList<CopyProgress> copies = readCopies(*db, info.value(), *tables, sampledMs);
            for (const NodeTable &t : *tables) {
                TableRow row;
                row.name = displayTableName(*db, t.sourceSchema, t.sourceName);
                const QString dest = displayTableName(*db, t.destSchema, t.destName);
                if (dest != row.name)
                    row.destination = dest;
                row.mergeState = t.mergeState;
                row.condition = t.condition;
                row.columns = t.columns;
                row.copiedRows = t.copiedRows;
                row.lastError = t.lastError;
                for (const CopyProgress &p : copies) {
                    if (p.sourceSchema == t.sourceSchema && p.sourceName == t.sourceName)
                        row.copy
                            = CopySample{p.rowsCopied, t.condition.isEmpty() ? p.rowsTotal : -1,
                                         sampledMs, p.backendPid};
                }
                detail.tables.append(row);
            }
        }
    }
    detail.readAt = QDateTime::currentDateTime();
    return detail;
}

LogTail readLogTail(const QString &path, int maxLines)
{
    LogTail tail;
    tail.path = path;
    if (path.isEmpty())
        return tail;
    QFile file(path);
    tail.exists = file.exists();
    if (!tail.exists)
        return tail;
    if (!file.open(QIODevice::ReadOnly)) {
        tail.error = file.errorString();
        return tail;
    }
    const qint64 size = file.size();
    const bool partial = size > kLogReadBytes;
    if (partial && !file.seek(size - kLogReadBytes)) {
        tail.error = file.errorString();
        return tail;
    }
    QStringList lines
        = QString::fromUtf8(file.read(kLogReadBytes)).split(QLatin1Char('\n'), Qt::KeepEmptyParts);
    if (partial && !lines.isEmpty())
        lines.removeFirst(); // starts mid-line
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    if (lines.size() > maxLines)
        lines = lines.mid(lines.size() - maxLines);
    tail.lines = lines;
    return tail;
}

QString resolvedLogFile(const JobConfig &config)
{
    const QString log = config.logFile();
    if (log.isEmpty() || QDir::isAbsolutePath(log))
        return log;
    return QFileInfo(config.path()).absoluteDir().absoluteFilePath(log);
}

} // namespace ferry::gui
