#include "telemetrychunk.h"

#include "bitstream.h"
#include "telemetrycodec.h"

namespace Laces::Core::TelemetryChunk {

namespace {

constexpr char kMagic[] = {'L', 'T', 'C'};

// Whole-byte varints around the codec blocks, which are byte strings of their own.
void appendVarint(QByteArray &out, quint64 value)
{
    while (value >= 0x80) {
        out.append(char(0x80 | (value & 0x7f)));
        value >>= 7;
    }
    out.append(char(value));
}

void appendBlock(QByteArray &out, const QByteArray &block)
{
    appendVarint(out, quint64(block.size()));
    out.append(block);
}

class Cursor
{
public:
    explicit Cursor(const QByteArray &bytes) : m_bytes(bytes) {}

    std::optional<quint64> varint()
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at >= m_bytes.size())
                return std::nullopt;
            const auto byte = quint8(m_bytes.at(m_at++));
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return value;
        }
        return std::nullopt;
    }

    std::optional<QByteArray> take(quint64 size)
    {
        if (size > quint64(m_bytes.size() - m_at))
            return std::nullopt;
        QByteArray part = m_bytes.mid(m_at, qsizetype(size));
        m_at += qsizetype(size);
        return part;
    }

    std::optional<QByteArray> block()
    {
        const auto size = varint();
        return size ? take(*size) : std::nullopt;
    }

    bool atEnd() const { return m_at == m_bytes.size(); }

private:
    const QByteArray &m_bytes;
    qsizetype m_at = 0;
};

enum Presence : quint8 { AllPresent = 0, Bitmap = 1 };

} // namespace

QByteArray encode(const TelemetryColumns &columns)
{
    const int rows = columns.rowCount();
    QByteArray out(kMagic, sizeof kMagic);
    out.append(char(kVersion));
    appendVarint(out, quint64(rows));
    appendBlock(out, TelemetryCodec::encodeTimestamps(columns.timesMs));
    appendBlock(out, TelemetryCodec::encodeTimestamps(columns.bootEpochs));
    appendBlock(out, TelemetryCodec::encodeTimestamps(columns.seqs));
    appendVarint(out, quint64(columns.metrics.size()));
    for (const TelemetryColumns::Metric &metric : columns.metrics) {
        const QByteArray name = metric.name.toUtf8();
        appendBlock(out, name);
        QList<double> present;
        present.reserve(rows);
        for (int row = 0; row < rows; ++row) {
            if (metric.present.value(row))
                present.append(metric.values.at(row));
        }
        if (present.size() == rows) {
            out.append(char(AllPresent));
        } else {
            out.append(char(Bitmap));
            QByteArray bitmap((rows + 7) / 8, '\0');
            for (int row = 0; row < rows; ++row) {
                if (metric.present.value(row))
                    bitmap[row / 8] = char(quint8(bitmap.at(row / 8)) | (1u << (row % 8)));
            }
            out.append(bitmap);
        }
        appendBlock(out, TelemetryCodec::encodeValues(present));
    }
    return out;
}

std::optional<TelemetryColumns> decode(const QByteArray &chunk)
{
    if (chunk.size() < 4 || chunk.left(3) != QByteArray(kMagic, sizeof kMagic) || quint8(chunk.at(3)) != kVersion)
        return std::nullopt;
    const QByteArray body = chunk.mid(4);
    Cursor in(body);
    const auto rows = in.varint();
    if (!rows || *rows > (1u << 30))
        return std::nullopt;
    TelemetryColumns columns;
    QList<qint64> *integerColumns[] = {&columns.timesMs, &columns.bootEpochs, &columns.seqs};
    for (QList<qint64> *column : integerColumns) {
        const auto block = in.block();
        if (!block)
            return std::nullopt;
        auto decoded = TelemetryCodec::decodeTimestamps(*block);
        if (!decoded || quint64(decoded->size()) != *rows)
            return std::nullopt;
        *column = std::move(*decoded);
    }
    const auto metricCount = in.varint();
    if (!metricCount || *metricCount > 4096)
        return std::nullopt;
    for (quint64 m = 0; m < *metricCount; ++m) {
        const auto name = in.block();
        const auto presence = in.take(1);
        if (!name || !presence)
            return std::nullopt;
        TelemetryColumns::Metric metric;
        metric.name = QString::fromUtf8(*name);
        metric.present.fill(true, qsizetype(*rows));
        if (quint8(presence->at(0)) == Bitmap) {
            const auto bitmap = in.take((*rows + 7) / 8);
            if (!bitmap)
                return std::nullopt;
            for (quint64 row = 0; row < *rows; ++row)
                metric.present[qsizetype(row)] = quint8(bitmap->at(qsizetype(row / 8))) & (1u << (row % 8));
        } else if (quint8(presence->at(0)) != AllPresent) {
            return std::nullopt;
        }
        const auto block = in.block();
        if (!block)
            return std::nullopt;
        const auto present = TelemetryCodec::decodeValues(*block);
        if (!present || present->size() != metric.present.count(true))
            return std::nullopt;
        metric.values.fill(0.0, qsizetype(*rows));
        qsizetype next = 0;
        for (quint64 row = 0; row < *rows; ++row) {
            if (metric.present.at(qsizetype(row)))
                metric.values[qsizetype(row)] = present->at(next++);
        }
        columns.metrics.append(std::move(metric));
    }
    if (!in.atEnd())
        return std::nullopt;
    return columns;
}

} // namespace Laces::Core::TelemetryChunk
