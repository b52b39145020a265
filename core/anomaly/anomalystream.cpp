#include "anomaly/anomalystream.h"

#include <algorithm>

namespace Laces::Core::Anomaly {

AnomalyStream::AnomalyStream(std::shared_ptr<const Detector> detector)
    : m_detector(std::move(detector))
{
    Q_ASSERT(m_detector);
    m_window.assign(size_t(std::max(1, m_detector->smoothingRows())), 0.0);
}

AnomalyScore AnomalyStream::push(const double *row)
{
    AnomalyScore result = m_detector->explain(row);
    const qint64 window = qint64(m_window.size());
    m_window[size_t(m_pushed % window)] = result.score;
    ++m_pushed;
    // Summed oldest first, as causalRollingMean() does, so both give the same bits.
    const qint64 count = std::min(m_pushed, window);
    double sum = 0;
    for (qint64 i = m_pushed - count; i < m_pushed; ++i)
        sum += m_window[size_t(i % window)];
    result.score = sum / double(count);
    result.anomaly = result.score >= m_detector->threshold();
    return result;
}

void AnomalyStream::reset()
{
    std::fill(m_window.begin(), m_window.end(), 0.0);
    m_pushed = 0;
}

Eigen::VectorXd smoothedScores(const Detector &detector, const Eigen::MatrixXd &rows)
{
    const Eigen::VectorXd raw = detector.scores(rows);
    if (raw.size() != rows.rows())
        return {};
    return causalRollingMean(raw, detector.smoothingRows());
}

} // namespace Laces::Core::Anomaly
