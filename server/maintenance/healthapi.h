#pragma once

#include "http/router.h"
#include "result.h"

#include <QJsonArray>
#include <QUrlQuery>
#include <QUuid>

namespace Laces::Server {

class MaintenanceAgent;
class PgConnection;

// The agent's view of the fleet (maintenance.view) and a cycle on demand (nodes.manage):
//   GET /fleet/health?site=&bbox=minLon,minLat,maxLon,maxLat   nodes worst first, and sites
//   GET /nodes/{id}/health      score, status, anomaly score and drivers, trends, limits, tickets
//   POST /maintenance/agent/run  one cycle now (waits for another instance's cycle to end)
class HealthApi
{
public:
    explicit HealthApi(MaintenanceAgent *agent) : m_agent(agent) {}
    void registerRoutes(Router &router);

private:
    HttpResponse fleet(RequestContext &context);
    HttpResponse node(RequestContext &context);
    HttpResponse runAgent(RequestContext &context);
    // Each component kind of the node with a fleet Weibull fit: its remaining life.
    static Core::Result<QJsonArray> remainingLife(PgConnection &db, const QUuid &organizationId, const QString &nodeId);

    MaintenanceAgent *m_agent;
};

// "minLon,minLat,maxLon,maxLat" checked (longitudes −180…180, latitudes −90…90, min below
// max in latitude; a min longitude above the max crosses the antimeridian).
struct BoundingBox
{
    double minLon = 0, minLat = 0, maxLon = 0, maxLat = 0;
};
Core::Result<BoundingBox> parseBoundingBox(const QString &text);
// The four SQL parameters of a request's optional ?bbox= (all NULL without one), and the
// condition on machine_nodes row `n` that uses them as $first … $first + 3: the GiST index
// on the point as a geometry, and exact longitude bounds (a min longitude above the max
// crosses the antimeridian).
Core::Result<QList<QByteArray>> boundingBoxParams(const QUrlQuery &query);
QByteArray boundingBoxCondition(int first);

} // namespace Laces::Server
