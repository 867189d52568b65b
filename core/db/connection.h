#pragma once

#include "db/connectionstring.h"
#include "db/queryresult.h"
#include "util/result.h"

#include <QStringList>
#include <QVariantList>

#include <memory>
#include <optional>

struct pg_conn;
struct pg_cancel;

namespace ferry {

struct Notification
{
    QString channel;
    QString payload;
    int backendPid = 0;
};

// Cancels the statement running on a connection. Built by the thread that owns
// the connection; cancel() may then be called from any thread (libpq's
// PQcancel is safe for that), which is how a worker is stopped mid-query.
class CancelHandle
{
public:
    CancelHandle() = default;
    explicit CancelHandle(pg_cancel *cancel);
    Result<void> cancel() const;
    bool isValid() const { return m_cancel != nullptr; }

private:
    struct Free
    {
        void operator()(pg_cancel *cancel) const;
    };
    std::shared_ptr<pg_cancel> m_cancel;
};

// One libpq connection. Not thread-safe: one connection belongs to one thread
// at a time (every worker, copier, ticker and LISTEN loop opens its own).
// Errors come back as values and always name the server by its masked
// connection string, so a password never reaches a log.
class Connection
{
public:
    Connection(Connection &&other) noexcept;
    Connection &operator=(Connection &&other) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    ~Connection();

    // Connects with Ferry's defaults (connect_timeout=10,
    // application_name=ferry) unless the string sets them itself. Every
    // session uses client_encoding UTF8 and search_path pg_catalog, pg_temp
    // whatever the string says (see sessionOptions): name user objects
    // schema-qualified. A refused login fails as ErrorKind::Auth. On a thread
    // inside a ConnectGate::Scope, a location that refused the login or
    // failed lately answers with that error without connecting (connectgate.h).
    static Result<Connection> open(const ConnectionString &connectionString);
    static Result<Connection> open(const QString &connectionString);

    bool isOpen() const;
    QString maskedConnectionString() const { return m_connectionString.masked(); }
    QString displayName() const { return m_connectionString.displayName(); }
    const ConnectionString &connectionString() const { return m_connectionString; }
    int serverVersion() const;
    int backendPid() const;

    // Reopens a broken connection with the same parameters and renews LISTENs.
    Result<void> reconnect();

    // Runs one or more statements without parameters (an SQL script).
    Result<QueryResult> exec(const QString &sql);
    // Runs one statement with positional parameters $1..$n, sent separately
    // from the SQL text, never interpolated. A null QVariant is SQL NULL.
    Result<QueryResult> exec(const QString &sql, const QVariantList &params);

    // Identifier quoting by libpq (PQescapeIdentifier), right for this server's encoding.
    QString quoteIdentifier(const QString &identifier) const;
    // "schema"."name"; an empty schema gives just "name".
    QString quoteQualified(const QString &schema, const QString &name) const;
    // A string literal by libpq (PQescapeLiteral), for the few places a
    // name must stand as a value inside generated SQL (a JSON member name).
    QString quoteLiteral(const QString &text) const;

    Result<void> listen(const QString &channel);
    Result<void> unlisten(const QString &channel);
    // Waits up to timeoutMs for a NOTIFY on a LISTENed channel. Returns an
    // empty optional on timeout; a broken connection is an error.
    Result<std::optional<Notification>> waitForNotification(int timeoutMs);

    CancelHandle cancelHandle() const;

    // For the COPY helpers of this folder; do not keep the pointer.
    pg_conn *handle() const { return m_conn.get(); }
    // The error for a failed call on this connection (no PGresult available).
    Error connectionError(const QString &what) const;
    // Classifies a failed PGresult, adding this connection's name as context.
    Error resultError(pg_result *result) const;
    // Drops the password from a libpq message, in case libpq ever echoes it.
    QString scrub(const QString &message) const;

    // The server options a session starts with: the string's own `options`
    // (or PGOPTIONS), then the pinned search_path.
    static QString sessionOptions(const ConnectionString &connectionString);
    // `connectionString` as a session in this process connects with it, for
    // a process without this environment (a service): withEnvironment()
    // without what connect() sets itself (connect_timeout, keepalives,
    // fallback_application_name, client_encoding), options only from
    // PGOPTIONS, as sessionOptions() reads it.
    static ConnectionString sessionConnectionString(const ConnectionString &connectionString);

private:
    struct Finish
    {
        void operator()(pg_conn *conn) const;
    };
    struct NoticeSink;

    explicit Connection(ConnectionString connectionString);
    Result<void> connect();
    Result<QueryResult> checkResult(pg_result *result);
    std::optional<Notification> takeNotification();

    ConnectionString m_connectionString;
    std::unique_ptr<pg_conn, Finish> m_conn;
    std::unique_ptr<NoticeSink> m_notices;
    QStringList m_listening;
};

} // namespace ferry
