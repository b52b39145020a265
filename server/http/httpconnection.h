#pragma once

#include "httprequest.h"
#include "httpresponse.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace Laces::Server {

class HttpServer;

// One client connection: an HTTP/1.1 parser with keep-alive, pipelining (one request at
// a time), chunked bodies, Expect: 100-continue, and the limits Qt 6.4's QHttpServer
// lacks: head size, body size (per route), idle and whole-request timeouts.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    // Called on the connection's thread once the request has been handled.
    void sendResponse(HttpResponse response);

private:
    enum class State { ReadingHead, ReadingBody, ReadingChunkSize, ReadingChunkData,
                       ReadingTrailers, Processing, Closing };

    void onReadyRead();
    void process();
    bool parseHead(const QByteArray &head);
    bool readChunked();
    void finishRequest();
    void fail(int status, const QString &message);
    void closeAfterWrite();
    void onIdleTimeout();
    void onRequestTimeout();
    void handOverToWebSocket();
    bool appendBody(const char *data, qint64 size);

    HttpServer *m_server;
    QTcpSocket *m_socket;
    QTimer m_idleTimer;
    QTimer m_requestTimer;
    State m_state = State::ReadingHead;
    QByteArray m_buffer;
    HttpRequest m_request;
    qint64 m_contentLength = 0;
    qint64 m_chunkRemaining = 0;
    qint64 m_bodyLimit = 0;
    bool m_keepAlive = true;
    bool m_halfClosed = false;   // closeAfterWrite: the answer is out, the connection closing
    qint64 m_lastDrainMs = 0;    // when bytes the client sent after the answer were last dropped
    bool m_headOnly = false;
    bool m_http10 = false;
};

} // namespace Laces::Server
