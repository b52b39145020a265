#pragma once

#include <QByteArray>
#include <QString>

namespace Laces::App {

// An answer the server refused, or a network failure (status 0).
struct ApiError
{
    int status = 0;      // HTTP status; 0 when the server could not be reached, -1 for a local file problem
    QString code;        // the server's error code, e.g. "invalid_request"
    QString message;     // for people
    QString field;       // the offending input field, when the server named one
    int retryAfterS = 0;

    bool isNetworkError() const { return status == 0; }
    bool isLocalError() const { return status < 0; }
    QString describe() const;

    static ApiError fromReply(int status, const QByteArray &body, const QString &networkError);
};

} // namespace Laces::App
