#pragma once

#include "cascade/nodeprivileges.h"
#include "db/connectionstring.h"
#include "profiles/connectionprofile.h"

#include <QList>
#include <QString>
#include <QWizard>

namespace ferry::gui {

class ConnectionPage;
class LocalStore;
class NodeConfigPage;
class NodeNamesPage;
class ProviderPage;

// A node of the open cascade a new leaf may take as its provider.
struct KnownNode
{
    QString name;
    QString queue;
    bool root = false;
    ConnectionString connection; // may hold the password (in memory only)
};

// What New Root and New Leaf share: the pages connection -> names ->
// privileges -> config file -> summary with Create -> worker (New Leaf puts
// its provider first). Nothing is made before Create; Create writes the
// config, makes the database if the user asked for it, then the node, and
// undoes what it made when a later step fails. Cancel is refused while
// Create runs and offered no more after it. Non-modal to the cascade: shown
// with open(), never exec()'d.
class NodeWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId {
        ProviderPageId,
        ConnectionPageId,
        NamesPageId,
        PrivilegesPageId,
        ConfigPageId,
        SummaryPageId,
        WorkerPageId
    };

    NodeKind kind() const { return m_kind; }
    LocalStore *store() const { return m_store; }

    // The node's database with the password typed or read from the
    // keychain: for this process only, never written or shown.
    ConnectionString nodeDb() const;
    QString nodePassword() const;
    bool createsDatabase() const;
    QString queue() const;
    QString nodeName() const;
    QString jobName() const;
    QString configPath() const;
    bool replacesConfig() const;
    QString logFile() const;
    QString pidFile() const;
    // New Leaf: the provider chosen, with its password where known.
    ConnectionString provider() const;
    QString providerName() const;
    // The node and job names the provider's queue has already.
    QStringList takenNodeNames() const;
    QStringList takenJobNames() const;

    // What a DBA types for the same: the config, then the ferry commands
    // (passwords never shown).
    QString equivalentCommands() const;

    // Whether the connection was saved as a profile after Create, one line;
    // empty when it was not asked for (or not yet answered).
    QString profileNote() const { return m_profileNote; }

    // The config file Create wrote; empty before.
    QString createdConfig() const { return m_created; }
    void reject() override;

    // Where ferry-gui keeps a new job's files by default (…/ferry/).
    static QString defaultConfigFolder();

signals:
    // The node exists and its CONFIG.ini is at `configPath`.
    void nodeCreated(const QString &configPath);
    void profileNoteChanged();

protected:
    NodeWizard(NodeKind kind, LocalStore *store, QWidget *parent);
    // Adds the pages after the provider page (which New Leaf adds first).
    void addNodePages();
    ProviderPage *m_providerPage = nullptr;

private:
    friend class NodeSummaryPage;
    void setCreating(bool creating);
    void onCreated(const QString &configPath);
    void saveProfile();

    NodeKind m_kind;
    LocalStore *m_store;
    ConnectionPage *m_connection = nullptr;
    NodeNamesPage *m_names = nullptr;
    NodeConfigPage *m_config = nullptr;
    bool m_creating = false;
    QString m_created;
    QString m_profileNote;
};

} // namespace ferry::gui
