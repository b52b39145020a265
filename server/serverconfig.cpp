#include "serverconfig.h"

#include <QSslCertificate>

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QUrl>
#include <QStandardPaths>

#include <algorithm>

#include <unistd.h>

namespace Laces::Server {

using Core::Error;

QString ServerConfig::defaultDataDir()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/laces");
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/laces");
}

void ServerConfig::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("data-dir"), QStringLiteral("Data directory (env LACES_DATA_DIR; default %1).")
                                         .arg(defaultDataDir()), QStringLiteral("dir")},
        {QStringLiteral("database-url"), QStringLiteral("Use this PostgreSQL server instead of the embedded "
                                                        "one (env LACES_DATABASE_URL)."), QStringLiteral("url")},
        {QStringLiteral("pg-bindir"), QStringLiteral("PostgreSQL binaries for the embedded cluster "
                                                     "(env LACES_PG_BINDIR)."), QStringLiteral("dir")},
        {QStringLiteral("bind"), QStringLiteral("Address to listen on (env LACES_BIND; default 127.0.0.1)."),
         QStringLiteral("addr")},
        {QStringLiteral("port"), QStringLiteral("Port to listen on, 0 for any (env LACES_PORT; default 8000)."),
         QStringLiteral("n")},
        {QStringLiteral("demo"), QStringLiteral("Load the demo organization, users, twin and fleet "
                                                "(env LACES_DEMO=1).")},
        {QStringLiteral("demo-model"), QStringLiteral("Model file for the demo twin (env LACES_DEMO_MODEL)."),
         QStringLiteral("file")},
        {QStringLiteral("max-body-bytes"), QStringLiteral("Largest accepted request body "
                                                          "(env LACES_MAX_BODY_BYTES; default 1048576)."),
         QStringLiteral("n")},
        {QStringLiteral("max-model-bytes"), QStringLiteral("Largest accepted model file "
                                                           "(env LACES_MAX_MODEL_BYTES; default 536870912)."),
         QStringLiteral("n")},
        {QStringLiteral("idle-timeout"), QStringLiteral("Seconds before an idle connection is closed "
                                                        "(env LACES_IDLE_TIMEOUT_S; default 30)."),
         QStringLiteral("s")},
        {QStringLiteral("trusted-proxies"), QStringLiteral("Comma-separated addresses of reverse proxies whose "
                                                           "X-Real-IP names the client (env LACES_TRUSTED_PROXIES)."),
         QStringLiteral("addrs")},
        {QStringLiteral("workers"), QStringLiteral("Worker threads and database connections "
                                                   "(env LACES_WORKERS; default 16)."), QStringLiteral("n")},
        {QStringLiteral("raw-retention-days"), QStringLiteral("Days raw telemetry is kept, compressed or not "
                                                              "(env LACES_RAW_RETENTION_DAYS; default 30)."),
         QStringLiteral("days")},
        {QStringLiteral("rollup-retention-days"), QStringLiteral("Days the hourly rollups are kept "
                                                                 "(env LACES_ROLLUP_RETENTION_DAYS; default 1825); "
                                                                 "minute rollups are kept 90 days."),
         QStringLiteral("days")},
        {QStringLiteral("simulation-slots"), QStringLiteral("Ageing simulations computed at once; more answer 503 "
                                                            "(env LACES_SIMULATION_SLOTS; default 2)."),
         QStringLiteral("n")},
        {QStringLiteral("compress-after-days"), QStringLiteral("Raw telemetry days older than this are compressed, "
                                                               "0 never (env LACES_COMPRESS_AFTER_DAYS; default 7)."),
         QStringLiteral("days")},
        {QStringLiteral("agent-interval-s"), QStringLiteral("Seconds between maintenance agent cycles, 0 none "
                                                            "(env LACES_AGENT_INTERVAL_S; default 60)."),
         QStringLiteral("s")},
        {QStringLiteral("alert-repeat-s"), QStringLiteral("At most one alert per ticket this often, reminders "
                                                          "included (env LACES_ALERT_REPEAT_S; default 14400)."),
         QStringLiteral("s")},
        {QStringLiteral("smtp-url"), QStringLiteral("Mail server for e-mail alerts, smtp://host:port "
                                                    "(STARTTLS when offered; env LACES_SMTP_URL)."),
         QStringLiteral("url")},
        {QStringLiteral("smtp-from"), QStringLiteral("Sender address of e-mail alerts (env LACES_SMTP_FROM; "
                                                     "default laces@<host name>)."),
         QStringLiteral("address")},
        {QStringLiteral("smtp-ca-file"), QStringLiteral("PEM certificates to trust for the mail server's STARTTLS, "
                                                        "besides the system's (a relay with a private CA; env "
                                                        "LACES_SMTP_CA_FILE)."),
         QStringLiteral("file")},
        {QStringLiteral("alert-allow-private"), QStringLiteral("Allow webhooks to loopback and private addresses "
                                                               "(tests and closed networks; env LACES_ALERT_ALLOW_PRIVATE=1).")},
        {QStringLiteral("tls-cert"), QStringLiteral("Serve HTTPS and WSS with this PEM certificate (chain) "
                                                    "(env LACES_TLS_CERT); needs --tls-key."), QStringLiteral("file")},
        {QStringLiteral("tls-key"), QStringLiteral("The PEM private key of --tls-cert (env LACES_TLS_KEY)."),
         QStringLiteral("file")},
        {QStringLiteral("tls-min"), QStringLiteral("Lowest TLS version accepted, 1.2 or 1.3 (env LACES_TLS_MIN; "
                                                   "default 1.2; 1.3 is preferred either way)."), QStringLiteral("version")},
        {QStringLiteral("tls-client-ca"), QStringLiteral("Require a client certificate issued by these PEM CAs "
                                                         "(mutual TLS for edge devices; an edge API key then needs a "
                                                         "certificate whose CN is its node id; env LACES_TLS_CLIENT_CA)."),
         QStringLiteral("file")},
        {QStringLiteral("rate-limit-per-min"), QStringLiteral("Requests a minute per user, shared by all instances, "
                                                              "0 for none (env LACES_RATE_LIMIT_PER_MIN; default 100; "
                                                              "/health and /metrics are exempt)."), QStringLiteral("n")},
        {QStringLiteral("edge-rate-limit-per-min"), QStringLiteral("Requests a minute per edge API key "
                                                                   "(env LACES_EDGE_RATE_LIMIT_PER_MIN; default 6000)."),
         QStringLiteral("n")},
        {QStringLiteral("log-format"), QStringLiteral("Log lines as text or json, one object a line for log shippers "
                                                      "(env LACES_LOG_FORMAT; default text)."), QStringLiteral("format")},
        {QStringLiteral("access-log"), QStringLiteral("Log each request: on, errors (status 400 and above) or off "
                                                      "(env LACES_ACCESS_LOG; default on)."), QStringLiteral("mode")},
        {QStringLiteral("signing-key-file"), QStringLiteral("The key that signs access tokens, at least 32 bytes, the same "
                                                            "for every instance (env LACES_SIGNING_KEY_FILE; default: "
                                                            "a key kept in the database)."), QStringLiteral("file")},
        {QStringLiteral("wal-archive"), QStringLiteral("Archive the embedded cluster's write-ahead log into this "
                                                       "directory, for point-in-time recovery (env LACES_WAL_ARCHIVE)."),
         QStringLiteral("dir")},
    });
}

