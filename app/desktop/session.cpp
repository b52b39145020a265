#include "session.h"

#include <QJsonArray>

namespace Laces::App {

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_poll.setInterval(5000);
    connect(&m_poll, &QTimer::timeout, this, &Session::poll);
    connect(&m_client, &ApiClient::sessionEnded, this, [this] {
        if (m_state != State::LoggedOut) {
            end();
            emit sessionExpired();
        }
    });
}

QString Session::username() const
{
    return m_user.value(QStringLiteral("username")).toString();
}

QString Session::role() const
{
    return m_user.value(QStringLiteral("role")).toString();
}

bool Session::can(const QString &permission) const
{
    if (m_permissions.contains(permission))
        return true;
    // As on the server: editing or creating twins implies seeing them.
    return permission == QLatin1String("twins.view")
           && (m_permissions.contains(QLatin1String("twins.edit")) || m_permissions.contains(QLatin1String("twins.create")));
}

void Session::begin(const QJsonObject &me)
{
    m_user = me;
    m_permissions.clear();
    const QJsonArray permissions = me.value(QStringLiteral("permissions")).toArray();
    for (const QJsonValue &permission : permissions)
        m_permissions.append(permission.toString());
    m_poll.start();
    setState(State::Connected);
}

void Session::end()
{
    m_poll.stop();
    m_client.setToken({});
    m_user = {};
    m_permissions.clear();
    setState(State::LoggedOut);
}

void Session::poll()
{
    m_client.me(this, [this](const QJsonObject &, const ApiError *error) {
        if (m_state == State::LoggedOut)
            return;
        setState(error && error->isNetworkError() ? State::Reconnecting : State::Connected);
    });
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace Laces::App
