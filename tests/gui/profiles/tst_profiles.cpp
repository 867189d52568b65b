// Connection profiles against a real server that asks for a password
// (scram-sha-256 on loopback): profiles kept in the local store without their
// password, the password in ~/.pgpass (here $PGPASSFILE) where libpq finds it,
// the dialog's connection test off the UI thread and what it says to do when
// it fails, INI import, the main window opening a profile's cascade, and a
// dialog that cannot lose a password where no keychain runs (this process
// has no session bus: no keychain answers it on any machine).
#include "app/mainwindow.h"
#include "cascade/cascadeview.h"
#include "cascade/nodeadmin.h"
#include "common/localstore.h"
#include "db/connection.h"
#include "ferryprocess.h"
#include "mnemonics.h"
#include "pgcluster.h"
#include "profiles/connectionprofile.h"
#include "profiles/passwordvault.h"
#include "profiles/profiledialog.h"
#include "profiles/profilesdialog.h"
#include "testutil.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;

namespace {

// ':' and '\' must be escaped in .pgpass; the rest checks quoting elsewhere.
const QString kPassword = QStringLiteral("s3cr:t\\pw'x");
const QString kQueue = QStringLiteral("replika");

// ProfilesDialog::saveProfile's answer, which the keychain gives later.
Result<qint64> save(ProfilesDialog &dialog, const ConnectionProfile &p, const QString &password)
{
    std::optional<Result<qint64>> saved;
    dialog.saveProfile(p, password, [&saved](Result<qint64> r) { saved = std::move(r); });
    if (!QTest::qWaitFor([&saved] { return saved.has_value(); }, 30000))
        return Error(ErrorKind::Internal, QStringLiteral("saveProfile never answered"));
    return *saved;
}

qint64 selectedId(const ProfilesDialog &dialog)
{
    const QTreeWidgetItem *item = dialog.list()->currentItem();
    return item ? item->data(0, Qt::UserRole).toLongLong() : 0;
}

} // namespace

class TestProfiles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void storeKeepsProfilesWithoutPasswords();
    void pgpassLineLetsLibpqConnect();
    void dialogTestsConnectionOffTheUiThread();
    void importsConfigAndMovesItsPassword();
    void editingTheConnectionAsksForThePassword();
    void mainWindowOpensProfile();
    void keychainAnswersOrSaysWhy();
    void keychainMissingCannotLosePassword();
    void keychainWriteFailureSavesNothing();
    void savedProfileIsSelected();
    void saveNeedsAQueueAndSaysWhatItDropped();
    void mnemonicsAreUnique();

private:
    ConnectionProfile profile(const QString &name) const;

    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_cluster;
    std::unique_ptr<LocalStore> m_store;
    QString m_pgpass;
};

ConnectionProfile TestProfiles::profile(const QString &name) const
{
    ConnectionProfile p;
    p.name = name;
    p.host = QStringLiteral("127.0.0.1");
    p.port = m_cluster->port();
    p.dbname = QStringLiteral("digoal_01");
    p.user = QStringLiteral("postgres");
    p.sslmode = QStringLiteral("disable");
    p.queue = kQueue;
    return p;
}

void TestProfiles::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    // No session bus, so no Secret Service or KWallet: the keychain is
    // missing here on a desktop too (set before anything talks D-Bus).
    qputenv("DBUS_SESSION_BUS_ADDRESS",
            "unix:path=" + m_dir.filePath(QStringLiteral("no-bus")).toUtf8());
    m_pgpass = m_dir.filePath(QStringLiteral("pgpass"));
    qputenv("PGPASSFILE", m_pgpass.toUtf8());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("store.sqlite")));
    QVERIFY_RESULT(m_store->open());

    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("digoal_01")));
    const QString db = m_cluster->connectionString(QStringLiteral("digoal_01"));
    {
        auto c = Connection::open(db);
        QVERIFY_RESULT(c);
        NodeSetup root;
        root.db = *ConnectionString::parse(db);
        root.queue = kQueue;
        root.nodeName = QStringLiteral("digoal_01");
        root.workerName = QStringLiteral("root_job");
        QVERIFY_RESULT(NodeAdmin::createRoot(root));
        QVERIFY_RESULT(c->exec(QStringLiteral("SET password_encryption = 'scram-sha-256'")));
        auto alter = c->exec(QStringLiteral("SELECT format('ALTER ROLE postgres PASSWORD %L', "
                                            "$1::text)"),
                             {kPassword});
        QVERIFY_RESULT(alter);
        QVERIFY_RESULT(c->exec(alter->text(0, 0)));
    }
    // From now on TCP logins need the password.
    const QString hba = m_cluster->dataDirectory() + QStringLiteral("/pg_hba.conf");
    QVERIFY(
        ferry::test::writeText(hba, QStringLiteral("local all all trust\n"
                                                   "host all all 127.0.0.1/32 scram-sha-256\n")));
    auto c = Connection::open(db + QStringLiteral(" password=")
                              + ConnectionString::quoteValue(kPassword));
    QVERIFY_RESULT(c);
    QVERIFY_RESULT(c->exec(QStringLiteral("SELECT pg_reload_conf()")));
    QTest::qWait(300);
    auto refused = Connection::open(db);
    QVERIFY2(!refused.ok(), "the server must ask for a password now");
}

