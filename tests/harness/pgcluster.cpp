#include "pgcluster.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QVersionNumber>

#include "db/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

namespace ferry::test {

namespace {

QMutex &registryMutex()
{
    static QMutex m;
    return m;
}

std::set<PgCluster *> &registry()
{
    static std::set<PgCluster *> r;
    return r;
}

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

// A port the kernel just handed out on loopback; free unless someone races us,
// which start() handles by trying again.
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

Result<void> giveToServerUser(const QString &path)
{
    if (!runningAsRoot())
        return {};
    const passwd *pw = ::getpwnam("postgres");
    if (!pw)
        return Error(ErrorKind::Io,
                     QStringLiteral("running as root but there is no 'postgres' OS user; "
                                    "install the postgresql package"));
    if (::chown(QFile::encodeName(path).constData(), pw->pw_uid, pw->pw_gid) != 0)
        return Error(ErrorKind::Io, QStringLiteral("cannot chown %1 to postgres").arg(path));
    return {};
}

} // namespace

PgCluster::PgCluster(QStringList extraSettings)
    : m_extraSettings(std::move(extraSettings))
{
    QMutexLocker lock(&registryMutex());
    if (registry().empty()) {
        static bool hooked = false;
        if (!hooked) {
            std::atexit(&PgCluster::stopAll);
            hooked = true;
        }
    }
    registry().insert(this);
}

PgCluster::~PgCluster()
{
    if (m_running)
        (void)stop(QStringLiteral("immediate"));
    if (!m_dir.isEmpty())
        QDir(m_dir).removeRecursively();
    QMutexLocker lock(&registryMutex());
    registry().erase(this);
}

void PgCluster::stopAll()
{
    QMutexLocker lock(&registryMutex());
    for (PgCluster *c : registry()) {
        if (c->m_running)
            (void)c->stop(QStringLiteral("immediate"));
        if (!c->m_dir.isEmpty())
            QDir(c->m_dir).removeRecursively();
        c->m_dir.clear();
    }
}

QString PgCluster::testRoot()
{
    const QString fromEnv = qEnvironmentVariable("FERRY_TEST_ROOT");
    return fromEnv.isEmpty() ? QDir::tempPath() + QStringLiteral("/ferry-tests") : fromEnv;
}

QString PgCluster::binDirectory()
{
    const QString fromEnv = qEnvironmentVariable("FERRY_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    QVersionNumber best;
    QString bestDir;
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QVersionNumber v = QVersionNumber::fromString(entry);
        const QString dir = root.filePath(entry) + QStringLiteral("/bin");
        if (!v.isNull() && v > best && QFile::exists(dir + QStringLiteral("/initdb"))) {
            best = v;
            bestDir = dir;
        }
    }
    return bestDir;
}

QString PgCluster::connectionString(const QString &database) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=%2")
        .arg(m_port)
        .arg(database);
}

Result<QString>
PgCluster::runAsServerUser(const QString &program, const QStringList &args, int timeoutMs)
{
    const QString binDir = binDirectory();
    if (binDir.isEmpty())
        return Error(ErrorKind::Io, QStringLiteral("no PostgreSQL server binaries found under "
                                                   "/usr/lib/postgresql; run ./run deps"));
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir);
    const QString exe = binDir + QLatin1Char('/') + program;
    if (runningAsRoot())
        p.start(
            QStringLiteral("runuser"),
            QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), exe}
                + args);
    else
        p.start(exe, args);
    if (!p.waitForStarted(10000))
        return Error(ErrorKind::Io, QStringLiteral("cannot start %1").arg(exe));
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return Error(ErrorKind::Io, QStringLiteral("%1 timed out").arg(program));
    }
    const QString output = QString::fromLocal8Bit(p.readAll());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error(ErrorKind::Io, QStringLiteral("%1 failed (exit %2): %3")
                                        .arg(program)
                                        .arg(p.exitCode())
                                        .arg(output.trimmed()));
    return output;
}

