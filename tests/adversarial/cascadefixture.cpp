#include "cascadefixture.h"

#include "usersession.h"

#include <QDateTime>
#include <QThread>

#include <csignal>

namespace ferry::test {

namespace {

QString withUser(QString connectionString, const QString &user)
{
    if (!user.isEmpty())
        connectionString += QStringLiteral(" user=") + user;
    return connectionString;
}

QString jobOf(const QString &database)
{
    return database + QStringLiteral("_job");
}

} // namespace

CascadeFixture::CascadeFixture()
    : CascadeFixture(Options())
{}

CascadeFixture::CascadeFixture(Options options)
    : m_options(std::move(options))
{}

CascadeFixture::~CascadeFixture()
{
    killWorkers();
}

Result<void> CascadeFixture::start()
{
    if (!m_dir.isValid())
        return Error(ErrorKind::Io, QStringLiteral("no temporary folder"));
    m_root = std::make_unique<PgCluster>();
    if (auto r = m_root->start(); !r)
        return r;
    if (m_options.separateLeafCluster) {
        m_leaf = std::make_unique<PgCluster>();
        if (auto r = m_leaf->start(); !r)
            return r;
    }
    if (auto r = m_root->createDatabase(QStringLiteral("root")); !r)
        return r;
    auto admin = sql(leafCluster().connectionString());
    if (!admin)
        return admin.error();
    if (!m_options.leafUser.isEmpty()) {
        if (auto r = admin->exec(QStringLiteral("CREATE ROLE %1 LOGIN NOSUPERUSER NOCREATEROLE")
                                     .arg(admin->quoteIdentifier(m_options.leafUser)));
            !r)
            return r.error();
    }
    for (const QString &name : std::as_const(m_options.leafDatabases)) {
        if (auto r
            = admin->exec(QStringLiteral("CREATE DATABASE %1 %2")
                              .arg(admin->quoteIdentifier(name), m_options.leafDatabaseOptions));
            !r)
            return r.error();
        if (m_options.leafUser.isEmpty())
            continue;
        if (auto r = admin->exec(
                QStringLiteral("ALTER DATABASE %1 OWNER TO %2")
                    .arg(admin->quoteIdentifier(name), admin->quoteIdentifier(m_options.leafUser)));
            !r)
            return r.error();
    }
    return {};
}

QString CascadeFixture::rootDb(const QString &user) const
{
    return withUser(m_root->connectionString(QStringLiteral("root")), user);
}

QString CascadeFixture::leafDb(const QString &database, const QString &user) const
{
    const PgCluster &cluster = m_leaf ? *m_leaf : *m_root;
    return withUser(cluster.connectionString(database), user.isEmpty() ? m_options.leafUser : user);
}

QString CascadeFixture::leafAdminDb(const QString &database) const
{
    const PgCluster &cluster = m_leaf ? *m_leaf : *m_root;
    return cluster.connectionString(database);
}

Result<Connection> CascadeFixture::sql(const QString &connectionString) const
{
    return openUserSession(connectionString);
}

Result<void> CascadeFixture::run(const QString &connectionString,
                                 const QStringList &statements) const
{
    for (const QString &statement : statements) {
        if (auto r = value(connectionString, statement); !r)
            return std::move(r.error().withContext(statement.left(80)));
    }
    return {};
}

Result<QString> CascadeFixture::value(const QString &connectionString, const QString &query) const
{
    auto c = sql(connectionString);
    if (!c)
        return c.error();
    auto r = c->exec(query);
    if (!r)
        return r.error();
    if (r->rowCount() == 0 || r->columnCount() == 0)
        return QString();
    return r->text(0, 0);
}

QString CascadeFixture::writeConfig(const QString &name,
                                    const QString &job,
                                    const QString &db,
                                    const QString &queue,
                                    const QString &extra)
{
    const QString path = m_dir.filePath(name + QStringLiteral(".ini"));
    writeText(path, QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                   "logfile = %4\npidfile = %5\nloop_delay = 0.2\n%6")
                        .arg(job, db, queue, m_dir.filePath(name + QStringLiteral(".log")),
                             m_dir.filePath(name + QStringLiteral(".pid")), extra));
    return path;
}

