#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

// Lossless columnar coding of telemetry series, as stored in compressed chunks:
//  - timestamps (ms): the first value, then deltas of deltas in Gorilla's variable-width
//    buckets (regular sampling costs one bit per sample);
//  - values (doubles), whichever of two codings is smaller for the block:
//     Gorilla: each value XORed with the previous, leading/trailing zero runs elided;
//     Decimal (as ALP does): when every value is an exact decimal with at most 15
//       fraction digits, the scaled integers frame-of-reference bit-packed in frames of
//       256, each frame as values or as deltas, whichever takes fewer bits.
// Decoding returns exactly the encoded bits (NaN payloads and -0.0 included), or nothing
// for bytes that are not a block this code wrote.
namespace Laces::Core::TelemetryCodec {

enum class ValueCoding : quint8 { Gorilla = 1, Decimal = 2 };

QByteArray encodeTimestamps(const QList<qint64> &timestampsMs);
std::optional<QList<qint64>> decodeTimestamps(const QByteArray &block);

QByteArray encodeValues(const QList<double> &values);
std::optional<QList<double>> decodeValues(const QByteArray &block);
// The coding a value block uses (for reports); nothing for an empty or foreign block.
std::optional<ValueCoding> valueCoding(const QByteArray &block);

// Each coding on its own, for tests and the storage report.
QByteArray encodeGorilla(const QList<double> &values);
std::optional<QByteArray> encodeDecimal(const QList<double> &values);  // nothing when not exact decimals

} // namespace Laces::Core::TelemetryCodec
