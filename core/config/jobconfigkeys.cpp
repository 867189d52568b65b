#include "config/jobconfigkeys.h"

#include <algorithm>

namespace ferry::jobconfigkeys {

namespace {

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min(
                {row[j] + 1, row[j - 1] + 1, diagonal + (a.at(i - 1) == b.at(j - 1) ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

const QStringList &knownKeys()
{
    static const QStringList keys = {
        QStringLiteral("job_name"),        QStringLiteral("db"),
        QStringLiteral("queue_name"),      QStringLiteral("logfile"),
        QStringLiteral("pidfile"),         QStringLiteral("loop_delay"),
        QStringLiteral("parallel_copies"), QStringLiteral("lock_timeout"),
        QStringLiteral("ticker"),          QStringLiteral("ticker_period"),
        QStringLiteral("retry_delay"),
    };
    return keys;
}

const QHash<QString, QString> &londisteOnlyKeys()
{
    static const QHash<QString, QString> keys = {
        {QStringLiteral("compare_sql"),
         QStringLiteral("compare applies each table's mapping and condition itself")},
        {QStringLiteral("compare_fmt"), {}},
        {QStringLiteral("local_only"), {}},
        {QStringLiteral("global_wm_publish_period"), {}},
        {QStringLiteral("local_wm_publish_period"), {}},
        {QStringLiteral("consumer_name"), QStringLiteral("the consumer is named after job_name")},
        {QStringLiteral("pgq_lazy_fetch"), {}},
        {QStringLiteral("pgq_autocommit"), {}},
        {QStringLiteral("pgq_batch_collect_events"), {}},
        {QStringLiteral("pgq_batch_collect_interval"), {}},
        {QStringLiteral("pgq_keep_lag"), {}},
        {QStringLiteral("connection_lifetime"), {}},
        {QStringLiteral("use_skylog"), {}},
        {QStringLiteral("exception_sleep"), {}},
    };
    return keys;
}

QString suggestion(const QString &key)
{
    QString best;
    int bestDistance = key.size() >= 10 ? 4 : 3; // one more than allowed
    for (const QString &known : knownKeys()) {
        const int distance = editDistance(key, known);
        if (distance < bestDistance) {
            best = known;
            bestDistance = distance;
        }
    }
    return best;
}

} // namespace ferry::jobconfigkeys
