#include "common/localstore.h"

#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QIODevice>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace ferry::gui {

namespace {

// One statement list per schema version: version N is reached by running
// kMigrations[N - 1] on version N - 1.
const char *const kVersion1[] = {
    "CREATE TABLE setting ("
    " key TEXT PRIMARY KEY,"
    " value BLOB NOT NULL)",
    // A node connection. The password is never here: password_store says where
    // it is ('keychain', 'pgpass' or 'none').
    "CREATE TABLE profile ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " host TEXT NOT NULL DEFAULT '',"
    " port INTEGER NOT NULL DEFAULT 5432,"
    " dbname TEXT NOT NULL,"
    " username TEXT NOT NULL DEFAULT '',"
    " sslmode TEXT NOT NULL DEFAULT 'prefer',"
    " password_store TEXT NOT NULL DEFAULT 'none',"
    " queue TEXT NOT NULL DEFAULT '',"
    " config_path TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL)",
    // Lag of one node of one cascade over time. scope names the cascade
    // (queue@root location, no password), at_ms is the UTC epoch in ms.
    "CREATE TABLE lag_sample ("
    " scope TEXT NOT NULL,"
    " node TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL,"
    " lag_s REAL,"
    " PRIMARY KEY (scope, node, at_ms)) WITHOUT ROWID",
    "CREATE INDEX lag_sample_at ON lag_sample (at_ms)",
};

struct Migration
{
    const char *const *statements;
    size_t count;
};

const Migration kMigrations[] = {
    {kVersion1, std::size(kVersion1)},
};
static_assert(std::size(kMigrations) == LocalStore::kSchemaVersion);

Error storeError(const QString &what, const QSqlError &error)
{
    return Error(ErrorKind::Io, QStringLiteral("%1: %2").arg(what, error.text()));
}

QByteArray encode(const QVariant &value)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << value;
    return bytes;
}

QVariant decode(const QByteArray &bytes)
{
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_4);
    QVariant value;
    in >> value;
    return in.status() == QDataStream::Ok ? value : QVariant();
}

} // namespace

LocalStore::LocalStore(QString path)
    : m_path(path.isEmpty() ? defaultPath() : std::move(path))
    , m_connectionName(QStringLiteral("ferry-store-") + QUuid::createUuid().toString(QUuid::Id128))
{}

LocalStore::~LocalStore()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString LocalStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
           + QStringLiteral("/ferry.sqlite");
}

QSqlDatabase LocalStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

Result<void> LocalStore::open()
{
    if (m_open)
        return {};
    const QString where = QStringLiteral("local store %1").arg(m_path);
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return Error(ErrorKind::Io,
                     QStringLiteral("%1: cannot create its folder; check the permissions of %2")
                         .arg(where, QFileInfo(m_path).absolutePath()));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid())
        return Error(ErrorKind::Internal,
                     QStringLiteral("%1: Qt's SQLite driver is missing (install libqt6sql6-sqlite)")
                         .arg(where));
    db.setDatabaseName(m_path);
    // A second ferry-gui (say the tray and a window) may write at the same time.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=3000"));
    if (!db.open())
        return storeError(where, db.lastError());
    QSqlQuery(db).exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    QSqlQuery(db).exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    if (auto migrated = migrate(); !migrated) {
        db.close();
        return migrated.error().withContext(where);
    }
    m_open = true;
    return {};
}

Result<void> LocalStore::migrate()
{
    QSqlDatabase db = database();
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return storeError(QStringLiteral("reading the schema version"), query.lastError());
    const int version = query.value(0).toInt();
    if (version > kSchemaVersion)
        return Error(ErrorKind::Config,
                     QStringLiteral("written by a newer Ferry (schema %1, this one knows %2); "
                                    "upgrade Ferry or move the file away")
                         .arg(version)
                         .arg(kSchemaVersion));
    if (version == kSchemaVersion)
        return {};
    if (!db.transaction())
        return storeError(QStringLiteral("starting the upgrade"), db.lastError());
    for (int v = version; v < kSchemaVersion; ++v) {
        const Migration &m = kMigrations[v];
        for (size_t i = 0; i < m.count; ++i) {
            if (!query.exec(QString::fromLatin1(m.statements[i]))) {
                const QSqlError error = query.lastError();
                db.rollback();
                return storeError(QStringLiteral("upgrading to schema %1").arg(v + 1), error);
            }
        }
    }
    // PRAGMA takes no parameters; the value is our own constant.
    if (!query.exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion))) {
        const QSqlError error = query.lastError();
        db.rollback();
        return storeError(QStringLiteral("recording the schema version"), error);
    }
    if (!db.commit())
        return storeError(QStringLiteral("committing the upgrade"), db.lastError());
    return {};
}

QVariant LocalStore::setting(const QString &key, const QVariant &fallback) const
{
    if (!m_open)
        return fallback;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT value FROM setting WHERE key = ?"));
    query.addBindValue(key);
    if (!query.exec() || !query.next())
        return fallback;
    const QVariant value = decode(query.value(0).toByteArray());
    return value.isValid() ? value : fallback;
}

bool LocalStore::setSetting(const QString &key, const QVariant &value)
{
    if (!m_open)
        return false;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO setting (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    query.addBindValue(key);
    query.addBindValue(encode(value));
    return query.exec();
}

bool LocalStore::removeSetting(const QString &key)
{
    if (!m_open)
        return false;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("DELETE FROM setting WHERE key = ?"));
    query.addBindValue(key);
    return query.exec();
}

bool LocalStore::containsSetting(const QString &key) const
{
    if (!m_open)
        return false;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT 1 FROM setting WHERE key = ?"));
    query.addBindValue(key);
    return query.exec() && query.next();
}

bool LocalStore::clearSettings()
{
    return m_open && QSqlQuery(database()).exec(QStringLiteral("DELETE FROM setting"));
}

} // namespace ferry::gui
