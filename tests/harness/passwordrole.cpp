#include "passwordrole.h"

#include "db/connection.h"
#include "ferryprocess.h"

#include <QThread>

namespace ferry::test {

Result<void> setRolePassword(PgCluster &cluster, const QString &role, const QString &password)
{
    auto c = Connection::open(cluster.connectionString());
    if (!c)
        return c.error();
    if (auto r = c->exec(QStringLiteral("SET password_encryption = 'scram-sha-256'")); !r)
        return r.error();
    if (auto r = c->exec(QStringLiteral("ALTER ROLE %1 PASSWORD %2")
                             .arg(c->quoteIdentifier(role), c->quoteLiteral(password)));
        !r)
        return r.error();
    return {};
}

Result<void> createPasswordRole(PgCluster &cluster, const QString &role, const QString &password)
{
    {
        auto c = Connection::open(cluster.connectionString());
        if (!c)
            return c.error();
        if (auto r = c->exec(
                QStringLiteral("CREATE ROLE %1 LOGIN SUPERUSER").arg(c->quoteIdentifier(role)));
            !r)
            return r.error();
    }
    if (auto r = setRolePassword(cluster, role, password); !r)
        return r;
    const QString hba = cluster.dataDirectory() + QStringLiteral("/pg_hba.conf");
    const QString rule = QStringLiteral("host all %1 127.0.0.1/32 scram-sha-256\n").arg(role);
    if (!writeText(hba, rule + readText(hba)))
        return Error(ErrorKind::Io, QStringLiteral("cannot write %1").arg(hba));
    auto c = Connection::open(cluster.connectionString());
    if (!c)
        return c.error();
    if (auto r = c->exec(QStringLiteral("SELECT pg_reload_conf()")); !r)
        return r.error();
    // The postmaster reloads on its own time: wait until the role needs its
    // password (libpq then gives up without a try the server would count).
    ConnectionString without = *ConnectionString::parse(cluster.connectionString());
    without.set(QStringLiteral("user"), role);
    without.set(QStringLiteral("passfile"), QStringLiteral("/nonexistent"));
    for (int i = 0; i < 100; ++i) {
        auto probe = Connection::open(without);
        if (!probe && probe.error().kind() == ErrorKind::Auth)
            return {};
        QThread::msleep(50);
    }
    return Error(ErrorKind::Internal,
                 QStringLiteral("%1 still logs in without a password after the reload").arg(role));
}

int refusedLogins(const PgCluster &cluster, const QString &role)
{
    return int(
        readText(cluster.logFile())
            .count(QStringLiteral("password authentication failed for user \"%1\"").arg(role)));
}

} // namespace ferry::test
