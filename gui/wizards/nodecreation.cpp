#include "wizards/nodecreation.h"

#include "cascade/nodedatabase.h"
#include "db/connection.h"
#include "queue/schemainstaller.h"

#include <QFile>

#include <optional>

namespace ferry::gui {

namespace {

// The config file as it was before Create, to put back on failure.
struct ConfigUndo
{
    QString path;
    std::optional<QByteArray> previous;
    QFile::Permissions permissions;

    void run() const
    {
        if (!previous) {
            QFile::remove(path);
            return;
        }
        QFile file(path);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            file.write(*previous);
            file.close();
            file.setPermissions(permissions);
        }
    }
};

} // namespace

Result<NodeInfo> createNode(const NodeCreation &c)
{
    ConfigUndo undoConfig{c.configPath, std::nullopt, {}};
    if (c.replaceConfig && QFile::exists(c.configPath)) {
        QFile old(c.configPath);
        if (old.open(QIODevice::ReadOnly)) {
            undoConfig.previous = old.readAll();
            undoConfig.permissions = old.permissions();
        }
    }
    if (auto r = writeNewJobConfig(c.configPath, c.config, c.replaceConfig); !r)
        return r.error();

    if (c.createDatabase) {
        if (auto r = createDatabase(c.setup.db); !r) {
            undoConfig.run();
            return r.error();
        }
    }
    // Whether this Create installs Ferry's schema (NodeAdmin installs it
    // before its own transaction, so a refusal after that leaves it).
    int versionBefore = 0;
    if (!c.createDatabase) {
        auto db = Connection::open(c.setup.db);
        auto version = db ? SchemaInstaller::installedVersion(*db) : Result<int>(db.error());
        if (!version) {
            undoConfig.run();
            return version.error();
        }
        versionBefore = *version;
    }

    auto node = c.kind == NodeKind::Root ? NodeAdmin::createRoot(c.setup)
                                         : NodeAdmin::createLeaf(c.setup);
    if (node)
        return node;
    if (c.createDatabase) {
        (void)dropDatabase(c.setup.db);
    } else if (versionBefore == 0) {
        if (auto db = Connection::open(c.setup.db))
            (void)SchemaInstaller::uninstall(*db);
    }
    undoConfig.run();
    return node.error();
}

} // namespace ferry::gui
