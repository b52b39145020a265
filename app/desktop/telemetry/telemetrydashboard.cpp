#include "telemetrydashboard.h"

#include "telemetry/telemetrybucket.h"

#include "session.h"
#include "telemetrychartview.h"
#include "telemetrystream.h"

#include <QAreaSeries>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace Laces::App {

namespace {

constexpr int kIdRole = Qt::UserRole;

struct RangeChoice
{
    const char *label;
    qint64 spanMs;
};

const QList<RangeChoice> &rangeChoices()
{
    static const QList<RangeChoice> choices{
        {QT_TRANSLATE_NOOP("Laces::App::TelemetryDashboard", "Last 10 minutes"), 10 * 60000LL},
        {QT_TRANSLATE_NOOP("Laces::App::TelemetryDashboard", "Last hour"), 3600000LL},
        {QT_TRANSLATE_NOOP("Laces::App::TelemetryDashboard", "Last 24 hours"), 24 * 3600000LL},
        {QT_TRANSLATE_NOOP("Laces::App::TelemetryDashboard", "Last 7 days"), 7 * 86400000LL},
        {QT_TRANSLATE_NOOP("Laces::App::TelemetryDashboard", "Last 30 days"), 30 * 86400000LL},
    };
    return choices;
}

const QList<QColor> &lineColors()
{
    static const QList<QColor> colors{QColor(0x1f77b4), QColor(0xd62728), QColor(0x2ca02c), QColor(0x9467bd),
                                      QColor(0xff7f0e), QColor(0x17becf), QColor(0x8c564b), QColor(0xe377c2)};
    return colors;
}

QString bucketText(const QString &bucket)
{
    if (bucket == QLatin1String("raw"))
        return TelemetryDashboard::tr("every sample");
    if (bucket == QLatin1String("1m"))
        return TelemetryDashboard::tr("1-minute buckets");
    if (bucket == QLatin1String("1h"))
        return TelemetryDashboard::tr("1-hour buckets");
    if (bucket == QLatin1String("1d"))
        return TelemetryDashboard::tr("1-day buckets");
    return {};
}

// The lists hold checkable items whose kIdRole is a node id or a metric name.
void setItemChecked(QListWidget *list, const QString &id, bool checked)
{
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(kIdRole).toString() == id)
            list->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList checkedIds(const QListWidget *list)
{
    QStringList ids;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->checkState() == Qt::Checked)
            ids.append(list->item(i)->data(kIdRole).toString());
    }
    return ids;
}

QList<QPointF> pointsOf(const QList<qint64> &times, const QList<double> &values)
{
    QList<QPointF> points;
    points.reserve(times.size());
    for (int i = 0; i < times.size(); ++i)
        points.append(QPointF(double(times.at(i)), values.at(i)));
    return points;
}

} // namespace

