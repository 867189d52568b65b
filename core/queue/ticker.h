#pragma once

#include "db/connection.h"
#include "util/refusedlogin.h"

#include <QStringList>

#include <atomic>

namespace ferry {

struct TickerOptions
{
    // How often the ticker asks each queue whether a tick is due. When a tick
    // is due is each queue's own setting (tick_period 1 s, idle_period 60 s,
    // tick_max_events 500 by default, as pgqd's); asking more often than
    // tick_period only lets tick_max_events cut the wait short.
    int pollMs = 200;
    // Rotation, truncation of consumed event tables, removal of old ticks.
    int maintenanceMs = 30000;
    // Back-off after a connection error: doubles from min to max.
    int retryMinMs = 500;
    int retryMaxMs = 30000;
    // A refused login is said once and tried again this rarely (see RefusedLogin).
    int authRetryMs = RefusedLogin::kRetryMs;
    // Empty: every queue of the database, re-read at each maintenance round.
    QStringList queues;
};

struct MaintenanceReport
{
    int rotations = 0;
    int truncatedTables = 0;
    qint64 deletedTicks = 0;
    QStringList tableChanges; // tables forgotten or whose capture was regenerated
};

// The ticker of one database (pgqd's job): puts ticks and runs queue
// maintenance. Runs inside the root's worker or as `ferry INI ticker`. Owns
// its connection; call it from one thread. run() survives connection loss:
// it logs the error with the masked connection string, waits with back-off
// and reconnects; a refused login it logs once and tries every authRetryMs.
class Ticker
{
public:
    Ticker(ConnectionString connectionString, TickerOptions options = {});

    // One round over the queues; returns the ids of the ticks it put.
    Result<QList<qint64>> tickOnce();
    Result<MaintenanceReport> maintainOnce();
    // Loops until stop becomes true (checked at least every 100 ms).
    void run(const std::atomic_bool &stop);

private:
    Result<void> ensureConnected();
    Result<void> configureSession();
    Result<QStringList> queueNames();

    ConnectionString m_connectionString;
    TickerOptions m_options;
    std::optional<Connection> m_connection;
    QStringList m_queues;
};

} // namespace ferry
