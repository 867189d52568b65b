#include "profiles/connectionprofile.h"

#include "common/localstore.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry::gui {

QString passwordStoreName(PasswordStore store)
{
    switch (store) {
    case PasswordStore::Keychain:
        return QStringLiteral("keychain");
    case PasswordStore::PgPass:
        return QStringLiteral("pgpass");
    case PasswordStore::None:
        break;
    }
    return QStringLiteral("none");
}

PasswordStore passwordStoreFromName(const QString &name)
{
    if (name == QLatin1String("keychain"))
        return PasswordStore::Keychain;
    if (name == QLatin1String("pgpass"))
        return PasswordStore::PgPass;
    return PasswordStore::None;
}

QStringList sslModes()
{
    return {QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
}

ConnectionString ConnectionProfile::connectionString(const QString &password) const
{
    ConnectionString c;
    if (!host.isEmpty())
        c.set(QStringLiteral("host"), host);
    c.set(QStringLiteral("port"), QString::number(port));
    c.set(QStringLiteral("dbname"), dbname);
    if (!user.isEmpty())
        c.set(QStringLiteral("user"), user);
    if (!sslmode.isEmpty())
        c.set(QStringLiteral("sslmode"), sslmode);
    if (!password.isEmpty())
        c.set(QStringLiteral("password"), password);
    return c;
}

QString ConnectionProfile::address() const
{
    return QStringLiteral("%1@%2:%3/%4")
        .arg(user, host.isEmpty() ? QStringLiteral("localhost") : host)
        .arg(port)
        .arg(dbname);
}

Result<JobConfig> ConnectionProfile::jobConfig(const QString &password) const
{
    if (!configPath.isEmpty()) {
        auto config = JobConfig::load(configPath);
        if (!config || password.isEmpty())
            return config;
        return config->withDbPassword(password);
    }
    if (queue.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("profile '%1' names no queue; edit it and pick one after "
                                    "Test Connection")
                         .arg(name));
    // A config of our own, parsed like a file so every check applies. It has
    // no path and no pidfile or logfile (empty, not the defaults: those would
    // name files of a job called ferry_gui), so no worker runs from it.
    // The connection string is quoted by ConnectionString; '%' is doubled so
    // no value is read as an interpolation; the job name is unused.
    auto escaped = [](QString v) {
        return v.replace(QLatin1Char('%'), QStringLiteral("%%"));
    };
    QString text = QStringLiteral("[ferry]\njob_name = ferry_gui\nqueue_name = %1\ndb = %2\n"
                                  "logfile =\npidfile =\n")
                       .arg(escaped(queue), escaped(connectionString(password).toString()));
    return JobConfig::parse(text.toUtf8(), QString());
}

Result<ConnectionProfile> profileFromConfig(const QString &path, QString *password)
{
    auto config = JobConfig::load(path);
    if (!config)
        return config.error();
    const ConnectionString db = config->db();
    ConnectionProfile p;
    p.name = QFileInfo(path).completeBaseName();
    p.host = db.value(QStringLiteral("host"));
    bool ok = false;
    const int port = db.value(QStringLiteral("port")).toInt(&ok);
    p.port = ok ? port : 5432;
    p.dbname = db.value(QStringLiteral("dbname"));
    p.user = db.value(QStringLiteral("user"));
    const QString ssl = db.value(QStringLiteral("sslmode"));
    p.sslmode = ssl.isEmpty() ? QStringLiteral("prefer") : ssl;
    p.queue = config->queueName();
    p.configPath = QFileInfo(path).absoluteFilePath();
    if (password)
        *password = db.value(QStringLiteral("password"));
    return p;
}

ProfileStore::ProfileStore(LocalStore *store)
    : m_store(store)
{}

namespace {

const QString kColumns = QStringLiteral(
    "id, name, host, port, dbname, username, sslmode, password_store, queue, config_path");

ConnectionProfile readProfile(const QSqlQuery &q)
{
    ConnectionProfile p;
    p.id = q.value(0).toLongLong();
    p.name = q.value(1).toString();
    p.host = q.value(2).toString();
    p.port = q.value(3).toInt();
    p.dbname = q.value(4).toString();
    p.user = q.value(5).toString();
    p.sslmode = q.value(6).toString();
    p.passwordStore = passwordStoreFromName(q.value(7).toString());
    p.queue = q.value(8).toString();
    p.configPath = q.value(9).toString();
    return p;
}

} // namespace

QList<ConnectionProfile> ProfileStore::list() const
{
    QList<ConnectionProfile> profiles;
    if (!m_store || !m_store->isOpen())
        return profiles;
    QSqlQuery q(m_store->database());
    if (!q.exec(QStringLiteral("SELECT %1 FROM profile ORDER BY name").arg(kColumns)))
        return profiles;
    while (q.next())
        profiles.append(readProfile(q));
    return profiles;
}

std::optional<ConnectionProfile> ProfileStore::find(qint64 id) const
{
    if (!m_store || !m_store->isOpen())
        return std::nullopt;
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT %1 FROM profile WHERE id = ?").arg(kColumns));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return readProfile(q);
}

namespace {

Error duplicateName(const QString &name)
{
    return Error(ErrorKind::Usage,
                 QStringLiteral("a profile named '%1' exists already; choose another name")
                     .arg(name.trimmed()));
}

} // namespace

Result<void> ProfileStore::validate(const ConnectionProfile &p) const
{
    if (!m_store || !m_store->isOpen())
        return Error(ErrorKind::Io, QStringLiteral("the local store is not open"));
    if (p.name.trimmed().isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("a profile needs a name"));
    if (p.dbname.isEmpty())
        return Error(ErrorKind::Usage,
                     QStringLiteral("profile '%1' needs a database name").arg(p.name));
    for (const ConnectionProfile &other : list()) {
        if (other.id != p.id && other.name == p.name.trimmed())
            return duplicateName(p.name);
    }
    return {};
}

Result<qint64> ProfileStore::save(const ConnectionProfile &p)
{
    if (auto valid = validate(p); !valid)
        return valid.error();
    QSqlQuery q(m_store->database());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (p.id == 0) {
        q.prepare(QStringLiteral("INSERT INTO profile (name, host, port, dbname, username, "
                                 "sslmode, password_store, queue, config_path, created_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    } else {
        q.prepare(QStringLiteral("UPDATE profile SET name = ?, host = ?, port = ?, dbname = ?, "
                                 "username = ?, sslmode = ?, password_store = ?, queue = ?, "
                                 "config_path = ?, updated_at = ? WHERE id = ?"));
    }
    // A null QString binds as SQL NULL; the columns hold '' for "not set".
    auto text = [](const QString &v) {
        return QVariant(v.isNull() ? QStringLiteral("") : v);
    };
    for (const QVariant &v :
         {text(p.name.trimmed()), text(p.host), QVariant(p.port), text(p.dbname), text(p.user),
          text(p.sslmode), text(passwordStoreName(p.passwordStore)), text(p.queue),
          text(p.configPath)})
        q.addBindValue(v);
    if (p.id == 0) {
        q.addBindValue(now);
        q.addBindValue(now);
    } else {
        q.addBindValue(now);
        q.addBindValue(p.id);
    }
    if (!q.exec()) {
        if (q.lastError().nativeErrorCode() == QLatin1String("2067")) // SQLITE_CONSTRAINT_UNIQUE
            return duplicateName(p.name);
        return Error(
            ErrorKind::Io,
            QStringLiteral("cannot save profile '%1': %2").arg(p.name, q.lastError().text()));
    }
    return p.id == 0 ? q.lastInsertId().toLongLong() : p.id;
}

Result<void> ProfileStore::remove(qint64 id)
{
    if (!m_store || !m_store->isOpen())
        return Error(ErrorKind::Io, QStringLiteral("the local store is not open"));
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("DELETE FROM profile WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return Error(ErrorKind::Io, q.lastError().text());
    return {};
}

} // namespace ferry::gui
