// Node commands given bad input, with the real `ferry` binary against a
// cluster of its own: every refusal is one line on stderr starting with
// "ferry: ", exit status 1 (2 for usage errors), no password shown, and
// nothing half-created: Ferry's records in every database of the cluster are
// the same before and after. Also the success path of members, node-status
// and drop-node, and the operator lines pause, resume, -r and -s leave in the
// job's log. Every daemon is killed in cleanupTestCase().
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "testutil.h"
#include "util/operatorlog.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <optional>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kQueue = QStringLiteral("replika");
const QStringList kDatabases = {QStringLiteral("digoal_01"), QStringLiteral("dst1"),
                                QStringLiteral("dst2"), QStringLiteral("plain")};

} // namespace

class TestCliNodes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void malformedConnectionString();
    void badNodeName();
    void unreachableConnectionString();
    void connstrOfAnotherDatabase();
    void providerIsNotANode();
    void queueNameMismatch();
    void createRootTwice();
    void createLeafTwice();
    void leafNameOrJobTaken();
    void addMissingTable();
    void addTableWithoutPrimaryKey();
    void addTableTheRootDoesNotReplicate();
    void addTableMissingOrOtherKeyOnLeaf();
    void daemonOptionWithNodeCommand();
    void dropRootWithLeaves();
    void workerStartedTwice();
    void operatorActionsAreLogged();
    void membersNodeStatusAndDropNode();

private:
    QString db(const QString &name, const QString &extra = QString()) const;
    // CONFIG.ini `name`.ini for database `dbConnstr`.
    QString config(const QString &name,
                   const QString &job,
                   const QString &dbConnstr,
                   const QString &queue = kQueue);
    FerryRun ferry(const QStringList &arguments);
    // Ferry's records in every database of the cluster, as text.
    QString state();
    // Runs a command that must be refused: exit code, one line on stderr
    // starting "ferry: " and holding every piece of `expected`, and every
    // database as it was. Returns the line.
    QString refused(const QStringList &arguments, const QStringList &expected, int exitCode = 1);

    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_dir;
    QString m_rootIni;
    QString m_leafIni;
    QList<qint64> m_daemons;
    qint64 m_leafPid = 0; // the leaf's daemon from workerStartedTwice() on
};

QString TestCliNodes::db(const QString &name, const QString &extra) const
{
    QString cs = m_cluster->connectionString(name);
    if (!extra.isEmpty())
        cs += QLatin1Char(' ') + extra;
    return cs;
}

QString TestCliNodes::config(const QString &name,
                             const QString &job,
                             const QString &dbConnstr,
                             const QString &queue)
{
    const QString path = m_dir.filePath(name + QStringLiteral(".ini"));
    writeText(path, QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = %3\n"
                                   "logfile = %4\npidfile = %5\n")
                        .arg(job, dbConnstr, queue, m_dir.filePath(name + QStringLiteral(".log")),
                             m_dir.filePath(name + QStringLiteral(".pid"))));
    return path;
}

FerryRun TestCliNodes::ferry(const QStringList &arguments)
{
    return runFerry(QStringLiteral(FERRY_CLI), arguments, 30000);
}

QString TestCliNodes::state()
{
    QString out;
    for (const QString &name : kDatabases) {
        auto c = Connection::open(db(name));
        if (!c)
            return c.error().toString();
        out += QStringLiteral("== %1\n").arg(name);
        auto triggers = c->exec(QStringLiteral(
            "SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT "
            "tgisinternal AND tgrelid::regclass::text !~ '^ferry\\.' ORDER BY 1"));
        if (!triggers)
            return triggers.error().toString();
        out += triggers->column(0).join(QLatin1Char('\n')) + QLatin1Char('\n');
        auto schema = c->exec(QStringLiteral("SELECT to_regclass('ferry.node_info') IS NOT NULL, "
                                             "to_regnamespace('ferry') IS NOT NULL"));
        if (!schema)
            return schema.error().toString();
        if (!schema->toBool(0, 1)) {
            out += QStringLiteral("no ferry schema\n");
            continue;
        }
        QStringList queries = {
            QStringLiteral("SELECT q.queue_name || ' ' || t.schema_name || '.' || t.table_name || "
                           "' ' || t.captured FROM ferry.queue_table t JOIN ferry.queue q USING "
                           "(queue_id) ORDER BY 1"),
            QStringLiteral("SELECT q.queue_name || ' consumer ' || c.consumer_name FROM "
                           "ferry.consumer c JOIN ferry.queue q USING (queue_id) ORDER BY 1"),
        };
        if (schema->toBool(0, 0)) {
            queries += {
                QStringLiteral("SELECT concat_ws(' ', 'node', queue_name, node_name, node_type, "
                               "location, provider_node, provider_location, worker_name, paused) "
                               "FROM ferry.node_info ORDER BY 1"),
                QStringLiteral("SELECT concat_ws(' ', 'member', queue_name, node_name, node_type, "
                               "location, provider_node, worker_name) FROM ferry.node_location "
                               "ORDER BY 1"),
                QStringLiteral("SELECT concat_ws(' ', 'table', queue_name, source_schema, "
                               "source_name, dest_schema, dest_name) FROM ferry.node_table "
                               "ORDER BY 1"),
            };
        }
        for (const QString &sql : std::as_const(queries)) {
            auto r = c->exec(sql);
            if (!r)
                return r.error().toString();
            out += r->column(0).join(QLatin1Char('\n')) + QLatin1Char('\n');
        }
    }
    return out;
}

