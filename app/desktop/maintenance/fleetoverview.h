#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace Laces::App {

class FleetMap;
class Session;

// Where the Telemetry tab starts: the fleet's health (GET /fleet/health) on a map and as a
// list, worst first. Choosing a machine (on the map or in the list) shows its health and
// open tickets (GET /nodes/{id}/health); "Open telemetry" (or Enter, or a double click)
// asks for its dashboard.
class FleetOverview : public QWidget
{
    Q_OBJECT

public:
    explicit FleetOverview(Session *session, QWidget *parent = nullptr);

    void reload();
    void resetSession();
    void selectNode(const QString &nodeId);
    QString selectedNode() const { return m_selected; }

    FleetMap *map() const { return m_map; }
    QTreeWidget *nodeList() const { return m_list; }
    QLabel *healthLabel() const { return m_health; }
    QTreeWidget *ticketList() const { return m_tickets; }
    QPushButton *openTelemetryButton() const { return m_openTelemetry; }
    const QJsonObject &health() const { return m_nodeHealth; }

signals:
    void loaded();
    // The selected machine's health and tickets are shown.
    void nodeShown(const QString &nodeId);
    void telemetryRequested(const QString &nodeId);
    void errorOccurred(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showNodeHealth(const QString &nodeId);

    Session *m_session;
    FleetMap *m_map;
    QTreeWidget *m_list;
    QLabel *m_summary;
    QLabel *m_health;
    QTreeWidget *m_tickets;
    QPushButton *m_openTelemetry;
    QHash<QString, QJsonObject> m_nodes;
    QJsonObject m_nodeHealth;
    QString m_selected;
    bool m_requested = false;
    bool m_fitted = false;
    int m_generation = 0;
    int m_healthGeneration = 0;
};

} // namespace Laces::App
