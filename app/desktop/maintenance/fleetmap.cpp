#include "fleetmap.h"

#include "worldoutline.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Laces::App {

FleetMap::FleetMap(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("fleetMap"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(320, 240);
    setAccessibleName(tr("Fleet map"));
    setToolTip(tr("Drag or arrow keys: pan · wheel or +/−: zoom · Home: whole fleet · click a marker: select"));
}

QColor FleetMap::statusColor(const QString &status)
{
    if (status == QLatin1String("healthy"))
        return QColor(0x2e, 0x7d, 0x32);
    if (status == QLatin1String("warning"))
        return QColor(0xf9, 0xa8, 0x25);
    if (status == QLatin1String("critical"))
        return QColor(0xc6, 0x28, 0x28);
    if (status == QLatin1String("stale"))
        return QColor(0x8e, 0x24, 0xaa);
    if (status == QLatin1String("offline"))
        return QColor(0x45, 0x5a, 0x64);
    if (status == QLatin1String("maintenance"))
        return QColor(0x15, 0x65, 0xc0);
    return QColor(0x9e, 0x9e, 0x9e);
}

int FleetMap::statusRank(const QString &status)
{
    static const QStringList order{QStringLiteral("healthy"), QStringLiteral("maintenance"), QStringLiteral("unknown"),
                                   QStringLiteral("offline"), QStringLiteral("stale"), QStringLiteral("warning"),
                                   QStringLiteral("critical")};
    const qsizetype rank = order.indexOf(status);
    return rank < 0 ? 2 : int(rank);
}

void FleetMap::setNodes(const QList<QJsonObject> &nodes)
{
    m_nodes.clear();
    for (const QJsonObject &object : nodes) {
        const QJsonValue latitude = object.value(QStringLiteral("latitude"));
        const QJsonValue longitude = object.value(QStringLiteral("longitude"));
        if (!latitude.isDouble() || !longitude.isDouble())
            continue;  // nowhere to draw it
        Node node;
        node.id = object.value(QStringLiteral("node_id")).toString(object.value(QStringLiteral("id")).toString());
        node.name = object.value(QStringLiteral("name")).toString();
        node.site = object.value(QStringLiteral("site")).toString();
        node.status = object.value(QStringLiteral("status")).toString(QStringLiteral("unknown"));
        node.latitude = latitude.toDouble();
        node.longitude = longitude.toDouble();
        node.score = object.value(QStringLiteral("score")).toDouble(-1);
        node.openTickets = object.value(QStringLiteral("open_tickets")).toInt();
        m_nodes.append(node);
    }
    // Worst first: a cluster is seeded by, and coloured like, its worst machine.
    std::stable_sort(m_nodes.begin(), m_nodes.end(),
                     [](const Node &a, const Node &b) { return statusRank(a.status) > statusRank(b.status); });
    m_clustersValid = false;
    update();
}

double FleetMap::scale() const
{
    return std::pow(2.0, m_zoom);
}

QPointF FleetMap::toScreen(const QPointF &world) const
{
    return (world - m_center) * scale() + QPointF(width() / 2.0, height() / 2.0);
}

QPointF FleetMap::toWorld(const QPointF &screen) const
{
    return (screen - QPointF(width() / 2.0, height() / 2.0)) / scale() + m_center;
}

QPointF FleetMap::screenPosition(double latitudeDeg, double longitudeDeg) const
{
    return toScreen(WorldOutline::project(latitudeDeg, longitudeDeg));
}

QPointF FleetMap::coordinateAt(const QPointF &screen) const
{
    return WorldOutline::unproject(toWorld(screen));
}

void FleetMap::clampCenter()
{
    m_center.setX(std::clamp(m_center.x(), 0.0, WorldOutline::kWorldSize));
    m_center.setY(std::clamp(m_center.y(), 0.0, WorldOutline::kWorldSize));
    m_clustersValid = false;
    update();
    emit viewChanged();
}

void FleetMap::setZoom(double zoom, const QPointF &around)
{
    const QPointF anchor = around.x() < 0 ? QPointF(width() / 2.0, height() / 2.0) : around;
    const QPointF fixed = toWorld(anchor);
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    // The point under the anchor stays put.
    m_center = fixed - (anchor - QPointF(width() / 2.0, height() / 2.0)) / scale();
    clampCenter();
}

void FleetMap::setCenter(double latitudeDeg, double longitudeDeg)
{
    m_center = WorldOutline::project(latitudeDeg, longitudeDeg);
    clampCenter();
}

void FleetMap::pan(const QPointF &deltaPixels)
{
    m_center -= deltaPixels / scale();
    clampCenter();
}

void FleetMap::showRegion(double westDeg, double southDeg, double eastDeg, double northDeg)
{
    const QPointF topLeft = WorldOutline::project(northDeg, westDeg);
    const QPointF bottomRight = WorldOutline::project(southDeg, eastDeg);
    const double spanX = std::max(bottomRight.x() - topLeft.x(), 1e-6);
    const double spanY = std::max(bottomRight.y() - topLeft.y(), 1e-6);
    const double fit = std::min(std::max(width(), 1) / spanX, std::max(height(), 1) / spanY);
    m_zoom = std::clamp(std::log2(fit), kMinZoom, kMaxZoom);
    m_center = (topLeft + bottomRight) / 2.0;
    clampCenter();
}

void FleetMap::showAll()
{
    if (m_nodes.isEmpty()) {
        showRegion(-170, -60, 180, 75);
        return;
    }
    double west = 180, east = -180, south = 90, north = -90;
    for (const Node &node : std::as_const(m_nodes)) {
        west = std::min(west, node.longitude);
        east = std::max(east, node.longitude);
        south = std::min(south, node.latitude);
        north = std::max(north, node.latitude);
    }
    // A margin round the fleet, and never closer than a city.
    const double padLon = std::max((east - west) * 0.15, 0.5);
    const double padLat = std::max((north - south) * 0.15, 0.3);
    showRegion(west - padLon, south - padLat, east + padLon, north + padLat);
}

QList<FleetMap::Cluster> FleetMap::clusters() const
{
    if (m_clustersValid)
        return m_clusters;
    m_clusters.clear();
    QList<QPointF> positions;
    positions.reserve(m_nodes.size());
    for (const Node &node : m_nodes)
        positions.append(screenPosition(node.latitude, node.longitude));
    QList<bool> taken(m_nodes.size(), false);
    // Greedy, worst first: each machine not yet taken seeds a cluster of everything within
    // the radius of it on screen.
    for (qsizetype i = 0; i < m_nodes.size(); ++i) {
        if (taken[i])
            continue;
        Cluster cluster;
        cluster.status = m_nodes[i].status;
        QPointF sum;
        QStringList sites;
        for (qsizetype j = i; j < m_nodes.size(); ++j) {
            if (taken[j])
                continue;
            const QPointF d = positions[j] - positions[i];
            if (std::hypot(d.x(), d.y()) > kClusterRadiusPx)
                continue;
            taken[j] = true;
            cluster.nodeIds.append(m_nodes[j].id);
            sum += positions[j];
            if (!m_nodes[j].site.isEmpty() && !sites.contains(m_nodes[j].site))
                sites.append(m_nodes[j].site);
        }
        cluster.position = sum / double(cluster.nodeIds.size());
        cluster.label = sites.join(QStringLiteral(", "));
        m_clusters.append(cluster);
    }
    m_clustersValid = true;
    return m_clusters;
}

int FleetMap::clusterAt(const QPointF &screen) const
{
    const QList<Cluster> all = clusters();
    int best = -1;
    double bestDistance = 0;
    for (int i = 0; i < all.size(); ++i) {
        const double radius = all[i].nodeIds.size() > 1 ? 15 : 9;
        const QPointF d = all[i].position - screen;
        const double distance = std::hypot(d.x(), d.y());
        if (distance <= radius + 3 && (best < 0 || distance < bestDistance)) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

void FleetMap::selectNode(const QString &id)
{
    if (m_selected == id)
        return;
    m_selected = id;
    update();
    emit nodeSelected(id);
}

void FleetMap::clickAt(const QPointF &screen)
{
    const int index = clusterAt(screen);
    if (index < 0)
        return;
    const Cluster cluster = clusters().at(index);
    if (cluster.nodeIds.size() == 1 || m_zoom >= kMaxZoom) {
        selectNode(cluster.nodeIds.first());
        return;
    }
    // Zoom in on the cluster until its machines part.
    double west = 180, east = -180, south = 90, north = -90;
    for (const Node &node : std::as_const(m_nodes)) {
        if (!cluster.nodeIds.contains(node.id))
            continue;
        west = std::min(west, node.longitude);
        east = std::max(east, node.longitude);
        south = std::min(south, node.latitude);
        north = std::max(north, node.latitude);
    }
    const double before = m_zoom;
    const double padLon = std::max((east - west) * 0.6, 0.0005);
    const double padLat = std::max((north - south) * 0.6, 0.0005);
    showRegion(west - padLon, south - padLat, east + padLon, north + padLat);
    if (m_zoom <= before + 0.01)
        selectNode(cluster.nodeIds.first());
}

void FleetMap::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_clustersValid = false;
}

void FleetMap::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), QColor(0xd6, 0xe6, 0xf2));
    const WorldOutline &world = WorldOutline::instance();
    painter.save();
    painter.translate(width() / 2.0, height() / 2.0);
    painter.scale(scale(), scale());
    painter.translate(-m_center);
    QPen coast(QColor(0x9a, 0xa5, 0x8e), 1);
    coast.setCosmetic(true);
    painter.setPen(coast);
    painter.setBrush(QColor(0xf3, 0xf0, 0xe6));
    painter.drawPath(world.land());
    QPen border(QColor(0xc0, 0xb4, 0xa0), 0.8, Qt::DashLine);
    border.setCosmetic(true);
    painter.setPen(border);
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(world.borders());
    painter.restore();

    QFont bold = font();
    bold.setBold(true);
    const QList<Cluster> all = clusters();
    for (const Cluster &cluster : all) {
        const QColor color = statusColor(cluster.status);
        const bool selected = cluster.nodeIds.contains(m_selected);
        if (cluster.nodeIds.size() == 1) {
            painter.setPen(QPen(selected ? palette().color(QPalette::Highlight) : Qt::white, selected ? 3 : 1.5));
            painter.setBrush(color);
            painter.drawEllipse(cluster.position, 7, 7);
            // Close enough to tell machines apart: their names.
            if (m_zoom >= 10) {
                const auto node = std::find_if(m_nodes.cbegin(), m_nodes.cend(),
                                               [&](const Node &n) { return n.id == cluster.nodeIds.first(); });
                if (node != m_nodes.cend()) {
                    painter.setFont(selected ? bold : font());
                    const QString label = painter.fontMetrics().elidedText(node->name, Qt::ElideRight, 180);
                    const QRectF box(cluster.position + QPointF(11, -9),
                                     QSizeF(painter.fontMetrics().horizontalAdvance(label) + 8, 18));
                    painter.setPen(Qt::NoPen);
                    painter.setBrush(QColor(255, 255, 255, selected ? 240 : 190));
                    painter.drawRoundedRect(box, 3, 3);
                    painter.setPen(Qt::black);
                    painter.drawText(box, Qt::AlignCenter, label);
                    painter.setFont(font());
                }
            }
            continue;
        }
        painter.setPen(QPen(selected ? palette().color(QPalette::Highlight) : Qt::white, selected ? 3 : 2));
        QColor halo = color;
        halo.setAlpha(70);
        painter.setBrush(halo);
        painter.drawEllipse(cluster.position, 17, 17);
        painter.setBrush(color);
        painter.drawEllipse(cluster.position, 12, 12);
        painter.setPen(statusRank(cluster.status) == statusRank(QStringLiteral("warning")) ? Qt::black : Qt::white);
        painter.setFont(bold);
        painter.drawText(QRectF(cluster.position - QPointF(12, 12), QSizeF(24, 24)), Qt::AlignCenter,
                         QString::number(cluster.nodeIds.size()));
        painter.setFont(font());
        if (!cluster.label.isEmpty() && m_zoom >= 4) {
            const QString label = painter.fontMetrics().elidedText(cluster.label, Qt::ElideRight, 160);
            const QRectF box(cluster.position + QPointF(19, -9), QSizeF(painter.fontMetrics().horizontalAdvance(label) + 8, 18));
            painter.setPen(Qt::NoPen);
            painter.setBrush(QColor(255, 255, 255, 200));
            painter.drawRoundedRect(box, 3, 3);
            painter.setPen(Qt::black);
            painter.drawText(box, Qt::AlignCenter, label);
        }
    }
    drawLegend(painter);
    // Natural Earth asks for this line (resources/maps/README.md).
    painter.setPen(QColor(0x55, 0x55, 0x55));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    painter.setFont(small);
    painter.drawText(rect().adjusted(0, 0, -6, -4), Qt::AlignRight | Qt::AlignBottom, tr("Made with Natural Earth"));
    if (hasFocus()) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect().adjusted(1, 1, -1, -1));
    }
}

