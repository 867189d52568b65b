// What the New Root and New Leaf wizards do before and besides create-root
// and create-leaf, against a real server: the role's privileges with the
// GRANT that fixes each missing one, a database made on request (and a role
// that may not), and a new job's CONFIG.ini that loads back.
#include "cascade/nodeadmin.h"
#include "cascade/nodedatabase.h"
#include "cascade/nodeprivileges.h"
#include "config/jobconfig.h"
#include "config/jobconfigwriter.h"
#include "db/connection.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ferry;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");

// Mode 0600: nobody but the owner may read it (the db line names the server).
bool ownerOnly(const QString &path)
{
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
                                      | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    const QFile::Permissions p = QFile::permissions(path);
    return !(p & others) && (p & QFile::ReadOwner) && (p & QFile::WriteOwner);
}

const PrivilegeCheck *findCheck(const NodePrivileges &p, const QString &start)
{
    for (const PrivilegeCheck &c : p.checks) {
        if (c.what.startsWith(start))
            return &c;
    }
    return nullptr;
}

} // namespace

class TestNodeSetup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void superuserMayMakeARoot();
    void plainRoleGetsTheGrants();
    void existingNodeIsRefused();
    void leafDatabaseToCreate();
    void createsAndDropsADatabase();
    void roleWithoutCreatedbIsToldWhatToRun();
    void writesAConfigThatLoads();
    void refusesToOverwrite();

private:
    ConnectionString as(const QString &user, const QString &db) const;
    Result<void> sql(const QString &db, const QString &statement) const;

    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_dir;
};

ConnectionString TestNodeSetup::as(const QString &user, const QString &db) const
{
    ConnectionString c = *ConnectionString::parse(m_cluster->connectionString());
    c.set(QStringLiteral("user"), user);
    c.set(QStringLiteral("dbname"), db);
    return c;
}

Result<void> TestNodeSetup::sql(const QString &db, const QString &statement) const
{
    auto c = Connection::open(as(QStringLiteral("postgres"), db));
    if (!c)
        return c.error();
    if (auto r = c->exec(statement); !r)
        return r.error();
    return {};
}

void TestNodeSetup::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("Root Db")));
    QVERIFY_RESULT(sql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE plain LOGIN")));
    QVERIFY_RESULT(sql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE \"App Owner\"")));
    QVERIFY_RESULT(sql(QStringLiteral("Root Db"),
                       QStringLiteral("CREATE TABLE public.users (id int PRIMARY KEY); "
                                      "ALTER TABLE public.users OWNER TO \"App Owner\"")));
}

void TestNodeSetup::cleanupTestCase()
{
    m_cluster.reset();
}

void TestNodeSetup::superuserMayMakeARoot()
{
    auto p = checkNodePrivileges(as(QStringLiteral("postgres"), QStringLiteral("Root Db")),
                                 NodeKind::Root, kQueue);
    QVERIFY_RESULT(p);
    QVERIFY(p->superuser);
    QVERIFY(p->sufficient());
    QVERIFY2(p->grants().isEmpty(), qPrintable(p->grants().join(QLatin1Char('\n'))));
    const PrivilegeCheck *schema = findCheck(*p, QStringLiteral("create schema ferry"));
    QVERIFY(schema);
    QVERIFY(schema->granted);
}

void TestNodeSetup::plainRoleGetsTheGrants()
{
    const ConnectionString plain = as(QStringLiteral("plain"), QStringLiteral("Root Db"));
    auto p = checkNodePrivileges(plain, NodeKind::Root, kQueue);
    QVERIFY_RESULT(p);
    QCOMPARE(p->role, QStringLiteral("plain"));
    QVERIFY(!p->superuser);
    QVERIFY(!p->sufficient());
    // The needed one first, identifiers quoted.
    QCOMPARE(p->grants().value(0),
             QStringLiteral("GRANT CREATE ON DATABASE \"Root Db\" TO \"plain\";"));
    QVERIFY(p->grants().contains(QStringLiteral("GRANT \"App Owner\" TO \"plain\";")));
    QVERIFY(p->grants().contains(QStringLiteral("ALTER ROLE \"plain\" SUPERUSER;")));
    const PrivilegeCheck *owner = findCheck(*p, QStringLiteral("triggers on the tables"));
    QVERIFY(owner);
    QVERIFY(owner->what.contains(QStringLiteral("public.users")));
    QVERIFY(!owner->needed);

    // The grant it names is the one that was missing.
    QVERIFY_RESULT(sql(QStringLiteral("Root Db"), p->grants().value(0)));
    auto again = checkNodePrivileges(plain, NodeKind::Root, kQueue);
    QVERIFY_RESULT(again);
    QVERIFY(again->sufficient());
    QVERIFY(!again->grants().contains(p->grants().value(0)));
    QVERIFY_RESULT(sql(QStringLiteral("Root Db"),
                       QStringLiteral("REVOKE CREATE ON DATABASE \"Root Db\" FROM plain")));
}

