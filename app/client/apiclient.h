#pragma once

#include "apierror.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

namespace Laces::App {

// The one client of the LACES REST API, shared by the desktop app and the CLI. Calls are
// asynchronous; each callback runs on the client's thread with the JSON answer or an
// ApiError, and is dropped if `context` is destroyed first.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    using JsonCallback = std::function<void(const QJsonObject &result, const ApiError *error)>;

    explicit ApiClient(QObject *parent = nullptr);

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    QByteArray token() const { return m_token; }
    void setToken(const QByteArray &token) { m_token = token; }
    bool isAuthenticated() const { return !m_token.isEmpty(); }
    // Requests sent so far, retries included (what the server's rate limit counts).
    quint64 requestsSent() const { return m_requestsSent; }

    void health(QObject *context, JsonCallback callback);
    void login(const QString &username, const QString &password, QObject *context, JsonCallback callback);
    void logout(QObject *context, JsonCallback callback);
    void me(QObject *context, JsonCallback callback);
    void listTwins(const QUrlQuery &query, QObject *context, JsonCallback callback);
    void createTwin(const QJsonObject &twin, QObject *context, JsonCallback callback);
    void deleteTwin(const QString &id, QObject *context, JsonCallback callback);

    using Progress = std::function<void(qint64 done, qint64 total)>;
    // Streams a model file to POST /twins/{id}/models (the file is not read into memory).
    void uploadModel(const QString &twinId, const QString &filePath, QObject *context, Progress progress,
                     JsonCallback callback);
    // Streams GET `pathAndQuery` into `filePath` (written to FILE.part, renamed when whole).
    void downloadToFile(const QString &pathAndQuery, const QString &filePath, QObject *context, Progress progress,
                        JsonCallback callback);

    // Any call: method, path (with query), optional JSON body and extra headers.
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    void send(const QByteArray &method, const QString &pathAndQuery, const QJsonObject *body,
              QObject *context, JsonCallback callback, const Headers &headers = {});
    // A body that is not JSON (e.g. CSV telemetry), with its content type.
    void sendBytes(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                   const QByteArray &contentType, QObject *context, JsonCallback callback);

signals:
    // The server answered 401 to an authenticated call: the session has ended.
    void sessionEnded();
    // The server's rate limit refused a call (429); it is sent again in `retryAfterS`
    // seconds, as the answer's Retry-After says. A refused call was not carried out, so
    // sending it again is safe whatever its method.
    void slowedDown(int retryAfterS);
    // A call went through after calls had been slowed down.
    void speedRestored();

private:
    QNetworkRequest requestFor(const QString &pathAndQuery) const;
    void sendRequest(const QByteArray &method, const QString &pathAndQuery, const QByteArray &payload,
                     const Headers &headers, QObject *context, JsonCallback callback, int attempt = 0);
    void finish(QNetworkReply *reply, const QPointer<QObject> &guard, const JsonCallback &callback, bool authenticated,
                const QByteArray &data);

    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
    QByteArray m_token;
    bool m_slowed = false;
    quint64 m_requestsSent = 0;
};

} // namespace Laces::App
