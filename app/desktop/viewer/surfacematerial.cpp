#include "surfacematerial.h"

#include "shadertechniques.h"

#include <Qt3DRender/QParameter>

#include <QVector4D>

namespace Laces::App {

namespace {

// Lit from the eye, both faces alike: a quarter ambient, the rest by how squarely the
// surface faces the viewer, and a small highlight.
ShaderSources shaders()
{
    ShaderSources sources;
    sources.rhiVertexDeclarations = "layout(location = 0) in vec3 vertexPosition;\n"
                                    "layout(location = 1) in vec3 vertexNormal;\n"
                                    "layout(location = 0) out vec3 worldPosition;\n"
                                    "layout(location = 1) out vec3 worldNormal;\n"
                                    + rhiCommandUniforms();
    sources.glVertexDeclarations = "in vec3 vertexPosition;\n"
                                   "in vec3 vertexNormal;\n"
                                   "out vec3 worldPosition;\n"
                                   "out vec3 worldNormal;\n"
                                   "uniform mat4 modelMatrix;\n"
                                   "uniform mat3 modelNormalMatrix;\n"
                                   "uniform mat4 modelViewProjection;\n";
    sources.vertexBody = R"(
void main()
{
    worldPosition = vec3(modelMatrix * vec4(vertexPosition, 1.0));
    worldNormal = modelNormalMatrix * vertexNormal;
    gl_Position = modelViewProjection * vec4(vertexPosition, 1.0);
}
)";
    sources.rhiFragmentDeclarations = "layout(location = 0) in vec3 worldPosition;\n"
                                      "layout(location = 1) in vec3 worldNormal;\n"
                                      "layout(location = 0) out vec4 fragColor;\n"
                                      + rhiRenderViewUniforms()
                                      + "layout(std140, binding = 2) uniform surface_uniforms {\n"
                                        "    vec4 surfaceColor;\n"
                                        "};\n";
    sources.glFragmentDeclarations = "in vec3 worldPosition;\n"
                                     "in vec3 worldNormal;\n"
                                     "out vec4 fragColor;\n"
                                     "uniform vec3 eyePosition;\n"
                                     "uniform vec4 surfaceColor;\n";
    sources.fragmentBody = R"(
void main()
{
    vec3 n = normalize(worldNormal);
    vec3 v = normalize(eyePosition - worldPosition);
    float facing = abs(dot(n, v));
    float shine = pow(facing, 40.0);
    fragColor = vec4(surfaceColor.rgb * (0.28 + 0.72 * facing) + vec3(0.12 * shine), 1.0);
}
)";
    return sources;
}

} // namespace

Qt3DRender::QEffect *SurfaceMaterial::createEffect(Qt3DCore::QNode *parent)
{
    return makeEffect(shaders(), {}, parent);
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
