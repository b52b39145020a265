#include "httpconnection.h"

#include "httpserver.h"

#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTemporaryFile>
#include <QUrl>
#include <QUuid>

#include <sys/socket.h>

namespace Laces::Server {

namespace {

bool isToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

// A client-supplied X-Request-Id is kept when it is short and plain; otherwise a new one.
QString requestIdFrom(const QByteArray &given)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
    const QString candidate = QString::fromLatin1(given);
    if (!given.isEmpty() && plain.match(candidate).hasMatch())
        return candidate;
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server)
    , m_server(server)
    , m_socket(socket)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(256 * 1024);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_server->limits().idleTimeoutMs);
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_server->limits().requestTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::onIdleTimeout);
    connect(&m_requestTimer, &QTimer::timeout, this, &HttpConnection::onRequestTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            deleteLater();
    });
    m_idleTimer.start();
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    if (m_state == State::Closing) {
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->readAll();  // drain what the client still sends after an error answer
        m_lastDrainMs = QDateTime::currentMSecsSinceEpoch();
        return;
    }
    // One request at a time: while it is handled, further bytes wait in the socket, whose
    // bounded read buffer then pushes back on the client through TCP.
    if (m_state == State::Processing)
        return;
    // Read each request head inside a transaction, so that a WebSocket upgrade can be
    // handed over with its handshake bytes still unread.
    if (m_state == State::ReadingHead && m_buffer.isEmpty() && !m_socket->isTransactionStarted())
        m_socket->startTransaction();
    m_buffer.append(m_socket->readAll());
    m_idleTimer.start();
    if (!m_requestTimer.isActive() && !m_buffer.isEmpty())
        m_requestTimer.start();
    process();
}

void HttpConnection::process()
{
    while (true) {
        switch (m_state) {
        case State::ReadingHead: {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_buffer.size() > m_server->limits().maxHeadBytes)
                    fail(431, QStringLiteral("the request head is larger than %1 bytes")
                                  .arg(m_server->limits().maxHeadBytes));
                return;
            }
            if (end > m_server->limits().maxHeadBytes) {
                fail(431, QStringLiteral("the request head is larger than %1 bytes")
                              .arg(m_server->limits().maxHeadBytes));
                return;
            }
            const QByteArray head = m_buffer.left(end);
            m_buffer.remove(0, end + 4);
            if (!parseHead(head))
                return;
            break;
        }
        case State::ReadingBody: {
            const qint64 needed = m_contentLength - m_request.bodySize;
            const qint64 take = qMin<qint64>(needed, m_buffer.size());
            if (!appendBody(m_buffer.constData(), take))
                return;
            m_buffer.remove(0, take);
            if (m_request.bodySize < m_contentLength)
                return;
            finishRequest();
            return;
        }
        case State::ReadingChunkSize:
        case State::ReadingChunkData:
        case State::ReadingTrailers:
            if (!readChunked())
                return;
            finishRequest();
            return;
        case State::Processing:
        case State::Closing:
            return;
        }
    }
}