void TestProfiles::cleanupTestCase()
{
    m_cluster.reset();
}

void TestProfiles::storeKeepsProfilesWithoutPasswords()
{
    ProfilesDialog dialog(m_store.get());
    ConnectionProfile p = profile(QStringLiteral("root"));
    p.passwordStore = PasswordStore::PgPass;
    auto id = save(dialog, p, kPassword);
    QVERIFY_RESULT(id);
    QCOMPARE(dialog.list()->topLevelItemCount(), 1);
    QCOMPARE(dialog.list()->topLevelItem(0)->text(1),
             QStringLiteral("postgres@127.0.0.1:%1/digoal_01").arg(m_cluster->port()));

    const auto found = ProfileStore(m_store.get()).find(*id);
    QVERIFY(found);
    QCOMPARE(found->name, p.name);
    QCOMPARE(found->port, p.port);
    QCOMPARE(found->sslmode, QStringLiteral("disable"));
    QCOMPARE(found->passwordStore, PasswordStore::PgPass);
    QCOMPARE(found->queue, kQueue);

    // A second profile of the same name is refused with one line.
    ConnectionProfile twin = profile(QStringLiteral("root"));
    auto dup = ProfileStore(m_store.get()).save(twin);
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().toString(),
             QStringLiteral("a profile named 'root' exists already; choose another name"));

    // Neither the SQLite file nor its WAL holds the password.
    for (const QString &file : {m_store->path(), m_store->path() + QStringLiteral("-wal")}) {
        QFile f(file);
        if (!f.exists())
            continue;
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(kPassword.toUtf8()), qPrintable(file));
    }
}

void TestProfiles::pgpassLineLetsLibpqConnect()
{
    QFile file(m_pgpass);
    QVERIFY(file.exists());
    QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    const ConnectionProfile p = profile(QStringLiteral("root"));
    QCOMPARE(ferry::test::readText(m_pgpass),
             QStringLiteral("127.0.0.1:%1:digoal_01:postgres:s3cr\\:t\\\\pw'x\n")
                 .arg(m_cluster->port()));
    // libpq finds it: no password in the connection string.
    auto c = Connection::open(p.connectionString());
    QVERIFY_RESULT(c);

    // Saving again replaces the line; other lines stay.
    QVERIFY(ferry::test::writeText(m_pgpass, ferry::test::readText(m_pgpass)
                                                 + QStringLiteral("otherhost:5432:*:bob:pw\n")));
    ConnectionProfile again = p;
    again.id = ProfileStore(m_store.get()).list().constFirst().id;
    again.passwordStore = PasswordStore::PgPass;
    ProfilesDialog dialog(m_store.get());
    QVERIFY_RESULT(save(dialog, again, kPassword));
    const QStringList lines
        = ferry::test::readText(m_pgpass).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1), QStringLiteral("otherhost:5432:*:bob:pw"));

    // libpq takes the first match: a new line goes before a wildcard one.
    QVERIFY(ferry::test::writeText(m_pgpass, QStringLiteral("*:*:*:postgres:old\n")));
    QVERIFY_RESULT(PgPass::store(p, kPassword));
    QVERIFY_RESULT(Connection::open(p.connectionString()));
    QVERIFY(ferry::test::readText(m_pgpass).endsWith(QStringLiteral("\n*:*:*:postgres:old\n")));

    // A socket folder other than libpq's default is matched by its path; the
    // default one (and no host) as localhost.
    ConnectionProfile socket = p;
    socket.host = QStringLiteral("/tmp/some:dir");
    QVERIFY_RESULT(PgPass::store(socket, QStringLiteral("x")));
    socket.host = QStringLiteral("/var/run/postgresql");
    QVERIFY_RESULT(PgPass::store(socket, QStringLiteral("y")));
    const QStringList socketLines
        = ferry::test::readText(m_pgpass).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(socketLines.at(0), QStringLiteral("localhost:%1:digoal_01:postgres:y").arg(p.port));
    QCOMPARE(socketLines.at(1),
             QStringLiteral("/tmp/some\\:dir:%1:digoal_01:postgres:x").arg(p.port));
}

