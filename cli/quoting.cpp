#include "quoting.h"

#include "db/connectionstring.h"

namespace ferry::cli {

QString quoteArgument(const QString &argument)
{
    const QString masked = ConnectionString::maskText(argument);
    QString text = QStringLiteral("'");
    for (const QChar c : masked) {
        // A newline or escape sequence in an argument must not break the line.
        if (c.category() == QChar::Other_Control)
            text += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            text += c;
    }
    text += QLatin1Char('\'');
    return text;
}

} // namespace ferry::cli
