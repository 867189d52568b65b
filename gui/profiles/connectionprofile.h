#pragma once

#include "config/jobconfig.h"
#include "db/connectionstring.h"

#include <QList>
#include <QString>

#include <optional>

namespace ferry::gui {

class LocalStore;

// Where a profile's password is kept. Never in the local store or an INI file.
enum class PasswordStore { None, Keychain, PgPass };

QString passwordStoreName(PasswordStore store);
PasswordStore passwordStoreFromName(const QString &name);

// A node connection the user saved: where to connect and as whom, the queue to
// watch there, and, when it was imported, the CONFIG.ini it came from.
struct ConnectionProfile
{
    qint64 id = 0; // 0: not saved yet
    QString name;
    QString host; // empty: libpq's default (the Unix socket)
    int port = 5432;
    QString dbname;
    QString user;
    QString sslmode = QStringLiteral("prefer");
    PasswordStore passwordStore = PasswordStore::None;
    QString queue;      // empty: the only queue the database has a node for
    QString configPath; // the imported CONFIG.ini, if any

    // host=... port=... dbname=... user=... sslmode=... [password=...]. The
    // password, when given, lives only in the returned value (in memory).
    ConnectionString connectionString(const QString &password = QString()) const;
    // "user@host:port/db", the keychain's key and what lists show.
    QString address() const;
    // The job the window watches: the imported CONFIG.ini as loaded, else a
    // config made of this profile (no logfile, no pidfile).
    Result<JobConfig> jobConfig(const QString &password = QString()) const;
};

// The sslmode values libpq knows, weakest first.
QStringList sslModes();

// The profile of a job's CONFIG.ini: its db's fields, queue and path. A
// password in the file is returned in `password` so the caller can move it to
// the keychain or .pgpass.
Result<ConnectionProfile> profileFromConfig(const QString &path, QString *password = nullptr);

// The profiles in the local store (table profile), ordered by name.
class ProfileStore
{
public:
    explicit ProfileStore(LocalStore *store);

    QList<ConnectionProfile> list() const;
    std::optional<ConnectionProfile> find(qint64 id) const;
    // What save() would refuse: no name, no database, a name another profile has.
    Result<void> validate(const ConnectionProfile &profile) const;
    // Inserts (id 0) or updates; returns the id. Fails on a duplicate name.
    Result<qint64> save(const ConnectionProfile &profile);
    Result<void> remove(qint64 id);

private:
    LocalStore *m_store;
};

} // namespace ferry::gui
