#pragma once

#include "result.h"

#include <Eigen/Core>

#include <QList>
#include <QStringList>

namespace Laces::Core::Anomaly {

struct FeatureScreenOptions
{
    int chunks = 8; // equal consecutive chunks of floor(rows / chunks) rows (the rest unused)
    // z-scaling is fit on the first fitRows rows of a chunk, or on its first fitShare when
    // the chunk has no more than fitRows rows.
    int fitRows = 400;
    double fitShare = 0.35;
    double quantile = 0.99; // of the training |z|: the nominal false-alarm rate is 1 − this
    double maxFalseAlarmRate = 0.15; // kept when the mean rate is at or below this
};

struct FeatureRate
{
    QString feature;
    double falseAlarmRate = 0; // mean over the chunks, in [0, 1]
    bool kept = false;
};

struct FeatureScreenResult
{
    QStringList kept; // in input order; never empty
    QList<FeatureRate> rates; // every feature, in input order
    int chunkRows = 0;
    int fitRows = 0; // per chunk
};

// Label-free channel screening on healthy data (tests/bench/eval_maintenance.cpp, SKAB's
// anomaly-free run): each chunk replays the detector's protocol (fit on its first rows,
// score the rest), and a feature whose |z| alone exceeds its training 0.99 quantile much
// more often than the nominal 1 % drifts within a healthy run, so it would raise false
// alarms. Per chunk and feature: μ, σ (ddof 0, σ < 1e-12 → 1) of the fit rows, q = the
// quantile of their |z| (linear interpolation), rate = share of the other rows with |z| > q.
// If no feature passes, the one with the lowest rate is kept. Refused (Error::invalid) for
// names that do not match the columns, non-finite values, bad options, or chunks too short
// to fit on 2 rows and test 1.
Core::Result<FeatureScreenResult> screenFeatures(const Eigen::MatrixXd &healthy,
    const QStringList &featureNames, const FeatureScreenOptions &options = {});

} // namespace Laces::Core::Anomaly