QString
TestCliNodes::refused(const QStringList &arguments, const QStringList &expected, int exitCode)
{
    const QString before = state();
    const FerryRun run = ferry(arguments);
    const QString what = arguments.join(QLatin1Char(' ')) + QStringLiteral(" -> ") + run.err;
    [&]() {
        QVERIFY2(run.exitCode == exitCode, qPrintable(what));
        QVERIFY2(run.err.startsWith(QLatin1String("ferry: ")), qPrintable(what));
        // Usage errors add "Try 'ferry --help'." as a second line.
        QCOMPARE(run.err.count(QLatin1Char('\n')), exitCode == 2 ? 2 : 1);
        QVERIFY2(!run.err.contains(QLatin1String("Sekr1t")), qPrintable(what));
        QVERIFY2(run.out.isEmpty(), qPrintable(run.out));
        for (const QString &piece : expected)
            QVERIFY2(run.err.contains(piece),
                     qPrintable(piece + QStringLiteral(" not in ") + what));
        const QString after = state();
        QCOMPARE(after, before);
    }();
    return run.err.section(QLatin1Char('\n'), 0, 0);
}

void TestCliNodes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    for (const QString &name : kDatabases) {
        QVERIFY_RESULT(m_cluster->createDatabase(name));
        auto c = Connection::open(db(name));
        QVERIFY_RESULT(c);
        QVERIFY_RESULT(createSeedSchema(*c, false));
    }
    auto root = Connection::open(db(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(root->exec(QStringLiteral(
        "CREATE TABLE public.nopk (a int); CREATE TABLE public.t2 (a int PRIMARY KEY); "
        "CREATE TABLE public.t3 (a int PRIMARY KEY, b int NOT NULL); "
        "CREATE TABLE public.t4 (a int PRIMARY KEY); CREATE TABLE public.t5 (a int PRIMARY KEY)")));
    auto leaf = Connection::open(db(QStringLiteral("dst1")));
    QVERIFY_RESULT(leaf);
    QVERIFY_RESULT(leaf->exec(QStringLiteral(
        "CREATE TABLE public.t2 (a int PRIMARY KEY); "
        "CREATE TABLE public.t3 (a int NOT NULL, b int PRIMARY KEY); CREATE TABLE public.t4 (a "
        "int)")));

    // A root with the seed's tables and t2..t5, and a leaf with the seed's.
    m_rootIni = config(QStringLiteral("root"), QStringLiteral("src_digoal_01"),
                       db(QStringLiteral("digoal_01")));
    m_leafIni = config(QStringLiteral("leaf"), QStringLiteral("dst1_digoal_01"),
                       db(QStringLiteral("dst1")));
    const QList<QStringList> setup = {
        {m_rootIni, QStringLiteral("create-root"), QStringLiteral("digoal_01"),
         db(QStringLiteral("digoal_01"))},
        {m_leafIni, QStringLiteral("create-leaf"), QStringLiteral("dst1"),
         db(QStringLiteral("dst1"), QStringLiteral("password=Sekr1t")),
         QStringLiteral("--provider=")
             + db(QStringLiteral("digoal_01"), QStringLiteral("password=Sekr1t"))},
        {m_rootIni, QStringLiteral("add-table"), QStringLiteral("--all")},
        {m_leafIni, QStringLiteral("add-table"), QStringLiteral("digoal_01.user_info"),
         QStringLiteral("user_session")},
    };
    for (const QStringList &arguments : setup) {
        const FerryRun run = ferry(arguments);
        QVERIFY2(run.exitCode == 0,
                 qPrintable(arguments.join(QLatin1Char(' ')) + QStringLiteral(": ") + run.err));
        QVERIFY(!run.err.contains(QLatin1String("Sekr1t")));
    }
    // The root skipped nopk (a warning, not an error) and took the others.
    auto tables = root->exec(QStringLiteral("SELECT count(*) FROM ferry.queue_table"));
    QVERIFY_RESULT(tables);
    QCOMPARE(tables->toInt64(0, 0), qint64(8));
    // What refused() compares: every database's records, readable.
    const QString now = state();
    for (const QString &piece : {QStringLiteral("== plain\n\nno ferry schema\n"),
                                 QStringLiteral("member replika dst1 leaf"),
                                 QStringLiteral("replika consumer dst1_digoal_01"),
                                 QStringLiteral("table replika "
                                                "digoal_01 user_info"),
                                 QStringLiteral("digoal_01.user_info _ferry_deny")}) {
        QVERIFY2(now.contains(piece), qPrintable(piece));
    }
    // A table with a key that is not replicated (yet).
    QVERIFY_RESULT(root->exec(QStringLiteral("CREATE TABLE public.t6 (a int PRIMARY KEY)")));
}

void TestCliNodes::cleanupTestCase()
{
    // The workers run from workerStartedTwice() on. A daemon is no child of
    // ours: kill it by pid, whatever the tests did.
    for (qint64 pid : std::as_const(m_daemons)) {
        if (processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_daemons.clear();
    m_cluster.reset();
}

void TestCliNodes::malformedConnectionString()
{
    // A CONNSTR libpq cannot parse is a bad value, like a bad `db` in the
    // config: exit 1 (2 is for a command line of the wrong shape), and the
    // text is never echoed, as it may hold a password.
    const QString plain
        = config(QStringLiteral("plain"), QStringLiteral("plain_job"), db(QStringLiteral("plain")));
    refused({plain, QStringLiteral("create-root"), QStringLiteral("x"),
             QStringLiteral("host=127.0.0.1 port password=Sekr1t")},
            {QStringLiteral("ferry: CONNSTR: invalid connection string"),
             QStringLiteral("write keyword=value")});
    refused({plain, QStringLiteral("create-root"), QStringLiteral("x"),
             QStringLiteral("postgresql://u:Sekr1t@[::1")},
            {QStringLiteral("ferry: CONNSTR: invalid connection string")});
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"), db(QStringLiteral("plain")),
             QStringLiteral("--provider=host=127.0.0.1 'port=1 password=Sekr1t")},
            {QStringLiteral("ferry: --provider: invalid connection string")});
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"),
             QStringLiteral("dbname=plain password"),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("ferry: CONNSTR: invalid connection string")});
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"), db(QStringLiteral("plain")),
             QStringLiteral("--provider=")},
            {QStringLiteral("ferry: --provider is empty: give a connection string")});
    // The config's own db: reported with file and key.
    const QString broken = config(QStringLiteral("broken"), QStringLiteral("broken_job"),
                                  QStringLiteral("host=127.0.0.1 port password=Sekr1t"));
    refused({broken, QStringLiteral("create-root"), QStringLiteral("x")},
            {QStringLiteral("broken.ini"), QStringLiteral("db")});
}

