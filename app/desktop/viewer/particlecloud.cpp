#include "particlecloud.h"

#include "shadertechniques.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QGeometry>
#include <Qt3DRender/QBlendEquation>
#include <Qt3DRender/QBlendEquationArguments>
#include <Qt3DRender/QDepthTest>
#include <Qt3DRender/QEffect>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QMaterial>
#include <Qt3DRender/QNoDepthMask>
#include <Qt3DRender/QParameter>
#include <Qt3DRender/QRenderPass>

#include <QRandomGenerator>
#include <QTimer>

#include <cmath>

namespace Laces::App {

namespace {

// Each particle on a breathing shell round the region, flickering, hotter with intensity.
ShaderSources shaders()
{
    ShaderSources sources;
    sources.rhiVertexDeclarations = "layout(location = 0) in vec3 vertexPosition;\n"
                                    "layout(location = 1) in vec4 particle;\n"
                                    "layout(location = 0) out float alpha;\n"
                                    "layout(location = 1) out float heat;\n"
                                    + rhiCommandUniforms()
                                    + "layout(std140, binding = 2) uniform cloud_uniforms {\n"
                                      "    vec3 center;\n"
                                      "    vec3 extent;\n"
                                      "    float time;\n"
                                      "    float intensity;\n"
                                      "    float particleSize;\n"
                                      "};\n";
    sources.glVertexDeclarations = "in vec3 vertexPosition;\n"
                                   "in vec4 particle;\n"
                                   "uniform mat4 modelViewProjection;\n"
                                   "uniform vec3 center;\n"
                                   "uniform vec3 extent;\n"
                                   "uniform float time;\n"
                                   "uniform float intensity;\n"
                                   "uniform float particleSize;\n"
                                   "out float alpha;\n"
                                   "out float heat;\n";
    // `particle` is a unit direction and a phase in [0, 1).
    sources.vertexBody = R"(
void main()
{
    float phase = particle.w * 6.2831853;
    float speed = 1.0 + 2.0 * intensity;
    float shell = 0.75 + 0.35 * sin(time * 1.3 * speed + phase);
    vec3 swirl = 0.12 * vec3(sin(time * 0.9 * speed + phase * 3.0), cos(time * 1.1 * speed + phase * 2.0),
                             sin(time * 0.7 * speed + phase * 5.0));
    float size = particleSize * (0.6 + 0.6 * intensity) * (0.7 + 0.3 * sin(time * 2.0 + phase * 9.0));
    vec3 position = center + (particle.xyz * shell + swirl) * extent + vertexPosition * size;
    gl_Position = modelViewProjection * vec4(position, 1.0);
    alpha = (0.45 + 0.55 * intensity) * (0.6 + 0.4 * sin(time * 4.0 * speed + phase * 7.0));
    heat = intensity;
}
)";
    sources.rhiFragmentDeclarations = "layout(location = 0) in float alpha;\n"
                                      "layout(location = 1) in float heat;\n"
                                      "layout(location = 0) out vec4 fragColor;\n";
    sources.glFragmentDeclarations = "in float alpha;\nin float heat;\nout vec4 fragColor;\n";
    sources.fragmentBody = R"(
void main()
{
    vec3 color = mix(vec3(1.0, 0.82, 0.15), vec3(1.0, 0.12, 0.04), heat);
    fragColor = vec4(color, alpha);
}
)";
    return sources;
}

} // namespace

