#include "ageingcharts.h"

#include "ageingrun.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace Laces::App {

namespace {

QList<QPointF> pointsOf(const std::vector<double> &years, const std::vector<double> &values, double scale,
                        bool positiveOnly)
{
    QList<QPointF> points;
    points.reserve(qsizetype(values.size()));
    for (size_t i = 0; i < values.size() && i < years.size(); ++i) {
        const double value = values[i] * scale;
        if (std::isnan(value) || (positiveOnly && !(value > 0)))
            continue;
        points.append({years[i], value});
    }
    return points;
}

} // namespace

AgeingCharts::AgeingCharts(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    layout->addLayout(row, 1);
    auto *legend = new QLabel(tr("<span style='color:#1e64c8'>━━</span> selected component &nbsp; "
                                 "<span style='color:#c82828'>╌╌</span> worst component &nbsp; "
                                 "<span style='color:#787878'>┆</span> time shown &nbsp; "
                                 "<span style='color:#4682c8'>▓</span> Monte Carlo P10–P90 crack, share of samples failed"),
                              this);
    legend->setObjectName(QStringLiteral("chartLegend"));
    layout->addWidget(legend);
    const QString titles[] = {tr("Crack length (mm)"), tr("Damage D"), tr("Failure probability")};
    const char *names[] = {"crackChart", "damageChart", "probabilityChart"};
    for (int c = 0; c < 3; ++c) {
        ChartParts &parts = m_charts[c];
        auto *chart = new QChart;
        chart->setTitle(titles[c]);
        chart->legend()->setVisible(false);  // one legend for the three, under them
        chart->setMargins(QMargins(4, 4, 4, 4));
        parts.view = new QChartView(chart, this);
        parts.view->setObjectName(QLatin1String(names[c]));
        parts.view->setRenderHint(QPainter::Antialiasing);
        parts.view->setMinimumSize(180, 150);
        parts.view->setFocusPolicy(Qt::NoFocus);

        auto *x = new QValueAxis(chart);
        x->setTitleText(tr("years from now"));
        x->setLabelFormat(QStringLiteral("%.0f"));
        x->setTickType(QValueAxis::TicksDynamic);
        x->setTickAnchor(0);
        x->setTickInterval(1);
        QAbstractAxis *y = nullptr;
        if (c == Crack) {
            auto *log = new QLogValueAxis(chart);
            log->setBase(10);
            log->setLabelFormat(QStringLiteral("%g"));
            y = log;
        } else {
            auto *linear = new QValueAxis(chart);
            linear->setRange(0, 1);
            linear->setTickCount(6);
            linear->setLabelFormat(QStringLiteral("%.1f"));
            y = linear;
        }
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        parts.x = x;
        parts.y = y;

        parts.bandLow = new QLineSeries(chart);
        parts.bandHigh = new QLineSeries(chart);
        parts.band = new QAreaSeries(parts.bandHigh, parts.bandLow);
        parts.band->setName(c == Crack ? tr("Monte Carlo P10–P90") : tr("Monte Carlo: share failed"));
        parts.band->setColor(QColor(70, 130, 200, 60));
        parts.band->setBorderColor(QColor(70, 130, 200, 120));
        parts.selected = new QLineSeries(chart);
        parts.selected->setName(tr("selected"));
        parts.selected->setPen(QPen(QColor(30, 100, 200), 2));
        parts.worst = new QLineSeries(chart);
        parts.worst->setName(tr("worst"));
        parts.worst->setPen(QPen(QColor(200, 40, 40), 1.5, Qt::DashLine));
        parts.cursor = new QLineSeries(chart);
        parts.cursor->setName(tr("shown time"));
        parts.cursor->setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
        for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(parts.band), static_cast<QAbstractSeries *>(parts.selected),
                                        static_cast<QAbstractSeries *>(parts.worst), static_cast<QAbstractSeries *>(parts.cursor)}) {
            chart->addSeries(series);
            series->attachAxis(x);
            series->attachAxis(y);
        }
        row->addWidget(parts.view, 1);
    }
}

QLineSeries *AgeingCharts::series(Chart chart, Line line) const
{
    const ChartParts &parts = m_charts[chart];
    switch (line) {
    case Selected: return parts.selected;
    case Worst: return parts.worst;
    case Band: return parts.bandHigh;
    case Cursor: return parts.cursor;
    }
    return nullptr;
}

void AgeingCharts::showRun(const AgeingRun &run, int selected, int worst)
{
    const std::vector<double> &years = run.yearsAt();
    const auto lines = [&](int index, Chart chart) -> QList<QPointF> {
        if (index < 0)
            return {};
        const AgeingRun::Component &component = run.components().at(index);
        switch (chart) {
        case Crack: return pointsOf(years, component.crackM, 1000.0, true);
        case Damage: return pointsOf(years, component.damage, 1.0, false);
        case Probability: return pointsOf(years, component.probability, 1.0, false);
        }
        return {};
    };
    for (int c = 0; c < 3; ++c) {
        ChartParts &parts = m_charts[c];
        const Chart chart = Chart(c);
        parts.selected->replace(lines(selected, chart));
        parts.worst->replace(worst == selected ? QList<QPointF>() : lines(worst, chart));
        QList<QPointF> low, high;
        if (selected >= 0) {
            const AgeingRun::Component &component = run.components().at(selected);
            if (chart == Crack && !component.crackP10M.empty()) {
                low = pointsOf(years, component.crackP10M, 1000.0, true);
                high = pointsOf(years, component.crackP90M, 1000.0, true);
            } else if (chart == Probability && !component.failedFraction.empty()) {
                high = pointsOf(years, component.failedFraction, 1.0, false);
                for (const QPointF &point : std::as_const(high))
                    low.append({point.x(), 0.0});
            }
        }
        parts.bandLow->replace(low);
        parts.bandHigh->replace(high);
        parts.band->setVisible(!high.isEmpty());
        static_cast<QValueAxis *>(parts.x)->setRange(years.front(), years.back());
        if (chart == Crack) {
            double lowest = 1e300, highest = 0;
            for (const QLineSeries *series : {parts.selected, parts.worst, parts.bandLow, parts.bandHigh}) {
                for (const QPointF &point : series->points()) {
                    lowest = std::min(lowest, point.y());
                    highest = std::max(highest, point.y());
                }
            }
            if (highest <= 0) {
                lowest = 0.01;
                highest = 1;
            }
            parts.yMin = std::pow(10.0, std::floor(std::log10(lowest)));
            parts.yMax = std::pow(10.0, std::ceil(std::log10(highest * 1.0001)));
            if (parts.yMax <= parts.yMin)
                parts.yMax = parts.yMin * 10;
            static_cast<QLogValueAxis *>(parts.y)->setRange(parts.yMin, parts.yMax);
        }
    }
}

void AgeingCharts::setCursorYears(double years)
{
    for (ChartParts &parts : m_charts)
        parts.cursor->replace({QPointF(years, parts.yMin), QPointF(years, parts.yMax)});
}

} // namespace Laces::App
