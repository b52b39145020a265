#include "apiclient.h"

#include <QJsonDocument>
#include <QNetworkReply>

namespace Laces::App {

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
{
    m_network.setTransferTimeout(30000);
}

void ApiClient::send(const QByteArray &method, const QString &pathAndQuery, const QJsonObject *body,
                     QObject *context, JsonCallback callback)
{
    QUrl url = m_baseUrl;
    const qsizetype question = pathAndQuery.indexOf(QLatin1Char('?'));
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0)
                + (question < 0 ? pathAndQuery : pathAndQuery.left(question)));
    if (question >= 0)
        url.setQuery(pathAndQuery.mid(question + 1));
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    QByteArray payload;
    if (body) {
        payload = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, payload);
    const bool authenticated = !m_token.isEmpty();
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, callback, authenticated] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        if (authenticated && status == 401)
            emit sessionEnded();
        if (!guard)
            return;
        if (status >= 200 && status < 300) {
            callback(QJsonDocument::fromJson(data).object(), nullptr);
            return;
        }
        ApiError error = ApiError::fromReply(status, data, reply->errorString());
        error.retryAfterS = reply->rawHeader("Retry-After").toInt();
        callback({}, &error);
    });
}

void ApiClient::health(QObject *context, JsonCallback callback)
{
    send("GET", QStringLiteral("/health"), nullptr, context, std::move(callback));
}

void ApiClient::login(const QString &username, const QString &password, QObject *context, JsonCallback callback)
{
    const QJsonObject body{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}};
    m_token.clear();
    send("POST", QStringLiteral("/auth/login"), &body, context,
         [this, callback](const QJsonObject &result, const ApiError *error) {
             if (!error)
                 m_token = result.value(QStringLiteral("access_token")).toString().toLatin1();
             callback(result, error);
         });
}

void ApiClient::logout(QObject *context, JsonCallback callback)
{
    send("POST", QStringLiteral("/auth/logout"), nullptr, context,
         [this, callback](const QJsonObject &result, const ApiError *error) {
             m_token.clear();
             callback(result, error);
         });
}

void ApiClient::me(QObject *context, JsonCallback callback)
{
    send("GET", QStringLiteral("/auth/me"), nullptr, context, std::move(callback));
}

void ApiClient::listTwins(const QUrlQuery &query, QObject *context, JsonCallback callback)
{
    send("GET", QStringLiteral("/twins?") + query.toString(QUrl::FullyEncoded), nullptr, context, std::move(callback));
}

void ApiClient::createTwin(const QJsonObject &twin, QObject *context, JsonCallback callback)
{
    send("POST", QStringLiteral("/twins"), &twin, context, std::move(callback));
}

void ApiClient::deleteTwin(const QString &id, QObject *context, JsonCallback callback)
{
    send("DELETE", QStringLiteral("/twins/") + id, nullptr, context, std::move(callback));
}

} // namespace Laces::App
