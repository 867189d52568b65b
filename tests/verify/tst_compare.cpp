// compare and repair from the command line (seed S1, S3, S7): equal tables
// compare ok, also the renamed and filtered dst2 table with no extra config;
// the checksum tells apart swapped values, NULL and '', 1.0 and 1.00; five
// damaged rows among 200,000 are found exactly, by key (composite and text
// keys too); a node that cannot catch up is told so and nothing is called
// a mismatch; compare under the root's load never reports a false mismatch;
// repair --dry-run changes nothing, repair fixes exactly the differing rows.
#include "cascade/node.h"
#include "cascadefixture.h"
#include "replication/tableregistry.h"
#include "testutil.h"
#include "verify/tablecompare.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace ferry;
using namespace ferry::test;

class TestCompare : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void equalTablesAreOk();
    void checksumTellsValuesApart();
    void recordHashTellsValuesApart();
    void findsTheDamagedKeys();
    void repairFixesExactlyThem();
    void comparesUnderLoad();
    void laggingNodeIsNotAMismatch();
    void changeOnItsWayIsInFlight();
    void cleanupTestCase();

private:
    // `ferry NODE.ini compare ARGS --json`: the tables' objects by destination.
    QHash<QString, QJsonObject> compareJson(const QStringList &args,
                                            int *exitCode = nullptr,
                                            const QString &node = QStringLiteral("leaf"));
    // Runs statements on a leaf as its superuser, past the write guard.
    Result<void> damage(const QStringList &statements,
                        const QString &node = QStringLiteral("leaf"));

    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

const QString kInfo = QStringLiteral("digoal_01.user_info");
const QString kInfo1 = QStringLiteral("digoal_02.user_info1");

QStringList keysOf(const QJsonObject &table)
{
    QStringList keys;
    for (const QJsonValue &d : table.value(QStringLiteral("differences")).toArray()) {
        const QJsonObject o = d.toObject();
        QStringList key;
        for (const QJsonValue &k : o.value(QStringLiteral("key")).toArray())
            key.append(k.toString());
        keys.append(o.value(QStringLiteral("kind")).toString() + QLatin1Char(' ')
                    + key.join(QLatin1Char('/')));
    }
    keys.sort();
    return keys;
}

} // namespace

QHash<QString, QJsonObject>
TestCompare::compareJson(const QStringList &args, int *exitCode, const QString &node)
{
    const FerryRun run = m_f->ferry(
        QStringList{m_f->leafIni(node), QStringLiteral("compare"), QStringLiteral("--json")} + args,
        120000);
    if (exitCode)
        *exitCode = run.exitCode;
    QHash<QString, QJsonObject> out;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8());
    if (!doc.isObject())
        qWarning().noquote() << "compare printed no JSON:" << run.out << run.err;
    for (const QJsonValue &t : doc.object().value(QStringLiteral("tables")).toArray())
        out.insert(t.toObject().value(QStringLiteral("destination")).toString(), t.toObject());
    return out;
}

Result<void> TestCompare::damage(const QStringList &statements, const QString &node)
{
    QStringList all{QStringLiteral("SET session_replication_role = replica")};
    all += statements;
    auto c = m_f->sql(m_f->leafAdminDb(node));
    if (!c)
        return c.error();
    for (const QString &s : std::as_const(all)) {
        if (auto r = c->exec(s); !r)
            return r.error();
    }
    return {};
}

