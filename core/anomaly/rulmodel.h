#pragma once

#include "result.h"

#include <Eigen/Core>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Laces::Core::Anomaly {

// One unit's history, oldest step first. For training it must end at the unit's failure.
struct RunHistory
{
    QString unit; // a name for messages; cross-validation groups by history, not by name
    Eigen::VectorXd time; // cycle or hour of each step, strictly increasing
    Eigen::MatrixXd values; // one row per step, columns = the model's columns
};

struct RulOptions
{
    int window = 30; // steps (2 to 10,000) that the window features look back, this one included
    double ewmAlpha = 0.1; // in (0, 1]
    double cap = 125; // remaining life is learned as min(remaining, cap), in time units, > 0
    double lambda = 1; // ridge penalty on the standardised features, ≥ 0
    int folds = 5; // engine-grouped cross-validation, 2 to the number of histories
    quint64 seed = 0; // of the fold assignment
    QStringList sensors; // the columns to use; empty: all
    double intervalProbability = 0.8; // central share of the CV residuals, in (0, 1)
};

struct RulPrediction
{
    double rul = 0; // remaining life in the histories' time unit, ≥ 0
    double low = 0; // ≥ 0
    double high = 0; // ≥ low
};

// Remaining useful life from run-to-failure histories: a ridge regression on window
// features (the C-MAPSS FD001 recipe of tests/bench/eval_maintenance.cpp, test RMSE about
// 15.6 cycles). Per step and used sensor, on values min-max scaled by the training range
// (a constant sensor's range is taken as 1), over the last ≤ window steps: the mean, the
// last value, the least-squares slope per step × 10 (Σ u_i (x_i − x̄) / Σ u_i², u_i =
// i − (m−1)/2; 0 for one step) and the exponentially weighted mean (α, started at the
// window's first row); then time/100. Feature layout: means, lasts, slopes, EWMs (each in
// sensors() order), time. Features are standardised (training mean, σ ddof 0, σ < 1e-12 → 1),
// w = (ZᵀZ + λI)⁻¹ Zᵀ(y − ȳ) by LDLT, prediction max(0, z·w + ȳ). The interval adds the
// (1 ∓ p)/2 quantiles of the residuals y − ŷ of an engine-grouped k-fold cross-validation;
// folds are consecutive slices (numpy.array_split) of a Fisher–Yates permutation of the
// histories drawn from SplitMix64 (Steele, Lea & Flood 2014) seeded with `seed`, with
// rejection sampling for unbiased bounds, so the folds are the same on every platform.
class RulModel
{
public:
    static constexpr const char *kKind = "rul_ridge";

    // Refused with Error::invalid naming the field ("histories", "columns", "sensors",
    // "window", "ewmAlpha", "cap", "lambda", "folds", "intervalProbability").
    static Core::Result<RulModel> fit(const QList<RunHistory> &runsToFailure,
        const QStringList &columns, const RulOptions &options = {});

    // At the history's last step. Refused (Error::invalid, field "history") for an empty
    // history, a column count other than columns().size() or a non-finite value.
    Core::Result<RulPrediction> predict(const RunHistory &history) const;
    // The feature row of `step` (0-based) of a valid history; see the layout above.
    Eigen::RowVectorXd features(const RunHistory &history, Eigen::Index step) const;

    double cvRmse() const { return m_cvRmse; } // over every step of the held-out histories
    double residualLow() const { return m_residualLow; } // the interval's offsets
    double residualHigh() const { return m_residualHigh; }
    QStringList columns() const { return m_columns; }
    QStringList sensors() const; // the used columns
    const RulOptions &options() const { return m_options; }
    const Eigen::VectorXd &weights() const { return m_weights; }

    // The detectors' envelope (Wire::envelope, kind "rul_ridge"); deserialize() checks it
    // and every size and value, refusing damage with Error (Unprocessable).
    QByteArray serialize() const;
    static Core::Result<RulModel> deserialize(const QByteArray &bytes);

private:
    RulModel() = default;
    Eigen::MatrixXd featureMatrix(const RunHistory &history) const;
    double predictRow(const Eigen::RowVectorXd &features) const;

    QStringList m_columns;
    QList<int> m_used;
    RulOptions m_options;
    Eigen::VectorXd m_low, m_range; // min-max scaling per used sensor
    Eigen::VectorXd m_featureMean, m_featureScale, m_weights;
    double m_targetMean = 0;
    double m_residualLow = 0, m_residualHigh = 0, m_cvRmse = 0;
};

} // namespace Laces::Core::Anomaly