namespace {

QString valueOf(const QCommandLineParser &parser, const QString &option, const char *environment)
{
    if (parser.isSet(option))
        return parser.value(option);
    return qEnvironmentVariable(environment);
}

Core::Result<qint64> integerOf(const QCommandLineParser &parser, const QString &option,
                               const char *environment, qint64 fallback, qint64 min, qint64 max)
{
    const QString text = valueOf(parser, option, environment);
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        return Error::invalid(QStringLiteral("--%1 must be an integer from %2 to %3, not '%4'")
                                  .arg(option)
                                  .arg(min)
                                  .arg(max)
                                  .arg(text),
                              option);
    return value;
}

QByteArray readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    return file.read(1024 * 1024);
}

Core::Status readTls(const QCommandLineParser &parser, TlsSettings *tls)
{
    const QString certFile = valueOf(parser, QStringLiteral("tls-cert"), "LACES_TLS_CERT");
    const QString keyFile = valueOf(parser, QStringLiteral("tls-key"), "LACES_TLS_KEY");
    const QString minimum = valueOf(parser, QStringLiteral("tls-min"), "LACES_TLS_MIN");
    const QString clientCa = valueOf(parser, QStringLiteral("tls-client-ca"), "LACES_TLS_CLIENT_CA");
    if (certFile.isEmpty() != keyFile.isEmpty())
        return Error::invalid(QStringLiteral("--tls-cert and --tls-key go together"),
                              certFile.isEmpty() ? QStringLiteral("tls-cert") : QStringLiteral("tls-key"));
    if (certFile.isEmpty()) {
        if (!minimum.isEmpty() || !clientCa.isEmpty())
            return Error::invalid(QStringLiteral("--tls-min and --tls-client-ca need --tls-cert and --tls-key"),
                                  minimum.isEmpty() ? QStringLiteral("tls-client-ca") : QStringLiteral("tls-min"));
        return Core::Ok{};
    }
    QString error;
    const QByteArray certPem = readFile(certFile, &error);
    if (!error.isEmpty())
        return Error::invalid(QStringLiteral("--tls-cert: cannot read '%1': %2").arg(certFile, error),
                              QStringLiteral("tls-cert"));
    tls->certificateFile = certFile;
    tls->certificateChain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (tls->certificateChain.isEmpty())
        return Error::invalid(QStringLiteral("--tls-cert: no PEM certificate in '%1'").arg(certFile),
                              QStringLiteral("tls-cert"));
    const QByteArray keyPem = readFile(keyFile, &error);
    if (!error.isEmpty())
        return Error::invalid(QStringLiteral("--tls-key: cannot read '%1': %2").arg(keyFile, error),
                              QStringLiteral("tls-key"));
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            tls->key = key;
            break;
        }
    }
    if (tls->key.isNull())
        return Error::invalid(QStringLiteral("--tls-key: no unencrypted PEM private key (RSA, EC or DSA) in '%1'")
                                  .arg(keyFile),
                              QStringLiteral("tls-key"));
    if (minimum == QLatin1String("1.3"))
        tls->minimum = QSsl::TlsV1_3OrLater;
    else if (!minimum.isEmpty() && minimum != QLatin1String("1.2"))
        return Error::invalid(QStringLiteral("--tls-min must be 1.2 or 1.3, not '%1'").arg(minimum),
                              QStringLiteral("tls-min"));
    if (!clientCa.isEmpty()) {
        const QByteArray caPem = readFile(clientCa, &error);
        if (!error.isEmpty())
            return Error::invalid(QStringLiteral("--tls-client-ca: cannot read '%1': %2").arg(clientCa, error),
                                  QStringLiteral("tls-client-ca"));
        tls->clientCas = QSslCertificate::fromData(caPem, QSsl::Pem);
        if (tls->clientCas.isEmpty())
            return Error::invalid(QStringLiteral("--tls-client-ca: no PEM certificate in '%1'").arg(clientCa),
                                  QStringLiteral("tls-client-ca"));
    }
    return Core::Ok{};
}

} // namespace