void TestProfiles::dialogTestsConnectionOffTheUiThread()
{
    ConnectionProfile p = profile(QStringLiteral("new"));
    p.queue.clear();
    ProfileDialog dialog(p);
    dialog.show();
    QSignalSpy tested(&dialog, &ProfileDialog::tested);

    // A heartbeat on the UI thread: the test runs on a worker.
    QElapsedTimer clock;
    qint64 last = 0, maxGap = 0;
    QTimer beat;
    beat.setInterval(10);
    connect(&beat, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        maxGap = qMax(maxGap, now - last);
        last = now;
    });
    clock.start();
    beat.start();

    dialog.startTest(); // password from .pgpass
    QVERIFY(tested.wait(15000));
    QCOMPARE(tested.first().first().toBool(), true);
    QVERIFY2(dialog.testResult().startsWith(QLatin1String("Connected: PostgreSQL ")),
             qPrintable(dialog.testResult()));
    QCOMPARE(dialog.profile().queue, kQueue); // the database's only queue, filled in
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/profile-dialog.png")));

    // A failed test leads with what to do; libpq's own line stays beside it.
    auto *password = dialog.findChild<QLineEdit *>(QStringLiteral("profilePassword"));
    auto *database = dialog.findChild<QLineEdit *>(QStringLiteral("profileDatabase"));
    auto *port = dialog.findChild<QSpinBox *>(QStringLiteral("profilePort"));
    auto *sslmode = dialog.findChild<QComboBox *>(QStringLiteral("profileSslmode"));
    const auto failsWith = [&](const QString &advice, const QString &libpq) {
        tested.clear();
        dialog.startTest();
        QVERIFY(tested.wait(15000));
        QCOMPARE(tested.first().first().toBool(), false);
        const QString result = dialog.testResult();
        QVERIFY2(result.startsWith(QStringLiteral("Failed: ") + advice), qPrintable(result));
        QVERIFY2(dialog.testDetail().contains(libpq), qPrintable(dialog.testDetail()));
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("profileTestDetail"))->isVisible());
        for (const QString &text : {result, dialog.testDetail()}) {
            QVERIFY(!text.contains(kPassword));
            QVERIFY(!text.contains(QLatin1Char('\n')));
        }
    };

    // No .pgpass line for this user, none typed.
    auto *user = dialog.findChild<QLineEdit *>(QStringLiteral("profileUser"));
    user->setText(QStringLiteral("nobody_here"));
    failsWith(QStringLiteral("The server asks for a password: enter it in Password, or keep it "
                             "in ~/.pgpass."),
              QStringLiteral("fe_sendauth: no password supplied"));
    // ferry gets the same advice, as the error's hint.
    auto noPassword = Connection::open(dialog.profile().connectionString());
    QVERIFY(!noPassword.ok());
    QVERIFY2(noPassword.error().hint().contains(QLatin1String("keep it in ~/.pgpass")),
             qPrintable(noPassword.error().hint()));

    // A wrong password typed in: the typed password nowhere.
    user->setText(QStringLiteral("postgres"));
    const QString wrong = QStringLiteral("WrongPw123");
    password->setText(wrong);
    failsWith(QStringLiteral("The server refused the password: check the password and the user."),
              QStringLiteral("password authentication failed for user \"postgres\""));
    QVERIFY(!dialog.testResult().contains(wrong) && !dialog.testDetail().contains(wrong));

    // The right password, a database that is not there.
    password->setText(kPassword);
    database->setText(QStringLiteral("digoal_09"));
    failsWith(QStringLiteral("The database does not exist on this server: check its name."),
              QStringLiteral("database \"digoal_09\" does not exist"));

    // SSL required of a server that offers none.
    database->setText(QStringLiteral("digoal_01"));
    sslmode->setCurrentText(QStringLiteral("require"));
    failsWith(QStringLiteral("SSL did not work out: choose the SSL mode the server offers"),
              QStringLiteral("SSL"));
    sslmode->setCurrentText(QStringLiteral("disable"));

    // Nothing listens on this port.
    password->clear();
    port->setValue(1);
    failsWith(QStringLiteral("No server answers at this host and port"),
              QStringLiteral("Connection refused"));
    beat.stop();
    QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("UI stalled %1 ms").arg(maxGap)));
}

