#pragma once

#include "result.h"
#include "maintenance/alertdelivery.h"
#include "maintenance/maintenanceagent.h"
#include "telemetry/telemetrystore.h"

#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

class QCommandLineParser;

namespace Laces::Server {

// HTTPS and WSS served by the server itself (--tls-cert, --tls-key, --tls-min, --tls-client-ca).
struct TlsSettings
{
    QString certificateFile;
    QList<QSslCertificate> certificateChain;  // the server's certificate first
    QSslKey key;
    QSsl::SslProtocol minimum = QSsl::TlsV1_2OrLater;
    // Non-empty: every client must show a certificate chaining to one of these, and an
    // edge API key is accepted only with a certificate whose common name is its node's id.
    QList<QSslCertificate> clientCas;

    bool enabled() const { return !certificateChain.isEmpty(); }
};

// Who may log what: every request, only failed ones (status >= 400), or none.
enum class AccessLog { On, Errors, Off };

// Everything laces-server can be told, from its command line or LACES_* environment
// variables (the command line wins).
struct ServerConfig
{
    QString dataDir;               // default: /var/lib/laces as root, else ~/.local/share/laces
    QString databaseUrl;           // empty: the embedded cluster in dataDir
    QString pgBinDir;
    QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8000;
    bool demo = false;
    QString demoModelPath;         // empty: search ../shared/data/models next to the sources
    bool demoLive = true;          // false: no sample a second; the caller drives the demo's clock
                                   // (Server::advanceDemo, for evaluations)
    qint64 maxBodyBytes = 1024 * 1024;
    qint64 maxModelBytes = qint64(512) * 1024 * 1024;  // model file uploads
    int idleTimeoutS = 30;
    int webSocketPingMs = 15000;      // the hub pings this often ...
    int webSocketTimeoutMs = 45000;   // ... and drops a connection silent this long
    int webSocketIdleMs = 120000;     // a subscriber without messages this long is shown idle
    int leaseSweepMs = 5000;          // expired edit locks are ended (and announced) this often
    QList<QHostAddress> trustedProxies;  // whose X-Real-IP / X-Forwarded-For we believe
    int workers = 16;              // worker threads = database connections
    bool durableDatabase = true;   // tests turn fsync off in their throwaway clusters
    int tokenLifetimeS = 3600;
    int loginFailuresPerAccount = 5;
    int loginFailuresPerAddress = 30;
    TelemetrySettings telemetry;
    int telemetryMaintenanceMs = 3600000;  // partitions, compression, retention: hourly and at start
    int simulationSlots = 2;       // ageing simulations computing at once (the rest answer 503)
    AgentSettings agent;           // the maintenance agent's loop and alert policy
    AlertDeliverySettings alerts;  // where e-mail goes, whether webhooks may be private
    TlsSettings tls;
    // Token buckets shared by all instances on one database: requests a minute per user
    // (and per edge API key), 0 = no limit; registrations an hour per client address.
    int rateLimitPerMin = 100;
    int edgeRateLimitPerMin = 6000;
    int registrationsPerHourPerAddress = 10;
    bool jsonLogs = false;         // --log-format json
    AccessLog accessLog = AccessLog::On;
    QByteArray signingKey;         // --signing-key-file; empty: the key kept in the database
    QString walArchiveDir;         // --wal-archive: the embedded cluster archives its WAL here

    static QString defaultDataDir();
    static void addOptions(QCommandLineParser &parser);
    static Core::Result<ServerConfig> fromParser(const QCommandLineParser &parser);
};

} // namespace Laces::Server
