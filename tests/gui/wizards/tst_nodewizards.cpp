// The New Root and New Leaf wizards driven offscreen against a real cluster:
// a root made to the end (schema, node, config file that loads, its worker
// started here), a role without CREATE shown the GRANT with Next disabled,
// Cancel at every page leaving nothing, a leaf of that root (listed by its
// provider), a leaf whose database Create makes, and a Create that fails
// undoing the database and the config file it made. With
// FERRY_SCREENSHOT_DIR set, every page is saved as wizard-root-*.png and
// wizard-leaf-*.png.
#include "cascade/node.h"
#include "cascade/nodeadmin.h"
#include "cascade/nodedatabase.h"
#include "common/localstore.h"
#include "config/jobconfig.h"
#include "db/connection.h"
#include "mnemonics.h"
#include "pgcluster.h"
#include "profiles/passwordvault.h"
#include "testutil.h"
#include "util/pidfile.h"
#include "wizards/connectionpage.h"
#include "wizards/nodecreation.h"
#include "wizards/nodeleafwizard.h"
#include "wizards/noderootwizard.h"
#include "wizards/nodesummarypage.h"
#include "wizards/privilegespage.h"
#include "wizards/providerpage.h"
#include "workers/workercontrol.h"
#include "workers/workerregistry.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ferry;
using namespace ferry::gui;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
constexpr int kWaitMs = 20000;

template<typename T>
T *child(QWidget *w, const char *name)
{
    return w->findChild<T *>(QLatin1String(name));
}

// Saves the wizard's current page when screenshots are asked for.
void shoot(QWizard &wizard, const QString &name)
{
    const QString dir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(50);
    if (!wizard.grab().save(dir + QStringLiteral("/") + name + QStringLiteral(".png")))
        qWarning("could not save %s", qPrintable(name));
}

} // namespace

class TestNodeWizards : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rootWizardMakesARoot();
    void savedProfileAndATakenDatabase();
    void missingCreateShowsTheGrant();
    void cancelAtEveryPageLeavesNothing();
    void leafWizardMakesALeaf();
    void providerTypedByHand();
    void leafWizardCreatesTheDatabase();
    void failedCreateUndoesWhatItMade();
    void leafCancelAtEveryPageLeavesNothing();
    void createNodeUndoesSchemaAndReplacedConfig();
    void foreignFerrySchemaIsKept();
    void undoFailuresAreReported();
    void providerEditedWhileChecking();
    void providerQueueTypedByHand();

private:
    ConnectionString as(const QString &user, const QString &db) const;
    Result<QueryResult> sql(const QString &db, const QString &statement) const;
    bool hasFerrySchema(const QString &db) const;
    bool clickNext(QWizard &wizard);
    // Fills the connection page and waits for its test.
    bool
    connect(QWizard &wizard, const QString &db, const QString &user = QStringLiteral("postgres"));
    // From the connection page to the summary, names and file given.
    bool driveToSummary(QWizard &wizard,
                        const QString &db,
                        const QString &node,
                        const QString &configPath,
                        const QString &shots = {});
    void checkKeyboard(QWizard &wizard);
    QList<KnownNode> cascade() const;

    std::unique_ptr<PgCluster> m_cluster;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<WorkerRegistry> m_registry;
    QTemporaryDir m_dir;
};

ConnectionString TestNodeWizards::as(const QString &user, const QString &db) const
{
    ConnectionString c = *ConnectionString::parse(m_cluster->connectionString());
    c.set(QStringLiteral("user"), user);
    c.set(QStringLiteral("dbname"), db);
    return c;
}

Result<QueryResult> TestNodeWizards::sql(const QString &db, const QString &statement) const
{
    auto c = Connection::open(as(QStringLiteral("postgres"), db));
    if (!c)
        return c.error();
    return c->exec(statement);
}

