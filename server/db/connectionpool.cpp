#include "connectionpool.h"

#include <QDeadlineTimer>

namespace Laces::Server {

using Core::Error;

PooledConnection::PooledConnection(ConnectionPool *pool, std::unique_ptr<PgConnection> connection)
    : m_pool(pool)
    , m_connection(std::move(connection))
{
}

PooledConnection::PooledConnection(PooledConnection &&other) noexcept
    : m_pool(other.m_pool)
    , m_connection(std::move(other.m_connection))
{
    other.m_pool = nullptr;
}

PooledConnection::~PooledConnection()
{
    if (m_pool && m_connection)
        m_pool->release(std::move(m_connection));
}

ConnectionPool::ConnectionPool(QByteArray conninfo, int size)
    : m_conninfo(std::move(conninfo))
    , m_size(qMax(1, size))
{
}

ConnectionPool::~ConnectionPool() = default;

Core::Result<PooledConnection> ConnectionPool::acquire(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    std::unique_ptr<PgConnection> connection;
    {
        QMutexLocker locker(&m_mutex);
        while (m_idle.empty() && m_created >= m_size) {
            if (!m_available.wait(&m_mutex, deadline))
                return Error::unavailable(QStringLiteral("no database connection free within %1 ms")
                                              .arg(timeoutMs));
        }
        if (!m_idle.empty()) {
            connection = std::move(m_idle.back());
            m_idle.pop_back();
        } else {
            ++m_created;
            connection = std::make_unique<PgConnection>(m_conninfo);
        }
        ++m_inUse;
    }
    // Connecting happens outside the lock; a broken connection is reopened here so that a
    // database restart heals on the next request.
    const Core::Status opened = connection->ensureOpen();
    if (!opened) {
        QMutexLocker locker(&m_mutex);
        --m_inUse;
        --m_created;
        m_available.wakeOne();
        return opened.error();
    }
    return PooledConnection(this, std::move(connection));
}

void ConnectionPool::release(std::unique_ptr<PgConnection> connection)
{
    QMutexLocker locker(&m_mutex);
    --m_inUse;
    m_idle.push_back(std::move(connection));
    m_available.wakeOne();
}

int ConnectionPool::inUse() const
{
    QMutexLocker locker(&m_mutex);
    return m_inUse;
}

int ConnectionPool::idle() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_idle.size());
}

} // namespace Laces::Server