bool HttpConnection::parseHead(const QByteArray &head)
{
    m_request = HttpRequest();
    m_request.peerAddress = m_socket->peerAddress();
    if (const auto *tls = qobject_cast<QSslSocket *>(m_socket)) {
        m_request.secure = true;
        // Only a verified certificate has a peer certificate here: with --tls-client-ca the
        // handshake fails without one, and without it none is asked for.
        if (!tls->peerCertificate().isNull())
            m_request.clientCertificateName = tls->peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0);
    }
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0])) {
        fail(400, QStringLiteral("malformed request line"));
        return false;
    }
    const QByteArray version = requestLine[2];
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
        return false;
    }
    m_http10 = version == "HTTP/1.0";
    m_request.method = requestLine[0].toUpper();
    const QByteArray target = requestLine[1];
    if (!target.startsWith('/')) {
        fail(400, QStringLiteral("the request target must be an absolute path"));
        return false;
    }
    const qsizetype question = target.indexOf('?');
    const QByteArray rawPath = question < 0 ? target : target.left(question);
    m_request.path = QUrl::fromPercentEncoding(rawPath);
    if (question >= 0)
        m_request.query = QUrlQuery(QString::fromUtf8(target.mid(question + 1)));

    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line.startsWith(' ') || line.startsWith('\t')) {
            fail(400, QStringLiteral("folded header lines are not accepted"));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon).toLower() : QByteArray();
        if (!isToken(name)) {
            fail(400, QStringLiteral("malformed header line"));
            return false;
        }
        m_request.headers.append({name, line.mid(colon + 1).trimmed()});
    }
    m_request.requestId = requestIdFrom(m_request.header("x-request-id"));
    if (m_server->limits().trustedProxies.contains(m_request.peerAddress)) {
        // Behind our own proxy the client is the address it reports, not the proxy.
        QByteArray forwarded = m_request.header("x-real-ip");
        if (forwarded.isEmpty())
            forwarded = m_request.header("x-forwarded-for").split(',').last();
        const QHostAddress client(QString::fromLatin1(forwarded.trimmed()));
        if (!client.isNull())
            m_request.peerAddress = client;
    }

    const QByteArray connection = m_request.header("connection").toLower();
    m_keepAlive = m_http10 ? connection.contains("keep-alive") : !connection.contains("close");
    m_headOnly = m_request.method == "HEAD";

    if (m_request.header("upgrade").toLower() == "websocket" && m_server->m_acceptsWebSocket
        && m_server->m_acceptsWebSocket(m_request.path)) {
        if (m_request.method != "GET" || !m_socket->isTransactionStarted()) {
            fail(400, QStringLiteral("a WebSocket upgrade must be a GET on a fresh connection"));
            return false;
        }
        handOverToWebSocket();
        return false;
    }
    // Not an upgrade: the bytes read so far need not be kept for replay.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();

    int framingHeaders = 0;
    for (const auto &header : std::as_const(m_request.headers))
        framingHeaders += header.first == "content-length" || header.first == "transfer-encoding";
    if (framingHeaders > 1) {
        fail(400, QStringLiteral("more than one Content-Length or Transfer-Encoding header"));
        return false;
    }
    const bool chunked = m_request.hasHeader("transfer-encoding");
    if (chunked && m_request.header("transfer-encoding").toLower() != "chunked") {
        fail(501, QStringLiteral("only the chunked transfer encoding is supported"));
        return false;
    }
    if (chunked && m_request.hasHeader("content-length")) {
        fail(400, QStringLiteral("Content-Length and Transfer-Encoding together"));
        return false;
    }
    m_contentLength = 0;
    if (m_request.hasHeader("content-length")) {
        const QByteArray value = m_request.header("content-length");
        bool ok = !value.isEmpty();
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        m_contentLength = ok && value.size() <= 18 ? value.toLongLong() : -1;
        if (m_contentLength < 0) {
            fail(400, QStringLiteral("malformed Content-Length"));
            return false;
        }
    }
    const HttpServer::BodyPolicy policy = m_server->bodyPolicyFor(m_request.method, m_request.path);
    m_bodyLimit = policy.maxBytes;
    if (m_contentLength > m_bodyLimit) {
        fail(413, QStringLiteral("the request body is %1 bytes; the limit is %2 bytes")
                      .arg(m_contentLength)
                      .arg(m_bodyLimit));
        return false;
    }
    if (policy.toFile && m_server->m_uploadGate && !m_server->m_uploadGate(m_request)) {
        fail(401, QStringLiteral("authentication required before uploading"));
        return false;
    }
    const QByteArray expect = m_request.header("expect").toLower();
    if (!expect.isEmpty()) {
        if (expect != "100-continue") {
            fail(417, QStringLiteral("unsupported expectation"));
            return false;
        }
        if (!m_http10)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }

    if (policy.toFile && (chunked || m_contentLength > 0)) {
        auto file = std::make_shared<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/laces-upload-XXXXXX"));
        if (!file->open()) {
            fail(503, QStringLiteral("cannot store the upload: %1").arg(file->errorString()));
            return false;
        }
        m_request.bodyFile = std::move(file);
    }
    if (!chunked && m_contentLength == 0) {
        finishRequest();
        return false;
    }
    m_state = chunked ? State::ReadingChunkSize : State::ReadingBody;
    return true;
}

