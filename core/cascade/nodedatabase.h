#pragma once

#include "db/connectionstring.h"
#include "util/result.h"

namespace ferry {

// A node's database made on request: through the server's `postgres`
// database, with the node's own connection parameters (host, port, user,
// password, sslmode), so the new database belongs to the node's role.

// `where` with dbname=postgres.
ConnectionString maintenanceDatabase(const ConnectionString &where);
// Whether the database `where` names exists on its server.
Result<bool> databaseExists(const ConnectionString &where);
// CREATE DATABASE "name" (quoted). A role without CREATEDB gets one line
// naming the statement a superuser can run instead.
Result<void> createDatabase(const ConnectionString &where);
// DROP DATABASE "name": undoes createDatabase() when what followed failed.
Result<void> dropDatabase(const ConnectionString &where);

} // namespace ferry
