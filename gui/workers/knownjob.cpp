#include "workers/knownjob.h"

#include "workers/workerregistry.h"

namespace ferry::gui {

namespace {

struct Database
{
    QString host;
    QString port;
    QString dbname;
    bool operator==(const Database &other) const
    {
        return host == other.host && port == other.port && dbname == other.dbname;
    }
};

QString valueOr(const ConnectionString &db, const QString &key, const char *environment)
{
    const QString value = db.value(key);
    return value.isEmpty() ? qEnvironmentVariable(environment) : value;
}

Database databaseOf(const ConnectionString &db)
{
    Database d;
    QString host = valueOr(db, QStringLiteral("host"), "PGHOST");
    if (host.isEmpty())
        host = db.value(QStringLiteral("hostaddr"));
    host = host.toLower();
    // One server answers on its socket and its loopback address at one port.
    if (host.isEmpty() || host.startsWith(QLatin1Char('/')) || host == QLatin1String("localhost")
        || host == QLatin1String("127.0.0.1") || host == QLatin1String("::1"))
        host = QStringLiteral("local");
    d.host = host;
    d.port = valueOr(db, QStringLiteral("port"), "PGPORT");
    if (d.port.isEmpty())
        d.port = QStringLiteral("5432");
    d.dbname = valueOr(db, QStringLiteral("dbname"), "PGDATABASE");
    if (d.dbname.isEmpty()) // libpq's default: the user's name
        d.dbname = valueOr(db, QStringLiteral("user"), "PGUSER");
    if (d.dbname.isEmpty())
        d.dbname = qEnvironmentVariable("USER");
    return d;
}

} // namespace

bool isSameNode(const JobConfig &a, const JobConfig &b)
{
    return a.queueName() == b.queueName() && databaseOf(a.db()) == databaseOf(b.db());
}

std::optional<JobConfig>
knownJobOfNode(const JobConfig &profile, const QStringList &paths, const WorkerRegistry *registry)
{
    if (registry) {
        for (const JobConfig &running : registry->activeConfigs()) {
            if (isSameNode(running, profile))
                return running;
        }
    }
    for (const QString &path : paths) {
        auto config = JobConfig::load(path);
        if (config && isSameNode(*config, profile))
            return std::move(config).value();
    }
    return std::nullopt;
}

} // namespace ferry::gui
