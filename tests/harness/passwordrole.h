#pragma once

#include "pgcluster.h"

namespace ferry::test {

// Makes `role` a superuser that logs in over TCP with `password` only
// (scram-sha-256, a pg_hba.conf line in front of the trust lines, then a
// reload); every other role keeps trust, so the test's own sessions need none.
Result<void> createPasswordRole(PgCluster &cluster, const QString &role, const QString &password);

// Gives `role` another password (a wrong one in a config becomes right).
Result<void> setRolePassword(PgCluster &cluster, const QString &role, const QString &password);

// How many logins of `role` the server refused so far, as its log says
// ("password authentication failed for user ..."): what a lock-out policy counts.
int refusedLogins(const PgCluster &cluster, const QString &role);

} // namespace ferry::test
