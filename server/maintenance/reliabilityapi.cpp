#include "reliabilityapi.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"

#include "ageing/weibull.h"

#include <QJsonArray>

#include <cmath>

namespace Laces::Server {

using Core::Error;

void ReliabilityApi::registerRoutes(Router &router)
{
    router.add("GET", QStringLiteral("/reliability/weibull"), Access::needs(QStringLiteral("maintenance.view")),
               [this](RequestContext &c) { return weibull(c); });
}

Core::Result<QJsonObject> ReliabilityApi::fit(PgConnection &db, const QUuid &organizationId, const QString &componentKind)
{
    // Failures: each with the start of the component's life (commissioning or the previous
    // failure on that node); suspensions: the life running now on every node with the kind.
    auto rows = db.exec(R"SQL(
WITH failures AS (
    SELECT t.id, t.node_id, t.resolved_at,
           lag(t.resolved_at) OVER (PARTITION BY t.node_id ORDER BY t.resolved_at) AS previous
    FROM maintenance_tickets t
    WHERE t.organization_id = $1 AND t.node_id IS NOT NULL AND t.resolution->>'code' = 'failure'
      AND lower(coalesce(t.resolution->>'component', t.component)) = lower($2) AND t.resolved_at IS NOT NULL
), nodes AS (
    SELECT n.id, n.name, coalesce((n.properties->>'commissioned_at')::timestamptz, n.created_at) AS commissioned
    FROM machine_nodes n
    WHERE n.organization_id = $1 AND (
        EXISTS (SELECT 1 FROM digital_twins d JOIN twin_components c ON c.version_id = d.latest_version_id
                WHERE d.id = n.twin_id AND lower(c.name) = lower($2))
        OR EXISTS (SELECT 1 FROM failures f WHERE f.node_id = n.id)
        OR EXISTS (SELECT 1 FROM maintenance_tickets t WHERE t.node_id = n.id AND lower(t.component) = lower($2)))
)
SELECT 'failure', n.id, n.name, extract(epoch FROM f.resolved_at - coalesce(f.previous, n.commissioned)) / 3600, f.id
FROM failures f JOIN nodes n ON n.id = f.node_id
UNION ALL
SELECT 'suspension', n.id, n.name,
       extract(epoch FROM now() - coalesce((SELECT max(f.resolved_at) FROM failures f WHERE f.node_id = n.id),
                                           n.commissioned)) / 3600, NULL
FROM nodes n
ORDER BY 1, 4
)SQL",
                        {uuidParam(organizationId), pgParam(componentKind)});
    if (!rows)
        return rows.error();
    QList<double> failures, suspensions;
    QJsonArray records;
    for (int row = 0; row < rows->rowCount(); ++row) {
        const bool failure = rows->text(row, 0) == QLatin1String("failure");
        const double hours = rows->real(row, 3);
        if (!(hours > 0))
            continue;   // a life of no length says nothing (and the likelihood needs t > 0)
        (failure ? failures : suspensions).append(hours);
        QJsonObject record{{QStringLiteral("kind"), rows->text(row, 0)},
                           {QStringLiteral("node_id"), rows->text(row, 1)},
                           {QStringLiteral("node_name"), rows->text(row, 2)},
                           {QStringLiteral("hours"), hours}};
        if (failure)
            record.insert(QStringLiteral("ticket_id"), rows->text(row, 4));
        records.append(record);
    }
    if (failures.isEmpty()) {
        Error error{Error::Code::Unprocessable,
                    QStringLiteral("no failure of '%1' has been recorded (a ticket resolved with code \"failure\" on "
                                   "that component)").arg(componentKind),
                    QStringLiteral("component_kind")};
        return error;
    }
    auto fitted = Core::Ageing::fitWeibull(failures, suspensions);
    if (!fitted) {
        Error error = fitted.error();
        error.field = QStringLiteral("component_kind");
        return error;
    }
    return QJsonObject{{QStringLiteral("component_kind"), componentKind},
                       {QStringLiteral("beta"), fitted->beta},
                       {QStringLiteral("eta_hours"), fitted->eta},
                       {QStringLiteral("b10_hours"), Core::Ageing::weibullQuantile(0.1, fitted->eta, fitted->beta)},
                       {QStringLiteral("median_hours"), Core::Ageing::weibullQuantile(0.5, fitted->eta, fitted->beta)},
                       {QStringLiteral("log_likelihood"), fitted->logLikelihood},
                       {QStringLiteral("failures"), fitted->failures},
                       {QStringLiteral("suspensions"), fitted->suspensions},
                       {QStringLiteral("method"), QStringLiteral("maximum likelihood with right-censored suspensions")},
                       {QStringLiteral("records"), records}};
}

HttpResponse ReliabilityApi::weibull(RequestContext &context)
{
    const QString kind = context.request().query.queryItemValue(QStringLiteral("component_kind"), QUrl::FullyDecoded).trimmed();
    if (kind.isEmpty() || kind.size() > 300)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'component_kind' must name a component (1 to 300 characters)"),
                                                      QStringLiteral("component_kind")));
    auto fitted = fit(context.db(), context.principal().organizationId, kind);
    if (!fitted)
        return HttpResponse::fromError(fitted.error());
    return HttpResponse::json(200, *fitted);
}

} // namespace Laces::Server
