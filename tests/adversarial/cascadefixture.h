#pragma once

// What the adversarial tests share: a root database and leaf databases in
// throwaway clusters, their CONFIG.ini files, the real `ferry` binary run
// against them, worker daemons that are always killed at the end, and the
// waits and comparisons every scenario ends with. The tests use only the
// command line and SQL, as a DBA would, so the same scenario can be run
// against an older Ferry to show what it did wrong.
//
// Test SQL is always schema-qualified (Ferry's own sessions pin their
// search_path; the sessions opened here reset it to the server's default).
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "util/result.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace ferry::test {

class CascadeFixture
{
public:
    struct Options
    {
        // The leaf databases in another cluster than the root's (a restore
        // from a backup, a root that is gone); else one cluster holds all.
        bool separateLeafCluster = false;
        QStringList leafDatabases = {QStringLiteral("leaf")};
        // CREATE DATABASE ... options for the leaves, e.g.
        // "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0".
        QString leafDatabaseOptions;
        // When set, leaf configs connect as this role: created LOGIN,
        // NOSUPERUSER, NOCREATEROLE and made the owner of every leaf
        // database (so it may install Ferry's schema there, as a DBA gives a
        // replication role its own database).
        QString leafUser;
    };

    CascadeFixture();
    explicit CascadeFixture(Options options);
    ~CascadeFixture(); // kills every worker daemon it started

    Result<void> start();

    PgCluster &rootCluster() { return *m_root; }
    PgCluster &leafCluster() { return m_leaf ? *m_leaf : *m_root; }
    // Connection strings; `user` defaults to the clusters' superuser.
    QString rootDb(const QString &user = QString()) const;
    // For the leaves, `user` defaults to Options::leafUser.
    QString leafDb(const QString &database = QStringLiteral("leaf"),
                   const QString &user = QString()) const;
    // The leaf database as the clusters' superuser, whatever leafUser is.
    QString leafAdminDb(const QString &database = QStringLiteral("leaf")) const;
    // A session for the test's own SQL, with the search_path a plain session
    // of that role gets (openUserSession).
    Result<Connection> sql(const QString &connectionString) const;
    // Runs each statement in turn on `connectionString`, each in its own
    // session; the first failure is the error, naming its statement.
    Result<void> run(const QString &connectionString, const QStringList &statements) const;
    // Runs `sql` in a new session and returns the first column of the first
    // row as text (empty when there is none).
    Result<QString> value(const QString &connectionString, const QString &sql) const;

    // Writes NAME.ini (job_name, db, queue_name, logfile, pidfile in the
    // fixture's folder) and returns its path.
    QString writeConfig(const QString &name,
                        const QString &job,
                        const QString &db,
                        const QString &queue = QStringLiteral("q"),
                        const QString &extra = QString());
    QString logOf(const QString &config) const;
    QString folder() const { return m_dir.path(); }

    FerryRun ferry(const QStringList &arguments, int timeoutMs = 60000) const;
    // ferry ARGS that must succeed; the run's stderr is in the error otherwise.
    Result<FerryRun> ferryOk(const QStringList &arguments) const;

    // create-root "root" on rootDb() with root.ini, and create-leaf for each
    // leaf database (leaf.ini for "leaf", else NAME.ini), job names
    // "root_job" and "<name>_job". The queue ticks an idle queue every
    // 200 ms, so waits are short.
    Result<void> createRootAndLeaves(const QString &queue = QStringLiteral("q"));
    QString rootIni() const { return m_rootIni; }
    // createRootAndLeaves(), add-table `tables` on the root and then the
    // leaf, both workers, and the first waitSynced() (the copies done).
    Result<void> replicate(const QStringList &tables);
    QString leafIni(const QString &database = QStringLiteral("leaf")) const;

    // `ferry -d CONFIG worker`; remembered, so it is killed at the end.
    Result<void> startWorker(const QString &config);
    // `ferry -s CONFIG worker`.
    Result<void> stopWorker(const QString &config);
    void killWorkers();

    // Forces a tick on the root and waits until the leaf's worker applied
    // it and every table of the leaf is ok with no error, for at most
    // timeoutMs. The error says what the leaf showed instead.
    // `job` is the leaf's job_name ("<leafDatabase>_job" when empty).
    Result<void> waitSynced(const QString &leafDatabase = QStringLiteral("leaf"),
                            const QString &queue = QStringLiteral("q"),
                            int timeoutMs = 30000,
                            const QString &job = QString());
    // Waits until `sql` (run on `connectionString`) returns 't'.
    Result<void>
    waitFor(const QString &connectionString, const QString &sql, int timeoutMs = 30000);

    // Row-by-row equality of root table `rootTable` and leaf table
    // `leafTable` (schema-qualified), in primary key order: empty when equal,
    // else the first difference.
    // `rootWhere` filters the root's rows (a leaf's row condition, over the
    // root's columns); `columns` compares only those (a leaf's --columns).
    Result<QString> compare(const QString &rootTable,
                            const QString &leafTable = QString(),
                            const QString &leafDatabase = QStringLiteral("leaf"),
                            const QString &rootWhere = QString(),
                            const QStringList &columns = {}) const;

private:
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<PgCluster> m_root;
    std::unique_ptr<PgCluster> m_leaf;
    QString m_rootIni;
    QStringList m_configs; // every config a worker was started for
};

} // namespace ferry::test
