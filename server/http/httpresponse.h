#pragma once

#include "error.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace Laces::Server {

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse noContent();
    static HttpResponse text(int status, const QByteArray &body, const QByteArray &contentType);

    // The one place where errors become HTTP: status from the error code and the body
    // {"error": {"code", "message", "field"?}}.
    static HttpResponse fromError(const Core::Error &error);
    // `details` adds members to the error object, e.g. who holds a lock.
    static HttpResponse error(int status, const QString &code, const QString &message,
                              const QString &field = {}, const QJsonObject &details = {});
    static int statusFor(Core::Error::Code code);
};

const char *reasonPhrase(int status);

} // namespace Laces::Server
