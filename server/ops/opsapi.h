#pragma once

#include "http/router.h"

namespace Laces::Server {

class ConnectionPool;
class Metrics;

// GET /health (checks the database), GET /metrics (Prometheus text), GET /version.
class OpsApi
{
public:
    OpsApi(ConnectionPool *pool, Metrics *metrics) : m_pool(pool), m_metrics(metrics) {}
    void registerRoutes(Router &router);

private:
    ConnectionPool *m_pool;
    Metrics *m_metrics;
};

} // namespace Laces::Server