ParticleCloud::ParticleCloud(int count, Qt3DCore::QNode *parent)
    : Qt3DCore::QEntity(parent)
    , m_count(count)
    , m_center(new Qt3DRender::QParameter(QStringLiteral("center"), QVector3D()))
    , m_extent(new Qt3DRender::QParameter(QStringLiteral("extent"), QVector3D(1, 1, 1)))
    , m_intensity(new Qt3DRender::QParameter(QStringLiteral("intensity"), 0.0f))
    , m_timeParameter(new Qt3DRender::QParameter(QStringLiteral("time"), 0.0f))
    , m_size(new Qt3DRender::QParameter(QStringLiteral("particleSize"), 1.0f))
{
    // One small octahedron (8 triangles, drawn flat; points would need a point size, which
    // Qt 3D's RHI renderer does not set), drawn `count` times; each instance reads its own
    // direction and phase.
    auto *geometry = new Qt3DCore::QGeometry(this);
    auto *vertexBuffer = new Qt3DCore::QBuffer(geometry);
    static const float corners[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    static const int faces[8][3] = {{0, 2, 4}, {2, 1, 4}, {1, 3, 4}, {3, 0, 4},
                                    {2, 0, 5}, {1, 2, 5}, {3, 1, 5}, {0, 3, 5}};
    QByteArray vertices;
    for (const auto &face : faces) {
        for (const int corner : face)
            vertices.append(reinterpret_cast<const char *>(corners[corner]), 3 * sizeof(float));
    }
    vertexBuffer->setData(vertices);
    addFloatAttribute(geometry, Qt3DCore::QAttribute::defaultPositionAttributeName(), vertexBuffer, 3, 24);

    QByteArray particles(qsizetype(count) * 4 * qsizetype(sizeof(float)), Qt::Uninitialized);
    auto *data = reinterpret_cast<float *>(particles.data());
    QRandomGenerator random(20261201);  // the same cloud every time
    for (int i = 0; i < count; ++i) {
        // Directions uniform on the sphere, a few inside it.
        const double z = random.generateDouble() * 2 - 1;
        const double angle = random.generateDouble() * 2 * M_PI;
        const double ring = std::sqrt(1 - z * z);
        const double depth = i % 5 == 0 ? std::cbrt(random.generateDouble()) : 1.0;
        data[i * 4 + 0] = float(ring * std::cos(angle) * depth);
        data[i * 4 + 1] = float(ring * std::sin(angle) * depth);
        data[i * 4 + 2] = float(z * depth);
        data[i * 4 + 3] = float(random.generateDouble());
    }
    auto *particleBuffer = new Qt3DCore::QBuffer(geometry);
    particleBuffer->setData(particles);
    addFloatAttribute(geometry, QStringLiteral("particle"), particleBuffer, 4, uint(count))->setDivisor(1);

    auto *renderer = new Qt3DRender::QGeometryRenderer(this);
    renderer->setGeometry(geometry);
    renderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Triangles);
    renderer->setVertexCount(24);
    renderer->setInstanceCount(count);

    // Added light, drawn through the parts (a cloud hidden behind its part says nothing),
    // writing no depth.
    Qt3DRender::QEffect *effect = makeEffect(shaders(), [](Qt3DRender::QRenderPass *pass) {
        auto *blend = new Qt3DRender::QBlendEquation(pass);
        blend->setBlendFunction(Qt3DRender::QBlendEquation::Add);
        auto *arguments = new Qt3DRender::QBlendEquationArguments(pass);
        arguments->setSourceRgb(Qt3DRender::QBlendEquationArguments::SourceAlpha);
        arguments->setDestinationRgb(Qt3DRender::QBlendEquationArguments::One);
        arguments->setSourceAlpha(Qt3DRender::QBlendEquationArguments::Zero);
        arguments->setDestinationAlpha(Qt3DRender::QBlendEquationArguments::One);
        auto *depth = new Qt3DRender::QDepthTest(pass);
        depth->setDepthFunction(Qt3DRender::QDepthTest::Always);
        pass->addRenderState(blend);
        pass->addRenderState(arguments);
        pass->addRenderState(new Qt3DRender::QNoDepthMask(pass));
        pass->addRenderState(depth);
    }, this);
    auto *material = new Qt3DRender::QMaterial(this);
    material->setEffect(effect);
    for (Qt3DRender::QParameter *parameter : {m_center, m_extent, m_intensity, m_timeParameter, m_size})
        material->addParameter(parameter);

    // Animated by a clock of its own rather than per frame: the scene renders on demand, and
    // this asks for frames only while the cloud is shown.
    m_clock.start();
    auto *ticker = new QTimer(this);
    ticker->setInterval(40);
    connect(ticker, &QTimer::timeout, this, [this] {
        if (!m_paused)
            setTime(float(m_clock.nsecsElapsed()) / 1e9f);
    });
    connect(this, &Qt3DCore::QEntity::enabledChanged, ticker, [ticker](bool enabled) {
        if (enabled)
            ticker->start();
        else
            ticker->stop();
    });
    ticker->start();
    addComponent(renderer);
    addComponent(material);
}

void ParticleCloud::setRegion(const QVector3D &center, const QVector3D &halfExtent)
{
    m_centerValue = center;
    m_center->setValue(center);
    m_extent->setValue(halfExtent);
}

void ParticleCloud::setParticleSize(float size)
{
    m_size->setValue(size);
}

void ParticleCloud::setIntensity(float intensity)
{
    m_intensity->setValue(std::clamp(intensity, 0.0f, 1.0f));
}

void ParticleCloud::setPaused(bool paused)
{
    m_paused = paused;
}

void ParticleCloud::setTime(float seconds)
{
    m_time = seconds;
    m_timeParameter->setValue(seconds);
}

} // namespace Laces::App