void TestNodeSetup::existingNodeIsRefused()
{
    QVERIFY_RESULT(m_cluster->createDatabase(QStringLiteral("noded")));
    NodeSetup setup;
    setup.db = as(QStringLiteral("postgres"), QStringLiteral("noded"));
    setup.queue = kQueue;
    setup.nodeName = QStringLiteral("src");
    setup.workerName = QStringLiteral("src_job");
    QVERIFY_RESULT(NodeAdmin::createRoot(setup));
    auto p = checkNodePrivileges(setup.db, NodeKind::Root, kQueue);
    QVERIFY_RESULT(p);
    QVERIFY(!p->sufficient());
    const PrivilegeCheck *free = findCheck(*p, QStringLiteral("no node of queue"));
    QVERIFY(free);
    QVERIFY(!free->granted);
    QVERIFY(free->missing.contains(QStringLiteral("node 'src'")));
    // Another queue may have a node there; a plain role must be let change the schema.
    auto other = checkNodePrivileges(as(QStringLiteral("plain"), QStringLiteral("noded")),
                                     NodeKind::Root, QStringLiteral("other"));
    QVERIFY_RESULT(other);
    QVERIFY(!other->sufficient());
    // Its owner is a superuser: membership in that role would make plain one.
    const PrivilegeCheck *schema = findCheck(*other, QStringLiteral("change schema ferry"));
    QVERIFY(schema);
    QVERIFY(!schema->granted);
    QVERIFY2(schema->missing.contains(QStringLiteral("superuser")), qPrintable(schema->missing));
    QCOMPARE(schema->grant, QString()); // no statement makes it safe: a superuser makes the node
    QVERIFY(!other->grants().contains(QStringLiteral("GRANT \"postgres\" TO \"plain\";")));
    // The same for a user table a superuser owns.
    QVERIFY_RESULT(
        sql(QStringLiteral("noded"), QStringLiteral("CREATE TABLE public.audit (id int)")));
    auto table = checkNodePrivileges(as(QStringLiteral("plain"), QStringLiteral("noded")),
                                     NodeKind::Root, QStringLiteral("other"));
    QVERIFY_RESULT(table);
    const PrivilegeCheck *owner = findCheck(*table, QStringLiteral("triggers on the tables"));
    QVERIFY(owner);
    QVERIFY2(owner->missing.contains(QStringLiteral("superuser")), qPrintable(owner->missing));
    QCOMPARE(owner->grant, QStringLiteral("ALTER TABLE public.audit OWNER TO \"plain\";"));
    for (const QString &grant : table->grants())
        QVERIFY2(!grant.startsWith(QStringLiteral("GRANT \"postgres\"")), qPrintable(grant));
}

void TestNodeSetup::leafDatabaseToCreate()
{
    const ConnectionString missing = as(QStringLiteral("plain"), QStringLiteral("not yet"));
    auto exists = databaseExists(missing);
    QVERIFY_RESULT(exists);
    QVERIFY(!*exists);
    auto p = checkNodePrivileges(missing, NodeKind::Leaf, kQueue, true);
    QVERIFY_RESULT(p);
    QVERIFY(!p->sufficient());
    QCOMPARE(p->grants().value(0), QStringLiteral("ALTER ROLE \"plain\" CREATEDB;"));
    auto super = checkNodePrivileges(as(QStringLiteral("postgres"), QStringLiteral("not yet")),
                                     NodeKind::Leaf, kQueue, true);
    QVERIFY_RESULT(super);
    QVERIFY(super->sufficient());
}

