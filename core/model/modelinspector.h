#pragma once

#include "result.h"

#include <QList>
#include <QString>
#include <QVector3D>

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

// One named part of a model: a node of the scene graph that carries meshes.
struct ModelComponent
{
    QString name;      // unique within the model (duplicates get a "#n" suffix)
    QString path;      // slash-separated node path from the root, e.g. "engine/piston"
    qint64 triangleCount = 0;
    qint64 vertexCount = 0;
    BoundingBox bounds; // in world coordinates of the model
};

struct ModelInfo
{
    QString format;    // "stl", "obj", "ply", "gltf", "glb"
    qint64 triangleCount = 0;
    qint64 vertexCount = 0;
    BoundingBox bounds;
    QList<ModelComponent> components;
};

// Reads a 3D model file and reports what it holds. Fails with Error::Code::Unprocessable
// and a message naming the problem when the file cannot be read as a model.
class ModelInspector
{
public:
    static Result<ModelInfo> inspectFile(const QString &filePath);
};

} // namespace Laces::Core
