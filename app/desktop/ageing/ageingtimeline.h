#pragma once

#include <QColor>
#include <QSlider>

#include <vector>

namespace Laces::App {

// The 4D view's time slider: one position per point of a run's timeline (the measured past
// left of "now", the simulated future right of it), with "now" and the twin's versions
// marked on the groove, and maintenance tickets as dots under it at the time they were
// opened, coloured by severity (each with a tooltip). Keyboard: arrows step a point, Page Up/Down ten, Home/End the ends.
class AgeingTimeline : public QSlider
{
    Q_OBJECT

public:
    explicit AgeingTimeline(QWidget *parent = nullptr);

    struct Marker
    {
        int index = 0;
        QString label;
    };
    // The timeline's points in years from the start, and where the start ("now") is.
    void setTimes(const std::vector<double> &years, int startIndex);
    void setMarkers(const QList<Marker> &markers);
    const QList<Marker> &markers() const { return m_markers; }
    struct TicketMarker
    {
        int index = 0;
        QColor color;
        QString label;
    };
    void setTicketMarkers(const QList<TicketMarker> &markers);
    const QList<TicketMarker> &ticketMarkers() const { return m_tickets; }
    // Where a point of the timeline is drawn, in widget x.
    double positionOf(int index) const;
    double yearsAt(int index) const;
    // The point at or just before `years`.
    int indexAt(double years) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:

    std::vector<double> m_years;
    int m_startIndex = 0;
    QList<Marker> m_markers;
    QList<TicketMarker> m_tickets;
};

} // namespace Laces::App
