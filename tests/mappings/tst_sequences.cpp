// Sequences through the cascade: `add-seq` on the root and a leaf, the leaf
// worker bringing the leaf's sequences up to the root's values (nextval()
// and a serial column's inserts), never down (a value the leaf has of its
// own stays, a descending sequence goes down), `remove-seq` stopping that,
// `seqs` on both sides, a sequence dropped on either side leaving the
// tables replicating, and every refusal: one line that says what to do.
// The leaf connects as a role without superuser, so rights are checked.
#include "cascadefixture.h"
#include "testutil.h"

#include <QTest>

using namespace ferry;
using namespace ferry::test;

class TestSequences : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rootAddsAndRefuses();
    void leafRefusesUpFront();
    void leafFollowsTheRoot();
    void seqsShowsBothSides();
    void removeSeqStopsUpdates();
    void droppedSequencesLeaveTablesReplicating();
    void promotedLeafReusesNoId();
    void dropNodeForgetsSequences();
    void cleanupTestCase();

private:
    // A command that must fail with exit 1 and one line holding `fragment`.
    void refused(const QStringList &args, const QString &fragment);
    // The `seqs` line of `sequence` in `ini`'s output.
    QString seqsLine(const QString &ini, const QString &sequence);

    std::unique_ptr<CascadeFixture> m_f;
};

namespace {

const int kWaitMs = 15000;

CascadeFixture::Options plainLeafRole()
{
    CascadeFixture::Options options;
    options.leafUser = QStringLiteral("seq_leaf");
    return options;
}

} // namespace

void TestSequences::refused(const QStringList &args, const QString &fragment)
{
    const FerryRun run = m_f->ferry(args);
    const QString all = run.out + run.err;
    QVERIFY2(run.exitCode == 1 && all.contains(fragment) && all.count(QLatin1Char('\n')) == 1,
             qPrintable(QStringLiteral("%1 -> exit %2: %3")
                            .arg(args.mid(1).join(QLatin1Char(' ')))
                            .arg(run.exitCode)
                            .arg(all)));
}

QString TestSequences::seqsLine(const QString &ini, const QString &sequence)
{
    const FerryRun run = m_f->ferry({ini, QStringLiteral("seqs")});
    if (run.exitCode != 0)
        return QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err);
    for (const QString &line : run.out.split(QLatin1Char('\n'))) {
        if (line.startsWith(sequence + QLatin1Char(' ')))
            return line.simplified();
    }
    return {};
}

void TestSequences::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>(plainLeafRole());
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("CREATE SCHEMA app"),
         QStringLiteral("CREATE TABLE app.orders (id bigserial PRIMARY KEY, note text)"),
         QStringLiteral("CREATE SEQUENCE app.invoice_no"),
         QStringLiteral("CREATE SEQUENCE app.countdown INCREMENT -1"),
         QStringLiteral("CREATE SEQUENCE app.own_higher"),
         QStringLiteral("CREATE SEQUENCE app.locked"),
         QStringLiteral("CREATE SEQUENCE app.not_on_leaf"), QStringLiteral("CREATE SCHEMA side"),
         QStringLiteral("CREATE SEQUENCE side.counter")}));
    // The leaf's role owns its schema and sequences, except app.locked,
    // which a superuser made (so the role may not set it).
    QVERIFY_RESULT(
        f.run(f.leafDb(),
              {QStringLiteral("CREATE SCHEMA app"),
               QStringLiteral("CREATE TABLE app.orders (id bigserial PRIMARY KEY, note text)"),
               QStringLiteral("CREATE SEQUENCE app.invoice_no"),
               QStringLiteral("CREATE SEQUENCE app.countdown INCREMENT -1"),
               QStringLiteral("CREATE SEQUENCE app.own_higher")}));
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(),
              {QStringLiteral("CREATE SEQUENCE app.locked"), QStringLiteral("CREATE SCHEMA side"),
               QStringLiteral("CREATE SEQUENCE side.counter"),
               QStringLiteral("GRANT USAGE ON SCHEMA side TO seq_leaf"),
               QStringLiteral("GRANT SELECT, UPDATE ON SEQUENCE side.counter TO seq_leaf")}));
    QVERIFY_RESULT(f.createRootAndLeaves());
}

