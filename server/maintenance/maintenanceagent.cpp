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
#include <thread>
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
    QList<QUuid> anomalyNodes;           // the nodes scored, their anomaly JSON and newest minute scored
    QStringList anomalyJson, anomalyScoredUntil;
    QList<double> anomalyRatio;          // score / threshold

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

// Where a window of the minute rollups that a `seconds`-long condition needs begins: that
// long and two minutes before the present minute.
qint64 minuteWindowFromMs(qint64 nowMinuteMs, int seconds)
{
    return nowMinuteMs - (qint64(seconds) + 120) * 1000;
}

// A JSON number (a non-finite one, which JSON cannot hold, as 0).
QByteArray jsonNumber(double value)
{
    return std::isfinite(value) ? QByteArray::number(value, 'g', 15) : QByteArrayLiteral("0");
}

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

// The fleet as the agent last read it: the online nodes, each sensor's series and the
// rules over them (the sensors' own limits and the explicit rules).
struct MaintenanceAgent::FleetConfig
{
    struct Node
    {
        QUuid id, organization;
        QString name, type;
        QList<QPair<QByteArray, int>> series;   // metric → series
    };
    struct Series
    {
        int node = 0;
        QString metric, unit;
        int windowS = 60;   // the longest for_s of its rules
    };
    struct Rule
    {
        int series = 0;
        QString ruleKey, severity;
        bool above = true;
        double level = 0, clearLevel = 0;
        int forS = 60;
    };
    qint64 version = -1;
    QList<Node> nodes;
    QHash<QUuid, int> nodeIndex;
    QList<Series> series;
    QList<Rule> rules;
    int longestS = 60;   // the longest for_s: the threshold window is that and two minutes

    int seriesOf(int node, QByteArrayView metric) const
    {
        for (const auto &[name, index] : nodes.at(node).series) {
            if (name == metric)
                return index;
        }
        return -1;
    }
};

// Each series' minutes of the threshold window, kept between cycles: a cycle reads the
// minutes from the newest it read last time (then still in progress) on.
struct MaintenanceAgent::MinuteWindow
{
    struct Minute
    {
        qint64 timeMs;
        double min, max, mean;
    };
    qint64 version = -1;       // the FleetConfig its series belong to
    qint64 newestMs = -1;      // the newest bucket read
    QList<QList<Minute>> series;
};

MaintenanceAgent::~MaintenanceAgent() = default;

PgConnection *MaintenanceAgent::trendsConnection()
{
    if (m_settings.conninfo.isEmpty())
        return nullptr;
    if (!m_trendsDb)
        m_trendsDb = std::make_unique<PgConnection>(m_settings.conninfo);
    if (auto open = m_trendsDb->ensureOpen(); !open) {
        qCWarning(lcAgent).noquote() << "no second connection for the trends, they run in turn:" << open.error().message;
        return nullptr;
    }
    return m_trendsDb.get();
}

