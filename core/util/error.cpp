#include "error.h"

#include <QRegularExpression>

namespace ferry {

Error::Error(ErrorKind kind, QString message)
    : m_kind(kind)
    , m_message(std::move(message))
{}

Error Error::fromServer(const QString &sqlState,
                        const QString &message,
                        const QString &detail,
                        const QString &hint)
{
    Error e(classify(sqlState), message.trimmed());
    e.m_sqlState = sqlState;
    e.m_detail = detail.trimmed();
    e.m_hint = hint.trimmed();
    return e;
}

Error &Error::withContext(const QString &context)
{
    m_context = m_context.isEmpty() ? context : context + QStringLiteral(": ") + m_context;
    return *this;
}

Error &Error::withServerContext(const QString &where)
{
    m_serverContext = where.trimmed();
    return *this;
}

std::optional<qint64> Error::copyLine() const
{
    static const QRegularExpression line(QStringLiteral("^COPY [^\\n]*?, line (\\d+)"));
    const auto m = line.match(m_serverContext);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1).toLongLong();
}

Error &Error::withKind(ErrorKind kind)
{
    m_kind = kind;
    return *this;
}

Error &Error::withHint(const QString &hint)
{
    m_hint = hint.trimmed();
    return *this;
}

bool Error::isTransient() const
{
    return m_kind == ErrorKind::Connection || m_kind == ErrorKind::Retry;
}

QString Error::toString() const
{
    QString text = m_context.isEmpty() ? m_message : m_context + QStringLiteral(": ") + m_message;
    if (!m_sqlState.isEmpty())
        text += QStringLiteral(" (SQLSTATE %1)").arg(m_sqlState);
    // Server and libpq messages may span lines; a log or stderr line must not.
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.simplified();
}

ErrorKind Error::classify(const QString &sqlState)
{
    if (sqlState.isEmpty())
        return ErrorKind::Connection; // libpq reports no SQLSTATE when the link itself failed
    if (sqlState.startsWith(QLatin1String("08")))
        return ErrorKind::Connection;
    if (sqlState.startsWith(QLatin1String("28")))
        return ErrorKind::Auth; // 28000 invalid authorization, 28P01 invalid password
    if (sqlState == QLatin1String("57P01") || sqlState == QLatin1String("57P02")
        || sqlState == QLatin1String("57P03"))
        return ErrorKind::Connection; // admin/crash shutdown, cannot connect now
    if (sqlState == QLatin1String("40001") || sqlState == QLatin1String("40P01"))
        return ErrorKind::Retry;
    if (sqlState == QLatin1String("57014") || sqlState == QLatin1String("55P03"))
        return ErrorKind::Canceled;
    if (sqlState.startsWith(QLatin1String("22")) || sqlState.startsWith(QLatin1String("23")))
        return ErrorKind::Data;
    if (sqlState.startsWith(QLatin1String("42")))
        return ErrorKind::Sql;
    if (sqlState.startsWith(QLatin1String("XX")))
        return ErrorKind::Server;
    return ErrorKind::Server;
}

QString Error::kindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Usage:
        return QStringLiteral("usage");
    case ErrorKind::Config:
        return QStringLiteral("config");
    case ErrorKind::Connection:
        return QStringLiteral("connection");
    case ErrorKind::Auth:
        return QStringLiteral("auth");
    case ErrorKind::Retry:
        return QStringLiteral("retry");
    case ErrorKind::InDoubt:
        return QStringLiteral("in-doubt");
    case ErrorKind::Canceled:
        return QStringLiteral("canceled");
    case ErrorKind::Data:
        return QStringLiteral("data");
    case ErrorKind::Sql:
        return QStringLiteral("sql");
    case ErrorKind::Server:
        return QStringLiteral("server");
    case ErrorKind::Io:
        return QStringLiteral("io");
    case ErrorKind::Internal:
        return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

} // namespace ferry
