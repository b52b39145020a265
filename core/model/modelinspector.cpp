#include "modelinspector.h"

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <QFileInfo>
#include <QHash>

namespace Laces::Core {

void BoundingBox::extend(const QVector3D &point)
{
    min = QVector3D(qMin(min.x(), point.x()), qMin(min.y(), point.y()), qMin(min.z(), point.z()));
    max = QVector3D(qMax(max.x(), point.x()), qMax(max.y(), point.y()), qMax(max.z(), point.z()));
}

void BoundingBox::extend(const BoundingBox &other)
{
    if (other.isEmpty())
        return;
    extend(other.min);
    extend(other.max);
}

namespace {

QString formatFromSuffix(const QString &filePath)
{
    const QString suffix = QFileInfo(filePath).suffix().toLower();
    if (suffix == QLatin1String("stl") || suffix == QLatin1String("obj")
        || suffix == QLatin1String("ply") || suffix == QLatin1String("gltf")
        || suffix == QLatin1String("glb"))
        return suffix;
    return {};
}

struct Walker
{
    const aiScene *scene = nullptr;
    ModelInfo *info = nullptr;
    QHash<QString, int> nameUses;

    void walk(const aiNode *node, const aiMatrix4x4 &parentTransform, const QString &parentPath)
    {
        const aiMatrix4x4 transform = parentTransform * node->mTransformation;
        QString name = QString::fromUtf8(node->mName.C_Str());
        const QString path = parentPath.isEmpty() ? name : parentPath + QLatin1Char('/') + name;
        if (node->mNumMeshes > 0) {
            ModelComponent component;
            if (name.isEmpty())
                name = QStringLiteral("part");
            const int uses = nameUses[name]++;
            component.name = uses == 0 ? name : name + QLatin1Char('#') + QString::number(uses + 1);
            component.path = path;
            for (unsigned i = 0; i < node->mNumMeshes; ++i) {
                const aiMesh *mesh = scene->mMeshes[node->mMeshes[i]];
                component.vertexCount += mesh->mNumVertices;
                for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
                    if (mesh->mFaces[f].mNumIndices == 3)
                        ++component.triangleCount;
                }
                for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
                    const aiVector3D p = transform * mesh->mVertices[v];
                    component.bounds.extend(QVector3D(p.x, p.y, p.z));
                }
            }
            info->triangleCount += component.triangleCount;
            info->vertexCount += component.vertexCount;
            info->bounds.extend(component.bounds);
            info->components.append(component);
        }
        for (unsigned i = 0; i < node->mNumChildren; ++i)
            walk(node->mChildren[i], transform, path);
    }
};

} // namespace

Result<ModelInfo> ModelInspector::inspectFile(const QString &filePath)
{
    const QString format = formatFromSuffix(filePath);
    if (format.isEmpty())
        return Error{Error::Code::Unprocessable,
                     QStringLiteral("unsupported model format: %1 (expected STL, OBJ, PLY, glTF or GLB)")
                         .arg(QFileInfo(filePath).fileName()),
                     {}};

    Assimp::Importer importer;
    const aiScene *scene = importer.ReadFile(QFile::encodeName(filePath).constData(),
                                             aiProcess_Triangulate | aiProcess_ValidateDataStructure);
    if (!scene || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode)
        return Error{Error::Code::Unprocessable,
                     QStringLiteral("cannot read %1: %2")
                         .arg(QFileInfo(filePath).fileName(), QString::fromUtf8(importer.GetErrorString())),
                     {}};

    ModelInfo info;
    info.format = format;
    Walker walker{scene, &info, {}};
    walker.walk(scene->mRootNode, aiMatrix4x4(), QString());
    return info;
}

} // namespace Laces::Core
