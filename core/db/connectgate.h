#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QWaitCondition>

#include <functional>
#include <optional>

namespace ferry {

// Keeps a program that reads the same databases again and again (the desktop
// manager's views, its Errors page, its tray) from logging in where it cannot.
// After a refused login (ErrorKind::Auth) a location is not tried again until
// the user acted (retryAll(): Refresh, opening a config, saving a profile): an
// LDAP- or PAM-backed role may be locked out after a few failed logins. After
// another failure to connect (server down, port closed, timeout) the next try
// waits 2 s, then 4 s, 8 s, ... up to 60 s; a good connection forgets it.
//
// Locations are told apart without their password (user@host:port/db), so
// every reader in the process shares one attempt: one reader at a time
// connects to a location (the connecting only, not the session); the others
// wait for its outcome, or, where the last try failed, get its error at once.
//
// Only threads inside a ConnectGate::Scope pass through it (Connection::open
// asks): the workers and the `ferry` command connect as before.
class ConnectGate
{
public:
    static constexpr int kBackoffMinMs = 2000;
    static constexpr int kBackoffMaxMs = 60000;

    static ConnectGate &instance();

    // Connection::open on this thread goes through the gate while one lives.
    class Scope
    {
    public:
        Scope();
        ~Scope();
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;
    };
    static bool inScope();

    // Runs `connect` (which opens `where`) unless the location is closed;
    // then answers with the error that closed it, without connecting.
    Result<Connection> open(const ConnectionString &where,
                            const std::function<Result<Connection>()> &connect);

    // The user acted: every closed location gets one more attempt, made by
    // the first reader that asks for it.
    void retryAll();
    // Forgets every location (tests).
    void reset();

    // Why a location is closed now.
    struct Closed
    {
        Error error;
        bool auth = false;     // a refused login: closed until retryAll()
        QDateTime since;       // the first failure of this run of failures
        qint64 retryInMs = -1; // not a refused login: when the next try may be
    };
    std::optional<Closed> closed(const ConnectionString &where) const;

    // The first and the longest wait after a failed connection (tests shorten them).
    void setBackoff(int minMs, int maxMs);

    // "user@host:port/db" (and the service, if any): no password.
    static QString keyOf(const ConnectionString &where);

private:
    ConnectGate() = default;

    struct Entry
    {
        bool trying = false; // an attempt runs now
        bool failed = false; // the last attempt failed (with error)
        Error error;
        QDateTime since;
        bool retry = false; // a refused login the user asked to try again
        qint64 nextMs = 0;  // another failure: not tried before this (monotonic)
        int delayMs = 0;    // the wait that came before nextMs
    };
    void settle(const QString &key, const Error *error);

    mutable QMutex m_mutex;
    QWaitCondition m_settled;
    QHash<QString, Entry> m_entries; // locations connected to now or failing
    int m_minMs = kBackoffMinMs;
    int m_maxMs = kBackoffMaxMs;
};

} // namespace ferry
