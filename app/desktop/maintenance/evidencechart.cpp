#include "evidencechart.h"

#include "session.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHorizontalBarSeries>
#include <QJsonArray>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace Laces::App {

namespace {

qint64 isoMs(const QJsonValue &value)
{
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

void replaceChart(QChartView *view, QChart *chart)
{
    QChart *old = view->chart();
    view->setChart(chart);
    delete old;
}

// The means of a /telemetry answer for one metric, raw samples or buckets.
QList<QPointF> telemetryPoints(const QJsonObject &answer, const QString &metric)
{
    QList<QPointF> points;
    if (answer.value(QStringLiteral("bucket")).toString() == QLatin1String("raw")) {
        const QJsonArray times = answer.value(QStringLiteral("time")).toArray();
        const QJsonArray values = answer.value(QStringLiteral("values")).toObject().value(metric).toArray();
        for (int i = 0; i < times.size() && i < values.size(); ++i) {
            if (values.at(i).isDouble())
                points.append(QPointF(times.at(i).toDouble(), values.at(i).toDouble()));
        }
        return points;
    }
    const QJsonObject series = answer.value(QStringLiteral("series")).toObject().value(metric).toObject();
    const QJsonArray times = series.value(QStringLiteral("time")).toArray();
    const QJsonArray means = series.value(QStringLiteral("mean")).toArray();
    for (int i = 0; i < times.size() && i < means.size(); ++i) {
        if (means.at(i).isDouble())
            points.append(QPointF(times.at(i).toDouble(), means.at(i).toDouble()));
    }
    return points;
}

} // namespace

EvidenceChart::EvidenceChart(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_timeView(new QChartView(new QChart, this))
    , m_barView(new QChartView(new QChart, this))
    , m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("evidenceChart"));
    m_timeView->setRenderHint(QPainter::Antialiasing);
    m_barView->setRenderHint(QPainter::Antialiasing);
    m_timeView->setMinimumHeight(200);
    m_barView->setMinimumHeight(190);   // room for a metric name on each bar (shorter elides them)
    m_note->setWordWrap(true);
    m_note->setObjectName(QStringLiteral("evidenceNote"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_timeView, 3);
    layout->addWidget(m_barView, 2);
    layout->addWidget(m_note);
    clear();
}

QChart *EvidenceChart::timeChart() const
{
    return m_timeView->chart();
}

QChart *EvidenceChart::barChart() const
{
    return m_barView->chart();
}

QString EvidenceChart::note() const
{
    return m_note->text();
}

void EvidenceChart::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void EvidenceChart::clear()
{
    ++m_generation;
    replaceChart(m_timeView, new QChart);
    replaceChart(m_barView, new QChart);
    m_telemetry = m_limit = m_clearLimit = m_windowStart = m_windowEnd = m_projection = nullptr;
    m_crossing = nullptr;
    m_bars = nullptr;
    m_limitValue = m_clearValue = qQNaN();
    m_timeView->hide();
    m_barView->hide();
    setNote({});
}

void EvidenceChart::buildTimeChart(const QString &title, const QString &unit)
{
    auto *chart = new QChart;
    chart->setTitle(unit.isEmpty() ? title : tr("%1 (%2)").arg(title, unit));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *timeAxis = new QDateTimeAxis(chart);
    timeAxis->setFormat(QStringLiteral("dd.MM. HH:mm"));
    timeAxis->setTickCount(5);
    auto *valueAxis = new QValueAxis(chart);
    chart->addAxis(timeAxis, Qt::AlignBottom);
    chart->addAxis(valueAxis, Qt::AlignLeft);
    const auto add = [&](const QString &name, const QPen &pen) {
        auto *series = new QLineSeries(chart);
        series->setName(name);
        series->setPen(pen);
        chart->addSeries(series);
        series->attachAxis(timeAxis);
        series->attachAxis(valueAxis);
        return series;
    };
    m_telemetry = add(tr("Measured"), QPen(QColor(0x1f77b4), 1.5));
    m_limit = add(tr("Limit"), QPen(QColor(0xcc0000), 1.5, Qt::DashLine));
    m_clearLimit = add(tr("Clears below"), QPen(QColor(0xff9900), 1, Qt::DotLine));
    m_windowStart = add(tr("Window"), QPen(QColor(0x777777), 1, Qt::DotLine));
    m_windowEnd = add(QString(), QPen(QColor(0x777777), 1, Qt::DotLine));
    m_projection = add(tr("Projected"), QPen(QColor(0x9467bd), 1.5, Qt::DashDotLine));
    m_crossing = new QScatterSeries(chart);
    m_crossing->setName(tr("Reaches the limit"));
    m_crossing->setMarkerSize(10);
    m_crossing->setColor(QColor(0xcc0000));
    chart->addSeries(m_crossing);
    m_crossing->attachAxis(timeAxis);
    m_crossing->attachAxis(valueAxis);
    const auto markers = chart->legend()->markers(m_windowEnd);
    for (auto *marker : markers)
        marker->setVisible(false);
    replaceChart(m_timeView, chart);
    m_timeView->show();
}

void EvidenceChart::buildBarChart(const QJsonObject &evidence)
{
    const QJsonArray drivers = evidence.value(QStringLiteral("drivers")).toArray();
    const bool hasScore = evidence.value(QStringLiteral("score")).isDouble();
    if (drivers.isEmpty() && !hasScore)
        return;
    auto *chart = new QChart;
    chart->setTitle(tr("Anomaly score and drivers"));
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    QStringList categories;
    m_bars = new QBarSet(tr("Share"));
    if (hasScore) {
        categories.append(tr("Score"));
        m_bars->append(evidence.value(QStringLiteral("score")).toDouble());
    }
    for (const QJsonValue &value : drivers) {
        const QJsonObject driver = value.toObject();
        categories.append(driver.value(QStringLiteral("metric")).toString());
        m_bars->append(driver.value(QStringLiteral("share")).toDouble());
    }
    m_bars->setColor(QColor(0x1f77b4));
    if (hasScore)
        m_bars->setSelectedColor(QColor(0xd62728));
    auto *series = new QHorizontalBarSeries(chart);
    series->append(m_bars);
    series->setLabelsVisible(true);
    series->setLabelsFormat(QStringLiteral("@value"));
    chart->addSeries(series);
    auto *categoryAxis = new QBarCategoryAxis(chart);
    categoryAxis->append(categories);
    auto *valueAxis = new QValueAxis(chart);
    double top = 1.0;
    for (int i = 0; i < m_bars->count(); ++i)
        top = std::max(top, m_bars->at(i) * 1.1);
    const QJsonValue threshold = evidence.value(QStringLiteral("threshold"));
    if (threshold.isDouble())
        top = std::max(top, threshold.toDouble() * 1.1);
    valueAxis->setRange(0, top);
    chart->addAxis(categoryAxis, Qt::AlignLeft);
    chart->addAxis(valueAxis, Qt::AlignBottom);
    series->attachAxis(categoryAxis);
    series->attachAxis(valueAxis);
    if (hasScore) {
        m_bars->selectBar(0);
        if (threshold.isDouble()) {
            // The threshold across the score's bar: a line on the value axis, over a hidden
            // axis in category units (category i is centred on i).
            auto *rows = new QValueAxis(chart);
            rows->setRange(-0.5, categories.size() - 0.5);
            rows->setVisible(false);
            chart->addAxis(rows, Qt::AlignRight);
            auto *line = new QLineSeries(chart);
            line->setName(tr("Threshold"));
            line->setPen(QPen(Qt::black, 2, Qt::DashLine));
            line->append(threshold.toDouble(), -0.45);
            line->append(threshold.toDouble(), 0.45);
            chart->addSeries(line);
            line->attachAxis(valueAxis);
            line->attachAxis(rows);
        }
    }
    replaceChart(m_barView, chart);
    m_barView->show();
}

void EvidenceChart::showTicket(const QJsonObject &ticket)
{
    clear();
    const int generation = m_generation;
    const QString cause = ticket.value(QStringLiteral("cause")).toString();
    const QJsonObject evidence = ticket.value(QStringLiteral("evidence")).toObject();
    const QString nodeId = ticket.value(QStringLiteral("node_id")).toString();
    const QJsonObject window = evidence.value(QStringLiteral("window")).toObject();
    m_windowFromMs = isoMs(window.value(QStringLiteral("from")));
    m_windowToMs = isoMs(window.value(QStringLiteral("to")));
    const QString unit = evidence.value(QStringLiteral("unit")).toString();

    // An edge device's limit alert is a threshold crossing seen on the machine: the same chart.
    const bool edgeLimit = cause == QLatin1String("edge_anomaly") && evidence.value(QStringLiteral("kind")).toString() == QLatin1String("limit");
    if (cause.startsWith(QLatin1String("threshold:")) || edgeLimit) {
        const QString metric = evidence.value(QStringLiteral("metric")).toString(cause.mid(10));
        buildTimeChart(metric, unit);
        m_limitValue = evidence.value(edgeLimit ? QStringLiteral("limit") : QStringLiteral("level")).toDouble(qQNaN());
        m_clearValue = evidence.value(QStringLiteral("clear_level")).toDouble(qQNaN());
        const QString direction = evidence.value(QStringLiteral("direction")).toString();
        if (direction == QLatin1String("below"))
            m_clearLimit->setName(tr("Clears above"));
        fetchTelemetry(nodeId, metric, m_windowFromMs, m_windowToMs);
        return;
    }
    if (cause.startsWith(QLatin1String("trend:"))) {
        const QString metric = evidence.value(QStringLiteral("metric")).toString(cause.mid(6));
        buildTimeChart(metric, unit);
        m_telemetry->setName(tr("Hourly means"));
        const QJsonObject inputs = evidence.value(QStringLiteral("inputs")).toObject();
        const QJsonArray hours = inputs.value(QStringLiteral("hours_since_epoch")).toArray();
        const QJsonArray means = inputs.value(QStringLiteral("hourly_means")).toArray();
        QList<QPointF> points;
        for (int i = 0; i < hours.size() && i < means.size(); ++i)
            points.append(QPointF(hours.at(i).toDouble() * 3600000.0, means.at(i).toDouble()));
        m_telemetry->replace(points);
        m_limitValue = evidence.value(QStringLiteral("limit")).toDouble(qQNaN());
        const double slope = evidence.value(QStringLiteral("slope_per_hour")).toDouble();
        if (!points.isEmpty() && std::isfinite(m_limitValue) && slope != 0) {
            // From the newest mean along the fitted slope to where it meets the limit.
            const QPointF last = points.last();
            const double hoursToLimit = (m_limitValue - last.y()) / slope;
            if (hoursToLimit > 0 && hoursToLimit < 24 * 365) {
                const double crossingMs = last.x() + hoursToLimit * 3600000.0;
                m_projection->replace({last, QPointF(crossingMs, m_limitValue)});
                m_crossing->replace({QPointF(crossingMs, m_limitValue)});
                m_crossing->setName(tr("Reaches the limit: %1")
                                        .arg(QDateTime::fromMSecsSinceEpoch(qint64(crossingMs))
                                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
            }
        }
        if (!points.isEmpty()) {
            m_windowFromMs = m_windowFromMs > 0 ? m_windowFromMs : qint64(points.first().x());
            m_windowToMs = m_windowToMs > 0 ? m_windowToMs : qint64(points.last().x());
        }
        m_fromMs = points.isEmpty() ? m_windowFromMs : qint64(points.first().x());
        m_toMs = m_projection->count() > 1 ? qint64(m_projection->at(1).x()) : m_windowToMs;
        const QJsonValue probability = evidence.value(QStringLiteral("probability_within_horizon"));
        if (probability.isDouble())
            setNote(tr("Slope %1 per hour; the limit %2 in %3 h (%4–%5 h), probability within the horizon %6 %.")
                        .arg(slope, 0, 'g', 3)
                        .arg(m_limitValue, 0, 'g', 4)
                        .arg(evidence.value(QStringLiteral("hours_to_limit")).toDouble(), 0, 'f', 0)
                        .arg(evidence.value(QStringLiteral("hours_low")).toDouble(), 0, 'f', 0)
                        .arg(evidence.value(QStringLiteral("hours_high")).toDouble(), 0, 'f', 0)
                        .arg(probability.toDouble() * 100, 0, 'f', 0));
        fitAxes();
        QMetaObject::invokeMethod(this, [this, generation] {
            if (generation == m_generation)
                emit loaded();
        }, Qt::QueuedConnection);
        return;
    }
    if (cause == QLatin1String("anomaly") || cause == QLatin1String("edge_anomaly")) {
        buildBarChart(evidence);
        const QJsonArray named = evidence.value(QStringLiteral("driver_metrics")).toArray();
        QString metric = named.isEmpty() ? QString() : named.first().toString();
        if (metric.isEmpty() && !evidence.value(QStringLiteral("drivers")).toArray().isEmpty())
            metric = evidence.value(QStringLiteral("drivers")).toArray().first().toObject().value(QStringLiteral("metric")).toString();
        if (evidence.value(QStringLiteral("score")).isDouble())
            setNote(tr("Anomaly score %1 against the threshold %2.")
                        .arg(evidence.value(QStringLiteral("score")).toDouble(), 0, 'f', 3)
                        .arg(evidence.value(QStringLiteral("threshold")).toDouble(), 0, 'f', 3));
        if (!metric.isEmpty() && !nodeId.isEmpty() && m_windowFromMs > 0) {
            buildTimeChart(tr("%1, the strongest driver").arg(metric), unit);
            fetchTelemetry(nodeId, metric, m_windowFromMs, m_windowToMs);
            return;
        }
        QMetaObject::invokeMethod(this, [this, generation] {
            if (generation == m_generation)
                emit loaded();
        }, Qt::QueuedConnection);
        return;
    }
    setNote(cause == QLatin1String("stale") ? tr("The machine stopped sending telemetry; last seen %1.")
                                                  .arg(ticket.value(QStringLiteral("last_seen_at")).toString())
                                            : tr("This ticket has no measured evidence to chart."));
    QMetaObject::invokeMethod(this, [this, generation] {
        if (generation == m_generation)
            emit loaded();
    }, Qt::QueuedConnection);
}

void EvidenceChart::fetchTelemetry(const QString &nodeId, const QString &metric, qint64 fromMs, qint64 toMs)
{
    if (nodeId.isEmpty() || fromMs <= 0) {
        setNote(tr("The ticket names no time window."));
        fitAxes();
        emit loaded();
        return;
    }
    if (toMs <= fromMs)
        toMs = fromMs + 60000;
    // The window with as much again before it and half after, for context.
    const qint64 span = std::max<qint64>(toMs - fromMs, 10 * 60000);
    m_fromMs = fromMs - span;
    m_toMs = std::min(toMs + span / 2, QDateTime::currentMSecsSinceEpoch() + 60000);
    if (m_toMs <= toMs)
        m_toMs = toMs + 60000;
    const int generation = m_generation;
    const QString path = QStringLiteral("/telemetry/%1?bucket=auto&from=%2&to=%3&metrics=%4&limit=5000")
                             .arg(nodeId).arg(m_fromMs).arg(m_toMs).arg(metric);
    m_session->client()->send("GET", path, nullptr, this,
                              [this, generation, metric](const QJsonObject &answer, const ApiError *error) {
        if (generation != m_generation)
            return;
        if (error)
            setNote(tr("The telemetry could not be loaded: %1").arg(error->describe()));
        else
            m_telemetry->replace(telemetryPoints(answer, metric));
        if (!error && m_telemetry->count() == 0)
            setNote(tr("No telemetry of %1 in this window.").arg(metric));
        fitAxes();
        emit loaded();
    });
}

void EvidenceChart::fitAxes()
{
    QChart *chart = m_timeView->chart();
    auto *timeAxis = qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).value(0));
    auto *valueAxis = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).value(0));
    if (!timeAxis || !valueAxis)
        return;
    double low = std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::lowest();
    const auto include = [&](double value) {
        if (std::isfinite(value)) {
            low = std::min(low, value);
            high = std::max(high, value);
        }
    };
    for (const QPointF &point : m_telemetry->points())
        include(point.y());
    include(m_limitValue);
    include(m_clearValue);
    if (low > high)
        low = 0, high = 1;
    const double margin = std::max((high - low) * 0.08, std::abs(high) * 1e-3 + 1e-6);
    low -= margin;
    high += margin;
    valueAxis->setRange(low, high);
    qint64 from = m_fromMs;
    qint64 to = m_toMs;
    if (!m_telemetry->points().isEmpty()) {
        from = std::min(from > 0 ? from : qint64(m_telemetry->at(0).x()), qint64(m_telemetry->at(0).x()));
        to = std::max(to, qint64(m_telemetry->at(m_telemetry->count() - 1).x()));
    }
    if (to <= from)
        to = from + 60000;
    timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
    timeAxis->setFormat(to - from <= 86400000LL ? QStringLiteral("HH:mm") : QStringLiteral("dd.MM. HH:mm"));
    const auto across = [&](QLineSeries *series, double value) {
        if (std::isfinite(value))
            series->replace({QPointF(double(from), value), QPointF(double(to), value)});
        else
            series->clear();
    };
    across(m_limit, m_limitValue);
    across(m_clearLimit, m_clearValue);
    const auto upright = [&](QLineSeries *series, qint64 at) {
        if (at > from && at < to)
            series->replace({QPointF(double(at), low), QPointF(double(at), high)});
        else
            series->clear();
    };
    upright(m_windowStart, m_windowFromMs);
    upright(m_windowEnd, m_windowToMs);
    for (QLineSeries *series : {m_limit, m_clearLimit, m_windowStart, m_projection}) {
        const auto markers = chart->legend()->markers(series);
        for (auto *marker : markers)
            marker->setVisible(series->count() > 0);
    }
    const auto crossingMarkers = chart->legend()->markers(m_crossing);
    for (auto *marker : crossingMarkers)
        marker->setVisible(m_crossing->count() > 0);
}

} // namespace Laces::App
