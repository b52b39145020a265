#pragma once

#include "maintenance/anomalymodels.h"
#include "maintenance/ticketstore.h"
#include "result.h"

#include <QJsonObject>
#include <QString>
#include <QHash>
#include <QMutex>
#include <QUuid>

#include <memory>

#include <optional>

#include <atomic>

namespace Laces::Core::Anomaly {
class AnomalyStream;
}

namespace Laces::Server {

class PgConnection;

// Each node's anomaly stream (its smoothing window) between cycles, so a cycle reads only
// the minutes that are new; keyed by node, valid while it ended at the node's scored_until.
struct StreamState
{
    std::shared_ptr<Core::Anomaly::AnomalyStream> stream;
    QUuid modelId;
    qint64 lastMinuteMs = 0;
};
class StreamCache
{
public:
    StreamState find(const QUuid &node) const
    {
        QMutexLocker locker(&m_mutex);
        return m_states.value(node);
    }
    void insert(const QUuid &node, StreamState state)
    {
        QMutexLocker locker(&m_mutex);
        m_states.insert(node, std::move(state));
    }

private:
    mutable QMutex m_mutex;
    QHash<QUuid, StreamState> m_states;
};

struct AgentSettings
{
    int intervalS = 60;             // --agent-interval-s; 0 turns the loop off
    AlertPolicy policy;
    int staleAfterS = 300;          // a node silent this long (or 10 sample periods, if longer) is stale
    int trendWindowH = 168;         // Theil–Sen over this many hours of hourly means
    int trendHorizonH = 168;        // a trend reaching a limit within this opens a ticket
    int trendNodesPerCycle = 100;   // trends are refit hourly: at least this many nodes a cycle, more
                                    // when the fleet needs it to get round within the hour
    int anomalyTrainHours = 24;     // a node without a model gets one after this much history
    QString instance;               // names the server instance in agent_cycles
    QByteArray conninfo;            // the agent's own second connection (the trends run on it
                                    // alongside the minute steps); empty: one connection
};

struct AgentReport
{
    int nodesAssessed = 0;
    int ticketsOpened = 0;
    int ticketsUpdated = 0;
    int alertsQueued = 0;
    int trendsRefreshed = 0;
    int minutesScored = 0;
    double durationMs = 0;
    bool skipped = false;           // another instance held the agent's lock
    QList<QPair<QString, double>> stepsMs;   // where the time went

    QJsonObject toJson() const;
};

// One maintenance cycle over every online node of every organization: threshold rules
// with hysteresis and for_s from the minute rollups, stale nodes, trends from the hourly
// rollups, anomaly scores of the newest samples, tickets, alerts and each node's health.
// The reads are set-based (one statement for all nodes, not one per node); each ticket
// and the rule state that caused it commit together, so a crash mid-cycle loses nothing
// and the next cycle finishes the work. One instance runs a cycle at a time (an advisory
// lock); with `wait` false a cycle finding it held is skipped.
class MaintenanceAgent
{
public:
    explicit MaintenanceAgent(AgentSettings settings);
    ~MaintenanceAgent();

    // The report counts `reportFor`'s nodes and tickets only (all when null): a caller of
    // POST /maintenance/agent/run learns nothing of other organizations. `nowMs` moves
    // the cycle's clock (tests); by default it is the present.
    Core::Result<AgentReport> runCycle(PgConnection &db, bool wait, const QUuid &reportFor = {},
                                       std::optional<qint64> nowMs = {});
    const AgentSettings &settings() const { return m_settings; }

private:
    struct Cycle;
    struct FleetConfig;
    struct MinuteWindow;
    Core::Status loadFleet(PgConnection &db);
    Core::Status readMinutes(PgConnection &db, Cycle &cycle);
    PgConnection *trendsConnection();   // null: none (the trends run in turn)
    Core::Status assessThresholds(PgConnection &db, Cycle &cycle);
    Core::Status assessStale(PgConnection &db, Cycle &cycle);
    Core::Status assessTrends(PgConnection &db, Cycle &cycle);
    Core::Status assessAnomalies(PgConnection &db, Cycle &cycle);
    Core::Status writeHealth(PgConnection &db, Cycle &cycle);

    AgentSettings m_settings;
    DetectorCache m_detectors;
    StreamCache m_streams;
    // Between cycles (one runs at a time, under the advisory lock and this mutex): the
    // fleet's configuration, reread only when agent_config_version moves, and the minute
    // rollups of the threshold window, of which a cycle reads only the newest.
    QMutex m_cycleMutex;
    std::unique_ptr<FleetConfig> m_fleet;
    std::unique_ptr<MinuteWindow> m_window;
    std::unique_ptr<PgConnection> m_trendsDb;
};

} // namespace Laces::Server
