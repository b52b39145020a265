#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <array>
#include <functional>

namespace Laces::Server {

// Process-wide counters exported at GET /metrics in the Prometheus text format.
class Metrics
{
public:
    Metrics();

    void observeRequest(const QByteArray &method, const QString &route, int status, double seconds);
    // Telemetry samples stored, and those refused as already stored (retries).
    void countTelemetry(qint64 stored, qint64 duplicates);

    // Gauges read at scrape time.
    void setGaugeSource(std::function<int()> dbInUse, std::function<int()> dbIdle,
                        std::function<int()> httpConnections, std::function<int()> webSockets);

    // What operators alert on (packaging/prometheus/laces-rules.yml).
    void countRateLimited();
    void setDatabaseProbe(bool up, double seconds);
    // A telemetry batch was stored whose newest sample is `lagS` seconds old.
    void noteIngest(double lagS);
    void setAgentInterval(int intervalS);
    void noteAgentCycle();
    void setFleet(const QHash<QString, qint64> &nodesByStatus);
    void setOpenTickets(const QHash<QString, qint64> &ticketsBySeverity);
    void setCertificateExpiry(qint64 expiresAtS);
    void setDataDir(const QString &dataDir);
    void setWebSocketDisconnectSource(std::function<QHash<QByteArray, quint64>()> source);

    QByteArray exposition() const;

private:
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    struct Histogram
    {
        std::array<quint64, kBuckets.size()> counts{};
        quint64 count = 0;
        double sum = 0;
    };

    mutable QMutex m_mutex;
    QHash<QPair<QByteArray, QString>, Histogram> m_durations;
    QHash<QPair<QByteArray, QString>, QHash<int, quint64>> m_responses;
    QHash<int, quint64> m_byStatus;
    std::function<int()> m_dbInUse;
    std::function<int()> m_dbIdle;
    std::function<int()> m_httpConnections;
    std::function<int()> m_webSockets;
    qint64 m_startedAtS = 0;
    quint64 m_telemetryStored = 0;
    quint64 m_telemetryDuplicates = 0;
    quint64 m_rateLimited = 0;
    bool m_databaseUp = false;
    double m_databaseProbeS = 0;
    qint64 m_databaseProbedAtS = 0;
    double m_ingestLagS = 0;
    double m_lastIngestS = 0;
    int m_agentIntervalS = 0;
    double m_lastAgentCycleS = 0;
    QHash<QString, qint64> m_fleet;
    QHash<QString, qint64> m_openTickets;
    qint64 m_certificateExpiryS = 0;
    QString m_dataDir;
    std::function<QHash<QByteArray, quint64>()> m_webSocketDisconnects;
};

} // namespace Laces::Server