void TestCompare::initTestCase()
{
    CascadeFixture::Options options;
    options.leafDatabases = {QStringLiteral("leaf"), QStringLiteral("dst2")};
    m_f = std::make_unique<CascadeFixture>(options);
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA digoal_01"),
         QStringLiteral("CREATE TABLE digoal_01.user_info (userid int PRIMARY KEY, engname text, "
                        "cnname text, amount numeric, crt_time timestamptz)"),
         QStringLiteral("INSERT INTO digoal_01.user_info SELECT g, 'e' || g, '德' || g, g / 4.0, "
                        "'2026-01-01'::timestamptz + g * interval '1 s' FROM generate_series(1, "
                        "200000) g"),
         // A composite key with text in it, compared in the same order on
         // both sides whatever the collations.
         QStringLiteral("CREATE TABLE digoal_01.login_rec (region text, userid int, at "
                        "timestamp, ip inet, PRIMARY KEY (region, userid, at))"),
         QStringLiteral("INSERT INTO digoal_01.login_rec SELECT (ARRAY['Zürich', 'zz', 'Aa', "
                        "'ab', '_x'])[g % 5 + 1], g, '2026-01-01'::timestamp + g * interval '1 "
                        "min', '10.0.0.1' FROM generate_series(1, 30000) g"),
         // Types the node may hold otherwise: numeric(10,2), timestamp(0).
         QStringLiteral("CREATE TABLE digoal_01.typed (id int PRIMARY KEY, price numeric, at "
                        "timestamp)"),
         QStringLiteral("INSERT INTO digoal_01.typed SELECT g, g / 3.0, '2026-01-01 10:00:00.4'"
                        "::timestamp + g * interval '1 min' FROM generate_series(1, 100) g"),
         // A unique column besides the key.
         QStringLiteral("CREATE TABLE digoal_01.uq (id int PRIMARY KEY, email text UNIQUE)"),
         QStringLiteral("INSERT INTO digoal_01.uq SELECT g, 'u' || g || '@x' FROM "
                        "generate_series(1, 100) g"),
         // Only types whose own hashes tell values apart: hashed by
         // hash_record_extended, not as text.
         QStringLiteral("CREATE TABLE digoal_01.plain (id int PRIMARY KEY, a int, b bigint, note "
                        "text, seen date)"),
         QStringLiteral("INSERT INTO digoal_01.plain SELECT g, g, g + 1, CASE WHEN g <> 6 THEN "
                        "'n' || g END, '2026-01-01'::date + g FROM generate_series(1, 100) g"),
         QStringLiteral("ANALYZE")}));
    QVERIFY_RESULT(f.run(f.leafAdminDb(),
                         {QStringLiteral("CREATE SCHEMA digoal_01"),
                          QStringLiteral("CREATE TABLE digoal_01.typed (id int PRIMARY KEY, price "
                                         "numeric(10,2), at timestamp(0))")}));
    // dst2 as the seed has it: another schema and name, columns in another
    // order, userid < 1000.
    QVERIFY_RESULT(f.run(f.leafAdminDb(QStringLiteral("dst2")),
                         {QStringLiteral("CREATE SCHEMA digoal_02"),
                          QStringLiteral("CREATE TABLE digoal_02.user_info1 (crt_time timestamptz, "
                                         "amount numeric, cnname text, engname text, userid int "
                                         "PRIMARY KEY)")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), kInfo,
                   QStringLiteral("digoal_01.login_rec"), QStringLiteral("digoal_01.typed"),
                   QStringLiteral("digoal_01.uq"), QStringLiteral("digoal_01.plain")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("add-table"), kInfo,
                              QStringLiteral("digoal_01.login_rec"), QStringLiteral("digoal_01.uq"),
                              QStringLiteral("digoal_01.plain"), QStringLiteral("--create")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("digoal_01.typed")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(QStringLiteral("dst2")), QStringLiteral("add-table"), kInfo,
                              QStringLiteral("--dest-table=") + kInfo1,
                              QStringLiteral("--copy-condition=userid<1000")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni(QStringLiteral("dst2"))));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), 60000));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("dst2"), QStringLiteral("q"), 60000));
}