void TestSequences::rootAddsAndRefuses()
{
    CascadeFixture &f = *m_f;
    refused({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("app.nosuch")},
            QStringLiteral("sequence app.nosuch does not exist on root root"));
    refused({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("app.orders")},
            QStringLiteral("app.orders is not a sequence"));
    refused({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("app.*")},
            QStringLiteral("add-seq takes no patterns"));
    refused({f.rootIni(), QStringLiteral("add-seq")}, QStringLiteral("names or --all"));

    // A bare name is found in its schema.
    auto added = f.ferryOk({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("invoice_no"),
                            QStringLiteral("app.orders_id_seq")});
    QVERIFY_RESULT(added);
    QCOMPARE(added->out, QStringLiteral("Sequence added: app.invoice_no\n"
                                        "Sequence added: app.orders_id_seq\n"));
    auto again
        = f.ferryOk({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("app.invoice_no")});
    QVERIFY_RESULT(again);
    QCOMPARE(again->out, QStringLiteral("Sequence already added: app.invoice_no\n"));
}

void TestSequences::leafRefusesUpFront()
{
    CascadeFixture &f = *m_f;
    // Not registered on the root yet.
    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("app.countdown")},
            QStringLiteral("sequence app.countdown is not replicated by root: run add-seq "
                           "app.countdown with the root's config first"));

    // --all takes every sequence of the root's own schemas, none of Ferry's.
    auto all = f.ferryOk({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("--all")});
    QVERIFY_RESULT(all);
    QCOMPARE(all->out, QStringLiteral("Sequence added: app.countdown\n"
                                      "Sequence added: app.locked\n"
                                      "Sequence added: app.not_on_leaf\n"
                                      "Sequence added: app.own_higher\n"
                                      "Sequence added: side.counter\n"
                                      "Sequence already added: app.invoice_no\n"
                                      "Sequence already added: app.orders_id_seq\n"));

    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("app.not_on_leaf")},
            QStringLiteral("sequence app.not_on_leaf does not exist on node leaf: create it there "
                           "(CREATE SEQUENCE app.not_on_leaf)"));
    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("app.locked")},
            QStringLiteral("role seq_leaf may not set sequence app.locked on node leaf: GRANT "
                           "SELECT, UPDATE ON SEQUENCE app.locked TO seq_leaf"));
    // One refusal refuses the whole command, --all too.
    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("--all")},
            QStringLiteral("may not set sequence app.locked on node leaf"));
    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("app.invoice_no"),
             QStringLiteral("app.locked")},
            QStringLiteral("GRANT SELECT, UPDATE ON SEQUENCE app.locked TO seq_leaf"));
    refused({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("app.orders")},
            QStringLiteral("sequence app.orders is not replicated by root"));
    const FerryRun none = f.ferry({f.leafIni(), QStringLiteral("seqs")});
    QCOMPARE(none.exitCode, 0);
    QVERIFY2(!none.out.contains(QLatin1String("app.")), qPrintable(none.out));

    // Done right, --all takes them all.
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("CREATE SEQUENCE app.not_on_leaf"),
                                QStringLiteral("ALTER SEQUENCE app.not_on_leaf OWNER TO seq_leaf"),
                                QStringLiteral("GRANT SELECT, UPDATE ON SEQUENCE app.locked TO "
                                               "seq_leaf")}));
    auto leafAll = f.ferryOk({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("--all")});
    QVERIFY_RESULT(leafAll);
    QCOMPARE(leafAll->out.count(QStringLiteral("Sequence added: ")), 7);
    auto leafAgain
        = f.ferryOk({f.leafIni(), QStringLiteral("add-seq"), QStringLiteral("countdown")});
    QVERIFY_RESULT(leafAgain);
    QCOMPARE(leafAgain->out, QStringLiteral("Sequence already added: app.countdown\n"));
}

