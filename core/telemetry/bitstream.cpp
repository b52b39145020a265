#include "bitstream.h"

#include <algorithm>

namespace Laces::Core {

void BitWriter::write(std::uint64_t value, int bits)
{
    if (bits > 32) {
        write(value >> 32, bits - 32);
        write(value & 0xffffffffu, 32);
        return;
    }
    if (bits <= 0)
        return;
    value &= (std::uint64_t(1) << bits) - 1;
    m_acc = (m_acc << bits) | value;  // m_acc holds at most 7 pending bits
    m_accBits += bits;
    m_bits += bits;
    while (m_accBits >= 8) {
        m_accBits -= 8;
        m_bytes.append(char((m_acc >> m_accBits) & 0xff));
    }
    m_acc &= (std::uint64_t(1) << m_accBits) - 1;
}

void BitWriter::writeVarint(std::uint64_t value)
{
    do {
        const std::uint64_t group = value & 0x7f;
        value >>= 7;
        write(group | (value ? 0x80 : 0), 8);
    } while (value);
}

QByteArray BitWriter::bytes() const
{
    QByteArray all = m_bytes;
    if (m_accBits > 0)
        all.append(char((m_acc << (8 - m_accBits)) & 0xff));
    return all;
}

std::uint64_t BitReader::read(int bits)
{
    if (bits > bitsLeft()) {
        m_failed = true;
        m_bit = qint64(m_bytes.size()) * 8;
        return 0;
    }
    std::uint64_t value = 0;
    while (bits > 0) {
        const int offset = int(m_bit % 8);
        const int available = 8 - offset;
        const int take = std::min(available, bits);
        const quint8 byte = quint8(m_bytes[m_bit / 8]);
        value = (value << take) | ((byte >> (available - take)) & ((1u << take) - 1));
        m_bit += take;
        bits -= take;
    }
    return value;
}

std::uint64_t BitReader::readVarint()
{
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const std::uint64_t group = read(8);
        if (m_failed)
            return 0;
        value |= (group & 0x7f) << shift;
        if (!(group & 0x80))
            return value;
    }
    m_failed = true;  // more than ten groups: not a varint we wrote
    return 0;
}

} // namespace Laces::Core
