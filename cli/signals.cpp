#include "signals.h"

#include <csignal>

namespace ferry::cli {

namespace {

static_assert(std::atomic_bool::is_always_lock_free,
              "signal handlers may only touch lock-free atomics");

std::atomic_bool g_interrupt{false};
std::atomic_bool g_stop{false};
std::atomic_bool g_reload{false};

void onStopSignal(int)
{
    g_stop.store(true);
    g_interrupt.store(true);
}

void onReloadSignal(int)
{
    g_reload.store(true);
    g_interrupt.store(true);
}

void install(int sig, void (*handler)(int))
{
    struct sigaction action = {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(sig, &action, nullptr);
}

} // namespace

void installReloadSignalHandler()
{
    install(SIGHUP, onReloadSignal);
}

void installJobSignalHandlers()
{
    g_stop.store(false);
    g_interrupt.store(false);
    // After the store: a SIGHUP between a load and the store is not lost.
    if (g_reload.load())
        g_interrupt.store(true);
    install(SIGINT, onStopSignal);
    install(SIGTERM, onStopSignal);
    install(SIGHUP, onReloadSignal);
}

bool stopRequested()
{
    return g_stop.load();
}

bool takeReloadRequest()
{
    return g_reload.exchange(false);
}

std::atomic_bool &interruptFlag()
{
    return g_interrupt;
}

void clearInterrupt()
{
    g_interrupt.store(false);
    // A stop that arrived just before the store must not be lost.
    if (g_stop.load())
        g_interrupt.store(true);
}

} // namespace ferry::cli