void TestCliNodes::badNodeName()
{
    // Refused before Ferry's schema is installed or the provider is touched.
    const QString plain
        = config(QStringLiteral("plain"), QStringLiteral("plain_job"), db(QStringLiteral("plain")));
    const QString dst2
        = config(QStringLiteral("dst2"), QStringLiteral("dst2_job"), db(QStringLiteral("dst2")));
    for (const QString &name : {QString(), QStringLiteral("a b"), QString(129, QLatin1Char('n'))}) {
        const QString expected = QStringLiteral("node name '%1' is not valid").arg(name);
        refused({plain, QStringLiteral("create-root"), name}, {expected});
        refused({dst2, QStringLiteral("create-leaf"), name, db(QStringLiteral("dst2")),
                 QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
                {expected});
    }
}

void TestCliNodes::unreachableConnectionString()
{
    // Port 1 is closed: every message names host and port, password masked.
    const QString closed = QStringLiteral("host=127.0.0.1 port=1 user=postgres dbname=x "
                                          "password=Sekr1t");
    const QStringList named
        = {QStringLiteral("host=127.0.0.1 port=1"), QStringLiteral("password=********")};
    const QString plain
        = config(QStringLiteral("plain"), QStringLiteral("plain_job"), db(QStringLiteral("plain")));
    const QString down = config(QStringLiteral("down"), QStringLiteral("down_job"), closed, kQueue);
    // The config's db.
    refused({down, QStringLiteral("create-root"), QStringLiteral("x")},
            named + QStringList{QStringLiteral("ferry: connecting to the node database")});
    refused({down, QStringLiteral("create-leaf"), QStringLiteral("x"), closed,
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            named);
    // CONNSTR: where other nodes will connect, checked before anything is made.
    refused({plain, QStringLiteral("create-root"), QStringLiteral("x"), closed},
            named + QStringList{QStringLiteral("CONNSTR")});
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"), closed,
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            named + QStringList{QStringLiteral("CONNSTR")});
    // --provider.
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"), db(QStringLiteral("plain")),
             QStringLiteral("--provider=") + closed},
            named + QStringList{QStringLiteral("ferry: connecting to the provider")});
    // Commands of an existing node whose database is down.
    for (const char *command : {"status", "members", "tables", "pause", "drop-node"}) {
        QStringList arguments = {down, QLatin1String(command)};
        if (arguments.last() == QLatin1String("drop-node"))
            arguments << QStringLiteral("x");
        refused(arguments, named);
    }
}

