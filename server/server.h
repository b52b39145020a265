#pragma once

#include "http/ratelimiter.h"
#include "http/router.h"
#include "result.h"
#include "serverconfig.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <memory>
#include <optional>

namespace Laces::Server {

class AlertChannelsApi;
class AlertDelivery;
class AlertRulesApi;
class AnomalyModelsApi;
class AuthApi;
class HealthApi;
class MaintenanceAgent;
class ReliabilityApi;
class EdgeEventsApi;
class TicketsApi;
class EventBus;
class AuthService;
class EditsApi;
class DemoTelemetry;
class TelemetryIngest;
class NodesApi;
class TelemetryApi;
class TelemetryPartitions;
struct TelemetryMaintenanceReport;
class LocksApi;
class OpsApi;
class SimulationsApi;
class TwinsApi;
class UsersApi;
class VersionsApi;
class WebSocketHub;
class ConnectionPool;
class PgConnection;
class EmbeddedPostgres;
class HttpServer;
class Metrics;

// The whole server: database (embedded or external), migrations, the HTTP front end and
// the APIs. Requests are parsed on the thread that owns the Server and handled on a pool
// of worker threads, each with its own database connection.
class Server : public QObject
{
    Q_OBJECT

public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    Core::Status start();
    void stop();

    QUrl url() const;
    quint16 port() const;
    const ServerConfig &config() const { return m_config; }
    EmbeddedPostgres *embeddedPostgres() const { return m_postgres.get(); }
    QByteArray conninfo() const { return m_conninfo; }
    AuthService *auth() const { return m_auth.get(); }
    Metrics *metrics() const { return m_metrics.get(); }
    WebSocketHub *webSocketHub() const { return m_hub; }
    // Runs the telemetry housekeeping now, as of `nowMs` (tests move the clock forward).
    Core::Result<TelemetryMaintenanceReport> runTelemetryMaintenance(qint64 nowMs);
    // Sends the alerts that are due now (tests do not wait for the timer).
    Core::Result<int> deliverAlerts();
    // One maintenance agent cycle as of `nowMs` (tests move the clock), waiting for the lock.
    Core::Result<struct AgentReport> runAgentCycle(std::optional<qint64> nowMs = {});
    // --demo with demoLive false: the demo fleet's samples from fromMs to toMs, one each
    // stepMs (an evaluation moving the clock on); demoHistoryLoaded() once its week of
    // history is in.
    Core::Status advanceDemo(qint64 fromMs, qint64 toMs, qint64 stepMs);
    bool demoHistoryLoaded() const { return m_demoHistoryLoaded; }

    // Start-up timing, for the logs and the cold/warm start figures.
    qint64 databaseStartMs() const { return m_databaseStartMs; }
    qint64 totalStartMs() const { return m_totalStartMs; }
    // Every route the router has, as registered: ("GET", "/twins/{id:uuid}").
    QList<QPair<QByteArray, QString>> routeTable() const;
    // TLS handshakes that failed (a client below --tls-min, no certificate where one is needed).
    quint64 failedTlsHandshakes() const;

private:
    void registerRoutes();
    void probeOperations();
    // Takes a token of `key`'s bucket: the refusal (429, or the database's error) to answer
    // instead of the request, or nothing when it may go on; the decision for its headers.
    std::optional<struct HttpResponse> applyLimit(PgConnection &db, const QByteArray &key, int capacity, int windowS,
                                                  std::optional<RateLimiter::Decision> *decision);
    void dispatch(struct HttpRequest request, std::function<void(struct HttpResponse)> respond);
    void observe(const struct HttpRequest &request, const QString &route, const struct HttpResponse &response,
                 double seconds, const QString &user);

    ServerConfig m_config;
    QByteArray m_conninfo;
    std::unique_ptr<EmbeddedPostgres> m_postgres;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<RateLimiter> m_rateLimiter;   // shared buckets, leased a few tokens at a time
    std::unique_ptr<AuthApi> m_authApi;
    std::unique_ptr<UsersApi> m_usersApi;
    std::unique_ptr<TwinsApi> m_twinsApi;
    std::unique_ptr<OpsApi> m_opsApi;
    std::unique_ptr<VersionsApi> m_versionsApi;
    std::unique_ptr<LocksApi> m_locksApi;
    std::unique_ptr<EditsApi> m_editsApi;
    std::unique_ptr<NodesApi> m_nodesApi;
    std::unique_ptr<TelemetryPartitions> m_partitions;
    std::unique_ptr<TelemetryApi> m_telemetryApi;
    std::unique_ptr<SimulationsApi> m_simulationsApi;
    std::unique_ptr<MaintenanceAgent> m_agent;
    std::unique_ptr<AlertDelivery> m_alertDelivery;
    std::unique_ptr<TicketsApi> m_ticketsApi;
    std::unique_ptr<AlertRulesApi> m_alertRulesApi;
    std::unique_ptr<AlertChannelsApi> m_alertChannelsApi;
    std::unique_ptr<HealthApi> m_healthApi;
    std::unique_ptr<AnomalyModelsApi> m_anomalyModelsApi;
    std::unique_ptr<ReliabilityApi> m_reliabilityApi;
    std::unique_ptr<EdgeEventsApi> m_edgeEventsApi;
    Router m_router;
    HttpServer *m_http = nullptr;
    WebSocketHub *m_hub = nullptr;
    EventBus *m_bus = nullptr;
    QTimer *m_leaseSweep = nullptr;   // ends expired edit locks and announces them
    QTimer *m_opsProbe = nullptr;     // database and fleet figures for /metrics
    std::atomic<bool> m_opsProbeBusy{false};
    std::unique_ptr<PgConnection> m_probeConnection;   // used by one probe at a time
    int m_opsProbeTicks = 0;
    QTimer *m_telemetryMaintenance = nullptr;
    QTimer *m_agentTimer = nullptr;      // the maintenance agent's cycle
    QTimer *m_alertTimer = nullptr;      // sends what the alert outbox holds
    std::atomic_bool m_agentBusy{false};
    std::atomic_bool m_alertsBusy{false};
    std::unique_ptr<TelemetryIngest> m_demoIngest;
    std::unique_ptr<DemoTelemetry> m_demoTelemetry;   // --demo: the demo fleet reports
    QTimer *m_demoTicker = nullptr;
    std::atomic<bool> m_demoHistoryLoaded{false};
    QThreadPool m_workers;
    qint64 m_databaseStartMs = 0;
    qint64 m_totalStartMs = 0;
    bool m_stopped = false;
};

} // namespace Laces::Server
