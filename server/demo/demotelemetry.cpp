#include "demotelemetry.h"

#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"
#include "telemetry/telemetrystore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace Laces::Server {

Core::Status DemoTelemetry::start(PgConnection &db, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    auto rows = db.exec(
        "SELECT n.organization_id, n.id, n.node_type, n.name, s.metric, s.min_value, s.max_value, s.warn_above, "
        "       EXISTS (SELECT 1 FROM telemetry_data d WHERE d.node_id = n.id AND d.time > now() - interval '6 hours') "
        "FROM machine_nodes n JOIN organizations o ON o.id = n.organization_id "
        "JOIN node_sensors s ON s.node_id = n.id WHERE o.slug = 'demo' ORDER BY n.name, s.metric");
    if (!rows)
        return rows.error();
    // Which machines run is the demo's definition, not their status now (the housekeeping
    // marks silent ones offline, a restart later finds them so).
    QFile fleetFile(QStringLiteral(":/laces/demo/fleet.json"));
    fleetFile.open(QIODevice::ReadOnly);
    QSet<QString> running;
    for (const QJsonValue &node : QJsonDocument::fromJson(fleetFile.readAll()).object().value(QStringLiteral("nodes")).toArray()) {
        if (node.toObject().value(QStringLiteral("status")).toString() == QLatin1String("online"))
            running.insert(node.toObject().value(QStringLiteral("name")).toString());
    }
    bool reported = false;
    for (int row = 0; row < rows->rowCount(); ++row) {
        m_organization = QUuid::fromString(rows->text(row, 0));
        const QUuid id = QUuid::fromString(rows->text(row, 1));
        if (m_nodes.isEmpty() || m_nodes.last().id != id) {
            Node node;
            node.id = id;
            node.online = running.contains(rows->text(row, 3));
            node.warming = rows->text(row, 3) == QLatin1String("Cooling pump STU-02");
            node.engine = rows->text(row, 2) == QLatin1String("engine");
            m_nodes.append(node);
        }
        const int metric = TelemetryMetrics::indexOf(rows->text(row, 4));
        if (metric < 0)
            continue;
        const double min = rows->real(row, 5);
        const double warn = rows->isNull(row, 7) ? rows->real(row, 6) : rows->real(row, 7);
        const double nominal = min + (warn - min) * 0.7;
        m_nodes.last().sensors.append({metric, nominal, (warn - nominal) * 0.3});
        reported = reported || rows->boolean(row, 8);
    }
    m_bootEpoch = nowMs / 1000;
    m_startedMs = nowMs;
    if (reported || m_nodes.isEmpty())
        return Core::Ok{};
    m_backfillToMs = nowMs - 6 * 3600000LL;
    return send(db, m_backfillToMs, nowMs, 10000, m_bootEpoch, m_seqs);
}

Core::Status DemoTelemetry::tick(PgConnection &db, qint64 nowMs)
{
    if (!m_mutex.tryLock())
        return Core::Ok{};
    const Core::Status sent = send(db, nowMs, nowMs + 1, 1000, m_bootEpoch, m_seqs);
    m_mutex.unlock();
    return sent;
}

Core::Status DemoTelemetry::advance(PgConnection &db, qint64 fromMs, qint64 toMs, qint64 stepMs)
{
    QMutexLocker lock(&m_mutex);
    return send(db, fromMs, toMs, std::max<qint64>(1, stepMs), m_bootEpoch, m_seqs);
}

Core::Status DemoTelemetry::backfill(PgConnection &db)
{
    // Its own boot epoch and sequence numbers, and an hour a batch, so that the live samples
    // go on meanwhile (each batch locks its nodes only briefly).
    if (m_backfillToMs == 0)
        return Core::Ok{};
    QHash<QUuid, qint64> seqs;
    constexpr qint64 kHourMs = 3600000LL;
    for (qint64 from = m_backfillToMs - 7 * 24 * kHourMs + 6 * kHourMs; from < m_backfillToMs && !m_cancelled;
         from += kHourMs) {
        if (auto sent = send(db, from, std::min(from + kHourMs, m_backfillToMs), 60000, m_bootEpoch - 1, seqs); !sent)
            return sent;
    }
    return Core::Ok{};
}

