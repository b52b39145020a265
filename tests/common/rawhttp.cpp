#include "rawhttp.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QTimer>

namespace Laces::Tests {

RawHttp::RawHttp(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    QDeadlineTimer deadline(5000);
    while (m_socket.state() != QAbstractSocket::ConnectedState && !deadline.hasExpired())
        QEventLoop().processEvents(QEventLoop::AllEvents, 10);
}

bool RawHttp::isConnected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawHttp::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

QByteArray RawHttp::readResponse(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        m_pending += m_socket.readAll();
        const qsizetype headEnd = m_pending.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            qint64 length = 0;
            const QList<QByteArray> lines = m_pending.left(headEnd).split('\n');
            for (const QByteArray &line : lines) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (m_pending.size() >= headEnd + 4 + length) {
                const QByteArray response = m_pending.left(headEnd + 4 + length);
                m_pending.remove(0, response.size());
                return response;
            }
        }
        if (m_socket.state() == QAbstractSocket::UnconnectedState && m_socket.bytesAvailable() == 0)
            break;
        QEventLoop().processEvents(QEventLoop::AllEvents, 10);
    }
    return {};
}

bool RawHttp::waitForClose(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        m_socket.readAll();
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QEventLoop().processEvents(QEventLoop::AllEvents, 10);
    }
    return false;
}

int RawHttp::statusOf(const QByteArray &response)
{
    return response.mid(9, 3).toInt();
}

} // namespace Laces::Tests
