#pragma once

#include <QJsonObject>
#include <QObject>

#include <memory>

class QSocketNotifier;

namespace Laces::Server {

class PgConnection;

// Collaboration events between server instances through PostgreSQL LISTEN/NOTIFY on the
// channel "laces_events": publish() inside a transaction delivers on COMMIT to every
// instance's bus, which emits received() on its own thread.
class EventBus : public QObject
{
    Q_OBJECT

public:
    explicit EventBus(QByteArray conninfo, QObject *parent = nullptr);
    ~EventBus() override;

    bool start();
    // Payloads are limited by PostgreSQL to 8000 bytes.
    static bool publish(PgConnection &db, const QJsonObject &event);

signals:
    void received(const QJsonObject &event);

private:
    void drain();

    QByteArray m_conninfo;
    std::unique_ptr<PgConnection> m_connection;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Laces::Server
