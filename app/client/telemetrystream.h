#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QUrl>

namespace Laces::App {

class HubSocket;

// Live telemetry of some machine nodes from the server's hub: follows each node (all its
// metrics), again after a reconnect, and emits every sample the hub pushes (the server sends
// each subscriber at most ten messages a second).
class TelemetryStream : public QObject
{
    Q_OBJECT

public:
    TelemetryStream(const QUrl &serverUrl, QByteArray token, QObject *parent = nullptr);

    void start();
    void follow(const QString &id);
    void unfollow(const QString &id);
    QStringList followed() const { return m_nodes; }

signals:
    void following(const QString &nodeId);
    void sample(const QString &nodeId, qint64 timeMs, const QHash<QString, double> &values);

private:
    void subscribe(const QString &nodeId);

    HubSocket *m_hub;
    QStringList m_nodes;
};

} // namespace Laces::App
