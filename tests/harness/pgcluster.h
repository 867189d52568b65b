#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

namespace ferry::test {

// A throwaway PostgreSQL cluster for one test: initdb into a fresh folder
// under FERRY_TEST_ROOT (as the `postgres` OS user when the test runs as
// root), listening on a free loopback port with its unix socket in that
// folder. The destructor stops the server (immediate mode) and removes the
// folder, also when the test failed; an atexit hook and the ctest cleanup
// fixture catch clusters left by a crash. Nothing here ever connects to a
// server it did not start.
class PgCluster
{
public:
    explicit PgCluster(QStringList extraSettings = {});
    ~PgCluster();
    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;

    // initdb (first time only) and start; picks another port if the chosen one was taken.
    Result<void> start();
    // pg_ctl stop -m MODE (smart | fast | immediate).
    Result<void> stop(const QString &mode = QStringLiteral("fast"));
    bool isRunning() const { return m_running; }

    Result<void> createDatabase(const QString &name);

    int port() const { return m_port; }
    QString dataDirectory() const { return m_dir + QStringLiteral("/data"); }
    QString logFile() const { return m_dir + QStringLiteral("/server.log"); }
    // host=127.0.0.1 port=N user=postgres dbname=DB
    QString connectionString(const QString &database = QStringLiteral("postgres")) const;

    // The newest server binaries installed (Debian: /usr/lib/postgresql/N/bin).
    static QString binDirectory();
    // Where every cluster of this build lives; set by CMake per build folder.
    static QString testRoot();
    // Stops every live cluster; used at exit.
    static void stopAll();

private:
    Result<QString> runAsServerUser(const QString &program, const QStringList &args, int timeoutMs);
    Result<void> initDb();
    QString lastLogLines() const;

    QStringList m_extraSettings;
    QString m_dir;
    int m_port = 0;
    bool m_initialized = false;
    bool m_running = false;
};

} // namespace ferry::test
