#pragma once

#include <QMainWindow>

class QLabel;

namespace Laces::App {

class LocalServer;
class Session;
class TelemetryDashboard;
class TwinBrowser;
class TwinWorkspace;

// The workbench window: the twin browser, the telemetry dashboard, and a status bar with the server, the user,
// their role and the connection state.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(Session *session, LocalServer *localServer, QWidget *parent = nullptr);

    TwinBrowser *twinBrowser() const { return m_browser; }
    TelemetryDashboard *telemetryDashboard() const { return m_telemetry; }
    // Opens (or brings forward) a twin in its own tab, at its latest version.
    TwinWorkspace *openTwin(const QJsonObject &twin);
    void showSessionInfo();

private:
    void createMenus();
    void logOut();
    void chooseLanguage();

    Session *m_session;
    LocalServer *m_localServer;
    TwinBrowser *m_browser;
    TelemetryDashboard *m_telemetry;
    class QTabWidget *m_tabs;
    QLabel *m_serverLabel;
    QLabel *m_userLabel;
    QLabel *m_stateLabel;
};

} // namespace Laces::App
