#include "wizards/nodecreation.h"

#include "cascade/nodedatabase.h"
#include "db/connection.h"
#include "db/transaction.h"
#include "queue/schemainstaller.h"

#include <QCoreApplication>
#include <QDir>
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

    // Empty when done; else what is left, one line.
    QString run() const
    {
        const QString shown = QDir::toNativeSeparators(path);
        if (!previous) {
            QFile file(path);
            if (file.exists() && !file.remove())
                return QCoreApplication::translate("NodeCreation",
                                                   "config file %1 was not removed: %2")
                    .arg(shown, file.errorString());
            return {};
        }
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(*previous) != previous->size() || !file.flush()) {
            return QCoreApplication::translate("NodeCreation",
                                               "config file %1 was not put back as it was: %2")
                .arg(shown, file.errorString());
        }
        file.close();
        if (!file.setPermissions(permissions))
            return QCoreApplication::translate(
                       "NodeCreation", "config file %1 was put back without its old mode: %2")
                .arg(shown, file.errorString());
        return {};
    }
};

// Whether the database has a schema named ferry, and whether it is Ferry's.
struct SchemaBefore
{
    bool exists = false;
    int version = 0; // 0: none, or not Ferry's
};

Result<SchemaBefore> schemaBefore(const ConnectionString &where)
{
    auto db = Connection::open(where);
    if (!db)
        return db.error();
    auto r = db->exec(QStringLiteral(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'ferry')"));
    if (!r)
        return r.error();
    SchemaBefore before;
    before.exists = r->toBool(0, 0);
    if (before.exists) {
        auto version = SchemaInstaller::installedVersion(*db);
        if (!version)
            return version.error();
        before.version = *version;
    }
    return before;
}

// Drops schema ferry, which this Create made, unless a node of any queue is
// in it by now (another create-root may have come between). Empty when done
// or rightly kept; else what is left, one line.
QString dropMadeSchema(const ConnectionString &where)
{
    const auto left = [](const Error &e) {
        return QCoreApplication::translate("NodeCreation",
                                           "schema ferry this Create made is still there: %1")
            .arg(e.toString());
    };
    auto db = Connection::open(where);
    if (!db)
        return left(db.error());
    auto tx = Transaction::begin(*db);
    if (!tx)
        return left(tx.error());
    if (auto r = db->exec(QStringLiteral("SET LOCAL client_min_messages = warning")); !r)
        return left(r.error());
    // A node being made meanwhile waits, then finds no schema: never lost.
    auto table = db->exec(QStringLiteral("SELECT to_regclass('ferry.node_info') IS NOT NULL"));
    if (!table)
        return left(table.error());
    if (table->toBool(0, 0)) {
        if (auto r = db->exec(QStringLiteral("LOCK TABLE ferry.node_info IN SHARE MODE")); !r)
            return left(r.error());
    }
    auto nodes = nodeQueues(*db);
    if (!nodes)
        return left(nodes.error());
    if (!nodes->isEmpty())
        return {}; // someone else's node lives there now
    if (auto r = db->exec(QStringLiteral("DROP SCHEMA IF EXISTS ferry CASCADE")); !r)
        return left(r.error());
    if (auto r = tx->commit(); !r)
        return left(r.error());
    return {};
}

} // namespace

Result<NodeInfo> createNode(const NodeCreation &c, QStringList *notUndone)
{
    QStringList left;
    const auto failed = [&left, notUndone](const Error &error) -> Result<NodeInfo> {
        if (notUndone)
            *notUndone = left;
        return error;
    };
    const auto note = [&left](const QString &line) {
        if (!line.isEmpty())
            left.append(line);
    };

    // Whether schema ferry is there before Create: only one this Create made
    // is ever dropped again. One that is not Ferry's is refused up front.
    SchemaBefore before;
    if (!c.createDatabase) {
        auto schema = schemaBefore(c.setup.db);
        if (!schema)
            return failed(schema.error());
        before = *schema;
        if (before.exists && before.version == 0)
            return failed(
                Error(ErrorKind::Usage,
                      QCoreApplication::translate(
                          "NodeCreation", "schema ferry exists in database %1 and is not Ferry's: "
                                          "rename it or use another database")
                          .arg(c.setup.db.value(QStringLiteral("dbname")))));
    }

    ConfigUndo undoConfig{c.configPath, std::nullopt, {}};
    if (c.replaceConfig && QFile::exists(c.configPath)) {
        QFile old(c.configPath);
        if (!old.open(QIODevice::ReadOnly))
            return failed(
                Error(ErrorKind::Io,
                      QCoreApplication::translate("NodeCreation", "cannot read %1 to keep it: %2")
                          .arg(QDir::toNativeSeparators(c.configPath), old.errorString())));
        undoConfig.previous = old.readAll();
        undoConfig.permissions = old.permissions();
    }
    if (auto r = writeNewJobConfig(c.configPath, c.config, c.replaceConfig); !r)
        return failed(r.error());

    if (c.createDatabase) {
        if (auto r = createDatabase(c.setup.db); !r) {
            note(undoConfig.run());
            return failed(r.error());
        }
    }

    auto node = c.kind == NodeKind::Root ? NodeAdmin::createRoot(c.setup)
                                         : NodeAdmin::createLeaf(c.setup);
    if (node)
        return node;
    if (c.createDatabase) {
        if (auto r = dropDatabase(c.setup.db); !r)
            note(QCoreApplication::translate("NodeCreation",
                                             "database %1 this Create made is still there: %2")
                     .arg(c.setup.db.value(QStringLiteral("dbname")), r.error().toString()));
    } else if (!before.exists) {
        note(dropMadeSchema(c.setup.db));
    }
    note(undoConfig.run());
    return failed(node.error());
}

} // namespace ferry::gui
