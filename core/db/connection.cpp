#include "connection.h"

#include "db/connectfailure.h"
#include "db/connectgate.h"

#include "util/logging.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <vector>

namespace ferry {

// Server NOTICE/WARNING messages go to Ferry's log instead of libpq's stderr.
struct Connection::NoticeSink
{
    QString name;
    static void receive(void *arg, const PGresult *result)
    {
        auto *sink = static_cast<NoticeSink *>(arg);
        // The message starts with its severity ("NOTICE:  ...").
        const QString text = QString::fromUtf8(PQresultErrorMessage(result)).simplified();
        // WARNING, and FATAL/PANIC sent as a notice while the server ends
        // the session, are worth a warning; NOTICE and the like are not.
        const QByteArray severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity == "WARNING" || severity == "FATAL" || severity == "PANIC")
            qCWarning(lcDb).noquote() << sink->name << text;
        else
            qCInfo(lcDb).noquote() << sink->name << text;
    }
};

void Connection::Finish::operator()(pg_conn *conn) const
{
    PQfinish(conn);
}

void CancelHandle::Free::operator()(pg_cancel *cancel) const
{
    PQfreeCancel(cancel);
}

CancelHandle::CancelHandle(pg_cancel *cancel)
    : m_cancel(cancel, Free())
{}

Result<void> CancelHandle::cancel() const
{
    if (!m_cancel)
        return Error(ErrorKind::Internal, QStringLiteral("no connection to cancel"));
    char message[256] = {};
    if (!PQcancel(m_cancel.get(), message, sizeof message))
        return Error(ErrorKind::Connection,
                     QStringLiteral("cancel request failed: %1").arg(QString::fromUtf8(message)));
    return {};
}

Connection::Connection(ConnectionString connectionString)
    : m_connectionString(std::move(connectionString))
    , m_notices(std::make_unique<NoticeSink>())
{
    m_notices->name = m_connectionString.displayName();
}

Connection::Connection(Connection &&other) noexcept = default;
Connection &Connection::operator=(Connection &&other) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::open(const QString &connectionString)
{
    auto parsed = ConnectionString::parse(connectionString);
    if (!parsed)
        return parsed.error();
    return open(parsed.value());
}

Result<Connection> Connection::open(const ConnectionString &connectionString)
{
    const auto connect = [&connectionString]() -> Result<Connection> {
        Connection c(connectionString);
        if (auto r = c.connect(); !r)
            return r.error();
        return c;
    };
    if (ConnectGate::inScope())
        return ConnectGate::instance().open(connectionString, connect);
    return connect();
}

namespace {

struct SessionParam
{
    const char *keyword;
    const char *value;
};

// What every session sets itself, so libpq takes none of these from PG*
// variables or a service file. Before the string: it may override them.
// TCP keepalives notice a peer that vanished (a pulled cable, a killed VM)
// within about a minute instead of the kernel's two hours.
constexpr SessionParam kBeforeString[] = {
    {"connect_timeout", "10"}, {"fallback_application_name", "ferry"},
    {"keepalives_idle", "30"}, {"keepalives_interval", "10"},
    {"keepalives_count", "3"},
};
// After the string: they override it (options: sessionOptions()).
constexpr SessionParam kAfterString[] = {{"client_encoding", "UTF8"}, {"options", nullptr}};

// The user's own server options: the string's `options`, else PGOPTIONS
// (never a service file's), trimmed.
QString userOptions(const ConnectionString &connectionString)
{
    if (connectionString.contains(QStringLiteral("options")))
        return connectionString.value(QStringLiteral("options")).trimmed();
    return QString::fromLocal8Bit(qgetenv("PGOPTIONS")).trimmed();
}

} // namespace