TelemetryDashboard::TelemetryDashboard(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_nodeList(new QListWidget(this))
    , m_metricList(new QListWidget(this))
    , m_rangeBox(new QComboBox(this))
    , m_liveBox(new QCheckBox(tr("Live"), this))
    , m_bucketLabel(new QLabel(this))
    , m_chartLayout(new QVBoxLayout)
{
    m_nodeList->setObjectName(QStringLiteral("telemetryNodes"));
    m_metricList->setObjectName(QStringLiteral("telemetryMetrics"));
    for (const QString &metric : metricNames()) {
        auto *item = new QListWidgetItem(metric, m_metricList);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        item->setData(kIdRole, metric);
    }
    for (const RangeChoice &choice : rangeChoices())
        m_rangeBox->addItem(tr(choice.label), choice.spanMs);
    m_rangeBox->setCurrentIndex(1);
    m_liveBox->setChecked(true);
    m_liveBox->setToolTip(tr("Follow the newest samples as they arrive"));
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Machines"), left));
    leftLayout->addWidget(m_nodeList, 2);
    leftLayout->addWidget(new QLabel(tr("Metrics"), left));
    leftLayout->addWidget(m_metricList, 3);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_rangeBox);
    bar->addWidget(m_liveBox);
    bar->addWidget(m_bucketLabel, 1);
    bar->addWidget(exportButton);
    rightLayout->addLayout(bar);
    auto *scroll = new QScrollArea(right);
    scroll->setWidgetResizable(true);
    auto *charts = new QWidget(scroll);
    charts->setLayout(m_chartLayout);
    m_chartLayout->addStretch(1);
    scroll->setWidget(charts);
    rightLayout->addWidget(scroll, 1);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 740});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(250);
    connect(&m_reloadTimer, &QTimer::timeout, this, &TelemetryDashboard::reload);
    m_liveTimer.setInterval(1000);
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_fromMs = now - m_spanMs;
        m_toMs = now;
        applyRange();
    });
    connect(m_nodeList, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const QString node = item->data(kIdRole).toString();
        if (m_stream && item->checkState() == Qt::Checked)
            m_stream->follow(node);
        else if (m_stream)
            m_stream->unfollow(node);
        rebuildCharts();
        m_reloadTimer.start();
    });
    connect(m_metricList, &QListWidget::itemChanged, this, [this] {
        rebuildCharts();
        m_reloadTimer.start();
    });
    connect(m_rangeBox, &QComboBox::activated, this, &TelemetryDashboard::rangeChosen);
    connect(m_liveBox, &QCheckBox::toggled, this, &TelemetryDashboard::setLive);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export telemetry"), QStringLiteral("telemetry.csv"),
                                                          tr("CSV files (*.csv)"));
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error))
            emit errorOccurred(error);
    });

    resetSession();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_fromMs = now - m_spanMs;
    m_toMs = now;
    setLive(true);
}

TelemetryDashboard::~TelemetryDashboard() = default;

void TelemetryDashboard::resetSession()
{
    delete m_stream;
    m_stream = new TelemetryStream(m_session->client()->baseUrl(), m_session->client()->token(), this);
    connect(m_stream, &TelemetryStream::sample, this, &TelemetryDashboard::onSample);
    {
        const QSignalBlocker blocker(m_nodeList);
        m_nodeList->clear();
    }
    m_nodes.clear();
    rebuildCharts();
    m_nodesRequested = false;
    if (isVisible())
        reloadNodes();
}

QStringList TelemetryDashboard::metricNames()
{
    return {QStringLiteral("rpm"), QStringLiteral("torque_nm"), QStringLiteral("vibration_x_g"),
            QStringLiteral("vibration_y_g"), QStringLiteral("vibration_z_g"), QStringLiteral("temperature_c"),
            QStringLiteral("power_kw"), QStringLiteral("current_a"), QStringLiteral("pressure_bar"),
            QStringLiteral("flow_lpm"), QStringLiteral("voltage_v"), QStringLiteral("thermocouple_c")};
}

void TelemetryDashboard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_nodesRequested)
        reloadNodes();
}

void TelemetryDashboard::reloadNodes()
{
    m_nodesRequested = true;
    m_session->client()->send("GET", QStringLiteral("/nodes?per_page=500"), nullptr, this,
                              [this](const QJsonObject &result, const ApiError *error) {
        if (error) {
            emit errorOccurred(error->message);
            return;
        }
        const QStringList checked = checkedNodes();
        const QSignalBlocker blocker(m_nodeList);
        m_nodeList->clear();
        m_nodes.clear();
        for (const QJsonValue &value : result.value(QStringLiteral("items")).toArray()) {
            const QJsonObject node = value.toObject();
            const QString id = node.value(QStringLiteral("id")).toString();
            m_nodes.insert(id, node);
            auto *item = new QListWidgetItem(node.value(QStringLiteral("name")).toString(), m_nodeList);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(checked.contains(id) ? Qt::Checked : Qt::Unchecked);
            item->setData(kIdRole, id);
            item->setToolTip(tr("%1 at %2, %3").arg(node.value(QStringLiteral("type")).toString(),
                                                   node.value(QStringLiteral("site")).toString(),
                                                   node.value(QStringLiteral("status")).toString()));
        }
        emit nodesLoaded();
        if (!m_pendingNode.isEmpty())
            showNode(std::exchange(m_pendingNode, QString()));
    });
    m_stream->start();
}