void TestCompare::equalTablesAreOk()
{
    CascadeFixture &f = *m_f;
    const QString dst2 = QStringLiteral("dst2");
    // S7: dst2's renamed, filtered table compares equal with no extra config.
    const FerryRun run = f.ferry({f.leafIni(dst2), QStringLiteral("compare")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains(QStringLiteral(
                 "digoal_01.user_info -> digoal_02.user_info1 where userid<1000: provider 999 "
                 "rows, checksum ")),
             qPrintable(run.out));
    QVERIFY2(run.out.endsWith(QStringLiteral(": ok\n")), qPrintable(run.out));
    int exit = -1;
    const auto tables = compareJson({}, &exit, dst2);
    QCOMPARE(exit, 0);
    QCOMPARE(tables.size(), 1);
    const QJsonObject info1 = tables.value(kInfo1);
    QCOMPARE(info1.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(
        info1.value(QStringLiteral("provider")).toObject().value(QStringLiteral("rows")).toInt(),
        999);
    QCOMPARE(info1.value(QStringLiteral("provider")).toObject().value(QStringLiteral("checksum")),
             info1.value(QStringLiteral("node")).toObject().value(QStringLiteral("checksum")));
    // 64 bits: sums of 64-bit hashes are far beyond 2^32.
    QVERIFY(info1.value(QStringLiteral("node"))
                .toObject()
                .value(QStringLiteral("checksum"))
                .toString()
                .remove(QLatin1Char('-'))
                .size()
            > 12);
    // The full tables of the other leaf too.
    const FerryRun leaf = f.ferry({f.leafIni(), QStringLiteral("compare")});
    // numeric(10,2) and timestamp(0) on the node hold the root's values as
    // those types do: equal, not a mismatch for ever.
    QVERIFY2(leaf.exitCode == 0 && leaf.out.count(QStringLiteral(": ok\n")) == 5,
             qPrintable(leaf.out + leaf.err));
}

void TestCompare::checksumTellsValuesApart()
{
    CascadeFixture &f = *m_f;
    const QString dst2 = QStringLiteral("dst2");
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname "
                                                     "= NULL WHERE userid = 11")}));
    QVERIFY_RESULT(f.waitSynced(dst2));
    // Swapped values, '' for NULL, 3.00 for 3.0: each a changed row.
    QVERIFY_RESULT(
        damage({QStringLiteral("UPDATE digoal_02.user_info1 SET engname = cnname, cnname = engname "
                               "WHERE userid = 10"),
                QStringLiteral("UPDATE digoal_02.user_info1 SET engname = '' WHERE userid = 11"),
                QStringLiteral("UPDATE digoal_02.user_info1 SET amount = 3.00 WHERE userid = 12")},
               dst2));
    int exit = -1;
    const auto tables = compareJson({QStringLiteral("--details")}, &exit, dst2);
    QCOMPARE(exit, 1);
    const QJsonObject t = tables.value(kInfo1);
    QCOMPARE(t.value(QStringLiteral("status")).toString(), QStringLiteral("MISMATCH"));
    QCOMPARE(keysOf(t), (QStringList{QStringLiteral("changed 10"), QStringLiteral("changed 11"),
                                     QStringLiteral("changed 12")}));
    const FerryRun text
        = f.ferry({f.leafIni(dst2), QStringLiteral("compare"), QStringLiteral("--details")});
    QVERIFY2(text.out.contains(QStringLiteral("changed userid=11: engname: NULL | ''")),
             qPrintable(text.out));
    QVERIFY2(text.out.contains(
                 QStringLiteral("changed userid=12: amount: '3.0000000000000000' | '3.00'")),
             qPrintable(text.out));
    QVERIFY2(text.out.contains(QStringLiteral("changed userid=10: cnname: '德10' | 'e10'; "
                                              "engname: 'e10' | '德10'")),
             qPrintable(text.out));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(dst2), QStringLiteral("repair")}));
    QCOMPARE(f.ferry({f.leafIni(dst2), QStringLiteral("compare")}).exitCode, 0);
}

