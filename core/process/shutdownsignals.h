#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace Laces::Core {

// Turns termination signals (SIGINT and SIGTERM by default) into a Qt signal on the
// thread that made the object (self-pipe), so shutdown runs in the event loop instead of
// in a signal handler. One instance per process: a second one takes the signals over.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject *parent = nullptr);
    ShutdownSignals(const QList<int> &signalNumbers, QObject *parent = nullptr);

signals:
    void shutdownRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Laces::Core