void FleetMap::drawLegend(QPainter &painter)
{
    const QList<QPair<QString, QString>> entries{
        {QStringLiteral("healthy"), tr("healthy")},  {QStringLiteral("warning"), tr("warning")},
        {QStringLiteral("critical"), tr("critical")}, {QStringLiteral("stale"), tr("stale")},
        {QStringLiteral("offline"), tr("offline")},  {QStringLiteral("maintenance"), tr("maintenance")},
        {QStringLiteral("unknown"), tr("unknown")}};
    const int line = painter.fontMetrics().height() + 2;
    int widest = 0;
    for (const auto &entry : entries)
        widest = std::max(widest, painter.fontMetrics().horizontalAdvance(entry.second));
    const QRectF box(8, 8, widest + 34, line * entries.size() + 8);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(255, 255, 255, 210));
    painter.drawRoundedRect(box, 4, 4);
    for (int i = 0; i < entries.size(); ++i) {
        const QPointF dot(box.left() + 12, box.top() + 4 + line * (i + 0.5));
        painter.setPen(QPen(Qt::white, 1));
        painter.setBrush(statusColor(entries[i].first));
        painter.drawEllipse(dot, 5, 5);
        painter.setPen(Qt::black);
        painter.drawText(QRectF(dot.x() + 10, dot.y() - line / 2.0, widest + 10, line), Qt::AlignVCenter | Qt::AlignLeft,
                         entries[i].second);
    }
}