void TelemetryDashboard::showNode(const QString &nodeId)
{
    if (!m_nodes.contains(nodeId)) {
        m_pendingNode = nodeId;
        if (!m_nodesRequested || isVisible())
            reloadNodes();
        return;
    }
    QStringList metrics;
    for (const QJsonValue &sensor : m_nodes.value(nodeId).value(QStringLiteral("sensors")).toArray()) {
        const QString metric = sensor.toObject().value(QStringLiteral("metric")).toString();
        if (metricNames().contains(metric) && metrics.size() < 3)
            metrics.append(metric);
    }
    if (metrics.isEmpty())
        metrics.append(QStringLiteral("temperature_c"));
    {
        const QSignalBlocker nodesBlocker(m_nodeList);
        const QSignalBlocker metricsBlocker(m_metricList);
        for (const QString &node : checkedNodes()) {
            setItemChecked(m_nodeList, node, false);
            if (m_stream)
                m_stream->unfollow(node);
        }
        for (const QString &metric : checkedMetrics())
            setItemChecked(m_metricList, metric, false);
        setItemChecked(m_nodeList, nodeId, true);
        for (const QString &metric : std::as_const(metrics))
            setItemChecked(m_metricList, metric, true);
    }
    if (m_stream)
        m_stream->follow(nodeId);
    for (int i = 0; i < m_nodeList->count(); ++i) {
        if (m_nodeList->item(i)->data(kIdRole).toString() == nodeId)
            m_nodeList->scrollToItem(m_nodeList->item(i));
    }
    rebuildCharts();
    setLive(true);
}

void TelemetryDashboard::setNodeChecked(const QString &nodeId, bool checked)
{
    setItemChecked(m_nodeList, nodeId, checked);
}

void TelemetryDashboard::setMetricChecked(const QString &metric, bool checked)
{
    setItemChecked(m_metricList, metric, checked);
}

QStringList TelemetryDashboard::checkedNodes() const
{
    return checkedIds(m_nodeList);
}

QStringList TelemetryDashboard::checkedMetrics() const
{
    return checkedIds(m_metricList);
}

QString TelemetryDashboard::nodeName(const QString &nodeId) const
{
    return m_nodes.value(nodeId).value(QStringLiteral("name")).toString();
}

void TelemetryDashboard::rangeChosen(int index)
{
    m_spanMs = m_rangeBox->itemData(index).toLongLong();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_fromMs = now - m_spanMs;
    m_toMs = now;
    applyRange();
    if (!fetchedCovers())
        reload();
}

void TelemetryDashboard::setLive(bool live)
{
    m_live = live;
    {
        const QSignalBlocker blocker(m_liveBox);
        m_liveBox->setChecked(live);
    }
    if (live) {
        m_liveTimer.start();
        rangeChosen(m_rangeBox->currentIndex());
    } else {
        m_liveTimer.stop();
    }
}

void TelemetryDashboard::setRange(qint64 fromMs, qint64 toMs)
{
    if (toMs <= fromMs)
        return;
    if (m_live)
        setLive(false);
    m_fromMs = fromMs;
    m_toMs = toMs;
    applyRange();
    if (!fetchedCovers())
        scheduleReload();
}

QString TelemetryDashboard::fetchKey() const
{
    return checkedNodes().join(QLatin1Char(',')) + QLatin1Char('|') + checkedMetrics().join(QLatin1Char(','))
           + QLatin1Char('|') + Core::bucketForRange(m_toMs - m_fromMs);
}

bool TelemetryDashboard::fetchedCovers() const
{
    const QString key = fetchKey();
    // What was fetched ends at the time of the fetch, whatever range was asked for: a range
    // reaching more than a minute past it asks again (the stream brings newer samples only
    // while live).
    const qint64 fetchedUntil = std::min(m_fetched.toMs, m_fetched.atMs + 60000);
    return !m_fetched.key.isEmpty() && m_fetched.key == key && m_fromMs >= m_fetched.fromMs && m_toMs <= fetchedUntil;
}

void TelemetryDashboard::scheduleReload()
{
    const qint64 sinceMs = m_sinceReload.isValid() ? m_sinceReload.elapsed() : 1000;
    m_reloadTimer.setInterval(int(std::clamp<qint64>(1000 - sinceMs, 250, 1000)));
    m_reloadTimer.start();
}

