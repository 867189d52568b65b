#pragma once

#include "profiles/connectionprofile.h"

#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ferry::gui {

class LocalStore;

// Where the new node's database is: a saved connection profile, or one
// entered here and, if asked, saved as a profile once the node is made. Test
// Connection runs off the UI thread; Next waits for a test that worked with
// the values shown. New Leaf may offer to create a database that does not
// exist (a check box the user ticks: it is made by Create, not here).
class ConnectionPage : public QWizardPage
{
    Q_OBJECT

public:
    ConnectionPage(LocalStore *store, bool offerCreateDatabase, QWidget *parent = nullptr);

    ConnectionProfile profile() const;
    QString password() const;
    ConnectionString connection() const { return profile().connectionString(password()); }
    // The database is missing and the user asked Create to make it.
    bool createsDatabase() const;
    // Save the connection as a profile after Create (a new connection only).
    bool savesProfile() const;
    // Why the profile to save cannot be; empty when it can (or none is saved).
    QString profileProblem() const;

    void startTest();
    bool isTesting() const { return m_testing; }
    QString resultText() const;

    bool isComplete() const override;

private:
    struct Tested;
    void pickProfile();
    void changed();
    void onTested(const Tested &tested);
    void updateSaveFields();
    void updateKeychainChoice();

    LocalStore *m_store;
    bool m_offerCreate;
    QComboBox *m_profile = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_db = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_sslmode = nullptr;
    QCheckBox *m_save = nullptr;
    QLineEdit *m_profileName = nullptr;
    QComboBox *m_passwordStore = nullptr;
    QLabel *m_profileError = nullptr;
    QPushButton *m_test = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_result = nullptr;
    QCheckBox *m_createDb = nullptr;
    QString m_keychainPassword; // a saved profile's, read from the keychain
    bool m_testing = false;
    bool m_ok = false;      // the last test worked with what is shown
    bool m_missing = false; // ... or found the database missing
    quint64 m_generation = 0;
};

} // namespace ferry::gui
