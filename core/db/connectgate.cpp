#include "connectgate.h"

#include <chrono>

namespace ferry {

namespace {

thread_local int t_scopes = 0;

qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

ConnectGate &ConnectGate::instance()
{
    static ConnectGate gate;
    return gate;
}

ConnectGate::Scope::Scope()
{
    ++t_scopes;
}

ConnectGate::Scope::~Scope()
{
    --t_scopes;
}

bool ConnectGate::inScope()
{
    return t_scopes > 0;
}

QString ConnectGate::keyOf(const ConnectionString &where)
{
    QString key = where.displayName();
    if (where.contains(QStringLiteral("service")))
        key += QStringLiteral(" service=") + where.value(QStringLiteral("service"));
    return key;
}

Result<Connection> ConnectGate::open(const ConnectionString &where,
                                     const std::function<Result<Connection>()> &connect)
{
    const QString key = keyOf(where);
    {
        QMutexLocker lock(&m_mutex);
        for (;;) {
            auto it = m_entries.find(key);
            if (it == m_entries.end()) {
                // One at a time, also where the last one worked: a password
                // changed on the server is refused once, not once per reader.
                Entry attempt;
                attempt.trying = true;
                m_entries.insert(key, attempt);
                break;
            }
            Entry &entry = *it;
            if (entry.trying) {
                if (entry.failed)
                    return entry.error;   // a retry runs: its outcome is for the next read
                m_settled.wait(&m_mutex); // wait for its outcome, then decide
                continue;
            }
            const bool closed = entry.error.kind() == ErrorKind::Auth
                                    ? !entry.retry
                                    : monotonicMs() < entry.nextMs;
            if (closed)
                return entry.error;
            entry.trying = true;
            entry.retry = false;
            break;
        }
    }
    Result<Connection> result = connect();
    settle(key, result ? nullptr : &result.error());
    return result;
}

void ConnectGate::settle(const QString &key, const Error *error)
{
    QMutexLocker lock(&m_mutex);
    if (!error) {
        m_entries.remove(key);
    } else {
        Entry &entry = m_entries[key];
        if (!entry.failed)
            entry.since = QDateTime::currentDateTime();
        if (error->kind() != ErrorKind::Auth) {
            entry.delayMs
                = entry.failed && entry.delayMs > 0 ? qMin(entry.delayMs * 2, m_maxMs) : m_minMs;
            entry.nextMs = monotonicMs() + entry.delayMs;
        }
        entry.trying = false;
        entry.failed = true;
        entry.retry = false;
        entry.error = *error;
    }
    m_settled.wakeAll();
}

void ConnectGate::retryAll()
{
    QMutexLocker lock(&m_mutex);
    for (Entry &entry : m_entries) {
        entry.retry = true;
        entry.nextMs = 0;
    }
}

void ConnectGate::reset()
{
    QMutexLocker lock(&m_mutex);
    // An attempt running now still settles; it finds its entry made anew.
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->trying) {
            it->failed = false;
            ++it;
        } else {
            it = m_entries.erase(it);
        }
    }
    m_minMs = kBackoffMinMs;
    m_maxMs = kBackoffMaxMs;
    m_settled.wakeAll();
}

std::optional<ConnectGate::Closed> ConnectGate::closed(const ConnectionString &where) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(keyOf(where));
    if (it == m_entries.cend() || !it->failed)
        return std::nullopt;
    Closed c;
    c.error = it->error;
    c.since = it->since;
    c.auth = it->error.kind() == ErrorKind::Auth;
    if (c.auth) {
        if (it->retry)
            return std::nullopt;
    } else {
        c.retryInMs = qMax<qint64>(0, it->nextMs - monotonicMs());
    }
    return c;
}

void ConnectGate::setBackoff(int minMs, int maxMs)
{
    QMutexLocker lock(&m_mutex);
    m_minMs = qMax(1, minMs);
    m_maxMs = qMax(m_minMs, maxMs);
}

} // namespace ferry
