#pragma once

#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QWidget>

namespace Laces::App {

// The fleet on a world map (Web Mercator, Natural Earth outlines): every machine at its
// latitude and longitude, coloured by health; machines closer on screen than a marker's
// size are drawn as one cluster with their count (so sites are one marker when zoomed
// out). Drag or the arrow keys pan, the wheel or +/- zoom, Home shows the whole fleet.
// Clicking a machine selects it; clicking a cluster zooms in on it (or, when its machines
// cannot be told apart any more, selects the worst of them). Painted with QPainter.
class FleetMap : public QWidget
{
    Q_OBJECT

public:
    explicit FleetMap(QWidget *parent = nullptr);

    struct Node
    {
        QString id;
        QString name;
        QString site;
        QString status;   // healthy, warning, critical, stale, unknown, offline, maintenance
        double latitude = 0;
        double longitude = 0;
        double score = -1; // 0–100, or −1 when not assessed
        int openTickets = 0;
    };
    struct Cluster
    {
        QPointF position;  // on screen
        QStringList nodeIds;
        QString status;    // the worst of its machines
        QString label;     // the site (or sites) it stands for
    };

    // The nodes of GET /fleet/health.
    void setNodes(const QList<QJsonObject> &nodes);
    const QList<Node> &nodes() const { return m_nodes; }

    // Where a place is drawn now, in widget pixels.
    QPointF screenPosition(double latitudeDeg, double longitudeDeg) const;
    // The place under a widget pixel: (longitude, latitude).
    QPointF coordinateAt(const QPointF &screen) const;
    double zoom() const { return m_zoom; }
    void setZoom(double zoom, const QPointF &around = QPointF(-1, -1));
    void setCenter(double latitudeDeg, double longitudeDeg);
    void pan(const QPointF &deltaPixels);
    // Shows the box of longitudes and latitudes (west, south, east, north) as large as fits.
    void showRegion(double westDeg, double southDeg, double eastDeg, double northDeg);
    void showAll();

    // The markers as drawn now (a cluster of one is a single machine).
    QList<Cluster> clusters() const;
    int clusterAt(const QPointF &screen) const;
    QString selectedNode() const { return m_selected; }
    void selectNode(const QString &id);
    // What a click at `screen` does (also what the mouse does).
    void clickAt(const QPointF &screen);

    static QColor statusColor(const QString &status);
    static int statusRank(const QString &status);

    static constexpr double kMinZoom = 1.0;
    static constexpr double kMaxZoom = 17.0;
    static constexpr double kClusterRadiusPx = 26.0;

signals:
    void nodeSelected(const QString &nodeId);
    void viewChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    double scale() const;
    QPointF toScreen(const QPointF &world) const;
    QPointF toWorld(const QPointF &screen) const;
    void clampCenter();
    void drawLegend(QPainter &painter);

    QList<Node> m_nodes;
    QPointF m_center{128, 128};  // world units at zoom 0
    double m_zoom = 2;
    QString m_selected;
    QPointF m_pressPos;
    QPointF m_lastPos;
    bool m_dragging = false;
    bool m_pressed = false;
    mutable QList<Cluster> m_clusters;
    mutable bool m_clustersValid = false;
};

} // namespace Laces::App
