#pragma once

#include <Qt3DRender/QMaterial>

#include <QColor>

namespace Qt3DRender {
class QEffect;
class QParameter;
}

namespace Laces::App {

// The material of a model's parts: one colour, lit by a light at the eye, both faces
// alike (CAD exports do not agree on winding). A short shader on purpose: under software
// rendering (Mesa llvmpipe) Qt 3D's Phong materials cost a frame several times as much.
class SurfaceMaterial : public Qt3DRender::QMaterial
{
    Q_OBJECT

public:
    // The effect (shaders) all parts of one scene share; make one per scene (a node cannot
    // be shared between scenes).
    static Qt3DRender::QEffect *createEffect(Qt3DCore::QNode *parent);
    SurfaceMaterial(Qt3DRender::QEffect *effect, Qt3DCore::QNode *parent);
    void setColor(const QColor &color);
    QColor color() const { return m_color; }

private:
    QColor m_color;
    Qt3DRender::QParameter *m_parameter;
};

} // namespace Laces::App
