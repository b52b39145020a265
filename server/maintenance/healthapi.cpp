#include "healthapi.h"

#include "maintenance/reliabilityapi.h"
#include "ageing/weibull.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "maintenance/maintenanceagent.h"
#include "maintenance/ticketstore.h"

#include <QJsonArray>

#include <cmath>

namespace Laces::Server {

using Core::Error;

Core::Result<BoundingBox> parseBoundingBox(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(','));
    const Error wrong = Error::invalid(QStringLiteral("'bbox' must be minLon,minLat,maxLon,maxLat in degrees"),
                                       QStringLiteral("bbox"));
    if (parts.size() != 4)
        return wrong;
    double values[4];
    for (int i = 0; i < 4; ++i) {
        bool ok = false;
        values[i] = parts.at(i).trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(values[i]))
            return wrong;
    }
    BoundingBox box{values[0], values[1], values[2], values[3]};
    if (std::abs(box.minLon) > 180 || std::abs(box.maxLon) > 180 || std::abs(box.minLat) > 90 || std::abs(box.maxLat) > 90)
        return Error::invalid(QStringLiteral("'bbox' longitudes must be within ±180 and latitudes within ±90"),
                              QStringLiteral("bbox"));
    if (box.minLat > box.maxLat)
        return Error::invalid(QStringLiteral("'bbox' minLat must not be above maxLat"), QStringLiteral("bbox"));
    return box;
}

Core::Result<QList<QByteArray>> boundingBoxParams(const QUrlQuery &query)
{
    if (!query.hasQueryItem(QStringLiteral("bbox")))
        return QList<QByteArray>{pgNull(), pgNull(), pgNull(), pgNull()};
    auto box = parseBoundingBox(query.queryItemValue(QStringLiteral("bbox")));
    if (!box)
        return box.error();
    return QList<QByteArray>{realParam(box->minLon), realParam(box->minLat), realParam(box->maxLon),
                             realParam(box->maxLat)};
}

QByteArray boundingBoxCondition(int first)
{
    QByteArray sql = "($A::float8 IS NULL OR (n.location::geometry && CASE WHEN $A <= $C "
                     "THEN ST_MakeEnvelope($A, $B, $C, $D, 4326) "
                     "ELSE ST_Collect(ST_MakeEnvelope($A, $B, 180, $D, 4326), ST_MakeEnvelope(-180, $B, $C, $D, 4326)) END "
                     "AND (CASE WHEN $A <= $C THEN n.longitude BETWEEN $A AND $C "
                     "ELSE n.longitude >= $A OR n.longitude <= $C END)))";
    for (int i = 0; i < 4; ++i)
        sql.replace(QByteArray("$") + char('A' + i), "$" + QByteArray::number(first + i));
    return sql;
}

void HealthApi::registerRoutes(Router &router)
{
    const Access view = Access::needs(QStringLiteral("maintenance.view"));
    router.add("GET", QStringLiteral("/fleet/health"), view, [this](RequestContext &c) { return fleet(c); });
    router.add("GET", QStringLiteral("/nodes/{id:uuid}/health"), view, [this](RequestContext &c) { return node(c); });
    router.add("POST", QStringLiteral("/maintenance/agent/run"), Access::needs(QStringLiteral("nodes.manage")),
               [this](RequestContext &c) { return runAgent(c); });
}

