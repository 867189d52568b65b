// The capture side of the queue against a real server: every built-in type
// survives the trip through ev_data and ferry.decode_sql(), whatever the
// writing session's settings; events carry what the design says (op, old key,
// new row, queue order); capture refuses what it cannot replicate; the deny
// trigger keeps applications off leaf tables; a hostile search_path or a
// role without rights on Ferry's tables cannot break capture; a 500k-row
// transaction is read with bounded client memory.
#include "db/connection.h"
#include "pgcluster.h"
#include "processmemory.h"
#include "queue/batchreader.h"
#include "queue/queueadmin.h"
#include "queue/schemainstaller.h"
#include "testutil.h"
#include "usersession.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <vector>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kConsumer = QStringLiteral("dst1");
const QString kAppRole = QStringLiteral("ferry_app");

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer keeps freed blocks in a quarantine, which shows up as RSS.
constexpr qint64 kMaxBatchPeakGrowthKb = 64 * 1024;
#else
// One FETCH of 5000 events of ~40 bytes each is ~0.5 MB of PGresult plus one
// Event at a time (measured: ~0.6 MB of growth); 16 MB leaves room for libpq's
// buffer and allocator slack, while a reader that kept all 500k events would
// grow by ~93 MB (measured by appending them to a QList).
constexpr qint64 kMaxBatchPeakGrowthKb = 16 * 1024;
#endif

QJsonObject jsonObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// The "id" of a row image that starts with it (every table here has id
// first). QJsonDocument cannot be used: it rejects numbers beyond a double.
qint64 leadingId(const QByteArray &data)
{
    static const QByteArray prefix = QByteArrayLiteral("{\"id\":");
    if (!data.startsWith(prefix))
        return -1;
    bool ok = false;
    const qint64 id = data.mid(prefix.size(), data.indexOf(',') - prefix.size()).toLongLong(&ok);
    return ok ? id : -1;
}

QString describe(const Event &e)
{
    return QStringLiteral("event %1 op %2 table %3 key %4 data %5")
        .arg(QString::number(e.id), QString(QLatin1Char(char(e.op))), QString::number(e.tableId),
             QString::fromUtf8(e.key), QString::fromUtf8(e.data));
}

// Forces a tick and reads the whole new batch of the test consumer.
Result<QList<Event>> tickAndRead(Connection &c, int fetchSize = 5000)
{
    if (auto t = QueueAdmin(c).tick(kQueue, true); !t)
        return t.error();
    BatchReader reader(c, kQueue, kConsumer);
    reader.setFetchSize(fetchSize);
    auto batch = reader.nextBatch();
    if (!batch)
        return batch.error();
    if (!batch->has_value())
        return Error(ErrorKind::Internal, QStringLiteral("no batch after a forced tick"));
    QList<Event> events;
    auto n = reader.readEvents(**batch, [&events](const Event &e) {
        events.append(e);
        return true;
    });
    if (!n)
        return n.error();
    if (auto f = reader.finishBatch(**batch); !f)
        return f.error();
    return events;
}

// The table's columns in order (attnum), as stored in the catalog.
Result<QStringList> columnsOf(Connection &c, const QString &table)
{
    auto r = c.exec(QStringLiteral("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = "
                                   "$1::text::regclass AND attnum > 0 AND NOT attisdropped "
                                   "ORDER BY attnum"),
                    {table});
    if (!r)
        return r.error();
    return r->column(0);
}

// Rebuilds the row of one event on the server (ferry.decode_sql) and
// compares it with the live row of the same id, column by column, through
// each type's own output function (format('%s')) plus IS NULL. Text output
// is stricter than '=' (it tells -0 from 0, 1.10 from 1.1 and json whitespace
// apart) and works for types without equality (json, xml, point). Returns one
// line per differing column; an empty list means the row came back exactly.
Result<QStringList> diffWithLiveRow(Connection &c,
                                    const QString &table,
                                    const QStringList &columns,
                                    const QByteArray &data)
{
    QStringList values;
    for (int i = 0; i < columns.size(); ++i) {
        const QString col = c.quoteIdentifier(columns.at(i));
        values.append(QStringLiteral("(%1, pg_catalog.format('%s', t.%2), t.%2 IS NULL, "
                                     "pg_catalog.format('%s', r.%2), r.%2 IS NULL)")
                          .arg(QString::number(i), col));
    }
    // ferry.decode_sql() is how Ferry itself turns ev_data back into a row.
    auto decoder = c.exec(QStringLiteral("SELECT ferry.decode_sql(table_id) FROM ferry.queue_table "
                                         "WHERE table_oid = $1::text::regclass AND captured"),
                          {table});
    if (!decoder)
        return decoder.error();
    if (decoder->rowCount() != 1)
        return QStringList{QStringLiteral("table %1 is not captured").arg(table)};
    const QString sql
        = QStringLiteral(
              "SELECT c.n, c.live, c.live_null, c.rec, c.rec_null FROM %1 t, (%3) r, "
              "LATERAL (VALUES %2) c(n, live, live_null, rec, rec_null) WHERE t.id = r.id "
              "ORDER BY c.n")
              .arg(table, values.join(QStringLiteral(", ")), decoder->text(0, 0));
    auto r = c.exec(sql, {data});
    if (!r)
        return r.error();
    if (r->rowCount() != columns.size())
        return QStringList{QStringLiteral("no live row for the event's id (%1 of %2 columns)")
                               .arg(r->rowCount())
                               .arg(columns.size())};
    QStringList diffs;
    for (int row = 0; row < r->rowCount(); ++row) {
        const bool liveNull = r->toBool(row, 2);
        const bool recNull = r->toBool(row, 4);
        if (r->text(row, 1) != r->text(row, 3) || liveNull != recNull)
            diffs.append(QStringLiteral("column \"%1\": live %2 | rebuilt %3")
                             .arg(columns.at(row),
                                  liveNull ? QStringLiteral("NULL") : r->text(row, 1).left(70),
                                  recNull ? QStringLiteral("NULL") : r->text(row, 3).left(70)));
    }
    return diffs;
}

// diffWithLiveRow for one event, as short lines naming the event, the row and
// the column (values cut to keep QtTest's message readable).
QStringList
roundTripFailures(Connection &c, const QString &table, const QStringList &columns, const Event &e)
{
    const QString what = QStringLiteral("event %1 (%2 id %3)")
                             .arg(QString::number(e.id), QString(QLatin1Char(char(e.op))),
                                  QString::number(leadingId(e.data)));
    auto diffs = diffWithLiveRow(c, table, columns, e.data);
    if (!diffs)
        return {what + QStringLiteral(": cannot rebuild the row: ") + diffs.error().message()};
    QStringList lines;
    for (const QString &d : diffs.value())
        lines.append(what + QStringLiteral(" ") + d);
    return lines;
}

struct Failure
{
    QString sqlState;
    QString text; // message, detail and hint
};

