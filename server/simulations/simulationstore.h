#pragma once

#include "ageing/ageingsimulator.h"
#include "ageing/measuredhistory.h"
#include "result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QUuid>

namespace Laces::Server {

class PgConnection;

namespace SimulationStore {

// A run's series as stored: "LSR1", component and point counts, the times, then each
// component's crack, damage and failure probability, as little-endian doubles (NaN before a
// component was fitted), zlib-compressed. Bit for bit what the run computed.
QByteArray encodeSeries(const Core::Ageing::SimulationResult &result);
// Adds each stored component's "series" back from such bytes; false for foreign bytes.
bool mergeSeries(QJsonArray &components, const QByteArray &stored);

} // namespace SimulationStore

// A node's measured history, read from its raw telemetry (rows and chunks alike) a page at
// a time, so that a long window never sits in memory.
struct MeasuredWindow
{
    QUuid nodeId;
    QString metric;           // the load signal, e.g. torque_nm
    qint64 fromMs = 0;
    qint64 toMs = 0;          // also the run's start
    double reference = 1;     // the signal at rated load
    double stepH = 24;        // the past's step
};
struct MeasuredData
{
    Core::Ageing::MeasuredHistory history;
    QByteArray sha256;        // of every sample fed (time, signal, rpm, temperature)
};
Core::Result<MeasuredData> loadMeasuredHistory(PgConnection &db, const MeasuredWindow &window);

} // namespace Laces::Server
