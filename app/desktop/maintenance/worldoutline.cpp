#include "worldoutline.h"

#include <QDataStream>
#include <QFile>
#include <QLoggingCategory>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcMap, "laces.desktop.map")

namespace Laces::App {

const WorldOutline &WorldOutline::instance()
{
    static const WorldOutline outline = [] {
        WorldOutline loaded;
        if (!loaded.read(QStringLiteral(":/laces/maps/world-110m.bin"))) {
            qCWarning(lcMap) << "the world outline resource is missing or damaged; the map shows no land";
            loaded = WorldOutline();
        }
        return loaded;
    }();
    return outline;
}

QPointF WorldOutline::project(double latitudeDeg, double longitudeDeg)
{
    constexpr double kPi = 3.14159265358979323846;
    const double latitude = std::clamp(latitudeDeg, -85.05112878, 85.05112878) * kPi / 180.0;
    const double x = (longitudeDeg + 180.0) / 360.0 * kWorldSize;
    const double y = (1.0 - std::log(std::tan(latitude) + 1.0 / std::cos(latitude)) / kPi) / 2.0 * kWorldSize;
    return {x, y};
}

QPointF WorldOutline::unproject(const QPointF &world)
{
    constexpr double kPi = 3.14159265358979323846;
    const double longitude = world.x() / kWorldSize * 360.0 - 180.0;
    const double n = kPi * (1.0 - 2.0 * world.y() / kWorldSize);
    const double latitude = std::atan(std::sinh(n)) * 180.0 / kPi;
    return {longitude, latitude};
}

bool WorldOutline::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QDataStream stream(&file);
    stream.setByteOrder(QDataStream::LittleEndian);
    char magic[4] = {};
    quint32 version = 0;
    if (stream.readRawData(magic, 4) != 4 || QByteArray(magic, 4) != "LMAP")
        return false;
    stream >> version;
    if (version != 1)
        return false;
    const auto readPaths = [&stream](QPainterPath &into, bool closed, int *count) {
        quint32 paths = 0;
        stream >> paths;
        if (paths > 100000)
            return false;
        for (quint32 p = 0; p < paths; ++p) {
            quint32 points = 0;
            stream >> points;
            if (points > 1000000 || stream.status() != QDataStream::Ok)
                return false;
            for (quint32 i = 0; i < points; ++i) {
                qint16 longitude = 0, latitude = 0;
                stream >> longitude >> latitude;
                const QPointF world = project(latitude / 100.0, longitude / 100.0);
                if (i == 0)
                    into.moveTo(world);
                else
                    into.lineTo(world);
            }
            if (closed)
                into.closeSubpath();
            if (count)
                ++*count;
        }
        return stream.status() == QDataStream::Ok;
    };
    m_land.setFillRule(Qt::OddEvenFill);
    return readPaths(m_land, true, &m_rings) && readPaths(m_borders, false, nullptr);
}

} // namespace Laces::App
