#pragma once

#include <QObject>
#include <QProcess>
#include <QUrl>

namespace Laces::App {

// Starts laces-server on its embedded database for this desktop session ("start a local
// server" in the login dialog) and stops it when the app quits. The server also ends when
// the desktop is killed (a parent-death signal), so it never outlives it holding its
// port and database.
class LocalServer : public QObject
{
    Q_OBJECT

public:
    explicit LocalServer(QObject *parent = nullptr);
    ~LocalServer() override;

    void start(bool demo);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 processId() const { return m_process.processId(); }
    // LACES_SERVER_BINARY, else laces-server beside this program, in the build tree or on PATH.
    static QString serverBinary();

signals:
    void ready(const QUrl &url);
    void failed(const QString &message);

private:
    QProcess m_process;
    QByteArray m_output;
    bool m_ready = false;
};

} // namespace Laces::App
