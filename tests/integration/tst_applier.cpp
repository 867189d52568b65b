// Applying batches to a node: a root cluster captures two tables, a leaf
// cluster applies the batches with Applier; after every scenario both sides
// hold the same rows. Covers net effect per key, key changes, TRUNCATE
// segments, json/array values, a unique key swapped between rows (row by
// row fallback), updates that keep or change keys whose JSON needs escaping,
// a key inserted twice without a captured delete between (fallback again),
// a crash between the node's commit and finish_batch, a batch that does not
// follow the node's tick, and a non-superuser apply role passing the deny
// trigger.
#include "db/connection.h"
#include "pgcluster.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "replication/applier.h"
#include "testutil.h"
#include "usersession.h"

#include <QTest>

using namespace ferry;
using namespace ferry::test;
using ferry::test::PgCluster;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kConsumer = QStringLiteral("dst1");
const QString kTables
    = QStringLiteral("CREATE TABLE acct (id int PRIMARY KEY, v int, doc jsonb, tags text[]); "
                     "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, n int); "
                     "CREATE TABLE tk (k text, n int, v int, note text, PRIMARY KEY (k, n))");

} // namespace

class TestApplier : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void mixedChangesConverge();
    void uniqueSwapFallsBackToRowByRow();
    void keysKeptOrChangedWithEscapes();
    void keyInsertedTwiceFallsBackToRowByRow();
    void crashAfterCommitSkipsTheBatch();
    void batchNotFollowingTheNodeIsRefused();
    void nonSuperuserApplyPassesDenyTrigger();

private:
    Connection open(PgCluster &cluster, const QString &db, const QString &user = {});
    void write(Connection &c, const QString &sql);
    // Ticks, then applies every batch until the consumer is caught up.
    Result<ApplyResult> drain(Connection &node, bool finish = true);
    void compare(const QString &table);

    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    int m_db = 0;
    QString m_rootDb;
    QString m_leafDb;
    std::optional<Connection> m_source;
    std::optional<Connection> m_node;
};

void TestApplier::initTestCase()
{
    m_root = std::make_unique<PgCluster>();
    m_leaf = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_root->start());
    QVERIFY_RESULT(m_leaf->start());
}

void TestApplier::cleanupTestCase()
{
    m_source.reset();
    m_node.reset();
    m_root.reset();
    m_leaf.reset();
}

void TestApplier::init()
{
    ++m_db;
    m_rootDb = QStringLiteral("root%1").arg(m_db);
    m_leafDb = QStringLiteral("leaf%1").arg(m_db);
    QVERIFY_RESULT(m_root->createDatabase(m_rootDb));
    QVERIFY_RESULT(m_leaf->createDatabase(m_leafDb));
    m_source.emplace(open(*m_root, m_rootDb));
    m_node.emplace(open(*m_leaf, m_leafDb));
    QVERIFY_RESULT(SchemaInstaller::install(*m_source));
    write(*m_source, kTables);
    QueueAdmin admin(*m_source);
    QVERIFY_RESULT(admin.createQueue(kQueue));
    QVERIFY_RESULT(admin.captureTable(kQueue, QStringLiteral("acct")));
    QVERIFY_RESULT(admin.captureTable(kQueue, QStringLiteral("users")));
    QVERIFY_RESULT(admin.captureTable(kQueue, QStringLiteral("tk")));
    QVERIFY_RESULT(admin.registerConsumer(kQueue, kConsumer));
    write(*m_node, kTables);
    Applier applier(*m_node, kQueue, kConsumer);
    QVERIFY_RESULT(applier.prepare());
    QueueAdmin leaf(*m_node);
    QVERIFY_RESULT(leaf.denyWrites(QStringLiteral("acct")));
    QVERIFY_RESULT(leaf.denyWrites(QStringLiteral("users")));
    QVERIFY_RESULT(leaf.denyWrites(QStringLiteral("tk")));
}

