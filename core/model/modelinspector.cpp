#include "modelinspector.h"

#include <assimp/DefaultLogger.hpp>
#include <assimp/Importer.hpp>
#include <assimp/LogStream.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtEndian>

#include <mutex>

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

// assimp reports dropped faces only as log warnings, through one process-wide logger.
// Each inspection collects the messages of its own thread.
thread_local QStringList *t_problems = nullptr;

class ProblemStream : public Assimp::LogStream
{
public:
    void write(const char *message) override
    {
        if (!t_problems)
            return;
        const QString text = QString::fromUtf8(message).trimmed();
        // Warnings that mean the geometry was changed on the way in.
        static const char *const fatal[] = {"out-of-range", "out of range", "were dropped", "invalid index",
                                            "index out of", "could not open referenced file"};
        for (const char *pattern : fatal) {
            if (text.contains(QLatin1String(pattern), Qt::CaseInsensitive)) {
                t_problems->append(text.mid(text.indexOf(QLatin1String("T0: ")) >= 0
                                                ? text.indexOf(QLatin1String("T0: ")) + 4
                                                : 0));
                return;
            }
        }
    }
};

void installLogger()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Assimp::DefaultLogger::create("", Assimp::Logger::NORMAL, aiDefaultLogStream(0));
        Assimp::DefaultLogger::get()->attachStream(new ProblemStream,
                                                   Assimp::Logger::Warn | Assimp::Logger::Err);
    });
}

struct Walker
{
    const aiScene *scene = nullptr;
    ModelInfo *info = nullptr;
    QList<ComponentGeometry> *geometry = nullptr;  // filled when the caller wants triangles
    QHash<QString, int> nameUses;

    void walk(const aiNode *node, const aiMatrix4x4 &parentTransform, const QString &parentPath)
    {
        const aiMatrix4x4 transform = parentTransform * node->mTransformation;
        QString name = QString::fromUtf8(node->mName.C_Str());
        const QString path = parentPath.isEmpty() ? name : parentPath + QLatin1Char('/') + name;
        if (node->mNumMeshes > 0) {
            ModelComponent component;
            // Unnamed nodes (assimp calls them "nodes[N]" in glTF) take their mesh's name,
            // which in CAD exports names the part ("Piston_123-844_0_Parts_1").
            static const QRegularExpression synthetic(QStringLiteral("^nodes\\[\\d+\\]$"));
            if (name.isEmpty() || synthetic.match(name).hasMatch()) {
                const QString meshName = QString::fromUtf8(scene->mMeshes[node->mMeshes[0]]->mName.C_Str());
                if (!meshName.isEmpty())
                    name = meshName;
            }
            if (name.isEmpty())
                name = QStringLiteral("part");
            const int uses = nameUses[name]++;
            component.name = uses == 0 ? name : name + QLatin1Char('#') + QString::number(uses + 1);
            component.path = path;
            ComponentGeometry drawable;
            drawable.name = component.name;
            aiMatrix3x3 normalMatrix(transform);
            normalMatrix.Inverse().Transpose();
            for (unsigned i = 0; i < node->mNumMeshes; ++i) {
                const aiMesh *mesh = scene->mMeshes[node->mMeshes[i]];
                if (geometry) {
                    const quint32 base = quint32(drawable.vertices.size() / 6);
                    for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
                        const aiVector3D p = transform * mesh->mVertices[v];
                        aiVector3D n = mesh->mNormals ? normalMatrix * mesh->mNormals[v] : aiVector3D(0, 0, 1);
                        n.NormalizeSafe();
                        drawable.vertices << p.x << p.y << p.z << n.x << n.y << n.z;
                    }
                    for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
                        const aiFace &face = mesh->mFaces[f];
                        if (face.mNumIndices == 3)
                            drawable.indices << base + face.mIndices[0] << base + face.mIndices[1] << base + face.mIndices[2];
                    }
                }
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
            info->instancedTriangleCount += component.triangleCount;
            info->bounds.extend(component.bounds);
            info->components.append(component);
            if (geometry) {
                drawable.bounds = component.bounds;
                geometry->append(std::move(drawable));
            }
        }
        for (unsigned i = 0; i < node->mNumChildren; ++i)
            walk(node->mChildren[i], transform, path);
    }
};

Error unprocessable(const QString &fileName, const QString &problem)
{
    return Error{Error::Code::Unprocessable, QStringLiteral("%1: %2").arg(fileName, problem), {}};
}

} // namespace

