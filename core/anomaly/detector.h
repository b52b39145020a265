#pragma once

#include "result.h"

#include <Eigen/Core>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QDataStream;

namespace Laces::Core::Anomaly {

// One feature's part in a score. The shares of one score sum to 1 and are sorted
// descending (ties keep the feature order).
struct FeatureContribution
{
    QString feature;
    double share = 0;
};

struct AnomalyScore
{
    double score = 0;
    bool anomaly = false; // score >= the detector's threshold
    QList<FeatureContribution> drivers;
};

// The interface every detector shares. A detector is immutable once built (fit or
// deserialised), so all const members may be called from several threads at once.
class Detector
{
public:
    virtual ~Detector() = default;

    virtual QString kind() const = 0; // "isolation_forest", ...
    virtual QStringList featureNames() const = 0;
    virtual double threshold() const = 0; // score >= threshold means anomaly
    // `row` points at featureNames().size() raw (unscaled) values, in featureNames() order.
    virtual double score(const double *row) const = 0;
    virtual AnomalyScore explain(const double *row) const = 0;
    // One score per row of `rows` (rows = samples, columns = featureNames()). The default
    // loops score(); implementations may parallelise, with results bit-identical to
    // score(). A column count that does not match featureNames() gives an empty vector.
    virtual Eigen::VectorXd scores(const Eigen::MatrixXd &rows) const;
    // The envelope read by deserializeDetector(): see detector.cpp for the layout.
    virtual QByteArray serialize() const = 0;
    // How many consecutive raw scores the detector's threshold was learned on as a causal
    // rolling mean (AnomalyStream applies the same smoothing). 1: raw scores.
    virtual int smoothingRows() const { return 1; }
};

// Reads any detector written by Detector::serialize(). Checks the magic "LACESAD", the
// format version, the kind, every size and a SHA-256 of kind and payload, then the
// model's own structure; truncated, damaged or foreign bytes are refused with an
// Error (Unprocessable) whose message names what is wrong. Allocations are bounded by the
// input's size, so hostile input cannot exhaust memory.
Core::Result<std::unique_ptr<Detector>> deserializeDetector(const QByteArray &bytes);

// numpy's default quantile (linear interpolation between order statistics) of `values`
// for a probability in [0, 1]; NaN for no values.
double linearQuantile(std::vector<double> values, double probability);

// The causal rolling mean of `values` over `window` (≥ 1) rows: element t is the mean of
// values[max(0, t − window + 1) .. t] (partial windows at the start), summed oldest first
// so AnomalyStream's incremental result is bit-identical.
Eigen::VectorXd causalRollingMean(const Eigen::VectorXd &values, int window);

// A threshold learned on a detector's training scores: the `probability` quantile of their
// causal rolling mean over `smoothingRows`, taken over rows [smoothingRows, n) when
// smoothingRows > 1 (the warm-up rows have partial windows) and over all rows otherwise.
// NaN when no row is left.
double smoothedTrainingQuantile(const Eigen::VectorXd &trainScores, int smoothingRows,
    double probability);

// Each feature's credit in one score as its share: credits / their sum, sorted descending
// (ties keep the feature order); equal shares when the credits sum to 0 or not to a
// finite number. The drivers of every detector's explain().
QList<FeatureContribution> sharesOf(const QStringList &featureNames, const std::vector<double> &credits);

// Limits every detector keeps to (a payload beyond them is refused before allocating).
constexpr qsizetype kMaxFeatures = 65536;
constexpr quint32 kMaxFeatureNameBytes = 1024;

// The checks every detector's fit() makes of its training matrix and names: at least 2
// rows, 1 to kMaxFeatures columns, one unique non-empty name (≤ kMaxFeatureNameBytes) per
// column, every value finite. An Error::invalid naming "train" or "featureNames".
std::optional<Core::Error> checkTraining(const Eigen::MatrixXd &train, const QStringList &featureNames);

// Per-feature robust scaling, fit on training data only: z = (x − center)/scale with
// center = median and scale = IQR/1.349 (the σ of a normal distribution), falling back to
// the standard deviation and then to 1 for a constant column.
struct RobustScaling
{
    Eigen::VectorXd center;
    Eigen::VectorXd scale; // > 0 and finite

    static RobustScaling fit(const Eigen::MatrixXd &train);
    double apply(Eigen::Index feature, double value) const
    {
        return (value - center[feature]) / scale[feature];
    }
};

// For detector implementations: the common envelope, and the pieces of a payload that
// every detector shares. All streams are little-endian with double precision.
namespace Wire {
QByteArray envelope(const QString &kind, const QByteArray &payload);
void prepare(QDataStream &stream);
void writeString(QDataStream &out, const QString &text);
// A payload's feature names: a u32 count, then each as writeString.
void writeFeatureNames(QDataStream &out, const QStringList &names);
// False, with *error saying what, when the count does not fit the data left (each feature
// needs at least `bytesPerFeature`) or a name is damaged, empty or repeated.
bool readFeatureNames(QDataStream &in, QStringList *names, int bytesPerFeature, QString *error);
// False (with the stream's status set) on a length beyond maxBytes or the data left.
bool readString(QDataStream &in, QString *text, quint32 maxBytes);
void writeScaling(QDataStream &out, const RobustScaling &scaling);
// False when the data ends early or a center/scale is not finite (scale must be > 0).
bool readScaling(QDataStream &in, Eigen::Index features, RobustScaling *scaling);
qint64 bytesLeft(const QDataStream &in);

struct Envelope
{
    QString kind;
    QByteArray payload;
};
// Checks magic, version, sizes and digest (the checks deserializeDetector() documents) and
// gives the kind and payload; refused with Error (Unprocessable) naming what is wrong.
Core::Result<Envelope> openEnvelope(const QByteArray &bytes);
} // namespace Wire

} // namespace Laces::Core::Anomaly
