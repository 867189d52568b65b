// add-table on a leaf wakes the leaf's worker. An idle worker waits for its
// provider's next tick for up to loop_delay; here the root has no worker (so
// no ticker) and the leaf's loop_delay is a minute, so only the tick that
// add-table puts on the provider can start the copy within the test's wait.
#include "cascadefixture.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace ferry;
using namespace ferry::test;

class TestAddTableWakes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void copyStartsAtOnce();
    void nothingAddedPutsNoTick();
    void cleanupTestCase();

private:
    Result<qint64> ticks();

    std::unique_ptr<CascadeFixture> m_f;
};

Result<qint64> TestAddTableWakes::ticks()
{
    auto v = m_f->value(m_f->rootDb(), QStringLiteral("SELECT count(*) FROM ferry.tick"));
    if (!v)
        return v.error();
    return v->toLongLong();
}

void TestAddTableWakes::initTestCase()
{
    m_f = std::make_unique<CascadeFixture>();
    CascadeFixture &f = *m_f;
    QVERIFY_RESULT(f.start());
    const QString ddl = QStringLiteral("CREATE TABLE public.w (id int PRIMARY KEY, v int)");
    QVERIFY_RESULT(f.run(f.rootDb(), {ddl, QStringLiteral("INSERT INTO public.w SELECT g, g FROM "
                                                          "generate_series(1, 100) g")}));
    QVERIFY_RESULT(f.run(f.leafAdminDb(), {ddl}));
    QVERIFY_RESULT(f.createRootAndLeaves());
    QVERIFY_RESULT(
        f.ferryOk({f.rootIni(), QStringLiteral("add-table"), QStringLiteral("public.w")}));
    QVERIFY(writeText(f.leafIni(), readText(f.leafIni()) + QStringLiteral("\nloop_delay = 60\n")));
    QVERIFY_RESULT(f.startWorker(f.leafIni()));
    // Past its first round, in the wait for a tick.
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT worker_pid IS NOT NULL FROM ferry.node_info")));
    QThread::msleep(1500);
}

void TestAddTableWakes::copyStartsAtOnce()
{
    CascadeFixture &f = *m_f;
    QElapsedTimer clock;
    clock.start();
    QVERIFY_RESULT(
        f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.w")}));
    QVERIFY_RESULT(f.waitFor(f.leafAdminDb(),
                             QStringLiteral("SELECT merge_state = 'ok' FROM ferry.node_table WHERE "
                                            "dest_name = 'w'"),
                             20000));
    QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
    auto diff = f.compare(QStringLiteral("public.w"));
    QVERIFY_RESULT(diff);
    QCOMPARE(*diff, QString());
}

void TestAddTableWakes::nothingAddedPutsNoTick()
{
    CascadeFixture &f = *m_f;
    auto before = ticks();
    QVERIFY_RESULT(before);
    auto run = f.ferryOk({f.leafIni(), QStringLiteral("add-table"), QStringLiteral("public.w")});
    QVERIFY_RESULT(run);
    QVERIFY2(run->out.contains(QStringLiteral("Table already added: public.w")),
             qPrintable(run->out));
    auto after = ticks();
    QVERIFY_RESULT(after);
    QCOMPARE(*after, *before);
}

void TestAddTableWakes::cleanupTestCase()
{
    m_f.reset();
}

QTEST_GUILESS_MAIN(TestAddTableWakes)
#include "tst_add_table_wakes.moc"