QString ModelInspector::detectFormat(const QByteArray &head, qint64 fileSize)
{
    if (head.startsWith("glTF"))
        return QStringLiteral("glb");
    const QByteArray trimmed = head.trimmed();
    if (trimmed.startsWith('{') && head.contains("\"asset\""))
        return QStringLiteral("gltf");
    if (head.startsWith("ply\n") || head.startsWith("ply\r\n"))
        return QStringLiteral("ply");
    // Binary STL: an 80-byte header, a little-endian triangle count, 50 bytes per triangle.
    // Checked before ASCII STL because many binary files start their header with "solid".
    if (head.size() >= 84) {
        const quint32 triangles = qFromLittleEndian<quint32>(head.constData() + 80);
        if (fileSize == 84 + qint64(triangles) * 50)
            return QStringLiteral("stl");
    }
    if (trimmed.startsWith("solid") && head.contains("facet"))
        return QStringLiteral("stl");
    // OBJ: a text file of statements; vertices ("v ") appear early.
    bool sawVertex = false;
    bool textual = true;
    for (char c : head) {
        if ((c < 0x09 || (c > 0x0d && c < 0x20)) && c != 0) {
            textual = false;
            break;
        }
    }
    if (textual) {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &raw : lines) {
            const QByteArray line = raw.trimmed();
            if (line.startsWith("v ") || line.startsWith("v\t"))
                sawVertex = true;
        }
        if (sawVertex)
            return QStringLiteral("obj");
    }
    return {};
}

namespace {
Result<ModelGeometry> read(const QString &filePath, bool withGeometry)
{
    const QString fileName = QFileInfo(filePath).fileName();
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return unprocessable(fileName, QStringLiteral("cannot be read: %1").arg(file.errorString()));
    const QByteArray head = file.read(4096);
    const qint64 size = file.size();
    file.close();
    if (ModelInspector::detectFormat(head, size).isEmpty())
        return unprocessable(fileName, QStringLiteral("not a 3D model in a supported format "
                                                      "(STL, OBJ, PLY, glTF or GLB)"));
    const QString format = ModelInspector::detectFormat(head, size);

    // assimp picks its reader by the file name: give it a name that says what the content
    // is (uploads arrive as nameless temporary files).
    QString readPath = filePath;
    QTemporaryDir renamed;
    if (QFileInfo(filePath).suffix().toLower() != format) {
        readPath = renamed.filePath(QStringLiteral("model.") + format);
        if (!renamed.isValid() || !QFile::link(QFileInfo(filePath).absoluteFilePath(), readPath))
            return unprocessable(fileName, QStringLiteral("cannot prepare the file for reading"));
    }

    installLogger();
    QStringList problems;
    t_problems = &problems;
    Assimp::Importer importer;
    const unsigned flags = aiProcess_Triangulate | aiProcess_ValidateDataStructure
                           | (withGeometry ? unsigned(aiProcess_GenNormals) : 0u);
    const aiScene *scene = importer.ReadFile(QFile::encodeName(readPath).constData(), flags);
    t_problems = nullptr;

    if (!problems.isEmpty())
        return unprocessable(fileName, QStringLiteral("corrupt geometry: %1").arg(problems.first()));
    if (!scene || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode)
        return unprocessable(fileName, QString::fromUtf8(importer.GetErrorString()).trimmed());

    ModelGeometry result;
    ModelInfo &info = result.info;
    info.format = format;
    info.meshCount = scene->mNumMeshes;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
        const aiMesh *mesh = scene->mMeshes[i];
        info.vertexCount += mesh->mNumVertices;
        for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
            if (mesh->mFaces[f].mNumIndices == 3)
                ++info.triangleCount;
        }
    }
    if (info.triangleCount == 0)
        return unprocessable(fileName, QStringLiteral("the model has no triangles"));
    Walker walker{scene, &info, withGeometry ? &result.components : nullptr, {}};
    walker.walk(scene->mRootNode, aiMatrix4x4(), QString());
    return result;
}
} // namespace

Result<ModelInfo> ModelInspector::inspectFile(const QString &filePath)
{
    auto result = read(filePath, false);
    if (!result)
        return result.error();
    return std::move(result->info);
}

Result<ModelGeometry> ModelInspector::loadGeometry(const QString &filePath)
{
    return read(filePath, true);
}

} // namespace Laces::Core
