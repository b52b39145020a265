#include "ageingtimeline.h"

#include <QHelpEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QToolTip>

#include <algorithm>

namespace Laces::App {

AgeingTimeline::AgeingTimeline(QWidget *parent)
    : QSlider(Qt::Horizontal, parent)
{
    setObjectName(QStringLiteral("timeline"));
    setFocusPolicy(Qt::StrongFocus);
    setPageStep(10);
    setMinimumHeight(34);
    setTickPosition(QSlider::NoTicks);
}

void AgeingTimeline::setTimes(const std::vector<double> &years, int startIndex)
{
    m_years = years;
    m_startIndex = startIndex;
    const QSignalBlocker blocker(this);
    setRange(0, std::max(0, int(years.size()) - 1));
    update();
}

void AgeingTimeline::setMarkers(const QList<Marker> &markers)
{
    m_markers = markers;
    update();
}

void AgeingTimeline::setTicketMarkers(const QList<TicketMarker> &markers)
{
    m_tickets = markers;
    update();
}

double AgeingTimeline::yearsAt(int index) const
{
    if (m_years.empty())
        return 0;
    return m_years[size_t(std::clamp(index, 0, int(m_years.size()) - 1))];
}

int AgeingTimeline::indexAt(double years) const
{
    const auto after = std::upper_bound(m_years.begin(), m_years.end(), years);
    return std::max(0, int(after - m_years.begin()) - 1);
}

double AgeingTimeline::positionOf(int index) const
{
    QStyleOptionSlider option;
    initStyleOption(&option);
    const QRect groove = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
    const int handle = style()->pixelMetric(QStyle::PM_SliderLength, &option, this);
    const int span = groove.width() - handle;
    return groove.left() + handle / 2.0 + (maximum() > 0 ? double(span) * index / maximum() : 0.0);
}

void AgeingTimeline::paintEvent(QPaintEvent *event)
{
    QSlider::paintEvent(event);
    if (m_years.empty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    // The measured past, shaded; "now" as a line.
    const double now = positionOf(m_startIndex);
    painter.fillRect(QRectF(positionOf(0), height() / 2.0 - 3, now - positionOf(0), 6), QColor(90, 140, 200, 90));
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.drawLine(QPointF(now, 2), QPointF(now, height() - 2));
    // Versions: small triangles above the groove.
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(230, 160, 30));
    for (const Marker &marker : m_markers) {
        const double x = positionOf(marker.index);
        const QPointF triangle[] = {{x - 5, 1}, {x + 5, 1}, {x, 9}};
        painter.drawPolygon(triangle, 3);
    }
    // Tickets: dots under the groove, the worst drawn last (on top).
    for (const TicketMarker &ticket : m_tickets) {
        painter.setPen(QPen(Qt::white, 1));
        painter.setBrush(ticket.color);
        painter.drawEllipse(QPointF(positionOf(ticket.index), height() - 5.5), 4, 4);
    }
}

bool AgeingTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        for (const Marker &marker : m_markers) {
            if (std::abs(positionOf(marker.index) - help->pos().x()) <= 6 && help->pos().y() <= 14) {
                QToolTip::showText(help->globalPos(), marker.label, this);
                return true;
            }
        }
        QStringList tickets;
        for (const TicketMarker &ticket : m_tickets) {
            if (std::abs(positionOf(ticket.index) - help->pos().x()) <= 5 && help->pos().y() >= height() - 12)
                tickets.append(ticket.label);
        }
        if (!tickets.isEmpty()) {
            QToolTip::showText(help->globalPos(), tickets.join(QLatin1Char('\n')), this);
            return true;
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QSlider::event(event);
}

} // namespace Laces::App
