#include "server.h"

#include "auth/authapi.h"
#include "auth/authservice.h"
#include "auth/passwordhasher.h"
#include "db/connectionpool.h"
#include "db/embeddedpostgres.h"
#include "db/migrator.h"
#include "demo/demodata.h"
#include "demo/demotelemetry.h"
#include "http/httpserver.h"
#include "http/idempotency.h"
#include "http/ratelimiter.h"
#include "logging.h"
#include "http/requestcontext.h"
#include "edits/editsapi.h"
#include "locks/leaseexpiry.h"
#include "maintenance/alertchannelsapi.h"
#include "maintenance/alertdelivery.h"
#include "maintenance/alertrulesapi.h"
#include "maintenance/anomalymodels.h"
#include "maintenance/healthapi.h"
#include "maintenance/maintenanceagent.h"
#include "maintenance/reliabilityapi.h"
#include "maintenance/edgeeventsapi.h"
#include "maintenance/ticketsapi.h"
#include "telemetry/nodesapi.h"
#include "telemetry/telemetryapi.h"
#include "telemetry/telemetrymaintenance.h"
#include "locks/locksapi.h"
#include "ops/metrics.h"
#include "ops/opsapi.h"
#include "simulations/simulationsapi.h"
#include "twins/twinsapi.h"
#include "users/usersapi.h"
#include "versions/versionsapi.h"
#include "version.h"
#include "ws/eventbus.h"
#include "ws/websockethub.h"

#include <QCoreApplication>
#include <QDateTime>

#include <cmath>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QSysInfo>
#include <QElapsedTimer>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServer, "laces.server")
Q_LOGGING_CATEGORY(lcHttp, "laces.server.http")

