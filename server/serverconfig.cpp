#include "serverconfig.h"

#include <QSslCertificate>

#include <QCommandLineParser>
#include <QDir>
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
    return config;
}

} // namespace Laces::Server
