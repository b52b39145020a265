#pragma once

#include "model/modelinspector.h"

#include <QColor>
#include <QHash>
#include <QWidget>

#include <functional>

namespace Qt3DCore {
class QEntity;
class QTransform;
}
namespace Qt3DExtras {
class Qt3DWindow;
class QDiffuseSpecularMaterial;
}
namespace Qt3DRender {
class QEffect;
class QLayer;
class QRenderCapture;
class QRenderCaptureReply;
}

namespace Laces::App {

class ParticleCloud;
class SurfaceMaterial;

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
    QColor componentTint(const QString &name) const { return m_parts.value(name).tint; }
    // A note shown as a tooltip while the pointer is over the component (empty: none).
    void setComponentNote(const QString &name, const QString &note);
    // The component's colour in place of its palette colour (the ageing view's damage);
    // an invalid colour gives the palette colour back. Selection and tints still show.
    void setComponentColor(const QString &name, const QColor &color);
    void clearComponentColors();
    QColor componentColor(const QString &name) const;
    Core::BoundingBox componentBounds(const QString &name) const { return m_parts.value(name).bounds; }
    QStringList componentNames() const { return m_parts.keys(); }

    // A stress particle cloud around `component` (about 1,000 instanced particles), hotter
    // with `intensity` (0–1); an empty name hides it.
    void setStressCloud(const QString &component, float intensity);
    ParticleCloud *stressCloud() const { return m_cloud; }
    QString stressCloudComponent() const { return m_cloudComponent; }

    // Collaborators' 3D cursors: a coloured marker with their name, one per id.
    void setCollaboratorCursor(const QString &id, const QString &label, const QColor &color, const QVector3D &position);
    void removeCollaboratorCursor(const QString &id);
    QHash<QString, QVector3D> collaboratorCursors() const;

    QWindow *renderWindow() const;
    // Called with each frame's time in seconds (as Qt 3D's frame action reports it), for
    // measuring; an empty function stops it.
    void setFrameObserver(std::function<void(float seconds)> observer);
    // Asks for the next rendered frame; the reply's completed() signal delivers it.
    Qt3DRender::QRenderCaptureReply *requestCapture();

signals:
    void componentPicked(const QString &name);
    // The pointer is over a component, at this point of its surface (world coordinates).
    void pointerMoved(const QVector3D &position, const QString &component);
    void modelShown();

private:
    struct Part
    {
        Qt3DCore::QEntity *entity = nullptr;
        SurfaceMaterial *material = nullptr;
        QColor baseColor;
        QColor color;   // in place of baseColor when valid
        QColor tint;
        Core::BoundingBox bounds;
        QString note;
    };
    struct Cursor
    {
        Qt3DCore::QEntity *entity = nullptr;
        Qt3DCore::QTransform *transform = nullptr;
        QVector3D position;
    };
    void updateColor(const QString &name);

    Qt3DExtras::Qt3DWindow *m_window;
    Qt3DCore::QEntity *m_root;
    Qt3DCore::QEntity *m_modelRoot = nullptr;
    Qt3DRender::QRenderCapture *m_capture;
    QHash<QString, Part> m_parts;
    QHash<QString, Cursor> m_cursors;
    QString m_selected;
    Core::BoundingBox m_bounds;
    ParticleCloud *m_cloud = nullptr;
    Qt3DRender::QEffect *m_surfaceEffect = nullptr;
    Qt3DRender::QLayer *m_overlay = nullptr;   // what is drawn over the scene
    QObject *m_frameAction = nullptr;
    QString m_cloudComponent;
};

} // namespace Laces::App