void TestSequences::leafFollowsTheRoot()
{
    CascadeFixture &f = *m_f;
    // The leaf hands out ids of its own in app.own_higher, past the root's.
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("SELECT setval('app.own_higher', 1000000)")}));
    // The orders replicate too: their ids arrive, the leaf's sequence does
    // not move by them.
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("app.orders")}));
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("app.orders")}));
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("SELECT count(nextval('app.invoice_no')) FROM generate_series(1, 300)"),
         QStringLiteral("SELECT count(nextval('app.countdown')) FROM generate_series(1, 40)"),
         QStringLiteral("SELECT count(nextval('app.own_higher')) FROM generate_series(1, 10)"),
         QStringLiteral("INSERT INTO app.orders (note) SELECT 'o' || g FROM generate_series(1, "
                        "250) g")}));
    QVERIFY_RESULT(f.startWorker(f.rootIni()));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), kWaitMs));
    QVERIFY_RESULT(f.waitFor(
        f.leafAdminDb(),
        QStringLiteral("SELECT (SELECT last_value = 300 AND is_called FROM app.invoice_no) AND "
                       "(SELECT last_value = 250 FROM app.orders_id_seq) AND (SELECT last_value "
                       "= -40 FROM app.countdown)"),
        kWaitMs));
    // Never backwards: the leaf's own higher value stays.
    auto own = f.value(f.leafAdminDb(), QStringLiteral("SELECT last_value FROM app.own_higher"));
    QVERIFY_RESULT(own);
    QCOMPARE(*own, QStringLiteral("1000000"));

    // And it keeps following while the worker runs.
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("SELECT count(nextval('app.invoice_no')) FROM generate_series(1, 50)"),
         QStringLiteral("INSERT INTO app.orders (note) VALUES ('one more')")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT (SELECT last_value = 350 FROM "
                                            "app.invoice_no) AND (SELECT last_value = 251 FROM "
                                            "app.orders_id_seq)"),
                             kWaitMs));
    own = f.value(f.leafAdminDb(), QStringLiteral("SELECT last_value FROM app.own_higher"));
    QVERIFY_RESULT(own);
    QCOMPARE(*own, QStringLiteral("1000000"));
}

void TestSequences::seqsShowsBothSides()
{
    CascadeFixture &f = *m_f;
    const FerryRun root = f.ferry({f.rootIni(), QStringLiteral("seqs")});
    QCOMPARE(root.exitCode, 0);
    QVERIFY2(root.out.startsWith(QStringLiteral("Sequences on node root\nsequence")),
             qPrintable(root.out));
    QCOMPARE(root.out.count(QStringLiteral("app.")), 6);
    QCOMPARE(seqsLine(f.rootIni(), QStringLiteral("app.invoice_no")),
             QStringLiteral("app.invoice_no 350 350 ok"));
    // Nothing handed out on the root yet.
    QCOMPARE(seqsLine(f.rootIni(), QStringLiteral("app.locked")),
             QStringLiteral("app.locked - - ok"));

    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.invoice_no")),
             QStringLiteral("app.invoice_no 350 350 ok"));
    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.countdown")),
             QStringLiteral("app.countdown -40 -40 ok"));
    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.own_higher")),
             QStringLiteral("app.own_higher 10 1000000 ok"));
    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.orders_id_seq")),
             QStringLiteral("app.orders_id_seq 251 251 ok"));
}

