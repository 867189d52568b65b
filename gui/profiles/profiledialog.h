#pragma once

#include "profiles/connectionprofile.h"

#include <QDialog>
#include <QFutureWatcher>

#include <functional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ferry::gui {

// What a connection test found: the server, and the Ferry nodes of the database.
struct ConnectionTest
{
    bool ok = false;
    QString error;         // one line, masked: what to do where known, else libpq's line
    QString detail;        // libpq's (or the server's) own line, masked
    QString serverVersion; // "PostgreSQL 15.18"
    QStringList queues;    // queues this database has a node for
};

// Connects, reads the server version and the database's Ferry queues. Blocks:
// run it on a worker thread.
ConnectionTest testConnection(const ConnectionString &where);

// Adds or edits one connection profile: host, port, database, user, sslmode,
// the queue to watch, and where the password is kept (system keychain,
// ~/.pgpass, or nowhere: libpq asks .pgpass or the server needs none). Test
// Connection runs on a QtConcurrent worker; the dialog never waits on the
// network. The password is never written to the local store.
//
// The system keychain is offered only where one answers (Keychain::probe);
// elsewhere its choice is disabled and says why. Save stays in the dialog,
// with the reason shown in it, whenever the password would be lost: a
// keychain that is missing or does not take the password, or a saver that
// refuses the profile.
class ProfileDialog : public QDialog
{
    Q_OBJECT

public:
    // Keeps the profile and its password; calls `done` with the saved id or
    // the one-line reason, maybe later (the keychain answers asynchronously).
    using Saver = std::function<void(const ConnectionProfile &profile,
                                     const QString &password,
                                     std::function<void(Result<qint64>)> done)>;

    explicit ProfileDialog(const ConnectionProfile &profile, QWidget *parent = nullptr);
    ~ProfileDialog() override;

    ConnectionProfile profile() const;
    // What the user typed; empty when the field was left alone.
    QString password() const;
    // Without a saver, Save only closes the dialog (after the same checks).
    void setSaver(Saver saver) { m_saver = std::move(saver); }

    void startTest();
    bool isTesting() const { return m_watcher.isRunning(); }
    QString testResult() const;
    // libpq's own line of a failed test; empty otherwise.
    QString testDetail() const;
    // Why the last Save did not close the dialog; empty otherwise.
    QString saveError() const;

    // Save: refused, saving (the dialog waits for the saver), or closed.
    void accept() override;

signals:
    void tested(bool ok);

private:
    void onTested();
    void updateButtons();
    void updateKeychainChoice();
    // Why a Save now would lose the password; empty when it would not.
    QString passwordWouldBeLost() const;
    void showSaveError(const QString &text);

    ConnectionProfile m_profile;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_db = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_passwordStore = nullptr;
    QComboBox *m_sslmode = nullptr;
    QComboBox *m_queue = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_detail = nullptr;
    QLabel *m_saveError = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QFutureWatcher<ConnectionTest> m_watcher;
    Saver m_saver;
    bool m_saving = false;
};

} // namespace ferry::gui
