#include "cascade/nodeconnection.h"

#include "cascade/cascadereader.h"
#include "profiles/connectionprofile.h"
#include "profiles/passwordvault.h"
#include "workers/knownjob.h"
#include "workers/workerregistry.h"

namespace ferry::gui {

namespace {

const QString kPassword = QStringLiteral("password");

// The password a known job's CONFIG.ini gives for this database, if any.
QString knownPassword(const ConnectionString &where,
                      const QString &queue,
                      const QStringList &knownConfigs,
                      const WorkerRegistry *registry)
{
    QList<JobConfig> jobs = registry ? registry->activeConfigs() : QList<JobConfig>();
    for (const QString &path : knownConfigs) {
        if (auto config = JobConfig::load(path))
            jobs << std::move(config).value();
    }
    for (const JobConfig &job : std::as_const(jobs)) {
        if (job.queueName() == queue && isSameDatabase(job.db(), where)
            && job.db().contains(kPassword))
            return job.db().value(kPassword);
    }
    return QString();
}

} // namespace

void nodeConnection(const JobConfig &config,
                    bool local,
                    const QString &location,
                    LocalStore *store,
                    const QStringList &knownConfigs,
                    const WorkerRegistry *registry,
                    QObject *context,
                    std::function<void(Result<ConnectionString>)> done)
{
    if (local) {
        done(config.db());
        return;
    }
    if (location.isEmpty()) {
        done(Error(ErrorKind::Usage,
                   QStringLiteral("where this node is is not known yet: press Refresh")));
        return;
    }
    auto where = memberLocation(location);
    if (!where || where->contains(kPassword)) {
        done(where);
        return;
    }
    if (const QString password = knownPassword(*where, config.queueName(), knownConfigs, registry);
        !password.isEmpty()) {
        where->set(kPassword, password);
        done(where);
        return;
    }
    if (store) {
        for (const ConnectionProfile &profile : ProfileStore(store).list()) {
            if (profile.passwordStore != PasswordStore::Keychain
                || (!profile.queue.isEmpty() && profile.queue != config.queueName())
                || !isSameDatabase(profile.connectionString(), *where))
                continue;
            Keychain::read(profile, context, [at = *where, done](Result<QString> password) mutable {
                // Without the keychain's answer the login may still work (.pgpass).
                if (password && !password->isEmpty())
                    at.set(kPassword, *password);
                done(at);
            });
            return;
        }
    }
    done(where);
}

} // namespace ferry::gui
