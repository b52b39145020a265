#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

struct mosquitto;
struct mosquitto_message;
class QSocketNotifier;
class QTimer;

namespace Laces::Edge {

// One libmosquitto client driven by the Qt event loop (its socket under a QSocketNotifier,
// keep-alives from a timer, reconnects with backoff), single-threaded: callbacks run on
// the agent's thread.
//
// An input client subscribes with QoS 1 on a persistent session (clean session off, a
// fixed client id), so the broker keeps what arrives while the agent is down. libmosquitto
// sends a message's PUBACK only after the message callback returns; the agent commits the
// sample inside that callback, so a message is acknowledged to the broker only once it is
// durable. A crash in between makes the broker deliver it again, with the same packet id.
//
// Publishing from inside another client's callback goes out at once (libmosquitto defers a
// client's own writes while it is in a callback), so rules and alerts use a client of
// their own.
class MqttClient : public QObject
{
    Q_OBJECT
public:
    struct Message
    {
        int mid = 0;
        QByteArray topic, payload;
        int qos = 0;
    };

    MqttClient(QString host, int port, QString clientId, bool persistentSession, QObject *parent = nullptr);
    ~MqttClient() override;

    // Subscribes to `topicFilter` (QoS 1) on every connect.
    void subscribe(const QString &topicFilter) { m_subscription = topicFilter.toUtf8(); }
    // Called for each message, inside libmosquitto's callback (see the class comment).
    void onMessage(std::function<void(const Message &)> handler) { m_handler = std::move(handler); }
    // Connects now and keeps reconnecting; false when libmosquitto could not even start.
    bool start(QString *error);
    bool connected() const { return m_connected; }
    // QoS 1 publish; false (with the reason) when not connected or refused.
    bool publish(const QString &topic, const QByteArray &payload, QString *error = nullptr);
    QString lastError() const { return m_lastError; }

signals:
    void connectionChanged(bool connected);

private:
    static void connectCallback(mosquitto *, void *self, int rc);
    static void disconnectCallback(mosquitto *, void *self, int rc);
    static void messageCallback(mosquitto *, void *self, const mosquitto_message *message);
    void tryConnect();
    void watchSocket();
    void service();
    void dropSocket(const QString &why);

    QString m_host;
    int m_port;
    QByteArray m_clientId;
    bool m_persistent;
    QByteArray m_subscription;
    std::function<void(const Message &)> m_handler;
    mosquitto *m_mosq = nullptr;
    std::unique_ptr<QSocketNotifier> m_read;
    QTimer *m_misc = nullptr;
    QTimer *m_reconnect = nullptr;
    int m_backoffMs = 250;
    bool m_connected = false;
    QString m_lastError;
};

} // namespace Laces::Edge
