// Model benchmarks; prints figures, asserts nothing.
//  1. Inspection of a generated 1,000,000-triangle binary STL against plain assimp reading
//     the same file with the same post-processing, in this process (ratio >= 0.5 wanted).
//  2. Import of the engine GLB end to end: the laces-cli binary against a real server on
//     its embedded PostgreSQL, from process start to the stored version.
#include "model/modelinspector.h"
#include "testserver.h"

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace Laces;

namespace {

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

void writeStl(const QString &path, int triangles)
{
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    QByteArray header(80, ' ');
    header.replace(0, 22, "LACES benchmark sphere");
    file.write(header);
    char count[4];
    qToLittleEndian<quint32>(quint32(triangles), count);
    file.write(count, 4);
    std::mt19937 random(42);
    std::uniform_real_distribution<float> coordinate(-500.0f, 500.0f);
    QByteArray facet(50, '\0');
    for (int t = 0; t < triangles; ++t) {
        for (int f = 3; f < 12; ++f)
            qToLittleEndian<float>(coordinate(random), facet.data() + f * 4);
        file.write(facet);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int runs = 3;
    QTemporaryDir dir(QStringLiteral("/tmp/laces-bench-XXXXXX"));
    const QString stl = dir.filePath(QStringLiteral("million.stl"));
    writeStl(stl, 1000000);
    const double megabytes = double(QFile(stl).size()) / 1e6;

    QList<double> assimpSeconds, inspectSeconds;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        {
            Assimp::Importer importer;
            const aiScene *scene = importer.ReadFile(stl.toStdString(),
                                                     aiProcess_Triangulate | aiProcess_ValidateDataStructure);
            if (!scene)
                return 1;
        }
        assimpSeconds.append(timer.nsecsElapsed() / 1e9);
        timer.restart();
        const auto info = Core::ModelInspector::inspectFile(stl);
        inspectSeconds.append(timer.nsecsElapsed() / 1e9);
        if (!info || info->triangleCount != 1000000) {
            std::fprintf(stderr, "inspection failed\n");
            return 1;
        }
    }
    const double assimpS = median(assimpSeconds);
    const double inspectS = median(inspectSeconds);
    std::printf("1M-triangle STL (%.1f MB), median of %d runs:\n", megabytes, runs);
    std::printf("  assimp read alone (baseline): %.3f s  %.1f MB/s\n", assimpS, megabytes / assimpS);
    std::printf("  ModelInspector::inspectFile:  %.3f s  %.1f MB/s\n", inspectS, megabytes / inspectS);
    std::printf("  inspection speed / baseline speed: %.2f (target >= 0.50)\n", assimpS / inspectS);

    // 2. The engine through laces-cli into a real server.
    Tests::TestServer server;
    if (!server.start([](Server::ServerConfig &config) { config.durableDatabase = true; })) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    server.registerUser(QStringLiteral("bench"), QStringLiteral("bench-password"));
    const QByteArray token = server.login(QStringLiteral("bench"), QStringLiteral("bench-password"));
    const QString glb = QStringLiteral(LACES_SHARED_DATA_DIR "/models/2CylinderEngine.glb");
    const double glbMegabytes = double(QFile(glb).size()) / 1e6;
    QList<double> importSeconds;
    for (int i = 0; i < runs; ++i) {
        QProcess cli;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LACES_TOKEN"), QString::fromLatin1(token));
        environment.insert(QStringLiteral("LACES_SERVER"), server.url().toString());
        cli.setProcessEnvironment(environment);
        QElapsedTimer timer;
        timer.start();
        cli.start(QStringLiteral(LACES_CLI_BINARY), {QStringLiteral("import"), glb, QStringLiteral("--twin"),
                                                      QStringLiteral("Bench engine %1").arg(i)});
        while (cli.state() != QProcess::NotRunning)
            QTest::qWait(1);
        importSeconds.append(timer.nsecsElapsed() / 1e9);
        if (cli.exitCode() != 0) {
            std::fprintf(stderr, "import failed: %s\n", cli.readAllStandardError().constData());
            return 1;
        }
    }
    std::printf("engine GLB (%.2f MB) imported with laces-cli (new twin, upload, inspection, version):\n", glbMegabytes);
    std::printf("  first (content stored): %.3f s  %.1f MB/s\n", importSeconds.first(), glbMegabytes / importSeconds.first());
    std::printf("  later (content already stored), median: %.3f s  %.1f MB/s\n", median(importSeconds.mid(1)),
                glbMegabytes / median(importSeconds.mid(1)));
    return 0;
}