// What a statement that should fail reported; an empty sqlState means it succeeded.
Failure failureOf(const Result<QueryResult> &r)
{
    if (r.ok())
        return {};
    const Error &e = r.error();
    return {e.sqlState(),
            e.message() + QLatin1Char('|') + e.detail() + QLatin1Char('|') + e.hint()};
}

// The table with (nearly) every built-in type. Types, enum labels and column
// names are quoted and mixed-case on purpose. (moc mis-reads a raw string
// with an odd number of double quotes on a line: a lone " is written E'\x22'.)
const QString kTypesDdl = QStringLiteral(R"sql(
CREATE SCHEMA "Odd Schema";
CREATE TYPE "Odd Schema"."Mood" AS ENUM ('sad', 'ok', 'happy ''quoted''');
CREATE DOMAIN "Odd Schema".short_text AS text CHECK (length(VALUE) <= 20);
CREATE TYPE "Odd Schema".pair AS (a int, b text);
CREATE TABLE "Odd Schema"."All Types" (
    id int PRIMARY KEY,
    c_int2 int2, c_int4 int4, c_int8 int8,
    c_numeric numeric, c_numeric_scaled numeric(10, 2),
    c_float4 float4, c_float8 float8,
    c_text text, "Mixed Case Col" text, "with space" varchar(20), c_char char(5),
    c_bool bool, c_bytea bytea,
    c_date date, c_time time, c_timetz timetz, c_timestamp timestamp, c_timestamptz timestamptz,
    c_interval interval, c_uuid uuid,
    c_inet inet, c_cidr cidr, c_macaddr macaddr, c_macaddr8 macaddr8,
    c_json json, c_jsonb jsonb,
    c_int_arr int[], c_text_arr text[], c_int_2d int[][],
    c_enum "Odd Schema"."Mood", c_domain "Odd Schema".short_text, c_composite "Odd Schema".pair,
    c_int4range int4range, c_tstzrange tstzrange, c_daterange daterange,
    c_bit bit(8), c_varbit varbit, c_money money, c_xml xml,
    c_tsvector tsvector, c_tsquery tsquery, c_point point
))sql");

// Row 1: awkward text; 2: NULL everywhere; 3 and 4: edge values; 5: limits.
const QString kTypesInsert = QStringLiteral(R"sql(
INSERT INTO "Odd Schema"."All Types" VALUES
(1, -32768, 2147483647, -9223372036854775808,
 12345678901234567890.123456789012345678901234567890, 1.10,
 0.1, 0.1,
 E'it''s "double" \\ back\\slash\nnewline\ttab &=% 😀 漢字 \x01 \x7f', 'Mixed', 'with space value', 'ab',
 true, '\x00ff005c2700'::bytea,
 '4713-01-01 BC', '23:59:59.999999', '12:00:00+05:45', '0001-01-01 00:00:00 BC',
 '1999-12-31 23:59:59.123456+14',
 '1 year 2 months 3 days 04:05:06.789012', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
 '2001:db8::1/64', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
 '{ "b" : 1,  "a":[1, 2 ] ,
   "a": "dup" }',
 '{"b": 1, "a": [1, 2], "a": "dup"}',
 '{1,NULL,3}', ARRAY[E'a\x22b', 'c,d', 'NULL', NULL, ' sp ', E'back\\slash', '{}', ''],
 '{{1,2},{3,4}}',
 'happy ''quoted''', 'dom ''ain''', ROW(1, 'x,"y"'),
 '[1,10)', '[2000-01-01 00:00+00,2000-01-02 00:00+00)', '[2000-01-01,2000-02-01)',
 B'10101010', B'101', 1234.56, '<a x="1">t&amp;<b/></a>',
 'a fat cat:3 sat', 'fat & (rat | !cat)', '(1.5,-2.25)'),
(3, 0, 0, 0, 'NaN', 0.00, 'NaN', 'NaN', '', '', '', '',
 false, '', 'infinity', '00:00', '00:00-12', 'infinity', '-infinity',
 'P-1M2DT-0.000001S', '00000000-0000-0000-0000-000000000000',
 '::1', '::/0', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00',
 '"s"', '[]', '{}', '{}', '{}',
 'sad', '', ROW(NULL, NULL), 'empty', 'empty', 'empty',
 B'00000000', B'', -0.01, '', '', 'x', '(0,0)'),
