#include "telemetrychartview.h"

#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

namespace Laces::App {

TelemetryChartView::TelemetryChartView(QChart *chart, QWidget *parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    setToolTip(tr("Wheel: zoom. Drag: pan. Double click: back to the chosen range."));
}

void TelemetryChartView::setTimeRange(qint64 fromMs, qint64 toMs)
{
    m_fromMs = fromMs;
    m_toMs = toMs;
}

double TelemetryChartView::msPerPixel() const
{
    const double width = chart()->plotArea().width();
    return width > 0 ? double(m_toMs - m_fromMs) / width : 0;
}

void TelemetryChartView::wheelEvent(QWheelEvent *event)
{
    const QRectF plot = chart()->plotArea();
    if (plot.width() <= 0 || m_toMs <= m_fromMs) {
        event->ignore();
        return;
    }
    // Zoom around the time under the pointer; 120 units (one notch) = 25 %.
    const double factor = std::pow(0.8, event->angleDelta().y() / 120.0);
    const double at = std::clamp((event->position().x() - plot.left()) / plot.width(), 0.0, 1.0);
    const double span = double(m_toMs - m_fromMs);
    const double pivot = double(m_fromMs) + at * span;
    const double newSpan = std::max(1000.0, span * factor);
    emit rangeRequested(qint64(pivot - at * newSpan), qint64(pivot + (1 - at) * newSpan));
    event->accept();
}

void TelemetryChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && chart()->plotArea().contains(event->position())) {
        m_dragging = true;
        m_dragStartX = event->position().x();
        m_dragFromMs = m_fromMs;
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void TelemetryChartView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging) {
        QChartView::mouseMoveEvent(event);
        return;
    }
    const qint64 shift = qint64((m_dragStartX - event->position().x()) * msPerPixel());
    const qint64 span = m_toMs - m_fromMs;
    emit rangeRequested(m_dragFromMs + shift, m_dragFromMs + shift + span);
    event->accept();
}

void TelemetryChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        unsetCursor();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void TelemetryChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    emit resetRequested();
    event->accept();
}

} // namespace Laces::App
