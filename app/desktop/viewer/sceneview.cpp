#include "sceneview.h"

#include "particlecloud.h"
#include "shadertechniques.h"
#include "surfacematerial.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QEntity>
#include <Qt3DCore/QGeometry>
#include <Qt3DCore/QTransform>
#include <Qt3DExtras/QDiffuseSpecularMaterial>
#include <Qt3DExtras/QOrbitCameraController>
#include <Qt3DExtras/QSphereMesh>
#include <Qt3DExtras/QText2DEntity>
#include <Qt3DExtras/Qt3DWindow>
#include <Qt3DLogic/QFrameAction>
#include <Qt3DRender/QCamera>
#include <Qt3DRender/QCameraSelector>
#include <Qt3DRender/QClearBuffers>
#include <Qt3DRender/QDirectionalLight>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QLayer>
#include <Qt3DRender/QLayerFilter>
#include <Qt3DRender/QNoDraw>
#include <Qt3DRender/QObjectPicker>
#include <Qt3DRender/QPickEvent>
#include <Qt3DRender/QPickingSettings>
#include <Qt3DRender/QRenderCapture>
#include <Qt3DRender/QRenderSettings>
#include <Qt3DRender/QRenderSurfaceSelector>
#include <Qt3DRender/QViewport>

#include <QCursor>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace Laces::App {

namespace {

const QColor kSelected(255, 170, 0);

// A calm palette, so that neighbouring parts can be told apart.
QColor partColor(int index)
{
    static const QColor palette[] = {QColor(120, 144, 170), QColor(160, 160, 165), QColor(110, 150, 130),
                                     QColor(170, 140, 110), QColor(140, 125, 165), QColor(100, 140, 160)};
    return palette[index % 6];
}

Qt3DCore::QGeometry *makeGeometry(const Core::ComponentGeometry &part, Qt3DCore::QNode *parent)
{
    auto *geometry = new Qt3DCore::QGeometry(parent);
    auto *vertexBuffer = new Qt3DCore::QBuffer(geometry);
    vertexBuffer->setData(QByteArray(reinterpret_cast<const char *>(part.vertices.constData()),
                                     part.vertices.size() * qsizetype(sizeof(float))));
    auto *indexBuffer = new Qt3DCore::QBuffer(geometry);
    indexBuffer->setData(QByteArray(reinterpret_cast<const char *>(part.indices.constData()),
                                    part.indices.size() * qsizetype(sizeof(quint32))));
    const uint vertexCount = uint(part.vertices.size() / 6);
    const uint stride = 6 * sizeof(float);

    addFloatAttribute(geometry, Qt3DCore::QAttribute::defaultPositionAttributeName(), vertexBuffer, 3, vertexCount,
                      stride);
    addFloatAttribute(geometry, Qt3DCore::QAttribute::defaultNormalAttributeName(), vertexBuffer, 3, vertexCount,
                      stride, 3 * sizeof(float));

    auto *index = new Qt3DCore::QAttribute(geometry);
    index->setAttributeType(Qt3DCore::QAttribute::IndexAttribute);
    index->setVertexBaseType(Qt3DCore::QAttribute::UnsignedInt);
    index->setBuffer(indexBuffer);
    index->setCount(uint(part.indices.size()));
    geometry->addAttribute(index);
    return geometry;
}

} // namespace

