#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Laces::Core {

// One node's samples for one stretch of time (the server stores an hour per chunk), in
// columns: each row has a time (ms since the epoch), the device's boot epoch and sequence
// number, and any subset of the metrics (an absent value is a null).
struct TelemetryColumns
{
    struct Metric
    {
        QString name;
        QList<double> values;   // one per row; ignored where !present
        QList<bool> present;    // one per row
    };

    QList<qint64> timesMs;
    QList<qint64> bootEpochs;
    QList<qint64> seqs;
    QList<Metric> metrics;

    int rowCount() const { return int(timesMs.size()); }
};

// The chunk's bytes: times, boot epochs and sequence numbers coded as delta-of-delta
// integers, each metric's present values by TelemetryCodec::encodeValues (Gorilla or
// exact decimal, the smaller), nulls as a bitmap only where a metric has some. Lossless:
// decodeChunk(encodeChunk(c)) gives back every bit. Nothing for bytes it did not write.
namespace TelemetryChunk {

constexpr quint8 kVersion = 1;

QByteArray encode(const TelemetryColumns &columns);
std::optional<TelemetryColumns> decode(const QByteArray &chunk);

} // namespace TelemetryChunk

} // namespace Laces::Core