HttpResponse HealthApi::fleet(RequestContext &context)
{
    const QUrlQuery &query = context.request().query;
    const auto box = boundingBoxParams(query);
    if (!box)
        return HttpResponse::fromError(box.error());
    const QString site = query.queryItemValue(QStringLiteral("site"), QUrl::FullyDecoded).trimmed();
    if (site.size() > 200)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'site' is too long"), QStringLiteral("site")));
    // Worst first: nodes never assessed sort with a score of 100 after the assessed ones
    // of equal score. A box whose min longitude is above its max crosses the antimeridian.
    auto rows = context.db().exec(
        R"SQL(
SELECT json_build_object('node_id', n.id, 'name', n.name, 'type', n.node_type, 'site', n.site,
       'latitude', n.latitude, 'longitude', n.longitude, 'node_status', n.status, 'twin_id', n.twin_id,
       'score', h.score, 'status', CASE WHEN n.status <> 'online' THEN n.status ELSE coalesce(h.status, 'unknown') END,
       'anomaly', h.anomaly, 'limits', coalesce(h.limits, '[]'::jsonb), 'assessed_at', h.assessed_at,
       'last_seen_at', n.last_seen_at,
       'open_tickets', (SELECT count(*) FROM maintenance_tickets t WHERE t.node_id = n.id
                        AND t.status IN ('open', 'acknowledged', 'in_progress')),
       'worst_severity', (SELECT t.severity FROM maintenance_tickets t WHERE t.node_id = n.id
                          AND t.status IN ('open', 'acknowledged', 'in_progress')
                          ORDER BY array_position(ARRAY['LOW','MEDIUM','HIGH','CRITICAL'], t.severity) DESC LIMIT 1))
FROM machine_nodes n LEFT JOIN node_health h ON h.node_id = n.id
WHERE n.organization_id = $1 AND ($2 = '' OR n.site = $2)
  AND )SQL" + boundingBoxCondition(3) + R"SQL(
ORDER BY coalesce(h.score, 100), n.name, n.id
)SQL",
        {uuidParam(context.principal().organizationId), pgParam(site), box->at(0), box->at(1), box->at(2), box->at(3)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    const QJsonArray nodes = jsonArrayOf(*rows);
    // Grouped by site: its nodes, worst and mean score, counts by status, and where it is
    // (the mean of its nodes' positions).
    struct Site
    {
        int nodes = 0, scored = 0;
        double scoreSum = 0, latSum = 0, lonSum = 0;
        int worst = 101;
        QJsonObject statuses;
        int openTickets = 0;
    };
    QMap<QString, Site> sites;
    QJsonObject summary;
    for (const QJsonValue &value : nodes) {
        const QJsonObject item = value.toObject();
        Site &entry = sites[item.value(QStringLiteral("site")).toString()];
        ++entry.nodes;
        entry.latSum += item.value(QStringLiteral("latitude")).toDouble();
        entry.lonSum += item.value(QStringLiteral("longitude")).toDouble();
        entry.openTickets += item.value(QStringLiteral("open_tickets")).toInt();
        if (item.value(QStringLiteral("score")).isDouble()) {
            const int score = item.value(QStringLiteral("score")).toInt();
            ++entry.scored;
            entry.scoreSum += score;
            entry.worst = std::min(entry.worst, score);
        }
        const QString status = item.value(QStringLiteral("status")).toString();
        entry.statuses.insert(status, entry.statuses.value(status).toInt() + 1);
        summary.insert(status, summary.value(status).toInt() + 1);
    }
    QJsonArray siteItems;
    for (auto it = sites.cbegin(); it != sites.cend(); ++it) {
        const Site &entry = it.value();
        siteItems.append(QJsonObject{
            {QStringLiteral("site"), it.key()},
            {QStringLiteral("nodes"), entry.nodes},
            {QStringLiteral("worst_score"), entry.scored > 0 ? QJsonValue(entry.worst) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("mean_score"),
             entry.scored > 0 ? QJsonValue(std::round(entry.scoreSum / entry.scored * 10) / 10) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("statuses"), entry.statuses},
            {QStringLiteral("open_tickets"), entry.openTickets},
            {QStringLiteral("latitude"), entry.latSum / entry.nodes},
            {QStringLiteral("longitude"), entry.lonSum / entry.nodes}});
    }
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("nodes"), nodes},
                                               {QStringLiteral("sites"), siteItems},
                                               {QStringLiteral("summary"), summary}});
}

HttpResponse HealthApi::node(RequestContext &context)
{
    PgConnection &db = context.db();
    auto row = db.exec(
        "SELECT json_build_object('node_id', n.id, 'name', n.name, 'site', n.site, 'node_status', n.status, "
        "'score', h.score, 'status', CASE WHEN n.status <> 'online' THEN n.status ELSE coalesce(h.status, 'unknown') END, "
        "'anomaly', h.anomaly, 'trends', coalesce(h.trends, '[]'::jsonb), 'limits', coalesce(h.limits, '[]'::jsonb), "
        "'assessed_at', h.assessed_at, 'trends_at', h.trends_at, 'scored_until', h.scored_until, "
        "'last_seen_at', n.last_seen_at, "
        "'model', (SELECT json_build_object('id', m.id, 'kind', m.kind, 'metrics', m.metrics, 'trained_from', m.trained_from, "
        "  'trained_to', m.trained_to, 'training_rows', m.training_rows, 'sha256', m.sha256) "
        "  FROM anomaly_models m WHERE m.node_id = n.id AND m.is_active)) "
        "FROM machine_nodes n LEFT JOIN node_health h ON h.node_id = n.id WHERE n.id = $1 AND n.organization_id = $2",
        {pgParam(context.param(QStringLiteral("id"))), uuidParam(context.principal().organizationId)});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such node")));
    QJsonObject answer = jsonObjectAt(*row, 0);
    auto tickets = db.exec("SELECT " + TicketStore::ticketJsonSql() + " FROM maintenance_tickets t WHERE t.node_id = $1 "
                           "AND t.status IN ('open', 'acknowledged', 'in_progress') "
                           "ORDER BY " + TicketStore::prioritySql() + " DESC, t.opened_at DESC",
                           {pgParam(context.param(QStringLiteral("id")))});
    if (!tickets)
        return HttpResponse::fromError(tickets.error());
    answer.insert(QStringLiteral("open_tickets"), jsonArrayOf(*tickets));
    auto remaining = remainingLife(db, context.principal().organizationId, answer.value(QStringLiteral("node_id")).toString());
    if (!remaining)
        return HttpResponse::fromError(remaining.error());
    answer.insert(QStringLiteral("remaining_life"), *remaining);
    return HttpResponse::json(200, answer);
}