SceneView::SceneView(QWidget *parent)
    : QWidget(parent)
    , m_window(new Qt3DExtras::Qt3DWindow)
    , m_root(new Qt3DCore::QEntity)
    , m_capture(new Qt3DRender::QRenderCapture)
{
    // The frame graph: the scene, then overlays (the stress cloud) drawn over it in a pass of
    // their own, so that a cloud round a part inside the model still shows. QRenderCapture
    // delivers frames only when it wraps the whole graph.
    auto *surface = new Qt3DRender::QRenderSurfaceSelector(m_capture);
    surface->setSurface(m_window);
    auto *viewport = new Qt3DRender::QViewport(surface);
    viewport->setNormalizedRect(QRectF(0, 0, 1, 1));
    auto *cameraSelector = new Qt3DRender::QCameraSelector(viewport);
    cameraSelector->setCamera(m_window->camera());
    auto *clear = new Qt3DRender::QClearBuffers(cameraSelector);
    clear->setBuffers(Qt3DRender::QClearBuffers::ColorDepthBuffer);
    clear->setClearColor(QColor(38, 42, 48));
    new Qt3DRender::QNoDraw(clear);
    m_overlay = new Qt3DRender::QLayer(m_root);
    m_overlay->setRecursive(true);
    auto *scene = new Qt3DRender::QLayerFilter(cameraSelector);
    scene->addLayer(m_overlay);
    scene->setFilterMode(Qt3DRender::QLayerFilter::DiscardAnyMatchingLayers);
    auto *overlay = new Qt3DRender::QLayerFilter(cameraSelector);
    overlay->addLayer(m_overlay);
    overlay->setFilterMode(Qt3DRender::QLayerFilter::AcceptAnyMatchingLayers);
    m_window->setActiveFrameGraph(m_capture);
    // Parts are picked by their triangles, not by bounding spheres (Qt3D's default).
    // Frames only when something changed: an idle model costs no CPU (Qt 3D's default
    // renders continuously, which under software rendering keeps every core busy).
    m_window->renderSettings()->setRenderPolicy(Qt3DRender::QRenderSettings::OnDemand);
    m_window->renderSettings()->pickingSettings()->setPickMethod(Qt3DRender::QPickingSettings::TrianglePicking);
    m_window->renderSettings()->pickingSettings()->setPickResultMode(Qt3DRender::QPickingSettings::NearestPick);

    Qt3DRender::QCamera *camera = m_window->camera();
    camera->lens()->setPerspectiveProjection(40.0f, 4.0f / 3.0f, 0.1f, 10000.0f);
    camera->setPosition(QVector3D(0, 0, 10));
    camera->setViewCenter(QVector3D(0, 0, 0));
    // A light that follows the camera, so that whatever faces the user is lit.
    auto *light = new Qt3DRender::QDirectionalLight(camera);
    light->setWorldDirection(QVector3D(-0.3f, -0.4f, -1.0f));
    light->setIntensity(0.9f);
    camera->addComponent(light);
    auto *controller = new Qt3DExtras::QOrbitCameraController(m_root);
    controller->setCamera(camera);
    controller->setLinearSpeed(50.0f);
    controller->setLookSpeed(180.0f);
    m_window->setRootEntity(m_root);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QWidget *container = QWidget::createWindowContainer(m_window, this);
    container->setMinimumSize(320, 240);
    container->setFocusPolicy(Qt::StrongFocus);
    layout->addWidget(container);
}

SceneView::~SceneView() = default;

QWindow *SceneView::renderWindow() const
{
    return m_window;
}

void SceneView::clear()
{
    delete m_modelRoot;
    m_modelRoot = nullptr;
    m_parts.clear();
    m_selected.clear();
    setStressCloud({}, 0);
}

void SceneView::setModel(const Core::ModelGeometry &geometry)
{
    clear();
    m_modelRoot = new Qt3DCore::QEntity(m_root);
    if (!m_surfaceEffect)
        m_surfaceEffect = SurfaceMaterial::createEffect(m_root);
    m_bounds = geometry.info.bounds;
    int index = 0;
    for (const Core::ComponentGeometry &component : geometry.components) {
        auto *entity = new Qt3DCore::QEntity(m_modelRoot);
        auto *renderer = new Qt3DRender::QGeometryRenderer(entity);
        renderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Triangles);
        renderer->setGeometry(makeGeometry(component, renderer));
        auto *material = new SurfaceMaterial(m_surfaceEffect, entity);
        auto *picker = new Qt3DRender::QObjectPicker(entity);
        const QString name = component.name;
        picker->setHoverEnabled(true);
        connect(picker, &Qt3DRender::QObjectPicker::moved, this, [this, name](Qt3DRender::QPickEvent *event) {
            emit pointerMoved(event->worldIntersection(), name);
        });
        connect(picker, &Qt3DRender::QObjectPicker::entered, this, [this, name] {
            const QString note = m_parts.value(name).note;
            if (!note.isEmpty())
                QToolTip::showText(QCursor::pos(), note, this);
        });
        connect(picker, &Qt3DRender::QObjectPicker::exited, this, [] { QToolTip::hideText(); });
        connect(picker, &Qt3DRender::QObjectPicker::clicked, this, [this, name](Qt3DRender::QPickEvent *event) {
            if (event->button() != Qt3DRender::QPickEvent::LeftButton)
                return;
            setSelectedComponent(name);
            emit componentPicked(name);
        });
        entity->addComponent(renderer);
        entity->addComponent(material);
        entity->addComponent(picker);
        Part part;
        part.entity = entity;
        part.material = material;
        part.baseColor = partColor(index++);
        part.bounds = component.bounds;
        m_parts.insert(name, part);
        updateColor(name);
    }
    fitToView();
    emit modelShown();
}

