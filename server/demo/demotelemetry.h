#pragma once

#include "result.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>
#include <QUuid>

#include <atomic>

namespace Laces::Server {

class PgConnection;
class TelemetryIngest;

// Synthetic telemetry for the demo fleet (--demo), so that dashboards and the fleet map
// have something to show: every demo node that fleet.json calls online reports each of its sensors' metrics
// once a second, around 70 % of the sensor's warning level with a slow swing and noise;
// the cooling pump STU-02 runs ever warmer. Test-stand engines run a programme instead
// (testStandLoad): their torque, speed and temperature follow its load steps, so that their
// load history has real cycles for the ageing simulator. On start the last week is filled
// in (a sample a minute, the last six hours one every ten seconds), unless the nodes already
// reported in the last six hours. It goes
// through the real ingest, as an edge device would.
class DemoTelemetry
{
public:
    explicit DemoTelemetry(TelemetryIngest *ingest) : m_ingest(ingest) {}

    // Finds the demo nodes and fills in their recent history.
    Core::Status start(PgConnection &db, qint64 nowMs);
    // One sample per online demo node, at nowMs (skipped while another tick runs).
    Core::Status tick(PgConnection &db, qint64 nowMs);
    // Samples of every online demo node from fromMs to toMs, one each stepMs (an evaluation
    // moving the demo's clock on faster than time).
    Core::Status advance(PgConnection &db, qint64 fromMs, qint64 toMs, qint64 stepMs);
    // After start(): the week before its six hours, a sample a minute (while ticks go on).
    Core::Status backfill(PgConnection &db);
    // Stops a backfill between two batches (the server is stopping).
    void cancel() { m_cancelled = true; }

    // The test-stand programme, a round of 30 minutes: 5 idle (15 % of rated torque), a one-
    // minute ramp to full load (95 %), 9 at full load, a ramp to part load (55 %), 9 there, a
    // ramp down and 4 idle. The load, as a fraction of rated torque, `seconds` into a round.
    static double testStandLoad(double seconds);
    static constexpr double kRatedTorqueNm = 800;  // fleet.json's twin: rated_torque_nm
private:
    struct Sensor
    {
        int metric;
        double nominal;
        double swing;
    };
    struct Node
    {
        QUuid id;
        bool online = false;
        bool warming = false;
        bool engine = false;   // runs the test-stand programme
        QList<Sensor> sensors;
    };

    Core::Status send(PgConnection &db, qint64 fromMs, qint64 toMs, qint64 stepMs, qint64 bootEpoch,
                      QHash<QUuid, qint64> &seqs);
    double valueAt(const Node &node, const Sensor &sensor, qint64 timeMs) const;

    TelemetryIngest *m_ingest;
    QUuid m_organization;
    QList<Node> m_nodes;
    qint64 m_bootEpoch = 0;
    QHash<QUuid, qint64> m_seqs;  // each node counts from 1 in this boot epoch
    qint64 m_startedMs = 0;
    qint64 m_backfillToMs = 0;   // where the week of history ends (0: none to fill)
    std::atomic<bool> m_cancelled{false};
    QMutex m_mutex;
};

} // namespace Laces::Server
