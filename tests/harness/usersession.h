#pragma once

#include "db/connection.h"

namespace ferry::test {

// A session for a test's own SQL, as a user's psql session is: Ferry's
// sessions resolve names only in pg_catalog (Connection pins search_path),
// this one gets the server's default search_path back, so unqualified
// names mean what they mean to the application.
Result<Connection> openUserSession(const QString &connectionString);
Result<Connection> openUserSession(const ConnectionString &connectionString);

} // namespace ferry::test
