#pragma once

#include "db/connection.h"

namespace ferry {

// A transaction that rolls back unless commit() succeeded. Not copyable; the
// connection must outlive it. A COMMIT that fails because the connection
// broke is reported as ErrorKind::InDoubt: the transaction may or may not
// have committed, and the caller has to look (e.g. re-read the completed tick).
class Transaction
{
public:
    // mode is appended to BEGIN, e.g. "ISOLATION LEVEL REPEATABLE READ".
    static Result<Transaction> begin(Connection &connection, const QString &mode = {});

    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    ~Transaction();

    Result<void> commit();
    Result<void> rollback();
    bool isActive() const { return m_connection != nullptr; }

private:
    explicit Transaction(Connection &connection);
    Connection *m_connection = nullptr;
};

} // namespace ferry
