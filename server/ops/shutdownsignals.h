#pragma once

#include <QObject>

class QSocketNotifier;

namespace Laces::Server {

// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe), so shutdown
// runs in the event loop instead of in a signal handler.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject *parent = nullptr);

signals:
    void shutdownRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Laces::Server
