#include "copystream.h"

#include <libpq-fe.h>

namespace ferry {

namespace {

// Reads results until libpq has none left, so the connection is ready for the
// next command; returns the first failed result's error.
Result<QueryResult> finishCommand(Connection &c)
{
    std::optional<Error> failure;
    QueryResult last;
    while (PGresult *raw = PQgetResult(c.handle())) {
        QueryResult r(raw);
        const auto status = PQresultStatus(raw);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failure)
            failure = c.resultError(raw);
        last = std::move(r);
    }
    if (failure)
        return *failure;
    if (!c.isOpen())
        return c.resultError(nullptr);
    return last;
}

void abandonCopyOut(Connection &source)
{
    // A COPY OUT cannot be stopped by the client alone: ask the server to
    // cancel it, then drain what is already on the way.
    if (!source.isOpen())
        return;
    (void)source.cancelHandle().cancel();
    char *buffer = nullptr;
    while (PQgetCopyData(source.handle(), &buffer, 0) > 0)
        PQfreemem(buffer);
    (void)finishCommand(source);
}

// Starts a COPY statement and checks that the server entered the expected mode.
Result<void> startCopy(Connection &c, const QString &sql, ExecStatusType expected)
{
    if (!c.handle())
        return c.connectionError(QStringLiteral("not connected"));
    // One statement, whatever the text holds (extended protocol).
    QueryResult r(PQexecParams(c.handle(), sql.toUtf8().constData(), 0, nullptr, nullptr, nullptr,
                               nullptr, 0));
    if (r.get() && PQresultStatus(r.get()) == expected)
        return {};
    // A COPY in the other direction: leave the connection out of COPY mode.
    if (r.get() && PQresultStatus(r.get()) == PGRES_COPY_IN) {
        PQputCopyEnd(c.handle(), "COPY in the wrong direction");
        (void)finishCommand(c);
        return Error(ErrorKind::Internal,
                     QStringLiteral("expected COPY ... TO STDOUT: %1").arg(sql));
    }
    if (r.get() && PQresultStatus(r.get()) == PGRES_COPY_OUT) {
        abandonCopyOut(c);
        return Error(ErrorKind::Internal,
                     QStringLiteral("expected COPY ... FROM STDIN: %1").arg(sql));
    }
    Error e = c.resultError(r.get());
    if (r.get()
        && (PQresultStatus(r.get()) == PGRES_COMMAND_OK
            || PQresultStatus(r.get()) == PGRES_TUPLES_OK))
        e = Error(ErrorKind::Internal, QStringLiteral("statement is not a COPY: %1").arg(sql));
    return e;
}

} // namespace

Result<CopyStats> copyBetween(Connection &source,
                              const QString &copyOutSql,
                              Connection &target,
                              const QString &copyInSql)
{
    // Target first: if it refuses (missing table, no privilege) nothing has
    // been read from the source yet.
    if (auto r = startCopy(target, copyInSql, PGRES_COPY_IN); !r)
        return r.error().withContext(QStringLiteral("starting COPY on target"));
    if (auto r = startCopy(source, copyOutSql, PGRES_COPY_OUT); !r) {
        PQputCopyEnd(target.handle(), "source COPY failed");
        (void)finishCommand(target);
        return r.error().withContext(QStringLiteral("starting COPY on source"));
    }

    CopyStats stats;
    for (;;) {
        char *buffer = nullptr;
        const int length = PQgetCopyData(source.handle(), &buffer, 0);
        if (length > 0) {
            stats.bytes += length;
            const int sent = PQputCopyData(target.handle(), buffer, length);
            PQfreemem(buffer);
            if (sent != 1) {
                Error e = target.connectionError(QStringLiteral("sending COPY data"));
                abandonCopyOut(source);
                return e;
            }
            continue;
        }
        if (length == -1)
            break; // source finished; its final status is read below
        // -2: the source failed mid-stream.
        Error e = source.resultError(nullptr);
        if (auto done = finishCommand(source); !done)
            e = done.error();
        PQputCopyEnd(target.handle(), "source COPY failed");
        (void)finishCommand(target);
        return e.withContext(QStringLiteral("reading COPY data from source"));
    }

    if (auto done = finishCommand(source); !done) {
        PQputCopyEnd(target.handle(), "source COPY failed");
        (void)finishCommand(target);
        return done.error().withContext(QStringLiteral("finishing COPY on source"));
    }
    if (PQputCopyEnd(target.handle(), nullptr) != 1)
        return target.connectionError(QStringLiteral("finishing COPY"));
    auto done = finishCommand(target);
    if (!done)
        return done.error().withContext(QStringLiteral("finishing COPY on target"));
    stats.rows = done->affectedRows();
    return stats;
}

} // namespace ferry
