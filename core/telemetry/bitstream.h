#pragma once

#include <QByteArray>

#include <cstdint>

namespace Laces::Core {

// Bits written most significant first into bytes.
class BitWriter
{
public:
    void write(std::uint64_t value, int bits);  // the low `bits` bits of value, 0..64
    void writeBit(bool bit) { write(bit ? 1 : 0, 1); }
    // LEB128-style unsigned varint (groups of 7 bits), at any bit position.
    void writeVarint(std::uint64_t value);
    QByteArray bytes() const;  // the last byte padded with zero bits
    qint64 bitCount() const { return m_bits; }

private:
    QByteArray m_bytes;
    std::uint64_t m_acc = 0;  // bits not yet in a whole byte
    int m_accBits = 0;
    qint64 m_bits = 0;
};

// Reads what BitWriter wrote; reading past the end sets failed() and returns zeros.
class BitReader
{
public:
    explicit BitReader(const QByteArray &bytes, qint64 startByte = 0) : m_bytes(bytes), m_bit(startByte * 8) {}
    std::uint64_t read(int bits);
    bool readBit() { return read(1) != 0; }
    std::uint64_t readVarint();
    bool failed() const { return m_failed; }
    qint64 bitsLeft() const { return qint64(m_bytes.size()) * 8 - m_bit; }

private:
    const QByteArray &m_bytes;
    qint64 m_bit = 0;
    bool m_failed = false;
};

inline std::uint64_t zigzag(std::int64_t value)
{
    return (std::uint64_t(value) << 1) ^ std::uint64_t(value >> 63);
}

inline std::int64_t unzigzag(std::uint64_t value)
{
    return std::int64_t(value >> 1) ^ -std::int64_t(value & 1);
}

} // namespace Laces::Core
