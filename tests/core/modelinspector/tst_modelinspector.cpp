#include "model/modelinspector.h"
#include "testdata.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMatrix4x4>
#include <QTemporaryFile>
#include <QTest>
#include <QtEndian>

using namespace Laces::Core;

namespace {

QString model(const char *name) { return Laces::Tests::sharedModel(name); }

// What a file holds, computed straight from its bytes, without assimp.
struct Expected
{
    qint64 triangles = 0;
    qint64 vertices = 0;
    BoundingBox box;
};

Expected fromBinaryStl(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    const QByteArray data = file.readAll();
    Expected expected;
    expected.triangles = qFromLittleEndian<quint32>(data.constData() + 80);
    for (qint64 t = 0; t < expected.triangles; ++t) {
        const char *facet = data.constData() + 84 + t * 50;
        for (int v = 0; v < 3; ++v) {
            const char *xyz = facet + 12 + v * 12;
            expected.box.extend(QVector3D(qFromLittleEndian<float>(xyz), qFromLittleEndian<float>(xyz + 4),
                                          qFromLittleEndian<float>(xyz + 8)));
        }
    }
    expected.vertices = expected.triangles * 3;  // STL stores three corners per facet
    return expected;
}

Expected fromAsciiStl(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly | QIODevice::Text);
    Expected expected;
    while (!file.atEnd()) {
        const QList<QByteArray> words = file.readLine().simplified().split(' ');
        if (words.value(0) == "facet")
            ++expected.triangles;
        else if (words.value(0) == "vertex")
            expected.box.extend(QVector3D(words[1].toFloat(), words[2].toFloat(), words[3].toFloat()));
    }
    expected.vertices = expected.triangles * 3;
    return expected;
}

// OBJ: faces of n corners make n - 2 triangles; assimp keeps one vertex per face corner.
Expected fromObj(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly | QIODevice::Text);
    Expected expected;
    while (!file.atEnd()) {
        const QList<QByteArray> words = file.readLine().simplified().split(' ');
        if (words.value(0) == "v") {
            expected.box.extend(QVector3D(words[1].toFloat(), words[2].toFloat(), words[3].toFloat()));
        } else if (words.value(0) == "f") {
            const qint64 corners = words.size() - 1;
            expected.triangles += corners - 2;
            expected.vertices += (corners - 2) * 3;
        }
    }
    return expected;
}

// ASCII PLY: the header's element counts, then the vertex and face lists.
Expected fromAsciiPly(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly | QIODevice::Text);
    Expected expected;
    qint64 faces = 0;
    while (!file.atEnd()) {
        const QList<QByteArray> words = file.readLine().simplified().split(' ');
        if (words.value(0) == "element" && words.value(1) == "vertex")
            expected.vertices = words.value(2).toLongLong();
        if (words.value(0) == "element" && words.value(1) == "face")
            faces = words.value(2).toLongLong();
        if (words.value(0) == "end_header")
            break;
    }
    for (qint64 v = 0; v < expected.vertices; ++v) {
        const QList<QByteArray> words = file.readLine().simplified().split(' ');
        expected.box.extend(QVector3D(words[0].toFloat(), words[1].toFloat(), words[2].toFloat()));
    }
    for (qint64 f = 0; f < faces; ++f)
        expected.triangles += file.readLine().simplified().split(' ').value(0).toLongLong() - 2;
    return expected;
}

// GLB: the JSON chunk's accessor counts; instances by walking the scene's nodes.
struct GltfExpected
{
    qint64 triangles = 0;
    qint64 vertices = 0;
    qint64 instancedTriangles = 0;
    qint64 meshNodes = 0;
    BoundingBox cornerBox;  // accessor min/max corners through the node transforms (contains the true box)
};