Core::Result<ServerConfig> ServerConfig::fromParser(const QCommandLineParser &parser)
{
    ServerConfig config;
    config.dataDir = valueOf(parser, QStringLiteral("data-dir"), "LACES_DATA_DIR");
    if (config.dataDir.isEmpty())
        config.dataDir = defaultDataDir();
    config.dataDir = QDir(config.dataDir).absolutePath();
    config.databaseUrl = valueOf(parser, QStringLiteral("database-url"), "LACES_DATABASE_URL");
    config.pgBinDir = valueOf(parser, QStringLiteral("pg-bindir"), "LACES_PG_BINDIR");
    const QString bind = valueOf(parser, QStringLiteral("bind"), "LACES_BIND");
    if (!bind.isEmpty()) {
        if (bind == QLatin1String("localhost"))
            config.bindAddress = QHostAddress(QHostAddress::LocalHost);
        else if (!config.bindAddress.setAddress(bind))
            return Error::invalid(QStringLiteral("--bind must be an IP address, not '%1'").arg(bind),
                                  QStringLiteral("bind"));
    }
    auto port = integerOf(parser, QStringLiteral("port"), "LACES_PORT", 8000, 0, 65535);
    if (!port)
        return port.error();
    config.port = quint16(*port);
    config.demo = parser.isSet(QStringLiteral("demo")) || qEnvironmentVariable("LACES_DEMO") == QLatin1String("1");
    config.demoModelPath = valueOf(parser, QStringLiteral("demo-model"), "LACES_DEMO_MODEL");
    auto body = integerOf(parser, QStringLiteral("max-body-bytes"), "LACES_MAX_BODY_BYTES", config.maxBodyBytes,
                          1024, qint64(1) << 40);
    if (!body)
        return body.error();
    config.maxBodyBytes = *body;
    auto model = integerOf(parser, QStringLiteral("max-model-bytes"), "LACES_MAX_MODEL_BYTES", config.maxModelBytes,
                           1024, qint64(1) << 40);
    if (!model)
        return model.error();
    config.maxModelBytes = *model;
    auto idle = integerOf(parser, QStringLiteral("idle-timeout"), "LACES_IDLE_TIMEOUT_S", 30, 1, 86400);
    if (!idle)
        return idle.error();
    config.idleTimeoutS = int(*idle);
    const QString proxies = valueOf(parser, QStringLiteral("trusted-proxies"), "LACES_TRUSTED_PROXIES");
    for (const QString &text : proxies.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QHostAddress address(text.trimmed());
        if (address.isNull())
            return Error::invalid(QStringLiteral("--trusted-proxies: '%1' is not an IP address").arg(text.trimmed()),
                                  QStringLiteral("trusted-proxies"));
        config.trustedProxies.append(address);
    }
    auto workers = integerOf(parser, QStringLiteral("workers"), "LACES_WORKERS", 16, 1, 256);
    if (!workers)
        return workers.error();
    config.workers = int(*workers);
    auto raw = integerOf(parser, QStringLiteral("raw-retention-days"), "LACES_RAW_RETENTION_DAYS",
                         config.telemetry.rawRetentionDays, 1, 36500);
    if (!raw)
        return raw.error();
    config.telemetry.rawRetentionDays = int(*raw);
    auto rollups = integerOf(parser, QStringLiteral("rollup-retention-days"), "LACES_ROLLUP_RETENTION_DAYS",
                             config.telemetry.hourRollupRetentionDays, 1, 36500);
    if (!rollups)
        return rollups.error();
    config.telemetry.hourRollupRetentionDays = int(*rollups);
    config.telemetry.minuteRollupRetentionDays = std::min(config.telemetry.minuteRollupRetentionDays, int(*rollups));
    auto compress = integerOf(parser, QStringLiteral("compress-after-days"), "LACES_COMPRESS_AFTER_DAYS",
                              config.telemetry.compressAfterDays, 0, 36500);
    if (!compress)
        return compress.error();
    config.telemetry.compressAfterDays = int(*compress);
    auto runSlots = integerOf(parser, QStringLiteral("simulation-slots"), "LACES_SIMULATION_SLOTS", config.simulationSlots, 1, 64);
    if (!runSlots)
        return runSlots.error();
    config.simulationSlots = int(*runSlots);
    auto agentInterval = integerOf(parser, QStringLiteral("agent-interval-s"), "LACES_AGENT_INTERVAL_S",
                                   config.agent.intervalS, 0, 86400);
    if (!agentInterval)
        return agentInterval.error();
    config.agent.intervalS = int(*agentInterval);
    auto repeat = integerOf(parser, QStringLiteral("alert-repeat-s"), "LACES_ALERT_REPEAT_S", config.agent.policy.repeatS,
                            1, 7 * 86400);
    if (!repeat)
        return repeat.error();
    config.agent.policy.repeatS = int(*repeat);
    config.alerts.smtpUrl = valueOf(parser, QStringLiteral("smtp-url"), "LACES_SMTP_URL");
    if (!config.alerts.smtpUrl.isEmpty()) {
        const QUrl smtp(config.alerts.smtpUrl);
        if (!smtp.isValid() || smtp.scheme() != QLatin1String("smtp") || smtp.host().isEmpty())
            return Error::invalid(QStringLiteral("--smtp-url must be smtp://host[:port], not '%1'").arg(config.alerts.smtpUrl),
                                  QStringLiteral("smtp-url"));
    }
    config.alerts.smtpFrom = valueOf(parser, QStringLiteral("smtp-from"), "LACES_SMTP_FROM");
    if (!config.alerts.smtpFrom.isEmpty() && !config.alerts.smtpFrom.contains(QLatin1Char('@')))
        return Error::invalid(QStringLiteral("--smtp-from must be an e-mail address"), QStringLiteral("smtp-from"));
    if (const QString caFile = valueOf(parser, QStringLiteral("smtp-ca-file"), "LACES_SMTP_CA_FILE"); !caFile.isEmpty()) {
        config.alerts.smtpCaCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem, QSslCertificate::PatternSyntax::FixedString);
        if (config.alerts.smtpCaCertificates.isEmpty())
            return Error::invalid(QStringLiteral("--smtp-ca-file: no PEM certificate in '%1'").arg(caFile),
                                  QStringLiteral("smtp-ca-file"));
    }
    config.alerts.allowPrivate = parser.isSet(QStringLiteral("alert-allow-private"))
                                 || qEnvironmentVariable("LACES_ALERT_ALLOW_PRIVATE") == QLatin1String("1");
    if (Core::Status tls = readTls(parser, &config.tls); !tls)
        return tls.error();
    auto perMin = integerOf(parser, QStringLiteral("rate-limit-per-min"), "LACES_RATE_LIMIT_PER_MIN",
                            config.rateLimitPerMin, 0, 1000000);
    if (!perMin)
        return perMin.error();
    config.rateLimitPerMin = int(*perMin);
    auto edgePerMin = integerOf(parser, QStringLiteral("edge-rate-limit-per-min"), "LACES_EDGE_RATE_LIMIT_PER_MIN",
                                config.edgeRateLimitPerMin, 0, 10000000);
    if (!edgePerMin)
        return edgePerMin.error();
    config.edgeRateLimitPerMin = int(*edgePerMin);
    const QString logFormat = valueOf(parser, QStringLiteral("log-format"), "LACES_LOG_FORMAT");
    if (!logFormat.isEmpty() && logFormat != QLatin1String("text") && logFormat != QLatin1String("json"))
        return Error::invalid(QStringLiteral("--log-format must be text or json, not '%1'").arg(logFormat),
                              QStringLiteral("log-format"));
    config.jsonLogs = logFormat == QLatin1String("json");
    const QString accessLog = valueOf(parser, QStringLiteral("access-log"), "LACES_ACCESS_LOG");
    if (accessLog == QLatin1String("off"))
        config.accessLog = AccessLog::Off;
    else if (accessLog == QLatin1String("errors"))
        config.accessLog = AccessLog::Errors;
    else if (!accessLog.isEmpty() && accessLog != QLatin1String("on"))
        return Error::invalid(QStringLiteral("--access-log must be on, errors or off, not '%1'").arg(accessLog),
                              QStringLiteral("access-log"));
    if (const QString keyFile = valueOf(parser, QStringLiteral("signing-key-file"), "LACES_SIGNING_KEY_FILE");
        !keyFile.isEmpty()) {
        QFile file(keyFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalid(QStringLiteral("--signing-key-file: cannot read '%1': %2").arg(keyFile, file.errorString()),
                                  QStringLiteral("signing-key-file"));
        config.signingKey = file.read(4096).trimmed();
        if (config.signingKey.size() < 32)
            return Error::invalid(QStringLiteral("--signing-key-file: '%1' holds %2 bytes; a signing key needs at least 32")
                                      .arg(keyFile)
                                      .arg(config.signingKey.size()),
                                  QStringLiteral("signing-key-file"));
    }
    config.walArchiveDir = valueOf(parser, QStringLiteral("wal-archive"), "LACES_WAL_ARCHIVE");
    if (!config.walArchiveDir.isEmpty()) {
        if (!config.databaseUrl.isEmpty())
            return Error::invalid(QStringLiteral("--wal-archive is for the embedded cluster; an external PostgreSQL "
                                                 "archives its own WAL"),
                                  QStringLiteral("wal-archive"));
        config.walArchiveDir = QDir(config.walArchiveDir).absolutePath();
        if (!QDir().mkpath(config.walArchiveDir))
            return Error::invalid(QStringLiteral("--wal-archive: cannot create '%1'").arg(config.walArchiveDir),
                                  QStringLiteral("wal-archive"));
    }
    return config;
}

} // namespace Laces::Server
