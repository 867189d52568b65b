#pragma once

#include <atomic>

namespace ferry::cli {

// The signals of a long-running command (`worker`, `ticker`), in one place:
//   SIGINT, SIGTERM  stop requested  (`ferry -s`, Ctrl-C, systemd)
//   SIGHUP           reload requested (`ferry -r`): re-read CONFIG.ini
// Both also raise interruptFlag(), the `const std::atomic_bool &stop` that the
// core loops poll (Ticker::run and the like return soon after it is set). A
// job body therefore runs its loop like this:
//
//     installJobSignalHandlers();
//     while (!stopRequested()) {
//         core.run(interruptFlag());   // returns on SIGINT, SIGTERM or SIGHUP
//         clearInterrupt();            // first, so no signal is lost
//         if (takeReloadRequest())
//             reloadConfig();          // log a line; keep the old one on error
//     }
//
// The handlers only store to lock-free atomics (async-signal-safe) and are
// installed with SA_RESTART, so blocking calls are not cut short by them.

// The SIGHUP handler alone, before the pidfile is written: whoever finds the
// job through it may ask for a reload while the job still connects, and that
// must not end it. The request waits until the job's loop takes it.
void installReloadSignalHandler();

// Installs the handlers (again: idempotent) and clears the stop request; a
// reload asked for since installReloadSignalHandler() stays pending (and
// raises interruptFlag(), so the first loop takes it at once).
void installJobSignalHandlers();

// True once SIGINT or SIGTERM arrived; stays true.
bool stopRequested();

// True when SIGHUP arrived since the last call; the request is consumed.
bool takeReloadRequest();

// Set by every handled signal; what the core loops poll.
std::atomic_bool &interruptFlag();

// Lowers interruptFlag() after a reload, except when a stop was requested:
// then the flag stays up, so the next loop returns at once.
void clearInterrupt();

} // namespace ferry::cli
