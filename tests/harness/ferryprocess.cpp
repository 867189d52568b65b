#include "ferryprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>

#include <csignal>

namespace ferry::test {

FerryRun runFerry(const QString &ferryBinary, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(ferryBinary, arguments);
    FerryRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }
    run.elapsedMs = clock.elapsed();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

bool processAlive(qint64 pid)
{
    if (pid <= 1 || ::kill(pid_t(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const qsizetype paren = text.lastIndexOf(')');
    return paren < 0 || text.mid(paren + 2, 1) != "Z";
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool writeText(const QString &path, const QString &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text.toUtf8()) >= 0;
}

Result<void> createSeedSchema(Connection &db, bool withData)
{
    QFile file(QStringLiteral(FERRY_SOURCE_DIR "/bench/workload/schema.sql"));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, QStringLiteral("cannot read %1").arg(file.fileName()));
    QString sql = QString::fromUtf8(file.readAll());
    if (!withData) {
        // Everything up to the first INSERT: the tables, no rows.
        const qsizetype insert = sql.indexOf(QStringLiteral("\nINSERT"));
        if (insert > 0)
            sql.truncate(insert);
    }
    if (auto r = db.exec(sql); !r)
        return r.error();
    return {};
}

Result<QString> compareTables(Connection &a, Connection &b, const QString &qualifiedTable)
{
    // The key order comes from the table's primary key on side a.
    auto keys = a.exec(QStringLiteral("SELECT string_agg(quote_ident(att.attname), ', ' ORDER BY "
                                      "k.ord) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) "
                                      "WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON "
                                      "att.attrelid = i.indrelid AND att.attnum = k.attnum "
                                      "WHERE i.indrelid = $1::text::regclass AND i.indisprimary"),
                       {qualifiedTable});
    if (!keys)
        return keys.error();
    const QString order = keys->text(0, 0);
    const QString sql = QStringLiteral("SELECT t::text FROM %1 t ORDER BY %2")
                            .arg(qualifiedTable, order.isEmpty() ? QStringLiteral("1") : order);
    auto ra = a.exec(sql);
    if (!ra)
        return ra.error();
    auto rb = b.exec(sql);
    if (!rb)
        return rb.error();
    const int n = qMax(ra->rowCount(), rb->rowCount());
    for (int i = 0; i < n; ++i) {
        const QString va = i < ra->rowCount() ? ra->text(i, 0) : QStringLiteral("(no row)");
        const QString vb = i < rb->rowCount() ? rb->text(i, 0) : QStringLiteral("(no row)");
        if (va != vb)
            return QStringLiteral("%1: %2 vs %3 rows; row %4 differs: %5 | %6")
                .arg(qualifiedTable)
                .arg(ra->rowCount())
                .arg(rb->rowCount())
                .arg(i)
                .arg(va, vb);
    }
    return QString();
}

} // namespace ferry::test
