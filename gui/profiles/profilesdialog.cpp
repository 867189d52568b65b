#include "profiles/profilesdialog.h"

#include "common/localstore.h"
#include "db/connectgate.h"
#include "profiles/passwordvault.h"
#include "profiles/profiledialog.h"

#include <QBoxLayout>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>

namespace ferry::gui {

namespace {

enum Column { NameColumn, AddressColumn, QueueColumn, SslColumn, PasswordColumn, ConfigColumn };

QString passwordText(PasswordStore store)
{
    switch (store) {
    case PasswordStore::Keychain:
        return ProfilesDialog::tr("keychain");
    case PasswordStore::PgPass:
        return ProfilesDialog::tr("~/.pgpass");
    case PasswordStore::None:
        break;
    }
    return ProfilesDialog::tr("not kept");
}

} // namespace

ProfilesDialog::ProfilesDialog(LocalStore *store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
{
    setObjectName(QStringLiteral("profilesDialog"));
    setWindowTitle(tr("Connection Profiles"));

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("profileList"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels(
        {tr("Name"), tr("Connection"), tr("Queue"), tr("SSL"), tr("Password"), tr("Config")});
    m_list->header()->setStretchLastSection(true);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &ProfilesDialog::updateButtons);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &ProfilesDialog::openSelected);

    auto button = [this](const QString &name, const QString &text, void (ProfilesDialog::*slot)()) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    m_add = button(QStringLiteral("profileAdd"), tr("&Add…"), &ProfilesDialog::add);
    m_edit = button(QStringLiteral("profileEdit"), tr("&Edit…"), &ProfilesDialog::edit);
    m_remove
        = button(QStringLiteral("profileRemove"), tr("&Remove"), &ProfilesDialog::removeSelected);
    m_import = button(QStringLiteral("profileImport"), tr("&Import Config…"),
                      &ProfilesDialog::chooseConfig);
    m_open = button(QStringLiteral("profileOpen"), tr("&Open"), &ProfilesDialog::openSelected);
    m_open->setDefault(true);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("profileMessage"));
    m_message->setWordWrap(true);

    auto *side = new QVBoxLayout;
    for (QPushButton *b : {m_add, m_edit, m_remove, m_import})
        side->addWidget(b);
    side->addStretch(1);
    side->addWidget(m_open);
    auto *top = new QHBoxLayout;
    top->addWidget(m_list, 1);
    top->addLayout(side);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(m_message);
    layout->addWidget(close);
    resize(760, 360);
    reload();
}

void ProfilesDialog::reload()
{
    const qint64 current = selected() ? selected()->id : 0;
    m_list->clear();
    for (const ConnectionProfile &p : ProfileStore(m_store).list()) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(NameColumn, p.name);
        item->setText(AddressColumn, p.address());
        item->setText(QueueColumn, p.queue);
        item->setText(SslColumn, p.sslmode);
        item->setText(PasswordColumn, passwordText(p.passwordStore));
        item->setText(ConfigColumn, p.configPath);
        item->setData(0, Qt::UserRole, p.id);
        if (p.id == current)
            m_list->setCurrentItem(item);
    }
    for (int c = 0; c < ConfigColumn; ++c)
        m_list->resizeColumnToContents(c);
    updateButtons();
}

std::optional<ConnectionProfile> ProfilesDialog::selected() const
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return std::nullopt;
    return ProfileStore(m_store).find(item->data(0, Qt::UserRole).toLongLong());
}

