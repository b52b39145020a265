#include "maintenanceagent.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "maintenance/anomalymodels.h"
#include "telemetry/telemetrymetrics.h"

#include "anomaly/anomalystream.h"
#include "anomaly/detector.h"

#include "anomaly/trend.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <array>
#include <limits>
#include <cmath>

Q_LOGGING_CATEGORY(lcAgent, "laces.server.agent")

namespace Laces::Server {

using Core::Error;

QJsonObject AgentReport::toJson() const
{
    return {{QStringLiteral("nodes_assessed"), nodesAssessed},
            {QStringLiteral("tickets_opened"), ticketsOpened},
            {QStringLiteral("tickets_updated"), ticketsUpdated},
            {QStringLiteral("alerts_queued"), alertsQueued},
            {QStringLiteral("trends_refreshed"), trendsRefreshed},
            {QStringLiteral("minutes_scored"), minutesScored},
            {QStringLiteral("duration_ms"), std::round(durationMs * 100) / 100},
            {QStringLiteral("steps_ms"), [this] {
                 QJsonObject steps;
                 for (const auto &[name, ms] : stepsMs)
                     steps.insert(name, std::round(ms * 100) / 100);
                 return steps;
             }()},
            {QStringLiteral("skipped"), skipped}};
}

struct MaintenanceAgent::Cycle
{
    qint64 nowMs = 0;                    // the cycle's "now" (tests move it)
    QElapsedTimer stepTimer;
    QByteArray now;                      // the same as a timestamptz parameter
    QUuid reportFor;                     // counts only this organization's (null: all)
    AgentReport report;
    QHash<QUuid, QJsonArray> limits;     // per node: the rules beyond their level now
    QStringList stillFiring;             // dedup keys of tickets whose condition still holds

    void count(const FindingOutcome &outcome, const QUuid &organization)
    {
        if (!reportFor.isNull() && organization != reportFor)
            return;
        report.ticketsOpened += outcome.opened ? 1 : 0;
        report.ticketsUpdated += outcome.updated ? 1 : 0;
        report.alertsQueued += outcome.alertsQueued;
    }
};

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}


// Releases the agent's session-level advisory lock however the cycle ends.
class AgentLock
{
public:
    explicit AgentLock(PgConnection &db) : m_db(db) {}
    ~AgentLock()
    {
        if (m_held)
            m_db.exec("SELECT pg_advisory_unlock(hashtext('laces.maintenance.agent'))");
    }
    Core::Result<bool> take(bool wait)
    {
        auto taken = m_db.exec(wait ? "SELECT pg_advisory_lock(hashtext('laces.maintenance.agent')), true"
                                    : "SELECT 0, pg_try_advisory_lock(hashtext('laces.maintenance.agent'))");
        if (!taken)
            return taken.error();
        m_held = taken->boolean(0, 1);
        return m_held;
    }

private:
    PgConnection &m_db;
    bool m_held = false;
};


} // namespace

MaintenanceAgent::MaintenanceAgent(AgentSettings settings) : m_settings(std::move(settings)) {}