void TestCliNodes::connstrOfAnotherDatabase()
{
    // CONNSTR is stored as the node's location; the root's drop-node later
    // empties Ferry's tables at that location, so it must be this database.
    const QString plain
        = config(QStringLiteral("plain"), QStringLiteral("plain_job"), db(QStringLiteral("plain")));
    refused({plain, QStringLiteral("create-root"), QStringLiteral("x"), db(QStringLiteral("dst2"))},
            {QStringLiteral("CONNSTR reaches postgres@127.0.0.1:%1/dst2, another database")
                 .arg(m_cluster->port())});
    refused({plain, QStringLiteral("create-leaf"), QStringLiteral("x"),
             db(QStringLiteral("digoal_01")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("CONNSTR reaches postgres@127.0.0.1:%1/digoal_01, another database")
                 .arg(m_cluster->port())});
}

void TestCliNodes::providerIsNotANode()
{
    const QString dst2
        = config(QStringLiteral("dst2"), QStringLiteral("dst2_job"), db(QStringLiteral("dst2")));
    refused({dst2, QStringLiteral("create-leaf"), QStringLiteral("dst2"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("plain"))},
            {QStringLiteral("provider postgres@127.0.0.1:%1/plain is not a Ferry node of queue "
                            "'replika'")
                 .arg(m_cluster->port()),
             QStringLiteral("create-root")});
    // A leaf is no provider either (branches are not built yet).
    refused({dst2, QStringLiteral("create-leaf"), QStringLiteral("dst2"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("dst1"))},
            {QStringLiteral("is node 'dst1', a leaf")});
}

void TestCliNodes::queueNameMismatch()
{
    const QString other = config(QStringLiteral("other"), QStringLiteral("dst2_job"),
                                 db(QStringLiteral("dst2")), QStringLiteral("other_queue"));
    refused({other, QStringLiteral("create-leaf"), QStringLiteral("dst2"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("has no node of queue 'other_queue' (it has one of 'replika')"),
             QStringLiteral("queue_name")});
    // Node commands with the wrong queue name.
    const QString wrongRoot
        = config(QStringLiteral("wrongroot"), QStringLiteral("src_digoal_01"),
                 db(QStringLiteral("digoal_01")), QStringLiteral("other_queue"));
    for (const char *command : {"status", "tables", "add-table", "pause"}) {
        QStringList arguments = {wrongRoot, QLatin1String(command)};
        if (arguments.last() == QLatin1String("add-table"))
            arguments << QStringLiteral("public.t2");
        refused(arguments, {QStringLiteral("has no node for queue 'other_queue' (it has one for "
                                           "'replika')"),
                            QStringLiteral("queue_name")});
    }
}

void TestCliNodes::createRootTwice()
{
    const QString line = QStringLiteral("ferry: postgres@127.0.0.1:%1/digoal_01 is already node "
                                        "'digoal_01' (root) of queue 'replika': nothing was "
                                        "changed (drop-node digoal_01 first to start over)")
                             .arg(m_cluster->port());
    QCOMPARE(refused({m_rootIni, QStringLiteral("create-root"), QStringLiteral("digoal_01")}, {}),
             line);
    QCOMPARE(refused({m_rootIni, QStringLiteral("create-root"), QStringLiteral("another")}, {}),
             line);
    // A leaf's database cannot become a root either.
    refused({m_leafIni, QStringLiteral("create-root"), QStringLiteral("dst1")},
            {QStringLiteral("is already node 'dst1' (leaf)")});
}

void TestCliNodes::createLeafTwice()
{
    refused({m_leafIni, QStringLiteral("create-leaf"), QStringLiteral("dst1"),
             db(QStringLiteral("dst1")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("is already node 'dst1' (leaf) of queue 'replika'"),
             QStringLiteral("drop-node dst1 first")});
    // The root's database as a leaf of itself.
    refused({m_rootIni, QStringLiteral("create-leaf"), QStringLiteral("digoal_01"),
             db(QStringLiteral("digoal_01")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("is already node 'digoal_01' (root)")});
}

void TestCliNodes::leafNameOrJobTaken()
{
    // Another database, the name of an existing leaf.
    const QString dst2
        = config(QStringLiteral("dst2"), QStringLiteral("dst2_job"), db(QStringLiteral("dst2")));
    refused({dst2, QStringLiteral("create-leaf"), QStringLiteral("dst1"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("queue 'replika' already has a node named 'dst1': pick another node "
                            "name")});
    // The root's name.
    refused({dst2, QStringLiteral("create-leaf"), QStringLiteral("digoal_01"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("already has a node named 'digoal_01'")});
    // Another name, but the job (the consumer) of an existing leaf.
    const QString sameJob = config(QStringLiteral("samejob"), QStringLiteral("dst1_digoal_01"),
                                   db(QStringLiteral("dst2")));
    refused({sameJob, QStringLiteral("create-leaf"), QStringLiteral("dst2"),
             db(QStringLiteral("dst2")),
             QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))},
            {QStringLiteral("node 'dst1' of queue 'replika' already uses job_name "
                            "'dst1_digoal_01'")});
}

void TestCliNodes::addMissingTable()
{
    refused({m_rootIni, QStringLiteral("add-table"), QStringLiteral("digoal_01.nosuch")},
            {QStringLiteral("table digoal_01.nosuch does not exist on root digoal_01"),
             QStringLiteral("nothing was added")});
    // One missing name spoils the whole command: t6 is not added either.
    refused({m_rootIni, QStringLiteral("add-table"), QStringLiteral("public.t6"),
             QStringLiteral("nosuch")},
            {QStringLiteral("table nosuch does not exist")});
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("nosuch")},
            {QStringLiteral("table nosuch does not exist on the provider digoal_01"),
             QStringLiteral("nothing was added")});
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("digoal_01.user_login_rec"),
             QStringLiteral("public.nosuch")},
            {QStringLiteral("public.nosuch does not exist")});
}

