#include "shellquote.h"

#include <QRegularExpression>

namespace ferry {

QString shellWord(const QString &word)
{
    // Characters no shell gives a meaning to in a word.
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString shellCommand(const QStringList &words)
{
    QStringList quoted;
    for (const QString &w : words)
        quoted.append(shellWord(w));
    return quoted.join(QLatin1Char(' '));
}

} // namespace ferry
