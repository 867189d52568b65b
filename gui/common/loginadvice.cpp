#include "common/loginadvice.h"

namespace ferry::gui {

QString LoginAdvice::failed()
{
    return tr("authentication failed");
}

QString LoginAdvice::refused()
{
    return tr("authentication failed — fix the password (File > Connection Profiles, the "
              "CONFIG.ini's db or .pgpass) and press Refresh");
}

QString LoginAdvice::howToFix()
{
    return tr("Fix the password (File > Connection Profiles, the CONFIG.ini's db or .pgpass) and "
              "press Refresh; until then Ferry does not try to log in there again.");
}

QString LoginAdvice::refused(const QString &error)
{
    const QString why = reason(error);
    return why.isEmpty() ? refused() : tr("%1 (%2)").arg(refused(), why);
}

QString LoginAdvice::reason(const QString &error)
{
    // libpq's "FATAL:  password ..." ends in two spaces after the colon.
    const qsizetype colon = error.lastIndexOf(QLatin1String(": "));
    return (colon < 0 ? error : error.mid(colon + 2)).simplified();
}

void LoginAdvice::explain(CascadeStatus &status)
{
    // NodeStateText drops the prefix: the state column says it.
    for (NodeStatus &n : status.nodes) {
        if (n.authFailed)
            n.error = QStringLiteral("unreachable: ") + refused(n.error);
    }
}

} // namespace ferry::gui