void FleetMap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_pressed = true;
    m_dragging = false;
    m_pressPos = m_lastPos = event->position();
    setFocus(Qt::MouseFocusReason);
}

void FleetMap::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_pressed) {
        setCursor(clusterAt(event->position()) >= 0 ? Qt::PointingHandCursor : Qt::OpenHandCursor);
        return;
    }
    if (!m_dragging && (event->position() - m_pressPos).manhattanLength() > 4)
        m_dragging = true;
    if (m_dragging) {
        setCursor(Qt::ClosedHandCursor);
        pan(event->position() - m_lastPos);
        m_lastPos = event->position();
    }
}

void FleetMap::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return;
    m_pressed = false;
    if (!m_dragging)
        clickAt(event->position());
    m_dragging = false;
    setCursor(Qt::OpenHandCursor);
}

void FleetMap::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    setZoom(m_zoom + steps * 0.5, event->position());
    event->accept();
}

void FleetMap::keyPressEvent(QKeyEvent *event)
{
    const double step = 80;
    switch (event->key()) {
    case Qt::Key_Left: pan({step, 0}); break;
    case Qt::Key_Right: pan({-step, 0}); break;
    case Qt::Key_Up: pan({0, step}); break;
    case Qt::Key_Down: pan({0, -step}); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: setZoom(m_zoom + 1); break;
    case Qt::Key_Minus: setZoom(m_zoom - 1); break;
    case Qt::Key_Home: showAll(); break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

bool FleetMap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int index = clusterAt(help->pos());
        if (index < 0)
            return QWidget::event(event);  // the usage hint
        const Cluster cluster = clusters().at(index);
        QStringList lines;
        if (cluster.nodeIds.size() > 1)
            lines.append(tr("<b>%1</b>: %n machine(s)", nullptr, int(cluster.nodeIds.size())).arg(cluster.label.toHtmlEscaped()));
        for (const Node &node : std::as_const(m_nodes)) {
            if (!cluster.nodeIds.contains(node.id))
                continue;
            const QString score = node.score >= 0 ? QString::number(node.score, 'f', 0) : tr("n/a");
            lines.append(tr("%1 — %2, health %3, %n open ticket(s)", nullptr, node.openTickets)
                             .arg(node.name.toHtmlEscaped(), node.status, score));
        }
        QToolTip::showText(help->globalPos(), lines.join(QStringLiteral("<br>")), this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace Laces::App
