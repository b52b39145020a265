#include "surfacematerial.h"

#include <Qt3DRender/QEffect>
#include <Qt3DRender/QFilterKey>
#include <Qt3DRender/QGraphicsApiFilter>
#include <Qt3DRender/QParameter>
#include <Qt3DRender/QRenderPass>
#include <Qt3DRender/QShaderProgram>
#include <Qt3DRender/QTechnique>

#include <QVector4D>

namespace Laces::App {

namespace {

// Qt 3D's RHI renderer (Qt 6's default): Vulkan-style GLSL with the standard uniform blocks.
const char kRhiVertex[] = R"(#version 450 core
layout(location = 0) in vec3 vertexPosition;
layout(location = 1) in vec3 vertexNormal;
layout(location = 0) out vec3 worldPosition;
layout(location = 1) out vec3 worldNormal;
layout(std140, binding = 1) uniform qt3d_command_uniforms {
    mat4 modelMatrix;
    mat4 inverseModelMatrix;
    mat4 modelViewMatrix;
    mat3 modelNormalMatrix;
    mat4 inverseModelViewMatrix;
    mat4 modelViewProjection;
    mat4 inverseModelViewProjectionMatrix;
};
void main()
{
    worldPosition = vec3(modelMatrix * vec4(vertexPosition, 1.0));
    worldNormal = modelNormalMatrix * vertexNormal;
    gl_Position = modelViewProjection * vec4(vertexPosition, 1.0);
}
)";

const char kRhiFragment[] = R"(#version 450 core
layout(location = 0) in vec3 worldPosition;
layout(location = 1) in vec3 worldNormal;
layout(location = 0) out vec4 fragColor;
layout(std140, binding = 0) uniform qt3d_render_view_uniforms {
    mat4 viewMatrix;
    mat4 projectionMatrix;
    mat4 uncorrectedProjectionMatrix;
    mat4 clipCorrectionMatrix;
    mat4 viewProjectionMatrix;
    mat4 inverseViewMatrix;
    mat4 inverseProjectionMatrix;
    mat4 inverseViewProjectionMatrix;
    mat4 viewportMatrix;
    mat4 inverseViewportMatrix;
    vec4 textureTransformMatrix;
    vec3 eyePosition;
    float aspectRatio;
    float gamma;
    float exposure;
    float time;
};
layout(std140, binding = 2) uniform surface_uniforms {
    vec4 surfaceColor;
};
void main()
{
    vec3 n = normalize(worldNormal);
    vec3 v = normalize(eyePosition - worldPosition);
    float facing = abs(dot(n, v));
    float shine = pow(facing, 40.0);
    fragColor = vec4(surfaceColor.rgb * (0.28 + 0.72 * facing) + vec3(0.12 * shine), 1.0);
}
)";

// The same for the OpenGL renderer (QT3D_RENDERER=opengl).
const char kGlVertex[] = R"(#version 150 core
in vec3 vertexPosition;
in vec3 vertexNormal;
out vec3 worldPosition;
out vec3 worldNormal;
uniform mat4 modelMatrix;
uniform mat3 modelNormalMatrix;
uniform mat4 modelViewProjection;
void main()
{
    worldPosition = vec3(modelMatrix * vec4(vertexPosition, 1.0));
    worldNormal = modelNormalMatrix * vertexNormal;
    gl_Position = modelViewProjection * vec4(vertexPosition, 1.0);
}
)";

const char kGlFragment[] = R"(#version 150 core
in vec3 worldPosition;
in vec3 worldNormal;
out vec4 fragColor;
uniform vec3 eyePosition;
uniform vec4 surfaceColor;
void main()
{
    vec3 n = normalize(worldNormal);
    vec3 v = normalize(eyePosition - worldPosition);
    float facing = abs(dot(n, v));
    float shine = pow(facing, 40.0);
    fragColor = vec4(surfaceColor.rgb * (0.28 + 0.72 * facing) + vec3(0.12 * shine), 1.0);
}
)";

Qt3DRender::QTechnique *technique(Qt3DRender::QGraphicsApiFilter::Api api, int major, int minor, const char *vertex,
                                  const char *fragment)
{
    auto *program = new Qt3DRender::QShaderProgram;
    program->setVertexShaderCode(vertex);
    program->setFragmentShaderCode(fragment);
    auto *pass = new Qt3DRender::QRenderPass;
    pass->setShaderProgram(program);
    auto *result = new Qt3DRender::QTechnique;
    result->graphicsApiFilter()->setApi(api);
    if (api == Qt3DRender::QGraphicsApiFilter::OpenGL)
        result->graphicsApiFilter()->setProfile(Qt3DRender::QGraphicsApiFilter::CoreProfile);
    result->graphicsApiFilter()->setMajorVersion(major);
    result->graphicsApiFilter()->setMinorVersion(minor);
    auto *forward = new Qt3DRender::QFilterKey(result);
    forward->setName(QStringLiteral("renderingStyle"));
    forward->setValue(QStringLiteral("forward"));
    result->addFilterKey(forward);
    result->addRenderPass(pass);
    return result;
}

} // namespace

Qt3DRender::QEffect *SurfaceMaterial::createEffect(Qt3DCore::QNode *parent)
{
    auto *effect = new Qt3DRender::QEffect(parent);
    effect->addTechnique(technique(Qt3DRender::QGraphicsApiFilter::RHI, 1, 0, kRhiVertex, kRhiFragment));
    effect->addTechnique(technique(Qt3DRender::QGraphicsApiFilter::OpenGL, 3, 2, kGlVertex, kGlFragment));
    return effect;
}

SurfaceMaterial::SurfaceMaterial(Qt3DRender::QEffect *effect, Qt3DCore::QNode *parent)
    : Qt3DRender::QMaterial(parent)
    , m_parameter(new Qt3DRender::QParameter(QStringLiteral("surfaceColor"), QVector4D(0.6f, 0.6f, 0.6f, 1.0f)))
{
    setEffect(effect);
    addParameter(m_parameter);
}

void SurfaceMaterial::setColor(const QColor &color)
{
    m_color = color;
    m_parameter->setValue(QVector4D(color.redF(), color.greenF(), color.blueF(), 1.0f));
}

} // namespace Laces::App
