#pragma once

#include "model/modelinspector.h"

#include <QColor>
#include <QHash>
#include <QWidget>

namespace Qt3DCore {
class QEntity;
}
namespace Qt3DExtras {
class Qt3DWindow;
class QDiffuseSpecularMaterial;
}
namespace Qt3DRender {
class QRenderCapture;
class QRenderCaptureReply;
}

namespace Laces::App {

// The 3D view of one model (Qt3D): one entity per component built from core's geometry
// (Qt3D 6.4 cannot load glTF 2.0 itself), lit from the camera, orbit/pan/zoom with the
// mouse, triangle picking, per-component visibility and highlight. Scene building stays
// behind this class, as Qt3D is deprecated from Qt 6.8.
class SceneView : public QWidget
{
    Q_OBJECT

public:
    explicit SceneView(QWidget *parent = nullptr);
    ~SceneView() override;

    void setModel(const Core::ModelGeometry &geometry);
    void clear();
    void fitToView();
    void setSelectedComponent(const QString &name);
    QString selectedComponent() const { return m_selected; }
    void setComponentVisible(const QString &name, bool visible);
    bool isComponentVisible(const QString &name) const;
    // Tints a component (e.g. locked by someone else); an invalid colour removes the tint.
    void setComponentTint(const QString &name, const QColor &color);

    QWindow *renderWindow() const;
    // Asks for the next rendered frame; the reply's completed() signal delivers it.
    Qt3DRender::QRenderCaptureReply *requestCapture();

signals:
    void componentPicked(const QString &name);
    void modelShown();

private:
    struct Part
    {
        Qt3DCore::QEntity *entity = nullptr;
        Qt3DExtras::QDiffuseSpecularMaterial *material = nullptr;
        QColor baseColor;
        QColor tint;
    };
    void updateColor(const QString &name);

    Qt3DExtras::Qt3DWindow *m_window;
    Qt3DCore::QEntity *m_root;
    Qt3DCore::QEntity *m_modelRoot = nullptr;
    Qt3DRender::QRenderCapture *m_capture;
    QHash<QString, Part> m_parts;
    QString m_selected;
    Core::BoundingBox m_bounds;
};

} // namespace Laces::App