void TestProfiles::importsConfigAndMovesItsPassword()
{
    QVERIFY(QFile::remove(m_pgpass));
    const QString ini = m_dir.filePath(QStringLiteral("leaf_job.ini"));
    QVERIFY(ferry::test::writeText(
        ini, QStringLiteral("[ferry]\njob_name = leaf_job\nqueue_name = %1\n"
                            "db = host=127.0.0.1 port=%2 dbname=digoal_01 user=postgres "
                            "sslmode=require password=%3\n")
                 .arg(kQueue)
                 .arg(m_cluster->port())
                 .arg(ConnectionString::quoteValue(kPassword))));
    ProfilesDialog dialog(m_store.get());
    auto first = dialog.importConfig(ini);
    QVERIFY_RESULT(first);
    // Import Config…'s file dialog opens without a nested event loop.
    const auto afterFirst = ProfileStore(m_store.get()).list().size();
    dialog.findChild<QPushButton *>(QStringLiteral("profileImport"))->click();
    auto *chooser = dialog.findChild<QFileDialog *>(QStringLiteral("importConfigDialog"));
    QVERIFY(chooser);
    QTRY_VERIFY(chooser->isVisible());
    chooser->selectFile(ini);
    QMetaObject::invokeMethod(chooser, "accept"); // protected in QFileDialog
    QTRY_COMPARE(ProfileStore(m_store.get()).list().size(), afterFirst + 1);
    const auto p = ProfileStore(m_store.get()).find(*first);
    QVERIFY(p);
    QCOMPARE(p->name, QStringLiteral("leaf_job"));
    QStringList names;
    for (const ConnectionProfile &saved : ProfileStore(m_store.get()).list())
        names << saved.name;
    QVERIFY2(names.contains(QStringLiteral("leaf_job (2)")), qPrintable(names.join(u',')));
    QCOMPARE(p->host, QStringLiteral("127.0.0.1"));
    QCOMPARE(p->port, m_cluster->port());
    QCOMPARE(p->user, QStringLiteral("postgres"));
    QCOMPARE(p->sslmode, QStringLiteral("require"));
    QCOMPARE(p->queue, kQueue);
    QCOMPARE(p->configPath, ini);
    QCOMPARE(p->passwordStore, PasswordStore::PgPass);
    QVERIFY(ferry::test::readText(m_pgpass).contains(QStringLiteral("s3cr\\:t\\\\pw'x")));
    if (const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR"); !dir.isEmpty()) {
        dialog.resize(900, 300);
        dialog.show();
        dialog.list()->setCurrentItem(dialog.list()->topLevelItem(0));
        QTest::qWait(200);
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/profiles.png")));
    }

    // A broken config: one line naming the file, nothing saved.
    const int before = ProfileStore(m_store.get()).list().size();
    const QString bad = m_dir.filePath(QStringLiteral("bad.ini"));
    QVERIFY(ferry::test::writeText(bad, QStringLiteral("[ferry]\njob_name = x\n")));
    auto refused = dialog.importConfig(bad);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().toString().contains(QLatin1String("bad.ini")),
             qPrintable(refused.error().toString()));
    QCOMPARE(ProfileStore(m_store.get()).list().size(), before);
}