GltfExpected fromGlb(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    const QByteArray data = file.readAll();
    const quint32 jsonLength = qFromLittleEndian<quint32>(data.constData() + 12);
    const QJsonObject gltf = QJsonDocument::fromJson(data.mid(20, jsonLength)).object();
    const QJsonArray accessors = gltf.value(QStringLiteral("accessors")).toArray();
    const QJsonArray meshes = gltf.value(QStringLiteral("meshes")).toArray();
    const QJsonArray nodes = gltf.value(QStringLiteral("nodes")).toArray();
    GltfExpected expected;
    QList<qint64> meshTriangles;
    for (const QJsonValue &mesh : meshes) {
        qint64 triangles = 0;
        for (const QJsonValue &primitive : mesh.toObject().value(QStringLiteral("primitives")).toArray()) {
            const QJsonObject p = primitive.toObject();
            triangles += accessors.at(p.value(QStringLiteral("indices")).toInt()).toObject().value(QStringLiteral("count")).toInt() / 3;
            expected.vertices += accessors.at(p.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("POSITION")).toInt())
                                     .toObject().value(QStringLiteral("count")).toInt();
        }
        meshTriangles.append(triangles);
        expected.triangles += triangles;
    }
    std::function<void(int, const QMatrix4x4 &)> walk = [&](int index, const QMatrix4x4 &parent) {
        const QJsonObject node = nodes.at(index).toObject();
        QMatrix4x4 local;
        if (node.contains(QStringLiteral("matrix"))) {
            const QJsonArray m = node.value(QStringLiteral("matrix")).toArray();
            float values[16];
            for (int i = 0; i < 16; ++i)
                values[i] = float(m.at(i).toDouble());
            local = QMatrix4x4(values).transposed();  // glTF matrices are column-major
        } else {
            const QJsonArray t = node.value(QStringLiteral("translation")).toArray();
            const QJsonArray r = node.value(QStringLiteral("rotation")).toArray();
            const QJsonArray s = node.value(QStringLiteral("scale")).toArray();
            if (!t.isEmpty())
                local.translate(float(t[0].toDouble()), float(t[1].toDouble()), float(t[2].toDouble()));
            if (!r.isEmpty())
                local.rotate(QQuaternion(float(r[3].toDouble()), float(r[0].toDouble()), float(r[1].toDouble()),
                                         float(r[2].toDouble())));
            if (!s.isEmpty())
                local.scale(float(s[0].toDouble()), float(s[1].toDouble()), float(s[2].toDouble()));
        }
        const QMatrix4x4 world = parent * local;
        if (node.contains(QStringLiteral("mesh"))) {
            const int mesh = node.value(QStringLiteral("mesh")).toInt();
            ++expected.meshNodes;
            expected.instancedTriangles += meshTriangles.at(mesh);
            for (const QJsonValue &primitive : meshes.at(mesh).toObject().value(QStringLiteral("primitives")).toArray()) {
                const QJsonObject position = accessors.at(primitive.toObject().value(QStringLiteral("attributes"))
                                                              .toObject().value(QStringLiteral("POSITION")).toInt()).toObject();
                const QJsonArray lo = position.value(QStringLiteral("min")).toArray();
                const QJsonArray hi = position.value(QStringLiteral("max")).toArray();
                for (int corner = 0; corner < 8; ++corner) {
                    const QVector3D p((corner & 1 ? hi : lo)[0].toDouble(), (corner & 2 ? hi : lo)[1].toDouble(),
                                      (corner & 4 ? hi : lo)[2].toDouble());
                    expected.cornerBox.extend(world.map(p));
                }
            }
        }
        for (const QJsonValue &child : node.value(QStringLiteral("children")).toArray())
            walk(child.toInt(), world);
    };
    const QJsonObject scene = gltf.value(QStringLiteral("scenes")).toArray().at(gltf.value(QStringLiteral("scene")).toInt()).toObject();
    for (const QJsonValue &root : scene.value(QStringLiteral("nodes")).toArray())
        walk(root.toInt(), QMatrix4x4());
    return expected;
}

void compareBox(const BoundingBox &actual, const BoundingBox &expected)
{
    // Coordinates are float in the files: compare to float precision of the extent.
    const float tolerance = 1e-5f * qMax(1.0f, (expected.max - expected.min).length());
    for (int axis = 0; axis < 3; ++axis) {
        QVERIFY2(qAbs(actual.min[axis] - expected.min[axis]) <= tolerance,
                 qPrintable(QStringLiteral("min[%1] %2 vs %3").arg(axis).arg(actual.min[axis]).arg(expected.min[axis])));
        QVERIFY2(qAbs(actual.max[axis] - expected.max[axis]) <= tolerance,
                 qPrintable(QStringLiteral("max[%1] %2 vs %3").arg(axis).arg(actual.max[axis]).arg(expected.max[axis])));
    }
}

} // namespace

class tst_ModelInspector : public QObject
{
    Q_OBJECT

private slots:
    void meshFiles_data();
    void meshFiles();
    void engineAssembly();
    void malformedRefused_data();
    void malformedRefused();
    void notAModelRefused();
    void formatFromContentNotName();
};

void tst_ModelInspector::meshFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("kind");
    QTest::newRow("binary STL") << model("Spider_binary.stl") << "stl" << "binstl";
    QTest::newRow("binary STL, upper-case name") << model("3DSMaxExport.STL") << "stl" << "binstl";
    QTest::newRow("ASCII STL") << model("Spider_ascii.stl") << "stl" << "asciistl";
    QTest::newRow("ASCII STL with hole") << model("sphereWithHole.stl") << "stl" << "asciistl";
    QTest::newRow("OBJ") << model("fandisk.obj") << "obj" << "obj";
    QTest::newRow("OBJ with groups") << model("spider.obj") << "obj" << "obj";
    QTest::newRow("ASCII PLY") << model("Wuson.ply") << "ply" << "ply";
}

