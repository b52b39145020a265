#pragma once

#include <QByteArray>
#include <QTcpSocket>

namespace Laces::Tests {

// Talks HTTP over a plain socket, for what QNetworkAccessManager will not send: oversize
// or malformed requests, pipelining, idle connections. Spins the event loop while waiting,
// so an in-process server keeps running.
class RawHttp
{
public:
    explicit RawHttp(quint16 port);
    bool isConnected() const;
    void send(const QByteArray &bytes);
    // Reads until one whole response (head + Content-Length body) arrived or timeoutMs.
    QByteArray readResponse(int timeoutMs = 5000);
    // True when the server closed the connection within timeoutMs.
    bool waitForClose(int timeoutMs);
    static int statusOf(const QByteArray &response);

private:
    QTcpSocket m_socket;
    QByteArray m_pending;
};

} // namespace Laces::Tests
