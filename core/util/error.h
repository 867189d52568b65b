#pragma once

#include <QString>

#include <optional>

namespace ferry {

// What a caller should do about a failure. The classification follows the
// SQLSTATE classes (and libpqxx's reading of them): class 08 means the
// connection is gone and a reconnect may help; 40001/40P01 mean the
// transaction may simply be retried; a connection lost during COMMIT leaves
// the outcome unknown, so the caller must re-check what was committed.
enum class ErrorKind {
    Usage,      // bad input from the user: fix the command or config
    Config,     // a config file or connection string that cannot be used
    Connection, // could not connect, or the connection broke: reconnect and retry
    Auth,       // the server refused the login (class 28): retrying as is cannot help and may
                // lock the role out; wait until the user fixed the password or the user
    Retry,      // serialization failure or deadlock: retry the transaction
    InDoubt,    // connection lost during COMMIT: re-check, do not blindly redo
    Canceled,   // statement canceled or timed out (57014, 55P03)
    Data,       // integrity or data error (classes 22, 23): needs the operator
    Sql,        // syntax error, undefined object, privilege (class 42)
    Server,     // any other error reported by the server
    Io,         // local file or process failure
    Internal,   // a bug in Ferry
};

class Error
{
public:
    Error() = default;
    Error(ErrorKind kind, QString message);

    // Builds an error from a SQLSTATE and the server's message, classifying it.
    static Error fromServer(const QString &sqlState,
                            const QString &message,
                            const QString &detail = {},
                            const QString &hint = {});

    ErrorKind kind() const { return m_kind; }
    QString sqlState() const { return m_sqlState; }
    QString message() const { return m_message; }
    QString detail() const { return m_detail; }
    QString hint() const { return m_hint; }
    QString context() const { return m_context; }
    // Where the server was when it failed (its CONTEXT field: "COPY t, line
    // 3, column v: ...", a PL/pgSQL line); not part of toString().
    QString serverContext() const { return m_serverContext; }
    Error &withServerContext(const QString &where);
    // The line of a COPY FROM the server names in its context, if any.
    std::optional<qint64> copyLine() const;

    // Prefixes what was being done ("connecting to host=... dbname=...").
    // Never pass anything that may hold a password; use masked strings.
    Error &withContext(const QString &context);
    Error &withKind(ErrorKind kind);
    // What to do about it, where Ferry knows better than the server's own hint.
    Error &withHint(const QString &hint);

    // True when reconnecting (Connection) or re-running the transaction (Retry) may succeed.
    bool isTransient() const;

    // One line for a user: "context: message (SQLSTATE xxxxx)". Never wraps.
    QString toString() const;

    static ErrorKind classify(const QString &sqlState);
    static QString kindName(ErrorKind kind);

private:
    ErrorKind m_kind = ErrorKind::Internal;
    QString m_sqlState;
    QString m_message;
    QString m_detail;
    QString m_hint;
    QString m_context;
    QString m_serverContext;
};

} // namespace ferry
