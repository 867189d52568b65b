// The rate and the texts of a running copy: samples in, rows per second and the time
// left out, exactly.
#include "cascade/copyratetracker.h"

#include <QLocale>
#include <QTest>

using namespace ferry::gui;

class TestCopyRateTracker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void rateFromSuccessiveSamples();
    void copiesAreKeptApart();
    void percentAndTimeLeft_data();
    void percentAndTimeLeft();
    void shortCount_data();
    void shortCount();
    void timeLeft_data();
    void timeLeft();
};

void TestCopyRateTracker::rateFromSuccessiveSamples()
{
    CopyRateTracker t;
    const QString key = QStringLiteral("s.t#42");
    QCOMPARE(t.addSample(key, 0, 10000), std::nullopt); // one sample: no rate yet
    QCOMPARE(t.rate(key), std::nullopt);
    QCOMPARE(t.addSample(key, 1000, 11000), std::optional<double>(1000.0));
    // 2000 rows/s now, smoothed with the 1000 before.
    QCOMPARE(t.addSample(key, 3000, 12000), std::optional<double>(1500.0));
    // The same read again, or one too close to tell: the rate stays.
    QCOMPARE(t.addSample(key, 3000, 12000), std::optional<double>(1500.0));
    QCOMPARE(t.addSample(key, 3100, 12100), std::optional<double>(1500.0));
    // Measured from the last sample taken (12000): 1600 rows/s.
    QCOMPARE(t.addSample(key, 4600, 13000), std::optional<double>(1550.0));
    // A stall lowers it, it does not stop it.
    QCOMPARE(t.addSample(key, 4600, 14000), std::optional<double>(775.0));
    // Fewer rows: the table is copied again from the start.
    QCOMPARE(t.addSample(key, 100, 15000), std::nullopt);
    QCOMPARE(t.addSample(key, 600, 15500), std::optional<double>(1000.0));
}

void TestCopyRateTracker::copiesAreKeptApart()
{
    CopyRateTracker t;
    const QString a = QStringLiteral("a#1");
    const QString b = QStringLiteral("b#1");
    (void)t.addSample(a, 0, 0);
    (void)t.addSample(b, 0, 0);
    QCOMPARE(t.addSample(a, 500, 1000), std::optional<double>(500.0));
    QCOMPARE(t.addSample(b, 3000, 1000), std::optional<double>(3000.0));
    t.keepOnly({b});
    QCOMPARE(t.rate(a), std::nullopt);
    QCOMPARE(t.rate(b), std::optional<double>(3000.0));
    QCOMPARE(t.addSample(a, 900, 2000), std::nullopt); // forgotten: starts over
    t.clear();
    QCOMPARE(t.rate(b), std::nullopt);
}

void TestCopyRateTracker::percentAndTimeLeft_data()
{
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<double>("rate"); // 0: unknown
    QTest::addColumn<int>("percent");
    QTest::addColumn<QString>("bar");
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QString>("summary");

    QTest::newRow("with time left")
        << qint64(1170000) << qint64(2600000) << 119000.0 << 45
        << QStringLiteral("45% · about 13 s left") << QStringLiteral("1.2M of 2.6M")
        << QStringLiteral("45% · 1.2M of 2.6M rows · about 13 s left");
    QTest::newRow("rate unknown yet")
        << qint64(1170000) << qint64(2600000) << 0.0 << 45 << QStringLiteral("45%")
        << QStringLiteral("1.2M of 2.6M") << QStringLiteral("45% · 1.2M of 2.6M rows");
    QTest::newRow("just started") << qint64(0) << qint64(2600000) << 0.0 << 0
                                  << QStringLiteral("0%") << QStringLiteral("0 of 2.6M")
                                  << QStringLiteral("0% · 0 of 2.6M rows");
    // Never 100 before the commit.
    QTest::newRow("last rows") << qint64(2599999) << qint64(2600000) << 100000.0 << 99
                               << QStringLiteral("99% · about 1 s left")
                               << QStringLiteral("2.6M of 2.6M")
                               << QStringLiteral("99% · 2.6M of 2.6M rows · about 1 s left");
    QTest::newRow("minutes") << qint64(10000) << qint64(1000000) << 5000.0 << 1
                             << QStringLiteral("1% · about 4 min left")
                             << QStringLiteral("10.0k of 1.0M")
                             << QStringLiteral("1% · 10.0k of 1.0M rows · about 4 min left");
    // No estimate (never analyzed), or one already passed: a busy bar and the rows.
    QTest::newRow("no total") << qint64(5000) << qint64(-1) << 1000.0 << -1
                              << QStringLiteral("copying") << QStringLiteral("5,000")
                              << QStringLiteral("copying: 5,000 rows so far");
    QTest::newRow("estimate passed")
        << qint64(2700000) << qint64(2600000) << 1000.0 << -1 << QStringLiteral("copying")
        << QStringLiteral("2.7M") << QStringLiteral("copying: 2.7M rows so far");
}

void TestCopyRateTracker::percentAndTimeLeft()
{
    QFETCH(qint64, rows);
    QFETCH(qint64, total);
    QFETCH(double, rate);
    QFETCH(int, percent);
    QFETCH(QString, bar);
    QFETCH(QString, cell);
    QFETCH(QString, summary);
    const std::optional<double> r = rate > 0 ? std::optional<double>(rate) : std::nullopt;
    QCOMPARE(CopyRateTracker::percent(rows, total), percent);
    QCOMPARE(CopyRateTracker::barText(rows, total, r), bar);
    QCOMPARE(CopyRateTracker::rowsText(rows, total), cell);
    QCOMPARE(CopyRateTracker::summary(rows, total, r), summary);
}

void TestCopyRateTracker::shortCount_data()
{
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0");
    QTest::newRow("9999") << qint64(9999) << QStringLiteral("9,999");
    QTest::newRow("10000") << qint64(10000) << QStringLiteral("10.0k");
    QTest::newRow("123456") << qint64(123456) << QStringLiteral("123k");
    QTest::newRow("999499") << qint64(999499) << QStringLiteral("999k");
    QTest::newRow("999500") << qint64(999500) << QStringLiteral("1.0M");
    QTest::newRow("2600000") << qint64(2600000) << QStringLiteral("2.6M");
    QTest::newRow("345678901") << qint64(345678901) << QStringLiteral("346M");
    QTest::newRow("12345678901") << qint64(12345678901) << QStringLiteral("12.3B");
}

void TestCopyRateTracker::shortCount()
{
    QFETCH(qint64, rows);
    QFETCH(QString, text);
    QCOMPARE(CopyRateTracker::shortCount(rows), text);
}

void TestCopyRateTracker::timeLeft_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("under a second") << 0.2 << QStringLiteral("about 1 s left");
    QTest::newRow("12 s") << 11.3 << QStringLiteral("about 12 s left");
    QTest::newRow("a minute") << 60.0 << QStringLiteral("about 1 min left");
    QTest::newRow("3 min") << 150.0 << QStringLiteral("about 3 min left");
    QTest::newRow("hours") << 3900.0 << QStringLiteral("about 1 h 5 min left");
}

void TestCopyRateTracker::timeLeft()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(CopyRateTracker::timeLeft(seconds), text);
}

QTEST_GUILESS_MAIN(TestCopyRateTracker)
#include "tst_copyratetracker.moc"
