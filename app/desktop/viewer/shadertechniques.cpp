#include "shadertechniques.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QGeometry>
#include <Qt3DRender/QEffect>
#include <Qt3DRender/QFilterKey>
#include <Qt3DRender/QGraphicsApiFilter>
#include <Qt3DRender/QRenderPass>
#include <Qt3DRender/QShaderProgram>
#include <Qt3DRender/QTechnique>

namespace Laces::App {

QByteArray rhiCommandUniforms()
{
    return "layout(std140, binding = 1) uniform qt3d_command_uniforms {\n"
           "    mat4 modelMatrix;\n"
           "    mat4 inverseModelMatrix;\n"
           "    mat4 modelViewMatrix;\n"
           "    mat3 modelNormalMatrix;\n"
           "    mat4 inverseModelViewMatrix;\n"
           "    mat4 modelViewProjection;\n"
           "    mat4 inverseModelViewProjectionMatrix;\n"
           "};\n";
}

QByteArray rhiRenderViewUniforms()
{
    return "layout(std140, binding = 0) uniform qt3d_render_view_uniforms {\n"
           "    mat4 viewMatrix;\n"
           "    mat4 projectionMatrix;\n"
           "    mat4 uncorrectedProjectionMatrix;\n"
           "    mat4 clipCorrectionMatrix;\n"
           "    mat4 viewProjectionMatrix;\n"
           "    mat4 inverseViewMatrix;\n"
           "    mat4 inverseProjectionMatrix;\n"
           "    mat4 inverseViewProjectionMatrix;\n"
           "    mat4 viewportMatrix;\n"
           "    mat4 inverseViewportMatrix;\n"
           "    vec4 textureTransformMatrix;\n"
           "    vec3 eyePosition;\n"
           "    float aspectRatio;\n"
           "    float gamma;\n"
           "    float exposure;\n"
           "    float time;\n"
           "};\n";
}

Qt3DRender::QEffect *makeEffect(const ShaderSources &sources,
                                const std::function<void(Qt3DRender::QRenderPass *pass)> &states,
                                Qt3DCore::QNode *parent)
{
    auto *effect = new Qt3DRender::QEffect(parent);
    const auto add = [&](Qt3DRender::QGraphicsApiFilter::Api api, int major, int minor, const QByteArray &version,
                         const QByteArray &vertexDeclarations, const QByteArray &fragmentDeclarations) {
        auto *program = new Qt3DRender::QShaderProgram;
        program->setVertexShaderCode(version + vertexDeclarations + sources.vertexBody);
        program->setFragmentShaderCode(version + fragmentDeclarations + sources.fragmentBody);
        auto *pass = new Qt3DRender::QRenderPass;
        pass->setShaderProgram(program);
        if (states)
            states(pass);
        auto *technique = new Qt3DRender::QTechnique;
        technique->graphicsApiFilter()->setApi(api);
        if (api == Qt3DRender::QGraphicsApiFilter::OpenGL)
            technique->graphicsApiFilter()->setProfile(Qt3DRender::QGraphicsApiFilter::CoreProfile);
        technique->graphicsApiFilter()->setMajorVersion(major);
        technique->graphicsApiFilter()->setMinorVersion(minor);
        auto *forward = new Qt3DRender::QFilterKey(technique);
        forward->setName(QStringLiteral("renderingStyle"));
        forward->setValue(QStringLiteral("forward"));
        technique->addFilterKey(forward);
        technique->addRenderPass(pass);
        effect->addTechnique(technique);
    };
    add(Qt3DRender::QGraphicsApiFilter::RHI, 1, 0, "#version 450 core\n", sources.rhiVertexDeclarations,
        sources.rhiFragmentDeclarations);
    add(Qt3DRender::QGraphicsApiFilter::OpenGL, 3, 2, "#version 150 core\n", sources.glVertexDeclarations,
        sources.glFragmentDeclarations);
    return effect;
}

Qt3DCore::QAttribute *addFloatAttribute(Qt3DCore::QGeometry *geometry, const QString &name, Qt3DCore::QBuffer *buffer,
                                        uint size, uint count, uint stride, uint offset)
{
    auto *attribute = new Qt3DCore::QAttribute(geometry);
    attribute->setName(name);
    attribute->setVertexBaseType(Qt3DCore::QAttribute::Float);
    attribute->setVertexSize(size);
    attribute->setAttributeType(Qt3DCore::QAttribute::VertexAttribute);
    attribute->setBuffer(buffer);
    attribute->setByteStride(stride);
    attribute->setByteOffset(offset);
    attribute->setCount(count);
    geometry->addAttribute(attribute);
    return attribute;
}

} // namespace Laces::App