bool TestNodeWizards::hasFerrySchema(const QString &db) const
{
    auto r = sql(db, QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'"));
    return !r || r->text(0, 0) != QLatin1String("0");
}

void TestNodeWizards::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    // No keychain answers here; .pgpass is the test's own.
    qputenv("DBUS_SESSION_BUS_ADDRESS",
            "unix:path=" + m_dir.filePath(QStringLiteral("no-bus")).toUtf8());
    qputenv("PGPASSFILE", m_dir.filePath(QStringLiteral("pgpass")).toUtf8());
    m_store = std::make_unique<LocalStore>(m_dir.filePath(QStringLiteral("store.sqlite")));
    QVERIFY_RESULT(m_store->open());
    m_registry = std::make_unique<WorkerRegistry>();
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    for (const char *db : {"rootdb", "plaindb", "canceldb", "leafdb", "faildb", "leafcancel",
                           "undodb", "foreigndb", "undofaildb", "tworoots", "mixeddb"})
        QVERIFY_RESULT(m_cluster->createDatabase(QLatin1String(db)));
    QVERIFY_RESULT(sql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE plain LOGIN")));
}

void TestNodeWizards::cleanupTestCase()
{
    if (m_registry) {
        bool stopped = false;
        m_registry->stopAll([&stopped] { stopped = true; });
        QTRY_VERIFY_WITH_TIMEOUT(stopped, kWaitMs);
    }
    m_registry.reset();
    m_cluster.reset();
}

bool TestNodeWizards::clickNext(QWizard &wizard)
{
    const int before = wizard.currentId();
    QAbstractButton *next = wizard.button(QWizard::NextButton);
    if (!next->isVisible())
        next = wizard.button(QWizard::CommitButton);
    if (!next->isEnabled()) {
        qWarning("Next is disabled on page %d", before);
        return false;
    }
    next->click();
    return wizard.currentId() != before;
}

bool TestNodeWizards::connect(QWizard &wizard, const QString &db, const QString &user)
{
    auto *page = child<ConnectionPage>(&wizard, "connectionPage");
    child<QLineEdit>(&wizard, "connectionHost")->setText(QStringLiteral("127.0.0.1"));
    child<QSpinBox>(&wizard, "connectionPort")->setValue(m_cluster->port());
    child<QLineEdit>(&wizard, "connectionDatabase")->setText(db);
    child<QLineEdit>(&wizard, "connectionUser")->setText(user);
    child<QComboBox>(&wizard, "connectionSslmode")->setCurrentText(QStringLiteral("disable"));
    if (page->isComplete()) {
        qWarning("complete before a test");
        return false;
    }
    child<QAbstractButton>(&wizard, "connectionTest")->click();
    // Off the UI thread: the page shows it works and Next waits.
    if (!page->isTesting() || !child<QWidget>(&wizard, "connectionBusy")->isVisible()
        || wizard.button(QWizard::NextButton)->isEnabled()) {
        qWarning("no busy state while testing");
        return false;
    }
    if (!QTest::qWaitFor([page] { return !page->isTesting(); }, kWaitMs))
        return false;
    return !child<QWidget>(&wizard, "connectionBusy")->isVisible();
}

bool TestNodeWizards::driveToSummary(QWizard &wizard,
                                     const QString &db,
                                     const QString &node,
                                     const QString &configPath,
                                     const QString &shots)
{
    if (wizard.currentId() == NodeWizard::ConnectionPageId) {
        if (!connect(wizard, db))
            return false;
        if (!shots.isEmpty())
            shoot(wizard, shots + QStringLiteral("-2-connection"));
        if (!clickNext(wizard))
            return false;
    }
    child<QLineEdit>(&wizard, "namesNode")->setText(node);
    if (!shots.isEmpty())
        shoot(wizard, shots + QStringLiteral("-3-names"));
    if (!clickNext(wizard))
        return false;
    auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
    if (!QTest::qWaitFor([privileges] { return privileges->isComplete(); }, kWaitMs)) {
        qWarning("privileges: %s", qPrintable(privileges->resultText()));
        return false;
    }
    if (!shots.isEmpty())
        shoot(wizard, shots + QStringLiteral("-4-privileges"));
    if (!clickNext(wizard))
        return false;
    child<QLineEdit>(&wizard, "configPath")->setText(configPath);
    if (!shots.isEmpty())
        shoot(wizard, shots + QStringLiteral("-5-config"));
    return clickNext(wizard) && wizard.currentId() == NodeWizard::SummaryPageId;
}

// Mnemonics that do not clash, and a tooltip on every field of the page.
void TestNodeWizards::checkKeyboard(QWizard &wizard)
{
    const QStringList clashes = ferry::test::mnemonicClashes(&wizard);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    QWizardPage *page = wizard.currentPage();
    for (QWidget *w : page->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(page) || w->objectName().startsWith(QLatin1String("qt_")))
            continue;
        const bool field = qobject_cast<QLineEdit *>(w) || qobject_cast<QComboBox *>(w)
                           || qobject_cast<QSpinBox *>(w) || qobject_cast<QAbstractButton *>(w)
                           || qobject_cast<QPlainTextEdit *>(w);
        if (!field || qobject_cast<QLineEdit *>(w->parentWidget()) // a spin box's editor
            || qobject_cast<QComboBox *>(w->parentWidget())
            || qobject_cast<QSpinBox *>(w->parentWidget()))
            continue;
        QVERIFY2(!w->objectName().isEmpty(), w->metaObject()->className());
        QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->objectName()));
    }
}