Core::Result<QJsonArray> HealthApi::remainingLife(PgConnection &db, const QUuid &organizationId, const QString &nodeId)
{
    // The fleet's own failure records (tickets resolved as "failure" on a component) give
    // each component kind a Weibull fit (GET /reliability/weibull); a node whose twin has
    // such a component, or that had tickets on it, gets that component's remaining life
    // given its age (since its last failure there, else since commissioning).
    auto kinds = db.exec(R"SQL(
WITH kinds AS (
    SELECT DISTINCT lower(coalesce(t.resolution->>'component', t.component)) AS kind,
           first_value(coalesce(t.resolution->>'component', t.component)) OVER
               (PARTITION BY lower(coalesce(t.resolution->>'component', t.component)) ORDER BY t.resolved_at DESC) AS name
    FROM maintenance_tickets t
    WHERE t.organization_id = $2 AND t.resolution->>'code' = 'failure'
      AND coalesce(t.resolution->>'component', t.component) IS NOT NULL)
SELECT k.name, extract(epoch FROM now() - coalesce(
           (SELECT max(f.resolved_at) FROM maintenance_tickets f WHERE f.node_id = n.id AND f.resolution->>'code' = 'failure'
            AND lower(coalesce(f.resolution->>'component', f.component)) = k.kind),
           (n.properties->>'commissioned_at')::timestamptz, n.created_at)) / 3600
FROM machine_nodes n CROSS JOIN kinds k
WHERE n.id = $1 AND n.organization_id = $2 AND (
    EXISTS (SELECT 1 FROM digital_twins d JOIN twin_components c ON c.version_id = d.latest_version_id
            WHERE d.id = n.twin_id AND lower(c.name) = k.kind)
    OR EXISTS (SELECT 1 FROM maintenance_tickets t WHERE t.node_id = n.id
               AND lower(coalesce(t.resolution->>'component', t.component)) = k.kind))
ORDER BY 1
)SQL",
                         {pgParam(nodeId), uuidParam(organizationId)});
    if (!kinds)
        return kinds.error();
    QJsonArray items;
    for (int row = 0; row < kinds->rowCount(); ++row) {
        const QString kind = kinds->text(row, 0);
        const double age = std::max(0.0, kinds->real(row, 1));
        auto fitted = ReliabilityApi::fit(db, organizationId, kind);
        if (!fitted)
            continue;   // too few records to fit yet
        const double beta = fitted->value(QStringLiteral("beta")).toDouble();
        const double eta = fitted->value(QStringLiteral("eta_hours")).toDouble();
        const auto hours = [&](double p) { return std::round(Core::Ageing::weibullResidualQuantile(p, age, eta, beta) * 10) / 10; };
        items.append(QJsonObject{{QStringLiteral("component_kind"), kind},
                                 {QStringLiteral("age_hours"), std::round(age * 10) / 10},
                                 {QStringLiteral("median_hours"), hours(0.5)},
                                 {QStringLiteral("hours_low"), hours(0.1)},
                                 {QStringLiteral("hours_high"), hours(0.9)},
                                 {QStringLiteral("interval"), 0.8},
                                 {QStringLiteral("beta"), beta},
                                 {QStringLiteral("eta_hours"), eta},
                                 {QStringLiteral("failures"), fitted->value(QStringLiteral("failures"))},
                                 {QStringLiteral("method"), QStringLiteral("fleet Weibull, conditional on the age reached")}});
    }
    return items;
}

HttpResponse HealthApi::runAgent(RequestContext &context)
{
    auto report = m_agent->runCycle(context.db(), true, context.principal().organizationId);
    if (!report)
        return HttpResponse::fromError(report.error());
    if (auto audited = recordAudit(context.db(), context, QStringLiteral("maintenance.agent_run"),
                                   QStringLiteral("agent"), {}, report->toJson());
        !audited)
        return HttpResponse::fromError(audited.error());
    return HttpResponse::json(200, report->toJson());
}

} // namespace Laces::Server