Result<void> PgCluster::initDb()
{
    const QString root = testRoot();
    if (!QDir().mkpath(root))
        return Error(ErrorKind::Io, QStringLiteral("cannot create %1").arg(root));
    // The server user must be able to reach its folder inside the root.
    QFile::setPermissions(root, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                    | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                    | QFile::ExeOther);
    QTemporaryDir dir(root + QStringLiteral("/pg-XXXXXX"));
    if (!dir.isValid())
        return Error(ErrorKind::Io, QStringLiteral("cannot create a folder in %1").arg(root));
    dir.setAutoRemove(false);
    m_dir = dir.path();
    if (auto r = giveToServerUser(m_dir); !r)
        return r;

    auto r = runAsServerUser(QStringLiteral("initdb"),
                             {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-U"),
                              QStringLiteral("postgres"), QStringLiteral("-A"),
                              QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                              QStringLiteral("--locale=C.UTF-8"), QStringLiteral("-N")},
                             120000);
    if (!r)
        return r.error();

    // Throwaway data: durability off for speed. Everything else stays default
    // so the tests see the behaviour a real server has.
    QFile conf(dataDirectory() + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::Append | QIODevice::Text))
        return Error(ErrorKind::Io, QStringLiteral("cannot append to %1").arg(conf.fileName()));
    QStringList settings = {QStringLiteral("listen_addresses = '127.0.0.1'"),
                            QStringLiteral("unix_socket_directories = '%1'").arg(m_dir),
                            QStringLiteral("fsync = off"),
                            QStringLiteral("full_page_writes = off"),
                            QStringLiteral("synchronous_commit = off"),
                            QStringLiteral("max_connections = 60"),
                            QStringLiteral("shared_buffers = 64MB"),
                            QStringLiteral("log_min_messages = warning"),
                            QStringLiteral("log_line_prefix = '%m [%p] '")};
    settings += m_extraSettings;
    conf.write((QLatin1Char('\n') + settings.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    m_initialized = true;
    return {};
}

QString PgCluster::lastLogLines() const
{
    QFile log(logFile());
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines
        = QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.mid(qMax(0, lines.size() - 5)).join(QStringLiteral(" | "));
}

Result<void> PgCluster::start()
{
    if (m_running)
        return {};
    if (!m_initialized) {
        if (auto r = initDb(); !r)
            return r;
    }
    const bool keepPort = m_port != 0; // a restarted server keeps its address
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (!keepPort || attempt > 0)
            m_port = freeLoopbackPort();
        auto r = runAsServerUser(
            QStringLiteral("pg_ctl"),
            {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-l"), logFile(),
             QStringLiteral("-o"), QStringLiteral("-p %1").arg(m_port), QStringLiteral("-w"),
             QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
            90000);
        if (r) {
            m_running = true;
            return {};
        }
        const QString log = lastLogLines();
        if (!log.contains(QLatin1String("could not bind"))
            && !log.contains(QLatin1String("in use")))
            return Error(ErrorKind::Io,
                         QStringLiteral("%1; server log: %2").arg(r.error().message(), log));
    }
    return Error(ErrorKind::Io, QStringLiteral("no free port found for the test cluster"));
}

Result<void> PgCluster::stop(const QString &mode)
{
    if (!m_running)
        return {};
    auto r = runAsServerUser(QStringLiteral("pg_ctl"),
                             {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-m"), mode,
                              QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
                              QStringLiteral("stop")},
                             90000);
    if (!r)
        return r.error();
    m_running = false;
    return {};
}

Result<void> PgCluster::createDatabase(const QString &name)
{
    auto c = Connection::open(connectionString());
    if (!c)
        return c.error();
    if (auto r = c->exec(QStringLiteral("CREATE DATABASE ") + c->quoteIdentifier(name)); !r)
        return r.error();
    return {};
}

} // namespace ferry::test
