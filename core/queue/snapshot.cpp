#include "snapshot.h"

#include <QList>

#include <algorithm>

namespace ferry {

std::optional<Snapshot> Snapshot::parse(const QByteArray &text)
{
    const QList<QByteArray> parts = text.trimmed().split(':');
    if (parts.size() != 3)
        return std::nullopt;
    Snapshot s;
    bool ok1 = false;
    bool ok2 = false;
    s.xmin = parts[0].toLongLong(&ok1);
    s.xmax = parts[1].toLongLong(&ok2);
    if (!ok1 || !ok2 || s.xmin > s.xmax)
        return std::nullopt;
    if (!parts[2].isEmpty()) {
        for (const QByteArray &x : parts[2].split(',')) {
            bool ok = false;
            const qint64 id = x.toLongLong(&ok);
            if (!ok || id < s.xmin || id >= s.xmax)
                return std::nullopt;
            s.inProgress.append(id);
        }
        std::sort(s.inProgress.begin(), s.inProgress.end());
    }
    return s;
}

bool Snapshot::sees(qint64 txid) const
{
    if (txid < xmin)
        return true;
    if (txid >= xmax)
        return false;
    return !std::binary_search(inProgress.cbegin(), inProgress.cend(), txid);
}

} // namespace ferry
