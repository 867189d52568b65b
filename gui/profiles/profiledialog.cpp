#include "profiles/profiledialog.h"

#include "cascade/node.h"
#include "common/connectadvice.h"
#include "profiles/passwordvault.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtConcurrent>

namespace ferry::gui {

ConnectionTest testConnection(const ConnectionString &where)
{
    ConnectionTest test;
    auto db = Connection::open(withShortConnectTimeout(where));
    if (!db) {
        test.detail = db.error().toString();
        const QString advice = connectAdvice(db.error());
        test.error = advice.isEmpty() ? test.detail : advice;
        return test;
    }
    auto version = db->exec(QStringLiteral("SHOW server_version"));
    if (!version) {
        test.error = version.error().toString();
        return test;
    }
    test.serverVersion
        = QStringLiteral("PostgreSQL %1").arg(version->text(0, 0).section(QLatin1Char(' '), 0, 0));
    if (auto queues = nodeQueues(*db))
        test.queues = *queues;
    test.ok = true;
    return test;
}

ProfileDialog::ProfileDialog(const ConnectionProfile &profile, QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
{
    setObjectName(QStringLiteral("profileDialog"));
    setWindowTitle(profile.id == 0 ? tr("New Connection Profile") : tr("Edit Connection Profile"));

    m_name = new QLineEdit(profile.name, this);
    m_name->setObjectName(QStringLiteral("profileName"));
    m_host = new QLineEdit(profile.host, this);
    m_host->setObjectName(QStringLiteral("profileHost"));
    m_host->setPlaceholderText(tr("local Unix socket"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("profilePort"));
    m_port->setRange(1, 65535);
    m_port->setValue(profile.port);
    m_db = new QLineEdit(profile.dbname, this);
    m_db->setObjectName(QStringLiteral("profileDatabase"));
    m_user = new QLineEdit(profile.user, this);
    m_user->setObjectName(QStringLiteral("profileUser"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("profilePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(profile.passwordStore == PasswordStore::None
                                       ? tr("none, or from ~/.pgpass")
                                       : tr("unchanged"));
    m_passwordStore = new QComboBox(this);
    m_passwordStore->setObjectName(QStringLiteral("profilePasswordStore"));
    m_passwordStore->addItem(tr("System keychain"), int(PasswordStore::Keychain));
    m_passwordStore->addItem(tr("~/.pgpass (read by libpq, also by ferry on servers)"),
                             int(PasswordStore::PgPass));
    m_passwordStore->addItem(tr("Do not keep it"), int(PasswordStore::None));
    m_passwordStore->setCurrentIndex(m_passwordStore->findData(int(profile.passwordStore)));
    m_sslmode = new QComboBox(this);
    m_sslmode->setObjectName(QStringLiteral("profileSslmode"));
    m_sslmode->addItems(sslModes());
    m_sslmode->setCurrentText(profile.sslmode);
    m_queue = new QComboBox(this);
    m_queue->setObjectName(QStringLiteral("profileQueue"));
    m_queue->setEditable(true);
    m_queue->setCurrentText(profile.queue);
    m_queue->setToolTip(tr("The queue whose cascade this profile shows. Test Connection lists "
                           "the queues the database has a node for."));

    m_test = new QPushButton(tr("&Test Connection"), this);
    m_test->setObjectName(QStringLiteral("profileTest"));
    connect(m_test, &QPushButton::clicked, this, &ProfileDialog::startTest);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("profileTestResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // What libpq said, for the DBA, under what to do about it.
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("profileTestDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setForegroundRole(QPalette::PlaceholderText);
    m_detail->hide();
    m_saveError = new QLabel(this);
    m_saveError->setObjectName(QStringLiteral("profileSaveError"));
    m_saveError->setWordWrap(true);
    m_saveError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_saveError->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Database:"), m_db);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("&Keep password in:"), m_passwordStore);
    // Not Alt+S: that is Save.
    form->addRow(tr("SS&L mode:"), m_sslmode);
    form->addRow(tr("&Queue:"), m_queue);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    layout->addLayout(testRow);
    layout->addWidget(m_detail);
    layout->addStretch(1);
    layout->addWidget(m_saveError);
    layout->addWidget(m_buttons);

    for (QLineEdit *e : {m_name, m_db})
        connect(e, &QLineEdit::textChanged, this, &ProfileDialog::updateButtons);
    connect(&m_watcher, &QFutureWatcher<ConnectionTest>::finished, this, &ProfileDialog::onTested);
    updateButtons();
    // Asked until one answers (a keychain may have started since), then
    // believed for the session: a closed wallet would ask for its password.
    updateKeychainChoice();
    if (Keychain::state() != Keychain::State::Available)
        Keychain::probe(this, [this] { updateKeychainChoice(); });
    resize(520, sizeHint().height());
}

// A test still running finishes on its own thread; its answer goes with the watcher.
ProfileDialog::~ProfileDialog() = default;

ConnectionProfile ProfileDialog::profile() const
{
    ConnectionProfile p = m_profile;
    p.name = m_name->text().trimmed();
    p.host = m_host->text().trimmed();
    p.port = m_port->value();
    p.dbname = m_db->text().trimmed();
    p.user = m_user->text().trimmed();
    p.passwordStore = PasswordStore(m_passwordStore->currentData().toInt());
    p.sslmode = m_sslmode->currentText();
    p.queue = m_queue->currentText().trimmed();
    return p;
}

QString ProfileDialog::password() const
{
    return m_password->text();
}

void ProfileDialog::startTest()
{
    if (m_watcher.isRunning())
        return;
    const ConnectionString where = profile().connectionString(password());
    m_test->setEnabled(false);
    m_result->setText(tr("Connecting to %1…").arg(where.displayName()));
    m_detail->clear();
    m_detail->hide();
    m_watcher.setFuture(QtConcurrent::run([where] { return testConnection(where); }));
}

void ProfileDialog::onTested()
{
    const ConnectionTest test = m_watcher.result();
    m_test->setEnabled(true);
    if (!test.ok) {
        m_result->setText(tr("Failed: %1").arg(test.error));
        if (test.detail != test.error) {
            m_detail->setText(test.detail);
            m_detail->show();
        }
        emit tested(false);
        return;
    }
    const QString current = m_queue->currentText();
    m_queue->clear();
    m_queue->addItems(test.queues);
    if (!current.isEmpty())
        m_queue->setCurrentText(current);
    else if (test.queues.size() == 1)
        m_queue->setCurrentIndex(0);
    m_result->setText(
        test.queues.isEmpty()
            ? tr("Connected: %1. No Ferry node in this database yet.").arg(test.serverVersion)
            : tr("Connected: %1. Ferry queues here: %2.")
                  .arg(test.serverVersion, test.queues.join(QStringLiteral(", "))));
    emit tested(true);
}

QString ProfileDialog::testResult() const
{
    return m_result->text();
}

QString ProfileDialog::testDetail() const
{
    return m_detail->text();
}

QString ProfileDialog::saveError() const
{
    return m_saveError->text();
}

QString ProfileDialog::passwordWouldBeLost() const
{
    if (PasswordStore(m_passwordStore->currentData().toInt()) != PasswordStore::Keychain)
        return {};
    if (Keychain::state() == Keychain::State::Unavailable && !password().isEmpty())
        return tr("The system keychain is not available here (%1), so it cannot keep the "
                  "password: keep it in ~/.pgpass, or do not keep it.")
            .arg(Keychain::unavailableReason());
    // A new keychain profile without a password has nothing to open with.
    if (m_profile.passwordStore != PasswordStore::Keychain && password().isEmpty())
        return tr("Enter the password the system keychain should keep, or choose Do not keep "
                  "it.");
    return {};
}

void ProfileDialog::accept()
{
    if (m_saving)
        return;
    if (const QString lost = passwordWouldBeLost(); !lost.isEmpty()) {
        showSaveError(lost);
        return;
    }
    // Without a queue (and a CONFIG.ini to take it from) the profile opens nothing.
    if (m_profile.configPath.isEmpty() && m_queue->currentText().trimmed().isEmpty()) {
        showSaveError(tr("Choose the queue this profile shows: Test Connection lists the "
                         "queues the database has a node for."));
        return;
    }
    if (!m_saver) {
        QDialog::accept();
        return;
    }
    m_saving = true;
    updateButtons();
    showSaveError(QString());
    QPointer<ProfileDialog> self(this);
    m_saver(profile(), password(), [self](Result<qint64> saved) {
        if (!self)
            return;
        self->m_saving = false;
        self->updateButtons();
        if (!saved) {
            // The dialog stays, with everything typed in it, the password too.
            self->showSaveError(saved.error().toString());
            self->updateKeychainChoice();
            return;
        }
        self->QDialog::accept();
    });
}

void ProfileDialog::showSaveError(const QString &text)
{
    m_saveError->setText(text);
    m_saveError->setVisible(!text.isEmpty());
}

void ProfileDialog::updateKeychainChoice()
{
    auto *model = qobject_cast<QStandardItemModel *>(m_passwordStore->model());
    QStandardItem *item
        = model ? model->item(m_passwordStore->findData(int(PasswordStore::Keychain))) : nullptr;
    if (!item)
        return;
    const bool unavailable = Keychain::state() == Keychain::State::Unavailable;
    item->setEnabled(!unavailable);
    item->setText(unavailable ? tr("System keychain (not available here)") : tr("System keychain"));
    const QString why = unavailable
                            ? tr("No system keychain answers here (%1). Keep the password in "
                                 "~/.pgpass instead: libpq reads it, and so does ferry.")
                                  .arg(Keychain::unavailableReason())
                            : QString();
    item->setToolTip(why);
    m_passwordStore->setToolTip(
        unavailable ? why
                    : tr("~/.pgpass is the file libpq reads; ferry finds the password there too."));
}

void ProfileDialog::updateButtons()
{
    m_buttons->button(QDialogButtonBox::Save)
        ->setEnabled(!m_saving && !m_name->text().trimmed().isEmpty()
                     && !m_db->text().trimmed().isEmpty());
}

} // namespace ferry::gui
