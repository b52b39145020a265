#pragma once

#include <QByteArray>
#include <QList>

// WebSocket framing by hand (RFC 6455 section 5.2), for tests and benchmarks that need a
// client which reads when they say so, or costs nothing per message.
namespace Laces::Tests {

// A client frame: FIN, the opcode (1 text, 0xA pong), masked with a fixed key.
inline QByteArray clientFrame(const QByteArray &payload, int opcode = 0x1)
{
    QByteArray frame;
    frame.reserve(payload.size() + 8);
    frame.append(char(0x80 | opcode));
    if (payload.size() < 126) {
        frame.append(char(0x80 | payload.size()));
    } else {
        frame.append(char(0x80 | 126));
        frame.append(char((payload.size() >> 8) & 0xff));
        frame.append(char(payload.size() & 0xff));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    return frame;
}

struct ServerFrame
{
    int opcode = 0;
    QByteArray payload;
};

// The complete (unmasked) server frames at the start of `buffer`, removed from it.
inline QList<ServerFrame> takeServerFrames(QByteArray &buffer)
{
    QList<ServerFrame> frames;
    qsizetype at = 0;
    while (buffer.size() - at >= 2) {
        const int opcode = buffer[at] & 0x0f;
        qint64 length = buffer[at + 1] & 0x7f;
        int header = 2;
        if (length == 126) {
            if (buffer.size() - at < 4)
                break;
            length = (quint8(buffer[at + 2]) << 8) | quint8(buffer[at + 3]);
            header = 4;
        } else if (length == 127) {
            if (buffer.size() - at < 10)
                break;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | quint8(buffer[at + i]);
            header = 10;
        }
        if (buffer.size() - at < header + length)
            break;
        frames.append({opcode, buffer.mid(at + header, length)});
        at += header + length;
    }
    buffer.remove(0, at);
    return frames;
}

// The opening handshake (RFC 6455 section 4.1) for GET /ws.
inline QByteArray upgradeRequest()
{
    return "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

} // namespace Laces::Tests