void TestProfiles::editingTheConnectionAsksForThePassword()
{
    ProfilesDialog dialog(m_store.get());
    ConnectionProfile p = profile(QStringLiteral("moving"));
    p.passwordStore = PasswordStore::PgPass;
    auto id = save(dialog, p, kPassword);
    QVERIFY_RESULT(id);
    p.id = *id;
    // Same connection, password left alone: fine.
    p.sslmode = QStringLiteral("prefer");
    QVERIFY_RESULT(save(dialog, p, QString()));
    // Another port without the password: refused, nothing changed.
    ConnectionProfile moved = p;
    moved.port = p.port + 1;
    auto refused = save(dialog, moved, QString());
    QVERIFY(!refused.ok());
    QVERIFY2(dialog.message().startsWith(QLatin1String("Enter the password again")),
             qPrintable(dialog.message()));
    QCOMPARE(ProfileStore(m_store.get()).find(p.id)->port, p.port);
    // With it: saved, and its .pgpass line is there.
    QVERIFY_RESULT(save(dialog, moved, kPassword));
    QCOMPARE(ProfileStore(m_store.get()).find(p.id)->port, moved.port);
    QVERIFY(ferry::test::readText(m_pgpass).contains(
        QStringLiteral("127.0.0.1:%1:digoal_01:postgres:").arg(moved.port)));
    QVERIFY_RESULT(ProfileStore(m_store.get()).remove(p.id));
}

void TestProfiles::mainWindowOpensProfile()
{
    // A profile of its own (no CONFIG.ini), password from .pgpass.
    ConnectionProfile p = profile(QStringLiteral("plain"));
    p.passwordStore = PasswordStore::PgPass;
    ProfilesDialog dialog(m_store.get());
    auto id = save(dialog, p, kPassword);
    QVERIFY_RESULT(id);
    p.id = *id;

    MainWindow window(m_store.get());
    window.show();
    QSignalSpy loaded(&window, &MainWindow::cascadeLoaded);
    window.openProfile(p);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(window.windowTitle(), QStringLiteral("plain — Ferry"));
    QVERIFY(window.cascadeView()->errorText().isEmpty());
    QVERIFY(window.cascadeView()->isOpen());
    // A profile without CONFIG.ini has no pidfile or logfile: no worker from it.
    for (const char *name :
         {"actionWorkerStart", "actionWorkerStartDaemon", "actionKeepInBackground"}) {
        auto *action = window.findChild<QAction *>(QString::fromLatin1(name));
        QVERIFY2(action && !action->isEnabled(), name);
    }
    // No queue: one line that says what to do, nothing opened.
    ConnectionProfile noQueue = p;
    noQueue.queue.clear();
    auto config = noQueue.jobConfig();
    QVERIFY(!config.ok());
    QCOMPARE(config.error().toString(),
             QStringLiteral("profile 'plain' names no queue; edit it and pick one after Test "
                            "Connection"));
}

void TestProfiles::keychainAnswersOrSaysWhy()
{
    // A desktop has a keychain; this machine may not. Either it keeps and
    // returns the password, or the failure is one line that names the way out.
    ConnectionProfile p = profile(QStringLiteral("keychain"));
    std::optional<Result<void>> written;
    Keychain::write(p, kPassword, this, [&written](Result<void> r) { written = r; });
    QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 30000);
    if (!written->ok()) {
        const QString text = written->error().toString();
        QVERIFY2(text.contains(QLatin1String("keep it in ~/.pgpass instead")), qPrintable(text));
        QVERIFY(!text.contains(kPassword));
        return;
    }
    std::optional<Result<QString>> read;
    Keychain::read(p, this, [&read](Result<QString> r) { read = r; });
    QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30000);
    QVERIFY_RESULT(*read);
    QCOMPARE(read->value(), kPassword);
    Keychain::remove(p);
}

