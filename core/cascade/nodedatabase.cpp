#include "cascade/nodedatabase.h"

#include "cascade/node.h"
#include "db/connection.h"

namespace ferry {

ConnectionString maintenanceDatabase(const ConnectionString &where)
{
    ConnectionString server = where;
    server.set(QStringLiteral("dbname"), QStringLiteral("postgres"));
    return withShortConnectTimeout(server);
}

namespace {

Result<Connection> openServer(const ConnectionString &where)
{
    auto c = Connection::open(maintenanceDatabase(where));
    if (!c)
        return std::move(c.error().withContext(QStringLiteral("connecting to database postgres")));
    return c;
}

} // namespace

Result<bool> databaseExists(const ConnectionString &where)
{
    auto server = openServer(where);
    if (!server)
        return server.error();
    auto r = server->exec(QStringLiteral("SELECT EXISTS (SELECT FROM pg_catalog.pg_database "
                                         "WHERE datname = $1)"),
                          {where.value(QStringLiteral("dbname"))});
    if (!r)
        return r.error();
    return r->toBool(0, 0);
}

Result<void> createDatabase(const ConnectionString &where)
{
    const QString name = where.value(QStringLiteral("dbname"));
    if (name.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("the connection names no database to create"));
    auto server = openServer(where);
    if (!server)
        return server.error();
    const QString sql = QStringLiteral("CREATE DATABASE %1").arg(server->quoteIdentifier(name));
    auto r = server->exec(sql);
    if (r)
        return {};
    if (r.error().sqlState() != QLatin1String("42501"))
        return r.error();
    auto role = server->exec(QStringLiteral("SELECT current_user"));
    const QString who = server->quoteIdentifier(role ? role->text(0, 0) : QString());
    return Error(
        ErrorKind::Usage,
        QStringLiteral("role %1 may not create databases (no CREATEDB): ask a superuser to "
                       "run %2 OWNER %1; or ALTER ROLE %1 CREATEDB;")
            .arg(who, sql));
}

Result<void> dropDatabase(const ConnectionString &where)
{
    auto server = openServer(where);
    if (!server)
        return server.error();
    auto r = server->exec(QStringLiteral("DROP DATABASE IF EXISTS %1")
                              .arg(server->quoteIdentifier(where.value(QStringLiteral("dbname")))));
    if (!r)
        return r.error();
    return {};
}

} // namespace ferry
