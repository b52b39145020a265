// One maintenance agent cycle over a large fleet: 10,000 online nodes with five sensors
// each, 7 days of hourly rollups and the last 20 minutes of minute rollups, an anomaly
// model on every node; 1 % of the nodes above a limit, 1 % warming towards one. The cycle
// (set-based reads, thresholds with hysteresis, stale nodes, the hourly share of trends,
// anomaly scores of the new minutes, tickets, health) is timed next to a bare SELECT over
// the same rollups, in the same database. Goal: a cycle under 1 s.
//
//   build/bench/bench_agent [--nodes N] [--cycles K] [--cold-trends]

#include "db/pgconnection.h"
#include "maintenance/maintenanceagent.h"
#include "testserver.h"

#include "anomaly/zscoredetector.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cmath>

using namespace Laces;

namespace {

QTextStream out(stdout);

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

bool exec(Server::PgConnection &db, const QByteArray &sql, const QList<QByteArray> &params = {})
{
    auto done = db.exec(sql, params);
    if (!done)
        out << "SQL failed: " << done.error().message << "\n" << sql.left(300) << Qt::endl;
    return done.ok();
}

double timed(Server::PgConnection &db, const QByteArray &sql, const QList<QByteArray> &params = {})
{
    QElapsedTimer timer;
    timer.start();
    exec(db, sql, params);
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("nodes"), QStringLiteral("Nodes in the fleet (default 10000)."), QStringLiteral("n"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("cycles"), QStringLiteral("Steady cycles to time (default 5)."), QStringLiteral("k"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("cold-trends"), QStringLiteral("Start without the agent's trend cache (as in its first hour).")});
    parser.addHelpOption();
    parser.process(app);
    const int nodes = std::max(10, parser.value(QStringLiteral("nodes")).toInt());
    const int cycles = std::max(1, parser.value(QStringLiteral("cycles")).toInt());

    Tests::TestServer server;
    if (!server.start([](Server::ServerConfig &config) {
            config.agent.intervalS = 0;   // the benchmark runs the cycles
            config.workers = 4;
        })) {
        out << "server failed to start: " << server.errorString() << Qt::endl;
        return 1;
    }
    server.registerUser(QStringLiteral("fleet-owner"), QStringLiteral("fleet-owner-password"));
    Server::PgConnection db(server.server().conninfo());
    if (!db.open())
        return 1;
    auto organization = db.exec("SELECT organization_id FROM users WHERE username = 'fleet-owner'");
    const QByteArray org = organization->bytes(0, 0);
    out << "fleet: " << nodes << " online nodes, 5 sensors each (rpm, temperature_c, vibration_x/y/z_g), "
        << "7 days of hourly rollups, 20 minutes of minute rollups, a z-score model on every node" << Qt::endl;

    QElapsedTimer setup;
    setup.start();
    // The timeline's minute: the data are laid out from it, and the cycles step on from it.
    const qint64 baseMinuteMs = QDateTime::currentMSecsSinceEpoch() / 60000 * 60000;
    const QByteArray base = QDateTime::fromMSecsSinceEpoch(baseMinuteMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
    exec(db, "INSERT INTO machine_nodes (organization_id, name, node_type, latitude, longitude, site, status, last_seen_at) "
             "SELECT $1, 'node ' || i, 'pump', 40 + (i % 100) * 0.1, (i / 100) * 0.1, 'site ' || (i % 50), 'online', now() "
             "FROM generate_series(1, $2) AS i",
         {org, QByteArray::number(nodes)});
    exec(db, "INSERT INTO node_sensors (node_id, metric, unit, max_value, warn_above, sample_rate_hz) "
             "SELECT n.id, m.metric, m.unit, m.max_value, m.warn, 1 FROM machine_nodes n CROSS JOIN (VALUES "
             "('rpm', 'rpm', 4000.0, 3600.0), ('temperature_c', '°C', 100.0, 80.0), ('vibration_x_g', 'g', 8.0, 4.0), "
             "('vibration_y_g', 'g', 8.0, 4.0), ('vibration_z_g', 'g', 8.0, 4.0)) AS m(metric, unit, max_value, warn) "
             "WHERE n.organization_id = $1",
         {org});
    // Hourly means: steady, except every 100th node whose temperature climbs 0.2 °C an hour
    // (towards its limit within the week) and every 100th (offset 50) running hot now.
    exec(db, "INSERT INTO telemetry_rollup_1h (node_id, metric, bucket, count, min, max, sum, sum_squares) "
             "SELECT n.id, s.metric, h.bucket, 3600, v - 1, v + 1, v * 3600, v * v * 3600 FROM "
             "(SELECT id, row_number() OVER (ORDER BY id) AS k FROM machine_nodes WHERE organization_id = $1) n "
             "JOIN node_sensors s ON s.node_id = n.id "
             "CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - make_interval(hours => g) AS bucket, g "
             "  FROM generate_series(1, 168) AS g) h "
             "CROSS JOIN LATERAL (SELECT CASE WHEN s.metric = 'temperature_c' AND n.k % 100 = 0 "
             "  THEN 50 + 0.2 * (168 - h.g) WHEN s.metric = 'temperature_c' THEN 55 WHEN s.metric = 'rpm' THEN 1500 "
             "  ELSE 1.0 END AS v) val",
         {org});
    // The agent's trend cache as its first hour of cycles leaves it (every node's series
    // read once, as one row): a refit then reads only the hours after the cached ones. The
    // first hour after a start reads whole series instead (the first cycle below, and
    // `--cold-trends`).
    if (!parser.isSet(QStringLiteral("cold-trends")))
        exec(db, "INSERT INTO agent_trend_series (node_id, metric, hours, means, squares, loaded_at) "
                 "SELECT node_id, metric, array_agg((extract(epoch FROM bucket) / 3600)::int8 ORDER BY bucket), "
                 "array_agg(sum / count ORDER BY bucket), CASE WHEN metric LIKE 'vibration%' "
                 "THEN array_agg(sum_squares / count ORDER BY bucket) ELSE '{}' END, $1::timestamptz "
                 "FROM telemetry_rollup_1h WHERE bucket >= date_trunc('hour', $1::timestamptz) - interval '168 hours' "
                 "AND bucket < date_trunc('hour', $1::timestamptz) GROUP BY node_id, metric",
             {base});
    exec(db, "INSERT INTO telemetry_rollup_1m (node_id, metric, bucket, count, min, max, sum, sum_squares) "
             "SELECT n.id, s.metric, m.bucket, 60, v - 0.5, v + 0.5, v * 60, v * v * 60 FROM "
             "(SELECT id, row_number() OVER (ORDER BY id) AS k FROM machine_nodes WHERE organization_id = $1) n "
             "JOIN node_sensors s ON s.node_id = n.id "
             "CROSS JOIN LATERAL (SELECT $2::timestamptz - make_interval(mins => g) AS bucket, g "
             "  FROM generate_series(0, 19) AS g) m "
             "CROSS JOIN LATERAL (SELECT CASE WHEN s.metric = 'temperature_c' AND n.k % 100 = 50 THEN 110 "
             "  WHEN s.metric = 'temperature_c' THEN 55 + 0.3 * sin(m.g + n.k) WHEN s.metric = 'rpm' THEN 1500 + 3 * sin(m.g) "
             "  ELSE 1.0 + 0.01 * sin(m.g * 1.7 + n.k) END AS v) val",
         {org, base});
    // One model for all (the same bytes), trained as the agent would on a healthy day of
    // minute means, scored since ten minutes ago.
    Eigen::MatrixXd train(1440, 5);
    for (int r = 0; r < 1440; ++r) {
        train(r, 0) = 1500 + 3 * std::sin(r);
        train(r, 1) = 55 + 0.3 * std::sin(r * 0.7);
        for (int c = 2; c < 5; ++c)
            train(r, c) = 1.0 + 0.01 * std::sin(r * 1.7 + c);
    }
    const QStringList features{QStringLiteral("rpm"), QStringLiteral("temperature_c"), QStringLiteral("vibration_x_g"),
                               QStringLiteral("vibration_y_g"), QStringLiteral("vibration_z_g")};
    Core::Anomaly::ZScoreOptions options;
    options.minimumThreshold = 3;
    auto detector = Core::Anomaly::ZScoreDetector::fit(train, features, options);
    if (!detector) {
        out << detector.error().message << Qt::endl;
        return 1;
    }
    const QByteArray model = detector->serialize();
    exec(db, "INSERT INTO anomaly_models (organization_id, node_id, kind, metrics, model, sha256, trained_from, trained_to, "
             "training_rows) SELECT $1, id, 'zscore_max', $2::text[], decode($3, 'base64'), 'bench', "
             "now() - interval '8 days', now() - interval '7 days', 1440 FROM machine_nodes WHERE organization_id = $1",
         {org, "{rpm,temperature_c,vibration_x_g,vibration_y_g,vibration_z_g}", model.toBase64()});
    exec(db, "INSERT INTO node_health (node_id, score, status, scored_until) SELECT id, 100, 'unknown', "
             "$2::timestamptz - interval '10 minutes' FROM machine_nodes WHERE organization_id = $1",
         {org, base});
    exec(db, "VACUUM ANALYZE");
    auto counts = db.exec("SELECT (SELECT count(*) FROM telemetry_rollup_1h), (SELECT count(*) FROM telemetry_rollup_1m)");
    out << "rollups: " << counts->integer(0, 0) << " hourly, " << counts->integer(0, 1) << " minute rows; set up in "
        << QString::number(double(setup.elapsed()) / 1000, 'f', 1) << " s" << Qt::endl;

    // The baseline: the same rollups the cycle reads, with no logic: the minute rollups of
    // the last few minutes of every node and metric, and the hourly share of trends.
    QList<double> baseline;
    for (int i = 0; i < 5; ++i)
        baseline.append(timed(db, "SELECT node_id, metric, count(*), max(bucket), min(min), max(max) FROM telemetry_rollup_1m "
                                  "WHERE bucket >= date_trunc('minute', now()) - interval '3 minutes' GROUP BY node_id, metric"));
    QList<double> baselineTrends;
    const int perCycle = std::max(100, int(std::ceil(nodes * 60.0 / 3600.0)));
    for (int i = 0; i < 5; ++i)
        baselineTrends.append(timed(db, "SELECT s.node_id, s.metric, b.bucket, b.sum / b.count FROM "
                                        "(SELECT id FROM machine_nodes ORDER BY id LIMIT $1) n JOIN node_sensors s ON s.node_id = n.id "
                                        "CROSS JOIN LATERAL (SELECT r.bucket, r.sum, r.count FROM telemetry_rollup_1h r "
                                        "WHERE r.node_id = s.node_id AND r.metric = s.metric "
                                        "AND r.bucket >= date_trunc('hour', now()) - interval '168 hours') b ORDER BY 1, 2, 3",
                                    {QByteArray::number(perCycle)}));

    if (qEnvironmentVariableIsSet("LACES_BENCH_LOG_STATEMENTS")) {
        exec(db, "ALTER SYSTEM SET log_min_duration_statement = 10");
        exec(db, "SELECT pg_reload_conf()");
        out << "statements over 10 ms are logged to " << server.dataDir() << "/postgres.log" << Qt::endl;
    }
    // The first cycle: cold caches, the first tickets, the first share of trends.
    exec(db, "UPDATE machine_nodes SET last_seen_at = $2::timestamptz + interval '30 seconds' WHERE organization_id = $1",
         {org, base});
    auto first = server.server().runAgentCycle(baseMinuteMs + 30000);
    if (!first) {
        out << "cycle failed: " << first.error().message << Qt::endl;
        return 1;
    }
    out << "first cycle: " << QString::number(first->durationMs, 'f', 1) << " ms, " << first->nodesAssessed
        << " nodes assessed, " << first->ticketsOpened << " tickets opened, " << first->trendsRefreshed
        << " nodes' trends fit, " << first->minutesScored << " minutes scored" << Qt::endl;
    // Steady cycles: a minute later each, with one new minute of every node.
    QList<double> steady;
    int opened = first->ticketsOpened;
    for (int i = 0; i < cycles; ++i) {
        // A new minute of every node, and the nodes heard from then.
        exec(db, "INSERT INTO telemetry_rollup_1m (node_id, metric, bucket, count, min, max, sum, sum_squares) "
                 "SELECT r.node_id, r.metric, r.bucket + make_interval(mins => $2), r.count, r.min, r.max, r.sum, r.sum_squares "
                 "FROM telemetry_rollup_1m r JOIN machine_nodes n ON n.id = r.node_id AND n.organization_id = $1 "
                 "WHERE r.bucket = $4::timestamptz + make_interval(mins => $3) ON CONFLICT DO NOTHING",
             {org, QByteArray::number(1), QByteArray::number(i), base});
        exec(db, "UPDATE machine_nodes SET last_seen_at = $3::timestamptz + make_interval(mins => $2) + interval '30 seconds' "
                 "WHERE organization_id = $1",
             {org, QByteArray::number(i + 1), base});
        exec(db, "UPDATE node_health SET trends_at = NULL WHERE node_id IN (SELECT id FROM machine_nodes ORDER BY id "
                 "LIMIT $1 OFFSET $2)",
             {QByteArray::number(perCycle), QByteArray::number(perCycle * (i % 10))});   // this minute's share of trends
        auto report = server.server().runAgentCycle(baseMinuteMs + (i + 1) * 60000LL + 30000);
        if (!report) {
            out << "cycle failed: " << report.error().message << Qt::endl;
            return 1;
        }
        steady.append(report->durationMs);
        opened += report->ticketsOpened;
        out << "cycle " << i + 1 << ": " << QString::number(report->durationMs, 'f', 1) << " ms (" << report->ticketsOpened
            << " opened, " << report->ticketsUpdated << " updated, " << report->trendsRefreshed << " trends, "
            << report->minutesScored << " minutes scored;";
        for (const auto &[name, ms] : report->stepsMs)
            out << " " << name << " " << QString::number(ms, 'f', 1);
        out << " ms)" << Qt::endl;
    }
    auto tickets = db.exec("SELECT count(*) FILTER (WHERE cause = 'threshold:temperature_c'), "
                           "count(*) FILTER (WHERE cause = 'trend:temperature_c'), count(*) FILTER (WHERE cause = 'anomaly'), "
                           "count(*) FROM maintenance_tickets");
    const double bare = median(baseline);
    const double bareTrends = median(baselineTrends);
    const double cycle = median(steady);
    out << "bare SELECT of the minute rollups (median of 5): " << QString::number(bare, 'f', 1)
        << " ms; of this cycle's share of hourly rollups: " << QString::number(bareTrends, 'f', 1) << " ms" << Qt::endl;
    out << "tickets: " << tickets->integer(0, 0) << " over a limit, " << tickets->integer(0, 1) << " trends, "
        << tickets->integer(0, 2) << " anomalies, " << tickets->integer(0, 3) << " in all (expected " << nodes / 100
        << " hot nodes and their anomalies, and up to " << nodes / 100 << " trends)" << Qt::endl;
    out << "agent: nodes=" << nodes << " cycle_ms=" << QString::number(cycle, 'f', 1)
        << " first_cycle_ms=" << QString::number(first->durationMs, 'f', 1) << " bare_select_ms="
        << QString::number(bare + bareTrends, 'f', 1) << " ratio=" << QString::number(cycle / (bare + bareTrends), 'f', 1)
        << " goal_ms=1000" << Qt::endl;
    if (qEnvironmentVariableIsSet("LACES_BENCH_KEEP")) {
        // For a look at the statements by hand: the database stays up while the file exists.
        const QString flag = qEnvironmentVariable("LACES_BENCH_KEEP");
        QFile(flag).open(QIODevice::WriteOnly);
        out << "database kept: " << server.server().conninfo() << " (until " << flag << " is removed)" << Qt::endl;
        while (QFile::exists(flag))
            QThread::sleep(1);
    }
    if (qEnvironmentVariableIsSet("LACES_BENCH_LOG_STATEMENTS")) {
        QFile log(server.dataDir() + QStringLiteral("/postgres.log"));
        if (log.open(QIODevice::ReadOnly))
            out << log.readAll().right(20000) << Qt::endl;
    }
    return 0;
}