void TelemetryDashboard::rebuildCharts()
{
    const QStringList metrics = checkedMetrics();
    const QStringList nodes = checkedNodes();
    for (Chart &chart : m_charts)
        delete chart.view;  // with its chart and series
    m_charts.clear();
    for (const QString &metric : metrics) {
        Chart chart;
        chart.metric = metric;
        auto *qchart = new QChart;
        qchart->setTitle(metric);
        qchart->legend()->setAlignment(Qt::AlignBottom);
        auto *timeAxis = new QDateTimeAxis(qchart);
        auto *valueAxis = new QValueAxis(qchart);
        qchart->addAxis(timeAxis, Qt::AlignBottom);
        qchart->addAxis(valueAxis, Qt::AlignLeft);
        const auto attach = [&](QAbstractSeries *series) {
            qchart->addSeries(series);
            series->attachAxis(timeAxis);
            series->attachAxis(valueAxis);
        };
        for (int n = 0; n < nodes.size(); ++n) {
            const QString &node = nodes.at(n);
            const QColor color = lineColors().at(n % lineColors().size());
            Line line;
            line.upper = new QLineSeries(qchart);
            line.lower = new QLineSeries(qchart);
            line.band = new QAreaSeries(line.upper, line.lower);
            line.band->setName(tr("%1 min–max").arg(nodeName(node)));
            QColor fill = color;
            fill.setAlpha(50);
            line.band->setBrush(fill);
            line.band->setPen(Qt::NoPen);
            attach(line.band);
            line.line = new QLineSeries(qchart);
            line.line->setName(nodeName(node));
            line.line->setPen(QPen(color, 1.5));
            attach(line.line);
            chart.lines.insert(node, line);
            // The sensor's limits, as dashed lines across the chart.
            for (const QJsonValue &sensorValue : m_nodes.value(node).value(QStringLiteral("sensors")).toArray()) {
                const QJsonObject sensor = sensorValue.toObject();
                if (sensor.value(QStringLiteral("metric")).toString() != metric)
                    continue;
                const QList<QPair<QString, QColor>> limits{{QStringLiteral("warn_above"), QColor(0xff9900)},
                                                           {QStringLiteral("max"), QColor(0xcc0000)},
                                                           {QStringLiteral("min"), QColor(0xcc0000)}};
                for (const auto &[key, limitColor] : limits) {
                    const QJsonValue limit = sensor.value(key);
                    if (!limit.isDouble())
                        continue;
                    auto *threshold = new QLineSeries(qchart);
                    threshold->setName(tr("%1 %2 %3").arg(nodeName(node), key).arg(limit.toDouble()));
                    threshold->setPen(QPen(limitColor, 1, Qt::DashLine));
                    threshold->setProperty("threshold", limit.toDouble());
                    attach(threshold);
                    chart.thresholds.append(threshold);
                }
            }
        }
        chart.view = new TelemetryChartView(qchart);
        connect(chart.view, &TelemetryChartView::rangeRequested, this, &TelemetryDashboard::setRange);
        connect(chart.view, &TelemetryChartView::resetRequested, this, [this] { setLive(true); });
        m_chartLayout->insertWidget(m_chartLayout->count() - 1, chart.view);
        m_charts.append(chart);
    }
    applyRange();
}

void TelemetryDashboard::applyRange()
{
    const qint64 span = m_toMs - m_fromMs;
    const QString format = span <= 2 * 3600000LL ? QStringLiteral("HH:mm:ss")
                           : span <= 3 * 86400000LL ? QStringLiteral("dd.MM. HH:mm")
                                                    : QStringLiteral("dd.MM.yyyy");
    for (Chart &chart : m_charts) {
        auto *axis = qobject_cast<QDateTimeAxis *>(chart.view->chart()->axes(Qt::Horizontal).value(0));
        axis->setFormat(format);
        axis->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs), QDateTime::fromMSecsSinceEpoch(m_toMs));
        chart.view->setTimeRange(m_fromMs, m_toMs);
        for (QLineSeries *threshold : std::as_const(chart.thresholds)) {
            const double value = threshold->property("threshold").toDouble();
            threshold->replace({QPointF(double(m_fromMs), value), QPointF(double(m_toMs), value)});
        }
    }
}

