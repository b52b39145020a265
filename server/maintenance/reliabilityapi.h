#pragma once

#include "http/router.h"
#include "result.h"

#include <QJsonObject>
#include <QUuid>

namespace Laces::Server {

class PgConnection;

// Fleet reliability from the organization's own maintenance record:
//   GET /reliability/weibull?component_kind=NAME                      (maintenance.view)
// A ticket resolved with code "failure" on a component is a failure at the component's
// age then: hours since the node was commissioned (properties.commissioned_at, else its
// creation) or since that component's previous failure on the same node (a replacement
// starts a new life). Every node that has such a component — its twin's latest version
// has a component of that name, or it has had a ticket on one — and is still running is
// a suspension at its component's current age. β and η are the maximum-likelihood fit
// (core/ageing/weibull.h); the ageing simulator can take this β instead of the preset's
// (POST /twins/{id}/simulations with "fleet_reliability": true).
class ReliabilityApi
{
public:
    void registerRoutes(Router &router);

    // The fit for one component kind (case-insensitive), with its failure and suspension
    // records; Unprocessable when there is no failure to fit.
    static Core::Result<QJsonObject> fit(PgConnection &db, const QUuid &organizationId, const QString &componentKind);

private:
    HttpResponse weibull(RequestContext &context);
};

} // namespace Laces::Server
