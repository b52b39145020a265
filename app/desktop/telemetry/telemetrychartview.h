#pragma once

#include <QChartView>

namespace Laces::App {

// A chart view whose time axis the user moves: the wheel zooms around the pointer, a drag
// pans, a double click asks for the chosen range again. It only reports what was asked
// (rangeRequested, resetRequested); the dashboard fetches and sets the range.
class TelemetryChartView : public QChartView
{
    Q_OBJECT

public:
    explicit TelemetryChartView(QChart *chart, QWidget *parent = nullptr);

    // The time shown, in ms since the epoch.
    void setTimeRange(qint64 fromMs, qint64 toMs);

signals:
    void rangeRequested(qint64 fromMs, qint64 toMs);
    void resetRequested();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    double msPerPixel() const;

    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    bool m_dragging = false;
    double m_dragStartX = 0;
    qint64 m_dragFromMs = 0;
};

} // namespace Laces::App