namespace Laces::Server {

using Core::Error;

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_metrics(std::make_unique<Metrics>())
    , m_rateLimiter(std::make_unique<RateLimiter>())
{
}

Server::~Server()
{
    stop();
}

Core::Status Server::start()
{
    QElapsedTimer total;
    total.start();
    if (!PasswordHasher::initialize())
        return Error::internal(QStringLiteral("libsodium failed to initialize"));

    if (m_config.databaseUrl.isEmpty()) {
        EmbeddedPostgres::Options options;
        options.dataDir = m_config.dataDir;
        options.binDir = m_config.pgBinDir;
        options.durable = m_config.durableDatabase;
        options.walArchiveDir = m_config.walArchiveDir;
        m_postgres = std::make_unique<EmbeddedPostgres>(options);
        QElapsedTimer timer;
        timer.start();
        if (Core::Status started = m_postgres->start(); !started)
            return started;
        m_databaseStartMs = timer.elapsed();
        qCInfo(lcServer).noquote() << (m_postgres->createdNow() ? "created and started" : "started")
                                   << "the embedded PostgreSQL cluster in" << m_postgres->clusterDir() << "in"
                                   << m_databaseStartMs << "ms";
        m_conninfo = m_postgres->conninfo();
    } else {
        m_conninfo = m_config.databaseUrl.toUtf8();
    }

    {
        PgConnection bootstrap(m_conninfo);
        if (Core::Status opened = bootstrap.open(); !opened)
            return opened;
        auto migrated = Migrator::migrate(bootstrap);
        if (!migrated)
            return migrated.error();
        AuthService::Options authOptions;
        authOptions.tokenLifetimeS = m_config.tokenLifetimeS;
        authOptions.loginLimits.accountFailures = m_config.loginFailuresPerAccount;
        authOptions.loginLimits.addressFailures = m_config.loginFailuresPerAddress;
        m_auth = std::make_unique<AuthService>(authOptions);
        if (!m_config.signingKey.isEmpty()) {
            m_auth->useSigningKey(m_config.signingKey);
        } else if (Core::Status loaded = m_auth->loadSigningKey(bootstrap); !loaded) {
            return loaded;
        }
        if (m_config.demo) {
            if (Core::Status loaded = DemoData::load(bootstrap, DemoData::findDemoModel(m_config.demoModelPath));
                !loaded)
                return loaded;
        }
    }

    m_pool = std::make_unique<ConnectionPool>(m_conninfo, m_config.workers);
    m_workers.setMaxThreadCount(m_config.workers);
    m_workers.setExpiryTimeout(60000);
    registerRoutes();

    HttpServer::Limits limits;
    limits.defaultMaxBodyBytes = m_config.maxBodyBytes;
    limits.idleTimeoutMs = m_config.idleTimeoutS * 1000;
    limits.trustedProxies = m_config.trustedProxies;
    m_http = new HttpServer(limits, this);
    if (m_config.tls.enabled()) {
        if (!QSslSocket::supportsSsl())
            return Error::unavailable(QStringLiteral("--tls-cert given, but Qt has no TLS backend here"));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(m_config.tls.certificateChain);
        tls.setPrivateKey(m_config.tls.key);
        // "or later": OpenSSL negotiates the highest both sides have, TLS 1.3 where the client can.
        tls.setProtocol(m_config.tls.minimum);
        if (!m_config.tls.clientCas.isEmpty()) {
            tls.setCaCertificates(m_config.tls.clientCas);
            tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        } else {
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        }
        m_http->setTlsConfiguration(tls);
    }
    m_http->setBodyLimit([this](const QByteArray &method, const QString &path) {
        const Router::Match match = m_router.match(method, path);
        if (!match.route)
            return HttpServer::BodyPolicy{m_config.maxBodyBytes, false};
        return HttpServer::BodyPolicy{match.route->maxBodyBytes >= 0 ? match.route->maxBodyBytes : m_config.maxBodyBytes,
                                      match.route->bodyToFile};
    });
    m_http->setDispatcher([this](HttpRequest request, HttpServer::Responder respond) {
        dispatch(std::move(request), std::move(respond));
    });
    m_http->setUploadGate([auth = m_auth.get()](const HttpRequest &request) {
        const QByteArray authorization = request.header("authorization");
        return authorization.startsWith("Bearer ")
               && auth->jwt().verify(authorization.mid(7).trimmed(), QDateTime::currentSecsSinceEpoch()).ok();
    });
    m_http->setObserver([this](const HttpRequest &request, const HttpResponse &response) {
        observe(request, QStringLiteral("(http)"), response, 0, {});
    });
    m_hub = new WebSocketHub(
        [this](const QByteArray &token, std::function<void(const Principal *, const QString &)> done) {
            m_workers.start([this, token, done = std::move(done)] {
                auto connection = m_pool->acquire();
                Core::Result<Principal> principal =
                    connection ? m_auth->authenticate(**connection, "Bearer " + token)
                               : Core::Result<Principal>(connection.error());
                if (principal && !principal->nodeId.isNull())
                    principal = Error::forbidden(QStringLiteral("an API key cannot open a live connection"));
                QMetaObject::invokeMethod(
                    m_hub,
                    [principal, done] {
                        done(principal.ok() ? &principal.value() : nullptr,
                             principal.ok() ? QString() : principal.error().message);
                    },
                    Qt::QueuedConnection);
            });
        },
        [this](std::function<void(PgConnection &)> work) {
            m_workers.start([this, work = std::move(work)] {
                if (auto connection = m_pool->acquire())
                    work(**connection);
            });
        },
        this);
    m_hub->setHeartbeat(m_config.webSocketPingMs, m_config.webSocketTimeoutMs);
    m_hub->setIdleAfter(m_config.webSocketIdleMs);
    m_bus = new EventBus(m_conninfo, this);
    if (!m_bus->start())
        return Error::unavailable(QStringLiteral("cannot listen for collaboration events"));
    connect(m_bus, &EventBus::received, m_hub, &WebSocketHub::deliver);
    m_opsProbe = new QTimer(this);
    connect(m_opsProbe, &QTimer::timeout, this, [this] { probeOperations(); });
    m_opsProbe->start(5000);
    probeOperations();
    m_metrics->setAgentInterval(m_config.agent.intervalS);
    m_metrics->setDataDir(m_config.dataDir);
    if (m_config.tls.enabled())
        m_metrics->setCertificateExpiry(m_config.tls.certificateChain.first().expiryDate().toSecsSinceEpoch());
    m_leaseSweep = new QTimer(this);
    connect(m_leaseSweep, &QTimer::timeout, this, [this] {
        m_workers.start([this] {
            auto connection = m_pool->acquire();
            if (!connection)
                return;
            Transaction transaction(**connection);
            if (expireLeases(**connection))
                transaction.commit();
        });
    });
    m_leaseSweep->start(m_config.leaseSweepMs);
    m_telemetryMaintenance = new QTimer(this);
    const auto maintain = [this] {
        m_workers.start([this] {
            if (auto ran = runTelemetryMaintenance(QDateTime::currentMSecsSinceEpoch()); !ran)
                qCWarning(lcServer).noquote() << "telemetry maintenance failed:" << ran.error().message;
        });
    };
    connect(m_telemetryMaintenance, &QTimer::timeout, this, maintain);
    m_telemetryMaintenance->start(m_config.telemetryMaintenanceMs);
    maintain();
    if (m_config.agent.intervalS > 0) {
        m_agentTimer = new QTimer(this);
        connect(m_agentTimer, &QTimer::timeout, this, [this] {
            if (m_agentBusy.exchange(true))
                return;  // the last cycle is still running
            m_workers.start([this] {
                if (auto connection = m_pool->acquire()) {
                    auto report = m_agent->runCycle(**connection, false);
                    if (report && !report->skipped)
                        m_metrics->noteAgentCycle();
                    if (!report)
                        qCWarning(lcServer).noquote() << "maintenance agent cycle failed:" << report.error().message;
                    else if (report->ticketsOpened + report->ticketsUpdated > 0)
                        qCInfo(lcServer).noquote() << "maintenance agent:" << report->ticketsOpened << "tickets opened,"
                                                   << report->ticketsUpdated << "updated," << report->alertsQueued
                                                   << "alerts queued in" << report->durationMs << "ms";
                }
                m_agentBusy = false;
            });
        });
        m_agentTimer->start(m_config.agent.intervalS * 1000);
    }
    m_alertTimer = new QTimer(this);
    connect(m_alertTimer, &QTimer::timeout, this, [this] {
        if (m_alertsBusy.exchange(true))
            return;
        m_workers.start([this] {
            if (auto sent = deliverAlerts(); !sent)
                qCWarning(lcServer).noquote() << "alert delivery failed:" << sent.error().message;
            m_alertsBusy = false;
        });
    });
    m_alertTimer->start(2000);
    if (m_config.demo) {
        m_demoIngest = std::make_unique<TelemetryIngest>(m_partitions.get());
        m_demoTelemetry = std::make_unique<DemoTelemetry>(m_demoIngest.get());
        m_demoTicker = new QTimer(this);
        connect(m_demoTicker, &QTimer::timeout, this, [this] {
            m_workers.start([this] {
                if (auto connection = m_pool->acquire())
                    m_demoTelemetry->tick(**connection, QDateTime::currentMSecsSinceEpoch());
            });
        });
        m_workers.start([this] {
            auto connection = m_pool->acquire();
            if (!connection)
                return;
            if (auto started = m_demoTelemetry->start(**connection, QDateTime::currentMSecsSinceEpoch()); !started)
                qCWarning(lcServer).noquote() << "demo telemetry:" << started.error().message;
            else
                QMetaObject::invokeMethod(m_demoTicker, [this] {
                    if (m_stopped)
                        return;
                    if (m_config.demoLive)
                        m_demoTicker->start(1000);
                    m_workers.start([this] {
                        auto history = m_pool->acquire();
                        if (!history)
                            return;
                        if (auto filled = m_demoTelemetry->backfill(**history); !filled)
                            qCWarning(lcServer).noquote() << "demo telemetry history:" << filled.error().message;
                        m_demoHistoryLoaded = true;
                    });
                });
        });
    }
    m_http->setWebSocketHandler(&WebSocketHub::isWebSocketPath,
                                [hub = m_hub](QTcpSocket *socket) { hub->takeOver(socket); });
    m_metrics->setGaugeSource([pool = m_pool.get()] { return pool->inUse(); },
                              [pool = m_pool.get()] { return pool->idle(); },
                              [http = m_http] { return http->connectionCount(); },
                              [hub = m_hub] { return hub->connectionCount(); });
    m_metrics->setWebSocketDisconnectSource([hub = m_hub] { return hub->disconnectCounts(); });
    if (!m_http->listen(m_config.bindAddress, m_config.port))
        return Error::unavailable(QStringLiteral("cannot listen on %1:%2: %3")
                                      .arg(m_config.bindAddress.toString())
                                      .arg(m_config.port)
                                      .arg(m_http->errorString()));
    m_totalStartMs = total.elapsed();
    qCInfo(lcServer).noquote() << "laces-server" << Core::productVersion() << "ready at" << url().toString()
                               << QStringLiteral("(started in %1 ms)").arg(m_totalStartMs);
    return Core::Ok{};
}

void Server::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (m_http)
        m_http->close();
    if (m_leaseSweep)
        m_leaseSweep->stop();
    if (m_opsProbe)
        m_opsProbe->stop();
    if (m_telemetryMaintenance)
        m_telemetryMaintenance->stop();
    if (m_agentTimer)
        m_agentTimer->stop();
    if (m_alertTimer)
        m_alertTimer->stop();
    if (m_demoTicker)
        m_demoTicker->stop();
    if (m_demoTelemetry)
        m_demoTelemetry->cancel();
    m_workers.waitForDone();
    m_probeConnection.reset();
    m_metrics->setGaugeSource({}, {}, {}, {});
    m_metrics->setWebSocketDisconnectSource({});
    delete m_hub;
    m_hub = nullptr;
    delete m_bus;
    m_bus = nullptr;
    delete m_http;
    m_http = nullptr;
    m_pool.reset();
    if (m_postgres) {
        m_postgres->stop();
        qCInfo(lcServer) << "stopped the embedded PostgreSQL cluster";
    }
}

