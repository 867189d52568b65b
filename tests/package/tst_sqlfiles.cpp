// The SQL scripts installed for DBAs to read (/usr/share/ferry/sql) are the
// very scripts the binaries embed and install into databases.
#include <QDir>
#include <QFile>
#include <QtTest>

class TestSqlFiles : public QObject
{
    Q_OBJECT

private slots:
    void installedCopiesAreTheEmbeddedScripts();
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

QTEST_GUILESS_MAIN(TestSqlFiles)
#include "tst_sqlfiles.moc"