ConnectionString Connection::sessionConnectionString(const ConnectionString &connectionString)
{
    QStringList setHere;
    for (const SessionParam &param : kBeforeString)
        setHere << QLatin1String(param.keyword);
    for (const SessionParam &param : kAfterString)
        setHere << QLatin1String(param.keyword);
    ConnectionString completed = connectionString.withEnvironment(setHere);
    // The options sessionOptions() starts from.
    if (!connectionString.contains(QStringLiteral("options"))) {
        if (const QString options = userOptions(connectionString); !options.isEmpty())
            completed.set(QStringLiteral("options"), options);
    }
    // In libpq's order, as a config that holds it reads back.
    if (auto ordered = ConnectionString::parse(completed.toString()))
        return *ordered;
    return completed;
}

QString Connection::sessionOptions(const ConnectionString &connectionString)
{
    const QString user = userOptions(connectionString);
    // Strings in Ferry's SQL (and in a user's row condition, which Ferry's
    // lexer reads) mean what the standard says, whatever the database sets.
    const QString pinned
        = QStringLiteral("-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on");
    return user.isEmpty() ? pinned : user + QLatin1Char(' ') + pinned;
}

Result<void> Connection::connect()
{
    // Defaults first: with expand_dbname the user's own settings, expanded
    // from the "dbname" entry, override them.
    const QByteArray conninfo = m_connectionString.toString().toUtf8();
    // After dbname, so the user's string cannot override them (libpq keeps
    // the last value of a keyword): every Ferry session speaks UTF-8 (R5),
    // whatever client_encoding the string or PGCLIENTENCODING asks for, and
    // resolves names only in pg_catalog and its own temporary schema (R4),
    // so a function or operator another role put in a schema of the search
    // path (public, before PostgreSQL 15) is never picked instead of the
    // built-in one. The user's own server options are kept in front.
    const QByteArray options = sessionOptions(m_connectionString).toUtf8();
    std::vector<const char *> keywords;
    std::vector<const char *> values;
    for (const SessionParam &param : kBeforeString) {
        keywords.push_back(param.keyword);
        values.push_back(param.value);
    }
    keywords.push_back("dbname");
    values.push_back(conninfo.constData());
    for (const SessionParam &param : kAfterString) {
        keywords.push_back(param.keyword);
        values.push_back(qstrcmp(param.keyword, "options") == 0 ? options.constData()
                                                                : param.value);
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    // The old session goes first: it may hold locks the new one must take.
    m_conn.reset();
    m_conn.reset(PQconnectdbParams(keywords.data(), values.data(), 1));
    if (!m_conn)
        return Error(ErrorKind::Internal, QStringLiteral("out of memory opening a connection"));
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
        Error e = connectionError(QStringLiteral("could not connect"));
        // libpq's words say what failed; the hint says what to do (ferry prints
        // it after them). A refused login is no lost link: trying again as is
        // fails again (and may lock the role out).
        const ConnectFailure failure = classifyConnectFailure(e.message());
        e.withHint(connectFailureAdvice(failure));
        if (PQconnectionNeedsPassword(m_conn.get()) || isRefusedLogin(failure))
            e.withKind(ErrorKind::Auth);
        m_conn.reset();
        return e;
    }
    PQsetNoticeReceiver(m_conn.get(), &NoticeSink::receive, m_notices.get());
    return {};
}

bool Connection::isOpen() const
{
    return m_conn && PQstatus(m_conn.get()) == CONNECTION_OK;
}

int Connection::serverVersion() const
{
    return m_conn ? PQserverVersion(m_conn.get()) : 0;
}

int Connection::backendPid() const
{
    return m_conn ? PQbackendPID(m_conn.get()) : 0;
}

Result<void> Connection::reconnect()
{
    if (auto r = connect(); !r)
        return r;
    const QStringList channels = m_listening;
    m_listening.clear();
    for (const QString &channel : channels) {
        if (auto r = listen(channel); !r)
            return r;
    }
    qCInfo(lcDb).noquote() << "reconnected to" << maskedConnectionString();
    return {};
}