void TestProfiles::keychainMissingCannotLosePassword()
{
    ProfilesDialog profiles(m_store.get());
    profiles.show();
    const qsizetype before = ProfileStore(m_store.get()).list().size();
    profiles.findChild<QPushButton *>(QStringLiteral("profileAdd"))->click();
    QPointer<ProfileDialog> dialog
        = profiles.findChild<ProfileDialog *>(QStringLiteral("profileDialog"));
    QVERIFY(dialog && dialog->isVisible());

    // The probe finds no keychain: its choice is disabled and says why.
    QTRY_COMPARE_WITH_TIMEOUT(Keychain::state(), Keychain::State::Unavailable, 30000);
    QVERIFY(!Keychain::unavailableReason().isEmpty());
    auto *store = dialog->findChild<QComboBox *>(QStringLiteral("profilePasswordStore"));
    const int keychain = store->findData(int(PasswordStore::Keychain));
    auto *model = qobject_cast<QStandardItemModel *>(store->model());
    QVERIFY(model);
    QTRY_VERIFY(!model->item(keychain)->isEnabled());
    QCOMPARE(model->item(keychain)->text(), QStringLiteral("System keychain (not available here)"));
    for (const QString &tip :
         {store->itemData(keychain, Qt::ToolTipRole).toString(), store->toolTip()}) {
        QVERIFY2(tip.startsWith(QLatin1String("No system keychain answers here ("))
                     && tip.contains(QLatin1String("Keep the password in ~/.pgpass instead")),
                 qPrintable(tip));
    }

    // A profile that says "keychain" (as one saved on a desktop that has
    // one): Save is refused in the dialog, which keeps what was typed.
    dialog->findChild<QLineEdit *>(QStringLiteral("profileName"))->setText(QStringLiteral("kc"));
    dialog->findChild<QSpinBox *>(QStringLiteral("profilePort"))->setValue(m_cluster->port());
    dialog->findChild<QLineEdit *>(QStringLiteral("profileDatabase"))
        ->setText(QStringLiteral("digoal_01"));
    dialog->findChild<QLineEdit *>(QStringLiteral("profileUser"))
        ->setText(QStringLiteral("postgres"));
    dialog->findChild<QLineEdit *>(QStringLiteral("profilePassword"))->setText(kPassword);
    dialog->findChild<QComboBox *>(QStringLiteral("profileSslmode"))
        ->setCurrentText(QStringLiteral("disable"));
    dialog->findChild<QComboBox *>(QStringLiteral("profileQueue"))->setCurrentText(kQueue);
    store->setCurrentIndex(keychain);
    QPushButton *saveButton
        = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
    saveButton->click();
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("profileSaveError"))->isVisible());
    QVERIFY2(dialog->saveError().startsWith(QLatin1String("The system keychain is not available "
                                                          "here ("))
                 && dialog->saveError().endsWith(QLatin1String(
                     "so it cannot keep the password: keep it in ~/.pgpass, or do not keep it.")),
             qPrintable(dialog->saveError()));
    QVERIFY(!dialog->saveError().contains(kPassword));
    QCOMPARE(ProfileStore(m_store.get()).list().size(), before);
    QCOMPARE(dialog->password(), kPassword);

    // Into ~/.pgpass instead: saved, the dialog gone, the profile selected,
    // and the password works.
    store->setCurrentIndex(store->findData(int(PasswordStore::PgPass)));
    saveButton->click();
    QTRY_VERIFY(!dialog);
    std::optional<ConnectionProfile> saved;
    for (const ConnectionProfile &p : ProfileStore(m_store.get()).list()) {
        if (p.name == QLatin1String("kc"))
            saved = p;
    }
    QVERIFY(saved);
    QCOMPARE(saved->passwordStore, PasswordStore::PgPass);
    QCOMPARE(selectedId(profiles), saved->id);
    QVERIFY_RESULT(Connection::open(saved->connectionString()));
    QVERIFY_RESULT(ProfileStore(m_store.get()).remove(saved->id));
}

void TestProfiles::keychainWriteFailureSavesNothing()
{
    // Straight to the keychain, whatever the probe said: the write fails for
    // real, and nothing is saved that would open without a password.
    ProfilesDialog dialog(m_store.get());
    const qsizetype before = ProfileStore(m_store.get()).list().size();
    ConnectionProfile p = profile(QStringLiteral("kc-new"));
    p.passwordStore = PasswordStore::Keychain;
    auto refused = save(dialog, p, kPassword);
    QVERIFY(!refused.ok());
    QVERIFY2(
        refused.error().toString().startsWith(
            QLatin1String("the system keychain did not store the password ("))
            && refused.error().toString().endsWith(QLatin1String("keep it in ~/.pgpass instead")),
        qPrintable(refused.error().toString()));
    QCOMPARE(dialog.message(), refused.error().toString());
    QCOMPARE(ProfileStore(m_store.get()).list().size(), before);

    // A profile moved into the keychain stays as it was.
    ConnectionProfile kept = profile(QStringLiteral("kc-edit"));
    kept.passwordStore = PasswordStore::PgPass;
    auto id = save(dialog, kept, kPassword);
    QVERIFY_RESULT(id);
    kept.id = *id;
    ConnectionProfile moved = kept;
    moved.passwordStore = PasswordStore::Keychain;
    QVERIFY(!save(dialog, moved, kPassword).ok());
    QCOMPARE(ProfileStore(m_store.get()).find(kept.id)->passwordStore, PasswordStore::PgPass);
    QVERIFY(!dialog.message().startsWith(QLatin1String("Saved")));
    QVERIFY_RESULT(ProfileStore(m_store.get()).remove(kept.id));
}

