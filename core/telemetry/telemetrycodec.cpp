#include "telemetrycodec.h"

#include "bitstream.h"

#include <QtCore/qalgorithms.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace Laces::Core::TelemetryCodec {

namespace {

constexpr quint8 kTimestampTag = 0x54;  // 'T'
constexpr qint64 kMaxCount = 100'000'000;
constexpr qsizetype kFrame = 256;  // decimal values per independently packed frame

std::uint64_t bitsOf(double value)
{
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

double doubleOf(std::uint64_t bits)
{
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

int bitWidth(std::uint64_t value)
{
    return value == 0 ? 0 : 64 - int(qCountLeadingZeroBits(value));
}

// Exact powers of ten (each is a double without rounding up to 1e22).
const double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
constexpr int kMaxExponent = 15;

} // namespace

QByteArray encodeTimestamps(const QList<qint64> &timestampsMs)
{
    BitWriter out;
    out.write(kTimestampTag, 8);
    out.writeVarint(std::uint64_t(timestampsMs.size()));
    if (timestampsMs.isEmpty())
        return out.bytes();
    out.write(std::uint64_t(timestampsMs.first()), 64);
    qint64 previousDelta = 0;
    for (qsizetype i = 1; i < timestampsMs.size(); ++i) {
        const qint64 delta = qint64(std::uint64_t(timestampsMs[i]) - std::uint64_t(timestampsMs[i - 1]));
        const qint64 dod = qint64(std::uint64_t(delta) - std::uint64_t(previousDelta));
        previousDelta = delta;
        // Gorilla's buckets: 0 | 10+7 bits | 110+9 | 1110+12 | 1111+64 (zigzag coded).
        const std::uint64_t z = zigzag(dod);
        if (z == 0) {
            out.write(0b0, 1);
        } else if (z < (1u << 7)) {
            out.write(0b10, 2);
            out.write(z, 7);
        } else if (z < (1u << 9)) {
            out.write(0b110, 3);
            out.write(z, 9);
        } else if (z < (1u << 12)) {
            out.write(0b1110, 4);
            out.write(z, 12);
        } else {
            out.write(0b1111, 4);
            out.write(z, 64);
        }
    }
    return out.bytes();
}

std::optional<QList<qint64>> decodeTimestamps(const QByteArray &block)
{
    BitReader in(block);
    if (in.read(8) != kTimestampTag)
        return std::nullopt;
    const std::uint64_t count = in.readVarint();
    // Every timestamp after the first takes at least one bit.
    if (in.failed() || count > std::uint64_t(kMaxCount) || (count > 1 && count - 1 > std::uint64_t(in.bitsLeft())))
        return std::nullopt;
    QList<qint64> result;
    if (count == 0)
        return result;
    result.reserve(qsizetype(count));
    std::uint64_t current = in.read(64);
    result.append(qint64(current));
    std::uint64_t delta = 0;
    for (std::uint64_t i = 1; i < count; ++i) {
        std::uint64_t z = 0;
        if (in.readBit()) {
            if (!in.readBit())
                z = in.read(7);
            else if (!in.readBit())
                z = in.read(9);
            else if (!in.readBit())
                z = in.read(12);
            else
                z = in.read(64);
        }
        delta += std::uint64_t(unzigzag(z));
        current += delta;
        result.append(qint64(current));
    }
    if (in.failed())
        return std::nullopt;
    return result;
}

QByteArray encodeGorilla(const QList<double> &values)
{
    BitWriter out;
    out.write(quint8(ValueCoding::Gorilla), 8);
    out.writeVarint(std::uint64_t(values.size()));
    if (values.isEmpty())
        return out.bytes();
    std::uint64_t previous = bitsOf(values.first());
    out.write(previous, 64);
    int leading = -1;   // the window of the last stored XOR
    int trailing = 0;
    for (qsizetype i = 1; i < values.size(); ++i) {
        const std::uint64_t bits = bitsOf(values[i]);
        const std::uint64_t x = bits ^ previous;
        previous = bits;
        if (x == 0) {
            out.write(0b0, 1);
            continue;
        }
        const int lead = std::min(int(qCountLeadingZeroBits(x)), 63);
        const int trail = int(qCountTrailingZeroBits(x));
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            // Fits the previous window: '10' and the window's bits.
            out.write(0b10, 2);
            out.write(x >> trailing, 64 - leading - trailing);
        } else {
            // A new window: '11', 6 bits of leading zeros, 6 bits of (length - 1), the bits.
            leading = lead;
            trailing = trail;
            const int length = 64 - leading - trailing;
            out.write(0b11, 2);
            out.write(std::uint64_t(leading), 6);
            out.write(std::uint64_t(length - 1), 6);
            out.write(x >> trailing, length);
        }
    }
    return out.bytes();
}

namespace {

std::optional<QList<double>> decodeGorilla(BitReader &in, std::uint64_t count)
{
    QList<double> result;
    if (count == 0)
        return result;
    result.reserve(qsizetype(count));
    std::uint64_t previous = in.read(64);
    result.append(doubleOf(previous));
    int leading = -1;
    int trailing = 0;
    for (std::uint64_t i = 1; i < count; ++i) {
        if (in.readBit()) {
            if (in.readBit()) {
                leading = int(in.read(6));
                const int length = int(in.read(6)) + 1;
                trailing = 64 - leading - length;
                if (trailing < 0)
                    return std::nullopt;
            } else if (leading < 0) {
                return std::nullopt;  // a window used before any was set
            }
            previous ^= in.read(64 - leading - trailing) << trailing;
        }
        if (in.failed())
            return std::nullopt;
        result.append(doubleOf(previous));
    }
    return result;
}

// The smallest exponent that makes every value an exact decimal, or nothing.
std::optional<int> decimalExponent(const QList<double> &values)
{
    for (int exponent = 0; exponent <= kMaxExponent; ++exponent) {
        bool exact = true;
        for (double value : values) {
            const double scaled = value * kPow10[exponent];
            if (!std::isfinite(scaled) || std::abs(scaled) >= 4503599627370496.0) {  // 2^52
                exact = false;
                break;
            }
            // Checked the way decoding computes it, through the integer (so -0.0 fails).
            const double integer = double(qint64(std::nearbyint(scaled)));
            if (bitsOf(integer / kPow10[exponent]) != bitsOf(value)) {
                exact = false;
                break;
            }
        }
        if (exact)
            return exponent;
    }
    return std::nullopt;
}

} // namespace

std::optional<QByteArray> encodeDecimal(const QList<double> &values)
{
    const auto exponent = decimalExponent(values);
    if (!exponent)
        return std::nullopt;
    BitWriter out;
    out.write(quint8(ValueCoding::Decimal), 8);
    out.writeVarint(std::uint64_t(values.size()));
    if (values.isEmpty())
        return out.bytes();
    out.write(std::uint64_t(*exponent), 4);
    QList<qint64> integers;
    integers.reserve(values.size());
    for (double value : values)
        integers.append(qint64(std::nearbyint(value * kPow10[*exponent])));
    out.writeVarint(zigzag(integers.first()));
    // The rest in frames of kFrame, each packed on its own (so a burst of noise widens
    // only its frame), either as values or as deltas from the previous value, whichever
    // needs fewer bits, offset from the frame's minimum.
    for (qsizetype start = 1; start < integers.size(); start += kFrame) {
        const qsizetype end = std::min(integers.size(), start + kFrame);
        const auto rangeOf = [&](bool deltas) {
            qint64 minimum = std::numeric_limits<qint64>::max();
            qint64 maximum = std::numeric_limits<qint64>::min();
            for (qsizetype i = start; i < end; ++i) {
                const qint64 entry = deltas ? integers[i] - integers[i - 1] : integers[i];
                minimum = std::min(minimum, entry);
                maximum = std::max(maximum, entry);
            }
            return std::pair(minimum, bitWidth(std::uint64_t(maximum) - std::uint64_t(minimum)));
        };
        const auto [valueBase, valueWidth] = rangeOf(false);
        const auto [deltaBase, deltaWidth] = rangeOf(true);
        const bool deltas = deltaWidth < valueWidth;
        const qint64 base = deltas ? deltaBase : valueBase;
        const int width = deltas ? deltaWidth : valueWidth;
        out.writeBit(deltas);
        out.writeVarint(zigzag(base));
        out.write(std::uint64_t(width), 7);
        for (qsizetype i = start; i < end; ++i) {
            const qint64 entry = deltas ? integers[i] - integers[i - 1] : integers[i];
            out.write(std::uint64_t(entry) - std::uint64_t(base), width);
        }
    }
    return out.bytes();
}

namespace {

std::optional<QList<double>> decodeDecimal(BitReader &in, std::uint64_t count)
{
    QList<double> result;
    if (count == 0)
        return result;
    const int exponent = int(in.read(4));
    if (exponent > kMaxExponent)
        return std::nullopt;
    qint64 integer = unzigzag(in.readVarint());
    // Every frame takes at least 9 bits: a count beyond the bytes is not ours.
    if (in.failed() || (count - 1) / kFrame > std::uint64_t(in.bitsLeft() / 9))
        return std::nullopt;
    result.reserve(qsizetype(count));
    result.append(double(integer) / kPow10[exponent]);
    for (std::uint64_t start = 1; start < count; start += kFrame) {
        const std::uint64_t end = std::min<std::uint64_t>(count, start + kFrame);
        const bool deltas = in.readBit();
        const std::uint64_t base = std::uint64_t(unzigzag(in.readVarint()));
        const int width = int(in.read(7));
        if (in.failed() || width > 64 || (width > 0 && end - start > std::uint64_t(in.bitsLeft() / width)))
            return std::nullopt;
        for (std::uint64_t i = start; i < end; ++i) {
            const std::uint64_t entry = in.read(width) + base;
            integer = deltas ? qint64(std::uint64_t(integer) + entry) : qint64(entry);
            result.append(double(integer) / kPow10[exponent]);
        }
    }
    if (in.failed())
        return std::nullopt;
    return result;
}

} // namespace

QByteArray encodeValues(const QList<double> &values)
{
    QByteArray gorilla = encodeGorilla(values);
    if (const auto decimal = encodeDecimal(values); decimal && decimal->size() < gorilla.size())
        return *decimal;
    return gorilla;
}

std::optional<ValueCoding> valueCoding(const QByteArray &block)
{
    if (block.isEmpty())
        return std::nullopt;
    const auto coding = ValueCoding(quint8(block[0]));
    if (coding != ValueCoding::Gorilla && coding != ValueCoding::Decimal)
        return std::nullopt;
    return coding;
}

std::optional<QList<double>> decodeValues(const QByteArray &block)
{
    const auto coding = valueCoding(block);
    if (!coding)
        return std::nullopt;
    BitReader in(block, 1);
    const std::uint64_t count = in.readVarint();
    // Every value after the first takes at least one bit (Gorilla) or `width` bits.
    if (in.failed() || count > std::uint64_t(kMaxCount)
        || (*coding == ValueCoding::Gorilla && count > 1 && count - 1 > std::uint64_t(in.bitsLeft())))
        return std::nullopt;
    return *coding == ValueCoding::Gorilla ? decodeGorilla(in, count) : decodeDecimal(in, count);
}

} // namespace Laces::Core::TelemetryCodec