// Returns true once the whole chunked body (and its trailers) has been read.
bool HttpConnection::readChunked()
{
    while (true) {
        if (m_state == State::ReadingChunkSize) {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0) {
                if (m_buffer.size() > 1024)
                    fail(400, QStringLiteral("malformed chunk size line"));
                return false;
            }
            QByteArray sizeText = m_buffer.left(end);
            m_buffer.remove(0, end + 2);
            if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
                sizeText.truncate(semicolon);
            sizeText = sizeText.trimmed();
            bool ok = !sizeText.isEmpty() && sizeText.size() <= 15;
            for (char c : std::as_const(sizeText))
                ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
            const qint64 size = ok ? sizeText.toLongLong(&ok, 16) : -1;
            if (!ok || size < 0) {
                fail(400, QStringLiteral("malformed chunk size"));
                return false;
            }
            if (m_request.bodySize + size > m_bodyLimit) {
                fail(413, QStringLiteral("the request body exceeds the limit of %1 bytes").arg(m_bodyLimit));
                return false;
            }
            m_chunkRemaining = size;
            m_state = size == 0 ? State::ReadingTrailers : State::ReadingChunkData;
        } else if (m_state == State::ReadingChunkData) {
            const qint64 take = qMin<qint64>(m_chunkRemaining, m_buffer.size());
            if (!appendBody(m_buffer.constData(), take))
                return false;
            m_buffer.remove(0, take);
            m_chunkRemaining -= take;
            if (m_chunkRemaining > 0 || m_buffer.size() < 2)
                return false;
            if (!m_buffer.startsWith("\r\n")) {
                fail(400, QStringLiteral("chunk data not followed by CRLF"));
                return false;
            }
            m_buffer.remove(0, 2);
            m_state = State::ReadingChunkSize;
        } else {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0) {
                if (m_buffer.size() > m_server->limits().maxHeadBytes)
                    fail(431, QStringLiteral("trailers too large"));
                return false;
            }
            m_buffer.remove(0, end + 2);
            if (end == 0)
                return true;
        }
    }
}

bool HttpConnection::appendBody(const char *data, qint64 size)
{
    if (m_request.bodyFile) {
        if (m_request.bodyFile->write(data, size) != size) {
            fail(503, QStringLiteral("cannot store the upload: %1").arg(m_request.bodyFile->errorString()));
            return false;
        }
    } else {
        m_request.body.append(data, size);
    }
    m_request.bodySize += size;
    return true;
}

void HttpConnection::finishRequest()
{
    if (m_request.bodyFile)
        m_request.bodyFile->flush();
    m_state = State::Processing;
    m_idleTimer.stop();
    m_requestTimer.stop();
    HttpRequest request = std::move(m_request);
    m_request = HttpRequest();
    m_server->dispatch(this, std::move(request));
}

