#pragma once

#include "edgebuffer.h"
#include "edgeconfig.h"
#include "lineparser.h"
#include "mqttclient.h"

#include "anomaly/anomalystream.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>
#include <optional>
#include <random>
#include <vector>

class QNetworkReply;
class QSocketNotifier;
class QTcpServer;

namespace Laces::Edge {


// laces-edge run: reads the input, commits every sample to the buffer in batched
// transactions before it is acknowledged to its source, evaluates the control rules and
// limits on each sample as it arrives, scores each minute with the node's anomaly model,
// uploads in batches and forgets only what the server answered it stored.
class EdgeAgent : public QObject
{
    Q_OBJECT
public:
    explicit EdgeAgent(EdgeConfig config, QObject *parent = nullptr);
    ~EdgeAgent() override;

    // Opens the buffer, starts a boot epoch, the input, the uplink and /metrics. An error
    // (exit code 2) names what is wrong.
    Core::Status start();
    // Commits what is pending and stops (SIGTERM, SIGINT).
    void stop();

signals:
    void finished(int exitCode);

private:
    enum class Uplink { Starting, Online, Offline, ServerError, Unauthorized };

    // input
    Core::Status startInput();
    void readStdin();
    void pollFile();
    bool openFile(const QString &path, qint64 offset);
    void takeLines(QByteArray &pending, bool flushPartial);
    void takeLine(QByteArrayView line);
    void simulate();
    void onMqttMessage(const MqttClient::Message &message);
    void accept(Sample sample);
    void badLine(const QString &where, const QString &reason);

    // buffer
    void scheduleFlush();
    bool flush();

    // local intelligence
    void evaluate(const Sample &sample);
    void scoreMinute();
    void localAlert(const QString &kind, const QString &message, const QJsonObject &event, qint64 timeMs);
    void issue(const ControlRule &rule, const Sample &sample, double value);
    void loadStoredModel();
    void fetchModel();

    // uplink
    QNetworkRequest request(const QString &path) const;
    void scheduleUpload(double delayS);
    void upload();
    void uploaded(QNetworkReply *reply, const EdgeBuffer::Batch &batch, qint64 startedMs);
    void uploadEvents();
    double backoffS(int retryAfterS);
    void setUplink(Uplink state, const QString &error = {});
    bool readKey();
    void checkDrained();

    // operation
    void serveMetrics();
    QByteArray metricsText() const;

    EdgeConfig m_config;
    EdgeBuffer m_buffer;
    QByteArray m_key;
    QByteArray m_nodeText;
    QNetworkAccessManager m_network;
    QSslConfiguration m_ssl;

    // pending: accepted, not yet committed
    EdgeBuffer::Append m_pending;
    QTimer m_flushTimer;
    qint64 m_samplesReceived = 0;
    qint64 m_commitCount = 0;
    double m_commitSeconds = 0;

    // inputs
    LineParser m_parser;
    qint64 m_lineNumber = 0;
    std::unique_ptr<QSocketNotifier> m_stdin;
    QByteArray m_stdinPending;
    bool m_inputEnded = false;
    QFile m_file;
    qint64 m_fileDevice = 0, m_fileInode = 0;
    qint64 m_fileOffset = 0;       // just after the last complete line taken
    QByteArray m_filePending;
    QTimer m_pollTimer;
    QTimer m_simulateTimer;
    qint64 m_simulateStartMs = 0;
    qint64 m_simulated = 0;
    std::mt19937_64 m_random{std::random_device{}()};
    MqttClient *m_mqttInput = nullptr;
    MqttClient *m_mqttOutput = nullptr;

    // local intelligence
    struct ConditionState
    {
        int run = 0;
        bool firing = false;
    };
    std::vector<ConditionState> m_ruleStates, m_limitStates;
    std::vector<double> m_latenciesMs;   // sample arrival → command issued, a ring
    qint64 m_latencyCount = 0;
    qint64 m_commandsIssued = 0;
    qint64 m_localAlerts = 0;
    std::shared_ptr<const Core::Anomaly::Detector> m_detector;
    std::unique_ptr<Core::Anomaly::AnomalyStream> m_stream;
    QList<int> m_featureMetrics;         // metric index of each model feature
    QByteArray m_modelEtag;
    qint64 m_minuteMs = -1;
    std::vector<double> m_minuteSums;
    std::vector<int> m_minuteCounts;
    bool m_anomalyFiring = false;
    double m_lastScore = qQNaN();
    QTimer m_modelTimer;
    bool m_modelInFlight = false;

    // uplink
    QTimer m_uploadTimer;
    bool m_uploadInFlight = false;
    bool m_eventsInFlight = false;
    int m_failures = 0;
    int m_uploadRows;
    int m_bisectRows = 0;                // > 0: a refused batch is being narrowed down
    double m_intervalS;
    Uplink m_uplink = Uplink::Starting;
    QString m_lastError;
    qint64 m_uploadedSamples = 0;
    qint64 m_uploadFailures = 0;
    qint64 m_duplicatesAcked = 0;
    qint64 m_lastUploadNotedMs = 0;

    QTcpServer *m_metricsServer = nullptr;
    bool m_stopping = false;
};

} // namespace Laces::Edge
