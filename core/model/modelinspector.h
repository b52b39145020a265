#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVector3D>
#include <QVector>

namespace Laces::Core {

// An axis-aligned box in model units. Empty when min > max.
struct BoundingBox
{
    QVector3D min{1e30f, 1e30f, 1e30f};
    QVector3D max{-1e30f, -1e30f, -1e30f};

    bool isEmpty() const { return min.x() > max.x(); }
    void extend(const QVector3D &point);
    void extend(const BoundingBox &other);
};

// One named part of a model: a node of the scene graph that carries meshes (for STL and
// PLY, which have no scene graph, the whole model is one component).
struct ModelComponent
{
    QString name;      // unique within the model (duplicates get a "#n" suffix)
    QString path;      // slash-separated node path from the root, e.g. "engine/piston"
    qint64 triangleCount = 0;
    qint64 vertexCount = 0;
    BoundingBox bounds; // in the model's world coordinates
};

struct ModelInfo
{
    QString format;                  // "stl", "obj", "ply", "gltf", "glb"
    qint64 triangleCount = 0;        // triangles stored in the file (each mesh once)
    qint64 vertexCount = 0;          // vertices stored in the file, as loaded (each mesh once)
    qint64 meshCount = 0;
    qint64 instancedTriangleCount = 0; // triangles drawn: meshes counted once per node using them
    BoundingBox bounds;              // of everything drawn, in world coordinates
    QList<ModelComponent> components;
};

// Drawable geometry of one component, in world coordinates: interleaved position and
// normal (6 floats per vertex) and triangle indices.
struct ComponentGeometry
{
    QString name;                 // as in ModelComponent
    QVector<float> vertices;      // x, y, z, nx, ny, nz, ...
    QVector<quint32> indices;     // three per triangle
    BoundingBox bounds;
};

struct ModelGeometry
{
    ModelInfo info;
    QList<ComponentGeometry> components;  // same order and names as info.components
};

// Reads a 3D model file and reports what it holds. The format is recognised from the
// content (not the name). Engineering geometry is not silently repaired: a file whose
// geometry is corrupt (indices out of range, faces dropped, missing buffers, no triangles)
// fails with Error::Code::Unprocessable and a message naming the problem.
// Thread-safe: several files may be inspected at once.
class ModelInspector
{
public:
    static Result<ModelInfo> inspectFile(const QString &filePath);
    // Inspects and also returns the triangles to draw (for the desktop viewer).
    static Result<ModelGeometry> loadGeometry(const QString &filePath);

    // "stl", "obj", "ply", "gltf", "glb", or empty when the bytes are none of these.
    // `head` is the start of the file (4 KiB is plenty), fileSize its full size.
    static QString detectFormat(const QByteArray &head, qint64 fileSize);
};

} // namespace Laces::Core