void SceneView::fitToView()
{
    if (m_bounds.isEmpty())
        return;
    const QVector3D center = (m_bounds.min + m_bounds.max) / 2.0f;
    const float radius = qMax(1e-3f, (m_bounds.max - m_bounds.min).length() / 2.0f);
    Qt3DRender::QCamera *camera = m_window->camera();
    // The narrower of the vertical and horizontal fields of view decides the distance.
    const float verticalFov = camera->fieldOfView() * float(M_PI) / 180.0f;
    const float aspect = m_window->height() > 0 ? float(m_window->width()) / float(m_window->height()) : 1.0f;
    const float horizontalFov = 2.0f * std::atan(std::tan(verticalFov / 2.0f) * aspect);
    const float fov = qMin(verticalFov, horizontalFov);
    const float distance = radius / std::sin(fov / 2.0f) * 1.05f;
    camera->setViewCenter(center);
    camera->setUpVector(QVector3D(0, 1, 0));
    camera->setPosition(center + QVector3D(0.45f, 0.35f, 1.0f).normalized() * distance);
    camera->setNearPlane(distance / 100.0f);
    camera->setFarPlane(distance * 10.0f);
    if (auto *controller = m_root->findChild<Qt3DExtras::QOrbitCameraController *>())
        controller->setLinearSpeed(radius * 2.0f);
}

void SceneView::setSelectedComponent(const QString &name)
{
    const QString previous = m_selected;
    m_selected = m_parts.contains(name) ? name : QString();
    if (!previous.isEmpty())
        updateColor(previous);
    if (!m_selected.isEmpty())
        updateColor(m_selected);
}

void SceneView::setComponentVisible(const QString &name, bool visible)
{
    if (auto it = m_parts.find(name); it != m_parts.end())
        it->entity->setEnabled(visible);
}

bool SceneView::isComponentVisible(const QString &name) const
{
    const auto it = m_parts.find(name);
    return it != m_parts.end() && it->entity->isEnabled();
}

void SceneView::setComponentTint(const QString &name, const QColor &color)
{
    if (auto it = m_parts.find(name); it != m_parts.end()) {
        it->tint = color;
        updateColor(name);
    }
}

void SceneView::setComponentNote(const QString &name, const QString &note)
{
    if (auto it = m_parts.find(name); it != m_parts.end())
        it->note = note;
}

void SceneView::setComponentColor(const QString &name, const QColor &color)
{
    if (auto it = m_parts.find(name); it != m_parts.end() && it->color != color) {
        it->color = color;
        updateColor(name);
    }
}

void SceneView::clearComponentColors()
{
    for (auto it = m_parts.begin(); it != m_parts.end(); ++it) {
        if (it->color.isValid()) {
            it->color = QColor();
            updateColor(it.key());
        }
    }
}

QColor SceneView::componentColor(const QString &name) const
{
    const auto it = m_parts.find(name);
    if (it == m_parts.end())
        return {};
    return it->material->color();
}

