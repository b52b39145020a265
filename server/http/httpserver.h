#pragma once

#include "httprequest.h"
#include "httpresponse.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>

#include <atomic>
#include <functional>

namespace Laces::Server {

class HttpConnection;

// Listens on a TCP port and turns bytes into HttpRequests. What to do with a request is
// the dispatcher's business: it gets the request and a responder that may be called from
// any thread, once; the responder is safe to call after the client has gone.
class HttpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        qint64 maxHeadBytes = 16 * 1024;
        qint64 defaultMaxBodyBytes = 1024 * 1024;
        int idleTimeoutMs = 30000;       // keep-alive connection with no request in flight
        int requestTimeoutMs = 60000;    // from a request's first byte to its last
        int maxConnections = 2000;
        // Peers (e.g. nginx) whose X-Real-IP / X-Forwarded-For name the real client.
        QList<QHostAddress> trustedProxies;
    };

    using Responder = std::function<void(HttpResponse)>;
    using Dispatcher = std::function<void(HttpRequest, Responder)>;
    // How a route takes its body: at most `maxBytes`, in memory or streamed to a file.
    struct BodyPolicy
    {
        qint64 maxBytes = 0;
        bool toFile = false;
    };
    using BodyLimit = std::function<BodyPolicy(const QByteArray &method, const QString &path)>;

    explicit HttpServer(Limits limits, QObject *parent = nullptr);

    void setDispatcher(Dispatcher dispatcher) { m_dispatcher = std::move(dispatcher); }
    // Serve HTTPS (and WSS) with this configuration: its certificate, key, protocol floor
    // and, when it verifies peers, the CAs a client certificate must chain to.
    void setTlsConfiguration(const QSslConfiguration &tls) { m_tls = tls; m_secure = true; }
    bool isSecure() const { return m_secure; }
    // TLS handshakes that failed (wrong protocol, no client certificate, bad certificate).
    quint64 failedHandshakes() const { return m_failedHandshakes.load(); }
    void setBodyLimit(BodyLimit bodyLimit) { m_bodyLimit = std::move(bodyLimit); }

    const Limits &limits() const { return m_limits; }
    BodyPolicy bodyPolicyFor(const QByteArray &method, const QString &path) const;
    int connectionCount() const { return m_connections.load(); }

    // Errors the HTTP layer answers itself (413, 431, 408, …) are reported here too, so
    // that metrics and logs see every response.
    using Observer = std::function<void(const HttpRequest &, const HttpResponse &)>;
    void setObserver(Observer observer) { m_observer = std::move(observer); }

    // Checked before a body is streamed to disk: an upload from a caller without a valid
    // token is refused before it can fill the disk.
    void setUploadGate(std::function<bool(const HttpRequest &)> gate) { m_uploadGate = std::move(gate); }

    // WebSocket upgrades on the paths `accepts` approves are handed, unread, to `takeOver`.
    void setWebSocketHandler(std::function<bool(const QString &path)> accepts,
                             std::function<void(QTcpSocket *)> takeOver)
    {
        m_acceptsWebSocket = std::move(accepts);
        m_takeOverWebSocket = std::move(takeOver);
    }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    friend class HttpConnection;
    void dispatch(HttpConnection *connection, HttpRequest request);
    void observe(const HttpRequest &request, const HttpResponse &response) const;

    Limits m_limits;
    Dispatcher m_dispatcher;
    BodyLimit m_bodyLimit;
    Observer m_observer;
    std::function<bool(const QString &)> m_acceptsWebSocket;
    std::function<bool(const HttpRequest &)> m_uploadGate;
    std::function<void(QTcpSocket *)> m_takeOverWebSocket;
    std::atomic<int> m_connections{0};
    std::atomic<quint64> m_failedHandshakes{0};
    QSslConfiguration m_tls;
    bool m_secure = false;
};

} // namespace Laces::Server
