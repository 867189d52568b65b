#include "common/connectadvice.h"

#include "db/connectfailure.h"

#include <QCoreApplication>

namespace ferry::gui {

// The translation context of the advice.
struct ConnectAdvice
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::ConnectAdvice)
};

QString connectAdvice(const Error &error)
{
    return connectAdvice(classifyConnectFailure(error.message()));
}

QString connectAdvice(ConnectFailure failure)
{
    switch (failure) {
    case ConnectFailure::NoPassword:
        return ConnectAdvice::tr(
            "The server asks for a password: enter it in Password, or keep it in "
            "~/.pgpass.");
    case ConnectFailure::WrongPassword:
        return ConnectAdvice::tr(
            "The server refused the password: check the password and the user.");
    case ConnectFailure::OsAuthFailed:
        return ConnectAdvice::tr(
            "The server checks the operating system user: connect over TCP (host "
            "127.0.0.1) with a password, or as the user of that name.");
    case ConnectFailure::LoginRefused:
        return ConnectAdvice::tr(
            "The server refused the login: check the user and its password or certificate.");
    case ConnectFailure::NoLogin:
        return ConnectAdvice::tr(
            "This role may not log in: ask the server's DBA to allow it (ALTER ROLE … LOGIN), "
            "or use another role.");
    case ConnectFailure::NoServer:
        return ConnectAdvice::tr(
            "No server answers at this host and port: check them, and that the server "
            "runs and listens there.");
    case ConnectFailure::UnknownHost:
        return ConnectAdvice::tr("The host name is unknown: check the host.");
    case ConnectFailure::Timeout:
        return ConnectAdvice::tr(
            "The server did not answer in time: check the host and port, that the server "
            "runs, and that no firewall drops the connection.");
    case ConnectFailure::NoDatabase:
        return ConnectAdvice::tr("The database does not exist on this server: check its name.");
    case ConnectFailure::NoRole:
        return ConnectAdvice::tr("The user does not exist on this server: check the user name.");
    case ConnectFailure::SslMode:
        return ConnectAdvice::tr(
            "SSL did not work out: choose the SSL mode the server offers (disable or "
            "prefer without SSL; verify-ca and verify-full need its root certificate).");
    case ConnectFailure::NoHbaEntry:
        return ConnectAdvice::tr(
            "The server does not let this host, user and database in: ask its DBA to add "
            "a pg_hba.conf line for them (or choose SSL mode require if it takes SSL "
            "connections only).");
    case ConnectFailure::Other:
        break;
    }
    return {};
}

} // namespace ferry::gui
