#include "mqttclient.h"

#include <QSocketNotifier>
#include <QTimer>

#include <mosquitto.h>

namespace Laces::Edge {

namespace {
struct LibraryInit
{
    LibraryInit() { mosquitto_lib_init(); }
    ~LibraryInit() { mosquitto_lib_cleanup(); }
};
} // namespace

MqttClient::MqttClient(QString host, int port, QString clientId, bool persistentSession, QObject *parent)
    : QObject(parent), m_host(std::move(host)), m_port(port), m_clientId(clientId.toUtf8()), m_persistent(persistentSession)
{
    static LibraryInit init;
    m_misc = new QTimer(this);
    m_misc->setInterval(200);
    connect(m_misc, &QTimer::timeout, this, &MqttClient::service);
    m_reconnect = new QTimer(this);
    m_reconnect->setSingleShot(true);
    connect(m_reconnect, &QTimer::timeout, this, &MqttClient::tryConnect);
}

MqttClient::~MqttClient()
{
    m_read.reset();
    if (m_mosq) {
        if (m_connected)
            mosquitto_disconnect(m_mosq);
        mosquitto_destroy(m_mosq);
    }
}

bool MqttClient::start(QString *error)
{
    m_mosq = mosquitto_new(m_clientId.isEmpty() ? nullptr : m_clientId.constData(), !m_persistent, this);
    if (!m_mosq) {
        *error = QStringLiteral("libmosquitto could not create a client (%1)").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(m_mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(m_mosq, &MqttClient::connectCallback);
    mosquitto_disconnect_callback_set(m_mosq, &MqttClient::disconnectCallback);
    mosquitto_message_callback_set(m_mosq, &MqttClient::messageCallback);
    m_misc->start();
    tryConnect();
    return true;
}

void MqttClient::tryConnect()
{
    const int rc = mosquitto_connect(m_mosq, m_host.toUtf8().constData(), m_port, 30);
    if (rc != MOSQ_ERR_SUCCESS) {
        m_lastError = QStringLiteral("MQTT broker %1:%2: %3").arg(m_host).arg(m_port)
                          .arg(QString::fromLocal8Bit(rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc)));
        m_reconnect->start(m_backoffMs);
        m_backoffMs = std::min(m_backoffMs * 2, 10000);
        return;
    }
    watchSocket();
}

void MqttClient::watchSocket()
{
    const int fd = mosquitto_socket(m_mosq);
    if (fd < 0)
        return;
    m_read = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_read.get(), &QSocketNotifier::activated, this, [this] {
        const int rc = mosquitto_loop_read(m_mosq, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            dropSocket(QString::fromLocal8Bit(rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc)));
            return;
        }
        if (mosquitto_want_write(m_mosq))
            mosquitto_loop_write(m_mosq, 1);
    });
    if (mosquitto_want_write(m_mosq))
        mosquitto_loop_write(m_mosq, 1);
}

void MqttClient::service()
{
    if (!m_mosq || mosquitto_socket(m_mosq) < 0)
        return;
    if (mosquitto_want_write(m_mosq))
        mosquitto_loop_write(m_mosq, 1);
    const int rc = mosquitto_loop_misc(m_mosq);
    if (rc != MOSQ_ERR_SUCCESS)
        dropSocket(QString::fromLocal8Bit(mosquitto_strerror(rc)));
}

void MqttClient::dropSocket(const QString &why)
{
    m_read.reset();
    m_lastError = QStringLiteral("MQTT broker %1:%2: %3").arg(m_host).arg(m_port).arg(why);
    if (m_connected) {
        m_connected = false;
        emit connectionChanged(false);
    }
    if (!m_reconnect->isActive()) {
        m_reconnect->start(m_backoffMs);
        m_backoffMs = std::min(m_backoffMs * 2, 10000);
    }
}

void MqttClient::connectCallback(mosquitto *, void *self, int rc)
{
    auto *client = static_cast<MqttClient *>(self);
    if (rc != 0) {
        client->m_lastError = QStringLiteral("MQTT broker %1:%2 refused the connection: %3")
                                  .arg(client->m_host).arg(client->m_port).arg(QString::fromLatin1(mosquitto_connack_string(rc)));
        return;
    }
    client->m_backoffMs = 250;
    client->m_connected = true;
    client->m_lastError.clear();
    if (!client->m_subscription.isEmpty())
        mosquitto_subscribe(client->m_mosq, nullptr, client->m_subscription.constData(), 1);
    emit client->connectionChanged(true);
}

void MqttClient::disconnectCallback(mosquitto *, void *self, int rc)
{
    auto *client = static_cast<MqttClient *>(self);
    QMetaObject::invokeMethod(client, [client, rc] { client->dropSocket(QStringLiteral("disconnected (%1)").arg(rc)); },
                              Qt::QueuedConnection);
}

void MqttClient::messageCallback(mosquitto *, void *self, const mosquitto_message *message)
{
    auto *client = static_cast<MqttClient *>(self);
    if (!client->m_handler)
        return;
    Message copy;
    copy.mid = message->mid;
    copy.topic = QByteArray(message->topic);
    copy.payload = QByteArray(static_cast<const char *>(message->payload), message->payloadlen);
    copy.qos = message->qos;
    client->m_handler(copy);
}

bool MqttClient::publish(const QString &topic, const QByteArray &payload, QString *error)
{
    if (!m_mosq || !m_connected) {
        if (error)
            *error = m_lastError.isEmpty() ? QStringLiteral("not connected to the MQTT broker") : m_lastError;
        return false;
    }
    const int rc = mosquitto_publish(m_mosq, nullptr, topic.toUtf8().constData(), int(payload.size()), payload.constData(), 1, false);
    if (rc != MOSQ_ERR_SUCCESS) {
        if (error)
            *error = QString::fromLatin1(mosquitto_strerror(rc));
        return false;
    }
    return true;
}

} // namespace Laces::Edge
