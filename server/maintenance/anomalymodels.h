#pragma once

#include "http/router.h"
#include "result.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QStringList>
#include <QUuid>

#include <memory>
#include <optional>

namespace Laces::Core::Anomaly {
class Detector;
}

namespace Laces::Server {

class PgConnection;

// How a node's anomaly model is trained: on its telemetry in [fromMs, toMs), the metrics
// given (or its sensors', or every metric it reports in 95 % of the rows), screened for
// channels that drift within healthy data, with the detector the SKAB benchmark chose
// (zscore_max) unless told otherwise.
struct TrainingRequest
{
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QString detector = QStringLiteral("zscore_max");   // or isolation_forest
    QStringList metrics;
    bool screen = true;
    int smoothingRows = 30;
    std::optional<double> contamination;
    std::optional<double> threshold;
    double minimumThreshold = 3;   // zscore_max: the learned threshold's floor (3σ)
    quint64 seed = 0;
    int trees = 100;
    int sampleSize = 256;
};

namespace AnomalyModels {

constexpr int kMaxTrainingRows = 200000;

// Trains and stores the node's active model (the previous one is kept, inactive); its
// metadata as the API shows it.
Core::Result<QJsonObject> train(PgConnection &db, const QUuid &organizationId, const QUuid &nodeId,
                                const TrainingRequest &request);

// The JSON of model row `m` (without its bytes).
QByteArray modelJsonSql();

} // namespace AnomalyModels

// Deserialised detectors by model id, shared by the agent's cycles (they are immutable).
class DetectorCache
{
public:
    std::shared_ptr<const Core::Anomaly::Detector> find(const QUuid &modelId) const;
    void insert(const QUuid &modelId, std::shared_ptr<const Core::Anomaly::Detector> detector);

private:
    mutable QMutex m_mutex;
    QHash<QUuid, std::shared_ptr<const Core::Anomaly::Detector>> m_detectors;
};

// A node's anomaly model:
//   POST /nodes/{id}/anomaly-model {detector, from, to, metrics, screen, smoothing_rows,
//        contamination | threshold, seed, trees, sample_size}           (nodes.manage)
//   GET /nodes/{id}/anomaly-model                                       (twins.view)
//   GET /nodes/{id}/anomaly-model/file   the binary, with an ETag       (telemetry.ingest: the
//        node's own edge API key, or a user who may ingest)
//   DELETE /nodes/{id}/anomaly-model     the node has none until trained again (nodes.manage)
class AnomalyModelsApi
{
public:
    void registerRoutes(Router &router);

private:
    HttpResponse train(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse file(RequestContext &context);
    HttpResponse remove(RequestContext &context);
};

} // namespace Laces::Server