QString Connection::scrub(const QString &message) const
{
    QString text = message;
    for (const auto &key : {QStringLiteral("password"), QStringLiteral("sslpassword")}) {
        const QString secret = m_connectionString.value(key);
        if (secret.size() >= 3)
            text.replace(secret, QStringLiteral("********"));
    }
    return text;
}

Error Connection::connectionError(const QString &what) const
{
    const QString libpqMessage = m_conn ? QString::fromUtf8(PQerrorMessage(m_conn.get()))
                                        : QStringLiteral("connection is closed");
    Error e(ErrorKind::Connection, scrub(libpqMessage).trimmed());
    e.withContext(QStringLiteral("%1 to %2").arg(what, maskedConnectionString()));
    return e;
}

Error Connection::resultError(pg_result *result) const
{
    if (!result || !isOpen()) {
        // The link broke: libpq's message says why; no SQLSTATE is reliable here.
        QString message = result ? QString::fromUtf8(PQresultErrorMessage(result)) : QString();
        if (message.trimmed().isEmpty() && m_conn)
            message = QString::fromUtf8(PQerrorMessage(m_conn.get()));
        Error e(ErrorKind::Connection, scrub(message).trimmed());
        e.withContext(QStringLiteral("connection to %1 lost").arg(displayName()));
        return e;
    }
    Error e = Error::fromServer(
        QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE)),
        scrub(QString::fromUtf8(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY))),
        scrub(QString::fromUtf8(PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))),
        scrub(QString::fromUtf8(PQresultErrorField(result, PG_DIAG_MESSAGE_HINT))));
    e.withServerContext(scrub(QString::fromUtf8(PQresultErrorField(result, PG_DIAG_CONTEXT))));
    e.withContext(displayName());
    return e;
}

Result<QueryResult> Connection::checkResult(pg_result *raw)
{
    QueryResult result(raw); // owns raw from here on, whatever happens next
    if (!raw)
        return resultError(nullptr);
    switch (PQresultStatus(raw)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return result;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH: {
        // COPY must go through the streaming helpers; leave the connection
        // usable. In COPY OUT state PQgetResult would keep answering COPY_OUT,
        // so the data has to be read (and dropped) first.
        if (PQresultStatus(raw) == PGRES_COPY_IN) {
            PQputCopyEnd(m_conn.get(), "COPY is not supported by exec()");
        } else {
            char *buffer = nullptr;
            while (PQgetCopyData(m_conn.get(), &buffer, 0) > 0)
                PQfreemem(buffer);
        }
        while (PGresult *rest = PQgetResult(m_conn.get()))
            PQclear(rest);
        return Error(ErrorKind::Internal,
                     QStringLiteral("COPY run through exec(); use copyBetween()"));
    }
    default:
        return resultError(raw);
    }
}

Result<QueryResult> Connection::exec(const QString &sql)
{
    if (!m_conn)
        return connectionError(QStringLiteral("not connected"));
    return checkResult(PQexec(m_conn.get(), sql.toUtf8().constData()));
}

Result<QueryResult> Connection::exec(const QString &sql, const QVariantList &params)
{
    if (!m_conn)
        return connectionError(QStringLiteral("not connected"));
    std::vector<QByteArray> storage;
    std::vector<const char *> values;
    storage.reserve(params.size());
    values.reserve(params.size());
    for (const QVariant &v : params) {
        if (v.isNull()) {
            values.push_back(nullptr);
            continue;
        }
        switch (v.typeId()) {
        case QMetaType::Bool:
            storage.push_back(v.toBool() ? QByteArrayLiteral("t") : QByteArrayLiteral("f"));
            break;
        case QMetaType::QByteArray:
            storage.push_back(v.toByteArray());
            break;
        case QMetaType::QDateTime:
            storage.push_back(v.toDateTime().toString(Qt::ISODateWithMs).toUtf8());
            break;
        default:
            storage.push_back(v.toString().toUtf8());
            break;
        }
        values.push_back(storage.back().constData());
    }
    return checkResult(PQexecParams(m_conn.get(), sql.toUtf8().constData(), int(values.size()),
                                    nullptr, values.data(), nullptr, nullptr, 0));
}

