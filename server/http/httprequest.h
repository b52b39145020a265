#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <memory>

class QTemporaryFile;

namespace Laces::Server {

// One parsed HTTP request, owned by value so that it can cross to a worker thread.
struct HttpRequest
{
    QByteArray method;              // upper case, e.g. "GET"
    QString path;                   // percent-decoded path, e.g. "/twins/3f…"
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;  // names in lower case
    QByteArray body;                // the body, unless the route streams it to a file
    std::shared_ptr<QTemporaryFile> bodyFile;  // routes with RouteOptions::bodyToFile
    qint64 bodySize = 0;            // bytes received, in `body` or in `bodyFile`
    QHostAddress peerAddress;
    QString requestId;
    bool secure = false;            // arrived over TLS
    // The common name of the client's TLS certificate, verified against --tls-client-ca;
    // empty without one.
    QString clientCertificateName;

    // The first value of a header (name in lower case); empty when absent.
    QByteArray header(const QByteArray &lowerCaseName) const
    {
        for (const auto &header : headers) {
            if (header.first == lowerCaseName)
                return header.second;
        }
        return {};
    }
    bool hasHeader(const QByteArray &lowerCaseName) const
    {
        for (const auto &header : headers) {
            if (header.first == lowerCaseName)
                return true;
        }
        return false;
    }
};

} // namespace Laces::Server
