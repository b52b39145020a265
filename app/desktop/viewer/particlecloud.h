#pragma once

#include <Qt3DCore/QEntity>

#include <QElapsedTimer>
#include <QVector3D>

namespace Qt3DRender {
class QParameter;
}

namespace Laces::App {

// A cloud of stress particles around a component: one instanced draw of `count` small
// octahedra (not `count` entities), animated on the GPU. Each particle has a fixed direction and
// phase; the vertex shader places it on a breathing shell around the region and flickers
// it, hotter (redder, brighter, faster) as the intensity (the component's damage) grows.
class ParticleCloud : public Qt3DCore::QEntity
{
    Q_OBJECT

public:
    explicit ParticleCloud(int count, Qt3DCore::QNode *parent = nullptr);

    int count() const { return m_count; }
    void setRegion(const QVector3D &center, const QVector3D &halfExtent);
    void setIntensity(float intensity);
    // A particle's radius, in the scene's units.
    void setParticleSize(float size);
    QVector3D center() const { return m_centerValue; }
    // Seconds since it was made; the animation follows (set by its own clock while shown).
    void setTime(float seconds);
    // Holds the animation (and the frames it asks for) while the CPU is wanted elsewhere.
    void setPaused(bool paused);

private:
    int m_count;
    float m_time = 0;
    QElapsedTimer m_clock;
    bool m_paused = false;
    QVector3D m_centerValue;
    Qt3DRender::QParameter *m_center;
    Qt3DRender::QParameter *m_extent;
    Qt3DRender::QParameter *m_intensity;
    Qt3DRender::QParameter *m_timeParameter;
    Qt3DRender::QParameter *m_size;
};

} // namespace Laces::App
