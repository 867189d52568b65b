#include "profiles/profilesdialog.h"

#include "common/dialoggeometry.h"
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
    keepDialogGeometry(this, m_store, QStringLiteral("profiles"));
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

Result<void> ProfilesDialog::check(const ConnectionProfile &profile, const QString &password) const
{
    if (auto valid = ProfileStore(m_store).validate(profile); !valid)
        return valid;
    const std::optional<ConnectionProfile> previous
        = profile.id == 0 ? std::nullopt : ProfileStore(m_store).find(profile.id);
    // The keychain entry and the .pgpass line are keyed by the connection: a
    // changed connection or store cannot keep a password it was not given.
    const bool moved = previous
                       && (previous->address() != profile.address()
                           || previous->passwordStore != profile.passwordStore);
    if (moved && password.isEmpty() && profile.passwordStore != PasswordStore::None)
        return Error(ErrorKind::Usage,
                     tr("Enter the password again: the profile's connection or password store "
                        "changed, so the kept one does not apply to it."));
    return {};
}

void ProfilesDialog::saveProfile(const ConnectionProfile &profile,
                                 const QString &password,
                                 std::function<void(Result<qint64>)> done)
{
    const auto finish = [this, done](Result<qint64> saved) {
        if (!saved)
            showMessage(saved.error().toString());
        if (done)
            done(saved);
    };
    if (profile.passwordStore != PasswordStore::Keychain || password.isEmpty()) {
        finish(commit(profile, password));
        return;
    }
    if (auto ok = check(profile, password); !ok) {
        finish(ok.error());
        return;
    }
    // The keychain first: a profile that says "keychain" while the keychain
    // has no password for it could not be opened.
    showMessage(tr("Storing the password of %1 in the system keychain…").arg(profile.name));
    Keychain::write(profile, password, this,
                    [this, profile, password, finish](Result<void> stored) {
                        if (!stored) {
                            finish(stored.error());
                            return;
                        }
                        finish(commit(profile, password, true));
                    });
}

Result<qint64> ProfilesDialog::commit(const ConnectionProfile &profile,
                                      const QString &password,
                                      bool keychainHasIt)
{
    if (auto ok = check(profile, password); !ok)
        return ok.error();
    // The password first, as with the keychain: no profile without it.
    const bool toPgPass = !password.isEmpty() && profile.passwordStore == PasswordStore::PgPass;
    if (toPgPass) {
        if (auto r = PgPass::store(profile, password); !r)
            return r.error();
    }
    const std::optional<ConnectionProfile> previous
        = profile.id == 0 ? std::nullopt : ProfileStore(m_store).find(profile.id);
    auto id = ProfileStore(m_store).save(profile);
    if (!id)
        return id;
    ConnectionProfile saved = profile;
    saved.id = *id;
    // The old entry goes unless it is the one just written.
    if (previous && previous->passwordStore == PasswordStore::Keychain
        && (previous->address() != saved.address()
            || saved.passwordStore != PasswordStore::Keychain))
        Keychain::remove(*previous);
    QString message = tr("Saved profile %1.").arg(saved.name);
    if (keychainHasIt) {
        message = tr("Saved profile %1; its password is in the system keychain.").arg(saved.name);
    } else if (toPgPass) {
        message = tr("Saved profile %1; its password is in %2.").arg(saved.name, PgPass::path());
    } else if (!password.isEmpty() && saved.passwordStore == PasswordStore::None) {
        // Said, so that no one believes the typed password was kept.
        message = tr("Saved profile %1 without the password you typed (Keep password in: Do "
                     "not keep it): ~/.pgpass or the keychain would keep it.")
                      .arg(saved.name);
    }
    reload();
    select(*id);
    showMessage(message);
    ConnectGate::instance().retryAll(); // a login refused before may work now
    return id;
}

void ProfilesDialog::select(qint64 id)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toLongLong() == id) {
            m_list->setCurrentItem(item);
            m_list->scrollToItem(item);
            return;
        }
    }
}

Result<qint64> ProfilesDialog::importConfig(const QString &path)
{
    QString password;
    auto profile = profileFromConfig(path, &password);
    if (!profile) {
        showMessage(profile.error().toString());
        return profile.error();
    }
    // ~/.pgpass, where ferry on this machine finds it too; Edit moves it to the keychain.
    profile->passwordStore = password.isEmpty() ? PasswordStore::None : PasswordStore::PgPass;
    // Two configs of the same name in different folders stay apart.
    const QList<ConnectionProfile> existing = ProfileStore(m_store).list();
    QString name = profile->name;
    for (int n = 2; std::any_of(existing.begin(), existing.end(),
                                [&name](const ConnectionProfile &p) { return p.name == name; });
         ++n)
        name = QStringLiteral("%1 (%2)").arg(profile->name).arg(n);
    profile->name = name;
    auto id = commit(*profile, password);
    if (!id)
        showMessage(id.error().toString());
    return id;
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
    // The dialog closes only once the profile and its password are kept.
    dialog->setSaver([this](const ConnectionProfile &p, const QString &password,
                            std::function<void(Result<qint64>)> done) {
        saveProfile(p, password, std::move(done));
    });
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
    // Window-modal and not exec()'d (as getOpenFileName would): no nested event loop.
    auto *dialog = new QFileDialog(this, tr("Import Ferry Config"), QString(),
                                   tr("Ferry configs (*.ini);;All files (*)"));
    dialog->setObjectName(QStringLiteral("importConfigDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        if (!path.isEmpty())
            (void)importConfig(path);
    });
    dialog->open();
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
