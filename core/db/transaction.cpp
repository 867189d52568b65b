#include "transaction.h"

#include "util/logging.h"

namespace ferry {

Transaction::Transaction(Connection &connection)
    : m_connection(&connection)
{}

Transaction::Transaction(Transaction &&other) noexcept
    : m_connection(std::exchange(other.m_connection, nullptr))
{}

Transaction::~Transaction()
{
    if (m_connection && m_connection->isOpen()) {
        if (auto r = rollback(); !r)
            qCWarning(lcDb).noquote() << "rollback failed:" << r.error().toString();
    }
}

Result<Transaction> Transaction::begin(Connection &connection, const QString &mode)
{
    const QString sql = mode.isEmpty() ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN ") + mode;
    if (auto r = connection.exec(sql); !r)
        return r.error();
    return Transaction(connection);
}

Result<void> Transaction::commit()
{
    if (!m_connection)
        return Error(ErrorKind::Internal, QStringLiteral("commit of a finished transaction"));
    Connection *connection = std::exchange(m_connection, nullptr);
    auto r = connection->exec(QStringLiteral("COMMIT"));
    if (!r) {
        Error e = r.error();
        if (e.kind() == ErrorKind::Connection)
            e.withKind(ErrorKind::InDoubt).withContext(QStringLiteral("outcome of COMMIT unknown"));
        return e;
    }
    // A COMMIT of an aborted transaction "succeeds" as ROLLBACK.
    if (r->commandTag() == QLatin1String("ROLLBACK"))
        return Error(ErrorKind::Server,
                     QStringLiteral("transaction was aborted by an earlier error and rolled back"));
    return {};
}

Result<void> Transaction::rollback()
{
    if (!m_connection)
        return {};
    Connection *connection = std::exchange(m_connection, nullptr);
    if (auto r = connection->exec(QStringLiteral("ROLLBACK")); !r)
        return r.error();
    return {};
}

} // namespace ferry