Result<qint64> ProfilesDialog::saveProfile(const ConnectionProfile &profile,
                                           const QString &password)
{
    const std::optional<ConnectionProfile> previous
        = profile.id == 0 ? std::nullopt : ProfileStore(m_store).find(profile.id);
    // The keychain entry and the .pgpass line are keyed by the connection: a
    // changed connection or store cannot keep a password it was not given.
    const bool moved = previous
                       && (previous->address() != profile.address()
                           || previous->passwordStore != profile.passwordStore);
    if (moved && password.isEmpty() && profile.passwordStore != PasswordStore::None) {
        const Error error(ErrorKind::Usage,
                          tr("Enter the password again: the profile's connection or password "
                             "store changed, so the kept one does not apply to it."));
        showMessage(error.message());
        return error;
    }
    auto id = ProfileStore(m_store).save(profile);
    if (!id) {
        showMessage(id.error().toString());
        return id;
    }
    ConnectionProfile saved = profile;
    saved.id = *id;
    if (moved && previous->passwordStore == PasswordStore::Keychain)
        Keychain::remove(*previous);
    QString message = tr("Saved profile %1.").arg(saved.name);
    if (!password.isEmpty()) {
        if (profile.passwordStore == PasswordStore::PgPass) {
            if (auto r = PgPass::store(saved, password); !r) {
                showMessage(r.error().toString());
                return r.error();
            }
            message
                = tr("Saved profile %1; its password is in %2.").arg(saved.name, PgPass::path());
        } else if (profile.passwordStore == PasswordStore::Keychain) {
            message = tr("Saved profile %1; storing its password in the system keychain…")
                          .arg(saved.name);
            const QString name = saved.name;
            Keychain::write(saved, password, this, [this, name](Result<void> r) {
                showMessage(
                    r ? tr("Saved profile %1; its password is in the system keychain.").arg(name)
                      : r.error().toString());
            });
        }
    }
    showMessage(message);
    reload();
    ConnectGate::instance().retryAll(); // a login refused before may work now
    return id;
}

Result<qint64> ProfilesDialog::importConfig(const QString &path, PasswordStore passwordStore)
{
    QString password;
    auto profile = profileFromConfig(path, &password);
    if (!profile) {
        showMessage(profile.error().toString());
        return profile.error();
    }
    profile->passwordStore = password.isEmpty() ? PasswordStore::None : passwordStore;
    // Two configs of the same name in different folders stay apart.
    const QList<ConnectionProfile> existing = ProfileStore(m_store).list();
    QString name = profile->name;
    for (int n = 2; std::any_of(existing.begin(), existing.end(),
                                [&name](const ConnectionProfile &p) { return p.name == name; });
         ++n)
        name = QStringLiteral("%1 (%2)").arg(profile->name).arg(n);
    profile->name = name;
    return saveProfile(*profile, password);
}

void ProfilesDialog::add()
{
    ConnectionProfile blank;
    blank.host = QStringLiteral("127.0.0.1");
    blank.user = qEnvironmentVariable("USER");
    editProfile(blank);
}

void ProfilesDialog::edit()
{
    if (const auto p = selected())
        editProfile(*p);
}

void ProfilesDialog::editProfile(const ConnectionProfile &profile)
{
    // Window-modal and not exec()'d: no nested event loop.
    auto *dialog = new ProfileDialog(profile, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { (void)saveProfile(dialog->profile(), dialog->password()); });
    dialog->open();
}

void ProfilesDialog::removeSelected()
{
    const auto p = selected();
    if (!p)
        return;
    if (auto r = ProfileStore(m_store).remove(p->id); !r) {
        showMessage(r.error().toString());
        return;
    }
    // Its keychain entry goes too; a .pgpass line stays, as ferry on this
    // machine may use it.
    if (p->passwordStore == PasswordStore::Keychain)
        Keychain::remove(*p);
    showMessage(tr("Removed profile %1.").arg(p->name));
    reload();
}

void ProfilesDialog::chooseConfig()
{
    // A password in the file goes to ~/.pgpass, where ferry on this machine
    // finds it too; Edit moves it to the keychain.
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Ferry Config"), QString(),
                                                      tr("Ferry configs (*.ini);;All files (*)"));
    if (!path.isEmpty())
        (void)importConfig(path, PasswordStore::PgPass);
}

void ProfilesDialog::openSelected()
{
    if (const auto p = selected()) {
        emit openRequested(*p);
        accept();
    }
}

QString ProfilesDialog::message() const
{
    return m_message->text();
}

void ProfilesDialog::showMessage(const QString &text)
{
    m_message->setText(text);
}

void ProfilesDialog::updateButtons()
{
    const bool any = m_list->currentItem() != nullptr;
    m_edit->setEnabled(any);
    m_remove->setEnabled(any);
    m_open->setEnabled(any);
}

} // namespace ferry::gui
