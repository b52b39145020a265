#pragma once

#include "http/router.h"

#include <QSemaphore>

namespace Laces::Server {

// The 4D ageing simulator's runs (core/ageing does the physics):
//   POST   /twins/{id}/simulations   run and store one          (simulations.run)
//   GET    /twins/{id}/simulations   the twin's runs, newest first (twins.view)
//   GET    /simulations/{id}         one run, with its series    (twins.view)
//   GET    /simulations/{id}/export  the same as a JSON file     (twins.view)
//   DELETE /simulations/{id}         its author or an admin
// A run computes on the request's worker; at most `concurrentRuns` run at once, so that however
// many are asked for, the other workers keep serving (a run beyond them answers 503 with
// Retry-After).
class SimulationsApi
{
public:
    struct Settings
    {
        int concurrentRuns = 2;
        int rawRetentionDays = 30;              // the measured window's default length
        qint64 maxSeriesPoints = 1000000;       // components × points on the timeline
        qint64 maxMonteCarloWork = 1000000;     // components × samples
    };

    explicit SimulationsApi(Settings settings);
    void registerRoutes(Router &router);

private:
    HttpResponse run(RequestContext &context);
    HttpResponse list(RequestContext &context);
    HttpResponse get(RequestContext &context, bool download);
    HttpResponse remove(RequestContext &context);

    Settings m_settings;
    QSemaphore m_slots;
};

} // namespace Laces::Server
