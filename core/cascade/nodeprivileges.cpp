#include "cascade/nodeprivileges.h"

#include "cascade/node.h"
#include "cascade/nodedatabase.h"
#include "db/connection.h"

namespace ferry {

bool NodePrivileges::sufficient() const
{
    for (const PrivilegeCheck &c : checks) {
        if (c.needed && !c.granted)
            return false;
    }
    return true;
}

QStringList NodePrivileges::grants() const
{
    QStringList needed;
    QStringList optional;
    for (const PrivilegeCheck &c : checks) {
        if (!c.granted && !c.grant.isEmpty())
            (c.needed ? needed : optional).append(c.grant);
    }
    return needed + optional;
}

namespace {

// How many table names one check lists before "and N more".
constexpr int kTablesShown = 5;

PrivilegeCheck superuserCheck(const NodePrivileges &p, NodeKind kind, const QString &role)
{
    PrivilegeCheck c;
    c.what = QStringLiteral("superuser");
    c.granted = p.superuser;
    c.needed = false;
    c.missing = kind == NodeKind::Root
                    ? QStringLiteral("without superuser Ferry installs no event triggers: ALTER "
                                     "and DROP of a replicated table are caught up by maintenance "
                                     "every 30 s instead of at once")
                    : QStringLiteral("without superuser the leaf applies without replica mode "
                                     "(R6): in foreign key order, and add-table refuses tables "
                                     "it could not apply safely, saying why");
    c.grant = QStringLiteral("ALTER ROLE %1 SUPERUSER;").arg(role);
    return c;
}

Result<void> addSchemaChecks(Connection &db, NodePrivileges &p, const QString &queue)
{
    const QString role = db.quoteIdentifier(p.role);
    auto r = db.exec(QStringLiteral(
        "SELECT has_database_privilege(current_database(), 'CREATE'), n.oid IS NOT NULL, "
        "coalesce(pg_has_role(n.nspowner, 'USAGE'), false), "
        "coalesce(pg_get_userbyid(n.nspowner), ''), "
        "n.oid IS NOT NULL AND has_schema_privilege(n.oid, 'USAGE'), "
        "coalesce(o.rolsuper, false), "
        "EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid "
        "AND c.relname = 'schema_version') "
        "FROM (SELECT) AS one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'ferry' "
        "LEFT JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner"));
    if (!r)
        return r.error();
    const bool schemaThere = r->toBool(0, 1);
    if (schemaThere && !r->toBool(0, 6)) {
        // Someone's own schema ferry: Create would fail on it, and its undo
        // must never drop it.
        PrivilegeCheck foreign;
        foreign.what = QStringLiteral("schema ferry in database %1 is not Ferry's")
                           .arg(db.quoteIdentifier(p.database));
        foreign.missing = QStringLiteral(
            "Ferry keeps its queue and node in schema ferry: rename it or use another database");
        p.checks.append(foreign);
        return {};
    }
    PrivilegeCheck schema;
    if (!schemaThere) {
        schema.what = QStringLiteral("create schema ferry in database %1")
                          .arg(db.quoteIdentifier(p.database));
        schema.granted = p.superuser || r->toBool(0, 0);
        schema.missing = QStringLiteral("Ferry keeps its queue and node in a schema of its own");
        schema.grant = QStringLiteral("GRANT CREATE ON DATABASE %1 TO %2;")
                           .arg(db.quoteIdentifier(p.database), role);
    } else {
        const QString owner = r->text(0, 3);
        schema.what
            = QStringLiteral("change schema ferry (owned by %1)").arg(db.quoteIdentifier(owner));
        schema.granted = p.superuser || r->toBool(0, 2);
        if (r->toBool(0, 5)) {
            // Membership in a superuser role makes the role a superuser.
            schema.missing
                = QStringLiteral("Ferry brings its schema up to date when it makes a node; its "
                                 "owner %1 is a superuser, and granting %1 would make %2 one: "
                                 "make the node as a superuser")
                      .arg(db.quoteIdentifier(owner), role);
        } else {
            schema.missing
                = QStringLiteral("Ferry brings its schema up to date when it makes a node");
            schema.grant = QStringLiteral("GRANT %1 TO %2;").arg(db.quoteIdentifier(owner), role);
        }
    }
    p.checks.append(schema);

    PrivilegeCheck free;
    free.what = QStringLiteral("no node of queue '%1' in this database yet").arg(queue);
    free.granted = true;
    // A role that may not read the schema is refused by the check above.
    if (schemaThere && !r->toBool(0, 4))
        return {};
    if (schemaThere) {
        auto node = loadNodeInfo(db, queue);
        if (!node)
            return node.error();
        if (node->has_value()) {
            free.granted = false;
            free.missing = QStringLiteral("it is node '%1' of queue '%2' already: choose another "
                                          "database, or drop that node first (ferry CONFIG.ini "
                                          "drop-node %1)")
                               .arg(node->value().name, queue);
        }
    }
    p.checks.append(free);
    return {};
}

Result<void> addReplicaModeCheck(Connection &db, NodePrivileges &p)
{
    if (p.superuser)
        return {};
    auto version = db.exec(QStringLiteral("SELECT current_setting('server_version_num')::int"));
    if (!version)
        return version.error();
    if (version->text(0, 0).toInt() < 150000)
        return {};
    auto r = db.exec(
        QStringLiteral("SELECT has_parameter_privilege('session_replication_role', 'SET')"));
    if (!r)
        return r.error();
    PrivilegeCheck c;
    c.what = QStringLiteral("SET session_replication_role (replica mode)");
    c.granted = r->toBool(0, 0);
    c.needed = false;
    c.missing = QStringLiteral("with it a leaf without superuser applies in replica mode: its "
                               "own triggers and foreign keys do not fire on applied rows");
    c.grant = QStringLiteral("GRANT SET ON PARAMETER session_replication_role TO %1;")
                  .arg(db.quoteIdentifier(p.role));
    p.checks.append(c);
    return {};
}

Result<void> addTableOwnerChecks(Connection &db, NodePrivileges &p, NodeKind kind)
{
    if (p.superuser)
        return {};
    auto r = db.exec(
        QStringLiteral(
            "SELECT pg_get_userbyid(c.relowner), count(*), "
            "array_to_string((array_agg(format('%I.%I', n.nspname, c.relname) "
            "ORDER BY n.nspname, c.relname))[1:$1], ', '), o.rolsuper, "
            "string_agg(format('ALTER TABLE %I.%I OWNER TO %s;', n.nspname, c.relname, $2::text), "
            "' ' ORDER BY n.nspname, c.relname) "
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_roles o ON o.oid = c.relowner "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema', 'ferry') AND n.nspname NOT LIKE 'pg\\_%' "
            "AND NOT pg_has_role(c.relowner, 'USAGE') "
            "GROUP BY c.relowner, o.rolsuper ORDER BY 1"),
        {kTablesShown, db.quoteIdentifier(p.role)});
    if (!r)
        return r.error();
    for (int row = 0; row < r->rowCount(); ++row) {
        const QString owner = db.quoteIdentifier(r->text(row, 0));
        const int count = r->text(row, 1).toInt();
        QString tables = r->text(row, 2);
        if (count > kTablesShown)
            tables += QStringLiteral(" and %1 more").arg(count - kTablesShown);
        PrivilegeCheck c;
        c.what = QStringLiteral("triggers on the tables of %1 (%2)").arg(owner, tables);
        c.granted = false;
        // Which tables will be replicated is chosen later (add-table).
        c.needed = false;
        c.missing = kind == NodeKind::Root
                        ? QStringLiteral("add-table refuses to capture these tables until the "
                                         "role may act as their owner")
                        : QStringLiteral("add-table refuses to replicate into these tables until "
                                         "the role may act as their owner (R4)");
        if (!r->toBool(row, 3)) {
            c.grant = QStringLiteral("GRANT %1 TO %2;").arg(owner, db.quoteIdentifier(p.role));
        } else {
            // Membership in a superuser role makes the role a superuser:
            // the tables themselves may change owner instead.
            c.missing += QStringLiteral("; their owner %1 is a superuser, and granting %1 would "
                                        "make %2 one: give the tables to %2, or make the node as "
                                        "a superuser")
                             .arg(owner, db.quoteIdentifier(p.role));
            if (count <= kTablesShown)
                c.grant = r->text(row, 4);
        }
        p.checks.append(c);
    }
    return {};
}

} // namespace

Result<NodePrivileges> checkNodePrivileges(const ConnectionString &where,
                                           NodeKind kind,
                                           const QString &queue,
                                           bool databaseWillBeCreated)
{
    const ConnectionString target
        = databaseWillBeCreated ? maintenanceDatabase(where) : withShortConnectTimeout(where);
    auto db = Connection::open(target);
    if (!db)
        return db.error();
    auto who
        = db->exec(QStringLiteral("SELECT current_user, r.rolsuper, r.rolcreatedb "
                                  "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user"));
    if (!who)
        return who.error();
    NodePrivileges p;
    p.role = who->text(0, 0);
    p.database = where.value(QStringLiteral("dbname"));
    p.superuser = who->toBool(0, 1);
    const QString role = db->quoteIdentifier(p.role);
    if (databaseWillBeCreated) {
        // Its owner may do everything a node needs in it.
        PrivilegeCheck c;
        c.what = QStringLiteral("create database %1").arg(db->quoteIdentifier(p.database));
        c.granted = p.superuser || who->toBool(0, 2);
        c.missing = QStringLiteral("the database does not exist yet");
        c.grant = QStringLiteral("ALTER ROLE %1 CREATEDB;").arg(role);
        p.checks.append(c);
    } else if (auto r = addSchemaChecks(*db, p, queue); !r) {
        return r.error();
    }
    p.checks.append(superuserCheck(p, kind, role));
    if (kind == NodeKind::Leaf) {
        if (auto r = addReplicaModeCheck(*db, p); !r)
            return r.error();
    }
    if (!databaseWillBeCreated) {
        if (auto r = addTableOwnerChecks(*db, p, kind); !r)
            return r.error();
    }
    return p;
}

} // namespace ferry