void TestSequences::removeSeqStopsUpdates()
{
    CascadeFixture &f = *m_f;
    refused({f.leafIni(), QStringLiteral("remove-seq"), QStringLiteral("app.nosuch")},
            QStringLiteral("node leaf does not replicate a sequence app.nosuch"));
    auto removed
        = f.ferryOk({f.leafIni(), QStringLiteral("remove-seq"), QStringLiteral("app.invoice_no")});
    QVERIFY_RESULT(removed);
    QCOMPARE(removed->out, QStringLiteral("Sequence removed: app.invoice_no\n"));
    QVERIFY_RESULT(f.run(
        f.rootDb(),
        {QStringLiteral("SELECT count(nextval('app.invoice_no')) FROM generate_series(1, 50)"),
         QStringLiteral("SELECT count(nextval('app.countdown')) FROM generate_series(1, 5)")}));
    // A round that read the root after both moved has set app.countdown...
    QVERIFY_RESULT(f.waitFor(
        f.leafAdminDb(), QStringLiteral("SELECT last_value = -45 FROM app.countdown"), kWaitMs));
    // ... and left app.invoice_no where it was; the sequence itself stays.
    auto invoice
        = f.value(f.leafAdminDb(), QStringLiteral("SELECT last_value FROM app.invoice_no"));
    QVERIFY_RESULT(invoice);
    QCOMPARE(*invoice, QStringLiteral("350"));
    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.invoice_no")), QString());
    // The root still has it.
    QCOMPARE(seqsLine(f.rootIni(), QStringLiteral("app.invoice_no")),
             QStringLiteral("app.invoice_no 400 400 ok"));
}

void TestSequences::droppedSequencesLeaveTablesReplicating()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {QStringLiteral("DROP SEQUENCE app.own_higher"),
                                           QStringLiteral("REVOKE USAGE ON SCHEMA side FROM "
                                                          "seq_leaf")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("SELECT nextval('side.counter')")}));
    // No longer replicated by the root: the leaf says so, and keeps it.
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("remove-seq"), QStringLiteral("app.locked")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("DROP SEQUENCE app.countdown")}));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("INSERT INTO app.orders (note) SELECT 'p' "
                                                     "|| g FROM generate_series(1, 20) g")}));
    // The tables go on, and so does every other sequence.
    QVERIFY_RESULT(f.waitSynced(QStringLiteral("leaf"), QStringLiteral("q"), kWaitMs));
    auto diff = f.compare(QStringLiteral("app.orders"));
    QVERIFY_RESULT(diff);
    QVERIFY2(diff->isEmpty(), qPrintable(*diff));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT last_value = 271 FROM app.orders_id_seq"),
                             kWaitMs));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT count(*) = 4 FROM ferry.node_sequence WHERE "
                                            "problem IS NOT NULL"),
                             kWaitMs));

    // Each is named in the log, with what to do (once: checked again at the
    // end, after many more rounds), and in `seqs`.
    const QString missing
        = QStringLiteral("sequence app.own_higher does not exist on node leaf: create it there "
                         "(CREATE SEQUENCE app.own_higher), or remove-seq app.own_higher");
    const QString dropped = QStringLiteral("sequence app.countdown was dropped on the root");
    QTRY_COMPARE_WITH_TIMEOUT(f.logOf(f.leafIni()).count(missing), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(f.logOf(f.leafIni()).count(dropped), 1, kWaitMs);
    const QString schema = QStringLiteral("role seq_leaf may not use schema side on node leaf, "
                                          "which holds sequence side.counter: GRANT USAGE ON "
                                          "SCHEMA side TO seq_leaf");
    QTRY_COMPARE_WITH_TIMEOUT(f.logOf(f.leafIni()).count(schema), 1, kWaitMs);
    QVERIFY2(seqsLine(f.leafIni(), QStringLiteral("app.locked"))
                 .endsWith(QStringLiteral("ERR: the root no longer replicates sequence app.locked: "
                                          "remove-seq app.locked here (and add-seq it again once "
                                          "the root replicates it again)")),
             qPrintable(seqsLine(f.leafIni(), QStringLiteral("app.locked"))));
    QVERIFY2(seqsLine(f.leafIni(), QStringLiteral("app.own_higher"))
                 .startsWith(QStringLiteral("app.own_higher 10 - ERR: ") + missing),
             qPrintable(seqsLine(f.leafIni(), QStringLiteral("app.own_higher"))));
    // The root's last value the leaf knows stays shown.
    QVERIFY2(seqsLine(f.leafIni(), QStringLiteral("app.countdown"))
                 .startsWith(QStringLiteral("app.countdown -45 -45 ERR: ") + dropped),
             qPrintable(seqsLine(f.leafIni(), QStringLiteral("app.countdown"))));
    QVERIFY2(seqsLine(f.rootIni(), QStringLiteral("app.countdown"))
                 .startsWith(QStringLiteral("app.countdown - - ERR: ") + dropped),
             qPrintable(seqsLine(f.rootIni(), QStringLiteral("app.countdown"))));

    // Made again on the root and added there again: the leaf follows it.
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("CREATE SEQUENCE app.countdown INCREMENT -1 "
                                                     "START -100")}));
    auto again
        = f.ferryOk({f.rootIni(), QStringLiteral("add-seq"), QStringLiteral("app.countdown")});
    QVERIFY_RESULT(again);
    QCOMPARE(again->out, QStringLiteral("Sequence added: app.countdown\n"));
    QVERIFY_RESULT(f.run(f.rootDb(), {QStringLiteral("SELECT nextval('app.countdown')")}));
    QVERIFY_RESULT(f.waitFor(
        f.leafAdminDb(), QStringLiteral("SELECT last_value = -100 FROM app.countdown"), kWaitMs));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT problem IS NULL FROM ferry.node_sequence WHERE "
                                            "dest_name = 'countdown'"),
                             kWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(
        f.logOf(f.leafIni())
            .contains(QStringLiteral("sequence app.countdown follows the root's value again")),
        kWaitMs);
    QCOMPARE(f.logOf(f.leafIni()).count(missing), 1);
    QCOMPARE(f.logOf(f.leafIni()).count(dropped), 1);
}