Connection TestApplier::open(PgCluster &cluster, const QString &db, const QString &user)
{
    QString cs = cluster.connectionString(db);
    if (!user.isEmpty())
        cs.replace(QStringLiteral("user=postgres"), QStringLiteral("user=") + user);
    auto c = openUserSession(cs);
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

void TestApplier::write(Connection &c, const QString &sql)
{
    auto r = c.exec(sql);
    if (!r)
        qFatal("%s: %s", qPrintable(sql), qPrintable(r.error().toString()));
}

Result<ApplyResult> TestApplier::drain(Connection &node, bool finish)
{
    if (auto t = QueueAdmin(*m_source).tick(kQueue, true); !t)
        return t.error();
    Connection reading = open(*m_root, m_rootDb);
    BatchReader reader(reading, kQueue, kConsumer);
    Applier applier(node, kQueue, kConsumer);
    auto tables = loadTableMappings(*m_source, kQueue);
    if (!tables)
        return tables.error();
    ApplyResult total;
    for (;;) {
        auto b = reader.nextBatch();
        if (!b)
            return b.error();
        if (!b->has_value())
            return total;
        auto r = applier.apply(**b, reader, tables.value());
        if (!r)
            return r.error();
        total.events += r->events;
        total.rowByRow = total.rowByRow || r->rowByRow;
        total.alreadyApplied = total.alreadyApplied || r->alreadyApplied;
        if (!finish)
            return total;
        if (auto f = reader.finishBatch(**b); !f)
            return f.error();
    }
}

void TestApplier::compare(const QString &table)
{
    const QString sql = QStringLiteral("SELECT count(*), coalesce(string_agg(t::text, '|' ORDER BY "
                                       "id), '') FROM %1 t")
                            .arg(table);
    auto a = m_source->exec(sql);
    auto b = m_node->exec(sql);
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QCOMPARE(b->toInt64(0, 0), a->toInt64(0, 0));
    QCOMPARE(b->text(0, 1), a->text(0, 1));
}

void TestApplier::mixedChangesConverge()
{
    write(*m_source,
          QStringLiteral(
              "INSERT INTO acct SELECT g, g, jsonb_build_object('g', g), ARRAY['a', g::text] "
              "FROM generate_series(1, 500) g; "
              "INSERT INTO users SELECT g, 'u' || g || '@x', 0 FROM generate_series(1, 100) g"));
    auto first = drain(*m_node);
    QVERIFY_RESULT(first);
    QCOMPARE(first->events, 600);
    compare(QStringLiteral("acct"));
    compare(QStringLiteral("users"));

    // One batch with everything at once.
    write(*m_source, QStringLiteral("UPDATE acct SET v = v * 10 WHERE id % 3 = 0; "
                                    "DELETE FROM acct WHERE id % 7 = 0; "
                                    "UPDATE acct SET id = id + 10000 WHERE id BETWEEN 100 AND 110; "
                                    "INSERT INTO acct VALUES (7, -7, 'null', '[0:1]={x,y}'); "
                                    "DELETE FROM acct WHERE id = 7; "
                                    "INSERT INTO acct VALUES (7, 77, '{\"a\": null}', NULL); "
                                    "UPDATE acct SET doc = NULL WHERE id = 1; "
                                    "TRUNCATE users; "
                                    "INSERT INTO users VALUES (1, 'again@x', 1); "
                                    "UPDATE users SET n = n + 1 WHERE id = 1"));
    auto second = drain(*m_node);
    QVERIFY_RESULT(second);
    QVERIFY(!second->rowByRow);
    compare(QStringLiteral("acct"));
    compare(QStringLiteral("users"));
}

void TestApplier::uniqueSwapFallsBackToRowByRow()
{
    write(*m_source, QStringLiteral("INSERT INTO users VALUES (1, 'a', 0), (2, 'b', 0)"));
    QVERIFY_RESULT(drain(*m_node));
    write(*m_source, QStringLiteral("BEGIN; UPDATE users SET email = 'tmp' WHERE id = 1; "
                                    "UPDATE users SET email = 'a' WHERE id = 2; "
                                    "UPDATE users SET email = 'b' WHERE id = 1; COMMIT"));
    auto r = drain(*m_node);
    QVERIFY_RESULT(r);
    QVERIFY(r->rowByRow);
    compare(QStringLiteral("users"));
}

void TestApplier::keysKeptOrChangedWithEscapes()
{
    // Keys whose JSON text needs escaping (quotes, backslashes, control
    // characters, non-ASCII, JSON look-alikes), then updates that keep them
    // (applied as a single upsert) and updates that change them only in
    // escaped characters (a delete of the old key and an upsert).
    write(*m_source,
          QStringLiteral("INSERT INTO tk VALUES ('a\"b', 1, 0, 'x'), (E'c\\\\d', 1, 0, 'x'), "
                         "(E'tab\\there', 1, 0, 'x'), (E'nl\\nx', 1, 0, 'x'), ('é€', 1, 0, 'x'), "
                         "('{\"k\" : 1}', 1, 0, 'x'), ('\"k\":1,', 2, 0, E'\\\\\"'), "
                         "('plain', 1, 0, NULL)"));
    const QString sql = QStringLiteral(
        "SELECT count(*), coalesce(string_agg(t::text, '|' ORDER BY k, n), '') FROM tk t");
    QVERIFY_RESULT(drain(*m_node));
    auto a = m_source->exec(sql);
    auto b = m_node->exec(sql);
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QCOMPARE(b->toInt64(0, 0), 8);
    QCOMPARE(b->text(0, 1), a->text(0, 1));
    write(*m_source,
          QStringLiteral("UPDATE tk SET v = v + 1, note = coalesce(note, '') || E'\\t\"'; "
                         "UPDATE tk SET k = E'a\\\\\"b' WHERE k = 'a\"b'; "
                         "UPDATE tk SET n = 3 WHERE k = 'plain'; "
                         "UPDATE tk SET k = E'c\\\\d\\\\' WHERE k = E'c\\\\d'; "
                         "UPDATE tk SET k = 'é€', n = 2 WHERE k = 'é€'; "
                         "UPDATE tk SET v = 9 WHERE k = '{\"k\" : 1}'; "
                         "DELETE FROM tk WHERE k = E'nl\\nx'"));
    auto r = drain(*m_node);
    QVERIFY_RESULT(r);
    QVERIFY(!r->rowByRow);
    a = m_source->exec(sql);
    b = m_node->exec(sql);
    QVERIFY_RESULT(a);
    QVERIFY_RESULT(b);
    QCOMPARE(b->toInt64(0, 0), 7);
    QCOMPARE(b->text(0, 1), a->text(0, 1));
    // A batch with nothing but a TRUNCATE of one table.
    write(*m_source, QStringLiteral("TRUNCATE tk"));
    QVERIFY_RESULT(drain(*m_node));
    auto empty = m_node->exec(QStringLiteral("SELECT count(*) FROM tk"));
    QVERIFY_RESULT(empty);
    QCOMPARE(empty->toInt64(0, 0), 0);
}

void TestApplier::keyInsertedTwiceFallsBackToRowByRow()
{
    // A delete the capture did not see (replica role on the root): the batch
    // holds two inserts of one key, which one INSERT ... ON CONFLICT cannot
    // apply; event by event in queue order can.
    write(*m_source, QStringLiteral("BEGIN; INSERT INTO users VALUES (1, 'first', 1); "
                                    "SET LOCAL session_replication_role = replica; "
                                    "DELETE FROM users WHERE id = 1; "
                                    "SET LOCAL session_replication_role = origin; "
                                    "INSERT INTO users VALUES (1, 'second', 2); COMMIT"));
    auto r = drain(*m_node);
    QVERIFY_RESULT(r);
    QVERIFY(r->rowByRow);
    compare(QStringLiteral("users"));
}

void TestApplier::crashAfterCommitSkipsTheBatch()
{
    write(*m_source, QStringLiteral("INSERT INTO acct VALUES (1, 1, NULL, NULL)"));
    // Applied and committed on the node, but the worker "dies" before finish_batch.
    auto applied = drain(*m_node, false);
    QVERIFY_RESULT(applied);
    QVERIFY(!applied->alreadyApplied);
    // Meanwhile the row changes again on the root.
    write(*m_source, QStringLiteral("UPDATE acct SET v = 2 WHERE id = 1"));
    auto again = drain(*m_node);
    QVERIFY_RESULT(again);
    QVERIFY(again->alreadyApplied); // the open batch came back and was recognised
    compare(QStringLiteral("acct"));
    Applier applier(*m_node, kQueue, kConsumer);
    auto tick = applier.completedTick();
    QVERIFY_RESULT(tick);
    auto latest = m_source->exec(QStringLiteral("SELECT max(tick_id) FROM ferry.tick"));
    QVERIFY_RESULT(latest);
    QCOMPARE(tick->value(), latest->toInt64(0, 0));
}

void TestApplier::batchNotFollowingTheNodeIsRefused()
{
    write(*m_source, QStringLiteral("INSERT INTO acct VALUES (1, 1, NULL, NULL)"));
    QVERIFY_RESULT(drain(*m_node));
    // Someone moved the node's position: the next batch no longer follows it.
    write(*m_node, QStringLiteral("UPDATE ferry.completed_tick SET tick_id = tick_id - 1"));
    write(*m_source, QStringLiteral("INSERT INTO acct VALUES (2, 2, NULL, NULL)"));
    auto r = drain(*m_node);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ErrorKind::Data);
    QVERIFY2(r.error().message().contains(QLatin1String("moved by hand")),
             qPrintable(r.error().toString()));
    auto rows = m_node->exec(QStringLiteral("SELECT count(*) FROM acct"));
    QVERIFY_RESULT(rows);
    QCOMPARE(rows->toInt64(0, 0), 1); // nothing of the refused batch was applied
}