void TestCliNodes::addTableWithoutPrimaryKey()
{
    const QString line = refused(
        {m_rootIni, QStringLiteral("add-table"), QStringLiteral("t6"),
         QStringLiteral("public.nopk")},
        {QStringLiteral("public.nopk has no primary key"), QStringLiteral("nothing was added")});
    // ... and says what to do.
    QVERIFY2(line.contains(QLatin1String("ADD PRIMARY KEY")), qPrintable(line));
}

void TestCliNodes::addTableTheRootDoesNotReplicate()
{
    // public.nopk exists on the root but is not replicated.
    auto leaf = Connection::open(db(QStringLiteral("dst1")));
    QVERIFY_RESULT(leaf);
    QVERIFY_RESULT(leaf->exec(QStringLiteral("CREATE TABLE public.nopk (a int PRIMARY KEY)")));
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("public.nopk")},
            {QStringLiteral("table public.nopk is not replicated by digoal_01: run add-table "
                            "public.nopk with the root's config first; nothing was added")});
    QVERIFY_RESULT(leaf->exec(QStringLiteral("DROP TABLE public.nopk")));
}

void TestCliNodes::addTableMissingOrOtherKeyOnLeaf()
{
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("public.t5")},
            {QStringLiteral("table public.t5 does not exist on node dst1: create it there first")});
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("public.t2"),
             QStringLiteral("public.t3")},
            {QStringLiteral("table public.t3 has primary key (b) on node dst1 but (a) on the "
                            "root: make them equal; nothing was added")});
    refused(
        {m_leafIni, QStringLiteral("add-table"), QStringLiteral("public.t4")},
        {QStringLiteral("table public.t4 on node dst1 has no primary key: add the root's (a)")});
    // --all stops at the first of them too, adding nothing.
    refused({m_leafIni, QStringLiteral("add-table"), QStringLiteral("--all")},
            {QStringLiteral("nothing was added")});
}

void TestCliNodes::daemonOptionWithNodeCommand()
{
    for (const char *option : {"-d", "-s", "-r"}) {
        const QString line
            = refused({QLatin1String(option), m_leafIni, QStringLiteral("status")}, {}, 2);
        QCOMPARE(line, QStringLiteral("ferry: -d, -s and -r go with worker and ticker only"));
    }
}

