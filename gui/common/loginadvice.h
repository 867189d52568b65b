#pragma once

#include "cascade/cascadestatus.h"

#include <QCoreApplication>

namespace ferry::gui {

// What the window and the tray say when a server refused the login: what to
// do about it in the user's language, instead of libpq's words only. Nothing
// is tried there again until the user acts (ConnectGate), so the text says how.
class LoginAdvice
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::LoginAdvice)

public:
    // "authentication failed": the two words, for a short line.
    static QString failed();
    // "authentication failed — fix the password (...) and press Refresh", for a
    // node's row.
    static QString refused();
    // "Fix the password (...) and press Refresh; until then ...", a sentence for a banner.
    static QString howToFix();
    // The same, with the server's reason from `error` (one line) after it.
    static QString refused(const QString &error);
    // The server's own words at the end of a one-line error ("password
    // authentication failed for user "x"", "Connection refused ..."): the
    // part after the last ": ".
    static QString reason(const QString &error);
    // Nodes whose login was refused show the advice as their error.
    static void explain(CascadeStatus &status);
};

} // namespace ferry::gui
