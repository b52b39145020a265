#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTabWidget;

namespace Laces::App {

class FleetOverview;
class LocalServer;
class MaintenanceQueue;
class Session;
class TelemetryDashboard;
class TwinBrowser;
class TwinWorkspace;

// The workbench window: the twin browser, the Telemetry tab (the fleet overview, and a
// machine's dashboard), the maintenance queue, and a status bar with the server, the user,
// their role and the connection state.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(Session *session, LocalServer *localServer, QWidget *parent = nullptr);

    TwinBrowser *twinBrowser() const { return m_browser; }
    TelemetryDashboard *telemetryDashboard() const { return m_telemetry; }
    FleetOverview *fleetOverview() const { return m_fleet; }
    MaintenanceQueue *maintenanceQueue() const { return m_queue; }
    // The Telemetry tab shows the fleet overview (true) or a machine's dashboard.
    bool isShowingFleetOverview() const;
    // Opens the Telemetry tab on one machine's dashboard.
    void openTelemetry(const QString &nodeId);
    // Opens the twin at `versionId` (the latest when empty) with `component` selected; says
    // so in the status bar when that version has no such component.
    void showInModel(const QString &twinId, const QString &versionId, const QString &component);
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
    FleetOverview *m_fleet;
    MaintenanceQueue *m_queue;
    QStackedWidget *m_telemetryStack;
    QTabWidget *m_tabs;
    QLabel *m_serverLabel;
    QLabel *m_userLabel;
    QLabel *m_stateLabel;
    QLabel *m_slowedLabel;
};

} // namespace Laces::App