void TestCompare::recordHashTellsValuesApart()
{
    CascadeFixture &f = *m_f;
    const QString plain = QStringLiteral("digoal_01.plain");
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.plain SET a = NULL WHERE "
                                                     "id = 7")}));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf")));
    // Swapped values (of two types), '' for NULL, 0 for NULL, a day later:
    // each a changed row.
    QVERIFY_RESULT(
        damage({QStringLiteral("UPDATE digoal_01.plain SET a = b, b = a WHERE id = 5"),
                QStringLiteral("UPDATE digoal_01.plain SET note = '' WHERE id = 6"),
                QStringLiteral("UPDATE digoal_01.plain SET a = 0 WHERE id = 7"),
                QStringLiteral("UPDATE digoal_01.plain SET seen = seen + 1 WHERE id = 8"),
                QStringLiteral("UPDATE digoal_01.plain SET a = b - 1, b = a + 1 WHERE id = 9")}));
    int exit = -1;
    const auto tables = compareJson({plain}, &exit);
    QCOMPARE(exit, 1);
    const QJsonObject t = tables.value(plain);
    QCOMPARE(t.value(QStringLiteral("status")).toString(), QStringLiteral("MISMATCH"));
    // Row 9 got the values it had: not a difference.
    QCOMPARE(keysOf(t), (QStringList{QStringLiteral("changed 5"), QStringLiteral("changed 6"),
                                     QStringLiteral("changed 7"), QStringLiteral("changed 8")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("repair"), plain}));
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("compare"), plain}).exitCode, 0);

    // Only values swapped between rows: each column holds the same values
    // as a whole, only which row holds them changed. A row hash linear in
    // its columns' hashes sums to the same checksum.
    // (With the columns' hashes only combined, 31 * h + h(column), these
    // two swaps sum to the very same exact checksum: checked for this data.)
    QVERIFY_RESULT(damage(
        {QStringLiteral("UPDATE digoal_01.plain p SET note = CASE p.id WHEN 12 THEN 'n13' ELSE "
                        "'n12' END WHERE p.id IN (12, 13)"),
         QStringLiteral("UPDATE digoal_01.plain p SET note = CASE p.id WHEN 15 THEN 'n16' ELSE "
                        "'n15' END WHERE p.id IN (15, 16)")}));
    const auto swapped = compareJson({plain}, &exit);
    QCOMPARE(exit, 1);
    QCOMPARE(keysOf(swapped.value(plain)),
             (QStringList{QStringLiteral("changed 12"), QStringLiteral("changed 13"),
                          QStringLiteral("changed 15"), QStringLiteral("changed 16")}));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("repair"), plain}));
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("compare"), plain}).exitCode, 0);
}

void TestCompare::findsTheDamagedKeys()
{
    // Five rows of 200,000: deleted, added, changed; and in the text key table.
    QVERIFY_RESULT(damage(
        {QStringLiteral("DELETE FROM digoal_01.user_info WHERE userid = 77777"),
         QStringLiteral("INSERT INTO digoal_01.user_info VALUES (300001, 'x', 'y', 1, now())"),
         QStringLiteral("UPDATE digoal_01.user_info SET cnname = 'changed' WHERE userid IN (5, "
                        "123456, 199999)"),
         QStringLiteral("DELETE FROM digoal_01.login_rec WHERE userid = 12345"),
         QStringLiteral("UPDATE digoal_01.login_rec SET ip = '10.0.0.2' WHERE userid = 29999")}));
    int exit = -1;
    const auto tables = compareJson({}, &exit);
    QCOMPARE(exit, 1);
    const QJsonObject info = tables.value(kInfo);
    QCOMPARE(info.value(QStringLiteral("status")).toString(), QStringLiteral("MISMATCH"));
    QCOMPARE(keysOf(info),
             (QStringList{QStringLiteral("changed 123456"), QStringLiteral("changed 199999"),
                          QStringLiteral("changed 5"), QStringLiteral("extra 300001"),
                          QStringLiteral("missing 77777")}));
    QCOMPARE(info.value(QStringLiteral("missing")).toInt(), 1);
    QCOMPARE(info.value(QStringLiteral("extra")).toInt(), 1);
    QCOMPARE(info.value(QStringLiteral("changed")).toInt(), 3);
    const QJsonObject rec = tables.value(QStringLiteral("digoal_01.login_rec"));
    QCOMPARE(keysOf(rec),
             (QStringList{QStringLiteral("changed _x/29999/2026-01-21 19:59:00"),
                          QStringLiteral("missing Zürich/12345/2026-01-09 13:45:00")}));
    QCOMPARE(tables.size(), 5);
}

