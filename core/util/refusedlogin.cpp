#include "refusedlogin.h"

#include "util/logging.h"
#include "util/stoppable.h"

namespace ferry {

void RefusedLogin::wait(const Error &error, int retryMs, const std::atomic_bool &stop)
{
    const QString text = error.toString();
    if (text != m_said) {
        m_said = text;
        qCCritical(lcCore).noquote()
            << QStringLiteral("%1 - login refused: fix the password (the config's db or the "
                              ".pgpass file) and reload (ferry -r CONFIG.ini); until then it is "
                              "tried every %2 s")
                   .arg(text)
                   .arg(retryMs / 1000.0);
    }
    sleepUnlessStopped(retryMs, stop);
}

} // namespace ferry
