#include "usersession.h"

namespace ferry::test {

Result<Connection> openUserSession(const ConnectionString &connectionString)
{
    auto c = Connection::open(connectionString);
    if (!c)
        return c.error();
    // RESET would go back to the pinned value the session started with: the
    // search_path a plain session gets is the role's and database's own
    // setting (ALTER ROLE/DATABASE ... SET), else the built-in default.
    if (auto r = c->exec(QStringLiteral(
            "SELECT pg_catalog.set_config('search_path', coalesce("
            "(SELECT pg_catalog.substr(c, 13) FROM pg_catalog.pg_db_role_setting s, "
            "pg_catalog.unnest(s.setconfig) c WHERE c LIKE 'search_path=%' AND s.setrole IN "
            "((SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user), 0) AND "
            "s.setdatabase IN ((SELECT oid FROM pg_catalog.pg_database WHERE datname = "
            "current_database()), 0) ORDER BY s.setrole = 0, s.setdatabase = 0 LIMIT 1), "
            "(SELECT boot_val FROM pg_catalog.pg_settings WHERE name = 'search_path')), false)"));
        !r)
        return r.error();
    return c;
}

Result<Connection> openUserSession(const QString &connectionString)
{
    auto parsed = ConnectionString::parse(connectionString);
    if (!parsed)
        return parsed.error();
    return openUserSession(*parsed);
}

} // namespace ferry::test