void TestNodeWizards::rootWizardMakesARoot()
{
    NewRootWizard wizard(m_store.get(), nullptr, m_registry.get());
    QSignalSpy created(&wizard, &NodeWizard::nodeCreated);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QVERIFY(wizard.width() <= 1366 && wizard.height() <= 700);
    shoot(wizard, QStringLiteral("wizard-root-1-start"));
    checkKeyboard(wizard);

    // Next waits for a test that worked.
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    // A password typed here (the server does not ask for one) is used, never shown or written.
    child<QLineEdit>(&wizard, "connectionPassword")->setText(QStringLiteral("s3cret"));
    QVERIFY(connect(wizard, QStringLiteral("rootdb")));
    QVERIFY2(
        child<QLabel>(&wizard, "connectionResult")->text().startsWith(QStringLiteral("Connected")),
        qPrintable(child<QLabel>(&wizard, "connectionResult")->text()));
    // Saved as a profile once the node exists.
    child<QCheckBox>(&wizard, "connectionSaveProfile")->setChecked(true);
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled()); // the profile needs a name
    QVERIFY(child<QLabel>(&wizard, "connectionProfileError")
                ->text()
                .startsWith(QStringLiteral("Enter a name for the profile")));
    child<QLineEdit>(&wizard, "connectionProfileName")->setText(QStringLiteral("rootdb profile"));
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
    // No keychain answers this process: not offered, as in the profile dialog.
    auto *store = child<QComboBox>(&wizard, "connectionPasswordStore");
    QVERIFY(
        QTest::qWaitFor([] { return Keychain::state() == Keychain::State::Unavailable; }, kWaitMs));
    QVERIFY(store->itemText(store->findData(int(PasswordStore::Keychain)))
                .contains(QStringLiteral("not available")));
    QCOMPARE(store->currentData().toInt(), int(PasswordStore::PgPass));
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-2-connection"));
    QVERIFY(clickNext(wizard));

    // Names as the CLI checks them, the error on the page.
    auto *node = child<QLineEdit>(&wizard, "namesNode");
    QCOMPARE(node->text(), QStringLiteral("rootdb"));
    child<QLineEdit>(&wizard, "namesQueue")->setText(QStringLiteral("no spaces"));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY(child<QLabel>(&wizard, "namesError")->text().startsWith(QStringLiteral("Queue:")));
    child<QLineEdit>(&wizard, "namesQueue")->setText(kQueue);
    node->setText(QStringLiteral("bad/name"));
    QVERIFY(child<QLabel>(&wizard, "namesError")->text().startsWith(QStringLiteral("Node name:")));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    node->setText(QStringLiteral("src"));
    QCOMPARE(child<QLineEdit>(&wizard, "namesJob")->text(), QStringLiteral("src"));
    child<QLineEdit>(&wizard, "namesJob")->setText(QStringLiteral("src_job"));
    QVERIFY(child<QLabel>(&wizard, "namesError")->text().isEmpty());
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-3-names"));
    QVERIFY(clickNext(wizard));

    auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
    QVERIFY(QTest::qWaitFor([privileges] { return !privileges->isChecking(); }, kWaitMs));
    QVERIFY2(privileges->isComplete(), qPrintable(privileges->resultText()));
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-4-privileges"));
    QVERIFY(clickNext(wizard));

    // The default file is in ferry's data folder, named after the job.
    auto *path = child<QLineEdit>(&wizard, "configPath");
    QCOMPARE(path->text(),
             QDir(NodeWizard::defaultConfigFolder()).filePath(QStringLiteral("src_job.ini")));
    const QString configPath = m_dir.filePath(QStringLiteral("configs/src_job.ini"));
    QVERIFY(QDir().mkpath(QFileInfo(configPath).absolutePath()));
    {
        QFile existing(configPath);
        QVERIFY(existing.open(QIODevice::WriteOnly));
    }
    path->setText(configPath);
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY(
        child<QLabel>(&wizard, "configError")->text().contains(QStringLiteral("exists already")));
    QVERIFY(QFile::remove(configPath));
    path->setText(configPath + QStringLiteral(" "));
    path->setText(configPath);
    QVERIFY(child<QLabel>(&wizard, "configError")->text().isEmpty());
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-5-config"));
    QVERIFY(clickNext(wizard));

    // The summary: what Create does, as ferry commands.
    auto *summary = child<NodeSummaryPage>(&wizard, "summaryPage");
    const QString commands = summary->commandsText();
    QVERIFY2(commands.contains(QStringLiteral("ferry %1 create-root src").arg(configPath)),
             qPrintable(commands));
    QVERIFY(commands.contains(QStringLiteral("ferry -d %1 worker").arg(configPath)));
    QVERIFY(commands.contains(QStringLiteral("queue_name = replika")));
    QVERIFY(!commands.contains(QStringLiteral("s3cret")));
    QCOMPARE(wizard.button(QWizard::CommitButton)->text(), QStringLiteral("&Create"));
    QVERIFY(!hasFerrySchema(QStringLiteral("rootdb")));
    QVERIFY(!QFile::exists(configPath));
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-6-summary"));
    QVERIFY(clickNext(wizard) || summary->isCreating());
    QVERIFY(QTest::qWaitFor([&wizard] { return wizard.currentId() == NodeWizard::WorkerPageId; },
                            kWaitMs));
    QCOMPARE(created.size(), 1);
    QCOMPARE(created.at(0).at(0).toString(), configPath);

    // In the database: the schema, the root with its names.
    auto info = sql(QStringLiteral("rootdb"),
                    QStringLiteral("SELECT node_name, node_type, worker_name FROM ferry.node_info "
                                   "WHERE queue_name = 'replika'"));
    QVERIFY_RESULT(info);
    QCOMPARE(info->rowCount(), 1);
    QCOMPARE(info->text(0, 0), QStringLiteral("src"));
    QCOMPARE(info->text(0, 1), QStringLiteral("root"));
    QCOMPARE(info->text(0, 2), QStringLiteral("src_job"));
    // The config loads and names that database and queue, without the password.
    {
        QFile file(configPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("s3cret"));
    }
    auto config = JobConfig::load(configPath);
    QVERIFY_RESULT(config);
    QCOMPARE(config->db().value(QStringLiteral("dbname")), QStringLiteral("rootdb"));
    QCOMPARE(config->queueName(), kQueue);
    QCOMPARE(config->jobName(), QStringLiteral("src_job"));
    QCOMPARE(config->logFile(), m_dir.filePath(QStringLiteral("configs/src_job.log")));
    // The profile, saved after Create, opens that config.
    const QList<ConnectionProfile> profiles = ProfileStore(m_store.get()).list();
    QCOMPARE(profiles.size(), 1);
    QCOMPARE(profiles.at(0).name, QStringLiteral("rootdb profile"));
    QCOMPARE(profiles.at(0).configPath, configPath);
    QCOMPARE(profiles.at(0).queue, kQueue);

    // No way back, no Cancel: the node exists.
    QVERIFY(!wizard.button(QWizard::CancelButton)->isVisible());
    QVERIFY(!wizard.button(QWizard::BackButton)->isVisible());
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-root-7-worker"));
    QSignalSpy accepted(&wizard, &QDialog::accepted);
    child<QRadioButton>(&wizard, "workerHere")->setChecked(true);
    wizard.button(QWizard::FinishButton)->click();
    QVERIFY(QTest::qWaitFor([&accepted] { return accepted.size() == 1; }, kWaitMs));
    QVERIFY(m_registry->worker(configPath));
    QVERIFY(m_registry->hasActiveWorkers());
}