void TestSequences::promotedLeafReusesNoId()
{
    CascadeFixture &f = *m_f;
    // The leaf takes writes on its own (remove-table lifts the guard): its
    // next order id is past every id the root handed out.
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("remove-table"), QStringLiteral("app.orders")}));
    auto id = f.value(f.leafDb(), QStringLiteral("INSERT INTO app.orders (note) VALUES "
                                                 "('promoted') RETURNING id"));
    QVERIFY_RESULT(id);
    QCOMPARE(*id, QStringLiteral("272"));
}

void TestSequences::dropNodeForgetsSequences()
{
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.stopWorker(f.leafIni()));
    // Set back by hand while no worker runs: `seqs` says so.
    QVERIFY_RESULT(
        f.run(f.leafAdminDb(), {QStringLiteral("SELECT setval('app.orders_id_seq', 5)")}));
    QCOMPARE(seqsLine(f.leafIni(), QStringLiteral("app.orders_id_seq")),
             QStringLiteral("app.orders_id_seq 271 5 behind (the worker sets it)"));

    QVERIFY_RESULT(f.ferryOk({f.leafIni(), QStringLiteral("drop-node"), QStringLiteral("leaf")}));
    auto left
        = f.value(f.leafAdminDb(), QStringLiteral("SELECT count(*) FROM ferry.node_sequence"));
    QVERIFY_RESULT(left);
    QCOMPARE(*left, QStringLiteral("0"));
    // The sequences and their values stay.
    auto value
        = f.value(f.leafAdminDb(), QStringLiteral("SELECT last_value FROM app.orders_id_seq"));
    QVERIFY_RESULT(value);
    QCOMPARE(*value, QStringLiteral("5"));
}

void TestSequences::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestSequences)
#include "tst_sequences.moc"
