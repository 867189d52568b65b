#include "processmemory.h"

#include <QByteArray>
#include <QFile>
#include <QList>

namespace ferry::test {

namespace {

qint64 statusFieldKb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

qint64 currentRssKb()
{
    return statusFieldKb("VmRSS:");
}

qint64 peakRssKb()
{
    return statusFieldKb("VmHWM:");
}

bool resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

} // namespace ferry::test
