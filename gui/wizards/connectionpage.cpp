#include "wizards/connectionpage.h"

#include "cascade/nodedatabase.h"
#include "common/asynctask.h"
#include "profiles/passwordvault.h"
#include "profiles/profiledialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace ferry::gui {

struct ConnectionPage::Tested
{
    ConnectionTest test;
    bool missingDatabase = false;
};

ConnectionPage::ConnectionPage(LocalStore *store, bool offerCreateDatabase, QWidget *parent)
    : QWizardPage(parent)
    , m_store(store)
    , m_offerCreate(offerCreateDatabase)
{
    setObjectName(QStringLiteral("connectionPage"));
    setTitle(tr("Connection"));
    setSubTitle(offerCreateDatabase
                    ? tr("The database of the new leaf, and the role its worker logs in as.")
                    : tr("The database of the new root, and the role its worker logs in as."));

    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("connectionProfile"));
    m_profile->setToolTip(tr("A saved connection profile, or a new connection entered below."));
    m_host = new QLineEdit(QStringLiteral("127.0.0.1"), this);
    m_host->setObjectName(QStringLiteral("connectionHost"));
    m_host->setPlaceholderText(tr("local Unix socket"));
    m_host->setToolTip(tr("Host name or address of the PostgreSQL server; empty: the local "
                          "Unix socket."));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("connectionPort"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setToolTip(tr("The server's port."));
    m_db = new QLineEdit(this);
    m_db->setObjectName(QStringLiteral("connectionDatabase"));
    m_db->setToolTip(tr("The database that becomes the node."));
    m_user = new QLineEdit(qEnvironmentVariable("USER"), this);
    m_user->setObjectName(QStringLiteral("connectionUser"));
    m_user->setToolTip(tr("The role the node's worker logs in as."));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("connectionPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("none, or from ~/.pgpass"));
    m_password->setToolTip(tr("Used by this window only: the config file never holds it. Keep "
                              "it in ~/.pgpass or the keychain (Save as profile) for the "
                              "worker."));
    m_sslmode = new QComboBox(this);
    m_sslmode->setObjectName(QStringLiteral("connectionSslmode"));
    m_sslmode->addItems(sslModes());
    m_sslmode->setCurrentText(QStringLiteral("prefer"));
    m_sslmode->setToolTip(tr("Whether and how the connection uses SSL (libpq's sslmode)."));

    m_save = new QCheckBox(tr("Sa&ve as a connection profile"), this);
    m_save->setObjectName(QStringLiteral("connectionSaveProfile"));
    m_save->setToolTip(tr("Keeps this connection under File > Connection Profiles once the node "
                          "is made; nothing is saved if you cancel."));
    m_profileName = new QLineEdit(this);
    m_profileName->setObjectName(QStringLiteral("connectionProfileName"));
    m_profileName->setToolTip(tr("The profile's name in the list of profiles."));
    m_passwordStore = new QComboBox(this);
    m_passwordStore->setObjectName(QStringLiteral("connectionPasswordStore"));
    m_passwordStore->addItem(tr("~/.pgpass (read by libpq, also by ferry on servers)"),
                             int(PasswordStore::PgPass));
    m_passwordStore->addItem(tr("System keychain"), int(PasswordStore::Keychain));
    m_passwordStore->addItem(tr("Do not keep it"), int(PasswordStore::None));
    m_passwordStore->setToolTip(tr("Where the profile's password is kept: never in the profile "
                                   "or the config file."));

    m_profileError = new QLabel(this);
    m_profileError->setObjectName(QStringLiteral("connectionProfileError"));
    m_profileError->setWordWrap(true);
    m_profileError->hide();

    m_test = new QPushButton(tr("&Test Connection"), this);
    m_test->setObjectName(QStringLiteral("connectionTest"));
    m_test->setToolTip(tr("Connects with the values above, off the window's thread."));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("connectionBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_result = new QLabel(tr("Press Test Connection to go on."), this);
    m_result->setObjectName(QStringLiteral("connectionResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_createDb = new QCheckBox(this);
    m_createDb->setObjectName(QStringLiteral("connectionCreateDatabase"));
    m_createDb->setToolTip(tr("Create makes the database (CREATE DATABASE, as this role) before "
                              "the node, and drops it again if the node cannot be made."));
    m_createDb->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Profile:"), m_profile);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("P&ort:"), m_port);
    form->addRow(tr("&Database:"), m_db);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("SS&L mode:"), m_sslmode);
    form->addRow(QString(), m_save);
    form->addRow(tr("Profile na&me:"), m_profileName);
    form->addRow(tr("&Keep password in:"), m_passwordStore);
    form->addRow(QString(), m_profileError);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_busy);
    testRow->addWidget(m_result, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(testRow);
    layout->addWidget(m_createDb);
    layout->addStretch(1);

    m_profile->addItem(tr("New connection"), qint64(0));
    for (const ConnectionProfile &p : ProfileStore(m_store).list())
        m_profile->addItem(QStringLiteral("%1 (%2)").arg(p.name, p.address()), p.id);
    connect(m_profile, &QComboBox::currentIndexChanged, this, &ConnectionPage::pickProfile);
    for (QLineEdit *e : {m_host, m_db, m_user, m_password})
        connect(e, &QLineEdit::textChanged, this, &ConnectionPage::changed);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionPage::changed);
    connect(m_sslmode, &QComboBox::currentIndexChanged, this, &ConnectionPage::changed);
    connect(m_test, &QPushButton::clicked, this, &ConnectionPage::startTest);
    connect(m_createDb, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
    connect(m_save, &QCheckBox::toggled, this, &ConnectionPage::updateSaveFields);
    connect(m_profileName, &QLineEdit::textChanged, this, &ConnectionPage::updateSaveFields);
    updateSaveFields();
    // As in the profile dialog: the keychain only where one answers.
    updateKeychainChoice();
    if (Keychain::state() != Keychain::State::Available)
        Keychain::probe(this, [this] { updateKeychainChoice(); });
}

void ConnectionPage::updateKeychainChoice()
{
    auto *model = qobject_cast<QStandardItemModel *>(m_passwordStore->model());
    QStandardItem *item
        = model ? model->item(m_passwordStore->findData(int(PasswordStore::Keychain))) : nullptr;
    if (!item)
        return;
    const bool unavailable = Keychain::state() == Keychain::State::Unavailable;
    item->setEnabled(!unavailable);
    item->setText(unavailable ? tr("System keychain (not available here)") : tr("System keychain"));
    if (unavailable && m_passwordStore->currentData().toInt() == int(PasswordStore::Keychain))
        m_passwordStore->setCurrentIndex(m_passwordStore->findData(int(PasswordStore::PgPass)));
}

ConnectionProfile ConnectionPage::profile() const
{
    ConnectionProfile p;
    const qint64 id = m_profile->currentData().toLongLong();
    if (id != 0) {
        if (auto saved = ProfileStore(m_store).find(id))
            p = *saved;
    }
    p.host = m_host->text().trimmed();
    p.port = m_port->value();
    p.dbname = m_db->text().trimmed();
    p.user = m_user->text().trimmed();
    p.sslmode = m_sslmode->currentText();
    if (id == 0) {
        p.name = m_profileName->text().trimmed();
        p.passwordStore = PasswordStore(m_passwordStore->currentData().toInt());
    }
    return p;
}

QString ConnectionPage::password() const
{
    return m_password->text().isEmpty() ? m_keychainPassword : m_password->text();
}

bool ConnectionPage::createsDatabase() const
{
    return m_missing && m_createDb->isChecked();
}

bool ConnectionPage::savesProfile() const
{
    return m_profile->currentData().toLongLong() == 0 && m_save->isChecked();
}

QString ConnectionPage::resultText() const
{
    return m_result->text();
}

QString ConnectionPage::profileProblem() const
{
    if (!savesProfile())
        return {};
    const QString name = m_profileName->text().trimmed();
    if (name.isEmpty())
        return tr("Enter a name for the profile, or untick Save as a connection profile.");
    for (const ConnectionProfile &p : ProfileStore(m_store).list()) {
        if (p.name == name)
            return tr("A profile named %1 exists already: choose another name.").arg(name);
    }
    return {};
}

bool ConnectionPage::isComplete() const
{
    if (!profileProblem().isEmpty())
        return false;
    return !m_testing && (m_ok || createsDatabase());
}

void ConnectionPage::updateSaveFields()
{
    const bool newConnection = m_profile->currentData().toLongLong() == 0;
    m_save->setEnabled(newConnection);
    m_profileName->setEnabled(newConnection && m_save->isChecked());
    m_passwordStore->setEnabled(newConnection && m_save->isChecked());
    m_profileError->setText(profileProblem());
    m_profileError->setVisible(!m_profileError->text().isEmpty());
    emit completeChanged();
}

void ConnectionPage::pickProfile()
{
    const qint64 id = m_profile->currentData().toLongLong();
    m_keychainPassword.clear();
    const auto saved = id == 0 ? std::nullopt : ProfileStore(m_store).find(id);
    // A saved profile's connection is shown as it is; a new one is typed.
    for (QWidget *w : std::initializer_list<QWidget *>{m_host, m_port, m_db, m_user, m_sslmode})
        w->setEnabled(!saved);
    if (saved) {
        const QSignalBlocker blocks[]
            = {QSignalBlocker(m_host), QSignalBlocker(m_port), QSignalBlocker(m_db),
               QSignalBlocker(m_user), QSignalBlocker(m_sslmode)};
        m_host->setText(saved->host);
        m_port->setValue(saved->port);
        m_db->setText(saved->dbname);
        m_user->setText(saved->user);
        m_sslmode->setCurrentText(saved->sslmode);
        if (saved->passwordStore == PasswordStore::Keychain) {
            m_result->setText(tr("Reading the password of %1 from the keychain…").arg(saved->name));
            QPointer<ConnectionPage> self(this);
            Keychain::read(*saved, this, [self, id](Result<QString> password) {
                if (!self || self->m_profile->currentData().toLongLong() != id)
                    return;
                if (password)
                    self->m_keychainPassword = *password;
                self->m_result->setText(
                    password ? tr("Press Test Connection to go on.")
                             : tr("The keychain did not give the password (%1): type it above.")
                                   .arg(password.error().toString()));
            });
        }
    }
    updateSaveFields();
    changed();
}

void ConnectionPage::changed()
{
    ++m_generation; // a test still running answers for other values
    m_ok = false;
    m_missing = false;
    m_createDb->hide();
    m_createDb->setChecked(false);
    if (!m_testing)
        m_result->setText(tr("Press Test Connection to go on."));
    emit completeChanged();
}

void ConnectionPage::startTest()
{
    if (m_db->text().trimmed().isEmpty()) {
        m_result->setText(tr("Enter the database's name first."));
        return;
    }
    const ConnectionString where = connection();
    const bool offerCreate = m_offerCreate;
    const quint64 generation = ++m_generation;
    m_testing = true;
    m_ok = false;
    m_test->setEnabled(false);
    m_busy->show();
    m_result->setText(tr("Connecting to %1…").arg(where.displayName()));
    emit completeChanged();
    runAsync<Tested>(
        this,
        [where, offerCreate] {
            Tested t;
            t.test = testConnection(where);
            if (!t.test.ok && offerCreate) {
                auto exists = databaseExists(where);
                t.missingDatabase = exists && !*exists;
            }
            return t;
        },
        [this, generation](const Tested &t) {
            m_testing = false;
            m_test->setEnabled(true);
            m_busy->hide();
            if (generation == m_generation)
                onTested(t);
            else
                m_result->setText(tr("Press Test Connection to go on."));
            emit completeChanged();
        });
}

void ConnectionPage::onTested(const Tested &t)
{
    m_ok = t.test.ok;
    m_missing = t.missingDatabase;
    if (m_missing) {
        m_result->setText(tr("Database %1 does not exist on this server.").arg(m_db->text()));
        m_createDb->setText(
            tr("&Create database %1 when I press Create").arg(m_db->text().trimmed()));
        m_createDb->show();
        return;
    }
    if (!t.test.ok) {
        m_result->setText(tr("Failed: %1").arg(t.test.error));
        return;
    }
    m_result->setText(t.test.queues.isEmpty() ? tr("Connected: %1.").arg(t.test.serverVersion)
                                              : tr("Connected: %1. Ferry queues here: %2.")
                                                    .arg(t.test.serverVersion,
                                                         t.test.queues.join(QStringLiteral(", "))));
}

} // namespace ferry::gui
