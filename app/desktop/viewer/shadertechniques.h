#pragma once

#include <QByteArray>

#include <functional>

class QString;

namespace Qt3DCore {
class QAttribute;
class QBuffer;
class QGeometry;
class QNode;
}
namespace Qt3DRender {
class QEffect;
class QRenderPass;
}

namespace Laces::App {

// A shader of our own for both of Qt 3D's renderers: RHI (Qt 6's default, Vulkan-style
// GLSL 450 with Qt 3D's uniform blocks) and OpenGL 3.2 core (QT3D_RENDERER=opengl). Each
// source is its declarations for one renderer plus a body the two share.
struct ShaderSources
{
    QByteArray rhiVertexDeclarations, glVertexDeclarations, vertexBody;
    QByteArray rhiFragmentDeclarations, glFragmentDeclarations, fragmentBody;
};

// Qt 3D's per-draw uniform block, as the RHI renderer declares it (binding 1), and its
// per-view block (binding 0).
QByteArray rhiCommandUniforms();
QByteArray rhiRenderViewUniforms();

// An effect with one technique per renderer, each of one pass; `states` adds render states
// to each pass. The techniques carry renderingStyle = forward, which the forward renderer
// asks for.
Qt3DRender::QEffect *makeEffect(const ShaderSources &sources,
                                const std::function<void(Qt3DRender::QRenderPass *pass)> &states,
                                Qt3DCore::QNode *parent);

// Adds to `geometry` a vertex attribute of `size` floats per vertex read from `buffer`
// (`stride` bytes apart, 0 for packed, from `offset`), `count` vertices.
Qt3DCore::QAttribute *addFloatAttribute(Qt3DCore::QGeometry *geometry, const QString &name, Qt3DCore::QBuffer *buffer,
                                        uint size, uint count, uint stride = 0, uint offset = 0);

} // namespace Laces::App