void TestProfiles::savedProfileIsSelected()
{
    ProfilesDialog dialog(m_store.get());
    QVERIFY(dialog.list()->topLevelItemCount() > 0);
    dialog.list()->setCurrentItem(dialog.list()->topLevelItem(0));
    QList<qint64> ids;
    // One that sorts last, one that sorts first.
    for (const QString &name : {QStringLiteral("zz new"), QStringLiteral("aa new")}) {
        auto id = save(dialog, profile(name), QString());
        QVERIFY_RESULT(id);
        QCOMPARE(selectedId(dialog), *id);
        QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("profileEdit"))->isEnabled());
        ids << *id;
    }
    // Edited, it stays selected.
    ConnectionProfile edited = *ProfileStore(m_store.get()).find(ids.first());
    edited.name = QStringLiteral("aaa edited");
    dialog.list()->setCurrentItem(nullptr);
    QVERIFY_RESULT(save(dialog, edited, QString()));
    QCOMPARE(selectedId(dialog), edited.id);
    for (qint64 id : std::as_const(ids))
        QVERIFY_RESULT(ProfileStore(m_store.get()).remove(id));
}

void TestProfiles::saveNeedsAQueueAndSaysWhatItDropped()
{
    // Without a queue the profile would open nothing: Save stays in the dialog.
    ConnectionProfile noQueue = profile(QStringLiteral("no queue"));
    noQueue.queue.clear();
    ProfileDialog dialog(noQueue);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *buttons = dialog.findChild<QDialogButtonBox *>();
    QVERIFY(buttons);
    buttons->button(QDialogButtonBox::Save)->click();
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.saveError().contains(QStringLiteral("Choose the queue")),
             qPrintable(dialog.saveError()));

    // A typed password that is not kept is said, not dropped in silence.
    ProfilesDialog profiles(m_store.get());
    ConnectionProfile p = profile(QStringLiteral("typed but not kept"));
    p.passwordStore = PasswordStore::None;
    auto id = save(profiles, p, QStringLiteral("Sekr1t"));
    QVERIFY_RESULT(id);
    QVERIFY2(profiles.message().contains(QStringLiteral("without the password you typed")),
             qPrintable(profiles.message()));
    QVERIFY(!profiles.message().contains(QStringLiteral("Sekr1t")));
    QVERIFY_RESULT(ProfileStore(m_store.get()).remove(*id));
}

void TestProfiles::mnemonicsAreUnique()
{
    // Each window's Alt+letters: no two visible controls answer the same one.
    ProfilesDialog profiles(m_store.get());
    profiles.show();
    QStringList clashes = ferry::test::mnemonicClashes(&profiles);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    ConnectionProfile edited = profile(QStringLiteral("edited"));
    edited.id = 1;
    for (const ConnectionProfile &p : {ConnectionProfile(), edited}) {
        ProfileDialog dialog(p);
        dialog.show();
        clashes = ferry::test::mnemonicClashes(&dialog);
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
        // The walk sees the form's labels and the standard buttons: two
        // buttons added with Alt+N and Alt+S clash with Name and Save.
        for (const QString &text : {QStringLiteral("&Nudge"), QStringLiteral("&Sync")})
            (new QPushButton(text, &dialog))->show();
        QCOMPARE(ferry::test::mnemonicClashes(&dialog),
                 (QStringList{QStringLiteral("Alt+N: &Name: | &Nudge"),
                              QStringLiteral("Alt+S: Save | &Sync")}));
    }
}

QTEST_MAIN(TestProfiles)
#include "tst_profiles.moc"