void TestCliNodes::dropRootWithLeaves()
{
    refused(
        {m_rootIni, QStringLiteral("drop-node"), QStringLiteral("digoal_01")},
        {QStringLiteral("root 'digoal_01' still has nodes dst1: drop-node each of them first")});
    // A leaf drops only itself.
    refused({m_leafIni, QStringLiteral("drop-node"), QStringLiteral("digoal_01")},
            {QStringLiteral("this database is node 'dst1'")});
    // The root applies nothing, so it has nothing to pause.
    refused({m_rootIni, QStringLiteral("pause")},
            {QStringLiteral("node 'digoal_01' is the root and applies nothing: pause its leaves")});
    refused({m_rootIni, QStringLiteral("drop-node"), QStringLiteral("nosuch")},
            {QStringLiteral("queue 'replika' has no node 'nosuch'")});
}

void TestCliNodes::workerStartedTwice()
{
    const QString worker = QStringLiteral("worker");
    FerryRun run = ferry({QStringLiteral("-d"), m_rootIni, worker});
    const qint64 rootPid
        = readText(m_dir.filePath(QStringLiteral("root.pid"))).trimmed().toLongLong();
    if (rootPid > 1)
        m_daemons << rootPid;
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = ferry({QStringLiteral("-d"), m_leafIni, worker});
    const qint64 pid = readText(m_dir.filePath(QStringLiteral("leaf.pid"))).trimmed().toLongLong();
    if (pid > 1)
        m_daemons << pid;
    m_leafPid = pid;
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    // The same job: its pidfile is locked.
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("-d"), m_leafIni, worker}, QStringList{m_leafIni, worker}}) {
        run = ferry(arguments);
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err, QStringLiteral("ferry: job dst1_digoal_01 is already running (pid %1, "
                                         "pidfile %2): stop it with 'ferry -s %3 worker'\n")
                              .arg(pid)
                              .arg(m_dir.filePath(QStringLiteral("leaf.pid")), m_leafIni));
    }
    // The same node under another pidfile: the node's advisory lock.
    const QString twin = config(QStringLiteral("twin"), QStringLiteral("dst1_digoal_01"),
                                db(QStringLiteral("dst1")));
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("-d"), twin, worker}, QStringList{twin, worker}}) {
        run = ferry(arguments);
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err, QStringLiteral("ferry: another worker is already running for node "
                                         "'dst1' of queue 'replika' on "
                                         "postgres@127.0.0.1:%1/dst1: stop it first\n")
                              .arg(m_cluster->port()));
    }
    QVERIFY(processAlive(pid));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("twin.pid"))));
    // The running worker copied the leaf's tables meanwhile; a change on the
    // root makes a tick that takes them from catching-up to ok.
    auto root = Connection::open(db(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(root);
    QVERIFY_RESULT(root->exec(QStringLiteral("INSERT INTO public.t2 VALUES (1)")));
    QTRY_VERIFY_WITH_TIMEOUT(ferry({m_leafIni, QStringLiteral("tables")})
                                     .out.count(QRegularExpression(QStringLiteral(" ok\\b")))
                                 == 2,
                             20000);
}

void TestCliNodes::operatorActionsAreLogged()
{
    const QString leafLog = m_dir.filePath(QStringLiteral("leaf.log"));
    const QString rootLog = m_dir.filePath(QStringLiteral("root.log"));
    // "TIME PID INFO operator USER (ferry pid PID): ACTION", PID the command's.
    const auto line = [](const QString &action) {
        return QRegularExpression(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\d+) INFO "
                           "operator %1 \\(ferry pid \\1\\): %2$")
                .arg(QRegularExpression::escape(operatingSystemUser()),
                     QRegularExpression::escape(action)),
            QRegularExpression::MultilineOption);
    };
    const auto count = [](const QString &path, const QRegularExpression &re) {
        return readText(path).count(re);
    };
    QVERIFY(processAlive(m_leafPid));
    const QString leafAt = QStringLiteral("postgres@127.0.0.1:%1/dst1").arg(m_cluster->port());

    // pause and resume: noted once the node took them, with its name.
    for (const char *command : {"pause", "resume"}) {
        const QRegularExpression noted
            = line(QLatin1String(command) + QStringLiteral(" node dst1"));
        const qsizetype before = count(leafLog, noted);
        const FerryRun run = ferry({m_leafIni, QLatin1String(command)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(count(leafLog, noted), before + 1);
    }
    // A refused pause notes nothing.
    QVERIFY(!readText(rootLog).contains(QLatin1String(" INFO operator ")));
    QCOMPARE(ferry({m_rootIni, QStringLiteral("pause")}).exitCode, 1);
    QVERIFY(!readText(rootLog).contains(QLatin1String(" INFO operator ")));

    // -r: noted before the worker's own "reloaded config".
    const QRegularExpression reload
        = line(QStringLiteral("reload config of the worker of node %1 (pid %2)")
                   .arg(leafAt)
                   .arg(m_leafPid));
    FerryRun run = ferry({QStringLiteral("-r"), m_leafIni, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(count(leafLog, reload), 1);
    const QString reloaded
        = QStringLiteral("%1 INFO reloaded config %2").arg(m_leafPid).arg(m_leafIni);
    QTRY_VERIFY_WITH_TIMEOUT(readText(leafLog).contains(reloaded), 10000);
    QVERIFY(readText(leafLog).indexOf(reload) < readText(leafLog).indexOf(reloaded));

    // -s: noted before the worker's "worker stopped"; nothing when nothing runs.
    const QRegularExpression stop
        = line(QStringLiteral("stop worker of node %1 (pid %2)").arg(leafAt).arg(m_leafPid));
    run = ferry({QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(count(leafLog, stop), 1);
    const QString stopped = QStringLiteral("%1 INFO dst1_digoal_01: worker stopped").arg(m_leafPid);
    QVERIFY(readText(leafLog).indexOf(stop) < readText(leafLog).indexOf(stopped));
    const qsizetype lines = readText(leafLog).count(QLatin1Char('\n'));
    QCOMPARE(ferry({QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")}).exitCode, 1);
    QCOMPARE(readText(leafLog).count(QLatin1Char('\n')), lines);

    // Running again for the tests that follow.
    run = ferry({QStringLiteral("-d"), m_leafIni, QStringLiteral("worker")});
    m_leafPid = readText(m_dir.filePath(QStringLiteral("leaf.pid"))).trimmed().toLongLong();
    if (m_leafPid > 1)
        m_daemons << m_leafPid;
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
}

void TestCliNodes::membersNodeStatusAndDropNode()
{
    // members, from the leaf: both nodes, locations without the password.
    FerryRun run = ferry({m_leafIni, QStringLiteral("members")});
    QCOMPARE(run.exitCode, 0);
    const QString location = QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres");
    const QString port = QString::number(m_cluster->port());
    QCOMPARE(run.out, QStringLiteral("Member info on dst1@replika:\n"
                                     "node_name  node_type  provider   location\n"
                                     "---------  ---------  ---------  %1\n"
                                     "digoal_01  root                  %2\n"
                                     "dst1       leaf       digoal_01  %3\n")
                          .arg(QString(location.arg(port, QStringLiteral("digoal_01")).size(),
                                       QLatin1Char('-')),
                               location.arg(port, QStringLiteral("digoal_01")),
                               location.arg(port, QStringLiteral("dst1"))));

    // node-status: this node only.
    run = ferry({m_leafIni, QStringLiteral("node-status")});
    QCOMPARE(run.exitCode, 0);
    for (const QString &line :
         {QStringLiteral("Node: dst1   Type: leaf   Queue: replika"),
          QStringLiteral("Location: ") + location.arg(port, QStringLiteral("dst1")),
          QStringLiteral("Provider: digoal_01 (%1)")
              .arg(location.arg(port, QStringLiteral("digoal_01"))),
          QStringLiteral("Job: dst1_digoal_01"), QStringLiteral("Paused: no"),
          QStringLiteral("Tables: 2 ok, 0 copying, 0 with errors"),
          QStringLiteral("Last error: none")}) {
        QVERIFY2(run.out.contains(line + QLatin1Char('\n')), qPrintable(run.out));
    }
    QVERIFY2(run.out.contains(QRegularExpression(QStringLiteral("^Worker: pid \\d+, last seen "),
                                                 QRegularExpression::MultilineOption)),
             qPrintable(run.out));
    run = ferry({m_rootIni, QStringLiteral("node-status")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith(QStringLiteral("Node: digoal_01   Type: root   Queue: replika\n")),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("Tables: 8 ok, 0 copying, 0 with errors\n")),
             qPrintable(run.out));

    // drop-node is refused while the node's worker runs.
    refused({m_leafIni, QStringLiteral("drop-node"), QStringLiteral("dst1")},
            {QStringLiteral("the worker of node 'dst1' is running (pid "),
             QStringLiteral("stop it first")});
    refused({m_rootIni, QStringLiteral("drop-node"), QStringLiteral("dst1")},
            {QStringLiteral("the worker of node 'dst1' is running")});
    run = ferry({QStringLiteral("-s"), m_leafIni, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    // The leaf drops itself.
    auto app = Connection::open(db(QStringLiteral("dst1")));
    QVERIFY_RESULT(app);
    auto denied = app->exec(QStringLiteral("INSERT INTO digoal_01.user_info (userid) VALUES (1)"));
    QVERIFY(!denied);
    QCOMPARE(denied.error().sqlState(), QStringLiteral("25006"));
    run = ferry({m_leafIni, QStringLiteral("drop-node"), QStringLiteral("dst1")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(run.out, QStringLiteral("Dropped node 'dst1' of queue 'replika'\n"));

    run = ferry({m_rootIni, QStringLiteral("members")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(!run.out.contains(QLatin1String("dst1")), qPrintable(run.out));
    auto root = Connection::open(db(QStringLiteral("digoal_01")));
    QVERIFY_RESULT(root);
    auto consumers = root->exec(QStringLiteral("SELECT count(*) FROM ferry.consumer"));
    QVERIFY_RESULT(consumers);
    QCOMPARE(consumers->toInt64(0, 0), qint64(0));
    // The application may write on the former leaf again.
    QVERIFY_RESULT(app->exec(QStringLiteral("INSERT INTO digoal_01.user_info (userid) VALUES (1); "
                                            "UPDATE digoal_01.user_session SET login_count = 1; "
                                            "TRUNCATE digoal_01.user_session")));
    auto left = app->exec(QStringLiteral("SELECT (SELECT count(*) FROM ferry.node_info), (SELECT "
                                         "count(*) FROM ferry.node_table), (SELECT count(*) FROM "
                                         "pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass"
                                         "::text LIKE 'digoal_01.%')"));
    QVERIFY_RESULT(left);
    QCOMPARE(left->text(0, 0) + left->text(0, 1) + left->text(0, 2), QStringLiteral("000"));
    refused({m_leafIni, QStringLiteral("status")},
            {QStringLiteral("is not a Ferry node for queue 'replika': run create-root or "
                            "create-leaf first")});

    // Made again, and this time dropped by name from the root.
    QVERIFY_RESULT(app->exec(QStringLiteral("TRUNCATE digoal_01.user_info")));
    run = ferry({m_leafIni, QStringLiteral("create-leaf"), QStringLiteral("dst1"),
                 db(QStringLiteral("dst1")),
                 QStringLiteral("--provider=") + db(QStringLiteral("digoal_01"))});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = ferry({m_leafIni, QStringLiteral("add-table"), QStringLiteral("digoal_01.user_info")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = ferry({m_rootIni, QStringLiteral("drop-node"), QStringLiteral("dst1")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    left = app->exec(QStringLiteral("SELECT (SELECT count(*) FROM ferry.node_info), (SELECT "
                                    "count(*) FROM ferry.node_table), (SELECT count(*) FROM "
                                    "pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass"
                                    "::text LIKE 'digoal_01.%')"));
    QVERIFY_RESULT(left);
    QCOMPARE(left->text(0, 0) + left->text(0, 1) + left->text(0, 2), QStringLiteral("000"));
    consumers = root->exec(QStringLiteral("SELECT count(*) FROM ferry.consumer"));
    QVERIFY_RESULT(consumers);
    QCOMPARE(consumers->toInt64(0, 0), qint64(0));

    // Now the root has no members left and may go too, once its worker
    // stopped: its triggers with it.
    refused({m_rootIni, QStringLiteral("drop-node"), QStringLiteral("digoal_01")},
            {QStringLiteral("the worker of node 'digoal_01' is running")});
    run = ferry({QStringLiteral("-s"), m_rootIni, QStringLiteral("worker")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = ferry({m_rootIni, QStringLiteral("drop-node"), QStringLiteral("digoal_01")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    auto rootLeft = root->exec(
        QStringLiteral("SELECT (SELECT count(*) FROM ferry.node_info), (SELECT count(*) FROM "
                       "ferry.queue), (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                       "AND tgrelid::regclass::text !~ '^ferry\\.')"));
    QVERIFY_RESULT(rootLeft);
    QCOMPARE(rootLeft->text(0, 0) + rootLeft->text(0, 1) + rootLeft->text(0, 2),
             QStringLiteral("000"));
}

QTEST_GUILESS_MAIN(TestCliNodes)
#include "tst_cli_nodes.moc"
