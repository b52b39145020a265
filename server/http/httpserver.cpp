#include "httpserver.h"

#include "httpconnection.h"

#include <QPointer>
#include <QSslSocket>

namespace Laces::Server {

HttpServer::HttpServer(Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
}

HttpServer::BodyPolicy HttpServer::bodyPolicyFor(const QByteArray &method, const QString &path) const
{
    return m_bodyLimit ? m_bodyLimit(method, path) : BodyPolicy{m_limits.defaultMaxBodyBytes, false};
}

void HttpServer::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_secure ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (m_secure) {
        auto *tls = static_cast<QSslSocket *>(socket);
        tls->setSslConfiguration(m_tls);
        // A failed handshake (a TLS 1.1 client, no client certificate where one is required,
        // one from another CA: Qt reports the certificate errors and then this) ends the
        // connection; the HttpConnection then deletes itself as on any disconnect.
        connect(tls, &QSslSocket::errorOccurred, tls, [this, tls](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::SslHandshakeFailedError || error == QAbstractSocket::SslInvalidUserDataError) {
                ++m_failedHandshakes;
                tls->abort();
            }
        });
        tls->startServerEncryption();
    }
    auto *connection = new HttpConnection(socket, this);
    ++m_connections;
    connect(connection, &QObject::destroyed, this, [this] { --m_connections; });
    if (m_connections > m_limits.maxConnections) {
        HttpResponse busy = HttpResponse::error(503, QStringLiteral("unavailable"),
                                                QStringLiteral("too many connections"));
        busy.setHeader("Retry-After", "1");
        busy.setHeader("Connection", "close");
        connection->sendResponse(busy);
    }
}

void HttpServer::dispatch(HttpConnection *connection, HttpRequest request)
{
    // The responder may run on a worker thread and after the client has gone: it posts to
    // this (long-lived) object and re-checks the connection on its own thread.
    QPointer<HttpConnection> guard(connection);
    Responder responder = [this, guard](HttpResponse response) {
        QMetaObject::invokeMethod(
            this,
            [guard, response = std::move(response)]() mutable {
                if (guard)
                    guard->sendResponse(std::move(response));
            },
            Qt::QueuedConnection);
    };
    if (!m_dispatcher) {
        responder(HttpResponse::error(503, QStringLiteral("unavailable"),
                                      QStringLiteral("the server is starting")));
        return;
    }
    m_dispatcher(std::move(request), std::move(responder));
}

void HttpServer::observe(const HttpRequest &request, const HttpResponse &response) const
{
    if (m_observer)
        m_observer(request, response);
}

} // namespace Laces::Server
