#pragma once

#include "profiles/connectionprofile.h"
#include "util/result.h"

#include <QObject>

#include <functional>

namespace ferry::gui {

// ~/.pgpass (or $PGPASSFILE), the file libpq itself reads passwords from:
// one line host:port:database:user:password per connection, ':' and '\'
// escaped with '\', mode 0600 or libpq ignores the file.
namespace PgPass {
QString path();
// Adds the profile's line or replaces its password; the file keeps every
// other line and ends up 0600. Written atomically (QSaveFile).
Result<void> store(const ConnectionProfile &profile, const QString &password);
Result<void> remove(const ConnectionProfile &profile);
// The line's fields as libpq matches them.
QString escapeField(const QString &field);
// The profile's line up to its password: "host:port:database:user:".
QString linePrefix(const ConnectionProfile &profile);
} // namespace PgPass

// Passwords in the system keychain (Secret Service, KWallet, macOS Keychain,
// Windows Credential Store) through QtKeychain, keyed by the profile's
// address. Jobs are asynchronous; `done` runs on the caller's thread with an
// error (kind Io, one line) when no keychain answers, e.g. no Secret Service
// on a headless machine: .pgpass is then the way.
class Keychain
{
public:
    // Whether a keychain answers on this desktop: Unknown until probe() or a
    // write has told. Kept for the process; every probe or write asks again.
    enum class State { Unknown, Available, Unavailable };
    static State state();
    // Why it is unavailable, one line (QtKeychain's words); empty otherwise.
    static QString unavailableReason();
    // Reads an entry no profile has: "not found" means a keychain works. Never
    // prompts where none runs; `done` runs on the caller's thread.
    static void probe(QObject *context, std::function<void()> done);

    static QString service();
    static void write(const ConnectionProfile &profile,
                      const QString &password,
                      QObject *context,
                      std::function<void(Result<void>)> done);
    static void read(const ConnectionProfile &profile,
                     QObject *context,
                     std::function<void(Result<QString>)> done);
    static void remove(const ConnectionProfile &profile);
};

} // namespace ferry::gui
