#include "httpresponse.h"

#include <QJsonDocument>

namespace Laces::Server {

using Core::Error;

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    response.setHeader("Content-Type", "application/json");
    return response;
}


HttpResponse HttpResponse::noContent()
{
    HttpResponse response;
    response.status = 204;
    return response;
}

HttpResponse HttpResponse::text(int status, const QByteArray &body, const QByteArray &contentType)
{
    HttpResponse response;
    response.status = status;
    response.body = body;
    response.setHeader("Content-Type", contentType);
    return response;
}

int HttpResponse::statusFor(Error::Code code)
{
    switch (code) {
    case Error::Code::Invalid: return 400;
    case Error::Code::Unauthenticated: return 401;
    case Error::Code::Forbidden: return 403;
    case Error::Code::NotFound: return 404;
    case Error::Code::Conflict: return 409;
    case Error::Code::TooLarge: return 413;
    case Error::Code::UnsupportedMediaType: return 415;
    case Error::Code::Unprocessable: return 422;
    case Error::Code::TooManyRequests: return 429;
    case Error::Code::Unavailable: return 503;
    case Error::Code::Internal: return 500;
    }
    return 500;
}

namespace {
QString codeName(Error::Code code)
{
    switch (code) {
    case Error::Code::Invalid: return QStringLiteral("invalid_request");
    case Error::Code::Unauthenticated: return QStringLiteral("unauthenticated");
    case Error::Code::Forbidden: return QStringLiteral("forbidden");
    case Error::Code::NotFound: return QStringLiteral("not_found");
    case Error::Code::Conflict: return QStringLiteral("conflict");
    case Error::Code::TooLarge: return QStringLiteral("payload_too_large");
    case Error::Code::UnsupportedMediaType: return QStringLiteral("unsupported_media_type");
    case Error::Code::Unprocessable: return QStringLiteral("unprocessable");
    case Error::Code::TooManyRequests: return QStringLiteral("rate_limited");
    case Error::Code::Unavailable: return QStringLiteral("unavailable");
    case Error::Code::Internal: return QStringLiteral("internal_error");
    }
    return QStringLiteral("internal_error");
}
} // namespace

HttpResponse HttpResponse::fromError(const Error &error)
{
    // Internal details (SQL text, file paths) stay in the log, not in the answer.
    const QString message = error.code == Error::Code::Internal
                                ? QStringLiteral("internal server error")
                                : error.message;
    HttpResponse response = HttpResponse::error(statusFor(error.code), codeName(error.code), message,
                                                error.field);
    if (error.retryAfterS > 0)
        response.setHeader("Retry-After", QByteArray::number(error.retryAfterS));
    else if (response.status == 503)
        response.setHeader("Retry-After", "2");   // the database is away: soon, not at once
    return response;
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &message,
                                 const QString &field, const QJsonObject &details)
{
    QJsonObject body = details;
    body.insert(QStringLiteral("code"), code);
    body.insert(QStringLiteral("message"), message);
    if (!field.isEmpty())
        body.insert(QStringLiteral("field"), field);
    return json(status, QJsonObject{{QStringLiteral("error"), body}});
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

} // namespace Laces::Server