void TestApplier::nonSuperuserApplyPassesDenyTrigger()
{
    // The write guard lets Ferry's apply pass for members of the node's
    // apply role (ferry_apply, made by the superuser install), nobody else.
    write(*m_node,
          QStringLiteral(
              "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_leaf') "
              "THEN CREATE ROLE ferry_leaf LOGIN; END IF; END $$; "
              "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON acct, users TO ferry_leaf; "
              "GRANT USAGE ON SCHEMA ferry TO ferry_leaf; "
              "GRANT SELECT, INSERT, UPDATE ON ferry.completed_tick TO ferry_leaf; "
              // Each batch reads its tables' merge states under a share lock
              // (held events, DESIGN §4).
              "GRANT SELECT, UPDATE ON ferry.node_table TO ferry_leaf; "
              "GRANT SELECT, INSERT, DELETE ON ferry.held_event TO ferry_leaf; "
              // ...and takes the operator's skipped and replaced events.
              "GRANT SELECT, UPDATE ON ferry.event_fix TO ferry_leaf"));
    Connection applierSession = open(*m_leaf, m_leafDb, QStringLiteral("ferry_leaf"));
    // The role cannot write the replica by hand...
    QVERIFY(
        !applierSession.exec(QStringLiteral("INSERT INTO acct VALUES (99, 0, NULL, NULL)")).ok());
    // ...nor apply before it is a member of ferry_apply...
    write(*m_source, QStringLiteral("INSERT INTO acct VALUES (1, 1, '{}', '{z}'); TRUNCATE users; "
                                    "INSERT INTO users VALUES (5, 'e', 5)"));
    auto refused = drain(applierSession);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().sqlState(), QStringLiteral("25006"));
    // ...and then applying through Ferry passes the guard.
    write(*m_node, QStringLiteral("GRANT ferry_apply TO ferry_leaf"));
    auto r = drain(applierSession);
    QVERIFY_RESULT(r);
    compare(QStringLiteral("acct"));
    compare(QStringLiteral("users"));
}

QTEST_GUILESS_MAIN(TestApplier)
#include "tst_applier.moc"
