#pragma once

#include "profiles/connectionprofile.h"

#include <QDialog>
#include <QFutureWatcher>

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
    QString error;         // one line, masked
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
class ProfileDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProfileDialog(const ConnectionProfile &profile, QWidget *parent = nullptr);
    ~ProfileDialog() override;

    ConnectionProfile profile() const;
    // What the user typed; empty when the field was left alone.
    QString password() const;

    void startTest();
    bool isTesting() const { return m_watcher.isRunning(); }
    QString testResult() const;

signals:
    void tested(bool ok);

private:
    void onTested();
    void updateButtons();

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
    QDialogButtonBox *m_buttons = nullptr;
    QFutureWatcher<ConnectionTest> m_watcher;
};

} // namespace ferry::gui