void TelemetryDashboard::fitValueAxis(Chart &chart)
{
    double low = std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::lowest();
    const auto include = [&](const QList<QPointF> &points) {
        for (const QPointF &point : points) {
            low = std::min(low, point.y());
            high = std::max(high, point.y());
        }
    };
    for (const Line &line : std::as_const(chart.lines)) {
        include(line.line->points());
        include(line.upper->points());
        include(line.lower->points());
    }
    for (QLineSeries *threshold : std::as_const(chart.thresholds))
        include(threshold->points());
    if (low > high)
        low = 0, high = 1;
    const double margin = std::max((high - low) * 0.05, std::abs(high) * 1e-6 + 1e-9);
    auto *axis = qobject_cast<QValueAxis *>(chart.view->chart()->axes(Qt::Vertical).value(0));
    axis->setRange(low - margin, high + margin);
}

void TelemetryDashboard::reload()
{
    const QStringList nodes = checkedNodes();
    const QStringList metrics = checkedMetrics();
    const int generation = ++m_generation;
    if (nodes.isEmpty() || metrics.isEmpty()) {
        emit dataLoaded();
        return;
    }
    m_pending = int(nodes.size());
    m_sinceReload.start();
    // Half the span either side, at the range's own bucket: the next pan usually stays inside.
    const qint64 span = m_toMs - m_fromMs;
    const QString bucket = Core::bucketForRange(span);
    m_fetched = {fetchKey(), m_fromMs - span / 2, m_toMs + span / 2, QDateTime::currentMSecsSinceEpoch()};
    for (const QString &node : nodes) {
        const QString path = QStringLiteral("/telemetry/%1?bucket=%5&from=%2&to=%3&metrics=%4&limit=20000")
                                 .arg(node)
                                 .arg(m_fetched.fromMs)
                                 .arg(m_fetched.toMs)
                                 .arg(metrics.join(QLatin1Char(',')), bucket);
        m_session->client()->send("GET", path, nullptr, this,
                                  [this, node, generation](const QJsonObject &result, const ApiError *error) {
            if (generation != m_generation)
                return;
            // Not all there (an error, or more raw samples than one answer holds): the next
            // range change asks again.
            if (error || result.value(QStringLiteral("next_after")).isString())
                m_fetched = {};
            if (error)
                emit errorOccurred(error->message);
            else
                fill(node, result);
            if (--m_pending == 0)
                emit dataLoaded();
        });
    }
}

void TelemetryDashboard::fill(const QString &nodeId, const QJsonObject &answer)
{
    m_bucket = answer.value(QStringLiteral("bucket")).toString();
    m_bucketLabel->setText(bucketText(m_bucket));
    const bool raw = m_bucket == QLatin1String("raw");
    for (Chart &chart : m_charts) {
        auto it = chart.lines.find(nodeId);
        if (it == chart.lines.end())
            continue;
        Line &line = *it;
        line.times.clear();
        line.values.clear();
        line.mins.clear();
        line.maxes.clear();
        const auto toList = [](const QJsonArray &array, auto convert) {
            QList<decltype(convert(QJsonValue()))> list;
            list.reserve(array.size());
            for (const QJsonValue &value : array)
                list.append(convert(value));
            return list;
        };
        const auto asTime = [](const QJsonValue &v) { return qint64(v.toDouble()); };
        const auto asNumber = [](const QJsonValue &v) { return v.toDouble(); };
        if (raw) {
            const QJsonArray times = answer.value(QStringLiteral("time")).toArray();
            const QJsonArray values = answer.value(QStringLiteral("values")).toObject().value(chart.metric).toArray();
            for (int i = 0; i < times.size(); ++i) {
                if (values.at(i).isDouble()) {
                    line.times.append(qint64(times.at(i).toDouble()));
                    line.values.append(values.at(i).toDouble());
                }
            }
        } else {
            const QJsonObject series = answer.value(QStringLiteral("series")).toObject().value(chart.metric).toObject();
            line.times = toList(series.value(QStringLiteral("time")).toArray(), asTime);
            line.values = toList(series.value(QStringLiteral("mean")).toArray(), asNumber);
            line.mins = toList(series.value(QStringLiteral("min")).toArray(), asNumber);
            line.maxes = toList(series.value(QStringLiteral("max")).toArray(), asNumber);
        }
        line.line->replace(pointsOf(line.times, line.values));
        line.upper->replace(raw ? QList<QPointF>() : pointsOf(line.times, line.maxes));
        line.lower->replace(raw ? QList<QPointF>() : pointsOf(line.times, line.mins));
        line.band->setVisible(!raw);
        fitValueAxis(chart);
    }
}

