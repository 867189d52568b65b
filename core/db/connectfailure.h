#pragma once

#include <QString>

namespace ferry {

// Why libpq could not open a session. Before a session exists there is no
// SQLSTATE, so this reads libpq's (English) message; a translated message
// reads as Other.
enum class ConnectFailure {
    Other,
    NoPassword,    // the server asks for a password and none was given
    WrongPassword, // password authentication failed
    OsAuthFailed,  // peer or ident authentication failed
    LoginRefused,  // another method refused the login (LDAP, PAM, RADIUS, certificate)
    NoServer,      // connection refused, no such socket, no route
    UnknownHost,   // the host name does not resolve
    Timeout,       // connect_timeout or the TCP connect timed out
    NoDatabase,    // the database does not exist
    NoRole,        // the user does not exist
    NoLogin,       // the role may not log in
    SslMode,       // SSL required but not offered, or its certificates failed
    NoHbaEntry,    // pg_hba.conf has no line (or a reject line) for this host, user and database
};

ConnectFailure classifyConnectFailure(const QString &libpqMessage);

// The server refused the login itself (not the link or the database): trying
// again unchanged fails again, and may lock the role out.
bool isRefusedLogin(ConnectFailure failure);

// What to do about it, one English clause for the command line and the logs
// (the window words it in its own, translated, terms); empty for Other.
QString connectFailureAdvice(ConnectFailure failure);

} // namespace ferry