QString CascadeFixture::logOf(const QString &config) const
{
    QString path = config;
    path.replace(QStringLiteral(".ini"), QStringLiteral(".log"));
    return readText(path);
}

FerryRun CascadeFixture::ferry(const QStringList &arguments, int timeoutMs) const
{
    return runFerry(QStringLiteral(FERRY_CLI), arguments, timeoutMs);
}

Result<FerryRun> CascadeFixture::ferryOk(const QStringList &arguments) const
{
    FerryRun run = ferry(arguments);
    if (run.exitCode != 0)
        return Error(ErrorKind::Internal, QStringLiteral("ferry %1 exited %2: %3")
                                              .arg(arguments.join(QLatin1Char(' ')))
                                              .arg(run.exitCode)
                                              .arg(run.err.trimmed()));
    return run;
}

QString CascadeFixture::leafIni(const QString &database) const
{
    return m_dir.filePath((database == QLatin1String("leaf") ? QStringLiteral("leaf") : database)
                          + QStringLiteral(".ini"));
}

Result<void> CascadeFixture::createRootAndLeaves(const QString &queue)
{
    m_rootIni = writeConfig(QStringLiteral("root"), QStringLiteral("root_job"), rootDb(), queue);
    if (auto r = ferryOk({m_rootIni, QStringLiteral("create-root"), QStringLiteral("root")}); !r)
        return r.error();
    auto root = sql(rootDb());
    if (!root)
        return root.error();
    if (auto r = root->exec(QStringLiteral("SELECT ferry.set_queue_config($1, 'idle_period', "
                                           "'200 ms')"),
                            {queue});
        !r)
        return r.error();
    for (const QString &name : std::as_const(m_options.leafDatabases)) {
        const QString ini
            = writeConfig(name == QLatin1String("leaf") ? QStringLiteral("leaf") : name,
                          jobOf(name), leafDb(name), queue);
        if (auto r = ferryOk({ini, QStringLiteral("create-leaf"), name, leafDb(name),
                              QStringLiteral("--provider=") + rootDb()});
            !r)
            return r.error();
    }
    return {};
}

Result<void> CascadeFixture::replicate(const QStringList &tables)
{
    if (auto r = createRootAndLeaves(); !r)
        return r;
    for (const QString &ini : {rootIni(), leafIni()}) {
        if (auto r = ferryOk(QStringList{ini, QStringLiteral("add-table")} + tables); !r)
            return r.error();
    }
    if (auto r = startWorker(rootIni()); !r)
        return r;
    if (auto r = startWorker(leafIni()); !r)
        return r;
    return waitSynced();
}

Result<void> CascadeFixture::startWorker(const QString &config)
{
    if (!m_configs.contains(config))
        m_configs.append(config);
    if (auto r = ferryOk({QStringLiteral("-d"), config, QStringLiteral("worker")}); !r)
        return r.error();
    return {};
}

Result<void> CascadeFixture::stopWorker(const QString &config)
{
    if (auto r = ferryOk({QStringLiteral("-s"), config, QStringLiteral("worker")}); !r)
        return r.error();
    return {};
}

