#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <optional>

namespace Laces::Edge {

// One sensor sample as the agent keeps it: its time and the metrics it carries (indexes in
// Core::TelemetryMetrics::all(), ascending, each once).
struct Sample
{
    qint64 timeMs = 0;
    QList<QPair<int, double>> values;
    qint64 arrivalNs = 0;   // steady clock when the agent got it (for the control loop's latency)
};

// The buffer's compact, lossless text of a sample's values: "5:81.25,0:1500" (metric index,
// shortest round-trip decimal), and back.
QByteArray encodeValues(const QList<QPair<int, double>> &values);
bool decodeValues(QByteArrayView text, QList<QPair<int, double>> *values);

// Reads input lines in the server's CSV convention (a header naming `time` and metrics,
// then rows; a `node_id` column is allowed and must then be this node) or JSON lines
// ({"time": …, "metrics": {"temperature_c": 81.2}} or the metrics at the top level). Time
// is RFC 3339 or milliseconds since the epoch; without one, the clock's. A line may switch
// between the two forms; a new CSV header replaces the old one.
class LineParser
{
public:
    explicit LineParser(QByteArray nodeId = {}) : m_node(std::move(nodeId)) {}

    // A sample, nothing (a header, an empty line or a comment), or an error saying what is
    // wrong with the line (the caller counts and logs it with the line's number).
    Core::Result<std::optional<Sample>> parse(QByteArrayView line, qint64 nowMs);
    // A JSON payload (an MQTT message), as a JSON line.
    Core::Result<Sample> parseJson(QByteArrayView json, qint64 nowMs) const;

    // Samples further ahead of the clock than this are refused (the server refuses them too).
    static constexpr qint64 kMaxAheadMs = 5 * 60 * 1000;

private:
    Core::Result<std::optional<Sample>> parseCsvRow(QByteArrayView line, qint64 nowMs) const;
    Core::Result<std::optional<Sample>> parseHeader(QByteArrayView line);

    QByteArray m_node;
    bool m_haveHeader = false;
    int m_timeColumn = -1;
    int m_nodeColumn = -1;
    QList<int> m_metricOfColumn;  // -1: not a metric column
};

// "2026-12-02T07:30:00.250Z", "…+01:00" or "1764660600250" (ms since the epoch).
std::optional<qint64> parseTimeMs(QByteArrayView text);
QByteArray formatTimeMs(qint64 ms);

} // namespace Laces::Edge