void TestNodeWizards::savedProfileAndATakenDatabase()
{
    // The profile New Root saved: its connection shown, not to be edited here.
    NewRootWizard wizard(m_store.get(), nullptr, m_registry.get());
    wizard.show();
    auto *profiles = child<QComboBox>(&wizard, "connectionProfile");
    QCOMPARE(profiles->count(), 2);
    profiles->setCurrentIndex(1);
    auto *database = child<QLineEdit>(&wizard, "connectionDatabase");
    QCOMPARE(database->text(), QStringLiteral("rootdb"));
    QVERIFY(!database->isEnabled());
    QCOMPARE(child<QSpinBox>(&wizard, "connectionPort")->value(), m_cluster->port());
    QVERIFY(!child<QCheckBox>(&wizard, "connectionSaveProfile")->isEnabled());
    auto *page = child<ConnectionPage>(&wizard, "connectionPage");
    QVERIFY(!page->isComplete());
    child<QAbstractButton>(&wizard, "connectionTest")->click();
    QVERIFY(QTest::qWaitFor([page] { return page->isComplete(); }, kWaitMs));
    QVERIFY(clickNext(wizard));
    child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("again"));
    QVERIFY(clickNext(wizard));
    // That database is the root of the queue already: said, and Next waits.
    auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
    QVERIFY(QTest::qWaitFor([privileges] { return !privileges->isChecking(); }, kWaitMs));
    QVERIFY(!privileges->isComplete());
    QVERIFY2(privileges->listText().contains(QStringLiteral("it is node 'src' of queue 'replika' "
                                                            "already")),
             qPrintable(privileges->listText()));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());

    // A new connection saved under a name a profile has is refused on the page.
    wizard.back();
    wizard.back();
    profiles->setCurrentIndex(0);
    QVERIFY(database->isEnabled());
    child<QCheckBox>(&wizard, "connectionSaveProfile")->setChecked(true);
    child<QLineEdit>(&wizard, "connectionProfileName")->setText(QStringLiteral("rootdb profile"));
    child<QAbstractButton>(&wizard, "connectionTest")->click();
    QVERIFY(QTest::qWaitFor([page] { return !page->isTesting(); }, kWaitMs));
    QVERIFY(!page->isComplete());
    QVERIFY(child<QLabel>(&wizard, "connectionProfileError")
                ->text()
                .contains(QStringLiteral("exists already")));
    wizard.reject();
}

void TestNodeWizards::missingCreateShowsTheGrant()
{
    NewRootWizard wizard(m_store.get(), nullptr, m_registry.get());
    wizard.show();
    QVERIFY(connect(wizard, QStringLiteral("plaindb"), QStringLiteral("plain")));
    QVERIFY(clickNext(wizard));
    child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("plainroot"));
    QVERIFY(clickNext(wizard));
    auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
    QVERIFY(QTest::qWaitFor([privileges] { return !privileges->isChecking(); }, kWaitMs));
    QVERIFY(!privileges->isComplete());
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    const QString grant = QStringLiteral("GRANT CREATE ON DATABASE \"plaindb\" TO \"plain\";");
    QCOMPARE(privileges->grantsText().split(QLatin1Char('\n')).value(0), grant);
    QVERIFY(privileges->resultText().contains(QStringLiteral("needed")));
    QVERIFY2(privileges->listText().contains(
                 QStringLiteral("missing: needed\ncreate schema ferry in database \"plaindb\"")),
             qPrintable(privileges->listText()));
    shoot(wizard, QStringLiteral("wizard-root-4-privileges-missing"));

    // Granted meanwhile: Re-check lets Next go.
    QVERIFY_RESULT(sql(QStringLiteral("plaindb"), grant));
    child<QAbstractButton>(&wizard, "privilegesRecheck")->click();
    QVERIFY(QTest::qWaitFor([privileges] { return !privileges->isChecking(); }, kWaitMs));
    QVERIFY2(privileges->isComplete(), qPrintable(privileges->resultText()));
    QVERIFY(!privileges->grantsText().contains(grant));
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
    wizard.reject();
    QVERIFY(!hasFerrySchema(QStringLiteral("plaindb")));
}

void TestNodeWizards::cancelAtEveryPageLeavesNothing()
{
    const QString configPath = m_dir.filePath(QStringLiteral("cancel/cancel.ini"));
    for (int stop = NodeWizard::ConnectionPageId; stop <= NodeWizard::SummaryPageId; ++stop) {
        NewRootWizard wizard(m_store.get(), nullptr, m_registry.get());
        QSignalSpy created(&wizard, &NodeWizard::nodeCreated);
        wizard.show();
        if (stop > NodeWizard::ConnectionPageId) {
            QVERIFY(connect(wizard, QStringLiteral("canceldb")));
            child<QCheckBox>(&wizard, "connectionSaveProfile")->setChecked(true);
            child<QLineEdit>(&wizard, "connectionProfileName")->setText(QStringLiteral("cancel"));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::NamesPageId) {
            child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("c"));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::PrivilegesPageId) {
            auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
            QVERIFY(QTest::qWaitFor([privileges] { return privileges->isComplete(); }, kWaitMs));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::ConfigPageId) {
            child<QLineEdit>(&wizard, "configPath")->setText(configPath);
            QVERIFY(clickNext(wizard));
        }
        QCOMPARE(wizard.currentId(), stop);
        wizard.button(QWizard::CancelButton)->click();
        QVERIFY(!wizard.isVisible());
        QCOMPARE(created.size(), 0);
        QVERIFY2(!hasFerrySchema(QStringLiteral("canceldb")), qPrintable(QString::number(stop)));
        QVERIFY(!QFile::exists(configPath));
        for (const ConnectionProfile &p : ProfileStore(m_store.get()).list())
            QVERIFY(p.name != QLatin1String("cancel"));
    }
}

QList<KnownNode> TestNodeWizards::cascade() const
{
    KnownNode root;
    root.name = QStringLiteral("src");
    root.queue = kQueue;
    root.root = true;
    root.connection = as(QStringLiteral("postgres"), QStringLiteral("rootdb"));
    return {root};
}

