#pragma once

#include "anomaly/detector.h"

#include <QtGlobal>

#include <memory>
#include <vector>

namespace Laces::Core::Anomaly {

// Scores rows one at a time, in time order, with the detector's causal smoothing: the
// score of a row is the mean of the raw scores of the last smoothingRows() rows pushed
// (fewer at the start), the same numbers smoothedScores() gives for the whole series, bit
// for bit. The one scoring path shared by the server's maintenance agent, laces-cli and
// the benchmarks. Not thread-safe (it keeps the window); the detector is shared and
// immutable.
class AnomalyStream
{
public:
    // `detector` must not be null.
    explicit AnomalyStream(std::shared_ptr<const Detector> detector);

    // `row` points at detector().featureNames().size() raw values. score = the smoothed
    // score, anomaly = score ≥ threshold(), drivers = explain(row) of this row alone. A
    // non-finite raw score is kept in the window, so it makes the next smoothingRows()
    // scores non-finite too (and not anomalous).
    AnomalyScore push(const double *row);
    // Forgets the window (a new series starts).
    void reset();

    const Detector &detector() const { return *m_detector; }
    qint64 rowsPushed() const { return m_pushed; }

private:
    std::shared_ptr<const Detector> m_detector;
    std::vector<double> m_window; // ring of the last smoothingRows() raw scores
    qint64 m_pushed = 0;
};

// The smoothed score of every row of `rows` (rows = samples in time order, columns =
// featureNames()), as AnomalyStream would give them; empty on a column mismatch.
Eigen::VectorXd smoothedScores(const Detector &detector, const Eigen::MatrixXd &rows);

} // namespace Laces::Core::Anomaly