void tst_ModelInspector::meshFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(QString, kind);
    const auto info = ModelInspector::inspectFile(path);
    QVERIFY2(info, info ? "" : qPrintable(info.error().message));
    const Expected expected = kind == QLatin1String("binstl") ? fromBinaryStl(path)
                              : kind == QLatin1String("asciistl") ? fromAsciiStl(path)
                              : kind == QLatin1String("obj") ? fromObj(path)
                                                             : fromAsciiPly(path);
    QCOMPARE(info->format, format);
    QCOMPARE(info->triangleCount, expected.triangles);
    QCOMPARE(info->vertexCount, expected.vertices);
    QCOMPARE(info->instancedTriangleCount, expected.triangles);
    compareBox(info->bounds, expected.box);
    QVERIFY(!info->components.isEmpty());
    qint64 componentTriangles = 0;
    for (const ModelComponent &component : info->components)
        componentTriangles += component.triangleCount;
    QCOMPARE(componentTriangles, expected.triangles);
}

void tst_ModelInspector::engineAssembly()
{
    const QString path = model("2CylinderEngine.glb");
    const auto info = ModelInspector::inspectFile(path);
    QVERIFY2(info, info ? "" : qPrintable(info.error().message));
    const GltfExpected expected = fromGlb(path);
    QCOMPARE(info->format, QStringLiteral("glb"));
    QCOMPARE(info->triangleCount, expected.triangles);
    QCOMPARE(info->vertexCount, expected.vertices);
    QCOMPARE(info->instancedTriangleCount, expected.instancedTriangles);
    QCOMPARE(qint64(info->components.size()), expected.meshNodes);
    // Exact vertex boxes lie within the transformed accessor-bound corners and are not
    // much smaller than them.
    const float tolerance = 1e-3f * (expected.cornerBox.max - expected.cornerBox.min).length();
    for (int axis = 0; axis < 3; ++axis) {
        QVERIFY(info->bounds.min[axis] >= expected.cornerBox.min[axis] - tolerance);
        QVERIFY(info->bounds.max[axis] <= expected.cornerBox.max[axis] + tolerance);
    }
    QVERIFY((info->bounds.max - info->bounds.min).length() > 0.8f * (expected.cornerBox.max - expected.cornerBox.min).length());
    QSet<QString> names;
    for (const ModelComponent &component : info->components) {
        QVERIFY(!component.name.isEmpty());
        QVERIFY2(!names.contains(component.name), qPrintable(component.name));
        names.insert(component.name);
        QVERIFY(component.triangleCount > 0);
        QVERIFY(!component.bounds.isEmpty());
    }
}

void tst_ModelInspector::malformedRefused_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("some indices out of range") << model("malformed/IndexOutOfRange.gltf") << "out-of-range";
    QTest::newRow("all indices out of range") << model("malformed/AllIndicesOutOfRange.gltf") << "out-of-range";
    QTest::newRow("missing buffer file") << model("malformed/MissingBin.gltf") << "BoxTextured0.bin";
}

void tst_ModelInspector::malformedRefused()
{
    QFETCH(QString, path);
    QFETCH(QString, mentions);
    const auto info = ModelInspector::inspectFile(path);
    QVERIFY(!info);
    QCOMPARE(info.error().code, Error::Code::Unprocessable);
    QVERIFY2(info.error().message.contains(mentions), qPrintable(info.error().message));
}

void tst_ModelInspector::notAModelRefused()
{
    const auto info = ModelInspector::inspectFile(model("SOURCES.md"));
    QVERIFY(!info);
    QVERIFY2(info.error().message.contains(QLatin1String("not a 3D model")), qPrintable(info.error().message));
    QTemporaryFile truncated;
    QVERIFY(truncated.open());
    QFile source(model("Spider_binary.stl"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    truncated.write(source.read(5000));  // header promises 1368 facets, only ~98 follow
    truncated.close();
    QVERIFY(!ModelInspector::inspectFile(truncated.fileName()));
}

void tst_ModelInspector::formatFromContentNotName()
{
    QByteArray binary(84, '\0');
    binary.replace(0, 5, "solid");  // binary STL headers often start with "solid"
    qToLittleEndian<quint32>(2, binary.data() + 80);
    binary.append(QByteArray(100, '\0'));
    QCOMPARE(ModelInspector::detectFormat(binary, binary.size()), QStringLiteral("stl"));
    QCOMPARE(ModelInspector::detectFormat("solid x\n facet normal 0 0 1\n", 30), QStringLiteral("stl"));
    QCOMPARE(ModelInspector::detectFormat("ply\nformat ascii 1.0\n", 20), QStringLiteral("ply"));
    QCOMPARE(ModelInspector::detectFormat("glTF\x02\0\0\0", 8), QStringLiteral("glb"));
    QCOMPARE(ModelInspector::detectFormat(R"({ "asset": {"version": "2.0"} })", 30), QStringLiteral("gltf"));
    QCOMPARE(ModelInspector::detectFormat("# comment\nv 0 0 0\nv 1 0 0\nf 1 2 3\n", 40), QStringLiteral("obj"));
    QCOMPARE(ModelInspector::detectFormat("hello world", 11), QString());
}

QTEST_GUILESS_MAIN(tst_ModelInspector)
#include "tst_modelinspector.moc"