void TestNodeWizards::leafWizardMakesALeaf()
{
    NewLeafWizard wizard(m_store.get(), cascade(), nullptr, m_registry.get());
    QSignalSpy created(&wizard, &NodeWizard::nodeCreated);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    // The cascade's root is read at once.
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    QVERIFY2(QTest::qWaitFor([provider] { return provider->isComplete(); }, kWaitMs),
             qPrintable(provider->resultText()));
    QVERIFY2(provider->resultText().contains(QStringLiteral("Root src of queue replika")),
             qPrintable(provider->resultText()));
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-leaf-1-provider"));
    QVERIFY(clickNext(wizard));
    checkKeyboard(wizard);
    // The provider's queue, not to be changed; a name the cascade has is refused.
    QVERIFY(connect(wizard, QStringLiteral("leafdb")));
    QVERIFY(clickNext(wizard));
    QCOMPARE(child<QLineEdit>(&wizard, "namesQueue")->text(), kQueue);
    QVERIFY(child<QLineEdit>(&wizard, "namesQueue")->isReadOnly());
    child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("src"));
    QVERIFY(child<QLabel>(&wizard, "namesError")
                ->text()
                .contains(QStringLiteral("has a node named src")));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("dst1"));
    QVERIFY(child<QLabel>(&wizard, "namesError")->text().isEmpty());
    child<QLineEdit>(&wizard, "namesJob")->setText(QStringLiteral("src_job"));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY(
        child<QLabel>(&wizard, "namesError")->text().contains(QStringLiteral("has job src_job")));
    child<QLineEdit>(&wizard, "namesJob")->setText(QStringLiteral("dst1_job"));
    wizard.back();
    QCOMPARE(wizard.currentId(), int(NodeWizard::ConnectionPageId));
    shoot(wizard, QStringLiteral("wizard-leaf-2-connection"));
    QVERIFY(clickNext(wizard));
    const QString configPath = m_dir.filePath(QStringLiteral("configs/dst1.ini"));
    QVERIFY(driveToSummary(wizard, QString(), QStringLiteral("dst1"), configPath,
                           QStringLiteral("wizard-leaf")));
    const QString commands = child<NodeSummaryPage>(&wizard, "summaryPage")->commandsText();
    QVERIFY2(commands.contains(
                 QStringLiteral("ferry %1 create-leaf dst1 \\\n    'host=").arg(configPath)),
             qPrintable(commands));
    QVERIFY(commands.contains(QStringLiteral("--provider='")));
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-leaf-6-summary"));
    QVERIFY(clickNext(wizard) || child<NodeSummaryPage>(&wizard, "summaryPage")->isCreating());
    QVERIFY(QTest::qWaitFor([&wizard] { return wizard.currentId() == NodeWizard::WorkerPageId; },
                            kWaitMs));
    QCOMPARE(created.size(), 1);
    shoot(wizard, QStringLiteral("wizard-leaf-7-worker"));
    child<QRadioButton>(&wizard, "workerNotNow")->setChecked(true);
    QSignalSpy accepted(&wizard, &QDialog::accepted);
    wizard.button(QWizard::FinishButton)->click();
    QCOMPARE(accepted.size(), 1);
    QVERIFY(!m_registry->worker(configPath));

    // The leaf, and its provider lists it.
    auto info = sql(QStringLiteral("leafdb"),
                    QStringLiteral("SELECT node_name, node_type, provider_node, worker_name FROM "
                                   "ferry.node_info WHERE queue_name = 'replika'"));
    QVERIFY_RESULT(info);
    QCOMPARE(info->rowCount(), 1);
    QCOMPARE(info->text(0, 0), QStringLiteral("dst1"));
    QCOMPARE(info->text(0, 1), QStringLiteral("leaf"));
    QCOMPARE(info->text(0, 2), QStringLiteral("src"));
    QCOMPARE(info->text(0, 3), QStringLiteral("dst1_job"));
    auto root = Connection::open(as(QStringLiteral("postgres"), QStringLiteral("rootdb")));
    QVERIFY_RESULT(root);
    auto members = loadMembers(*root, kQueue);
    QVERIFY_RESULT(members);
    QStringList names;
    for (const NodeMember &m : *members)
        names << m.name;
    QVERIFY2(names.contains(QStringLiteral("dst1")), qPrintable(names.join(QLatin1Char(','))));
    auto config = JobConfig::load(configPath);
    QVERIFY_RESULT(config);
    QCOMPARE(config->db().value(QStringLiteral("dbname")), QStringLiteral("leafdb"));
    QCOMPARE(config->jobName(), QStringLiteral("dst1_job"));
}

void TestNodeWizards::providerTypedByHand()
{
    NewLeafWizard wizard(m_store.get(), {}, nullptr, m_registry.get());
    wizard.show();
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    auto *connection = child<QLineEdit>(&wizard, "providerConnection");
    QVERIFY(connection->isEnabled());
    QVERIFY(!provider->isComplete());
    // A leaf cannot be the provider: said, and Next waits.
    connection->setText(as(QStringLiteral("postgres"), QStringLiteral("leafdb")).toString());
    child<QAbstractButton>(&wizard, "providerCheck")->click();
    QVERIFY(provider->isChecking());
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY(!provider->isComplete());
    QVERIFY2(provider->resultText().contains(QStringLiteral("must be the root")),
             qPrintable(provider->resultText()));
    connection->setText(as(QStringLiteral("postgres"), QStringLiteral("rootdb")).toString());
    child<QAbstractButton>(&wizard, "providerCheck")->click();
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY2(provider->isComplete(), qPrintable(provider->resultText()));
    QCOMPARE(provider->queue(), kQueue);
    QVERIFY(provider->nodeNames().contains(QStringLiteral("dst1")));
    // Changed again: checked again before Next.
    connection->setText(connection->text() + QStringLiteral(" "));
    QVERIFY(!provider->isComplete());
    wizard.reject();
}

