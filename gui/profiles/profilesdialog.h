#pragma once

#include "profiles/connectionprofile.h"

#include <QDialog>

#include <functional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace ferry::gui {

class LocalStore;

// File > Connection Profiles: the saved node connections. Add and Edit open a
// ProfileDialog; the password goes to the store the profile names (keychain or
// ~/.pgpass), never to the local store. Import Config turns a job's CONFIG.ini
// into a profile; a password found in its db line moves to ~/.pgpass (Edit
// moves it to the keychain). Changing a profile's connection or password
// store asks for the password again. Open shows the profile's cascade. A
// profile just saved is the one selected.
class ProfilesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProfilesDialog(LocalStore *store, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    // Saves `profile` and keeps `password` where the profile says; `done`
    // gets the id or the one-line reason nothing was saved (also shown as
    // message()). A keychain password is written first and the profile saved
    // only once the keychain holds it, so `done` may run later; the other
    // stores answer before this returns.
    void saveProfile(const ConnectionProfile &profile,
                     const QString &password,
                     std::function<void(Result<qint64>)> done = {});
    // A password in the config's db line moves to ~/.pgpass.
    Result<qint64> importConfig(const QString &path);
    void reload();
    // The one-line outcome of the last action, also shown in the dialog.
    QString message() const;

signals:
    void openRequested(const ferry::gui::ConnectionProfile &profile);

private:
    void add();
    void edit();
    void editProfile(const ConnectionProfile &profile);
    // Why `profile` cannot be saved with `password`; nothing is written then.
    Result<void> check(const ConnectionProfile &profile, const QString &password) const;
    // Saves the row and a .pgpass password; `keychainHasIt`: the keychain
    // already took the password.
    Result<qint64>
    commit(const ConnectionProfile &profile, const QString &password, bool keychainHasIt = false);
    void select(qint64 id);
    void removeSelected();
    void chooseConfig();
    void openSelected();
    std::optional<ConnectionProfile> selected() const;
    void showMessage(const QString &text);
    void updateButtons();

    LocalStore *m_store;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_open = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace ferry::gui
