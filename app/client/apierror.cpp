#include "apierror.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace Laces::App {

QString ApiError::describe() const
{
    if (isLocalError())
        return message;
    if (isNetworkError())
        return QCoreApplication::translate("Laces::App::ApiError", "Cannot reach the server: %1").arg(message);
    if (field.isEmpty())
        return message;
    return QCoreApplication::translate("Laces::App::ApiError", "%1 (field: %2)").arg(message, field);
}

ApiError ApiError::fromReply(int status, const QByteArray &body, const QString &networkError)
{
    ApiError error;
    error.status = status;
    const QJsonObject object = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    error.code = object.value(QStringLiteral("code")).toString();
    error.message = object.value(QStringLiteral("message")).toString();
    error.field = object.value(QStringLiteral("field")).toString();
    if (error.message.isEmpty())
        error.message = status == 0 ? networkError
                                    : QCoreApplication::translate("Laces::App::ApiError", "HTTP status %1").arg(status);
    return error;
}

} // namespace Laces::App