double DemoTelemetry::testStandLoad(double seconds)
{
    const double s = std::fmod(std::fmod(seconds, 1800.0) + 1800.0, 1800.0);
    const auto ramp = [](double from, double to, double fraction) { return from + (to - from) * fraction; };
    if (s < 300)
        return 0.15;
    if (s < 360)
        return ramp(0.15, 0.95, (s - 300) / 60);
    if (s < 900)
        return 0.95;
    if (s < 960)
        return ramp(0.95, 0.55, (s - 900) / 60);
    if (s < 1500)
        return 0.55;
    if (s < 1560)
        return ramp(0.55, 0.15, (s - 1500) / 60);
    return 0.15;
}

double DemoTelemetry::valueAt(const Node &node, const Sensor &sensor, qint64 timeMs) const
{
    static const int rpm = TelemetryMetrics::indexOf(u"rpm");
    static const int torque = TelemetryMetrics::indexOf(u"torque_nm");
    static const int temperature = TelemetryMetrics::indexOf(u"temperature_c");
    if (node.engine && (sensor.metric == rpm || sensor.metric == torque || sensor.metric == temperature)) {
        // Each engine starts its rounds at its own time; noise of ±0.5 % on torque.
        const double seconds = double(timeMs) / 1000.0 + double(node.id.data1 % 1800);
        const double noise = QRandomGenerator::global()->generateDouble() - 0.5;
        double value = 0;
        if (sensor.metric == torque)
            value = testStandLoad(seconds) * kRatedTorqueNm + noise * 0.01 * kRatedTorqueNm;
        else if (sensor.metric == rpm)
            value = 800 + 2300 * testStandLoad(seconds) + noise * 20;
        else  // the coolant follows the load two minutes late
            value = 70 + 25 * testStandLoad(seconds - 120) + noise * 0.4;
        return std::round(value * 100) / 100;
    }
    // A slow swing (ten minutes), a slower one (two hours) and noise; two decimals.
    const double phase = double(node.id.data1 % 1000) / 1000.0 * 2 * M_PI;
    const double t = double(timeMs) / 1000.0;
    double value = sensor.nominal + sensor.swing * (0.6 * std::sin(2 * M_PI * t / 600 + phase)
                                                    + 0.4 * std::sin(2 * M_PI * t / 7200 + 2 * phase))
                   + sensor.swing * 0.2 * (QRandomGenerator::global()->generateDouble() - 0.5);
    if (node.warming && sensor.metric == TelemetryMetrics::indexOf(u"temperature_c"))
        // +2.5 °C an hour from six hours before the demo started (steady before that).
        value += std::max(0.0, double(timeMs - (m_startedMs - 6 * 3600000LL)) / 3600000.0 * 2.5);
    return std::round(value * 100) / 100;
}

Core::Status DemoTelemetry::send(PgConnection &db, qint64 fromMs, qint64 toMs, qint64 stepMs, qint64 bootEpoch,
                                 QHash<QUuid, qint64> &seqs)
{
    const QHash<QUuid, qint64> seqsBefore = seqs;
    SampleBatch batch;
    batch.bootEpoch = bootEpoch;
    const int metrics = TelemetryMetrics::count();
    for (const Node &node : std::as_const(m_nodes)) {
        if (!node.online)
            continue;
        const int index = int(batch.nodes.size());
        batch.nodes.append(node.id);
        for (qint64 time = fromMs; time < toMs; time += stepMs) {
            batch.nodeOf.append(index);
            batch.timesMs.append(time);
            batch.seqs.append(++seqs[node.id]);
            quint32 present = 0;
            batch.values.resize(batch.values.size() + metrics, 0.0);
            for (const Sensor &sensor : node.sensors) {
                present |= 1u << sensor.metric;
                batch.values[batch.values.size() - metrics + sensor.metric] = valueAt(node, sensor, time);
            }
            batch.present.append(present);
        }
    }
    if (batch.nodes.isEmpty())
        return Core::Ok{};
    Principal demo;
    demo.organizationId = m_organization;
    demo.role = QStringLiteral("edge");
    demo.permissions = {QStringLiteral("telemetry.ingest")};
    auto stored = m_ingest->ingest(db, demo, batch);
    if (!stored) {
        seqs = seqsBefore;  // not stored: the numbers are used again, leaving no gap
        return stored.error();
    }
    return Core::Ok{};
}

} // namespace Laces::Server
