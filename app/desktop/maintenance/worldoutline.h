#pragma once

#include <QPainterPath>
#include <QString>

namespace Laces::App {

// The world's land and country borders for the fleet map, read from the compiled-in
// resource :/laces/maps/world-110m.bin (Natural Earth 1:110m, see resources/maps/README.md),
// as paths in Web-Mercator world units: x and y in [0, 256) at zoom 0, north up.
class WorldOutline
{
public:
    // The shared outline, read once; empty paths when the resource is missing or damaged.
    static const WorldOutline &instance();

    bool isEmpty() const { return m_land.isEmpty(); }
    const QPainterPath &land() const { return m_land; }
    const QPainterPath &borders() const { return m_borders; }
    int ringCount() const { return m_rings; }

    // Web-Mercator world coordinates at zoom 0 (latitude clamped to ±85.05°).
    static QPointF project(double latitudeDeg, double longitudeDeg);
    static QPointF unproject(const QPointF &world);  // (longitude, latitude) in degrees

    static constexpr double kWorldSize = 256.0;

private:
    WorldOutline() = default;
    bool read(const QString &path);

    QPainterPath m_land;
    QPainterPath m_borders;
    int m_rings = 0;
};

} // namespace Laces::App
