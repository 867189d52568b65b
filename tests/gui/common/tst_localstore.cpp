#include "common/localstore.h"

#include <QSqlQuery>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

using ferry::gui::LocalStore;

class TestLocalStore : public QObject
{
    Q_OBJECT

private slots:
    void createsSchemaAndKeepsSettingsTyped();
    void reopenIsNoUpgrade();
    void refusesNewerSchema();
    void unwritableFolderIsOneLineError();

private:
    QTemporaryDir m_dir;
};

void TestLocalStore::createsSchemaAndKeepsSettingsTyped()
{
    const QString path = m_dir.filePath(QStringLiteral("a/b/ferry.sqlite"));
    {
        LocalStore store(path);
        QVERIFY(!store.isOpen());
        QCOMPARE(store.setting(QStringLiteral("x"), 7).toInt(), 7); // closed: fallback
        auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened ? QString() : opened.error().toString()));
        QSqlQuery q(store.database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), LocalStore::kSchemaVersion);
        QVERIFY(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "ORDER BY name")));
        QStringList tables;
        while (q.next())
            tables << q.value(0).toString();
        QCOMPARE(tables, (QStringList{QStringLiteral("lag_sample"), QStringLiteral("profile"),
                                      QStringLiteral("setting")}));

        QVERIFY(store.setSetting(QStringLiteral("list"),
                                 QStringList{QStringLiteral("a"), QStringLiteral("b,c")}));
        QVERIFY(store.setSetting(QStringLiteral("bytes"), QByteArray("\0\1\2", 3)));
        QVERIFY(store.setSetting(QStringLiteral("n"), 42));
        QVERIFY(store.setSetting(QStringLiteral("n"), 43)); // replaces
        QVERIFY(store.setSetting(QStringLiteral("gone"), true));
        QVERIFY(store.removeSetting(QStringLiteral("gone")));
    }
    LocalStore again(path);
    QVERIFY(again.open().ok());
    QCOMPARE(again.setting(QStringLiteral("list")).toStringList(),
             (QStringList{QStringLiteral("a"), QStringLiteral("b,c")}));
    QCOMPARE(again.setting(QStringLiteral("bytes")).toByteArray(), QByteArray("\0\1\2", 3));
    QCOMPARE(again.setting(QStringLiteral("n")).typeId(), QMetaType::Int);
    QCOMPARE(again.setting(QStringLiteral("n")).toInt(), 43);
    QCOMPARE(again.setting(QStringLiteral("gone"), QStringLiteral("fb")).toString(),
             QStringLiteral("fb"));
}

void TestLocalStore::reopenIsNoUpgrade()
{
    const QString path = m_dir.filePath(QStringLiteral("reopen.sqlite"));
    {
        LocalStore store(path);
        QVERIFY(store.open().ok());
        QSqlQuery q(store.database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO lag_sample VALUES ('s', 'n', 1, 0.5)")));
    }
    LocalStore store(path);
    QVERIFY(store.open().ok());
    QSqlQuery q(store.database());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM lag_sample")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
}

void TestLocalStore::refusesNewerSchema()
{
    const QString path = m_dir.filePath(QStringLiteral("newer.sqlite"));
    {
        LocalStore store(path);
        QVERIFY(store.open().ok());
        QSqlQuery q(store.database());
        QVERIFY(
            q.exec(QStringLiteral("PRAGMA user_version = %1").arg(LocalStore::kSchemaVersion + 1)));
    }
    LocalStore store(path);
    auto opened = store.open();
    QVERIFY(!opened.ok());
    QVERIFY(!store.isOpen());
    const QString text = opened.error().toString();
    QVERIFY2(text.contains(QStringLiteral("newer Ferry")), qPrintable(text));
    QVERIFY(!text.contains(QLatin1Char('\n')));
    QVERIFY(!store.setSetting(QStringLiteral("k"), 1));
}

void TestLocalStore::unwritableFolderIsOneLineError()
{
    // A file where the folder should be: mkpath fails whoever runs the test.
    const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    LocalStore store(blocker + QStringLiteral("/sub/ferry.sqlite"));
    auto opened = store.open();
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().toString().contains(QStringLiteral("cannot create its folder")),
             qPrintable(opened.error().toString()));
}

QTEST_GUILESS_MAIN(TestLocalStore)
#include "tst_localstore.moc"
