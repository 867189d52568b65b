#pragma once

#include "db/connection.h"

#include <QString>
#include <QStringList>

namespace ferry::test {

// A finished run of the `ferry` binary (FERRY_CLI, set by CMake per test).
struct FerryRun
{
    int exitCode = -1; // -1: did not finish in time, -2: crashed
    QString out;
    QString err;
    qint64 elapsedMs = 0;
};

// Runs `ferry ARGS` and waits for it (killed after timeoutMs).
FerryRun runFerry(const QString &ferryBinary, const QStringList &arguments, int timeoutMs = 60000);

// Alive and not a zombie (a daemon's parent may be an init that reaps late).
bool processAlive(qint64 pid);

QString readText(const QString &path);
bool writeText(const QString &path, const QString &text);

// The seed's four tables in schema digoal_01 (bench/workload/schema.sql):
// with the 200k users and sessions, or empty (for a leaf).
Result<void> createSeedSchema(Connection &db, bool withData);

// Row-by-row equality of one table on two databases: the same rows, each
// compared as text, ordered by the primary key. Returns a description of
// the first difference, or an empty string when equal.
Result<QString> compareTables(Connection &a, Connection &b, const QString &qualifiedTable);

} // namespace ferry::test