void TestNodeWizards::leafWizardCreatesTheDatabase()
{
    NewLeafWizard wizard(m_store.get(), cascade(), nullptr, m_registry.get());
    wizard.show();
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    QVERIFY2(QTest::qWaitFor([provider] { return provider->isComplete(); }, kWaitMs),
             qPrintable(provider->resultText()));
    QVERIFY(clickNext(wizard));
    QVERIFY(connect(wizard, QStringLiteral("dst2")));
    // Missing: offered, made only if asked.
    auto *create = child<QCheckBox>(&wizard, "connectionCreateDatabase");
    QVERIFY(create->isVisible());
    QVERIFY(create->text().contains(QStringLiteral("dst2")));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    create->setChecked(true);
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
    checkKeyboard(wizard);
    shoot(wizard, QStringLiteral("wizard-leaf-2-connection-create-database"));
    QVERIFY(clickNext(wizard));
    const QString configPath = m_dir.filePath(QStringLiteral("configs/dst2.ini"));
    QVERIFY(driveToSummary(wizard, QString(), QStringLiteral("dst2"), configPath));
    auto exists = databaseExists(as(QStringLiteral("postgres"), QStringLiteral("dst2")));
    QVERIFY_RESULT(exists);
    QVERIFY(!*exists); // not before Create
    QVERIFY(child<NodeSummaryPage>(&wizard, "summaryPage")
                ->commandsText()
                .contains(QStringLiteral("CREATE DATABASE \"dst2\"")));
    QVERIFY(clickNext(wizard) || child<NodeSummaryPage>(&wizard, "summaryPage")->isCreating());
    QVERIFY(QTest::qWaitFor([&wizard] { return wizard.currentId() == NodeWizard::WorkerPageId; },
                            kWaitMs));
    auto info = sql(QStringLiteral("dst2"),
                    QStringLiteral("SELECT node_name, node_type FROM ferry.node_info"));
    QVERIFY_RESULT(info);
    QCOMPARE(info->rowCount(), 1);
    QCOMPARE(info->text(0, 0), QStringLiteral("dst2"));
    QCOMPARE(info->text(0, 1), QStringLiteral("leaf"));
    // Its worker as a daemon: Finish waits until its pidfile says it runs.
    WorkerControl::setFerryProgram(QStringLiteral(FERRY_CLI));
    child<QRadioButton>(&wizard, "workerDaemon")->setChecked(true);
    QSignalSpy accepted(&wizard, &QDialog::accepted);
    wizard.button(QWizard::FinishButton)->click();
    QVERIFY(wizard.isVisible());
    QVERIFY(QTest::qWaitFor([&accepted] { return accepted.size() == 1; }, kWaitMs));
    const QString pidFile = m_dir.filePath(QStringLiteral("configs/dst2.pid"));
    QVERIFY(PidFile::runningPid(pidFile).has_value());
    QVERIFY_RESULT(PidFile::stop(pidFile, kWaitMs));
}

void TestNodeWizards::failedCreateUndoesWhatItMade()
{
    NewLeafWizard wizard(m_store.get(), cascade(), nullptr, m_registry.get());
    QSignalSpy created(&wizard, &NodeWizard::nodeCreated);
    wizard.show();
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    QVERIFY2(QTest::qWaitFor([provider] { return provider->isComplete(); }, kWaitMs),
             qPrintable(provider->resultText()));
    QVERIFY(clickNext(wizard));
    QVERIFY(connect(wizard, QStringLiteral("dst3")));
    child<QCheckBox>(&wizard, "connectionCreateDatabase")->setChecked(true);
    QVERIFY(clickNext(wizard));
    const QString configPath = m_dir.filePath(QStringLiteral("configs/dst3.ini"));
    QVERIFY(driveToSummary(wizard, QString(), QStringLiteral("dst3"), configPath));

    // Meanwhile another leaf takes the name: Create fails after it made the
    // database and wrote the config, and undoes both.
    NodeSetup other;
    other.db = as(QStringLiteral("postgres"), QStringLiteral("faildb"));
    other.queue = kQueue;
    other.nodeName = QStringLiteral("dst3");
    other.workerName = QStringLiteral("other_job");
    other.location = other.db;
    other.provider = as(QStringLiteral("postgres"), QStringLiteral("rootdb"));
    QVERIFY_RESULT(NodeAdmin::createLeaf(other));

    auto *summary = child<NodeSummaryPage>(&wizard, "summaryPage");
    wizard.button(QWizard::CommitButton)->click();
    QVERIFY(summary->isCreating());
    // Cancel is refused while Create runs.
    wizard.reject();
    QVERIFY(wizard.isVisible());
    QVERIFY(QTest::qWaitFor([summary] { return !summary->isCreating(); }, kWaitMs));
    QCOMPARE(wizard.currentId(), int(NodeWizard::SummaryPageId));
    QVERIFY2(summary->errorText().startsWith(QStringLiteral("Nothing was made: ")),
             qPrintable(summary->errorText()));
    QVERIFY(summary->errorText().contains(QStringLiteral("already has a node named 'dst3'")));
    shoot(wizard, QStringLiteral("wizard-leaf-6-summary-failed"));
    QCOMPARE(created.size(), 0);
    QVERIFY(!QFile::exists(configPath));
    auto exists = databaseExists(as(QStringLiteral("postgres"), QStringLiteral("dst3")));
    QVERIFY_RESULT(exists);
    QVERIFY(!*exists);
    wizard.button(QWizard::CancelButton)->click();
    QVERIFY(!wizard.isVisible());
}

void TestNodeWizards::leafCancelAtEveryPageLeavesNothing()
{
    const QString configPath = m_dir.filePath(QStringLiteral("cancel/leafcancel.ini"));
    auto root = Connection::open(as(QStringLiteral("postgres"), QStringLiteral("rootdb")));
    QVERIFY_RESULT(root);
    auto before = loadMembers(*root, kQueue);
    QVERIFY_RESULT(before);
    for (int stop = NodeWizard::ProviderPageId; stop <= NodeWizard::SummaryPageId; ++stop) {
        NewLeafWizard wizard(m_store.get(), cascade(), nullptr, m_registry.get());
        wizard.show();
        auto *provider = child<ProviderPage>(&wizard, "providerPage");
        QVERIFY(QTest::qWaitFor([provider] { return provider->isComplete(); }, kWaitMs));
        if (stop > NodeWizard::ProviderPageId)
            QVERIFY(clickNext(wizard));
        if (stop > NodeWizard::ConnectionPageId) {
            QVERIFY(connect(wizard, QStringLiteral("leafcancel")));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::NamesPageId) {
            child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("lc"));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::PrivilegesPageId) {
            auto *privileges = child<PrivilegesPage>(&wizard, "privilegesPage");
            QVERIFY(QTest::qWaitFor([privileges] { return privileges->isComplete(); }, kWaitMs));
            QVERIFY(clickNext(wizard));
        }
        if (stop > NodeWizard::ConfigPageId) {
            child<QLineEdit>(&wizard, "configPath")->setText(configPath);
            QVERIFY(clickNext(wizard));
        }
        QCOMPARE(wizard.currentId(), stop);
        wizard.button(QWizard::CancelButton)->click();
        QVERIFY(!wizard.isVisible());
        QVERIFY2(!hasFerrySchema(QStringLiteral("leafcancel")), qPrintable(QString::number(stop)));
        QVERIFY(!QFile::exists(configPath));
        auto after = loadMembers(*root, kQueue);
        QVERIFY_RESULT(after);
        QCOMPARE(after->size(), before->size());
    }
}

