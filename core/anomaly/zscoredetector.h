#pragma once

#include "anomaly/detector.h"

#include <optional>

namespace Laces::Core::Anomaly {

struct ZScoreOptions
{
    // The threshold is learned on the causal rolling mean of the training scores over this
    // many rows (1 to 100,000), on training rows [smoothingRows, n) (all rows for 1).
    int smoothingRows = 30;
    // The quantile of those smoothed scores, in (0, 1), linear interpolation (numpy).
    double quantile = 0.99;
    // At most one of the two. contamination c in (0, 0.5]: quantile = 1 − c. threshold:
    // a finite value ≥ 0 in smoothed-score units, used as given.
    std::optional<double> contamination;
    std::optional<double> threshold;
    // A floor under the learned threshold (not under an explicit one). The maintenance
    // agent uses 3: a smoothed max |z| under three standard deviations is never a ticket,
    // however tight the quantile of a short, quiet training window came out (heavily
    // smoothed noise has a narrow spread, so its 0.99 quantile sits barely above its
    // mean and ordinary noise would cross it every few hours). The benchmarks use none.
    std::optional<double> minimumThreshold;
};

// The per-feature z-score maximum: mean μ_j and population standard deviation σ_j (ddof 0;
// σ < 1e-12 is taken as 1) fit on the training rows, raw score of a row max_j |x_j − μ_j|/σ_j
// (dimensionless, ≥ 0; a non-finite value in the row gives NaN). The detector for SKAB's
// valve faults (tests/bench/eval_maintenance.cpp, F1 0.83 against 0.71 for scikit-learn's
// Isolation Forest). threshold() applies to the smoothed score of AnomalyStream; explain()
// of one row compares its raw score, which matches only for smoothingRows() == 1.
// explain(): shares |z_j| / Σ|z| sorted descending (equal shares for a row at the mean).
class ZScoreDetector final : public Detector
{
public:
    static constexpr const char *kKind = "zscore_max";

    // `train`: rows = samples, columns = `featureNames` (unique, non-empty), all finite, at
    // least 2 rows and, without an explicit threshold, more than smoothingRows rows.
    // Refused with Error::invalid naming the field ("train", "featureNames",
    // "smoothingRows", "quantile", "contamination", "threshold").
    static Core::Result<ZScoreDetector> fit(const Eigen::MatrixXd &train,
        const QStringList &featureNames, const ZScoreOptions &options = {});
    // The payload inside the envelope; callers use deserializeDetector().
    static Core::Result<ZScoreDetector> fromPayload(const QByteArray &payload);

    QString kind() const override;
    QStringList featureNames() const override { return m_featureNames; }
    double threshold() const override { return m_threshold; }
    double score(const double *row) const override;
    AnomalyScore explain(const double *row) const override;
    QByteArray serialize() const override;
    int smoothingRows() const override { return m_options.smoothingRows; }

    const ZScoreOptions &options() const { return m_options; }
    const Eigen::VectorXd &mean() const { return m_mean; }
    const Eigen::VectorXd &standardDeviation() const { return m_std; } // > 0

private:
    ZScoreDetector() = default;

    QStringList m_featureNames;
    ZScoreOptions m_options;
    Eigen::VectorXd m_mean;
    Eigen::VectorXd m_std;
    double m_threshold = 0;
};

} // namespace Laces::Core::Anomaly
