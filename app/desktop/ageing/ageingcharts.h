#pragma once

#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QAreaSeries;
class QAbstractAxis;

namespace Laces::App {

class AgeingRun;

// Crack length, damage and failure probability over a run's timeline, of the selected
// component and of the worst one, with the scrubbed time marked and Monte Carlo bands
// (P10–P90 crack, share of samples failed) when the run has them.
class AgeingCharts : public QWidget
{
    Q_OBJECT

public:
    enum Chart { Crack, Damage, Probability };
    enum Line { Selected, Worst, Band, Cursor };

    explicit AgeingCharts(QWidget *parent = nullptr);

    void showRun(const AgeingRun &run, int selected, int worst);
    void setCursorYears(double years);
    QLineSeries *series(Chart chart, Line line) const;
    QChartView *view(Chart chart) const { return m_charts[chart].view; }

private:
    struct ChartParts
    {
        QChartView *view = nullptr;
        QLineSeries *selected = nullptr;
        QLineSeries *worst = nullptr;
        QLineSeries *bandLow = nullptr;
        QLineSeries *bandHigh = nullptr;
        QAreaSeries *band = nullptr;
        QLineSeries *cursor = nullptr;
        QAbstractAxis *x = nullptr;
        QAbstractAxis *y = nullptr;
        double yMin = 0, yMax = 1;
    };
    ChartParts m_charts[3];
};

} // namespace Laces::App