void SceneView::setStressCloud(const QString &component, float intensity)
{
    const auto part = m_parts.constFind(component);
    if (component.isEmpty() || part == m_parts.cend() || part->bounds.isEmpty()) {
        if (m_cloud)
            m_cloud->setEnabled(false);
        m_cloudComponent.clear();
        return;
    }
    if (!m_cloud) {
        m_cloud = new ParticleCloud(1000, m_root);
        m_cloud->addComponent(m_overlay);
    }
    // Around the part, and never smaller than a few percent of the model.
    const QVector3D half = (part->bounds.max - part->bounds.min) / 2.0f;
    const float minimum = m_bounds.isEmpty() ? 0.0f : (m_bounds.max - m_bounds.min).length() * 0.04f;
    const QVector3D extent(std::max(half.x() * 1.4f, minimum), std::max(half.y() * 1.4f, minimum),
                           std::max(half.z() * 1.4f, minimum));
    m_cloud->setRegion((part->bounds.min + part->bounds.max) / 2.0f, extent);
    m_cloud->setParticleSize(std::max(minimum * 0.1f, 1e-6f));
    m_cloud->setIntensity(intensity);
    m_cloud->setEnabled(true);
    m_cloudComponent = component;
}

void SceneView::setCollaboratorCursor(const QString &id, const QString &label, const QColor &color,
                                      const QVector3D &position)
{
    auto it = m_cursors.find(id);
    if (it == m_cursors.end()) {
        Cursor cursor;
        cursor.entity = new Qt3DCore::QEntity(m_root);
        // Sized to the model, so that it reads at any scale.
        const float size = m_bounds.isEmpty() ? 0.05f : qMax(1e-4f, (m_bounds.max - m_bounds.min).length() * 0.012f);
        auto *sphere = new Qt3DExtras::QSphereMesh(cursor.entity);
        sphere->setRadius(size);
        auto *material = new Qt3DExtras::QDiffuseSpecularMaterial(cursor.entity);
        material->setDiffuse(color);
        material->setAmbient(color.darker(150));
        cursor.transform = new Qt3DCore::QTransform(cursor.entity);
        auto *text = new Qt3DExtras::QText2DEntity(cursor.entity);
        text->setText(label);
        text->setColor(color.lighter(130));
        text->setHeight(size * 4);
        text->setWidth(size * 4 * qMax<qsizetype>(4, label.size()));
        text->setFont(QFont(QStringLiteral("Sans"), 12));
        auto *textOffset = new Qt3DCore::QTransform(text);
        textOffset->setTranslation(QVector3D(size * 1.5f, size * 0.5f, 0));
        textOffset->setScale(0.25f);
        text->addComponent(textOffset);
        cursor.entity->addComponent(sphere);
        cursor.entity->addComponent(material);
        cursor.entity->addComponent(cursor.transform);
        it = m_cursors.insert(id, cursor);
    }
    it->position = position;
    it->transform->setTranslation(position);
}

void SceneView::removeCollaboratorCursor(const QString &id)
{
    const Cursor cursor = m_cursors.take(id);
    delete cursor.entity;
}

QHash<QString, QVector3D> SceneView::collaboratorCursors() const
{
    QHash<QString, QVector3D> positions;
    for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it)
        positions.insert(it.key(), it->position);
    return positions;
}

void SceneView::updateColor(const QString &name)
{
    const auto it = m_parts.find(name);
    if (it == m_parts.end())
        return;
    QColor color = it->tint.isValid() ? it->tint : it->color.isValid() ? it->color : it->baseColor;
    if (name == m_selected)
        color = kSelected;
    it->material->setColor(color);
}

void SceneView::setFrameObserver(std::function<void(float seconds)> observer)
{
    delete m_frameAction;
    m_frameAction = nullptr;
    if (!observer)
        return;
    auto *action = new Qt3DLogic::QFrameAction(m_root);
    connect(action, &Qt3DLogic::QFrameAction::triggered, this, [observer](float seconds) { observer(seconds); });
    m_root->addComponent(action);
    m_frameAction = action;
}

Qt3DRender::QRenderCaptureReply *SceneView::requestCapture()
{
    return m_capture->requestCapture();
}

} // namespace Laces::App
