#pragma once

#include "server.h"
#include "serverconfig.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

class QSignalSpy;
class QWebSocket;

#include <functional>
#include <memory>

namespace Laces::Tests {

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QHash<QByteArray, QByteArray> headers;  // lower-case names

    QString errorField() const;
    QString errorCode() const;
};

// The next JSON message of `type` among the text messages a QSignalSpy on
// QWebSocket::textMessageReceived holds or receives within `timeoutMs` (others are
// consumed); empty when none came.
QJsonObject nextMessageOfType(QSignalSpy &spy, const QString &type, int timeoutMs = 8000);
// A WebSocket to the hub at 127.0.0.1:`port` (a server or a proxy), authenticated with
// `token`, and subscribed to `twinId` when one is given (its presence_snapshot taken too).
// Closed when it is not welcomed or not subscribed, which callers see in its state.
std::unique_ptr<QWebSocket> openHubSocket(quint16 port, const QByteArray &token, const QString &twinId = {});

// Waits, with the event loop running (so that an in-process server keeps serving), until
// `done` holds or `timeoutMs` of wall-clock time passed; returns whether it holds. Unlike
// QTRY_*, which counts steps, the deadline is in time, however slow `done` is.
bool eventually(const std::function<bool()> &done, int timeoutMs);

// A request to any server at `base` (a proxy, another instance), as TestServer::request.
Reply requestAt(QNetworkAccessManager &network, const QUrl &base, const QByteArray &method, const QString &path,
                const QByteArray &token = {}, const QByteArray &body = {},
                const QList<QPair<QByteArray, QByteArray>> &headers = {});

// A real laces-server in this process: its own throwaway embedded PostgreSQL cluster in a
// temporary directory, HTTP on a free loopback port. Requests go over real sockets.
class TestServer
{
public:
    TestServer();
    ~TestServer();

    // Starts the server; `adjust` may change the configuration first.
    bool start(const std::function<void(Server::ServerConfig &)> &adjust = {});
    QString errorString() const { return m_error; }
    // Stops the server and starts it again on the same data directory and settings.
    bool restart();
    // Stops the server (its database too) until resume() starts it again as restart() would.
    void stop();
    bool resume() { return start(m_adjust); }
    // Another server instance on this one's database (as behind a load balancer), started;
    // null with `error` set when it does not start.
    std::unique_ptr<Server::Server> startPeer(const std::function<void(Server::ServerConfig &)> &adjust, QString *error);

    Server::Server &server() { return *m_server; }
    QUrl url() const;
    QString dataDir() const { return m_dir.path(); }

    Reply request(const QByteArray &method, const QString &path, const QByteArray &token = {},
                  const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply requestJson(const QByteArray &method, const QString &path, const QByteArray &token,
                      const QJsonObject &body);

    // Logs in and returns the access token (empty on failure).
    QByteArray login(const QString &username, const QString &password);
    // Registers a user with their own organization (they are its admin).
    QJsonObject registerUser(const QString &username, const QString &password);
    // As an admin, creates a user with `role` in the admin's organization.
    QJsonObject createUser(const QByteArray &adminToken, const QString &username, const QString &role,
                           const QString &password);

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Server::Server> m_server;
    QNetworkAccessManager m_network;
    QString m_error;
    std::function<void(Server::ServerConfig &)> m_adjust;
};

} // namespace Laces::Tests
