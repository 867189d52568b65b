#include "schemainstaller.h"

#include "db/transaction.h"
#include "util/logging.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>

namespace ferry {

namespace {

// Any constant works; it only has to be the same for every Ferry process.
constexpr qint64 kInstallLockKey = 0x4665727279; // "Ferry"

// Version number -> resource path of its script.
QMap<int, QString> scripts()
{
    static const QRegularExpression name(QStringLiteral("^(\\d{3})_[a-z0-9_]+\\.sql$"));
    QMap<int, QString> result;
    const QDir dir(QStringLiteral(":/ferry/sql"));
    for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
        const auto m = name.match(file);
        if (m.hasMatch())
            result.insert(m.captured(1).toInt(), dir.filePath(file));
    }
    return result;
}

} // namespace

int SchemaInstaller::latestVersion()
{
    const auto all = scripts();
    return all.isEmpty() ? 0 : all.lastKey();
}

Result<int> SchemaInstaller::installedVersion(Connection &connection)
{
    auto exists
        = connection.exec(QStringLiteral("SELECT to_regclass('ferry.schema_version') IS NOT NULL"));
    if (!exists)
        return exists.error();
    if (!exists->toBool(0, 0))
        return 0;
    auto version = connection.exec(QStringLiteral("SELECT max(version) FROM ferry.schema_version"));
    if (!version)
        return version.error();
    return int(version->toInt64(0, 0));
}

Result<SchemaInstaller::Outcome> SchemaInstaller::install(Connection &connection, int targetVersion)
{
    const QMap<int, QString> all = scripts();
    const int latest = latestVersion();
    if (targetVersion <= 0)
        targetVersion = latest;
    if (targetVersion > latest)
        return Error(ErrorKind::Internal,
                     QStringLiteral("no schema version %1").arg(targetVersion));
    if (connection.serverVersion() < 130000)
        return Error(ErrorKind::Config,
                     QStringLiteral("%1 runs PostgreSQL %2; Ferry needs 13 or later")
                         .arg(connection.displayName())
                         .arg(connection.serverVersion() / 10000));

    auto tx = Transaction::begin(connection);
    if (!tx)
        return tx.error();
    if (auto r
        = connection.exec(QStringLiteral("SELECT pg_advisory_xact_lock($1)"), {kInstallLockKey});
        !r)
        return r.error();
    auto installed = installedVersion(connection);
    if (!installed)
        return installed.error();
    Outcome outcome{installed.value(), installed.value()};
    if (outcome.fromVersion > latest)
        return Error(ErrorKind::Config,
                     QStringLiteral("%1 has Ferry schema version %2, newer than this Ferry knows "
                                    "(up to %3): upgrade Ferry before using this database")
                         .arg(connection.displayName())
                         .arg(outcome.fromVersion)
                         .arg(latest));
    if (outcome.fromVersion >= targetVersion)
        return outcome; // nothing to do; the transaction rolls back harmlessly

    for (int v = outcome.fromVersion + 1; v <= targetVersion; ++v) {
        QFile file(all.value(v));
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorKind::Internal,
                         QStringLiteral("schema script for version %1 is missing").arg(v));
        if (auto r = connection.exec(QString::fromUtf8(file.readAll())); !r)
            return r.error().withContext(
                QStringLiteral("installing Ferry schema version %1").arg(v));
    }
    if (auto r
        = connection.exec(QStringLiteral("DELETE FROM ferry.schema_version; "
                                         "INSERT INTO ferry.schema_version (version) VALUES (%1)")
                              .arg(targetVersion));
        !r)
        return r.error();
    if (auto r = tx->commit(); !r)
        return r.error();
    outcome.toVersion = targetVersion;
    qCInfo(lcCore).noquote() << QStringLiteral("Ferry schema on %1 now at version %2 (was %3)")
                                    .arg(connection.displayName())
                                    .arg(targetVersion)
                                    .arg(outcome.fromVersion);
    return outcome;
}

Result<void> SchemaInstaller::uninstall(Connection &connection)
{
    auto tx = Transaction::begin(connection);
    if (!tx)
        return tx.error();
    // CASCADE lists every dropped object as a NOTICE; nobody needs that in the log.
    if (auto r = connection.exec(QStringLiteral("SET LOCAL client_min_messages = warning")); !r)
        return r.error();
    if (auto r = connection.exec(QStringLiteral("DROP SCHEMA IF EXISTS ferry CASCADE")); !r)
        return r.error();
    return tx->commit();
}

} // namespace ferry
