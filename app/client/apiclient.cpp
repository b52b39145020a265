#include "apiclient.h"

#include <QTimer>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <memory>
#include <QNetworkReply>

namespace Laces::App {

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
{
    m_network.setTransferTimeout(30000);
}

QNetworkRequest ApiClient::requestFor(const QString &pathAndQuery) const
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
    return request;
}

void ApiClient::finish(QNetworkReply *reply, const QPointer<QObject> &guard, const JsonCallback &callback,
                       bool authenticated, const QByteArray &data)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (authenticated && status == 401)
        emit sessionEnded();
    if (!guard)
        return;
    // A reply cut off after its status line is a failure, whatever the status said.
    const bool cutOff = reply->error() != QNetworkReply::NoError && status >= 200 && status < 300;
    if (status >= 200 && status < 300 && !cutOff) {
        callback(QJsonDocument::fromJson(data).object(), nullptr);
        return;
    }
    ApiError error = ApiError::fromReply(cutOff ? 0 : status, cutOff ? QByteArray() : data, reply->errorString());
    error.retryAfterS = reply->rawHeader("Retry-After").toInt();
    callback({}, &error);
}

void ApiClient::uploadModel(const QString &twinId, const QString &filePath, QObject *context, Progress progress,
                            JsonCallback callback)
{
    auto *file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        ApiError error;
        error.status = -1;
        error.message = tr("Cannot read %1: %2").arg(filePath, file->errorString());
        delete file;
        callback({}, &error);
        return;
    }
    QNetworkRequest request = requestFor(QStringLiteral("/twins/%1/models").arg(twinId));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    request.setRawHeader("X-Filename", QFileInfo(filePath).fileName().toUtf8());
    QNetworkReply *reply = m_network.post(request, file);
    ++m_requestsSent;
    file->setParent(reply);
    if (context)  // cancelling is destroying the context
        connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    if (progress)
        connect(reply, &QNetworkReply::uploadProgress, context ? context : this, progress);
    QPointer<QObject> guard(context);
    const bool authenticated = !m_token.isEmpty();
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, callback, authenticated] {
        finish(reply, guard, callback, authenticated, reply->readAll());
    });
}

void ApiClient::downloadToFile(const QString &pathAndQuery, const QString &filePath, QObject *context,
                               Progress progress, JsonCallback callback)
{
    auto file = std::make_shared<QSaveFile>(filePath);
    if (!file->open(QIODevice::WriteOnly)) {
        ApiError error;
        error.status = -1;
        error.message = tr("Cannot write %1: %2").arg(filePath, file->errorString());
        callback({}, &error);
        return;
    }
    QNetworkReply *reply = m_network.get(requestFor(pathAndQuery));
    ++m_requestsSent;
    if (context)  // cancelling is destroying the context
        connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    if (progress)
        connect(reply, &QNetworkReply::downloadProgress, context ? context : this, progress);
    auto errorBody = std::make_shared<QByteArray>();
    connect(reply, &QNetworkReply::readyRead, this, [reply, file, errorBody] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300)
            file->write(reply->readAll());
        else
            errorBody->append(reply->readAll().left(65536));
    });
    QPointer<QObject> guard(context);
    const bool authenticated = !m_token.isEmpty();
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, callback, authenticated, file, errorBody] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError) {
            file->write(reply->readAll());
            if (!file->commit()) {
                reply->deleteLater();
                ApiError error;
                error.status = -1;
                error.message = tr("Cannot write the file: %1").arg(file->errorString());
                if (guard)
                    callback({}, &error);
                return;
            }
            finish(reply, guard, callback, authenticated, "{}");
            return;
        }
        file->cancelWriting();
        errorBody->append(reply->readAll());
        finish(reply, guard, callback, authenticated, *errorBody);
    });
}

void ApiClient::send(const QByteArray &method, const QString &pathAndQuery, const QJsonObject *body,
                     QObject *context, JsonCallback callback, const Headers &headers)
{
    Headers all = headers;
    if (body)
        all.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    sendRequest(method, pathAndQuery, body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray(), all,
                context, std::move(callback));
}

void ApiClient::sendBytes(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                          const QByteArray &contentType, QObject *context, JsonCallback callback)
{
    sendRequest(method, pathAndQuery, body, {{QByteArrayLiteral("Content-Type"), contentType}}, context,
                std::move(callback));
}

void ApiClient::sendRequest(const QByteArray &method, const QString &pathAndQuery, const QByteArray &payload,
                            const Headers &headers, QObject *context, JsonCallback callback, int attempt)
{
    QNetworkRequest request = requestFor(pathAndQuery);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, payload);
    ++m_requestsSent;
    const bool authenticated = !m_token.isEmpty();
    QPointer<QObject> guard(context);
    const QByteArray token = m_token;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, callback, authenticated, method, pathAndQuery, payload, headers, attempt, token] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        // Slowed down, not failed: wait as long as the server asks (a minute at most) and
        // send the call again, up to three times; each time a little longer, so that calls
        // refused together do not all come back in the same second.
        constexpr int kMaxAttempts = 4;
        constexpr int kLongestWaitS = 60;
        const int retryAfterS = reply->rawHeader("Retry-After").toInt();
        if (status == 429 && attempt + 1 < kMaxAttempts && retryAfterS > 0 && retryAfterS <= kLongestWaitS && guard) {
            reply->deleteLater();
            m_slowed = true;
            emit slowedDown(retryAfterS * (attempt + 1));
            const ApiError refused = ApiError::fromReply(status, reply->readAll(), reply->errorString());
            QTimer::singleShot(retryAfterS * (attempt + 1) * 1000, this, [=] {
                if (!guard)
                    return;
                // Not as someone else: a call queued before a logout or another login fails
                // with the server's refusal instead of being sent again.
                if (m_token != token) {
                    callback({}, &refused);
                    return;
                }
                sendRequest(method, pathAndQuery, payload, headers, guard, callback, attempt + 1);
            });
            return;
        }
        if (m_slowed && status != 429 && status != 0) {
            m_slowed = false;
            emit speedRestored();
        }
        finish(reply, guard, callback, authenticated, reply->readAll());
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