void HttpConnection::sendResponse(HttpResponse response)
{
    if (m_state == State::Closing || !m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (response.header("Connection").toLower() == "close")
        m_keepAlive = false;
    QByteArray out;
    out.reserve(512);
    out += m_http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\n";
    for (const auto &header : std::as_const(response.headers)) {
        if (header.first.compare("Connection", Qt::CaseInsensitive) == 0
            || header.first.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue;
        out += header.first + ": " + header.second + "\r\n";
    }
    if (response.status != 204 && response.status != 304)
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Date: " + httpDate() + "\r\n";
    out += m_keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    m_socket->write(out);
    // The body goes out as it is, without a copy next to the head (model files are large).
    if (!m_headOnly && response.status != 204 && response.status != 304)
        m_socket->write(response.body);

    if (!m_keepAlive) {
        closeAfterWrite();
        return;
    }
    m_state = State::ReadingHead;
    m_headOnly = false;
    m_idleTimer.start();
    if (!m_buffer.isEmpty() || m_socket->bytesAvailable() > 0) {
        m_requestTimer.start();
        // A pipelined request already waits, in our buffer or in the socket's.
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    }
}

void HttpConnection::fail(int status, const QString &message)
{
    HttpResponse response = HttpResponse::error(
        status,
        status == 413   ? QStringLiteral("payload_too_large")
        : status == 408 ? QStringLiteral("request_timeout")
        : status == 401 ? QStringLiteral("unauthenticated")
                        : QStringLiteral("bad_request"),
        message);
    if (m_request.requestId.isEmpty())
        m_request.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    response.setHeader("X-Request-Id", m_request.requestId.toLatin1());
    m_server->observe(m_request, response);
    // The rest of the request cannot be trusted to be framed correctly: answer and close.
    m_keepAlive = false;
    m_state = State::Processing;
    sendResponse(response);
}

void HttpConnection::closeAfterWrite()
{
    m_state = State::Closing;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_buffer.clear();
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    // A client that never reads would hold the connection for ever: give up after a while.
    QTimer::singleShot(m_server->limits().idleTimeoutMs, this, [this] {
        m_socket->abort();
        deleteLater();
    });
    // Half-close once the answer is out, and keep draining for a moment: closing with
    // unread body bytes makes the kernel send a reset, which can destroy the answer in the
    // client's receive buffer before it reads it.
    auto *tls = qobject_cast<QSslSocket *>(m_socket);
    // Over TLS the answer is out when the encrypted bytes are, too.
    auto pending = [this, tls] { return m_socket->bytesToWrite() + (tls ? tls->encryptedBytesToWrite() : 0); };
    auto halfClose = [this, tls, pending] {
        if (pending() > 0 || m_halfClosed)
            return;
        m_halfClosed = true;
        QTimer::singleShot(2000, this, [this] { m_socket->abort(); deleteLater(); });
        if (!tls) {
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
            return;
        }
        // TLS has no half-close: close_notify (which TLS 1.3 clients expect) ends the whole
        // connection. So first drain until the client has been quiet for 200 ms, or closing
        // with its unread bytes would reset the connection and could destroy the answer.
        m_lastDrainMs = QDateTime::currentMSecsSinceEpoch();
        auto *quiet = new QTimer(this);
        quiet->setInterval(50);
        connect(quiet, &QTimer::timeout, this, [this, tls, quiet] {
            if (QDateTime::currentMSecsSinceEpoch() - m_lastDrainMs < 200)
                return;
            quiet->stop();
            tls->disconnectFromHost();
        });
        quiet->start();
    };
    if (pending() == 0) {
        halfClose();
    } else {
        connect(m_socket, &QTcpSocket::bytesWritten, this, halfClose);
        if (tls)
            connect(tls, &QSslSocket::encryptedBytesWritten, this, halfClose);
    }
}

void HttpConnection::handOverToWebSocket()
{
    m_socket->rollbackTransaction();
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_state = State::Closing;
    disconnect(m_socket, nullptr, this, nullptr);
    QTcpSocket *socket = m_socket;
    socket->setParent(nullptr);
    m_socket = nullptr;
    m_server->m_takeOverWebSocket(socket);
    deleteLater();
}

void HttpConnection::onIdleTimeout()
{
    if (m_state == State::Processing || m_state == State::Closing)
        return;
    if (m_state == State::ReadingHead && m_buffer.isEmpty()) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    fail(408, QStringLiteral("the request was not completed in time"));
}

void HttpConnection::onRequestTimeout()
{
    if (m_state == State::Processing || m_state == State::Closing)
        return;
    fail(408, QStringLiteral("the request was not completed within %1 s")
                  .arg(m_server->limits().requestTimeoutMs / 1000));
}

} // namespace Laces::Server