// Create's undo without the wizard around it: the schema it installed goes,
// and a config file it replaced comes back as it was.
void TestNodeWizards::createNodeUndoesSchemaAndReplacedConfig()
{
    const QString configPath = m_dir.filePath(QStringLiteral("undo.ini"));
    {
        QFile old(configPath);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("[ferry]\n# the user's own\n");
    }
    QVERIFY(QFile::setPermissions(configPath, QFile::ReadOwner | QFile::WriteOwner));
    NodeCreation c;
    c.kind = NodeKind::Root;
    c.setup.db = as(QStringLiteral("postgres"), QStringLiteral("undodb"));
    // A queue the queue table refuses: createRoot fails after it installed the schema.
    c.setup.queue = QStringLiteral("no spaces allowed");
    c.setup.nodeName = QStringLiteral("undo");
    c.setup.workerName = QStringLiteral("undo_job");
    c.configPath = configPath;
    c.replaceConfig = true;
    c.config.jobName = QStringLiteral("undo_job");
    c.config.db = c.setup.db;
    c.config.queueName = kQueue;
    auto node = createNode(c);
    QVERIFY(!node.ok());
    QVERIFY(!hasFerrySchema(QStringLiteral("undodb")));
    QFile file(configPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("[ferry]\n# the user's own\n"));
}

// A schema named ferry that is not Ferry's: refused by the privileges check
// and by Create, and never dropped by Create's undo.
void TestNodeWizards::foreignFerrySchemaIsKept()
{
    QVERIFY_RESULT(sql(QStringLiteral("foreigndb"),
                       QStringLiteral("CREATE SCHEMA ferry; CREATE TABLE ferry.precious (id int); "
                                      "INSERT INTO ferry.precious VALUES (1)")));
    const ConnectionString db = as(QStringLiteral("postgres"), QStringLiteral("foreigndb"));
    auto privileges = checkNodePrivileges(db, NodeKind::Root, kQueue);
    QVERIFY_RESULT(privileges);
    QVERIFY(!privileges->sufficient());
    bool refused = false;
    for (const PrivilegeCheck &c : privileges->checks) {
        if (c.needed && !c.granted && c.what.contains(QStringLiteral("is not Ferry's")))
            refused = c.missing.contains(QStringLiteral("rename it or use another database"));
    }
    QVERIFY(refused);
    // The wizard says so on its privileges page, and Next waits.
    {
        NewRootWizard wizard(m_store.get(), nullptr, m_registry.get());
        wizard.show();
        QVERIFY(connect(wizard, QStringLiteral("foreigndb")));
        QVERIFY(clickNext(wizard));
        child<QLineEdit>(&wizard, "namesNode")->setText(QStringLiteral("foreign"));
        QVERIFY(clickNext(wizard));
        auto *page = child<PrivilegesPage>(&wizard, "privilegesPage");
        QVERIFY(QTest::qWaitFor([page] { return !page->isChecking(); }, kWaitMs));
        QVERIFY(!page->isComplete());
        QVERIFY2(page->listText().contains(QStringLiteral("is not Ferry's")),
                 qPrintable(page->listText()));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        // No statement fixes it: the page does not point at statements.
        const QString result = child<QLabel>(page, "privilegesResult")->text();
        QVERIFY2(!result.contains(QStringLiteral("statements below")), qPrintable(result));
        shoot(wizard, QStringLiteral("wizard-root-4-privileges-foreign-schema"));
        wizard.reject();
    }

    NodeCreation c;
    c.kind = NodeKind::Root;
    c.setup.db = db;
    c.setup.queue = kQueue;
    c.setup.nodeName = QStringLiteral("foreign");
    c.setup.workerName = QStringLiteral("foreign_job");
    c.configPath = m_dir.filePath(QStringLiteral("foreign.ini"));
    c.config.jobName = QStringLiteral("foreign_job");
    c.config.db = db;
    c.config.queueName = kQueue;
    QStringList notUndone;
    auto node = createNode(c, &notUndone);
    QVERIFY(!node.ok());
    QVERIFY2(node.error().toString().contains(QStringLiteral("is not Ferry's")),
             qPrintable(node.error().toString()));
    QVERIFY2(notUndone.isEmpty(), qPrintable(notUndone.join(QLatin1Char(' '))));
    QVERIFY(!QFile::exists(c.configPath));
    auto kept
        = sql(QStringLiteral("foreigndb"), QStringLiteral("SELECT count(*) FROM ferry.precious"));
    QVERIFY_RESULT(kept);
    QCOMPARE(kept->text(0, 0), QStringLiteral("1"));
}