(4, 32767, -2147483648, 9223372036854775807, -0.000000000000000000001, 99999999.99,
 '1e-45', '1e-310', E'\\', E'\x22', '''', 'abcde',
 true, '\x00'::bytea, '5874897-12-31', '24:00', '24:00+15:59', '294276-12-31 23:59:59.999999',
 '1900-01-01 00:00:00+00',
 '-1 year -2 months -3 days -04:05:06', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
 '0.0.0.0', '192.168.1.0/24', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff:ff:ff',
 '1e1000', '{"a": 1e-400, "b": "\u00e9", "c": null}', '{NULL}', '{"",NULL,"\\"}',
 '{{1,NULL},{NULL,4}}',
 'ok', '12345678901234567890', ROW(-1, ''), '(,)', '(1900-01-01 00:00+00,)', '[,2000-01-01)',
 B'11111111', B'1', '-92233720368547758.08', '<?xml version="1.0"?><r/>',
 'a:1A b:2B,3C', 'a:* & !b', '(1e-310,-0)'),
(5, NULL, NULL, NULL, NULL, NULL, '-0', '1.7976931348623157e308', NULL, NULL, NULL, NULL,
 NULL, NULL, '-infinity', NULL, NULL, '-infinity', 'infinity',
 '178956970 years 7 months 2147483647 days 2562047788:00:54.775807', NULL,
 NULL, NULL, NULL, NULL, '[null, {}]', '"x"', NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO "Odd Schema"."All Types" (id) VALUES (2);
)sql");

// Updates: new values in row 1, a key change of row 5; rows 2 and 3 are
// overwritten (row 4's values, NULLs) by statements built from the column list.
const QString kTypesUpdate = QStringLiteral(R"sql(
UPDATE "Odd Schema"."All Types" SET
    c_float4 = 'Infinity', c_float8 = '-Infinity',
    c_interval = '-178956970 years -8 months -2147483648 days -2562047788:00:54.775807',
    c_timestamptz = '0044-03-15 12:00:00+00 BC', c_text = 'changed',
    c_text_arr = ARRAY[NULL]::text[], c_composite = NULL, c_json = '{}'
 WHERE id = 1;
UPDATE "Odd Schema"."All Types" SET id = 50, c_float8 = '3.4028235e38' WHERE id = 5;
)sql");

} // namespace

class TestCapture : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void typeFidelity_data();
    void typeFidelity();
    void jsonAndArrayEdgeCases_data();
    void jsonAndArrayEdgeCases();
    void eventsCarryOpKeyAndRow();
    void refusesWhatItCannotReplicate_data();
    void refusesWhatItCannotReplicate();
    void captureTwiceIsIdempotent();
    void releaseStopsCaptureKeepsEvents();
    void denyTriggerRefusesApplicationWrites_data();
    void denyTriggerRefusesApplicationWrites();
    void searchPathCannotHijackCapture();
    void leastPrivilegeWriterIsCaptured();
    void userCastCannotEscalate();
    void captureFunctionsCannotBeBorrowed();
    void functionsIgnoreHostileSchemas();
    void ddlOnCapturedTableIsFollowed();
    void ddlWithoutEventTriggerIsFollowedByMaintenance();
    void largeTransactionStreamsWithBoundedMemory();

private:
    Connection connect(const QString &user = QStringLiteral("postgres"));
    std::unique_ptr<PgCluster> m_cluster;
    int m_db = 0;
    QString m_database;
};

void TestCapture::initTestCase()
{
    m_cluster = std::make_unique<PgCluster>();
    QVERIFY_RESULT(m_cluster->start());
    auto c = openUserSession(m_cluster->connectionString());
    QVERIFY_RESULT(c);
    // Roles are per cluster: the least-privilege writer exists once.
    QVERIFY_RESULT(c->exec(QStringLiteral("CREATE ROLE ferry_app LOGIN")));
}

void TestCapture::cleanupTestCase()
{
    m_cluster.reset();
}

// Every test (and every data row) gets a database of its own with the
// schema, a queue and a consumer.
void TestCapture::init()
{
    m_database = QStringLiteral("cap%1").arg(++m_db);
    QVERIFY_RESULT(m_cluster->createDatabase(m_database));
    Connection c = connect();
    QVERIFY_RESULT(SchemaInstaller::install(c));
    QueueAdmin admin(c);
    QVERIFY_RESULT(admin.createQueue(kQueue));
    QVERIFY_RESULT(admin.registerConsumer(kQueue, kConsumer));
}

Connection TestCapture::connect(const QString &user)
{
    QString cs = m_cluster->connectionString(m_database);
    cs.replace(QStringLiteral("user=postgres"), QStringLiteral("user=") + user);
    auto c = openUserSession(cs);
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return std::move(c).value();
}

// The writer's session settings change how some types print; the events must
// not depend on them. The reader (Ferry's apply) may run with other settings.
void TestCapture::typeFidelity_data()
{
    QTest::addColumn<QString>("writerSettings");
    QTest::addColumn<QString>("readerSettings");

    QTest::newRow("defaults") << QString() << QString();
    QTest::newRow("writer Shanghai sql_standard, reader UTC postgres")
        << QStringLiteral("SET TimeZone = 'Asia/Shanghai'; SET IntervalStyle = 'sql_standard'")
        << QStringLiteral("SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'");
    QTest::newRow("writer UTC iso_8601, reader Shanghai sql_standard")
        << QStringLiteral("SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'")
        << QStringLiteral("SET TimeZone = 'Asia/Shanghai'; SET IntervalStyle = 'sql_standard'");
    QTest::newRow("writer St_Johns postgres_verbose") << QStringLiteral(
        "SET TimeZone = 'America/St_Johns'; SET IntervalStyle = 'postgres_verbose'")
                                                      << QString();
    QTest::newRow("writer bytea_output escape")
        << QStringLiteral("SET bytea_output = 'escape'") << QString();
    // Real-world traps: an application's DateStyle and extra_float_digits
    // (and postgres_verbose above, for the smallest interval) would change
    // what to_json writes; the capture functions pin these settings.
    QTest::newRow("writer DateStyle SQL DMY, Shanghai")
        << QStringLiteral("SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Asia/Shanghai'")
        << QString();
    QTest::newRow("writer extra_float_digits 0")
        << QStringLiteral("SET extra_float_digits = 0") << QString();
}

void TestCapture::typeFidelity()
{
    QFETCH(QString, writerSettings);
    QFETCH(QString, readerSettings);
    const QString table = QStringLiteral("\"Odd Schema\".\"All Types\"");

    Connection writer = connect();
    Connection reader = connect();
    QVERIFY_RESULT(writer.exec(kTypesDdl));
    QVERIFY_RESULT(QueueAdmin(writer).captureTable(kQueue, table));
    if (!writerSettings.isEmpty())
        QVERIFY_RESULT(writer.exec(writerSettings));
    if (!readerSettings.isEmpty())
        QVERIFY_RESULT(reader.exec(readerSettings));
    auto columnList = columnsOf(reader, table);
    QVERIFY_RESULT(columnList);
    const QStringList columns = columnList.value();
    QCOMPARE(columns.size(), 43);

    // Stage 1: inserts, compared with the rows as inserted.
    QVERIFY_RESULT(writer.exec(kTypesInsert));
    auto inserts = tickAndRead(reader);
    QVERIFY_RESULT(inserts);
    QCOMPARE(inserts->size(), 5);
    QStringList failures;
    for (const Event &e : inserts.value()) {
        QCOMPARE(char(e.op), 'I');
        QVERIFY(e.key.isEmpty());
        failures += roundTripFailures(reader, table, columns, e);
    }

    // Stage 2: updates, compared with the rows as updated.
    QStringList quoted;
    for (const QString &col : columns.mid(1)) // all but id
        quoted.append(writer.quoteIdentifier(col));
    const QString otherColumns = quoted.join(QStringLiteral(", "));
    QVERIFY_RESULT(writer.exec(kTypesUpdate));
    QVERIFY_RESULT(writer.exec(
        QStringLiteral("UPDATE %1 SET (%2) = (SELECT %2 FROM %1 WHERE id = 4) WHERE id = 2")
            .arg(table, otherColumns)));
    // A sub-select without rows sets every column to NULL.
    QVERIFY_RESULT(writer.exec(
        QStringLiteral("UPDATE %1 SET (%2) = (SELECT %2 FROM %1 WHERE false) WHERE id = 3")
            .arg(table, otherColumns)));
    if (writer.serverVersion() >= 140000) // numeric infinities exist since 14
        QVERIFY_RESULT(writer.exec(
            QStringLiteral("UPDATE %1 SET c_numeric = '-Infinity' WHERE id = 4").arg(table)));
    auto updates = tickAndRead(reader);
    QVERIFY_RESULT(updates);
    QCOMPARE(updates->size(), writer.serverVersion() >= 140000 ? 5 : 4);
    for (const Event &e : updates.value()) {
        QCOMPARE(char(e.op), 'U');
        failures += roundTripFailures(reader, table, columns, e);
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QStringLiteral("\n    "))));
}

// Values of json, jsonb and arrays that a JSON row image may not carry
// exactly; each data row is one value in a table (id, v).
void TestCapture::jsonAndArrayEdgeCases_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("value");

    QTest::newRow("json array with null") << QStringLiteral("json") << QStringLiteral("'[null]'");
    QTest::newRow("jsonb nested null")
        << QStringLiteral("jsonb") << QStringLiteral("'{\"a\": null}'");
    QTest::newRow("jsonb unicode escape")
        << QStringLiteral("jsonb") << QStringLiteral("'\"caf\\u00e9\"'");
    QTest::newRow("char(5) padding") << QStringLiteral("char(5)") << QStringLiteral("'ab'");
    QTest::newRow("float8 -0") << QStringLiteral("float8") << QStringLiteral("'-0'");
    // Plain to_json() gets these wrong (JSON null would turn into SQL NULL, a
    // json string's escapes would be decoded, \u0000 would make the row
    // impossible to rebuild, an array's lower bound would be lost); capture
    // sends such columns as text and decode_sql() parses them back.
    QTest::newRow("json null literal") << QStringLiteral("json") << QStringLiteral("'null'");
    QTest::newRow("jsonb null literal") << QStringLiteral("jsonb") << QStringLiteral("'null'");
    QTest::newRow("json string with unicode escape")
        << QStringLiteral("json") << QStringLiteral("'\"caf\\u00e9\"'");
    QTest::newRow("json with \\u0000")
        << QStringLiteral("json") << QStringLiteral("'{\"a\": \"\\u0000\"}'");
    QTest::newRow("int[] with lower bound 0")
        << QStringLiteral("int[]") << QStringLiteral("'[0:2]={1,2,3}'");
}

void TestCapture::jsonAndArrayEdgeCases()
{
    QFETCH(QString, type);
    QFETCH(QString, value);
    Connection c = connect();
    QVERIFY_RESULT(
        c.exec(QStringLiteral("CREATE TABLE edge (id int PRIMARY KEY, v %1)").arg(type)));
    QVERIFY_RESULT(QueueAdmin(c).captureTable(kQueue, QStringLiteral("edge")));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO edge VALUES (1, %1), (2, NULL)").arg(value)));
    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 2);
    const QStringList columns{QStringLiteral("id"), QStringLiteral("v")};
    for (const Event &e : events.value()) {
        auto diffs = diffWithLiveRow(c, QStringLiteral("edge"), columns, e.data);
        QVERIFY2(diffs.ok(), qPrintable(describe(e) + QStringLiteral(": ")
                                        + (diffs.ok() ? QString() : diffs.error().toString())));
        QVERIFY2(diffs->isEmpty(), qPrintable(describe(e) + QStringLiteral(": ")
                                              + diffs->join(QStringLiteral("; "))));
    }
}

void TestCapture::eventsCarryOpKeyAndRow()
{
    Connection c = connect();
    QVERIFY_RESULT(c.exec(
        QStringLiteral("CREATE SCHEMA \"Sales Dept\"; "
                       "CREATE TABLE \"Sales Dept\".\"Orders\" (id int PRIMARY KEY, v text); "
                       "CREATE TABLE pairs (a int, b text, v text, PRIMARY KEY (a, b))")));
    QueueAdmin admin(c);
    auto orders = admin.captureTable(kQueue, QStringLiteral("\"Sales Dept\".\"Orders\""));
    QVERIFY_RESULT(orders);
    auto pairs = admin.captureTable(kQueue, QStringLiteral("pairs"));
    QVERIFY_RESULT(pairs);
    QVERIFY(orders.value() != pairs.value());

    // Two inserts in one transaction carry that transaction's id.
    QVERIFY_RESULT(c.exec(QStringLiteral("BEGIN")));
    QVERIFY_RESULT(
        c.exec(QStringLiteral("INSERT INTO \"Sales Dept\".\"Orders\" VALUES (1, 'a'), (2, 'b')")));
    auto txid = c.exec(QStringLiteral("SELECT pg_current_xact_id()::text"));
    QVERIFY_RESULT(txid);
    QVERIFY_RESULT(c.exec(QStringLiteral("COMMIT")));
    const QStringList statements = {
        QStringLiteral("UPDATE \"Sales Dept\".\"Orders\" SET v = 'x' WHERE id = 1"),
        QStringLiteral("UPDATE \"Sales Dept\".\"Orders\" SET id = 20 WHERE id = 2"),
        QStringLiteral("DELETE FROM \"Sales Dept\".\"Orders\" WHERE id = 1"),
        QStringLiteral("INSERT INTO pairs VALUES (1, 'k', 'p')"),
        QStringLiteral("UPDATE pairs SET b = 'k2', v = 'q' WHERE a = 1"),
        QStringLiteral("DELETE FROM pairs"),
        QStringLiteral("INSERT INTO \"Sales Dept\".\"Orders\" VALUES (3, 'c'), (4, 'd')"),
        QStringLiteral("TRUNCATE \"Sales Dept\".\"Orders\""),
    };
    for (const QString &sql : statements)
        QVERIFY_RESULT(c.exec(sql));

    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    const QString id = QStringLiteral("id");
    const QString v = QStringLiteral("v");
    const QString a = QStringLiteral("a");
    const QString b = QStringLiteral("b");
    struct Expected
    {
        char op;
        int table;
        QJsonObject key;
        QJsonObject data;
    };
    const int o = orders.value();
    const int p = pairs.value();
    const QList<Expected> expected = {
        {'I', o, QJsonObject(), QJsonObject{{id, 1}, {v, QStringLiteral("a")}}},
        {'I', o, QJsonObject(), QJsonObject{{id, 2}, {v, QStringLiteral("b")}}},
        {'U', o, QJsonObject{{id, 1}}, QJsonObject{{id, 1}, {v, QStringLiteral("x")}}},
        // A key change carries the OLD key, so the target finds the row.
        {'U', o, QJsonObject{{id, 2}}, QJsonObject{{id, 20}, {v, QStringLiteral("b")}}},
        {'D', o, QJsonObject{{id, 1}}, QJsonObject()},
        {'I', p, QJsonObject(),
         QJsonObject{{a, 1}, {b, QStringLiteral("k")}, {v, QStringLiteral("p")}}},
        {'U', p, QJsonObject{{a, 1}, {b, QStringLiteral("k")}},
         QJsonObject{{a, 1}, {b, QStringLiteral("k2")}, {v, QStringLiteral("q")}}},
        {'D', p, QJsonObject{{a, 1}, {b, QStringLiteral("k2")}}, QJsonObject()},
        {'I', o, QJsonObject(), QJsonObject{{id, 3}, {v, QStringLiteral("c")}}},
        {'I', o, QJsonObject(), QJsonObject{{id, 4}, {v, QStringLiteral("d")}}},
        // TRUNCATE of a table with rows: one statement event, no row events.
        {'T', o, QJsonObject(), QJsonObject()},
    };
    QCOMPARE(events->size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const Event &e = events->at(i);
        const Expected &x = expected.at(i);
        const QByteArray what = describe(e).toUtf8();
        if (i > 0)
            QVERIFY2(e.id > events->at(i - 1).id, what.constData());
        QVERIFY2(char(e.op) == x.op, what.constData());
        QVERIFY2(e.tableId == x.table, what.constData());
        if (x.key.isEmpty())
            QVERIFY2(e.key.isEmpty(), what.constData());
        else
            QVERIFY2(jsonObject(e.key) == x.key, what.constData());
        if (x.data.isEmpty())
            QVERIFY2(e.data.isEmpty(), what.constData());
        else
            QVERIFY2(jsonObject(e.data) == x.data, what.constData());
    }
    // The composite key lists its columns in primary key order.
    const QByteArray pairKey = events->at(6).key;
    QVERIFY2(pairKey.indexOf("\"a\"") >= 0 && pairKey.indexOf("\"a\"") < pairKey.indexOf("\"b\""),
             pairKey.constData());
    QCOMPARE(events->at(0).txid, txid->text(0, 0).toLongLong());
    QCOMPARE(events->at(1).txid, events->at(0).txid);
    QVERIFY(events->at(2).txid > events->at(0).txid);

    BatchReader reader(c, kQueue, kConsumer);
    auto names = reader.tables();
    QVERIFY_RESULT(names);
    QCOMPARE(names->size(), 2);
    QCOMPARE(names->value(o).schema, QStringLiteral("Sales Dept"));
    QCOMPARE(names->value(o).name, QStringLiteral("Orders"));
    QCOMPARE(names->value(p).schema, QStringLiteral("public"));
    QCOMPARE(names->value(p).name, QStringLiteral("pairs"));
}

void TestCapture::refusesWhatItCannotReplicate_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("queue");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("no primary key")
        << QStringLiteral("CREATE TABLE \"No Key\" (id int UNIQUE, v text)") << kQueue
        << QStringLiteral("\"No Key\"") << QStringLiteral("55000")
        << QStringList{QStringLiteral("\"No Key\""), QStringLiteral("has no primary key"),
                       QStringLiteral("add one (ALTER TABLE ... ADD PRIMARY KEY)")};
    QTest::newRow("view") << QStringLiteral("CREATE VIEW v AS SELECT 1 AS id") << kQueue
                          << QStringLiteral("v") << QStringLiteral("42809")
                          << QStringList{QStringLiteral("cannot replicate public.v:"),
                                         QStringLiteral("not a table")};
    QTest::newRow("materialized view")
        << QStringLiteral("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS id") << kQueue
        << QStringLiteral("mv") << QStringLiteral("42809")
        << QStringList{QStringLiteral("cannot replicate public.mv:"),
                       QStringLiteral("not a table")};
    QTest::newRow("partitioned table")
        << QStringLiteral("CREATE TABLE pt (id int PRIMARY KEY) PARTITION BY RANGE (id)") << kQueue
        << QStringLiteral("pt") << QStringLiteral("0A000")
        << QStringList{QStringLiteral("public.pt"), QStringLiteral("partitioned table"),
                       QStringLiteral("add its partitions instead")};
    QTest::newRow("temporary table")
        << QStringLiteral("CREATE TEMP TABLE tmp (id int PRIMARY KEY)") << kQueue
        << QStringLiteral("tmp") << QStringLiteral("42809")
        << QStringList{QStringLiteral("tmp"), QStringLiteral("temporary table")};
    QTest::newRow("ferry's own table")
        << QString() << kQueue << QStringLiteral("ferry.queue") << QStringLiteral("42809")
        << QStringList{QStringLiteral("ferry.queue"), QStringLiteral("belongs to Ferry")};
    QTest::newRow("missing table")
        << QString() << kQueue << QStringLiteral("public.no_such") << QStringLiteral("42P01")
        << QStringList{QStringLiteral("\"public.no_such\"")};
    QTest::newRow("unknown queue")
        << QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)") << QStringLiteral("no_queue")
        << QStringLiteral("t") << QStringLiteral("42704")
        << QStringList{QStringLiteral("queue \"no_queue\" does not exist")};
}

void TestCapture::refusesWhatItCannotReplicate()
{
    QFETCH(QString, setup);
    QFETCH(QString, queue);
    QFETCH(QString, table);
    QFETCH(QString, sqlState);
    QFETCH(QStringList, mentions);

    Connection c = connect();
    if (!setup.isEmpty())
        QVERIFY_RESULT(c.exec(setup));
    auto r = QueueAdmin(c).captureTable(queue, table);
    QVERIFY(!r.ok());
    const Error &e = r.error();
    QCOMPARE(e.sqlState(), sqlState);
    const QString text = e.message() + QLatin1Char('|') + e.hint();
    for (const QString &m : mentions)
        QVERIFY2(text.contains(m), qPrintable(m + QStringLiteral(" not in: ") + text));
    // Nothing was registered or installed.
    auto left = c.exec(QStringLiteral("SELECT (SELECT count(*) FROM ferry.queue_table), "
                                      "(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)"));
    QVERIFY_RESULT(left);
    QCOMPARE(left->toInt64(0, 0), 0);
    QCOMPARE(left->toInt64(0, 1), 0);
}

void TestCapture::captureTwiceIsIdempotent()
{
    Connection c = connect();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text)")));
    QueueAdmin admin(c);
    auto first = admin.captureTable(kQueue, QStringLiteral("t"));
    QVERIFY_RESULT(first);
    auto second = admin.captureTable(kQueue, QStringLiteral("public.t"));
    QVERIFY_RESULT(second);
    QCOMPARE(second.value(), first.value());
    auto triggers = c.exec(QStringLiteral(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 't'::regclass AND NOT tgisinternal"));
    QVERIFY_RESULT(triggers);
    QCOMPARE(triggers->toInt64(0, 0), 4); // insert, update, delete, truncate
    auto rows = c.exec(QStringLiteral("SELECT count(*) FROM ferry.queue_table"));
    QVERIFY_RESULT(rows);
    QCOMPARE(rows->toInt64(0, 0), 1);
    // One write, one event: no second set of triggers fires.
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO t VALUES (1, 'a')")));
    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 1);
}

void TestCapture::releaseStopsCaptureKeepsEvents()
{
    Connection c = connect();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text)")));
    QueueAdmin admin(c);
    auto id = admin.captureTable(kQueue, QStringLiteral("t"));
    QVERIFY_RESULT(id);
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO t VALUES (1, 'before')")));

    auto released = admin.releaseTable(kQueue, QStringLiteral("t"));
    QVERIFY_RESULT(released);
    QVERIFY(released.value());
    auto again = admin.releaseTable(kQueue, QStringLiteral("t"));
    QVERIFY_RESULT(again);
    QVERIFY(!again.value());
    auto triggers = c.exec(QStringLiteral(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 't'::regclass AND NOT tgisinternal"));
    QVERIFY_RESULT(triggers);
    QCOMPARE(triggers->toInt64(0, 0), 0);
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO t VALUES (2, 'after'); "
                                         "UPDATE t SET v = 'x'; DELETE FROM t; TRUNCATE t")));

    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    // The insert before, then the release: what came after is not captured.
    QCOMPARE(events->size(), 2);
    QCOMPARE(char(events->at(0).op), 'I');
    QCOMPARE(events->at(0).tableId, id.value());
    QCOMPARE(jsonObject(events->at(0).data).value(QStringLiteral("v")).toString(),
             QStringLiteral("before"));
    QCOMPARE(char(events->at(1).op), 'R');
    QCOMPARE(events->at(1).tableId, id.value());
    auto names = BatchReader(c, kQueue, kConsumer).tables();
    QVERIFY_RESULT(names);
    QVERIFY(names->contains(id.value()));
    QCOMPARE(names->value(id.value()).schema, QStringLiteral("public"));
    QCOMPARE(names->value(id.value()).name, QStringLiteral("t"));
}

void TestCapture::denyTriggerRefusesApplicationWrites_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("after"); // the table's rows once the statement ran

    QTest::newRow("insert") << QStringLiteral("INSERT INTO leaf VALUES (3, 'c')")
                            << QStringLiteral("INSERT") << QStringLiteral("1:a,2:b,3:c");
    QTest::newRow("update") << QStringLiteral("UPDATE leaf SET v = 'z' WHERE id = 1")
                            << QStringLiteral("UPDATE") << QStringLiteral("1:z,2:b");
    QTest::newRow("delete") << QStringLiteral("DELETE FROM leaf WHERE id = 1")
                            << QStringLiteral("DELETE") << QStringLiteral("2:b");
    QTest::newRow("truncate") << QStringLiteral("TRUNCATE leaf") << QStringLiteral("TRUNCATE")
                              << QString();
}

void TestCapture::denyTriggerRefusesApplicationWrites()
{
    QFETCH(QString, sql);
    QFETCH(QString, op);
    QFETCH(QString, after);

    Connection admin = connect();
    QVERIFY_RESULT(admin.exec(QStringLiteral("CREATE TABLE leaf (id int PRIMARY KEY, v text); "
                                             "INSERT INTO leaf VALUES (1, 'a'), (2, 'b')")));
    QueueAdmin queueAdmin(admin);
    QVERIFY_RESULT(queueAdmin.denyWrites(QStringLiteral("leaf")));
    QVERIFY_RESULT(queueAdmin.denyWrites(QStringLiteral("leaf"))); // idempotent
    const QString countDeny = QStringLiteral(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'leaf'::regclass AND NOT tgisinternal");
    auto denyTriggers = admin.exec(countDeny);
    QVERIFY_RESULT(denyTriggers);
    QCOMPARE(denyTriggers->toInt64(0, 0), 2);

    const QString contents = QStringLiteral(
        "SELECT coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '') FROM leaf");
    const auto rows = [&](Connection &c) {
        auto r = c.exec(contents);
        return r.ok() ? r->text(0, 0) : r.error().toString();
    };

    // An ordinary session is refused and the table is unchanged.
    Connection app = connect();
    Failure f = failureOf(app.exec(sql));
    QCOMPARE(f.sqlState, QStringLiteral("25006"));
    QVERIFY2(f.text.contains(QStringLiteral("table public.leaf is a Ferry replica")),
             qPrintable(f.text));
    QVERIFY2(f.text.contains(op), qPrintable(f.text));
    QCOMPARE(rows(app), QStringLiteral("1:a,2:b"));

    // Ferry's apply session passes, and its change takes effect.
    Connection apply = connect();
    QVERIFY_RESULT(apply.exec(QStringLiteral("SET ferry.apply_session = on; BEGIN")));
    QVERIFY_RESULT(apply.exec(sql));
    QCOMPARE(rows(apply), after);
    QVERIFY_RESULT(apply.exec(QStringLiteral("ROLLBACK")));

    // With session_replication_role = replica the trigger does not fire.
    Connection replica = connect();
    QVERIFY_RESULT(replica.exec(QStringLiteral("SET session_replication_role = replica; BEGIN")));
    QVERIFY_RESULT(replica.exec(sql));
    QCOMPARE(rows(replica), after);
    QVERIFY_RESULT(replica.exec(QStringLiteral("ROLLBACK")));

    // allowWrites removes both triggers; the ordinary session may write again.
    QVERIFY_RESULT(queueAdmin.allowWrites(QStringLiteral("leaf")));
    auto left = admin.exec(countDeny);
    QVERIFY_RESULT(left);
    QCOMPARE(left->toInt64(0, 0), 0);
    QVERIFY_RESULT(app.exec(sql));
    QCOMPARE(rows(app), after);
}

void TestCapture::searchPathCannotHijackCapture()
{
    Connection admin = connect();
    QVERIFY_RESULT(admin.exec(QStringLiteral(R"sql(
CREATE TABLE public.acct (id int PRIMARY KEY, v text);
CREATE SCHEMA evil;
CREATE FUNCTION evil.to_json(anyelement) RETURNS json LANGUAGE sql AS $$ SELECT '"junk"'::json $$;
CREATE FUNCTION evil.json_build_object(text, anyelement) RETURNS json
    LANGUAGE sql AS $$ SELECT '"junk"'::json $$;
CREATE FUNCTION evil.txid_current() RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
)sql")));
    auto tableId = QueueAdmin(admin).captureTable(kQueue, QStringLiteral("public.acct"));
    QVERIFY_RESULT(tableId);

    Connection w = connect();
    QVERIFY_RESULT(w.exec(QStringLiteral("SET search_path = evil, pg_catalog")));
    // The trap is armed: unqualified calls in this session hit evil's functions.
    auto armed
        = w.exec(QStringLiteral("SELECT to_json(1)::text, json_build_object('id', 1)::text"));
    QVERIFY_RESULT(armed);
    QCOMPARE(armed->text(0, 0), QStringLiteral("\"junk\""));
    QCOMPARE(armed->text(0, 1), QStringLiteral("\"junk\""));

    QVERIFY_RESULT(w.exec(QStringLiteral("INSERT INTO public.acct VALUES (1, 'a')")));
    QVERIFY_RESULT(w.exec(QStringLiteral("UPDATE public.acct SET v = 'b' WHERE id = 1")));
    QVERIFY_RESULT(w.exec(QStringLiteral("DELETE FROM public.acct WHERE id = 1")));
    QVERIFY_RESULT(w.exec(QStringLiteral("TRUNCATE public.acct")));

    auto events = tickAndRead(admin);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 4);
    const QJsonObject key{{QStringLiteral("id"), 1}};
    QCOMPARE(char(events->at(0).op), 'I');
    QCOMPARE(jsonObject(events->at(0).data),
             (QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("v"), QStringLiteral("a")}}));
    QCOMPARE(char(events->at(1).op), 'U');
    QCOMPARE(jsonObject(events->at(1).key), key);
    QCOMPARE(jsonObject(events->at(1).data),
             (QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("v"), QStringLiteral("b")}}));
    QCOMPARE(char(events->at(2).op), 'D');
    QCOMPARE(jsonObject(events->at(2).key), key);
    QCOMPARE(char(events->at(3).op), 'T');
    for (int i = 0; i < events->size(); ++i) {
        QCOMPARE(events->at(i).tableId, tableId.value());
        QVERIFY(events->at(i).id > 0); // the real sequence, not evil.nextval
        QVERIFY(events->at(i).txid > 0);
        if (i > 0)
            QVERIFY(events->at(i).id > events->at(i - 1).id);
    }
}

void TestCapture::userCastCannotEscalate()
{
    // A table owner's own type with a cast to json would run inside
    // to_json(), that is inside the SECURITY DEFINER capture function: a
    // column of a user-defined type travels as its output function's text
    // instead, so the cast never runs there (R4).
    Connection admin = connect();
    QVERIFY_RESULT(admin.exec(QStringLiteral("GRANT CREATE ON SCHEMA public TO ferry_app")));
    Connection app = connect(kAppRole);
    QVERIFY_RESULT(app.exec(
        QStringLiteral("CREATE TYPE mood AS ENUM ('ok'); "
                       "CREATE FUNCTION mood_json(mood) RETURNS json LANGUAGE plpgsql AS "
                       "$$ BEGIN ALTER ROLE ferry_app SUPERUSER; RETURN to_json($1::text); END $$; "
                       "CREATE CAST (mood AS json) WITH FUNCTION mood_json(mood); "
                       "CREATE TABLE moods (id int PRIMARY KEY, m mood)")));
    QVERIFY_RESULT(QueueAdmin(admin).captureTable(kQueue, QStringLiteral("moods")));
    auto owner = admin.exec(QStringLiteral(
        "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname LIKE '\\_cap\\_i\\_%'"));
    QVERIFY_RESULT(owner);
    QCOMPARE(owner->text(0, 0), QStringLiteral("ferry_capture"));
    QVERIFY_RESULT(app.exec(QStringLiteral("INSERT INTO moods VALUES (1, 'ok')")));
    auto events = tickAndRead(admin);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 1);
    QCOMPARE(jsonObject(events->at(0).data).value(QStringLiteral("m")).toString(),
             QStringLiteral("ok"));
    auto super
        = admin.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = 'ferry_app'"));
    QVERIFY_RESULT(super);
    QVERIFY(!super->toBool(0, 0));
}

void TestCapture::captureFunctionsCannotBeBorrowed()
{
    // A role that may look into schema ferry still cannot attach Ferry's
    // capture functions to a table of its own and forge events.
    Connection admin = connect();
    QVERIFY_RESULT(admin.exec(QStringLiteral("CREATE TABLE accounts (id int PRIMARY KEY); "
                                             "GRANT USAGE ON SCHEMA ferry TO ferry_app; "
                                             "GRANT CREATE ON SCHEMA public TO ferry_app")));
    auto id = QueueAdmin(admin).captureTable(kQueue, QStringLiteral("accounts"));
    QVERIFY_RESULT(id);
    Connection app = connect(kAppRole);
    QVERIFY_RESULT(app.exec(QStringLiteral("CREATE TABLE fake (id int)")));
    Failure row = failureOf(app.exec(
        QStringLiteral("CREATE TRIGGER f AFTER DELETE ON fake FOR EACH ROW EXECUTE FUNCTION "
                       "ferry._cap_d_%1()")
            .arg(id.value())));
    QCOMPARE(row.sqlState, QStringLiteral("42501"));
    Failure truncate = failureOf(app.exec(
        QStringLiteral("CREATE TRIGGER t AFTER TRUNCATE ON fake FOR EACH STATEMENT EXECUTE "
                       "FUNCTION ferry._capture_truncate('1', '%1')")
            .arg(id.value())));
    QCOMPARE(truncate.sqlState, QStringLiteral("42501"));
}

void TestCapture::functionsIgnoreHostileSchemas()
{
    // On PostgreSQL 13/14 anyone may create in public; a better-matching
    // public.format() must not be picked inside Ferry's functions run by an
    // administrator (the ticker, maintenance).
    Connection admin = connect();
    QVERIFY_RESULT(admin.exec(QStringLiteral("GRANT CREATE ON SCHEMA public TO ferry_app")));
    Connection app = connect(kAppRole);
    QVERIFY_RESULT(app.exec(QStringLiteral(
        "CREATE FUNCTION public.format(text, integer) RETURNS text LANGUAGE plpgsql AS "
        "$$ BEGIN ALTER ROLE ferry_app SUPERUSER; RETURN 'x'; END $$")));
    QVERIFY_RESULT(admin.exec(QStringLiteral("SET search_path = public, pg_catalog")));
    QVERIFY_RESULT(QueueAdmin(admin).tick(kQueue, true));
    QVERIFY_RESULT(admin.exec(
        QStringLiteral("SELECT ferry.maint_rotate($1), ferry.maint_truncate($1)"), {kQueue}));
    auto super
        = admin.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = 'ferry_app'"));
    QVERIFY_RESULT(super);
    QVERIFY(!super->toBool(0, 0));
}

void TestCapture::ddlOnCapturedTableIsFollowed()
{
    Connection c = connect();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE d (id int PRIMARY KEY, doc jsonb, v int)")));
    QVERIFY_RESULT(QueueAdmin(c).captureTable(kQueue, QStringLiteral("d")));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO d VALUES (1, '{}', 1)")));
    // Renaming the key column: writers keep working and the key carries the new name.
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER TABLE d RENAME COLUMN id TO key2")));
    QVERIFY_RESULT(c.exec(QStringLiteral("UPDATE d SET v = 2 WHERE key2 = 1")));
    // A new column shows up in the row image at once (not at the next rotation).
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER TABLE d ADD COLUMN c3 int")));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO d VALUES (2, 'null', 3, 42)")));
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER TABLE d RENAME TO d_renamed")));
    QVERIFY_RESULT(c.exec(QStringLiteral("DELETE FROM d_renamed WHERE key2 = 1")));
    // Dropping the primary key of a replicated table is refused.
    Failure f = failureOf(c.exec(QStringLiteral("ALTER TABLE d_renamed DROP CONSTRAINT d_pkey")));
    QCOMPARE(f.sqlState, QStringLiteral("55000"));

    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 4);
    QCOMPARE(
        QJsonDocument::fromJson(events->at(1).key).object().value(QStringLiteral("key2")).toInt(),
        1);
    const QJsonObject inserted = QJsonDocument::fromJson(events->at(2).data).object();
    QCOMPARE(inserted.value(QStringLiteral("c3")).toInt(), 42);
    QCOMPARE(
        QJsonDocument::fromJson(events->at(3).key).object().value(QStringLiteral("key2")).toInt(),
        1);
    auto names
        = c.exec(QStringLiteral("SELECT table_name, key_columns::text FROM ferry.queue_table"));
    QVERIFY_RESULT(names);
    QCOMPARE(names->text(0, 0), QStringLiteral("d_renamed"));
    QCOMPARE(names->text(0, 1), QStringLiteral("{key2}"));
}

void TestCapture::ddlWithoutEventTriggerIsFollowedByMaintenance()
{
    // Installed without a superuser there is no event trigger: a table whose
    // capture names its columns (one of a user-defined type) would miss a
    // new column. Maintenance (the ticker, every 30 s) sees the columns
    // changed and regenerates the capture; ferry.maint_tables says so.
    Connection c = connect();
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER EVENT TRIGGER ferry_refresh_capture DISABLE; "
                                         "CREATE TYPE tone AS ENUM ('low', 'high'); "
                                         "CREATE TABLE toned (id int PRIMARY KEY, t tone)")));
    QVERIFY_RESULT(QueueAdmin(c).captureTable(kQueue, QStringLiteral("toned")));
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER TABLE toned ADD COLUMN extra int; "
                                         "INSERT INTO toned VALUES (1, 'low', 7)")));
    auto lines
        = c.exec(QStringLiteral("SELECT array_to_string(ferry.maint_tables($1), '|')"), {kQueue});
    QVERIFY_RESULT(lines);
    QVERIFY2(lines->text(0, 0).contains(QLatin1String("table public.toned changed")),
             qPrintable(lines->text(0, 0)));
    QVERIFY_RESULT(c.exec(QStringLiteral("INSERT INTO toned VALUES (2, 'high', 8)")));
    // Nothing more to do the next time.
    auto again = c.exec(QStringLiteral("SELECT cardinality(ferry.maint_tables($1))"), {kQueue});
    QVERIFY_RESULT(again);
    QCOMPARE(again->toInt64(0, 0), 0);
    QVERIFY_RESULT(c.exec(QStringLiteral("ALTER EVENT TRIGGER ferry_refresh_capture ENABLE")));

    auto events = tickAndRead(c);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 2);
    // Before maintenance the explicit capture did not know the column...
    QVERIFY(!jsonObject(events->at(0).data).contains(QStringLiteral("extra")));
    // ...after it, the column travels, and the enum as its text.
    const QJsonObject after = jsonObject(events->at(1).data);
    QCOMPARE(after.value(QStringLiteral("extra")).toInt(), 8);
    QCOMPARE(after.value(QStringLiteral("t")).toString(), QStringLiteral("high"));
}

void TestCapture::leastPrivilegeWriterIsCaptured()
{
    Connection admin = connect();
    QVERIFY_RESULT(
        admin.exec(QStringLiteral("CREATE TABLE orders (id int PRIMARY KEY, v text); "
                                  "GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO ferry_app")));
    auto tableId = QueueAdmin(admin).captureTable(kQueue, QStringLiteral("orders"));
    QVERIFY_RESULT(tableId);

    Connection app = connect(kAppRole);
    auto who = app.exec(QStringLiteral("SELECT current_user, usesuper FROM pg_user "
                                       "WHERE usename = current_user"));
    QVERIFY_RESULT(who);
    QCOMPARE(who->text(0, 0), kAppRole);
    QVERIFY(!who->toBool(0, 1));
    QVERIFY_RESULT(app.exec(QStringLiteral("INSERT INTO orders VALUES (1, 'a')")));
    QVERIFY_RESULT(app.exec(QStringLiteral("UPDATE orders SET v = 'b' WHERE id = 1")));
    QVERIFY_RESULT(app.exec(QStringLiteral("DELETE FROM orders WHERE id = 1")));

    // The role cannot forge events: no rights on Ferry's schema or tables,
    // even when it is allowed to look into the schema.
    auto eventTable = admin.exec(QStringLiteral("SELECT ferry._event_table(queue_id, cur_table) "
                                                "FROM ferry.queue WHERE queue_name = $1"),
                                 {kQueue});
    QVERIFY_RESULT(eventTable);
    const QString forge = QStringLiteral("INSERT INTO %1 (ev_op, ev_table) VALUES ('I', %2)")
                              .arg(eventTable->text(0, 0))
                              .arg(tableId.value());
    Failure f = failureOf(app.exec(forge));
    QCOMPARE(f.sqlState, QStringLiteral("42501"));
    QVERIFY2(f.text.contains(QStringLiteral("permission denied")), qPrintable(f.text));
    QVERIFY_RESULT(admin.exec(QStringLiteral("GRANT USAGE ON SCHEMA ferry TO ferry_app")));
    f = failureOf(app.exec(forge));
    QCOMPARE(f.sqlState, QStringLiteral("42501"));
    QVERIFY2(f.text.contains(QStringLiteral("permission denied for table event_")),
             qPrintable(f.text));

    auto events = tickAndRead(admin);
    QVERIFY_RESULT(events);
    QCOMPARE(events->size(), 3);
    QCOMPARE(char(events->at(0).op), 'I');
    QCOMPARE(char(events->at(1).op), 'U');
    QCOMPARE(char(events->at(2).op), 'D');
    for (const Event &e : events.value())
        QCOMPARE(e.tableId, tableId.value());
}

void TestCapture::largeTransactionStreamsWithBoundedMemory()
{
    constexpr int kRows = 500000;
    Connection c = connect();
    QVERIFY_RESULT(c.exec(QStringLiteral("CREATE TABLE big (id int PRIMARY KEY, v text)")));
    auto tableId = QueueAdmin(c).captureTable(kQueue, QStringLiteral("big"));
    QVERIFY_RESULT(tableId);

    QElapsedTimer timer;
    timer.start();
    auto inserted = c.exec(QStringLiteral("INSERT INTO big SELECT i, 'row ' || i "
                                          "FROM generate_series(1, $1) i"),
                           {kRows});
    QVERIFY_RESULT(inserted);
    QCOMPARE(inserted->affectedRows(), qint64(kRows));
    const qint64 insertMs = timer.restart();

    QVERIFY_RESULT(QueueAdmin(c).tick(kQueue, true));
    BatchReader reader(c, kQueue, kConsumer);
    reader.setFetchSize(5000);
    auto batch = reader.nextBatch();
    QVERIFY_RESULT(batch);
    QVERIFY(batch->has_value());
    QCOMPARE((*batch)->estimatedEvents, qint64(kRows));

    // Every row id 1..kRows exactly once, read without keeping the events.
    std::vector<bool> seen(kRows + 1, false);
    qint64 lastId = 0;
    qint64 outOfOrder = 0;
    qint64 badEvents = 0;
    QVERIFY(resetPeakRss());
    const qint64 baseKb = currentRssKb();
    auto count = reader.readEvents(**batch, [&](const Event &e) {
        if (e.id <= lastId)
            ++outOfOrder;
        lastId = e.id;
        const qint64 row = leadingId(e.data);
        if (e.op != Event::Op::Insert || e.tableId != tableId.value() || row < 1 || row > kRows
            || seen[size_t(row)])
            ++badEvents;
        else
            seen[size_t(row)] = true;
        return true;
    });
    const qint64 growthKb = peakRssKb() - baseKb;
    const qint64 readMs = timer.elapsed();
    QVERIFY_RESULT(count);
    qInfo("%d rows: insert with capture %lld ms, batch read %lld ms, client peak RSS growth %lld "
          "kB (bound %lld kB)",
          kRows, insertMs, readMs, growthKb, kMaxBatchPeakGrowthKb);
    QCOMPARE(count.value(), qint64(kRows));
    QCOMPARE(outOfOrder, qint64(0));
    QCOMPARE(badEvents, qint64(0));
    QVERIFY2(growthKb < kMaxBatchPeakGrowthKb,
             qPrintable(QStringLiteral("peak RSS grew by %1 kB").arg(growthKb)));
    QVERIFY_RESULT(reader.finishBatch(**batch));
}

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