quint16 Server::port() const
{
    return m_http ? m_http->serverPort() : 0;
}

QUrl Server::url() const
{
    QUrl url;
    url.setScheme(m_config.tls.enabled() ? QStringLiteral("https") : QStringLiteral("http"));
    const QHostAddress address = m_config.bindAddress;
    url.setHost(address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ? QStringLiteral("127.0.0.1")
                                                                                 : address.toString());
    url.setPort(port());
    return url;
}

void Server::registerRoutes()
{
    // The APIs live as long as the server: their routes call back into them.
    m_authApi = std::make_unique<AuthApi>(m_auth.get());
    m_usersApi = std::make_unique<UsersApi>(m_auth.get());
    m_twinsApi = std::make_unique<TwinsApi>();
    m_opsApi = std::make_unique<OpsApi>(m_pool.get(), m_metrics.get());
    m_versionsApi = std::make_unique<VersionsApi>(m_config.maxModelBytes);
    m_locksApi = std::make_unique<LocksApi>();
    m_editsApi = std::make_unique<EditsApi>();
    m_nodesApi = std::make_unique<NodesApi>();
    m_partitions = std::make_unique<TelemetryPartitions>();
    m_telemetryApi = std::make_unique<TelemetryApi>(m_config.telemetry, m_partitions.get(), m_metrics.get());
    m_authApi->registerRoutes(m_router);
    m_usersApi->registerRoutes(m_router);
    m_twinsApi->registerRoutes(m_router);
    m_opsApi->registerRoutes(m_router);
    m_versionsApi->registerRoutes(m_router);
    m_locksApi->registerRoutes(m_router);
    m_editsApi->registerRoutes(m_router);
    m_nodesApi->registerRoutes(m_router);
    m_telemetryApi->registerRoutes(m_router);
    SimulationsApi::Settings simulations;
    simulations.concurrentRuns = m_config.simulationSlots;
    simulations.rawRetentionDays = m_config.telemetry.rawRetentionDays;
    m_simulationsApi = std::make_unique<SimulationsApi>(simulations);
    m_simulationsApi->registerRoutes(m_router);
    AgentSettings agent = m_config.agent;
    if (agent.instance.isEmpty())
        agent.instance = QStringLiteral("%1:%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    agent.conninfo = m_conninfo;
    m_agent = std::make_unique<MaintenanceAgent>(agent);
    m_alertDelivery = std::make_unique<AlertDelivery>(m_config.alerts);
    m_ticketsApi = std::make_unique<TicketsApi>();
    m_ticketsApi->registerRoutes(m_router);
    m_alertRulesApi = std::make_unique<AlertRulesApi>();
    m_alertRulesApi->registerRoutes(m_router);
    m_alertChannelsApi = std::make_unique<AlertChannelsApi>(m_config.alerts.allowPrivate);
    m_alertChannelsApi->registerRoutes(m_router);
    m_healthApi = std::make_unique<HealthApi>(m_agent.get());
    m_healthApi->registerRoutes(m_router);
    m_anomalyModelsApi = std::make_unique<AnomalyModelsApi>();
    m_anomalyModelsApi->registerRoutes(m_router);
    m_reliabilityApi = std::make_unique<ReliabilityApi>();
    m_reliabilityApi->registerRoutes(m_router);
    m_edgeEventsApi = std::make_unique<EdgeEventsApi>(m_config.agent.policy);
    m_edgeEventsApi->registerRoutes(m_router);
}

Core::Result<AgentReport> Server::runAgentCycle(std::optional<qint64> nowMs)
{
    auto connection = m_pool->acquire();
    if (!connection)
        return connection.error();
    return m_agent->runCycle(**connection, true, {}, nowMs);
}

Core::Status Server::advanceDemo(qint64 fromMs, qint64 toMs, qint64 stepMs)
{
    if (!m_demoTelemetry)
        return Error::invalid(QStringLiteral("the server runs without --demo"));
    auto connection = m_pool->acquire();
    if (!connection)
        return connection.error();
    return m_demoTelemetry->advance(**connection, fromMs, toMs, stepMs);
}

Core::Result<int> Server::deliverAlerts()
{
    auto connection = m_pool->acquire();
    if (!connection)
        return connection.error();
    return m_alertDelivery->deliverDue(**connection);
}

Core::Result<TelemetryMaintenanceReport> Server::runTelemetryMaintenance(qint64 nowMs)
{
    auto connection = m_pool->acquire();
    if (!connection)
        return connection.error();
    return Laces::Server::runTelemetryMaintenance(**connection, *m_partitions, m_config.telemetry, nowMs);
}

std::optional<HttpResponse> Server::applyLimit(PgConnection &db, const QByteArray &key, int capacity, int windowS,
                                               std::optional<RateLimiter::Decision> *decision)
{
    auto taken = m_rateLimiter->take(db, key, capacity, windowS);
    if (!taken)
        return HttpResponse::fromError(taken.error());
    *decision = *taken;
    if (taken->allowed)
        return std::nullopt;
    m_metrics->countRateLimited();
    return RateLimiter::refusal(*taken);
}

QList<QPair<QByteArray, QString>> Server::routeTable() const
{
    QList<QPair<QByteArray, QString>> table;
    for (const Router::Route &route : m_router.routes())
        table.append({route.method, route.pattern});
    return table;
}

quint64 Server::failedTlsHandshakes() const
{
    return m_http ? m_http->failedHandshakes() : 0;
}

void Server::probeOperations()
{
    // What /metrics reports about the database and the fleet: sampled here, off the event
    // loop, so that a scrape never waits for the database (nor fails when it is down).
    if (m_opsProbeBusy.exchange(true))
        return;
    const bool sampleFleet = m_opsProbeTicks++ % 3 == 0;
    // Its own connection, not one of the workers': a saturated pool is slow, not a
    // database that is down.
    m_workers.start([this, sampleFleet] {
        QElapsedTimer timer;
        timer.start();
        if (!m_probeConnection)
            m_probeConnection = std::make_unique<PgConnection>(m_conninfo);
        PgConnection *connection = m_probeConnection.get();
        bool up = false;
        if (connection->ensureOpen()) {
            up = connection->exec("SELECT 1").ok();
            if (up && sampleFleet) {
                QHash<QString, qint64> fleet;
                if (auto rows = connection->exec("SELECT status, count(*) FROM machine_nodes GROUP BY status"))
                    for (int row = 0; row < rows->rowCount(); ++row)
                        fleet.insert(rows->text(row, 0), rows->integer(row, 1));
                m_metrics->setFleet(fleet);
                QHash<QString, qint64> tickets;
                if (auto rows = connection->exec("SELECT severity, count(*) FROM maintenance_tickets "
                                                    "WHERE status IN ('open', 'acknowledged', 'in_progress') "
                                                    "GROUP BY severity"))
                    for (int row = 0; row < rows->rowCount(); ++row)
                        tickets.insert(rows->text(row, 0), rows->integer(row, 1));
                m_metrics->setOpenTickets(tickets);
                // A bucket untouched for longer than any window is full: its row can go.
                connection->exec("DELETE FROM rate_limit_buckets WHERE updated_at < now() - interval '2 hours'");
            }
        }
        m_metrics->setDatabaseProbe(up, double(timer.nsecsElapsed()) / 1e9);
        m_opsProbeBusy = false;
    });
}

void Server::dispatch(HttpRequest request, std::function<void(HttpResponse)> respond)
{
    QElapsedTimer timer;
    timer.start();
    const Router::Match match = m_router.match(request.method, request.path);
    if (!match.route) {
        HttpResponse response;
        if (!match.route && !match.allowedMethods.isEmpty()) {
            response = HttpResponse::error(405, QStringLiteral("method_not_allowed"),
                                           QStringLiteral("%1 is not allowed on %2; allowed: %3")
                                               .arg(QString::fromLatin1(request.method), request.path,
                                                    match.allowedMethods.join(QStringLiteral(", "))));
            response.setHeader("Allow", match.allowedMethods.join(QStringLiteral(", ")).toLatin1());
        } else {
            response = HttpResponse::error(404, QStringLiteral("not_found"),
                                           QStringLiteral("no such resource: %1").arg(request.path));
        }
        response.setHeader("X-Request-Id", request.requestId.toLatin1());
        observe(request, QStringLiteral("(unmatched)"), response, double(timer.nsecsElapsed()) / 1e9, {});
        respond(std::move(response));
        return;
    }

    const Router::Route *route = match.route;
    m_workers.start([this, route, params = match.params, badParam = match.badParam, request = std::move(request),
                     respond = std::move(respond), timer]() mutable {
        RequestContext context(request, params);
        std::optional<RateLimiter::Decision> limited;
        HttpResponse response = [&]() -> HttpResponse {
            std::optional<PooledConnection> connection;
            if (route->usesDatabase || route->access.kind != Access::Kind::Public) {
                auto acquired = m_pool->acquire();
                if (!acquired)
                    return HttpResponse::fromError(acquired.error());
                connection.emplace(std::move(*acquired));
                context.setDb(&**connection);
            }
            if (route->access.kind != Access::Kind::Public) {
                auto principal = m_auth->authenticate(context.db(), request.header("authorization"));
                if (!principal) {
                    HttpResponse refused = HttpResponse::fromError(principal.error());
                    refused.setHeader("WWW-Authenticate", "Bearer realm=\"laces\"");
                    return refused;
                }
                context.setPrincipal(std::move(*principal));
                const bool edge = !context.principal().nodeId.isNull();
                if (const int perMin = edge ? m_config.edgeRateLimitPerMin : m_config.rateLimitPerMin; perMin > 0) {
                    const QByteArray key = edge ? "node:" + context.principal().nodeId.toByteArray(QUuid::WithoutBraces)
                                                : "user:" + context.principal().userId.toByteArray(QUuid::WithoutBraces);
                    if (auto refused = applyLimit(context.db(), key, perMin, 60, &limited))
                        return *refused;
                }
                if (!context.principal().nodeId.isNull() && !m_config.tls.clientCas.isEmpty()
                    && request.clientCertificateName
                           != context.principal().nodeId.toString(QUuid::WithoutBraces))
                    return HttpResponse::fromError(Error::forbidden(
                        QStringLiteral("this API key's node is %1; the client certificate names '%2'")
                            .arg(context.principal().nodeId.toString(QUuid::WithoutBraces),
                                 request.clientCertificateName)));
                if (!context.principal().nodeId.isNull()
                    && route->access.permission != QLatin1String("telemetry.ingest"))
                    return HttpResponse::fromError(
                        Error::forbidden(QStringLiteral("an API key may only ingest telemetry for its node")));
                if (route->access.kind == Access::Kind::Permission
                    && !context.principal().can(route->access.permission))
                    return HttpResponse::fromError(Error::forbidden(
                        QStringLiteral("your role (%1) lacks the permission %2")
                            .arg(context.principal().role, route->access.permission)));
            }
            if (route->pattern == QLatin1String("/auth/register") && m_config.registrationsPerHourPerAddress > 0) {
                std::optional<RateLimiter::Decision> registration;
                if (auto refused = applyLimit(context.db(), "register:" + request.peerAddress.toString().toUtf8(),
                                              m_config.registrationsPerHourPerAddress, 3600, &registration))
                    return *refused;
            }
            // Checked after authentication, so that a stranger learns nothing about routes.
            if (!badParam.isEmpty())
                return HttpResponse::fromError(
                    Error::invalid(QStringLiteral("'%1' must be a UUID").arg(badParam), badParam));
            if (!Idempotency::applies(context))
                return route->handler(context);
            if (auto answered = Idempotency::begin(context.db(), context))
                return *answered;
            HttpResponse answer = route->handler(context);
            Idempotency::finish(context.db(), context, answer);
            return answer;
        }();
        response.setHeader("X-Request-Id", request.requestId.toLatin1());
        response.setHeader("Cache-Control", "no-store");
        if (limited && response.status != 429)
            RateLimiter::annotate(response, *limited);
        observe(request, route->pattern, response, double(timer.nsecsElapsed()) / 1e9,
                context.hasPrincipal() ? context.principal().username : QString());
        respond(std::move(response));
    });
}

void Server::observe(const HttpRequest &request, const QString &route, const HttpResponse &response,
                     double seconds, const QString &user)
{
    m_metrics->observeRequest(request.method.isEmpty() ? QByteArray("-") : request.method, route,
                              response.status, seconds);
    if (m_config.accessLog == AccessLog::Off
        || (m_config.accessLog == AccessLog::Errors && response.status < 400))
        return;
    logEvent(lcHttp(), response.status >= 500 ? QtWarningMsg : QtInfoMsg, QStringLiteral("request"),
             {{QStringLiteral("request_id"), request.requestId},
              {QStringLiteral("method"), QString::fromLatin1(request.method)},
              {QStringLiteral("path"),
               QString::fromLatin1(request.path.left(200).toUtf8().toPercentEncoding("/-._~:@!$&'()*+,;="))},
              {QStringLiteral("route"), route},
              {QStringLiteral("status"), response.status},
              {QStringLiteral("duration_ms"), std::round(seconds * 100000) / 100},
              {QStringLiteral("user"), user},
              {QStringLiteral("peer"), request.peerAddress.toString()}});
}

} // namespace Laces::Server
