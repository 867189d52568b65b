// The SQL scripts installed for DBAs to read (/usr/share/ferry/sql) are the
// very scripts the binaries embed and install into databases; an installed
// ferry finds them beside it and says so, and a copy that is not the one built
// in is named.
#include "queue/sqlscriptfolder.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestSqlFiles : public QObject
{
    Q_OBJECT

private slots:
    void installedCopiesAreTheEmbeddedScripts();
    void installedFerryFindsThem();
    void aCopyThatDiffersIsNamed();
    void aCopiedFerryLooksOnlyBesideItself();
};

namespace {

QByteArray contents(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

void TestSqlFiles::installedCopiesAreTheEmbeddedScripts()
{
    // The folder a `cmake --install` of this build tree filled (CMakeLists.txt).
    const QString installed = qEnvironmentVariable("FERRY_INSTALLED_SQL_DIR");
    QVERIFY2(!installed.isEmpty(), "FERRY_INSTALLED_SQL_DIR is not set");

    const QStringList embedded
        = QDir(QStringLiteral(":/ferry/sql")).entryList(QDir::Files, QDir::Name);
    const QStringList onDisk
        = QDir(installed).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    QVERIFY2(!embedded.isEmpty(), "no SQL script is embedded under :/ferry/sql");
    QCOMPARE(onDisk, embedded);

    for (const QString &name : embedded) {
        const QByteArray inBinary = contents(QStringLiteral(":/ferry/sql/") + name);
        QVERIFY2(!inBinary.isEmpty(), qPrintable(name));
        QVERIFY2(contents(installed + QLatin1Char('/') + name) == inBinary,
                 qPrintable(name + QStringLiteral(" differs from the embedded script")));
    }
}

void TestSqlFiles::installedFerryFindsThem()
{
    // The staged install is PREFIX/bin/ferry beside PREFIX/share/ferry/sql.
    const QString installed = QDir::cleanPath(qEnvironmentVariable("FERRY_INSTALLED_SQL_DIR"));
    QVERIFY(!installed.isEmpty());
    const QString ferry = QDir::cleanPath(installed + QStringLiteral("/../../../bin/ferry"));
    QProcess run;
    run.start(ferry, {QStringLiteral("--version")});
    QVERIFY2(run.waitForFinished(10000), qPrintable(ferry));
    QCOMPARE(run.exitCode(), 0);
    const QStringList lines
        = QString::fromUtf8(run.readAllStandardOutput()).split(QLatin1Char('\n'));
    QCOMPARE(lines.value(2), QStringLiteral("SQL scripts: %1 (the ones built in)").arg(installed));
}

void TestSqlFiles::aCopyThatDiffersIsNamed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList embedded
        = QDir(QStringLiteral(":/ferry/sql")).entryList(QDir::Files, QDir::Name);
    QVERIFY(embedded.size() >= 3);
    for (const QString &name : embedded)
        QVERIFY(QFile::copy(QStringLiteral(":/ferry/sql/") + name, dir.filePath(name)));
    QVERIFY(ferry::checkSqlScriptFolder(dir.path()).differing.isEmpty());

    // One edited, one missing, one that this binary does not have.
    QFile edited(dir.filePath(embedded.at(1)));
    QVERIFY(edited.setPermissions(edited.permissions() | QFileDevice::WriteOwner));
    QVERIFY(edited.open(QIODevice::Append));
    edited.write("-- a DBA's note\n");
    edited.close();
    QVERIFY(QFile::remove(dir.filePath(embedded.at(2))));
    QFile newer(dir.filePath(QStringLiteral("999_newer.sql")));
    QVERIFY(newer.open(QIODevice::WriteOnly));
    newer.close();
    const ferry::SqlScriptFolder checked = ferry::checkSqlScriptFolder(dir.path());
    QCOMPARE(checked.path, QDir::cleanPath(dir.path()));
    QCOMPARE(checked.differing,
             (QStringList{embedded.at(1), embedded.at(2), QStringLiteral("999_newer.sql")}));
}

void TestSqlFiles::aCopiedFerryLooksOnlyBesideItself()
{
    // A binary taken out of its build folder (or a package's, built
    // elsewhere) never reads the build machine's source tree.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("bin/ferry"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("bin"))));
    QVERIFY(QFile::copy(QStringLiteral(FERRY_CLI), copy));
    QProcess run;
    run.start(copy, {QStringLiteral("--version")});
    QVERIFY(run.waitForFinished(10000));
    QCOMPARE(run.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(run.readAllStandardOutput()).split(QLatin1Char('\n')).value(2),
             QStringLiteral("SQL scripts: built in (no copy to read found beside ferry)"));
}

QTEST_GUILESS_MAIN(TestSqlFiles)
#include "tst_sqlfiles.moc"
