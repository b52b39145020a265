#pragma once

#include <QJsonObject>
#include <QWidget>

class QBarSet;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;

namespace Laces::App {

class Session;

// What made a ticket, drawn: the telemetry window that triggered it (from the node's
// telemetry, a little before and after) with the limit as a line, the trend's hourly means
// with its projection to the limit and the crossing, and for anomalies the score against
// its threshold and the drivers' shares as bars. Tickets without such evidence say so.
class EvidenceChart : public QWidget
{
    Q_OBJECT

public:
    EvidenceChart(Session *session, QWidget *parent = nullptr);

    void showTicket(const QJsonObject &ticket);
    void clear();

    QChart *timeChart() const;
    QChart *barChart() const;
    // The metric's telemetry around the window (empty until it arrived).
    QLineSeries *telemetrySeries() const { return m_telemetry; }
    QLineSeries *limitSeries() const { return m_limit; }
    QLineSeries *projectionSeries() const { return m_projection; }
    QScatterSeries *crossingSeries() const { return m_crossing; }
    QBarSet *barSet() const { return m_bars; }
    QString note() const;

signals:
    // The chart holds everything the ticket's evidence asks for (telemetry included).
    void loaded();

private:
    void buildTimeChart(const QString &title, const QString &unit);
    void buildBarChart(const QJsonObject &evidence);
    void fetchTelemetry(const QString &nodeId, const QString &metric, qint64 fromMs, qint64 toMs);
    void fitAxes();
    void setNote(const QString &text);

    Session *m_session;
    QChartView *m_timeView;
    QChartView *m_barView;
    QLabel *m_note;
    QLineSeries *m_telemetry = nullptr;
    QLineSeries *m_limit = nullptr;
    QLineSeries *m_clearLimit = nullptr;
    QLineSeries *m_windowStart = nullptr;
    QLineSeries *m_windowEnd = nullptr;
    QLineSeries *m_projection = nullptr;
    QScatterSeries *m_crossing = nullptr;
    QBarSet *m_bars = nullptr;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    qint64 m_windowFromMs = 0;
    qint64 m_windowToMs = 0;
    double m_limitValue = qQNaN();
    double m_clearValue = qQNaN();
    int m_generation = 0;
};

} // namespace Laces::App