void TelemetryDashboard::onSample(const QString &nodeId, qint64 timeMs, const QHash<QString, double> &values)
{
    if (!m_live)
        return;
    for (Chart &chart : m_charts) {
        auto it = chart.lines.find(nodeId);
        if (it == chart.lines.end() || !values.contains(chart.metric))
            continue;
        Line &line = *it;
        if (!line.times.isEmpty() && line.times.last() >= timeMs)
            continue;
        const double value = values.value(chart.metric);
        line.times.append(timeMs);
        line.values.append(value);
        if (!line.mins.isEmpty()) {
            line.mins.append(value);
            line.maxes.append(value);
        }
        line.line->append(double(timeMs), value);
        // Hours of live samples must not pile up: what slid out of the window (and one
        // window more, for a look back) goes.
        qsizetype stale = 0;
        while (stale < line.times.size() && line.times.at(stale) < timeMs - 2 * m_spanMs)
            ++stale;
        if (stale > 0) {
            line.times.remove(0, stale);
            line.values.remove(0, stale);
            if (!line.mins.isEmpty()) {
                line.mins.remove(0, stale);
                line.maxes.remove(0, stale);
            }
            line.line->removePoints(0, int(stale));
            line.upper->replace(line.mins.isEmpty() ? QList<QPointF>() : pointsOf(line.times, line.maxes));
            line.lower->replace(line.mins.isEmpty() ? QList<QPointF>() : pointsOf(line.times, line.mins));
        }
        fitValueAxis(chart);
    }
    if (timeMs > m_toMs) {
        m_toMs = timeMs;
        m_fromMs = timeMs - m_spanMs;
        applyRange();
    }
}

QChart *TelemetryDashboard::chartFor(const QString &metric) const
{
    for (const Chart &chart : m_charts) {
        if (chart.metric == metric)
            return chart.view->chart();
    }
    return nullptr;
}

QLineSeries *TelemetryDashboard::lineFor(const QString &nodeId, const QString &metric) const
{
    for (const Chart &chart : m_charts) {
        if (chart.metric == metric && chart.lines.contains(nodeId))
            return chart.lines.value(nodeId).line;
    }
    return nullptr;
}

QAreaSeries *TelemetryDashboard::bandFor(const QString &nodeId, const QString &metric) const
{
    for (const Chart &chart : m_charts) {
        if (chart.metric == metric && chart.lines.contains(nodeId))
            return chart.lines.value(nodeId).band;
    }
    return nullptr;
}

QList<QLineSeries *> TelemetryDashboard::thresholdsFor(const QString &metric) const
{
    for (const Chart &chart : m_charts) {
        if (chart.metric == metric)
            return chart.thresholds;
    }
    return {};
}

bool TelemetryDashboard::exportCsv(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write("node_id,node,metric,bucket,time,value,min,max\n");
    const auto quoted = [](QString text) {
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
    };
    for (const Chart &chart : m_charts) {
        for (auto it = chart.lines.cbegin(); it != chart.lines.cend(); ++it) {
            const Line &line = it.value();
            for (int i = 0; i < line.times.size(); ++i) {
                const qint64 time = line.times.at(i);
                if (time < m_fromMs || time >= m_toMs)
                    continue;  // only what is shown
                const bool band = i < line.mins.size();
                file.write(QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                               .arg(it.key(), quoted(nodeName(it.key())), chart.metric, m_bucket,
                                    QDateTime::fromMSecsSinceEpoch(time, Qt::UTC).toString(Qt::ISODateWithMs),
                                    QString::number(line.values.at(i), 'g', 17),
                                    band ? QString::number(line.mins.at(i), 'g', 17) : QString(),
                                    band ? QString::number(line.maxes.at(i), 'g', 17) : QString())
                               .toUtf8());
            }
        }
    }
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Laces::App
