#include "opsapi.h"

#include "db/connectionpool.h"
#include "db/migrator.h"
#include "http/requestcontext.h"
#include "metrics.h"
#include "version.h"

#include <QElapsedTimer>
#include <QFile>

namespace Laces::Server {

void OpsApi::registerRoutes(Router &router)
{
    router.add("GET", QStringLiteral("/health"), Access::publicRoute(), [this](RequestContext &) {
        QElapsedTimer timer;
        timer.start();
        // Its own short wait for a connection: a saturated pool is an unhealthy server.
        auto connection = m_pool->acquire(2000);
        QString database = QStringLiteral("ok");
        int schema = 0;
        if (!connection) {
            database = connection.error().message;
        } else if (auto version = Migrator::currentVersion(**connection); !version) {
            database = version.error().message;
        } else {
            schema = *version;
        }
        const bool healthy = database == QLatin1String("ok");
        return HttpResponse::json(healthy ? 200 : 503,
                                  QJsonObject{{QStringLiteral("status"), healthy ? QStringLiteral("ok")
                                                                                 : QStringLiteral("unavailable")},
                                              {QStringLiteral("database"), database},
                                              {QStringLiteral("schema_version"), schema},
                                              {QStringLiteral("version"), Core::productVersion()},
                                              {QStringLiteral("check_ms"), double(timer.nsecsElapsed()) / 1e6}});
    }, {-1, false});
    router.add("GET", QStringLiteral("/metrics"), Access::publicRoute(), [this](RequestContext &) {
        return HttpResponse::text(200, m_metrics->exposition(), "text/plain; version=0.0.4; charset=utf-8");
    }, {-1, false});
    router.add("GET", QStringLiteral("/openapi.json"), Access::publicRoute(), [](RequestContext &) {
        // The description of every route (tests/server/openapi checks that it stays so).
        static const QByteArray document = [] {
            QFile file(QStringLiteral(":/laces/openapi.json"));
            file.open(QIODevice::ReadOnly);
            return file.readAll();
        }();
        return HttpResponse::text(200, document, "application/json");
    }, {-1, false});
    router.add("GET", QStringLiteral("/version"), Access::publicRoute(), [](RequestContext &) {
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("version"), Core::productVersion()},
                                                   {QStringLiteral("schema_version"), Migrator::latestVersion()}});
    }, {-1, false});
}

} // namespace Laces::Server