void CascadeFixture::killWorkers()
{
    for (const QString &config : std::as_const(m_configs)) {
        QString pidFile = config;
        pidFile.replace(QStringLiteral(".ini"), QStringLiteral(".pid"));
        const qint64 pid = readText(pidFile).trimmed().toLongLong();
        if (pid > 1 && processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
}

Result<void>
CascadeFixture::waitFor(const QString &connectionString, const QString &query, int timeoutMs)
{
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + timeoutMs;
    QString last;
    while (QDateTime::currentMSecsSinceEpoch() < deadline) {
        auto v = value(connectionString, query);
        if (v && *v == QLatin1String("t"))
            return {};
        last = v ? *v : v.error().toString();
        QThread::msleep(100);
    }
    return Error(ErrorKind::Internal,
                 QStringLiteral("timed out waiting for: %1 (last answer: %2)").arg(query, last));
}

Result<void> CascadeFixture::waitSynced(const QString &leafDatabase,
                                        const QString &queue,
                                        int timeoutMs,
                                        const QString &job)
{
    auto root = sql(rootDb());
    if (!root)
        return root.error();
    auto tick = root->exec(QStringLiteral("SELECT ferry.ticker($1, true)"), {queue});
    if (!tick)
        return tick.error();
    const qint64 wanted = tick->toInt64(0, 0);
    auto leaf = sql(leafAdminDb(leafDatabase));
    if (!leaf)
        return leaf.error();
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + timeoutMs;
    QString seen;
    while (QDateTime::currentMSecsSinceEpoch() < deadline) {
        auto r = leaf->exec(
            QStringLiteral("SELECT coalesce((SELECT tick_id FROM ferry.completed_tick WHERE "
                           "queue_name = $1 AND consumer_name = $2), 0) >= $3 "
                           "AND NOT EXISTS (SELECT 1 FROM ferry.node_table WHERE queue_name = $1 "
                           "AND (merge_state <> 'ok' OR last_error IS NOT NULL)) "
                           "AND (SELECT last_error IS NULL FROM ferry.node_info WHERE queue_name "
                           "= $1), "
                           "concat_ws(' | ', (SELECT 'tick ' || tick_id FROM ferry.completed_tick "
                           "WHERE queue_name = $1 AND consumer_name = $2), (SELECT 'node error: "
                           "' || last_error FROM ferry.node_info WHERE queue_name = $1), (SELECT "
                           "string_agg(format('%s.%s %s %s', source_schema, source_name, "
                           "merge_state, last_error), ', ') FROM ferry.node_table WHERE "
                           "queue_name = $1))"),
            {queue, job.isEmpty() ? jobOf(leafDatabase) : job, wanted});
        if (!r)
            return r.error();
        if (r->toBool(0, 0))
            return {};
        seen = r->text(0, 1);
        QThread::msleep(100);
    }
    return Error(ErrorKind::Internal,
                 QStringLiteral("leaf %1 did not reach tick %2 with every table ok in %3 ms: %4")
                     .arg(leafDatabase)
                     .arg(wanted)
                     .arg(timeoutMs)
                     .arg(seen));
}

Result<QString> CascadeFixture::compare(const QString &rootTable,
                                        const QString &leafTable,
                                        const QString &leafDatabase,
                                        const QString &rootWhere,
                                        const QStringList &only) const
{
    auto root = sql(rootDb());
    if (!root)
        return root.error();
    auto leaf = sql(leafAdminDb(leafDatabase));
    if (!leaf)
        return leaf.error();
    // The root's columns by name, in its order, and its key order: a leaf
    // with another column order (or extra columns) compares by name.
    auto shape = root->exec(
        QStringLiteral("SELECT (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) "
                       "FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT "
                       "attisdropped), (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY "
                       "k.ord) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH "
                       "ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = "
                       "i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = $1::regclass AND "
                       "i.indisprimary)"),
        {rootTable});
    if (!shape)
        return shape.error();
    QString columns = shape->text(0, 0);
    if (!only.isEmpty()) {
        QStringList quoted;
        for (const QString &c : only)
            quoted.append(root->quoteIdentifier(c));
        columns = quoted.join(QStringLiteral(", "));
    }
    const QString order = shape->text(0, 1).isEmpty() ? QStringLiteral("1") : shape->text(0, 1);
    const auto rows = [&](Connection &c, const QString &table, const QString &where) {
        return c.exec(QStringLiteral("SELECT ROW(%1)::text FROM %2 %4 ORDER BY %3")
                          .arg(columns, table, order,
                               where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where));
    };
    auto a = rows(*root, rootTable, rootWhere);
    if (!a)
        return a.error();
    const QString other = leafTable.isEmpty() ? rootTable : leafTable;
    auto b = rows(*leaf, other, QString());
    if (!b)
        return b.error();
    const int n = qMax(a->rowCount(), b->rowCount());
    for (int i = 0; i < n; ++i) {
        const QString va = i < a->rowCount() ? a->text(i, 0) : QStringLiteral("(no row)");
        const QString vb = i < b->rowCount() ? b->text(i, 0) : QStringLiteral("(no row)");
        if (va != vb)
            return QStringLiteral("%1 (%2 rows) vs %3 (%4 rows): row %5 differs: %6 | %7")
                .arg(rootTable)
                .arg(a->rowCount())
                .arg(other)
                .arg(b->rowCount())
                .arg(i)
                .arg(va, vb);
    }
    return QString();
}

} // namespace ferry::test
