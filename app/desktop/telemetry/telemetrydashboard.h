#pragma once

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QAreaSeries;
class QChart;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineSeries;
class QListWidget;
class QListWidgetItem;
class QVBoxLayout;

namespace Laces::App {

class Session;
class TelemetryChartView;
class TelemetryStream;

// Telemetry dashboards: pick machine nodes and metrics; one chart per metric with a line
// per node over a time axis. The chosen range (or a zoom or pan: wheel and drag, double
// click to go back) is fetched with a bucket size that suits it (raw, 1 min, 1 h, 1 day),
// with the min/max band of each bucket around the mean. Sensor limits are drawn as
// threshold lines. In live mode the charts follow the newest samples as the server pushes
// them. What is shown can be exported as CSV.
class TelemetryDashboard : public QWidget
{
    Q_OBJECT

public:
    explicit TelemetryDashboard(Session *session, QWidget *parent = nullptr);
    ~TelemetryDashboard() override;

    // Loads the node list (again).
    void reloadNodes();
    // After logging in again (maybe as someone else, maybe elsewhere): forgets the nodes,
    // charts and live stream of the previous session.
    void resetSession();
    void setNodeChecked(const QString &nodeId, bool checked);
    // Shows one machine alone, live, with the metrics its sensors measure (up to three);
    // waits for the node list when it is not there yet.
    void showNode(const QString &nodeId);
    void setMetricChecked(const QString &metric, bool checked);
    // Shows [fromMs, toMs) and leaves live mode.
    void setRange(qint64 fromMs, qint64 toMs);
    void setLive(bool live);
    bool isLive() const { return m_live; }
    qint64 rangeFromMs() const { return m_fromMs; }
    qint64 rangeToMs() const { return m_toMs; }
    // The bucket of the data shown: "raw", "1m", "1h" or "1d".
    QString bucket() const { return m_bucket; }

    QChart *chartFor(const QString &metric) const;
    QLineSeries *lineFor(const QString &nodeId, const QString &metric) const;
    QAreaSeries *bandFor(const QString &nodeId, const QString &metric) const;
    // Threshold lines drawn on a metric's chart (warn_above, max, min of the nodes' sensors).
    QList<QLineSeries *> thresholdsFor(const QString &metric) const;

    bool exportCsv(const QString &path, QString *error = nullptr) const;

    static QStringList metricNames();

signals:
    void nodesLoaded();
    // The charts hold what the current range asked for.
    void dataLoaded();
    void errorOccurred(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Line
    {
        QLineSeries *line = nullptr;
        QLineSeries *upper = nullptr;
        QLineSeries *lower = nullptr;
        QAreaSeries *band = nullptr;
        // What is shown, for the export: times and means (raw: values), and band edges.
        QList<qint64> times;
        QList<double> values, mins, maxes;
    };
    struct Chart
    {
        QString metric;
        TelemetryChartView *view = nullptr;
        QHash<QString, Line> lines;  // node id → its line
        QList<QLineSeries *> thresholds;
    };

    void rebuildCharts();
    void reload();
    // A reload soon, at most one a second: scrubbing the range does not flood the server
    // (whose rate limit is per user), and the latest range wins.
    void scheduleReload();
    // Whether the data last fetched (a span's margin either side, the same bucket) already
    // holds the range shown: panning within it needs no request.
    bool fetchedCovers() const;
    // What a fetch depends on besides the range: the nodes, the metrics, the bucket.
    QString fetchKey() const;
    void fill(const QString &nodeId, const QJsonObject &answer);
    void applyRange();
    void fitValueAxis(Chart &chart);
    void onSample(const QString &nodeId, qint64 timeMs, const QHash<QString, double> &values);
    void rangeChosen(int index);
    QStringList checkedNodes() const;
    QStringList checkedMetrics() const;
    QString nodeName(const QString &nodeId) const;

    Session *m_session;
    QListWidget *m_nodeList;
    QListWidget *m_metricList;
    QComboBox *m_rangeBox;
    QCheckBox *m_liveBox;
    QLabel *m_bucketLabel;
    QVBoxLayout *m_chartLayout;
    QList<Chart> m_charts;
    QHash<QString, QJsonObject> m_nodes;  // id → node (with its sensors)
    TelemetryStream *m_stream = nullptr;
    QTimer m_reloadTimer;   // debounces reloads while zooming and panning
    QTimer m_liveTimer;     // slides the live window
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    qint64 m_spanMs = 3600000;
    QString m_bucket;
    QString m_pendingNode;  // showNode() before the nodes were loaded
    bool m_live = true;
    bool m_nodesRequested = false;
    int m_pending = 0;
    int m_generation = 0;   // answers of an older reload are dropped
    struct Fetched
    {
        QString key;        // nodes, metrics and bucket
        qint64 fromMs = 0;
        qint64 toMs = 0;
        qint64 atMs = 0;    // when it was fetched
    };
    Fetched m_fetched;
    QElapsedTimer m_sinceReload;
};

} // namespace Laces::App
