#include "db/connectfailure.h"

namespace ferry {

ConnectFailure classifyConnectFailure(const QString &libpqMessage)
{
    const auto has = [&libpqMessage](const char *text) {
        return libpqMessage.contains(QLatin1String(text), Qt::CaseInsensitive);
    };
    // Most specific first: an SSL line also says "connection to server ... failed".
    if (has("no password supplied"))
        return ConnectFailure::NoPassword;
    if (has("password authentication failed"))
        return ConnectFailure::WrongPassword;
    if (has("peer authentication failed") || has("ident authentication failed"))
        return ConnectFailure::OsAuthFailed;
    if (has("authentication failed for user"))
        return ConnectFailure::LoginRefused;
    if (has("no pg_hba.conf entry") || has("pg_hba.conf rejects connection"))
        return ConnectFailure::NoHbaEntry;
    if (has("is not permitted to log in"))
        return ConnectFailure::NoLogin;
    if (has("does not support ssl") || has("ssl is not enabled") || has("ssl error")
        || has("ssl support is not compiled") || has("root certificate file")
        || has("certificate verify failed") || has("server certificate"))
        return ConnectFailure::SslMode;
    if (has("could not translate host name"))
        return ConnectFailure::UnknownHost;
    if (has("timeout expired") || has("timed out"))
        return ConnectFailure::Timeout;
    if (has("connection refused") || has("no such file or directory") || has("no route to host")
        || has("network is unreachable"))
        return ConnectFailure::NoServer;
    if (has("database \"") && has("\" does not exist"))
        return ConnectFailure::NoDatabase;
    if (has("role \"") && has("\" does not exist"))
        return ConnectFailure::NoRole;
    return ConnectFailure::Other;
}

bool isRefusedLogin(ConnectFailure failure)
{
    switch (failure) {
    case ConnectFailure::NoPassword:
    case ConnectFailure::WrongPassword:
    case ConnectFailure::OsAuthFailed:
    case ConnectFailure::LoginRefused:
    case ConnectFailure::NoRole:
    case ConnectFailure::NoLogin:
    case ConnectFailure::NoHbaEntry:
        return true;
    case ConnectFailure::Other:
    case ConnectFailure::NoServer:
    case ConnectFailure::UnknownHost:
    case ConnectFailure::Timeout:
    case ConnectFailure::NoDatabase:
    case ConnectFailure::SslMode:
        break;
    }
    return false;
}

QString connectFailureAdvice(ConnectFailure failure)
{
    switch (failure) {
    case ConnectFailure::NoPassword:
        return QStringLiteral("the server asks for a password: give password= in the connection "
                              "string or keep it in ~/.pgpass");
    case ConnectFailure::WrongPassword:
        return QStringLiteral("the server refused the password: check the password and the user");
    case ConnectFailure::OsAuthFailed:
        return QStringLiteral("the server checks the operating system user: connect as the "
                              "user of that name, or over TCP (host=127.0.0.1) with a password");
    case ConnectFailure::LoginRefused:
        return QStringLiteral("the server refused the login: check the user and its password "
                              "or certificate");
    case ConnectFailure::NoLogin:
        return QStringLiteral("the role may not log in: ask the server's DBA to ALTER ROLE ... "
                              "LOGIN, or use another role");
    case ConnectFailure::NoServer:
        return QStringLiteral("no server answers there: check the host and port, and that the "
                              "server runs and listens on them (listen_addresses, port)");
    case ConnectFailure::UnknownHost:
        return QStringLiteral("the host name is unknown: check the host");
    case ConnectFailure::Timeout:
        return QStringLiteral("the server did not answer in time: check the host and port, that "
                              "the server runs, and that no firewall drops the connection");
    case ConnectFailure::NoDatabase:
        return QStringLiteral("the database does not exist on this server: check its name");
    case ConnectFailure::NoRole:
        return QStringLiteral("the user does not exist on this server: check the user name");
    case ConnectFailure::SslMode:
        return QStringLiteral("SSL did not work out: set sslmode to what the server offers "
                              "(disable or prefer without SSL; verify-ca and verify-full need "
                              "its root certificate)");
    case ConnectFailure::NoHbaEntry:
        return QStringLiteral("the server does not let this host, user and database in: ask its "
                              "DBA to add a pg_hba.conf line for them (or use sslmode=require if "
                              "it takes SSL connections only)");
    case ConnectFailure::Other:
        break;
    }
    return {};
}

} // namespace ferry