void TestNodeSetup::createsAndDropsADatabase()
{
    const ConnectionString where = as(QStringLiteral("postgres"), QStringLiteral("New \"Leaf\""));
    QVERIFY_RESULT(createDatabase(where));
    auto exists = databaseExists(where);
    QVERIFY_RESULT(exists);
    QVERIFY(*exists);
    QVERIFY_RESULT(Connection::open(where));
    QVERIFY_RESULT(dropDatabase(where));
    exists = databaseExists(where);
    QVERIFY_RESULT(exists);
    QVERIFY(!*exists);
}

void TestNodeSetup::roleWithoutCreatedbIsToldWhatToRun()
{
    auto made = createDatabase(as(QStringLiteral("plain"), QStringLiteral("leafdb")));
    QVERIFY(!made.ok());
    QCOMPARE(made.error().toString(),
             QStringLiteral("role \"plain\" may not create databases (no CREATEDB): ask a "
                            "superuser to run CREATE DATABASE \"leafdb\" OWNER \"plain\"; or "
                            "ALTER ROLE \"plain\" CREATEDB;"));
    auto exists = databaseExists(as(QStringLiteral("postgres"), QStringLiteral("leafdb")));
    QVERIFY_RESULT(exists);
    QVERIFY(!*exists);
}

void TestNodeSetup::writesAConfigThatLoads()
{
    const QString path = m_dir.filePath(QStringLiteral("sub/folder/root.ini"));
    NewJobConfig job;
    job.jobName = QStringLiteral("root_job");
    job.db = as(QStringLiteral("postgres"), QStringLiteral("Root Db"));
    job.db.set(QStringLiteral("password"), QStringLiteral("s3cret%x"));
    job.db.set(QStringLiteral("sslpassword"), QStringLiteral("k3ypass"));
    job.queueName = kQueue;
    job.logFile = m_dir.filePath(QStringLiteral("100%/root.log"));
    job.pidFile = m_dir.filePath(QStringLiteral("root.pid"));
    QVERIFY_RESULT(writeNewJobConfig(path, job));

    QVERIFY(ownerOnly(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    QVERIFY(!written.contains("s3cret"));
    QVERIFY(!written.contains("k3ypass"));
    auto loaded = JobConfig::load(path);
    QVERIFY_RESULT(loaded);
    QCOMPARE(loaded->jobName(), job.jobName);
    QCOMPARE(loaded->queueName(), kQueue);
    QCOMPARE(loaded->db().value(QStringLiteral("dbname")), QStringLiteral("Root Db"));
    QVERIFY(!loaded->db().contains(QStringLiteral("password")));
    QVERIFY(!loaded->db().contains(QStringLiteral("sslpassword")));
    QCOMPARE(loaded->logFile(), job.logFile);
    QCOMPARE(loaded->pidFile(), job.pidFile);
    QVERIFY2(loaded->warnings().isEmpty(), qPrintable(loaded->warnings().join(QLatin1Char('\n'))));
    // What load() refuses is never written.
    NewJobConfig bad = job;
    bad.queueName = QStringLiteral("no spaces");
    const QString badPath = m_dir.filePath(QStringLiteral("bad.ini"));
    auto refused = writeNewJobConfig(badPath, bad);
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().toString().contains(QStringLiteral("queue_name must be")));
    QVERIFY(!QFile::exists(badPath));
}

void TestNodeSetup::refusesToOverwrite()
{
    const QString path = m_dir.filePath(QStringLiteral("leaf.ini"));
    {
        QFile existing(path);
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("keep me\n");
    }
    NewJobConfig job;
    job.jobName = QStringLiteral("leaf_job");
    job.db = as(QStringLiteral("postgres"), QStringLiteral("leafdb"));
    job.queueName = kQueue;
    auto refused = writeNewJobConfig(path, job);
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().toString().contains(QStringLiteral("exists already")));
    QFile kept(path);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("keep me\n"));
    kept.close();
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
    QVERIFY_RESULT(writeNewJobConfig(path, job, true));
    QVERIFY(ownerOnly(path));
    auto loaded = JobConfig::load(path);
    QVERIFY_RESULT(loaded);
    QCOMPARE(loaded->jobName(), QStringLiteral("leaf_job"));
}

QTEST_GUILESS_MAIN(TestNodeSetup)
#include "tst_nodesetup.moc"
