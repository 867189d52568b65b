#include "wizards/nodewizard.h"

#include "cascade/node.h"
#include "common/localstore.h"
#include "config/jobconfigwriter.h"
#include "profiles/passwordvault.h"
#include "util/shellquote.h"
#include "wizards/connectionpage.h"
#include "wizards/nodeconfigpage.h"
#include "wizards/nodenamespage.h"
#include "wizards/nodesummarypage.h"
#include "wizards/nodeworkerpage.h"
#include "wizards/privilegespage.h"
#include "wizards/providerpage.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QDir>
#include <QPointer>
#include <QStandardPaths>

namespace ferry::gui {

NodeWizard::NodeWizard(NodeKind kind, LocalStore *store, QWidget *parent)
    : QWizard(parent)
    , m_kind(kind)
    , m_store(store)
{
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setOption(QWizard::NoBackButtonOnLastPage);
    // Fits a 1366x768 screen with the window's frame and a panel.
    resize(760, 580);
}

void NodeWizard::addNodePages()
{
    m_connection = new ConnectionPage(m_store, m_kind == NodeKind::Leaf, this);
    m_names = new NodeNamesPage(m_kind == NodeKind::Leaf, this);
    m_config = new NodeConfigPage(this);
    setPage(ConnectionPageId, m_connection);
    setPage(NamesPageId, m_names);
    setPage(PrivilegesPageId, new PrivilegesPage(this));
    setPage(ConfigPageId, m_config);
    setPage(SummaryPageId, new NodeSummaryPage(this));
    setPage(WorkerPageId, new NodeWorkerPage(this));
    setStartId(m_providerPage ? ProviderPageId : ConnectionPageId);
}

QString NodeWizard::defaultConfigFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("ferry"));
}

ConnectionString NodeWizard::nodeDb() const
{
    return m_connection->connection();
}

QString NodeWizard::nodePassword() const
{
    return m_connection->password();
}

bool NodeWizard::createsDatabase() const
{
    return m_connection->createsDatabase();
}

QString NodeWizard::queue() const
{
    if (m_providerPage)
        return m_providerPage->queue();
    return m_names->queue();
}

QString NodeWizard::nodeName() const
{
    return m_names->nodeName();
}

QString NodeWizard::jobName() const
{
    return m_names->jobName();
}

QString NodeWizard::configPath() const
{
    return m_config->path();
}

bool NodeWizard::replacesConfig() const
{
    return m_config->replaces();
}

QString NodeWizard::logFile() const
{
    return m_config->logFile();
}

QString NodeWizard::pidFile() const
{
    return m_config->pidFile();
}

ConnectionString NodeWizard::provider() const
{
    return m_providerPage ? m_providerPage->connection() : ConnectionString();
}

QString NodeWizard::providerName() const
{
    return m_providerPage ? m_providerPage->nodeName() : QString();
}

QStringList NodeWizard::takenNodeNames() const
{
    return m_providerPage ? m_providerPage->nodeNames() : QStringList();
}

QStringList NodeWizard::takenJobNames() const
{
    return m_providerPage ? m_providerPage->jobNames() : QStringList();
}

QString NodeWizard::equivalentCommands() const
{
    const QString path = shellWord(QDir::toNativeSeparators(configPath()));
    const ConnectionString db = nodeDb();
    NewJobConfig job;
    job.jobName = jobName();
    job.db = db;
    job.queueName = queue();
    job.logFile = logFile();
    job.pidFile = pidFile();
    QStringList lines;
    if (createsDatabase()) {
        ConnectionString server = db;
        server.set(QStringLiteral("dbname"), QStringLiteral("postgres"));
        lines << QStringLiteral("psql %1 -c %2")
                     .arg(shellWord(storableLocation(server)),
                          shellWord(
                              QStringLiteral("CREATE DATABASE \"%1\"")
                                  .arg(db.value(QStringLiteral("dbname"))
                                           .replace(QLatin1Char('"'), QStringLiteral("\"\"")))));
    }
    lines << QStringLiteral("cat > %1 <<'EOF'").arg(path);
    lines << QString::fromUtf8(newJobConfigText(job)).trimmed().split(QLatin1Char('\n'));
    lines << QStringLiteral("EOF") << QStringLiteral("chmod 600 %1").arg(path);
    if (m_kind == NodeKind::Root)
        lines << QStringLiteral("ferry %1 create-root %2").arg(path, shellWord(nodeName()));
    else
        // One argument a line: the connection strings are long.
        lines << QStringLiteral("ferry %1 create-leaf %2 \\").arg(path, shellWord(nodeName()))
              << QStringLiteral("    %1 \\").arg(shellWord(storableLocation(db)))
              << QStringLiteral("    --provider=%1").arg(shellWord(storableLocation(provider())));
    lines << QStringLiteral("ferry -d %1 worker").arg(path);
    return lines.join(QLatin1Char('\n'));
}

void NodeWizard::setCreating(bool creating)
{
    m_creating = creating;
    if (QAbstractButton *cancel = button(QWizard::CancelButton))
        cancel->setEnabled(!creating);
}

void NodeWizard::reject()
{
    // Create runs: its undo needs it to end here, not be abandoned.
    if (m_creating)
        return;
    QWizard::reject();
}

void NodeWizard::onCreated(const QString &configPath)
{
    m_created = configPath;
    if (m_connection->savesProfile())
        saveProfile();
    emit nodeCreated(configPath);
}

void NodeWizard::saveProfile()
{
    ConnectionProfile p = m_connection->profile();
    p.queue = queue();
    p.configPath = m_created;
    const QString password = m_connection->password();
    // The wizard may be closed before the keychain answers: the profile is
    // saved all the same, only the note needs the wizard.
    const QPointer<NodeWizard> wizard(this);
    const auto note = [wizard, p](const Result<void> &done) {
        if (!wizard)
            return;
        wizard->m_profileNote
            = done ? tr("Saved profile %1.").arg(p.name)
                   : tr("Profile %1 was not saved: %2").arg(p.name, done.error().toString());
        emit wizard->profileNoteChanged();
    };
    const auto save = [store = m_store, p]() -> Result<void> {
        if (!store)
            return Error(ErrorKind::Io, tr("no local store"));
        auto id = ProfileStore(store).save(p);
        if (!id)
            return id.error();
        return {};
    };
    if (password.isEmpty() || p.passwordStore == PasswordStore::None) {
        note(save());
    } else if (p.passwordStore == PasswordStore::PgPass) {
        auto stored = PgPass::store(p, password);
        note(stored ? save() : stored);
    } else {
        // The keychain first: a profile that says "keychain" must find it there.
        Keychain::write(p, password, qApp,
                        [save, note](Result<void> stored) { note(stored ? save() : stored); });
    }
}

} // namespace ferry::gui
