#pragma once

#include "pgconnection.h"

#include <QMutex>
#include <QWaitCondition>

#include <memory>
#include <vector>

namespace Laces::Server {

class ConnectionPool;

// A connection borrowed from the pool; returned when this handle goes out of scope.
class PooledConnection
{
public:
    PooledConnection(ConnectionPool *pool, std::unique_ptr<PgConnection> connection);
    PooledConnection(PooledConnection &&other) noexcept;
    ~PooledConnection();
    PooledConnection(const PooledConnection &) = delete;
    PooledConnection &operator=(const PooledConnection &) = delete;
    PooledConnection &operator=(PooledConnection &&) = delete;

    PgConnection *operator->() const { return m_connection.get(); }
    PgConnection &operator*() const { return *m_connection; }

private:
    ConnectionPool *m_pool = nullptr;
    std::unique_ptr<PgConnection> m_connection;
};

// A fixed-size set of libpq connections shared by the worker threads. acquire() blocks
// until a connection is free or the timeout passes.
class ConnectionPool
{
public:
    ConnectionPool(QByteArray conninfo, int size);
    ~ConnectionPool();

    int size() const { return m_size; }
    const QByteArray &conninfo() const { return m_conninfo; }

    Core::Result<PooledConnection> acquire(int timeoutMs = 10000);

    int inUse() const;
    int idle() const;

private:
    friend class PooledConnection;
    void release(std::unique_ptr<PgConnection> connection);

    QByteArray m_conninfo;
    int m_size = 0;
    int m_created = 0;
    int m_inUse = 0;
    mutable QMutex m_mutex;
    QWaitCondition m_available;
    std::vector<std::unique_ptr<PgConnection>> m_idle;
};

} // namespace Laces::Server