// An undo step that fails is reported, not swallowed: here the server
// refuses DROP SCHEMA.
void TestNodeWizards::undoFailuresAreReported()
{
    QVERIFY_RESULT(
        sql(QStringLiteral("undofaildb"),
            QStringLiteral("CREATE FUNCTION no_drop() RETURNS event_trigger LANGUAGE plpgsql AS "
                           "$$BEGIN RAISE EXCEPTION 'schemas stay here'; END$$; "
                           "CREATE EVENT TRIGGER no_drop ON ddl_command_start "
                           "WHEN TAG IN ('DROP SCHEMA') EXECUTE FUNCTION no_drop()")));
    NodeCreation c;
    c.kind = NodeKind::Root;
    c.setup.db = as(QStringLiteral("postgres"), QStringLiteral("undofaildb"));
    // A queue the queue table refuses: createRoot fails after it installed the schema.
    c.setup.queue = QStringLiteral("no spaces allowed");
    c.setup.nodeName = QStringLiteral("undofail");
    c.setup.workerName = QStringLiteral("undofail_job");
    c.configPath = m_dir.filePath(QStringLiteral("undofail.ini"));
    c.config.jobName = QStringLiteral("undofail_job");
    c.config.db = c.setup.db;
    c.config.queueName = kQueue;
    QStringList notUndone;
    auto node = createNode(c, &notUndone);
    QVERIFY(!node.ok());
    QCOMPARE(notUndone.size(), 1);
    QVERIFY2(notUndone.first().contains(QStringLiteral("schema ferry")),
             qPrintable(notUndone.first()));
    QVERIFY2(notUndone.first().contains(QStringLiteral("schemas stay here")),
             qPrintable(notUndone.first()));
    QVERIFY(!QFile::exists(c.configPath));
    QVERIFY_RESULT(sql(QStringLiteral("undofaildb"), QStringLiteral("DROP EVENT TRIGGER no_drop")));
}

// Typing in the connection while Check Provider runs: the check still ends
// (busy gone, Check enabled again), and its result, stale, is not applied.
void TestNodeWizards::providerEditedWhileChecking()
{
    NewLeafWizard wizard(m_store.get(), cascade(), nullptr, m_registry.get());
    wizard.show();
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    QVERIFY(QTest::qWaitFor([provider] { return provider->isComplete(); }, kWaitMs));
    auto *nodeBox = child<QComboBox>(&wizard, "providerNode");
    nodeBox->setCurrentIndex(nodeBox->count() - 1); // Another node: enter its connection
    auto *edit = child<QLineEdit>(&wizard, "providerConnection");
    edit->setText(as(QStringLiteral("postgres"), QStringLiteral("rootdb")).toString());
    auto *check = child<QAbstractButton>(&wizard, "providerCheck");
    check->click();
    QVERIFY(provider->isChecking());
    QVERIFY(!check->isEnabled());
    edit->setText(edit->text() + QStringLiteral(" ")); // the user types on while it checks
    QVERIFY2(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs),
             "Check Provider never ends");
    QVERIFY(check->isEnabled());
    QVERIFY(!child<QWidget>(&wizard, "providerBusy")->isVisible());
    QVERIFY(!provider->isComplete()); // checked before the edit: not for what is shown
    check->click();
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY2(provider->isComplete(), qPrintable(provider->resultText()));
    // Switched to a known node while a check runs: that node's check wins.
    nodeBox->setCurrentIndex(nodeBox->count() - 1);
    edit->setText(as(QStringLiteral("postgres"), QStringLiteral("leafdb")).toString());
    check->click();
    nodeBox->setCurrentIndex(0);
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY2(provider->isComplete(), qPrintable(provider->resultText()));
    QVERIFY(check->isEnabled());
    wizard.reject();
}

// A connection typed by hand names no queue: the one this database is the
// root of is taken, and several are refused, by name.
void TestNodeWizards::providerQueueTypedByHand()
{
    NodeSetup alpha;
    alpha.db = as(QStringLiteral("postgres"), QStringLiteral("tworoots"));
    alpha.queue = QStringLiteral("alpha");
    alpha.nodeName = QStringLiteral("alpha_root");
    alpha.workerName = QStringLiteral("alpha_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(alpha));
    NodeSetup beta = alpha;
    beta.queue = QStringLiteral("beta");
    beta.nodeName = QStringLiteral("beta_root");
    beta.workerName = QStringLiteral("beta_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(beta));
    // mixeddb: a leaf of alpha (the first queue by name) and the root of zeta.
    NodeSetup leaf;
    leaf.db = as(QStringLiteral("postgres"), QStringLiteral("mixeddb"));
    leaf.location = leaf.db;
    leaf.provider = alpha.db;
    leaf.queue = QStringLiteral("alpha");
    leaf.nodeName = QStringLiteral("alpha_leaf");
    leaf.workerName = QStringLiteral("alpha_leaf_job");
    QVERIFY_RESULT(NodeAdmin::createLeaf(leaf));
    NodeSetup zeta;
    zeta.db = leaf.db;
    zeta.queue = QStringLiteral("zeta");
    zeta.nodeName = QStringLiteral("zeta_root");
    zeta.workerName = QStringLiteral("zeta_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(zeta));

    NewLeafWizard wizard(m_store.get(), {}, nullptr, m_registry.get());
    wizard.show();
    auto *provider = child<ProviderPage>(&wizard, "providerPage");
    auto *connection = child<QLineEdit>(&wizard, "providerConnection");
    connection->setText(leaf.db.toString());
    child<QAbstractButton>(&wizard, "providerCheck")->click();
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY2(provider->isComplete(), qPrintable(provider->resultText()));
    QCOMPARE(provider->queue(), QStringLiteral("zeta"));
    QCOMPARE(provider->nodeName(), QStringLiteral("zeta_root"));

    connection->setText(alpha.db.toString());
    child<QAbstractButton>(&wizard, "providerCheck")->click();
    QVERIFY(QTest::qWaitFor([provider] { return !provider->isChecking(); }, kWaitMs));
    QVERIFY(!provider->isComplete());
    QVERIFY2(provider->resultText().contains(QStringLiteral("'alpha', 'beta'")),
             qPrintable(provider->resultText()));
    shoot(wizard, QStringLiteral("wizard-leaf-1-provider-several-queues"));
    wizard.reject();
}

QTEST_MAIN(TestNodeWizards)
#include "tst_nodewizards.moc"