QString Connection::quoteIdentifier(const QString &identifier) const
{
    const QByteArray raw = identifier.toUtf8();
    char *quoted
        = m_conn ? PQescapeIdentifier(m_conn.get(), raw.constData(), size_t(raw.size())) : nullptr;
    if (!quoted) {
        // No connection (or invalid encoding): the standard rule, which is
        // what libpq does for UTF-8 as well.
        QString q = identifier;
        q.replace(QLatin1Char('"'), QLatin1String("\"\""));
        return QLatin1Char('"') + q + QLatin1Char('"');
    }
    QString result = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return result;
}

QString Connection::quoteLiteral(const QString &text) const
{
    const QByteArray raw = text.toUtf8();
    char *quoted
        = m_conn ? PQescapeLiteral(m_conn.get(), raw.constData(), size_t(raw.size())) : nullptr;
    if (!quoted) {
        // No connection: the standard rule, with E'' where a backslash needs it.
        QString q = text;
        q.replace(QLatin1Char('\''), QLatin1String("''"));
        if (q.contains(QLatin1Char('\\'))) {
            q.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
            return QStringLiteral(" E'") + q + QLatin1Char('\'');
        }
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    }
    QString result = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return result;
}

QString Connection::quoteQualified(const QString &schema, const QString &name) const
{
    if (schema.isEmpty())
        return quoteIdentifier(name);
    return quoteIdentifier(schema) + QLatin1Char('.') + quoteIdentifier(name);
}

Result<void> Connection::listen(const QString &channel)
{
    auto r = exec(QStringLiteral("LISTEN ") + quoteIdentifier(channel));
    if (!r)
        return r.error();
    if (!m_listening.contains(channel))
        m_listening.append(channel);
    return {};
}

Result<void> Connection::unlisten(const QString &channel)
{
    auto r = exec(QStringLiteral("UNLISTEN ") + quoteIdentifier(channel));
    if (!r)
        return r.error();
    m_listening.removeAll(channel);
    return {};
}

std::optional<Notification> Connection::takeNotification()
{
    PGnotify *n = PQnotifies(m_conn.get());
    if (!n)
        return std::nullopt;
    Notification result{QString::fromUtf8(n->relname), QString::fromUtf8(n->extra), n->be_pid};
    PQfreemem(n);
    return result;
}

Result<std::optional<Notification>> Connection::waitForNotification(int timeoutMs)
{
    if (!isOpen())
        return connectionError(QStringLiteral("cannot wait for notifications"));
    // A notification may already sit in libpq's buffer from an earlier query.
    if (auto n = takeNotification())
        return std::optional<Notification>(std::move(n));

    QElapsedTimer clock;
    clock.start();
    for (;;) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0)
            return std::optional<Notification>();
        pollfd pfd{PQsocket(m_conn.get()), POLLIN, 0};
        const int ready = ::poll(&pfd, 1, int(left));
        if (ready < 0 && errno != EINTR)
            return Error(ErrorKind::Io,
                         QStringLiteral("poll failed while waiting for a notification"));
        if (ready <= 0)
            continue;
        if (!PQconsumeInput(m_conn.get()) || PQstatus(m_conn.get()) != CONNECTION_OK)
            return connectionError(
                QStringLiteral("lost connection while waiting for a notification"));
        if (auto n = takeNotification())
            return std::optional<Notification>(std::move(n));
    }
}

CancelHandle Connection::cancelHandle() const
{
    return CancelHandle(m_conn ? PQgetCancel(m_conn.get()) : nullptr);
}

} // namespace ferry
