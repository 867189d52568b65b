#include "common/loginadvice.h"

#include "common/connectadvice.h"

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
    // Where the password is not what failed (no pg_hba.conf line, no such
    // role, a role without LOGIN), the cause's own advice.
    const ConnectFailure failure = classifyConnectFailure(error);
    const bool password = failure == ConnectFailure::NoPassword
                          || failure == ConnectFailure::WrongPassword
                          || failure == ConnectFailure::Other;
    const QString advice
        = password
              ? refused()
              : tr("authentication failed — %1 Then press Refresh.").arg(connectAdvice(failure));
    const QString why = reason(error);
    return why.isEmpty() ? advice : tr("%1 (%2)").arg(advice, why);
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
