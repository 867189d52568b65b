#include "sqlscriptfolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace ferry {

namespace {

const QString kEmbedded = QStringLiteral(":/ferry/sql");

QStringList scriptNames(const QString &folder)
{
    return QDir(folder).entryList({QStringLiteral("[0-9][0-9][0-9]_*.sql")}, QDir::Files,
                                  QDir::Name);
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

SqlScriptFolder checkSqlScriptFolder(const QString &folder)
{
    SqlScriptFolder checked;
    checked.path = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    const QStringList builtIn = scriptNames(kEmbedded);
    for (const QString &name : builtIn) {
        const QString onDisk = QDir(checked.path).filePath(name);
        if (!QFileInfo::exists(onDisk)
            || contents(onDisk) != contents(kEmbedded + QLatin1Char('/') + name))
            checked.differing << name;
    }
    for (const QString &name : scriptNames(checked.path)) {
        if (!builtIn.contains(name))
            checked.differing << name;
    }
    checked.differing.sort();
    return checked;
}

SqlScriptFolder findSqlScriptFolder()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    QStringList candidates{appDir + QStringLiteral("/../share/ferry/sql")};
#if defined(FERRY_SOURCE_SQL_DIR) && defined(FERRY_BUILD_DIR)
    const QString buildDir = QDir::cleanPath(QStringLiteral(FERRY_BUILD_DIR));
    if (QDir::cleanPath(appDir).startsWith(buildDir + QLatin1Char('/')))
        candidates << QStringLiteral(FERRY_SOURCE_SQL_DIR);
#endif
    for (const QString &folder : std::as_const(candidates)) {
        if (QFileInfo(folder).isDir())
            return checkSqlScriptFolder(folder);
    }
    return {};
}

} // namespace ferry
