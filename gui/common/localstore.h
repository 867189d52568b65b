#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

namespace ferry::gui {

// The desktop manager's own state in one SQLite file (through QtSql) in the
// standard app-data folder: the user's settings, connection profiles and lag
// history. Nothing in it is secret: passwords live in the system keychain or
// ~/.pgpass (see ProfileStore).
//
// The schema is versioned with PRAGMA user_version; open() creates or upgrades
// it in one transaction and refuses a file written by a newer Ferry.
//
// A store belongs to the thread that opened it (QSqlDatabase connections are
// per thread). Its statements touch one local file and take well under a
// millisecond, so the UI thread uses it directly.
class LocalStore
{
public:
    // The schema this build writes. Version 1: setting, profile, lag_sample.
    static constexpr int kSchemaVersion = 1;

    // `path` empty: defaultPath().
    explicit LocalStore(QString path = QString());
    ~LocalStore();
    LocalStore(const LocalStore &) = delete;
    LocalStore &operator=(const LocalStore &) = delete;

    // AppDataLocation/ferry.sqlite (e.g. ~/.local/share/Ferry/ferry-gui/ferry.sqlite).
    static QString defaultPath();

    // Creates the folder and file as needed, then the schema. On failure the
    // store stays closed and every call below is a no-op returning the fallback.
    Result<void> open();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    QSqlDatabase database() const;

    // Settings keep their QVariant type (QByteArray, QStringList, int, ...).
    QVariant setting(const QString &key, const QVariant &fallback = QVariant()) const;
    bool setSetting(const QString &key, const QVariant &value);
    bool removeSetting(const QString &key);
    bool containsSetting(const QString &key) const;
    // Every setting gone (tests start from a clean slate with it).
    bool clearSettings();

private:
    Result<void> migrate();

    QString m_path;
    QString m_connectionName;
    bool m_open = false;
};

} // namespace ferry::gui