Core::Result<AgentReport> MaintenanceAgent::runCycle(PgConnection &db, bool wait, const QUuid &reportFor,
                                                    std::optional<qint64> nowMs)
{
    QElapsedTimer timer;
    timer.start();
    AgentLock lock(db);
    auto taken = lock.take(wait);
    if (!taken)
        return taken.error();
    Cycle cycle;
    cycle.nowMs = nowMs.value_or(QDateTime::currentMSecsSinceEpoch());
    cycle.now = isoTime(cycle.nowMs).toUtf8();
    cycle.reportFor = reportFor;
    if (!*taken) {
        cycle.report.skipped = true;
        return cycle.report;
    }
    auto started = db.exec("INSERT INTO agent_cycles (instance) VALUES ($1) RETURNING id",
                           {m_settings.instance.toUtf8()});
    if (!started)
        return started.error();
    auto online = db.exec("SELECT count(*) FROM machine_nodes WHERE status = 'online' "
                          "AND ($1::uuid IS NULL OR organization_id = $1)",
                          {reportFor.isNull() ? pgNull() : uuidParam(reportFor)});
    if (!online)
        return online.error();
    cycle.report.nodesAssessed = int(online->integer(0, 0));
    // Resolved tickets older than the deduplication window stop collecting repeats.
    if (auto expired = db.exec("UPDATE maintenance_tickets SET dedup_active = false WHERE dedup_active "
                               "AND status = 'resolved' AND resolved_at < $2::timestamptz - make_interval(secs => $1)",
                               {QByteArray::number(m_settings.policy.dedupAfterResolveS), cycle.now});
        !expired)
        return expired.error();
    using Step = Core::Status (MaintenanceAgent::*)(PgConnection &, Cycle &);
    const QList<QPair<QString, Step>> steps{{QStringLiteral("thresholds"), &MaintenanceAgent::assessThresholds},
                                            {QStringLiteral("stale"), &MaintenanceAgent::assessStale},
                                            {QStringLiteral("trends"), &MaintenanceAgent::assessTrends},
                                            {QStringLiteral("anomalies"), &MaintenanceAgent::assessAnomalies}};
    for (const auto &[name, step] : steps) {
        cycle.stepTimer.start();
        if (auto done = (this->*step)(db, cycle); !done)
            return done.error();
        cycle.report.stepsMs.append({name, double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    }
    // Conditions that still hold keep their tickets' "last seen" current.
    if (!cycle.stillFiring.isEmpty()) {
        if (auto touched = db.exec("UPDATE maintenance_tickets SET last_seen_at = now() WHERE dedup_active "
                                   "AND dedup_key = ANY($1::text[])",
                                   {textArrayParam(cycle.stillFiring)});
            !touched)
            return touched.error();
    }
    // Reminders: CRITICAL tickets nobody acknowledged, once per repeat interval.
    auto reminders = db.exec("SELECT id, organization_id FROM maintenance_tickets WHERE status = 'open' AND severity = 'CRITICAL' "
                             "AND coalesce(last_alert_at, opened_at) < $2::timestamptz - make_interval(secs => $1)",
                             {QByteArray::number(m_settings.policy.repeatS), cycle.now});
    if (!reminders)
        return reminders.error();
    for (int row = 0; row < reminders->rowCount(); ++row) {
        Transaction transaction(db);
        auto queued = TicketStore::queueAlerts(db, reminders->uuid(row, 0), QStringLiteral("reminder"));
        if (!queued)
            return queued.error();
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        if (cycle.reportFor.isNull() || reminders->uuid(row, 1) == cycle.reportFor)
            cycle.report.alertsQueued += *queued;
    }
    QElapsedTimer healthTimer;
    healthTimer.start();
    if (auto written = writeHealth(db, cycle); !written)
        return written.error();
    cycle.report.stepsMs.append({QStringLiteral("health"), double(healthTimer.nsecsElapsed()) / 1e6});
    cycle.report.durationMs = double(timer.nsecsElapsed()) / 1e6;
    if (auto finished = db.exec("UPDATE agent_cycles SET finished_at = now(), nodes_assessed = $2, tickets_opened = $3, "
                                "tickets_updated = $4, alerts_queued = $5, duration_ms = $6 WHERE id = $1",
                                {started->bytes(0, 0), QByteArray::number(cycle.report.nodesAssessed),
                                 QByteArray::number(cycle.report.ticketsOpened),
                                 QByteArray::number(cycle.report.ticketsUpdated),
                                 QByteArray::number(cycle.report.alertsQueued), realParam(cycle.report.durationMs)});
        !finished)
        return finished.error();
    return cycle.report;
}

Core::Status MaintenanceAgent::assessThresholds(PgConnection &db, Cycle &cycle)
{
    // Four set-based reads for the whole fleet (online nodes with their sensors, the
    // explicit rules, the rules firing now, and the minute rollups of the last few
    // minutes, an index range on the bucket bounded by the longest for_s); the rules are
    // then evaluated here, each against its node's minutes.
    auto sensors = db.exec("SELECT n.id, n.organization_id, n.name, n.node_type, s.metric, s.unit, s.warn_above, "
                           "s.max_value, s.min_value FROM machine_nodes n JOIN node_sensors s ON s.node_id = n.id "
                           "WHERE n.status = 'online' ORDER BY n.id, s.metric");
    if (!sensors)
        return sensors.error();
    auto explicitRules = db.exec("SELECT id, organization_id, node_id, node_type, metric, direction, level, clear_level, "
                                 "for_s, severity FROM alert_rules WHERE enabled");
    if (!explicitRules)
        return explicitRules.error();
    int longestS = 60;
    for (int row = 0; row < explicitRules->rowCount(); ++row)
        longestS = std::max(longestS, int(explicitRules->integer(row, 8)));
    auto states = db.exec("SELECT node_id, rule_key FROM alert_states WHERE firing AND rule_key NOT IN ('stale', 'anomaly') "
                          "AND rule_key NOT LIKE 'trend:%' AND rule_key NOT LIKE 'anomaly:%'");
    if (!states)
        return states.error();
    QSet<QPair<QUuid, QString>> firingRules;
    for (int row = 0; row < states->rowCount(); ++row)
        firingRules.insert({states->uuid(row, 0), states->text(row, 1)});
    auto minutes = db.exec("SELECT node_id, metric, (extract(epoch FROM bucket) * 1000)::int8, min, max "
                           "FROM telemetry_rollup_1m WHERE bucket >= date_trunc('minute', $1::timestamptz) "
                           "- make_interval(secs => $2::int + 120) AND bucket <= $1::timestamptz ORDER BY node_id, metric, bucket",
                           {cycle.now, QByteArray::number(longestS)});
    if (!minutes)
        return minutes.error();
    struct Bucket
    {
        qint64 timeMs;
        double min, max;
    };
    QHash<QPair<QUuid, QString>, QList<Bucket>> recent;
    for (int row = 0; row < minutes->rowCount(); ++row)
        recent[{minutes->uuid(row, 0), minutes->text(row, 1)}].append(
            {minutes->integer(row, 2), minutes->real(row, 3), minutes->real(row, 4)});

    struct Rule
    {
        QUuid node, organization;
        QString nodeName, ruleKey, metric, unit, severity;
        bool above = true;
        double level = 0, clearLevel = 0;
        int forS = 60;
    };
    QList<Rule> rules;
    struct NodeInfo
    {
        QUuid organization;
        QString name, type;
        QHash<QString, QString> units;
    };
    QHash<QUuid, NodeInfo> onlineNodes;
    QList<QUuid> nodeOrder;
    for (int row = 0; row < sensors->rowCount(); ++row) {
        const QUuid node = sensors->uuid(row, 0);
        if (!onlineNodes.contains(node)) {
            nodeOrder.append(node);
            onlineNodes.insert(node, {sensors->uuid(row, 1), sensors->text(row, 2), sensors->text(row, 3), {}});
        }
        NodeInfo &info = onlineNodes[node];
        const QString metric = sensors->text(row, 4);
        info.units.insert(metric, sensors->text(row, 5));
        // The sensor's limits as default rules: warn_above MEDIUM, max HIGH (above), min
        // HIGH (below), each with a 5 % band and 60 s.
        const auto add = [&](int column, const char *suffix, bool above, const char *severity) {
            if (sensors->isNull(row, column))
                return;
            const double level = sensors->real(row, column);
            const double band = 0.05 * std::abs(level);
            rules.append({node, info.organization, info.name, QStringLiteral("sensor:%1:%2").arg(metric, QLatin1String(suffix)),
                          metric, sensors->text(row, 5), QLatin1String(severity), above, level,
                          above ? level - band : level + band, 60});
        };
        add(6, "warn", true, "MEDIUM");
        add(7, "max", true, "HIGH");
        add(8, "min", false, "HIGH");
    }
    for (int row = 0; row < explicitRules->rowCount(); ++row) {
        const QUuid organization = explicitRules->uuid(row, 1);
        const QUuid ruleNode = explicitRules->isNull(row, 2) ? QUuid() : explicitRules->uuid(row, 2);
        const QString ruleType = explicitRules->text(row, 3);
        for (const QUuid &node : std::as_const(nodeOrder)) {
            const NodeInfo &info = onlineNodes[node];
            if (info.organization != organization || (!ruleNode.isNull() && ruleNode != node)
                || (!ruleType.isEmpty() && ruleType != info.type))
                continue;
            const QString metric = explicitRules->text(row, 4);
            rules.append({node, organization, info.name, explicitRules->text(row, 0), metric, info.units.value(metric),
                          explicitRules->text(row, 9), explicitRules->text(row, 5) == QLatin1String("above"),
                          explicitRules->real(row, 6), explicitRules->real(row, 7), int(explicitRules->integer(row, 8))});
        }
    }
    struct Fire
    {
        QUuid organization;
        QString nodeName;
        QString metric;
        QString severity;
        QJsonObject evidence;
        QStringList ruleKeys;
        QList<double> values;
    };
    QHash<QPair<QUuid, QString>, Fire> fires;   // (node, metric): one finding, the worst rule's severity
    QList<QPair<QUuid, QString>> order;
    QList<QByteArray> clearedNodes;
    QStringList clearedRules;
    const qint64 nowMs = cycle.nowMs;
    const qint64 nowMinuteMs = nowMs / 60000 * 60000;
    for (const Rule &rule : std::as_const(rules)) {
        const auto found = recent.constFind({rule.node, rule.metric});
        if (found == recent.constEnd())
            continue;   // no minutes in the window: nothing to say (silence is the stale check's)
        const QUuid node = rule.node;
        const QString &ruleKey = rule.ruleKey;
        const QString &metric = rule.metric;
        const bool above = rule.above;
        const double level = rule.level;
        const double clearLevel = rule.clearLevel;
        const int forS = rule.forS;
        const QString &severity = rule.severity;
        // The minutes of this rule's window: the newest, the oldest and the last one that
        // broke the condition (not every sample of it beyond the level).
        const qint64 fromMs = nowMinuteMs - (qint64(forS) + 120) * 1000;
        qint64 newestMs = 0, oldestMs = 0, lastBadMs = 0;
        bool anyBad = false, any = false;
        double newestMax = 0, newestMin = 0, windowMax = -std::numeric_limits<double>::infinity(),
               windowMin = std::numeric_limits<double>::infinity();
        for (const Bucket &bucket : found.value()) {
            if (bucket.timeMs < fromMs)
                continue;
            if (!any)
                oldestMs = bucket.timeMs;
            any = true;
            newestMs = bucket.timeMs;
            newestMax = bucket.max;
            newestMin = bucket.min;
            windowMax = std::max(windowMax, bucket.max);
            windowMin = std::min(windowMin, bucket.min);
            if (!(above ? bucket.min > level : bucket.max < level)) {
                anyBad = true;
                lastBadMs = bucket.timeMs;
            }
        }
        if (!any)
            continue;
        const bool firing = firingRules.contains({node, ruleKey});
        const bool beyondNow = !anyBad || lastBadMs < newestMs;
        // The condition holds since the first minute after the last one that broke it; it
        // counts as held once that is for_s ago.
        const qint64 sinceMs = anyBad ? lastBadMs + 60000 : oldestMs;
        const bool held = beyondNow && nowMs - sinceMs >= qint64(forS) * 1000;
        const double value = above ? newestMax : newestMin;
        const bool cleared = above ? newestMax < clearLevel : newestMin > clearLevel;
        if (beyondNow)
            cycle.limits[node].append(QJsonObject{{QStringLiteral("metric"), metric},
                                                  {QStringLiteral("direction"), above ? QStringLiteral("above") : QStringLiteral("below")},
                                                  {QStringLiteral("level"), level},
                                                  {QStringLiteral("value"), value},
                                                  {QStringLiteral("severity"), severity},
                                                  {QStringLiteral("since"), isoTime(sinceMs)}});
        if (firing) {
            if (cleared) {
                clearedNodes.append(uuidParam(node));
                clearedRules.append(ruleKey);
            } else {
                cycle.stillFiring.append(TicketStore::dedupKey(node, QStringLiteral("threshold:") + metric));
            }
            continue;
        }
        if (!held)
            continue;
        const auto key = qMakePair(node, metric);
        Fire &fire = fires[key];
        if (fire.ruleKeys.isEmpty()) {
            order.append(key);
            fire.organization = rule.organization;
            fire.nodeName = rule.nodeName;
            fire.metric = metric;
        }
        fire.ruleKeys.append(ruleKey);
        fire.values.append(value);
        if (Severity::rank(severity) > Severity::rank(fire.severity)) {
            fire.severity = severity;
            const QString &unit = rule.unit;
            fire.evidence = QJsonObject{
                {QStringLiteral("metric"), metric},
                {QStringLiteral("unit"), unit},
                {QStringLiteral("value"), value},
                {QStringLiteral("direction"), above ? QStringLiteral("above") : QStringLiteral("below")},
                {QStringLiteral("level"), level},
                {QStringLiteral("clear_level"), clearLevel},
                {QStringLiteral("for_s"), forS},
                {QStringLiteral("rule"), ruleKey},
                {QStringLiteral("window"), QJsonObject{{QStringLiteral("from"), isoTime(sinceMs)},
                                                       {QStringLiteral("to"), isoTime(newestMs + 60000)}}},
                {QStringLiteral("window_max"), windowMax},
                {QStringLiteral("window_min"), windowMin},
                {QStringLiteral("title"),
                 QStringLiteral("%1 %2 %3%4 for %5 s on %6")
                     .arg(metric, above ? QStringLiteral("above") : QStringLiteral("below"))
                     .arg(level)
                     .arg(unit.isEmpty() ? QString() : QLatin1Char(' ') + unit)
                     .arg(forS)
                     .arg(fire.nodeName)}};
        }
    }
    if (!clearedRules.isEmpty()) {
        QList<QUuid> nodes;
        for (const QByteArray &node : std::as_const(clearedNodes))
            nodes.append(QUuid::fromString(QString::fromLatin1(node)));
        if (auto cleared = db.exec("DELETE FROM alert_states s USING unnest($1::uuid[], $2::text[]) AS c(node_id, rule_key) "
                                   "WHERE s.node_id = c.node_id AND s.rule_key = c.rule_key",
                                   {uuidArrayParam(nodes), textArrayParam(clearedRules)});
            !cleared)
            return cleared.error();
    }
    for (const auto &key : std::as_const(order)) {
        const Fire &fire = fires.value(key);
        Finding finding;
        finding.organizationId = fire.organization;
        finding.nodeId = key.first;
        finding.cause = QStringLiteral("threshold:") + fire.metric;
        finding.severity = fire.severity;
        finding.metric = fire.metric;
        finding.evidence = fire.evidence;
        finding.title = fire.evidence.value(QStringLiteral("title")).toString();
        const QStringList ruleKeys = fire.ruleKeys;
        const QList<double> values = fire.values;
        auto raised = TicketStore::raise(db, finding, m_settings.policy, [&](PgConnection &tx) -> Core::Status {
            for (int i = 0; i < ruleKeys.size(); ++i) {
                auto stored = tx.exec("INSERT INTO alert_states (node_id, rule_key, firing, since, last_value) "
                                      "VALUES ($1, $2, true, now(), $3) ON CONFLICT (node_id, rule_key) DO UPDATE "
                                      "SET firing = true, since = now(), last_value = excluded.last_value, updated_at = now()",
                                      {uuidParam(key.first), ruleKeys.at(i).toUtf8(), realParam(values.at(i))});
                if (!stored)
                    return stored.error();
            }
            return Core::Ok{};
        });
        if (!raised)
            return raised.error();
        cycle.count(*raised, finding.organizationId);
    }
    return Core::Ok{};
}

Core::Status MaintenanceAgent::assessStale(PgConnection &db, Cycle &cycle)
{
    // Online nodes silent past their interval (10 sample periods of their slowest sensor,
    // at least staleAfterS), and stale ones that spoke again. Only the changes come back.
    auto rows = db.exec(
        "WITH rates AS (SELECT node_id, min(sample_rate_hz) AS slowest FROM node_sensors GROUP BY node_id), "
        "nodes AS (SELECT n.id, n.organization_id, n.name, extract(epoch FROM $2::timestamptz - n.last_seen_at) AS silent_s, "
        "  greatest($1::float8, 10 / nullif(r.slowest, 0)) AS allowed_s, n.last_seen_at, st.node_id IS NOT NULL AS firing "
        "  FROM machine_nodes n LEFT JOIN rates r ON r.node_id = n.id "
        "  LEFT JOIN alert_states st ON st.node_id = n.id AND st.rule_key = 'stale' "
        "  WHERE n.status = 'online' AND n.last_seen_at IS NOT NULL) "
        "SELECT id, organization_id, name, silent_s, allowed_s, firing, last_seen_at FROM nodes "
        "WHERE silent_s > allowed_s OR firing",
        {QByteArray::number(m_settings.staleAfterS), cycle.now});
    if (!rows)
        return rows.error();
    QList<QUuid> spokeAgain;
    for (int row = 0; row < rows->rowCount(); ++row) {
        const QUuid node = rows->uuid(row, 0);
        const double silentS = rows->real(row, 3);
        const double allowedS = rows->real(row, 4);
        const bool firing = rows->boolean(row, 5);
        if (firing) {
            if (silentS <= allowedS)
                spokeAgain.append(node);
            else
                cycle.stillFiring.append(TicketStore::dedupKey(node, QStringLiteral("stale")));
            continue;
        }
        Finding finding;
        finding.organizationId = rows->uuid(row, 1);
        finding.nodeId = node;
        finding.cause = QStringLiteral("stale");
        finding.severity = QStringLiteral("MEDIUM");
        finding.title = QStringLiteral("%1 has sent no data for %2 min").arg(rows->text(row, 2)).arg(int(silentS / 60));
        finding.evidence = {{QStringLiteral("silent_s"), std::round(silentS)},
                            {QStringLiteral("allowed_s"), allowedS},
                            {QStringLiteral("last_seen_at"), rows->text(row, 6)}};
        auto raised = TicketStore::raise(db, finding, m_settings.policy, [&](PgConnection &tx) -> Core::Status {
            auto stored = tx.exec("INSERT INTO alert_states (node_id, rule_key, firing, since) VALUES ($1, 'stale', true, now()) "
                                  "ON CONFLICT (node_id, rule_key) DO NOTHING",
                                  {uuidParam(node)});
            if (!stored)
                return stored.error();
            return Core::Ok{};
        });
        if (!raised)
            return raised.error();
        cycle.count(*raised, finding.organizationId);
    }
    if (!spokeAgain.isEmpty()) {
        if (auto cleared = db.exec("DELETE FROM alert_states WHERE rule_key = 'stale' AND node_id = ANY($1::uuid[])",
                                   {uuidArrayParam(spokeAgain)});
            !cleared)
            return cleared.error();
    }
    return Core::Ok{};
}

Core::Status MaintenanceAgent::assessTrends(PgConnection &db, Cycle &cycle)
{
    namespace A = Core::Anomaly;
    // Hourly means change once an hour: each node's trends are fit once an hour, the
    // oldest first, enough nodes a cycle to get round the fleet within the hour.
    const int perCycle = std::max(m_settings.trendNodesPerCycle,
                                  int(std::ceil(double(cycle.report.nodesAssessed) * std::max(1, m_settings.intervalS)
                                                / 3600.0)));
    // Every metric with a limit (max, else warn_above) and the vibration magnitude (its
    // limit the largest axis max), as complete hourly means over the window.
    auto rows = db.exec(R"SQL(
WITH chosen AS (
    SELECT n.id, n.organization_id, n.name FROM machine_nodes n LEFT JOIN node_health h ON h.node_id = n.id
    WHERE n.status = 'online' AND (h.trends_at IS NULL OR h.trends_at < date_trunc('hour', $3::timestamptz))
    ORDER BY h.trends_at NULLS FIRST, n.id LIMIT $1
), series AS (
    SELECT s.node_id, s.metric, coalesce(s.max_value, s.warn_above) AS limit_value, s.unit
    FROM node_sensors s JOIN chosen c ON c.id = s.node_id
    WHERE coalesce(s.max_value, s.warn_above) IS NOT NULL OR s.metric LIKE 'vibration\__\_g'
)
SELECT c.id, c.organization_id, c.name, s.metric, s.limit_value, s.unit, b.hours, b.means, b.squares
FROM chosen c LEFT JOIN series s ON s.node_id = c.id
-- One index range of the rollup's key (node, metric, bucket) per series (never a scan of
-- every node's hours), as one row of arrays.
LEFT JOIN LATERAL (SELECT array_agg((extract(epoch FROM r.bucket) / 3600)::int8 ORDER BY r.bucket) AS hours,
                          array_agg(r.sum / r.count ORDER BY r.bucket) AS means,
                          array_agg(r.sum_squares / r.count ORDER BY r.bucket) AS squares
    FROM telemetry_rollup_1h r
    WHERE r.node_id = s.node_id AND r.metric = s.metric
    AND r.bucket >= date_trunc('hour', $3::timestamptz) - make_interval(hours => $2)
    AND r.bucket < date_trunc('hour', $3::timestamptz)) b ON true
ORDER BY c.id, s.metric
)SQL",
                        {QByteArray::number(perCycle), QByteArray::number(m_settings.trendWindowH), cycle.now});
    if (!rows)
        return rows.error();
    cycle.report.stepsMs.append({QStringLiteral("trends.read"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    struct Series
    {
        QString metric;
        QString unit;
        std::optional<double> limit;
        QList<double> hours;
        QList<double> values;
    };
    struct NodeSeries
    {
        QUuid organization;
        QString name;
        QList<Series> series;
        QHash<double, std::array<double, 3>> vibrationSquares;  // hour → mean squares of x, y, z
        QHash<double, int> vibrationAxes;
        std::optional<double> vibrationLimit;
        QString vibrationUnit;
    };
    QList<QUuid> order;
    QHash<QUuid, NodeSeries> nodes;
    for (int row = 0; row < rows->rowCount(); ++row) {
        const QUuid node = rows->uuid(row, 0);
        if (!nodes.contains(node)) {
            order.append(node);
            nodes[node].organization = rows->uuid(row, 1);
            nodes[node].name = rows->text(row, 2);
        }
        NodeSeries &entry = nodes[node];
        if (rows->isNull(row, 3))
            continue;
        const QString metric = rows->text(row, 3);
        const bool vibration = metric.startsWith(QLatin1String("vibration_"));
        if (vibration && !rows->isNull(row, 4)) {
            entry.vibrationLimit = std::max(entry.vibrationLimit.value_or(0), rows->real(row, 4));
            entry.vibrationUnit = rows->text(row, 5);
        }
        if (!rows->isNull(row, 4))
            entry.series.append(Series{metric, rows->text(row, 5), rows->real(row, 4), {}, {}});
        if (rows->isNull(row, 6))
            continue;
        // {a,b,…} arrays of numbers (no NULLs: every bucket has a count).
        const auto numbers = [](const QByteArray &array) {
            QList<double> parsed;
            const QList<QByteArray> items = array.mid(1, array.size() - 2).split(',');
            parsed.reserve(items.size());
            for (const QByteArray &item : items)
                parsed.append(item.toDouble());
            return parsed;
        };
        const QList<double> hours = numbers(rows->bytes(row, 6));
        const QList<double> means = numbers(rows->bytes(row, 7));
        if (!rows->isNull(row, 4)) {
            entry.series.last().hours = hours;
            entry.series.last().values = means;
        }
        if (vibration) {
            const int axis = metric.at(10).unicode() - 'x';
            const QList<double> squares = numbers(rows->bytes(row, 8));
            if (axis >= 0 && axis < 3 && squares.size() == hours.size()) {
                for (int i = 0; i < hours.size(); ++i) {
                    entry.vibrationSquares[hours.at(i)][axis] = squares.at(i);
                    entry.vibrationAxes[hours.at(i)] |= 1 << axis;
                }
            }
        }
    }
    QSet<QPair<QUuid, QString>> trendStates;
    if (!order.isEmpty()) {
        auto states = db.exec("SELECT node_id, rule_key FROM alert_states WHERE rule_key LIKE 'trend:%' "
                              "AND node_id = ANY($1::uuid[])",
                              {uuidArrayParam(order)});
        if (!states)
            return states.error();
        for (int row = 0; row < states->rowCount(); ++row)
            trendStates.insert(qMakePair(states->uuid(row, 0), states->text(row, 1)));
    }
    QList<QUuid> refreshed;
    QStringList trendsJson;
    QList<double> soonestHours;   // per refreshed node: the nearest limit (NaN: none in sight)
    const qint64 nowMs = cycle.nowMs;
    for (const QUuid &node : std::as_const(order)) {
        NodeSeries &entry = nodes[node];
        if (entry.vibrationLimit && !entry.vibrationAxes.isEmpty()) {
            // The RMS magnitude of each hour, √(mean vx² + mean vy² + mean vz²), from the
            // rollups' sums of squares: hours with all three axes only.
            Series magnitude{QStringLiteral("vibration_magnitude"), entry.vibrationUnit, entry.vibrationLimit, {}, {}};
            QList<double> hours = entry.vibrationAxes.keys();
            std::sort(hours.begin(), hours.end());
            for (double hour : std::as_const(hours)) {
                if (entry.vibrationAxes.value(hour) != 7)
                    continue;
                const auto &squares = entry.vibrationSquares[hour];
                magnitude.hours.append(hour);
                magnitude.values.append(std::sqrt(squares[0] + squares[1] + squares[2]));
            }
            entry.series.append(magnitude);
        }
        QJsonArray trends;
        for (const Series &series : std::as_const(entry.series)) {
            if (series.hours.size() < 12)
                continue;   // half a day of hours at least
            auto fit = A::fitTheilSen(series.hours, series.values);
            if (!fit)
                continue;
            const A::TimeToThreshold reach = A::timeToThreshold(*fit, *series.limit, A::LimitSide::Above);
            const double probability = reach.probabilityWithin(m_settings.trendHorizonH);
            QJsonArray values;
            for (double value : series.values)
                values.append(value);
            QJsonArray hours;
            for (double hour : series.hours)
                hours.append(QJsonValue(qint64(std::llround(hour))));
            const auto optional = [](const std::optional<double> &value) {
                return value ? QJsonValue(std::round(*value * 10) / 10) : QJsonValue(QJsonValue::Null);
            };
            QJsonObject trend{{QStringLiteral("metric"), series.metric},
                              {QStringLiteral("unit"), series.unit},
                              {QStringLiteral("limit"), *series.limit},
                              {QStringLiteral("method"), QStringLiteral("theil_sen")},
                              {QStringLiteral("slope_per_hour"), fit->slopePerHour},
                              {QStringLiteral("slope_low"), fit->slopeLow},
                              {QStringLiteral("slope_high"), fit->slopeHigh},
                              {QStringLiteral("confidence"), fit->confidence},
                              {QStringLiteral("intercept"), fit->intercept},
                              {QStringLiteral("points"), fit->points},
                              {QStringLiteral("hours_to_limit"), optional(reach.hours)},
                              {QStringLiteral("hours_low"), optional(reach.hoursLow)},
                              {QStringLiteral("hours_high"), optional(reach.hoursHigh)},
                              {QStringLiteral("horizon_h"), m_settings.trendHorizonH},
                              {QStringLiteral("probability_within_horizon"), probability},
                              {QStringLiteral("window"),
                               QJsonObject{{QStringLiteral("from"), isoTime(qint64(series.hours.first() * 3600000.0))},
                                           {QStringLiteral("to"), isoTime(qint64(series.hours.last() * 3600000.0) + 3600000)}}}};
            trends.append(trend);
            const QString cause = QStringLiteral("trend:") + series.metric;
            const bool reaches = reach.hours && *reach.hours <= m_settings.trendHorizonH && fit->slopePerHour > 0;
            const QString ruleKey = cause;
            const bool firing = trendStates.contains(qMakePair(node, ruleKey));
            // Hysteresis: a trend ticket's condition ends only when the limit is more than
            // 1.5 horizons away (or the slope turned).
            const bool ended = !reach.hours || *reach.hours > 1.5 * m_settings.trendHorizonH || fit->slopePerHour <= 0;
            if (firing && ended) {
                if (auto cleared = db.exec("DELETE FROM alert_states WHERE node_id = $1 AND rule_key = $2",
                                           {uuidParam(node), ruleKey.toUtf8()});
                    !cleared)
                    return cleared.error();
                continue;
            }
            if (!reaches && !firing)
                continue;
            if (!reaches) {
                cycle.stillFiring.append(TicketStore::dedupKey(node, cause));
                continue;
            }
            Finding finding;
            finding.organizationId = entry.organization;
            finding.nodeId = node;
            finding.cause = cause;
            finding.metric = series.metric.startsWith(QLatin1String("vibration_magnitude")) ? QStringLiteral("vibration_z_g")
                                                                                            : series.metric;
            finding.severity = *reach.hours < 24 ? QStringLiteral("HIGH")
                               : *reach.hours < 72 ? QStringLiteral("MEDIUM")
                                                   : QStringLiteral("LOW");
            finding.title = QStringLiteral("%1 on %2 reaches its limit %3 %4 in about %5 h")
                                .arg(series.metric, entry.name)
                                .arg(*series.limit)
                                .arg(series.unit)
                                .arg(std::round(*reach.hours));
            finding.predictedFailureMs = nowMs + qint64(*reach.hours * 3600000.0);
            // The ticket keeps the inputs with the result (the node's health, refit hourly,
            // keeps the fit alone).
            QJsonObject evidence = trend;
            evidence.insert(QStringLiteral("title"), finding.title);
            evidence.insert(QStringLiteral("inputs"), QJsonObject{{QStringLiteral("hours_since_epoch"), hours},
                                                                  {QStringLiteral("hourly_means"), values}});
            finding.evidence = evidence;
            finding.newOccurrence = !firing;
            auto raised = TicketStore::raise(db, finding, m_settings.policy, [&](PgConnection &tx) -> Core::Status {
                auto stored = tx.exec("INSERT INTO alert_states (node_id, rule_key, firing, since, last_value) "
                                      "VALUES ($1, $2, true, now(), $3) ON CONFLICT (node_id, rule_key) DO UPDATE "
                                      "SET last_value = excluded.last_value, updated_at = now()",
                                      {uuidParam(node), ruleKey.toUtf8(), realParam(*reach.hours)});
                if (!stored)
                    return stored.error();
                return Core::Ok{};
            });
            if (!raised)
                return raised.error();
            cycle.count(*raised, finding.organizationId);
        }
        refreshed.append(node);
        trendsJson.append(QString::fromUtf8(QJsonDocument(trends).toJson(QJsonDocument::Compact)));
        double soonest = std::numeric_limits<double>::quiet_NaN();
        for (const QJsonValue &trend : std::as_const(trends)) {
            const QJsonValue hours = trend.toObject().value(QStringLiteral("hours_to_limit"));
            if (hours.isDouble() && trend.toObject().value(QStringLiteral("slope_per_hour")).toDouble() > 0
                && !(soonest <= hours.toDouble()))
                soonest = hours.toDouble();
        }
        soonestHours.append(soonest);
    }
    cycle.report.stepsMs.append({QStringLiteral("trends.fit"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    cycle.report.trendsRefreshed = int(refreshed.size());
    if (refreshed.isEmpty())
        return Core::Ok{};
    QStringList hoursText;
    for (double hours : std::as_const(soonestHours))
        hoursText.append(std::isnan(hours) ? QStringLiteral("NULL") : QString::number(hours, 'g', 17));
    auto stored = db.exec("INSERT INTO node_health (node_id, score, status, trends, trend_hours, trends_at) "
                          "SELECT node_id, 100, 'unknown', trends::jsonb, hours, $3::timestamptz "
                          "FROM unnest($1::uuid[], $2::text[], $4::float8[]) AS u(node_id, trends, hours) "
                          "ON CONFLICT (node_id) DO UPDATE SET trends = excluded.trends, trend_hours = excluded.trend_hours, "
                          "trends_at = excluded.trends_at",
                          {uuidArrayParam(refreshed), textArrayParam(trendsJson), cycle.now,
                           "{" + hoursText.join(QLatin1Char(',')).toUtf8() + "}"});
    if (!stored)
        return stored.error();
    return Core::Ok{};
}

Core::Status MaintenanceAgent::assessAnomalies(PgConnection &db, Cycle &cycle)
{
    namespace A = Core::Anomaly;
    // Nodes with enough history and no model get one, trained on their first hours (a
    // machine is taken to be healthy when it is commissioned); two a cycle at most.
    auto untrained = db.exec(
        "SELECT n.id, n.organization_id, (SELECT (extract(epoch FROM min(h.bucket)) * 1000)::int8 "
        "  FROM telemetry_rollup_1h h WHERE h.node_id = n.id) AS first_ms FROM machine_nodes n "
        "WHERE n.status = 'online' AND NOT EXISTS (SELECT 1 FROM anomaly_models m WHERE m.node_id = n.id AND m.is_active) "
        "AND NOT EXISTS (SELECT 1 FROM alert_states s WHERE s.node_id = n.id AND s.rule_key = 'anomaly:untrainable' "
        "  AND s.since > $1::timestamptz - interval '1 day') "
        "AND EXISTS (SELECT 1 FROM telemetry_rollup_1h h WHERE h.node_id = n.id "
        "  AND h.bucket <= $1::timestamptz - make_interval(hours => $2)) "
        "ORDER BY n.id LIMIT 2",
        {cycle.now, QByteArray::number(m_settings.anomalyTrainHours)});
    if (!untrained)
        return untrained.error();
    for (int row = 0; row < untrained->rowCount(); ++row) {
        if (untrained->isNull(row, 2))
            continue;
        TrainingRequest request;
        request.fromMs = untrained->integer(row, 2);
        request.toMs = request.fromMs + qint64(m_settings.anomalyTrainHours) * 3600000;
        const QUuid node = untrained->uuid(row, 0);
        auto trained = AnomalyModels::train(db, untrained->uuid(row, 1), node, request);
        if (!trained) {
            // Not retried for a day (too few complete samples, say).
            qCInfo(lcAgent).noquote() << "no anomaly model for node" << node.toString(QUuid::WithoutBraces) << ":"
                                      << trained.error().message;
            db.exec("INSERT INTO alert_states (node_id, rule_key, firing, since) VALUES ($1, 'anomaly:untrainable', false, "
                    "$2::timestamptz) ON CONFLICT (node_id, rule_key) DO UPDATE SET since = excluded.since",
                    {uuidParam(node), cycle.now});
        }
    }

    auto models = db.exec(
        "SELECT m.id, m.node_id, n.organization_id, n.name, m.metrics, "
        "  (extract(epoch FROM coalesce(h.scored_until, m.trained_to)) * 1000)::int8, "
        "  EXISTS (SELECT 1 FROM alert_states s WHERE s.node_id = n.id AND s.rule_key = 'anomaly') "
        "FROM anomaly_models m JOIN machine_nodes n ON n.id = m.node_id AND n.status = 'online' "
        "LEFT JOIN node_health h ON h.node_id = n.id WHERE m.is_active ORDER BY m.node_id");
    if (!models)
        return models.error();
    if (models->rowCount() == 0)
        return Core::Ok{};
    // The detectors not yet in memory, in one statement.
    QList<QUuid> missing;
    for (int row = 0; row < models->rowCount(); ++row) {
        const QUuid id = models->uuid(row, 0);
        if (!m_detectors.find(id))
            missing.append(id);
    }
    if (!missing.isEmpty()) {
        auto bytes = db.exec("SELECT id, encode(model, 'base64') FROM anomaly_models WHERE id = ANY($1::uuid[])",
                             {uuidArrayParam(missing)});
        if (!bytes)
            return bytes.error();
        for (int row = 0; row < bytes->rowCount(); ++row) {
            auto detector = A::deserializeDetector(QByteArray::fromBase64(bytes->bytes(row, 1).replace('\n', "")));
            if (!detector) {
                qCWarning(lcAgent).noquote() << "anomaly model" << bytes->text(row, 0) << "is unreadable:"
                                             << detector.error().message;
                continue;
            }
            m_detectors.insert(bytes->uuid(row, 0), std::shared_ptr<const A::Detector>(std::move(*detector)));
        }
    }
    // The newest complete minutes of every such node since it was last scored (each
    // metric's minute mean, as the model was trained on), with the minutes before them
    // that the smoothing needs: one statement over the minute rollups.
    QList<QUuid> nodes;
    QStringList since, metricLists;
    QList<qint64> warmMinutes;
    for (int row = 0; row < models->rowCount(); ++row) {
        nodes.append(models->uuid(row, 1));
        since.append(isoTime(models->integer(row, 5)));
        metricLists.append(models->text(row, 4).mid(1).chopped(1));   // {a,b} → a,b
        auto detector = m_detectors.find(models->uuid(row, 0));
        // A stream kept from the last cycle that ended where this one starts needs no
        // warm-up; otherwise (a restart, another instance ran cycles) its window is read.
        const StreamState kept = m_streams.find(nodes.last());
        const bool current = kept.stream && kept.modelId == models->uuid(row, 0)
                             && kept.lastMinuteMs == models->integer(row, 5);
        warmMinutes.append(detector && !current ? std::max(0, detector->smoothingRows() - 1) : 0);
    }
    // Nodes whose stream is current need only the minutes after their scored_until: one
    // range of the minute rollup's bucket index for all of them. The others (after a
    // restart, say) also read the minutes their smoothing needs before it, one index range
    // of the key per node and metric.
    QList<QUuid> currentNodes, coldNodes;
    QStringList currentSince, coldSince, coldMetrics;
    QList<qint64> coldWarm;
    qint64 oldestSinceMs = std::numeric_limits<qint64>::max();
    for (int i = 0; i < nodes.size(); ++i) {
        if (warmMinutes.at(i) == 0) {
            currentNodes.append(nodes.at(i));
            currentSince.append(since.at(i));
            oldestSinceMs = std::min(oldestSinceMs, models->integer(i, 5));
        } else {
            coldNodes.append(nodes.at(i));
            coldSince.append(since.at(i));
            coldMetrics.append(metricLists.at(i));
            coldWarm.append(warmMinutes.at(i));
        }
    }
    struct Minute
    {
        qint64 timeMs = 0;
        bool fresh = false;
        QHash<QString, double> means;
    };
    QHash<QUuid, QList<Minute>> minutesOf;   // node → its minutes in time order
    const auto collect = [&](const PgResult &rows) {
        for (int row = 0; row < rows.rowCount(); ++row) {
            QList<Minute> &list = minutesOf[rows.uuid(row, 0)];
            const qint64 timeMs = rows.integer(row, 1);
            if (list.isEmpty() || list.last().timeMs != timeMs)
                list.append(Minute{timeMs, rows.boolean(row, 2), {}});
            list.last().means.insert(rows.text(row, 3), rows.real(row, 4));
        }
    };
    if (!currentNodes.isEmpty()) {
        auto fresh = db.exec(
            "SELECT r.node_id, (extract(epoch FROM r.bucket) * 1000)::int8, true, r.metric, r.sum / r.count "
            "FROM telemetry_rollup_1m r JOIN unnest($1::uuid[], $2::timestamptz[]) AS u(node_id, since) "
            "  ON u.node_id = r.node_id AND r.bucket > u.since "
            "WHERE r.bucket > greatest($3::timestamptz, $4::timestamptz - interval '1 day') "
            "  AND r.bucket < date_trunc('minute', $4::timestamptz) "
            "ORDER BY r.node_id, r.bucket",
            {uuidArrayParam(currentNodes), textArrayParam(currentSince), isoTime(oldestSinceMs).toUtf8(), cycle.now});
        if (!fresh)
            return fresh.error();
        collect(*fresh);
    }
    if (!coldNodes.isEmpty()) {
        auto warmed = db.exec(
            "SELECT u.node_id, (extract(epoch FROM b.bucket) * 1000)::int8, b.bucket > u.since, u.metric, b.sum / b.count "
            "FROM (SELECT node_id, since, warm, unnest(string_to_array(metrics, ',')) AS metric "
            "      FROM unnest($1::uuid[], $2::timestamptz[], $3::int8[], $4::text[]) AS v(node_id, since, warm, metrics)) u "
            "CROSS JOIN LATERAL (SELECT r.bucket, r.sum, r.count FROM telemetry_rollup_1m r WHERE r.node_id = u.node_id "
            "  AND r.metric = u.metric AND r.bucket > greatest(u.since - make_interval(mins => u.warm::int), "
            "  $5::timestamptz - interval '1 day') AND r.bucket < date_trunc('minute', $5::timestamptz)) b "
            "ORDER BY u.node_id, b.bucket",
            {uuidArrayParam(coldNodes), textArrayParam(coldSince), integerArrayParam(coldWarm), textArrayParam(coldMetrics),
             cycle.now});
        if (!warmed)
            return warmed.error();
        collect(*warmed);
    }
    QList<QUuid> healthNodes;
    QStringList healthAnomaly, healthScored;
    for (int model = 0; model < models->rowCount(); ++model) {
        const QUuid modelId = models->uuid(model, 0);
        const QUuid node = models->uuid(model, 1);
        std::shared_ptr<const A::Detector> detector = m_detectors.find(modelId);
        if (!detector || !minutesOf.contains(node))
            continue;
        const QStringList features = detector->featureNames();
        StreamState state = m_streams.find(node);
        if (!state.stream || state.modelId != modelId || state.lastMinuteMs != models->integer(model, 5)) {
            state.stream = std::make_shared<A::AnomalyStream>(detector);
            state.modelId = modelId;
        }
        A::AnomalyStream &stream = *state.stream;
        std::vector<double> values(size_t(features.size()));
        double worst = -1;
        A::AnomalyScore newest;
        qint64 firstAnomalyMs = 0, lastAnomalyMs = 0, newestMs = 0, firstNewMs = 0;
        int fresh = 0, anomalous = 0;
        QHash<QString, double> driverSums;
        for (const Minute &minute : std::as_const(minutesOf[node])) {
            bool complete = true;
            for (int f = 0; f < features.size(); ++f) {
                const auto it = minute.means.constFind(features.at(f));
                complete = complete && it != minute.means.constEnd();
                values[size_t(f)] = complete ? it.value() : 0;
            }
            if (!complete)
                continue;   // a minute without every feature cannot be scored
            const A::AnomalyScore score = stream.push(values.data());
            if (!minute.fresh)
                continue;   // warming the smoothing window up
            if (fresh++ == 0)
                firstNewMs = minute.timeMs;
            newest = score;
            newestMs = minute.timeMs;
            if (score.anomaly) {
                ++anomalous;
                if (firstAnomalyMs == 0)
                    firstAnomalyMs = minute.timeMs;
                lastAnomalyMs = minute.timeMs + 60000;
                for (const A::FeatureContribution &driver : score.drivers)
                    driverSums[driver.feature] += driver.share;
            }
            if (std::isfinite(score.score) && score.score > worst)
                worst = score.score;
        }
        if (fresh == 0)
            continue;
        state.lastMinuteMs = newestMs;
        m_streams.insert(node, state);
        cycle.report.minutesScored += fresh;
        const double threshold = detector->threshold();
        const auto driversJson = [](const QList<A::FeatureContribution> &drivers) {
            QJsonArray items;
            for (int i = 0; i < std::min<qsizetype>(3, drivers.size()); ++i)
                items.append(QJsonObject{{QStringLiteral("metric"), drivers.at(i).feature},
                                         {QStringLiteral("share"), std::round(drivers.at(i).share * 1000) / 1000}});
            return items;
        };
        healthNodes.append(node);
        healthScored.append(isoTime(newestMs));
        healthAnomaly.append(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("score"), std::isfinite(newest.score) ? newest.score : 0.0},
            {QStringLiteral("threshold"), threshold},
            {QStringLiteral("anomalous"), newest.anomaly},
            {QStringLiteral("drivers"), driversJson(newest.drivers)},
            {QStringLiteral("max_score"), worst},
            {QStringLiteral("kind"), detector->kind()},
            {QStringLiteral("model_id"), modelId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("at"), isoTime(newestMs)},
            {QStringLiteral("rows"), QStringLiteral("minute_means")}}).toJson(QJsonDocument::Compact)));
        const bool firing = models->boolean(model, 6);
        // Hysteresis: an episode ends once the smoothed score is back below 80 % of the
        // threshold.
        if (firing) {
            if (std::isfinite(newest.score) && newest.score < 0.8 * threshold) {
                if (auto cleared = db.exec("DELETE FROM alert_states WHERE node_id = $1 AND rule_key = 'anomaly'",
                                           {uuidParam(node)});
                    !cleared)
                    return cleared.error();
            } else {
                cycle.stillFiring.append(TicketStore::dedupKey(node, QStringLiteral("anomaly")));
            }
            continue;
        }
        if (anomalous == 0)
            continue;
        // The drivers of the episode: each metric's mean share over its anomalous samples.
        QList<A::FeatureContribution> drivers;
        for (auto it = driverSums.cbegin(); it != driverSums.cend(); ++it)
            drivers.append({it.key(), it.value() / anomalous});
        std::sort(drivers.begin(), drivers.end(), [](const auto &a, const auto &b) {
            return a.share != b.share ? a.share > b.share : a.feature < b.feature;
        });
        QStringList named;
        for (const A::FeatureContribution &driver : std::as_const(drivers)) {
            if (named.size() < 2 && (named.isEmpty() || driver.share >= 0.2))
                named.append(driver.feature);
        }
        Finding finding;
        finding.organizationId = models->uuid(model, 2);
        finding.nodeId = node;
        finding.cause = QStringLiteral("anomaly");
        finding.metric = named.value(0);
        finding.severity = worst >= 1.5 * threshold ? QStringLiteral("HIGH") : QStringLiteral("MEDIUM");
        finding.title = QStringLiteral("Unusual behaviour of %1: %2")
                            .arg(models->text(model, 3), named.join(QStringLiteral(" and ")));
        finding.evidence = {{QStringLiteral("score"), worst},
                            {QStringLiteral("threshold"), threshold},
                            {QStringLiteral("kind"), detector->kind()},
                            {QStringLiteral("model_id"), modelId.toString(QUuid::WithoutBraces)},
                            {QStringLiteral("drivers"), driversJson(drivers)},
                            {QStringLiteral("driver_metrics"), QJsonArray::fromStringList(named)},
                            {QStringLiteral("anomalous_minutes"), anomalous},
                            {QStringLiteral("scored_minutes"), fresh},
                            {QStringLiteral("title"), finding.title},
                            {QStringLiteral("window"), QJsonObject{{QStringLiteral("from"), isoTime(firstAnomalyMs)},
                                                                   {QStringLiteral("to"), isoTime(lastAnomalyMs)},
                                                                   {QStringLiteral("scored_from"), isoTime(firstNewMs)}}}};
        auto raised = TicketStore::raise(db, finding, m_settings.policy, [&](PgConnection &tx) -> Core::Status {
            auto stored = tx.exec("INSERT INTO alert_states (node_id, rule_key, firing, since, last_value) "
                                  "VALUES ($1, 'anomaly', true, $2::timestamptz, $3) ON CONFLICT (node_id, rule_key) "
                                  "DO UPDATE SET firing = true, since = excluded.since, last_value = excluded.last_value",
                                  {uuidParam(node), cycle.now, realParam(worst)});
            if (!stored)
                return stored.error();
            return Core::Ok{};
        });
        if (!raised)
            return raised.error();
        cycle.count(*raised, finding.organizationId);
    }
    if (!healthNodes.isEmpty()) {
        auto stored = db.exec("INSERT INTO node_health (node_id, score, status, anomaly, scored_until) "
                              "SELECT node_id, 100, 'unknown', anomaly::jsonb, scored_until "
                              "FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(node_id, anomaly, scored_until) "
                              "ON CONFLICT (node_id) DO UPDATE SET anomaly = excluded.anomaly, "
                              "scored_until = excluded.scored_until",
                              {uuidArrayParam(healthNodes), textArrayParam(healthAnomaly), textArrayParam(healthScored)});
        if (!stored)
            return stored.error();
    }
    return Core::Ok{};
}

Core::Status MaintenanceAgent::writeHealth(PgConnection &db, Cycle &cycle)
{
    QList<QUuid> nodes;
    QStringList limits;
    for (auto it = cycle.limits.cbegin(); it != cycle.limits.cend(); ++it) {
        nodes.append(it.key());
        limits.append(QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact)));
    }
    // The documented health score: 100, less the worst open ticket (LOW 5, MEDIUM 20,
    // HIGH 40, CRITICAL 70) and 5 for each further one (at most 15), 30 when stale, up to
    // 25 for an anomaly score beyond its threshold (all of it at 1.5 times the threshold,
    // whatever the detector's units), up to 20 for a trend reaching a limit
    // within the horizon (more the sooner).
    auto written = db.exec(
        R"SQL(
WITH limits AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS l(node_id, items)),
open AS (SELECT node_id, max(CASE severity WHEN 'LOW' THEN 5 WHEN 'MEDIUM' THEN 20 WHEN 'HIGH' THEN 40 ELSE 70 END) AS worst,
                count(*) AS n
         FROM maintenance_tickets WHERE status IN ('open', 'acknowledged', 'in_progress') GROUP BY node_id),
scored AS (
    SELECT n.id AS node_id,
           coalesce(o.worst, 0) + least(15, 5 * greatest(coalesce(o.n, 0) - 1, 0))
           + CASE WHEN st.node_id IS NOT NULL THEN 30 ELSE 0 END
           + coalesce(least(25, greatest(0, 50 * ((h.anomaly->>'score')::float8
                                                / nullif((h.anomaly->>'threshold')::float8, 0) - 1))), 0)
           + coalesce(20 * (1 - least(1, h.trend_hours / $3)), 0) AS penalty,
           st.node_id IS NOT NULL AS stale, coalesce(l.items, '[]')::jsonb AS limits
    FROM machine_nodes n
    LEFT JOIN open o ON o.node_id = n.id
    LEFT JOIN alert_states st ON st.node_id = n.id AND st.rule_key = 'stale'
    LEFT JOIN node_health h ON h.node_id = n.id
    LEFT JOIN limits l ON l.node_id = n.id
    WHERE n.status = 'online')
INSERT INTO node_health AS h (node_id, score, status, limits, assessed_at)
SELECT node_id, greatest(0, 100 - penalty)::int,
       CASE WHEN stale THEN 'stale' WHEN 100 - penalty < 40 THEN 'critical' WHEN 100 - penalty < 75 THEN 'warning'
            ELSE 'healthy' END, limits, now()
FROM scored
ON CONFLICT (node_id) DO UPDATE SET score = excluded.score, status = excluded.status, limits = excluded.limits,
    assessed_at = excluded.assessed_at
)SQL",
        {uuidArrayParam(nodes), textArrayParam(limits), QByteArray::number(m_settings.trendHorizonH)});
    if (!written)
        return written.error();
    return Core::Ok{};
}

} // namespace Laces::Server