void TestCompare::repairFixesExactlyThem()
{
    CascadeFixture &f = *m_f;
    // A dry run says what it would do and changes nothing.
    const FerryRun dry
        = f.ferry({f.leafIni(), QStringLiteral("repair"), kInfo, QStringLiteral("--dry-run")});
    QCOMPARE(dry.exitCode, 1);
    QVERIFY2(dry.out.contains(QStringLiteral("DELETE FROM ONLY \"digoal_01\".\"user_info\" WHERE "
                                             "ROW(\"userid\") = ROW('300001'::integer);")),
             qPrintable(dry.out));
    QVERIFY2(dry.out.contains(QStringLiteral("would insert 1, update 3, delete 1 row(s)")),
             qPrintable(dry.out));
    QCOMPARE(keysOf(compareJson({kInfo}).value(kInfo)).size(), 5);

    const FerryRun fixed = f.ferry({f.leafIni(), QStringLiteral("repair")});
    QVERIFY2(fixed.exitCode == 0, qPrintable(fixed.out + fixed.err));
    QVERIFY2(fixed.out.contains(QStringLiteral("digoal_01.user_info: inserted 1, updated 3, "
                                               "deleted 1 row(s); compared again: ok")),
             qPrintable(fixed.out));
    QVERIFY2(fixed.out.contains(QStringLiteral("digoal_01.login_rec: inserted 1, updated 1, "
                                               "deleted 0 row(s); compared again: ok")),
             qPrintable(fixed.out));
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("compare")}).exitCode, 0);
    // A row moved to another key on the node, its unique email with it:
    // repair deletes first, so the email is free for the row it restores.
    QVERIFY_RESULT(damage({QStringLiteral("UPDATE digoal_01.uq SET id = 500 WHERE id = 5")}));
    const FerryRun moved
        = f.ferry({f.leafIni(), QStringLiteral("repair"), QStringLiteral("digoal_01.uq")});
    QVERIFY2(moved.exitCode == 0
                 && moved.out.contains(QStringLiteral("inserted 1, updated 0, deleted 1 row(s); "
                                                      "compared again: ok")),
             qPrintable(moved.out + moved.err));
    // Our own digest, row by row, agrees.
    for (const QString &t :
         {kInfo, QStringLiteral("digoal_01.login_rec"), QStringLiteral("digoal_01.uq")}) {
        auto diff = f.compare(t);
        QVERIFY_RESULT(diff);
        QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    }
    auto diff = f.compare(kInfo, kInfo1, QStringLiteral("dst2"), QStringLiteral("userid<1000"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    // The node's apply goes on after the repair.
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname = "
                                                     "'after' WHERE userid < 20")}));
    QVERIFY_RESULT(f.waitSynced());
    QCOMPARE(f.ferry({f.leafIni(), QStringLiteral("compare")}).exitCode, 0);
}