Core::Status MaintenanceAgent::loadFleet(PgConnection &db)
{
    auto version = db.exec("SELECT version FROM agent_config_version");
    if (!version)
        return version.error();
    const qint64 current = version->rowCount() > 0 ? version->integer(0, 0) : -2;
    if (m_fleet && m_fleet->version == current)
        return Core::Ok{};
    // Read in one snapshot, so that the version names what was read.
    Transaction snapshot(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    auto again = db.exec("SELECT version FROM agent_config_version");
    auto sensors = db.execBinary("SELECT n.id, n.organization_id, n.name, n.node_type, s.metric, s.unit, s.warn_above, "
                                 "s.max_value, s.min_value FROM machine_nodes n LEFT JOIN node_sensors s ON s.node_id = n.id "
                                 "WHERE n.status = 'online' ORDER BY n.id, s.metric");
    if (!again)
        return again.error();
    if (!sensors)
        return sensors.error();
    auto explicitRules = db.execBinary("SELECT id::text, organization_id, node_id, node_type, metric, direction, level, "
                                       "clear_level, for_s, severity FROM alert_rules WHERE enabled");
    if (!explicitRules)
        return explicitRules.error();
    auto fleet = std::make_unique<FleetConfig>();
    fleet->version = again->rowCount() > 0 ? again->integer(0, 0) : -2;
    for (int row = 0; row < sensors->rowCount(); ++row) {
        const QUuid node = sensors->uuid(row, 0);
        if (fleet->nodes.isEmpty() || fleet->nodes.last().id != node) {
            fleet->nodeIndex.insert(node, int(fleet->nodes.size()));
            fleet->nodes.append({node, sensors->uuid(row, 1), sensors->text(row, 2), sensors->text(row, 3), {}});
        }
        if (sensors->isNull(row, 4))
            continue;   // a node without sensors
        const int nodeIndex = int(fleet->nodes.size() - 1);
        const int seriesIndex = int(fleet->series.size());
        const QString metric = sensors->text(row, 4);
        fleet->nodes.last().series.append({metric.toUtf8(), seriesIndex});
        fleet->series.append({nodeIndex, metric, sensors->text(row, 5)});
        // The sensor's limits as default rules: warn_above MEDIUM, max HIGH (above), min
        // HIGH (below), each with a 5 % band and 60 s.
        const auto add = [&](int column, const char *suffix, bool above, const char *severity) {
            if (sensors->isNull(row, column))
                return;
            const double level = sensors->real(row, column);
            const double band = 0.05 * std::abs(level);
            fleet->rules.append({seriesIndex, QStringLiteral("sensor:%1:%2").arg(metric, QLatin1String(suffix)),
                                 QLatin1String(severity), above, level, above ? level - band : level + band, 60});
        };
        add(6, "warn", true, "MEDIUM");
        add(7, "max", true, "HIGH");
        add(8, "min", false, "HIGH");
    }
    for (int row = 0; row < explicitRules->rowCount(); ++row) {
        const QUuid organization = explicitRules->uuid(row, 1);
        const QUuid ruleNode = explicitRules->isNull(row, 2) ? QUuid() : explicitRules->uuid(row, 2);
        const QString ruleType = explicitRules->text(row, 3);
        const QByteArray metric = explicitRules->bytes(row, 4);
        const int forS = int(explicitRules->integer(row, 8));
        fleet->longestS = std::max(fleet->longestS, forS);
        for (int node = 0; node < fleet->nodes.size(); ++node) {
            const FleetConfig::Node &info = fleet->nodes.at(node);
            if (info.organization != organization || (!ruleNode.isNull() && ruleNode != info.id)
                || (!ruleType.isEmpty() && ruleType != info.type))
                continue;
            int series = fleet->seriesOf(node, metric);
            if (series < 0) {
                // A rule on a metric the node reports without a declared sensor.
                series = int(fleet->series.size());
                fleet->nodes[node].series.append({metric, series});
                fleet->series.append({node, QString::fromUtf8(metric), QString()});
            }
            fleet->series[series].windowS = std::max(fleet->series.at(series).windowS, forS);
            fleet->rules.append({series, explicitRules->text(row, 0), explicitRules->text(row, 9),
                                 explicitRules->text(row, 5) == QLatin1String("above"), explicitRules->real(row, 6),
                                 explicitRules->real(row, 7), forS});
        }
    }
    m_fleet = std::move(fleet);
    return Core::Ok{};
}

Core::Status MaintenanceAgent::readMinutes(PgConnection &db, Cycle &cycle)
{
    // The threshold window: the longest for_s and two minutes before this minute. Kept
    // from the last cycle while its series are this configuration's and it ended within the
    // window; then only the minutes from its newest on are read, one range of the bucket
    // index for the whole fleet.
    const qint64 nowMinuteMs = cycle.nowMs / 60000 * 60000;
    const qint64 windowFromMs = minuteWindowFromMs(nowMinuteMs, m_fleet->longestS);
    if (!m_window || m_window->version != m_fleet->version || m_window->newestMs < windowFromMs
        || m_window->newestMs > cycle.nowMs) {
        m_window = std::make_unique<MinuteWindow>();
        m_window->version = m_fleet->version;
        m_window->series.resize(m_fleet->series.size());
    }
    const qint64 readFromMs = m_window->newestMs >= 0 ? m_window->newestMs : windowFromMs;
    auto rows = db.execBinary("SELECT node_id, metric, (extract(epoch FROM bucket) * 1000)::int8, min, max, sum / count "
                              "FROM telemetry_rollup_1m WHERE bucket >= $1::timestamptz AND bucket <= $2::timestamptz",
                              {isoTime(readFromMs).toUtf8(), cycle.now});
    if (!rows)
        return rows.error();
    for (qsizetype series = 0; series < m_window->series.size(); ++series) {
        // The minutes read again, and those out of the series' window.
        auto &minutes = m_window->series[series];
        while (!minutes.isEmpty() && minutes.last().timeMs >= readFromMs)
            minutes.removeLast();
        const qint64 fromMs = minuteWindowFromMs(nowMinuteMs, m_fleet->series.at(series).windowS);
        qsizetype old = 0;
        while (old < minutes.size() && minutes.at(old).timeMs < fromMs)
            ++old;
        minutes.remove(0, old);
    }
    QList<int> touched;
    QUuid lastNode;
    int lastIndex = -1;
    for (int row = 0; row < rows->rowCount(); ++row) {
        const QUuid node = rows->uuid(row, 0);
        if (node != lastNode) {
            lastNode = node;
            lastIndex = m_fleet->nodeIndex.value(node, -1);
        }
        if (lastIndex < 0)
            continue;   // not an online node
        const int series = m_fleet->seriesOf(lastIndex, rows->view(row, 1));
        if (series < 0)
            continue;   // a metric without a sensor
        auto &minutes = m_window->series[series];
        const MinuteWindow::Minute minute{rows->integer(row, 2), rows->real(row, 3), rows->real(row, 4), rows->real(row, 5)};
        if (!minutes.isEmpty() && minutes.last().timeMs > minute.timeMs)
            touched.append(series);   // out of order: sorted below
        minutes.append(minute);
        m_window->newestMs = std::max(m_window->newestMs, minute.timeMs);
    }
    for (int series : std::as_const(touched)) {
        auto &minutes = m_window->series[series];
        std::sort(minutes.begin(), minutes.end(), [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; });
    }
    if (m_window->newestMs < readFromMs)
        m_window->newestMs = readFromMs;   // nothing new: read from here next time
    cycle.report.stepsMs.append({QStringLiteral("minutes.read"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    return Core::Ok{};
}

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
    QMutexLocker cycleLock(&m_cycleMutex);
    auto started = db.exec("INSERT INTO agent_cycles (instance) VALUES ($1) RETURNING id",
                           {m_settings.instance.toUtf8()});
    if (!started)
        return started.error();
    cycle.stepTimer.start();
    if (auto loaded = loadFleet(db); !loaded)
        return loaded.error();
    for (const FleetConfig::Node &node : std::as_const(m_fleet->nodes))
        cycle.report.nodesAssessed += reportFor.isNull() || node.organization == reportFor ? 1 : 0;
    cycle.report.stepsMs.append({QStringLiteral("fleet"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    cycle.stepTimer.start();
    if (auto read = readMinutes(db, cycle); !read)
        return read.error();
    // Resolved tickets older than the deduplication window stop collecting repeats.
    if (auto expired = db.exec("UPDATE maintenance_tickets SET dedup_active = false WHERE dedup_active "
                               "AND status = 'resolved' AND resolved_at < $2::timestamptz - make_interval(secs => $1)",
                               {QByteArray::number(m_settings.policy.dedupAfterResolveS), cycle.now});
        !expired)
        return expired.error();
    // The hourly share of trends reads other rollups and writes other rows than the minute
    // steps: it runs on a second connection alongside them (the cycle mostly waits on the
    // database, and the database has a core to spare), and its findings, counts and
    // timings join the cycle's afterwards. Without a second connection it runs in turn.
    Cycle trends;
    trends.nowMs = cycle.nowMs;
    trends.now = cycle.now;
    trends.reportFor = cycle.reportFor;
    trends.report.nodesAssessed = cycle.report.nodesAssessed;
    std::optional<Core::Status> trendsDone;
    PgConnection *trendsDb = trendsConnection();
    struct Joined
    {
        std::thread thread;
        ~Joined()
        {
            if (thread.joinable())
                thread.join();
        }
    } trendsThread;
    const auto runTrends = [this, &trends, &trendsDone](PgConnection &connection) {
        trends.stepTimer.start();
        trendsDone = assessTrends(connection, trends);
        trends.report.stepsMs.append({QStringLiteral("trends"), double(trends.stepTimer.nsecsElapsed()) / 1e6});
    };
    if (trendsDb)
        trendsThread.thread = std::thread([runTrends, trendsDb] { runTrends(*trendsDb); });
    using Step = Core::Status (MaintenanceAgent::*)(PgConnection &, Cycle &);
    const QList<QPair<QString, Step>> steps{{QStringLiteral("thresholds"), &MaintenanceAgent::assessThresholds},
                                            {QStringLiteral("stale"), &MaintenanceAgent::assessStale},
                                            {QStringLiteral("anomalies"), &MaintenanceAgent::assessAnomalies}};
    for (const auto &[name, step] : steps) {
        cycle.stepTimer.start();
        if (auto done = (this->*step)(db, cycle); !done)
            return done.error();
        cycle.report.stepsMs.append({name, double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    }
    if (trendsThread.thread.joinable())
        trendsThread.thread.join();
    else
        runTrends(db);
    if (trendsDone && !*trendsDone)
        return trendsDone->error();
    cycle.report.ticketsOpened += trends.report.ticketsOpened;
    cycle.report.ticketsUpdated += trends.report.ticketsUpdated;
    cycle.report.alertsQueued += trends.report.alertsQueued;
    cycle.report.trendsRefreshed = trends.report.trendsRefreshed;
    cycle.report.stepsMs.append(trends.report.stepsMs);
    cycle.stillFiring.append(trends.stillFiring);
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
    // The rules (the sensors' limits and the explicit rules, from the fleet configuration)
    // against each series' minutes of the window, read for the whole fleet at once; the
    // rules firing now from the database.
    auto states = db.execBinary("SELECT node_id, rule_key FROM alert_states WHERE firing AND rule_key NOT IN ('stale', 'anomaly') "
                                "AND rule_key NOT LIKE 'trend:%' AND rule_key NOT LIKE 'anomaly:%'");
    if (!states)
        return states.error();
    QSet<QPair<QUuid, QString>> firingRules;
    for (int row = 0; row < states->rowCount(); ++row)
        firingRules.insert({states->uuid(row, 0), states->text(row, 1)});
    const FleetConfig &fleet = *m_fleet;
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
    QHash<int, Fire> fires;   // per series: one finding, the worst rule's severity
    QList<int> order;
    QList<QUuid> clearedNodes;
    QStringList clearedRules;
    const qint64 nowMs = cycle.nowMs;
    const qint64 nowMinuteMs = nowMs / 60000 * 60000;
    for (const FleetConfig::Rule &rule : fleet.rules) {
        const auto &minutes = m_window->series.at(rule.series);
        if (minutes.isEmpty())
            continue;   // no minutes in the window: nothing to say (silence is the stale check's)
        const FleetConfig::Series &series = fleet.series.at(rule.series);
        const FleetConfig::Node &info = fleet.nodes.at(series.node);
        const QUuid &node = info.id;
        const QString &ruleKey = rule.ruleKey;
        const QString &metric = series.metric;
        const bool above = rule.above;
        const double level = rule.level;
        const double clearLevel = rule.clearLevel;
        const int forS = rule.forS;
        const QString &severity = rule.severity;
        // The minutes of this rule's window: the newest, the oldest and the last one that
        // broke the condition (not every sample of it beyond the level).
        const qint64 fromMs = minuteWindowFromMs(nowMinuteMs, forS);
        qint64 newestMs = 0, oldestMs = 0, lastBadMs = 0;
        bool anyBad = false, any = false;
        double newestMax = 0, newestMin = 0, windowMax = -std::numeric_limits<double>::infinity(),
               windowMin = std::numeric_limits<double>::infinity();
        for (const MinuteWindow::Minute &bucket : minutes) {
            if (bucket.timeMs < fromMs || bucket.timeMs > nowMs)
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
        const bool beyondNow = !anyBad || lastBadMs < newestMs;
        const bool firing = !firingRules.isEmpty() && firingRules.contains({node, ruleKey});
        if (!beyondNow && !firing)
            continue;   // the common case: within limits, nothing firing
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
                clearedNodes.append(node);
                clearedRules.append(ruleKey);
            } else {
                cycle.stillFiring.append(TicketStore::dedupKey(node, QStringLiteral("threshold:") + metric));
            }
            continue;
        }
        if (!held)
            continue;
        Fire &fire = fires[rule.series];
        if (fire.ruleKeys.isEmpty()) {
            order.append(rule.series);
            fire.organization = info.organization;
            fire.nodeName = info.name;
            fire.metric = metric;
        }
        fire.ruleKeys.append(ruleKey);
        fire.values.append(value);
        if (Severity::rank(severity) > Severity::rank(fire.severity)) {
            fire.severity = severity;
            const QString &unit = series.unit;
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
        if (auto cleared = db.exec("DELETE FROM alert_states s USING unnest($1::uuid[], $2::text[]) AS c(node_id, rule_key) "
                                   "WHERE s.node_id = c.node_id AND s.rule_key = c.rule_key",
                                   {uuidArrayParam(clearedNodes), textArrayParam(clearedRules)});
            !cleared)
            return cleared.error();
    }
    for (int seriesIndex : std::as_const(order)) {
        const Fire &fire = fires.value(seriesIndex);
        const QUuid node = fleet.nodes.at(fleet.series.at(seriesIndex).node).id;
        Finding finding;
        finding.organizationId = fire.organization;
        finding.nodeId = node;
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
                                      {uuidParam(node), ruleKeys.at(i).toUtf8(), realParam(values.at(i))});
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
    // The series cached in agent_trend_series (unless a day old) and the hourly rollups
    // after their last hour: for a series already cached, an hour or so.
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
SELECT c.id, c.organization_id, c.name, s.metric, s.limit_value, s.unit, b.hours, b.means, b.squares,
       k.hours, k.means, k.squares, coalesce(k.loaded_at, $3::timestamptz)
FROM chosen c LEFT JOIN series s ON s.node_id = c.id
LEFT JOIN agent_trend_series k ON k.node_id = s.node_id AND k.metric = s.metric
    AND k.loaded_at > $3::timestamptz - interval '1 day' AND k.loaded_at <= $3::timestamptz
-- One index range of the rollup's key (node, metric, bucket) per series (never a scan of
-- every node's hours), as one row of arrays.
LEFT JOIN LATERAL (SELECT array_agg((extract(epoch FROM r.bucket) / 3600)::int8 ORDER BY r.bucket) AS hours,
                          array_agg(r.sum / r.count ORDER BY r.bucket) AS means,
                          array_agg(r.sum_squares / r.count ORDER BY r.bucket) AS squares
    FROM telemetry_rollup_1h r
    WHERE r.node_id = s.node_id AND r.metric = s.metric
    AND r.bucket >= greatest(date_trunc('hour', $3::timestamptz) - make_interval(hours => $2),
                             CASE WHEN k.hours IS NULL OR cardinality(k.hours) = 0 THEN '-infinity'::timestamptz
                                  ELSE to_timestamp((k.hours[cardinality(k.hours)] + 1) * 3600) END)
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
    const double nowHour = double(cycle.nowMs / 3600000);
    const double windowFromHour = nowHour - m_settings.trendWindowH;
    struct CacheWrites
    {
        QList<QUuid> nodes;
        QStringList metrics, loaded, hours, means, squares;
        QByteArrayList whole;   // t or f: the series written whole, or cut and appended to
        QList<qint64> dropped;
    } cacheWrites;
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
        // {a,b,…} arrays of numbers (no NULLs: every bucket has a count); the cached hours
        // still in the window, then those read now.
        const auto numbers = [](const QByteArray &array) {
            QList<double> parsed;
            if (array.size() <= 2)
                return parsed;
            const QList<QByteArray> items = array.mid(1, array.size() - 2).split(',');
            parsed.reserve(items.size());
            for (const QByteArray &item : items)
                parsed.append(item.toDouble());
            return parsed;
        };
        QList<double> hours, means, squares;
        // The cache row is rewritten whole when there was none (or it is a day old, or
        // the clock went back); else the hours out of the window are cut from its front
        // and the new ones appended, in the database.
        bool whole = rows->isNull(row, 9);
        qint64 dropped = 0;
        if (!whole) {
            const QList<double> cachedHours = numbers(rows->bytes(row, 9));
            const QList<double> cachedMeans = numbers(rows->bytes(row, 10));
            const QList<double> cachedSquares = numbers(rows->bytes(row, 11));
            whole = cachedMeans.size() != cachedHours.size()
                    || (vibration && cachedSquares.size() != cachedHours.size());
            for (qsizetype i = 0; i < cachedHours.size() && i < cachedMeans.size(); ++i) {
                if (cachedHours.at(i) < windowFromHour) {
                    whole = whole || i != dropped;
                    ++dropped;
                    continue;
                }
                if (cachedHours.at(i) >= nowHour) {
                    whole = true;
                    continue;
                }
                hours.append(cachedHours.at(i));
                means.append(cachedMeans.at(i));
                squares.append(i < cachedSquares.size() ? cachedSquares.at(i) : 0.0);
            }
        }
        const qsizetype keptFromCache = hours.size();
        if (!rows->isNull(row, 6)) {
            hours.append(numbers(rows->bytes(row, 6)));
            means.append(numbers(rows->bytes(row, 7)));
            squares.append(numbers(rows->bytes(row, 8)));
        }
        // What the next refit starts from: the whole series, or what to cut and append.
        const qsizetype from = whole ? 0 : keptFromCache;
        if (whole || dropped > 0 || hours.size() > keptFromCache) {
            cacheWrites.whole.append(whole ? "t" : "f");
            cacheWrites.nodes.append(node);
            cacheWrites.metrics.append(metric);
            cacheWrites.loaded.append(rows->text(row, 12));
            cacheWrites.dropped.append(dropped);
            QList<qint64> newHours;
            for (qsizetype i = from; i < hours.size(); ++i)
                newHours.append(qint64(hours.at(i)));
            cacheWrites.hours.append(QString::fromLatin1(integerArrayParam(newHours)));
            cacheWrites.means.append(QString::fromLatin1(realArrayParam(means.mid(from))));
            cacheWrites.squares.append(vibration ? QString::fromLatin1(realArrayParam(squares.mid(from))) : QStringLiteral("{}"));
        }
        if (hours.isEmpty())
            continue;
        if (!rows->isNull(row, 4)) {
            entry.series.last().hours = hours;
            entry.series.last().values = means;
        }
        if (vibration) {
            const int axis = metric.at(10).unicode() - 'x';
            if (axis >= 0 && axis < 3 && squares.size() == hours.size()) {
                for (int i = 0; i < hours.size(); ++i) {
                    entry.vibrationSquares[hours.at(i)][axis] = squares.at(i);
                    entry.vibrationAxes[hours.at(i)] |= 1 << axis;
                }
            }
        }
    }
    if (!cacheWrites.nodes.isEmpty()) {
        // One statement: the series cached whole are upserted, the others have their
        // dropped hours cut from the front and the new ones appended.
        if (auto cached = db.exec(R"SQL(
WITH u AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bool[], $4::int8[], $5::text[], $6::text[], $7::text[],
                                $8::timestamptz[]) AS u(node_id, metric, whole, dropped, hours, means, squares, loaded_at)),
appended AS (
    UPDATE agent_trend_series t SET hours = t.hours[u.dropped + 1:] || u.hours::int8[],
        means = t.means[u.dropped + 1:] || u.means::float8[], squares = t.squares[u.dropped + 1:] || u.squares::float8[]
    FROM u WHERE NOT u.whole AND t.node_id = u.node_id AND t.metric = u.metric)
INSERT INTO agent_trend_series (node_id, metric, hours, means, squares, loaded_at)
SELECT node_id, metric, hours::int8[], means::float8[], squares::float8[], loaded_at FROM u WHERE u.whole
ON CONFLICT (node_id, metric) DO UPDATE SET hours = excluded.hours, means = excluded.means, squares = excluded.squares,
    loaded_at = excluded.loaded_at
)SQL",
                                  {uuidArrayParam(cacheWrites.nodes), textArrayParam(cacheWrites.metrics),
                                   "{" + cacheWrites.whole.join(',') + "}", integerArrayParam(cacheWrites.dropped),
                                   textArrayParam(cacheWrites.hours), textArrayParam(cacheWrites.means),
                                   textArrayParam(cacheWrites.squares), textArrayParam(cacheWrites.loaded)});
            !cached)
            return cached.error();
    }
    cycle.report.stepsMs.append({QStringLiteral("trends.cache"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
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
            QJsonArray values;
            for (double value : series.values)
                values.append(value);
            QJsonArray hours;
            for (double hour : series.hours)
                hours.append(QJsonValue(qint64(std::llround(hour))));
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

    auto models = db.execBinary(
        "SELECT m.id, m.node_id, n.organization_id, n.name, "
        "  (extract(epoch FROM coalesce(h.scored_until, m.trained_to)) * 1000)::int8, "
        "  EXISTS (SELECT 1 FROM alert_states s WHERE s.node_id = n.id AND s.rule_key = 'anomaly') "
        "FROM anomaly_models m JOIN machine_nodes n ON n.id = m.node_id AND n.status = 'online' "
        "LEFT JOIN node_health h ON h.node_id = n.id WHERE m.is_active");
    if (!models)
        return models.error();
    if (models->rowCount() == 0)
        return Core::Ok{};
    cycle.report.stepsMs.append({QStringLiteral("anomalies.models"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
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
    // The minutes to score: each node's complete minutes after its scored_until (each
    // metric's minute mean, as the model was trained on). A node whose stream is current
    // and whose new minutes are all in the threshold window (the usual case) takes them
    // from there; the others (after a restart, or far behind) read them, with the minutes
    // their smoothing needs before, one index range of the key per node and metric.
    struct Row
    {
        qint64 timeMs = 0;
        bool fresh = false;
        std::vector<double> values;
        int present = 0;   // how many of the features this minute has
    };
    QHash<QUuid, QList<Row>> minutesOf;   // node → its minutes in time order
    QHash<QUuid, QStringList> featuresOf;
    const qint64 nowMinuteMs = cycle.nowMs / 60000 * 60000;
    QList<QUuid> coldNodes;
    QStringList coldSince, coldMetrics;
    QList<qint64> coldWarm;
    for (int row = 0; row < models->rowCount(); ++row) {
        const QUuid modelId = models->uuid(row, 0);
        const QUuid node = models->uuid(row, 1);
        const qint64 sinceMs = models->integer(row, 4);
        auto detector = m_detectors.find(modelId);
        if (!detector)
            continue;
        const QStringList features = detector->featureNames();
        if (features.isEmpty())
            continue;
        featuresOf.insert(node, features);
        const StreamState kept = m_streams.find(node);
        const bool current = kept.stream && kept.modelId == modelId && kept.lastMinuteMs == sinceMs;
        const int nodeIndex = m_fleet->nodeIndex.value(node, -1);
        QList<int> featureSeries;
        bool inWindow = current && nodeIndex >= 0;
        for (const QString &feature : features) {
            if (!inWindow)
                break;
            const int series = m_fleet->seriesOf(nodeIndex, feature.toUtf8());
            const qint64 coveredFromMs = series < 0 ? 0 : minuteWindowFromMs(nowMinuteMs, m_fleet->series.at(series).windowS);
            inWindow = series >= 0 && sinceMs + 60000 >= coveredFromMs;
            featureSeries.append(series);
        }
        if (!inWindow) {
            coldNodes.append(node);
            coldSince.append(isoTime(sinceMs));
            coldMetrics.append(features.join(QLatin1Char(',')));
            coldWarm.append(current ? 0 : std::max(0, detector->smoothingRows() - 1));
            continue;
        }
        // The minutes of the first feature, with the others' of the same minute.
        QList<Row> &rows = minutesOf[node];
        for (const MinuteWindow::Minute &minute : m_window->series.at(featureSeries.first())) {
            if (minute.timeMs <= sinceMs || minute.timeMs >= nowMinuteMs)
                continue;
            Row scored{minute.timeMs, true, std::vector<double>(size_t(features.size())), 1};
            scored.values.at(0) = minute.mean;
            for (int f = 1; f < featureSeries.size(); ++f) {
                for (const MinuteWindow::Minute &other : m_window->series.at(featureSeries.at(f))) {
                    if (other.timeMs == minute.timeMs) {
                        scored.values[size_t(f)] = other.mean;
                        ++scored.present;
                        break;
                    }
                }
            }
            rows.append(std::move(scored));
        }
    }
    if (!coldNodes.isEmpty()) {
        auto warmed = db.execBinary(
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
        for (int row = 0; row < warmed->rowCount(); ++row) {
            const QUuid node = warmed->uuid(row, 0);
            const QStringList &features = featuresOf[node];
            const int feature = int(features.indexOf(warmed->text(row, 3)));
            if (feature < 0)
                continue;
            QList<Row> &rows = minutesOf[node];
            const qint64 timeMs = warmed->integer(row, 1);
            if (rows.isEmpty() || rows.last().timeMs != timeMs)
                rows.append(Row{timeMs, warmed->boolean(row, 2), std::vector<double>(size_t(features.size())), 0});
            rows.last().values[size_t(feature)] = warmed->real(row, 4);
            ++rows.last().present;
        }
    }
    cycle.report.stepsMs.append({QStringLiteral("anomalies.minutes"), double(cycle.stepTimer.nsecsElapsed()) / 1e6});
    for (int model = 0; model < models->rowCount(); ++model) {
        const QUuid modelId = models->uuid(model, 0);
        const QUuid node = models->uuid(model, 1);
        std::shared_ptr<const A::Detector> detector = m_detectors.find(modelId);
        if (!detector || !minutesOf.contains(node))
            continue;
        const qsizetype featureCount = detector->featureNames().size();
        StreamState state = m_streams.find(node);
        if (!state.stream || state.modelId != modelId || state.lastMinuteMs != models->integer(model, 4)) {
            state.stream = std::make_shared<A::AnomalyStream>(detector);
            state.modelId = modelId;
        }
        A::AnomalyStream &stream = *state.stream;
        double worst = -1;
        A::AnomalyScore newest;
        qint64 firstAnomalyMs = 0, lastAnomalyMs = 0, newestMs = 0, firstNewMs = 0;
        int fresh = 0, anomalous = 0;
        QHash<QString, double> driverSums;
        for (const Row &minute : std::as_const(minutesOf[node])) {
            if (minute.present != featureCount)
                continue;   // a minute without every feature cannot be scored
            const A::AnomalyScore score = stream.push(minute.values.data());
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
        cycle.anomalyNodes.append(node);
        cycle.anomalyScoredUntil.append(isoTime(newestMs));
        cycle.anomalyRatio.append(std::isfinite(newest.score) && threshold > 0 ? newest.score / threshold : 0.0);
        // Written by hand: ten thousand QJsonObjects a minute cost more than the rest of
        // the scoring. Metric names and kinds are [a-z0-9_] (checked where they enter).
        QByteArray json;
        json.reserve(400);
        json += "{\"score\":" + jsonNumber(std::isfinite(newest.score) ? newest.score : 0.0);
        json += ",\"threshold\":" + jsonNumber(threshold);
        json += newest.anomaly ? ",\"anomalous\":true" : ",\"anomalous\":false";
        json += ",\"drivers\":[";
        for (int i = 0; i < std::min<qsizetype>(3, newest.drivers.size()); ++i) {
            json += (i > 0 ? ",{\"metric\":\"" : "{\"metric\":\"") + newest.drivers.at(i).feature.toUtf8()
                    + "\",\"share\":" + jsonNumber(std::round(newest.drivers.at(i).share * 1000) / 1000) + '}';
        }
        json += "],\"max_score\":" + jsonNumber(worst);
        json += ",\"kind\":\"" + detector->kind().toUtf8() + '"';
        json += ",\"model_id\":\"" + modelId.toByteArray(QUuid::WithoutBraces) + '"';
        json += ",\"at\":\"" + isoTime(newestMs).toUtf8() + "\",\"rows\":\"minute_means\"}";
        cycle.anomalyJson.append(QString::fromUtf8(json));
        const bool firing = models->boolean(model, 5);
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
    // The scores are written with the health (writeHealth), one statement for the fleet.
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
    // Nodes new to the agent get a row; then one UPDATE of every online node's row (an
    // UPDATE joins; an upsert would try an insert first, row by row).
    if (auto added = db.exec("INSERT INTO node_health (node_id, score, status) SELECT n.id, 100, 'unknown' "
                             "FROM machine_nodes n WHERE n.status = 'online' "
                             "AND NOT EXISTS (SELECT 1 FROM node_health h WHERE h.node_id = n.id) ON CONFLICT DO NOTHING");
        !added)
        return added.error();
    // The documented health score: 100, less the worst open ticket (LOW 5, MEDIUM 20,
    // HIGH 40, CRITICAL 70) and 5 for each further one (at most 15), 30 when stale, up to
    // 25 for an anomaly score beyond its threshold (all of it at 1.5 times the threshold,
    // whatever the detector's units), up to 20 for a trend reaching a limit
    // within the horizon (more the sooner). The anomaly's score against its threshold
    // comes as a number, so that no document is parsed for it.
    auto written = db.exec(
        R"SQL(
WITH limits AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS l(node_id, items)),
scores AS (SELECT * FROM unnest($4::uuid[], $5::text[], $6::timestamptz[], $7::float8[])
           AS a(node_id, anomaly, scored_until, ratio)),
open AS (SELECT node_id, max(CASE severity WHEN 'LOW' THEN 5 WHEN 'MEDIUM' THEN 20 WHEN 'HIGH' THEN 40 ELSE 70 END) AS worst,
                count(*) AS n
         FROM maintenance_tickets WHERE status IN ('open', 'acknowledged', 'in_progress') GROUP BY node_id),
scored AS (
    SELECT n.id AS node_id,
           coalesce(o.worst, 0) + least(15, 5 * greatest(coalesce(o.n, 0) - 1, 0))
           + CASE WHEN st.node_id IS NOT NULL THEN 30 ELSE 0 END
           + coalesce(least(25, greatest(0, 50 * (coalesce(a.ratio, (h.anomaly->>'score')::float8
                                                  / nullif((h.anomaly->>'threshold')::float8, 0)) - 1))), 0)
           + coalesce(20 * (1 - least(1, h.trend_hours / $3)), 0) AS penalty,
           st.node_id IS NOT NULL AS stale, l.items, a.anomaly, a.scored_until
    FROM machine_nodes n
    JOIN node_health h ON h.node_id = n.id
    LEFT JOIN open o ON o.node_id = n.id
    LEFT JOIN alert_states st ON st.node_id = n.id AND st.rule_key = 'stale'
    LEFT JOIN limits l ON l.node_id = n.id
    LEFT JOIN scores a ON a.node_id = n.id
    WHERE n.status = 'online')
UPDATE node_health h SET score = greatest(0, 100 - s.penalty)::int,
       status = CASE WHEN s.stale THEN 'stale' WHEN 100 - s.penalty < 40 THEN 'critical'
                     WHEN 100 - s.penalty < 75 THEN 'warning' ELSE 'healthy' END,
       limits = coalesce(s.items::jsonb, '[]'), anomaly = coalesce(s.anomaly::json, h.anomaly),
       scored_until = coalesce(s.scored_until, h.scored_until), assessed_at = now()
FROM scored s WHERE s.node_id = h.node_id
)SQL",
        {uuidArrayParam(nodes), textArrayParam(limits), QByteArray::number(m_settings.trendHorizonH),
         uuidArrayParam(cycle.anomalyNodes), textArrayParam(cycle.anomalyJson), textArrayParam(cycle.anomalyScoredUntil),
         realArrayParam(cycle.anomalyRatio)});
    if (!written)
        return written.error();
    return Core::Ok{};
}

} // namespace Laces::Server
