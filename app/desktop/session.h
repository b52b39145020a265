#pragma once

#include "apiclient.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace Laces::App {

// The desktop's connection to one server: the API client, who is logged in, and whether
// the server answers (polled, so that the status bar shows a restart and its recovery).
class Session : public QObject
{
    Q_OBJECT

public:
    enum class State { Connected, Reconnecting, LoggedOut };
    Q_ENUM(State)

    explicit Session(QObject *parent = nullptr);

    ApiClient *client() { return &m_client; }
    const QJsonObject &user() const { return m_user; }
    QString username() const;
    QString role() const;
    bool can(const QString &permission) const;
    State state() const { return m_state; }

    // After a successful login: remembers the user and starts watching the server.
    void begin(const QJsonObject &me);
    void end();

signals:
    void stateChanged(Laces::App::Session::State state);
    void sessionExpired();

private:
    void poll();
    void setState(State state);

    ApiClient m_client;
    QJsonObject m_user;
    QStringList m_permissions;
    QTimer m_poll;
    State m_state = State::LoggedOut;
};

} // namespace Laces::App