void TestCompare::comparesUnderLoad()
{
    CascadeFixture &f = *m_f;
    // Writers on both tables the whole time: compare must find them equal.
    const QString script = f.folder() + QStringLiteral("/write.sql");
    {
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\\set u random(1, 200000)\n"
                   "update digoal_01.user_info set engname = 'load' || :u, amount = amount + 1 "
                   "where userid = :u;\n"
                   "update digoal_01.login_rec set ip = '10.1.1.1' where userid = :u % 30000;\n");
    }
    QProcess load;
    load.setProcessChannelMode(QProcess::MergedChannels);
    load.start(PgCluster::binDirectory() + QStringLiteral("/pgbench"),
               {QStringLiteral("-n"), QStringLiteral("-f"), script, QStringLiteral("-c"),
                QStringLiteral("2"), QStringLiteral("-T"), QStringLiteral("8"),
                QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                QString::number(f.rootCluster().port()), QStringLiteral("-U"),
                QStringLiteral("postgres"), QStringLiteral("root")});
    QVERIFY(load.waitForStarted());
    int runs = 0;
    while (load.state() != QProcess::NotRunning && !load.waitForFinished(1)) {
        const FerryRun run = f.ferry({f.leafIni(), QStringLiteral("compare")}, 60000);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("MISMATCH")), qPrintable(run.out));
        ++runs;
    }
    QVERIFY(load.state() == QProcess::NotRunning || load.waitForFinished(30000));
    QVERIFY2(load.exitCode() == 0, load.readAll().constData());
    QVERIFY2(runs >= 2, qPrintable(QString::number(runs)));
}

void TestCompare::laggingNodeIsNotAMismatch()
{
    CascadeFixture &f = *m_f;
    // S3: the node does not apply (paused) while the root changes.
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("pause")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname = "
                                                     "'late' WHERE userid < 500")}));
    const FerryRun run
        = f.ferry({f.leafIni(), QStringLiteral("compare"), QStringLiteral("--wait=1")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(!run.out.contains(QStringLiteral("MISMATCH")), qPrintable(run.out));
    QVERIFY2(run.err.contains(QStringLiteral("did not apply the provider's tick"))
                 && run.err.contains(QStringLiteral("it is paused"))
                 && run.err.contains(QStringLiteral("no false mismatch")),
             qPrintable(run.err));
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("resume")}));
    QCOMPARE(
        f.ferry({f.leafIni(), QStringLiteral("compare"), QStringLiteral("--wait=30")}).exitCode, 0);
}

// A key that differs at the first synced point and no longer at the newer
// one (a change on its way) is reported in flight, not as a difference. The
// root changes the row while compare is between the two points.
void TestCompare::changeOnItsWayIsInFlight()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.waitSynced());
    QVERIFY_RESULT(damage({QStringLiteral("UPDATE digoal_01.user_info SET engname = 'soon' WHERE "
                                          "userid = 42"),
                           QStringLiteral("UPDATE digoal_01.user_info SET engname = 'wrong' WHERE "
                                          "userid = 43")}));
    auto node = Connection::open(f.leafDb());
    QVERIFY_RESULT(node);
    auto info = requireNode(*node, QStringLiteral("q"));
    QVERIFY_RESULT(info);
    auto lock = connectToProvider(*info);
    QVERIFY_RESULT(lock);
    auto provider = connectToProvider(*info);
    QVERIFY_RESULT(provider);
    auto tables = TableRegistry(*node, *info).list();
    QVERIFY_RESULT(tables);
    NodeTable userInfo;
    for (const NodeTable &t : std::as_const(*tables)) {
        if (t.destName == QLatin1String("user_info"))
            userInfo = t;
    }
    CompareOptions options;
    TableComparer comparer(*lock, *provider, *node, *info, options);
    QString failure;
    comparer.setProgress([&](ComparePhase phase) {
        if (phase != ComparePhase::Rechecking)
            return;
        // The root's change that makes 42 right arrives meanwhile.
        if (auto r = f.run(f.rootDb(), {QStringLiteral("UPDATE digoal_01.user_info SET engname "
                                                       "= 'soon' WHERE userid = 42")});
            !r)
            failure = r.error().toString();
    });
    auto result = comparer.compare(userInfo);
    QVERIFY_RESULT(result);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(result->inFlight, (QList<QStringList>{{QStringLiteral("42")}}));
    QCOMPARE(result->differences.size(), 1);
    QCOMPARE(result->differences.first().key, QStringList{QStringLiteral("43")});
    QCOMPARE(result->changed, 1);
    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("repair")}));
}

void TestCompare::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
