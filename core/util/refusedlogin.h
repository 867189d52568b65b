#pragma once

#include "util/error.h"

#include <atomic>

namespace ferry {

// What a long-running loop (a worker, a ticker) does when its server refuses
// the login (ErrorKind::Auth): the password is wrong until someone fixes it,
// and trying every few seconds may lock an LDAP- or PAM-backed role out. So
// it says so once, not at every try, and tries again only every retryMs; a
// reload (`ferry -r`) tries at once.
class RefusedLogin
{
public:
    static constexpr int kRetryMs = 5 * 60 * 1000;

    // Logs `error` unless it is the one said last, then sleeps `retryMs`
    // (waking within 100 ms once stop is set).
    void wait(const Error &error, int retryMs, const std::atomic_bool &stop);
    // The login worked: a refusal later is said again.
    void clear() { m_said.clear(); }

private:
    QString m_said;
};

} // namespace ferry
