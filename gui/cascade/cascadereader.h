#pragma once

#include "cascade/cascadestatus.h"
#include "config/jobconfig.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What the window reads from the databases and the log, as plain values. These
// functions block (they connect, query and read files): the window runs them on
// QtConcurrent worker threads only, and each opens and closes its own connections,
// through the process's ConnectGate: a location that refused the login is not
// tried again until the user acts, one that failed otherwise not before its
// back-off ends (the reply then carries the error that closed it).
namespace ferry::gui {

struct StatusRequest
{
    quint64 token = 0; // answers to an older request are dropped
    JobConfig config;
    // From the last status read: where the root is and which node the config's
    // database is. Used when that database does not answer (see readStatus).
    QString rootLocation;
    QString localNode;
};

struct StatusReply
{
    quint64 token = 0;
    bool ok = false;
    CascadeStatus status;
    // Why the status could not be read from the config's database (one line, masked).
    // With ok, the status was read from the root instead and shows this node as
    // unreachable.
    QString error;
    // The error is a refused login (a wrong or missing password): nothing is
    // tried there again until the user acts.
    bool authFailed = false;
    bool viaRoot = false;
    QDateTime readAt;
};

struct DetailRequest
{
    quint64 token = 0;
    JobConfig config;
    QString node;
    QString location;   // the node's stored location (no password); unused when local
    bool local = false; // the config's own node: connect with the config's db
};

// The initial copy of a table running now, as read once (PostgreSQL 14+).
struct CopySample
{
    qint64 rows = 0;      // copied so far
    qint64 total = -1;    // the provider's estimate; -1: unknown
    qint64 sampledMs = 0; // when it was read, on a monotonic clock (for the rate)
    int backendPid = 0;
};

// One table of a node, ready to show.
struct TableRow
{
    QString name;        // source, as "schema.table" quoted where needed
    QString destination; // empty when it is the same table
    QString condition;   // a leaf's row condition; empty: every row
    QStringList columns; // the columns a leaf keeps; empty: all
    QString mergeState;  // in-copy, catching-up, ok
    qint64 copiedRows = -1;
    QString lastError;
    std::optional<CopySample> copy; // in-copy with its copy running
};

struct LogTail
{
    QString path; // empty: the config sets no logfile
    // A connection profile without CONFIG.ini: no worker log is known.
    bool noConfig = false;
    bool exists = false;
    QStringList lines; // the last lines, oldest first
    QString error;     // the file exists but could not be read
};

struct NodeDetail
{
    quint64 token = 0;
    QString node;
    bool local = false;
    bool ok = false;
    QString error; // why the tables could not be read (one line, masked)
    std::optional<NodeInfo> info;
    QList<TableRow> tables;
    std::optional<LogTail> log; // the config's own node only
    QDateTime readAt;
};

// The cascade as `ferry CONFIG.ini status` shows it. When the config's database
// does not answer and the root's location is known from an earlier read, the status
// is read from the root, so the rest of the cascade stays visible and this node shows
// as unreachable (the root cannot reach it either) or as the root sees it.
StatusReply readStatus(const StatusRequest &request);

// A node's tables (TableRegistry::list() on its own database) with the progress of the
// copies running into them (readCopyProgress, totals from the node's provider) and, for
// the config's own node, the tail of its worker's logfile.
NodeDetail readNodeDetail(const DetailRequest &request);

// The last `maxLines` lines of a text file, reading at most its last 256 KiB.
LogTail readLogTail(const QString &path, int maxLines);

// Another member's stored location (no password: .pgpass or the keychain
// supplies it), with a short connect_timeout unless the location sets one.
Result<ConnectionString> memberLocation(const QString &location);

// The logfile of the config, relative paths taken from the config's folder.
QString resolvedLogFile(const JobConfig &config);

} // namespace ferry::gui
