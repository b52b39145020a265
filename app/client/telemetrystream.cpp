#include "telemetrystream.h"

#include "hubsocket.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUuid>

namespace Laces::App {

TelemetryStream::TelemetryStream(const QUrl &serverUrl, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_hub(new HubSocket(serverUrl, std::move(token), this))
{
    connect(m_hub, &HubSocket::welcomed, this, [this] {
        for (const QString &node : std::as_const(m_nodes))
            subscribe(node);
    });
    connect(m_hub, &HubSocket::message, this, [this](const QJsonObject &message, const QString &type) {
        if (type == QLatin1String("telemetry_subscribed")) {
            m_hub->resetBackoff();
            emit following(message.value(QStringLiteral("node_id")).toString());
            return;
        }
        if (type != QLatin1String("telemetry"))
            return;
        for (const QJsonValue &item : message.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject sample = item.toObject();
            const QString node = sample.value(QStringLiteral("node_id")).toString();
            if (!m_nodes.contains(node))
                continue;
            QHash<QString, double> values;
            const QJsonObject metrics = sample.value(QStringLiteral("metrics")).toObject();
            for (auto it = metrics.begin(); it != metrics.end(); ++it)
                values.insert(it.key(), it.value().toDouble());
            const QDateTime time = QDateTime::fromString(sample.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
            if (time.isValid())
                emit this->sample(node, time.toMSecsSinceEpoch(), values);
        }
    });
}

void TelemetryStream::start()
{
    m_hub->open();
}

void TelemetryStream::follow(const QString &id)
{
    // As the server writes ids: lower case, no braces.
    const QString nodeId = QUuid::fromString(id).toString(QUuid::WithoutBraces);
    if (m_nodes.contains(nodeId))
        return;
    m_nodes.append(nodeId);
    if (m_hub->isWelcomed())
        subscribe(nodeId);
}

void TelemetryStream::unfollow(const QString &id)
{
    const QString nodeId = QUuid::fromString(id).toString(QUuid::WithoutBraces);
    if (!m_nodes.removeOne(nodeId))
        return;
    if (m_hub->isWelcomed())
        m_hub->send({{QStringLiteral("type"), QStringLiteral("unsubscribe_telemetry")}, {QStringLiteral("node_id"), nodeId}});
}

void TelemetryStream::subscribe(const QString &nodeId)
{
    m_hub->send({{QStringLiteral("type"), QStringLiteral("subscribe_telemetry")}, {QStringLiteral("node_id"), nodeId}});
}

} // namespace Laces::App
